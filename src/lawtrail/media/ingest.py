"""Media ingest: a staged file becomes a stored original and an AV record, in small steps.

The contract of every step (``Step``): it takes the ``Ingest`` being built, reads what earlier steps
set, sets its own attributes, and either returns normally or raises ``ValidationError`` with a
Chinese message keyed by the field at fault. Steps run in order:

1. ``check_claim``  the client's SHA-256, when it sent one, must equal ours (computed while the
                    bytes were written, ``digests.HashingWriter``); a mismatch refuses the upload.
2. ``probe``        reads what the file says of itself (``probe.probe``): kind, capture times,
                    GPS, duration, codecs; an unreadable file is refused before anything is stored.
3. ``store``        puts the bytes in the write-once store (fsync'ed / upload confirmed) — before
                    any database row names them, so a committed row never points at nothing.
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
    facts: prober.Probe | None = None
    derived: list[tuple[str, Digests, str]] = field(default_factory=list)  # (purpose, digests, mime)


Step = Callable[[Ingest], None]


def check_claim(i: Ingest) -> None:
    claimed = i.claimed_sha256.strip().lower()
    if claimed and claimed != i.digests.sha256:
        raise ValidationError({"sha256": f"文件校验值不符：客户端声明 {claimed[:16]}…，服务器计算为 "
                                         f"{i.digests.sha256[:16]}…；文件可能在传输中损坏，请重新上传"})


def store(i: Ingest) -> None:
    i.created = get_store().put_file(i.path, i.digests)


def probe(i: Ingest) -> None:
    try:
        i.facts = prober.probe(i.path)
    except prober.ProbeError as e:
        raise ValidationError({"file": str(e)}) from None


def derive(i: Ingest) -> None:
    kind = i.facts.kind
    if kind == "audio":
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


def run(i: Ingest) -> Ingest:
    for step in STEPS:
        step(i)
    return i


def staging_dir() -> Path:
    """Where uploads are staged: beside the store's objects, on the same filesystem, so storing is
    a link rather than a copy."""
    d = Path(settings.MEDIA_ROOT) / "uploads"
    d.mkdir(parents=True, exist_ok=True)
    return d


def staged(upload_id) -> Path:
    return staging_dir() / f"{upload_id}.part"


def discard(path: Path) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
