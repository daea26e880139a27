"""AV records used as evidence (002 第十九条: 音像资料需要作为证据使用时，应当按照有关视听资料证据的规定，
转化至相关存储媒介中并制作说明附卷).

``export`` writes the chosen originals of a case into one ZIP file for the storage medium, beside a
manifest of their facts and hashes and the ledger's inclusion proofs of each record and each
original (ledger/proofs.py: checkable on a machine without lawtrail's database), and drafts the
case's 视听资料证据说明 (records/catalogue.py av_evidence_statement) filled in from the manifest,
for the officer to complete and finalise. The 002 rule ``av-evidence-statement`` (kind
``drafts_finalised``) then wants every such statement finalised before the case ends.

Steps, so that a failure leaves nothing behind:
1. check who exports and what (the case's own records, a known medium, a purpose);
2. write the ZIP into staging while hashing it (no database transaction is open meanwhile: the
   originals may be large);
3. in one transaction: the ledger entry ``media.evidence_exported`` (records, the package's
   SHA-256 and size, the medium) and the draft statement with its own entry;
4. hand the file to the caller, who streams it and removes it (``Package.path``). If step 3 fails,
   the file is removed here.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from lawtrail.access.models import Staff
from lawtrail.cases.models import Case
from lawtrail.ledger import checkpoints
from lawtrail.ledger import store as ledger
from lawtrail.records.catalogue import KINDS

from . import ingest
from .actions import _actor, may_upload
from .models import AvRecord
from .storage import get_store

MAX_RECORDS = 200
MEDIA = dict(KINDS["av_evidence_statement"].field("medium").choices)  # the statement's 存储媒介
METHOD = ("从行政执法全过程记录系统导出音像资料原件，未经剪辑、压缩或转码；每个原件的 SHA-256、SM3 与入库时记录的一致，"
          "并附账本包含性证明（proofs/ 目录，可用 lawtrail verify-proof 在其他计算机上核验）。")
BLOCK = 1024 * 1024


@dataclass
class Package:
    path: Path          # the ZIP in staging: the caller streams it, then removes it
    filename: str
    sha256: str
    size: int
    statement_id: int   # the draft 视听资料证据说明


def _problems(by: Staff, case: Case, records: list[AvRecord], medium: str, purpose: str) -> dict:
    errors = {}
    if not records:
        errors["records"] = "请选择要作为证据导出的音像记录"
    elif len(records) > MAX_RECORDS:
        errors["records"] = f"一次最多导出 {MAX_RECORDS} 条音像记录"
    elif any(av.case_id != case.pk for av in records):
        errors["records"] = "只能导出本案的音像记录"
    if medium not in MEDIA:
        errors["medium"] = "请选择存储媒介：光盘、U盘、移动硬盘或其他"
    if not (purpose or "").strip():
        errors["purpose"] = "请写明该视听资料拟证明的事实（证明对象）"
    elif len(purpose) > 2000:
        errors["purpose"] = "证明对象不超过 2000 字"
    return errors


def _member(av: AvRecord) -> str:
    return f"originals/{av.pk}-{av.filename}"


def _facts(av: AvRecord) -> dict:
    local = timezone.localtime
    return {"id": av.pk, "file": _member(av), "filename": av.filename, "kind": av.get_kind_display(),
            "mime": av.mime, "size": av.blob.size, "sha256": av.blob.sha256, "sm3": av.blob.sm3,
            "capture_start": local(av.capture_start).isoformat(), "capture_end": local(av.capture_end).isoformat(),
            "recorded_by": av.recorded_by.name, "device": av.device.serial if av.device_id else "",
            "source": av.get_source_display(), "ledger_seq": av.ledger_seq, "original_ledger_seq": av.blob.ledger_seq}


def _write_zip(target, records: list[AvRecord], manifest: dict, proofs: dict[str, dict]) -> None:
    store = get_store()
    # Stored, not deflated: video and audio do not shrink, and the originals stay byte for byte.
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as z:
        z.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
        for name, proof in proofs.items():
            z.writestr(f"proofs/{name}.json", json.dumps(proof, ensure_ascii=False, indent=2))
        for av in records:
            with store.open(av.blob.sha256) as src, z.open(_member(av), "w", force_zip64=True) as dst:
                while block := src.read(BLOCK):
                    dst.write(block)


class _Hashing:
    """A write-only file that hashes what passes through it (zipfile also asks where it stands)."""

    def __init__(self, f):
        self.f, self.h, self.n = f, hashlib.sha256(), 0

    def write(self, b):
        self.h.update(b)
        self.n += len(b)
        return self.f.write(b)

    def tell(self):
        return self.n

    def flush(self):
        self.f.flush()


def export(*, by: Staff, case: Case, records: list[AvRecord], medium: str, purpose: str) -> Package:
    """Export ``records`` of ``case`` as evidence (the steps above)."""
    from lawtrail.records import actions as documents

    may_upload(by, case)  # whoever may add AV to the case: its officers, their head, the custodian
    records = list(AvRecord.objects.filter(pk__in=[av.pk for av in records])
                   .select_related("blob", "recorded_by", "device").order_by("capture_start", "pk")) if records else []
    errors = _problems(by, case, records, medium, purpose)
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    manifest = {"format": "lawtrail-evidence/1", "case": case.number, "bureau": case.bureau.name,
                "exported_at": timezone.localtime(now).isoformat(), "exported_by": by.name,
                "medium": MEDIA[medium], "purpose": purpose.strip(), "records": [_facts(av) for av in records]}
    proofs = {}
    for av in records:  # the record's entry (who, when, what camera) and the original's (its hashes)
        proofs[f"{av.pk}-record"] = checkpoints.inclusion(av.ledger_seq)
        proofs[f"{av.pk}-original"] = checkpoints.inclusion(av.blob.ledger_seq)
    fd, tmp = tempfile.mkstemp(dir=ingest.staging_dir(), suffix=".zip.part")
    path = Path(tmp)
    try:
        with os.fdopen(fd, "wb") as f:
            out = _Hashing(f)
            _write_zip(out, records, manifest, proofs)
            f.flush()
            os.fsync(f.fileno())
        digest, size = out.h.hexdigest(), out.n
        with transaction.atomic():
            ledger.append(actor=_actor(by), action="media.evidence_exported", subject=f"case:{case.pk}",
                          payload={"records": [av.pk for av in records], "package_sha256": digest, "size": size,
                                   "medium": medium})
            statement = documents.create_draft(by=by, case=case, kind="av_evidence_statement", values={
                "records": "\n".join(f"{f['filename']}（{f['kind']}，{f['capture_start'][:16].replace('T', ' ')}，"
                                     f"{f['recorded_by']}{'，' + f['device'] if f['device'] else ''}）"
                                     f" SHA-256 {f['sha256']} SM3 {f['sm3']}" for f in manifest["records"]),
                "medium": medium, "package_sha256": digest, "made_by": by.name,
                "made_at": timezone.localtime(now).isoformat(timespec="minutes"), "method": METHOD,
                "purpose": purpose.strip()})
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return Package(path, f"{case.number}-视听资料证据-{timezone.localtime(now):%Y%m%d%H%M}.zip", digest, size,
                   statement.pk)
