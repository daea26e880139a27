"""Media ingest: a staged file becomes a stored original and an AV record, in small steps.

The contract of every step (``Step``): it takes the ``Ingest`` being built, reads what earlier steps
set, sets its own attributes, and either returns normally or raises ``ValidationError`` with a
Chinese message keyed by the field at fault. Steps run in order:

1. ``check_claim``  the client's SHA-256, when it sent one, must equal ours (computed while the
                    chunks were written, ``digests.StagedHasher``); a mismatch refuses the upload.
2. ``probe``        reads what the file says of itself (``probe.probe``): kind, capture times,
                    GPS, duration, codecs. A file that is no media is refused before anything is
                    stored; one that starts like media but cannot be read (a camera's power cut)
                    is kept and flagged ``damaged``; content contradicting the extension is refused.
3. ``store``        puts the bytes in the write-once store (fsync'ed / upload confirmed) — before
                    any database row names them, so a committed row never points at nothing. The
                    store adopts the staged file (``Store.adopt``): on disk it becomes the object.
4. ``derive``       thumbnail (photos) or poster frame (videos), stored as separate objects that
                    name their original. The playback copy of a long video is slow and is made
                    by the worker (``jobs.py``), not here.

Then ``actions.complete_upload`` (or ``ingest_file``) writes the Blob, the AvRecord and their
ledger entry in one transaction. A crash before that commit leaves, at most, objects in the store
that no row names: the next upload of the same bytes finds them (stored once); nothing is half.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from django.conf import settings
from django.core.exceptions import ValidationError

from . import derivatives, probe as prober
from .digests import Digests, hash_file
from .storage import get_store


@dataclass
class Ingest:
    path: Path
    filename: str
    digests: Digests
    claimed_sha256: str = ""
    created: bool = False          # this ingest stored new bytes (False: the store had them)
    damaged: bool = False          # a recognisable file that could not be read: kept and flagged
    facts: prober.Probe | None = None
    derived: list[tuple[str, Digests, str]] = field(default_factory=list)  # (purpose, digests, mime)
    record: object = None          # the AvRecord the check built, saved by actions._write


Step = Callable[[Ingest], None]


def check_claim(i: Ingest) -> None:
    claimed = i.claimed_sha256.strip().lower()
    if claimed and claimed != i.digests.sha256:
        raise ValidationError({"sha256": f"文件校验值不符：客户端声明 {claimed[:16]}…，服务器计算为 "
                                         f"{i.digests.sha256[:16]}…；文件可能在传输中损坏，请重新上传"})


def store(i: Ingest) -> None:
    # adopt, not put_file: i.path was staged and i.digests computed by this server as it wrote it
    # (never a client's claim), so the filesystem store links the staged file in place — no copy.
    i.created = get_store().adopt(i.path, i.digests)


def probe(i: Ingest) -> None:
    try:
        i.facts = prober.probe(i.path)
    except prober.ProbeError as e:
        known = prober.recognise(i.path) if os.path.getsize(i.path) else None
        if known is None:  # not media at all (or empty): refused, nothing stored
            raise ValidationError({"file": str(e)}) from None
        kind, mime, container = known  # damaged evidence: kept and flagged, never lost
        i.damaged = True
        i.facts = prober.Probe(kind=kind, mime=mime, container=container,
                               notes=(f"文件已损坏，无法读取其内容：{e}。原件已按原样保存，请人工核查",))
    declared = EXTENSION_KINDS.get(Path(i.filename).suffix.lower())
    if declared and declared != i.facts.kind and not (declared == "video" and i.facts.kind == "audio"):
        raise ValidationError({"file": f"文件内容（{KIND_LABELS[i.facts.kind]}）与扩展名"
                                       f"“{Path(i.filename).suffix}”（{KIND_LABELS[declared]}）不符"})


KIND_LABELS = {"photo": "照片", "audio": "录音", "video": "录像"}
EXTENSION_KINDS = {  # a phone's .mp4/.3gp may hold sound only: that one mismatch is allowed
    **dict.fromkeys((".mp4", ".mov", ".m4v", ".avi", ".mkv", ".ts", ".mts", ".3gp", ".flv", ".wmv", ".asf"), "video"),
    **dict.fromkeys((".jpg", ".jpeg", ".png", ".heic", ".heif", ".tif", ".tiff", ".webp", ".bmp", ".gif"), "photo"),
    **dict.fromkeys((".mp3", ".wav", ".m4a", ".aac", ".amr", ".wma", ".ogg", ".opus", ".flac"), "audio"),
}


def derive(i: Ingest) -> None:
    kind = i.facts.kind
    if kind == "audio" or i.damaged:
        return
    with tempfile.TemporaryDirectory(dir=staging_dir()) as tmp:
        out = Path(tmp) / "derived.jpg"
        try:
            made = derivatives.thumbnail(i.path, out) if kind == "photo" else derivatives.poster_frame(i.path, out)
        except prober.ProbeError:
            return  # the original is kept; a record without a picture of it is still a record
        d = hash_file(out)
        get_store().put_file(out, d)
        i.derived.append(("thumbnail" if kind == "photo" else "poster", d, made.mime))


STEPS: tuple[Step, ...] = (check_claim, probe, store, derive)


def run(i: Ingest, check: Step | None = None) -> Ingest:
    """Run the steps; ``check`` runs just before ``store``, so whatever it refuses (the uploader's
    facts) is refused before a byte is stored."""
    for step in STEPS:
        if step is store and check is not None:
            check(i)
        step(i)
    return i


def staging_dir() -> Path:
    """Where uploads are staged: where the store says (the filesystem store: inside its objects
    directory, on the same filesystem, so ``store`` adopts the staged file by a link rather than a
    copy), else ``MEDIA_ROOT/uploads``."""
    d = get_store().staging_dir() or Path(settings.MEDIA_ROOT) / "uploads"
    d.mkdir(parents=True, exist_ok=True)
    return d


def staged(upload_id) -> Path:
    return staging_dir() / f"{upload_id}.part"


def discard(path: Path) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
