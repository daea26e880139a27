"""The only write path for documents: draft → finalised version (immutable, hashed, in the ledger)
→ signatures or recorded refusals; a correction is a new version superseding the old one, with its
reason. Every action writes its rows and one ledger entry in one transaction; the entry's subject is
the case, so documents show on the case's timeline."""

from __future__ import annotations

import hashlib
import io
import json
from datetime import timedelta

from PIL import Image

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from lawtrail.access import roles
from lawtrail.access.models import Staff
from lawtrail.access.policy import Denied
from lawtrail.cases import certificates, numbers
from lawtrail.cases.models import Case
from lawtrail.images import load_strictly
from lawtrail.ledger.canonical import EncodingError, dumps, normalise
from lawtrail.ledger.tracked import record

from . import catalogue
from .checks import digests
from .models import Document, NumberCounter, Refusal, Service, ServiceReceipt, Signature, SignatureImage, Version
from .values import FieldErrors, clean

CLOCK_SKEW = timedelta(minutes=5)  # a client's clock may run this much ahead of ours
MAX_IMAGE_BYTES = 512 * 1024
MAX_IMAGE_PIXELS = 4000 * 4000
IMAGE_MAGIC = {"image/png": b"\x89PNG\r\n\x1a\n", "image/jpeg": b"\xff\xd8\xff"}
PERSON_ROLES = ("party", "witness")  # people who sign on the officer's tablet, not with an account


def _actor(by: Staff) -> str:
    return f"user:{by.user_id}"


def _kind(code: str) -> catalogue.DocumentKind:
    try:
        return catalogue.get(code)
    except ValueError as e:
        raise ValidationError({"kind": str(e)}) from None


def _handling(by: Staff, case: Case) -> None:
    """Documents are made by the case's own officers, or its unit's head."""
    if by is None or not by.active or case.bureau_id != by.bureau_id or by.role not in roles.OPENS_CASES:
        raise Denied("无权制作本案文书")
    if not (case.handlers.filter(pk=by.pk).exists() or (by.role == "unit_head" and by.unit_id == case.unit_id)):
        raise Denied("只有本案承办人或承办机构负责人可以制作本案文书")


def _clean(kind, values: dict, final: bool) -> dict:
    try:
        return clean(kind, values, final=final)
    except FieldErrors as e:
        raise ValidationError(e.errors) from None


def prefill(case: Case, kind: catalogue.DocumentKind) -> dict:
    """What the case already knows, for the fields that ask for it."""
    party = case.parties.first()
    handlers = list(case.handlers.all())
    out: dict = {}
    for f in kind.fields:
        if f.type == "officers" and len(handlers) >= 2:
            out[f.name] = [{"name": h.name, "certificate_no": h.certificate_no, "shown": True} for h in handlers]
        elif f.type == "party" and party is not None:
            out[f.name] = _party_value(party)
    return out


def _party_value(party) -> dict:
    return {"id": party.pk, "name": party.name, "kind": party.get_kind_display(), "identifier": party.identifier,
            "address": party.address, "contact": party.contact, "representative": party.representative}


def _encode(values: dict) -> str:
    try:
        return dumps(normalise(values, where="文书内容"))
    except EncodingError as e:  # a value the ledger cannot hold exactly, e.g. an integer beyond ±(2⁵³−1)
        raise ValidationError({"values": str(e)}) from None


def _locked(document: Document, *related: str) -> Document:
    """The document row locked for this transaction. Only the document's own row, and FOR NO KEY
    UPDATE: locking the case too would deadlock with actions that insert rows referencing it."""
    qs = Document.objects.select_for_update(no_key=True, of=("self",)).select_related("case", *related)
    return qs.get(pk=document.pk)


@transaction.atomic
def create_draft(*, by: Staff, case: Case, kind: str, values: dict | None = None) -> Document:
    _handling(by, case)  # who acts first: someone who may not draft learns nothing of what he sent
    k = _kind(kind)
    merged = prefill(case, k) | (values or {})
    doc = Document(case=case, kind=k.code, draft=_encode(_clean(k, merged, final=False)), created_by=by,
                   created_at=timezone.now())
    doc.save()
    record(actor=_actor(by), action="records.document_drafted", subject=f"case:{case.pk}", rows=[doc],
           payload={"kind": k.code, "title": k.title})
    return doc


@transaction.atomic
def update_draft(*, by: Staff, document: Document, values: dict) -> Document:
    doc = _locked(document)
    _handling(by, doc.case)
    if doc.status not in ("draft", "correcting"):
        raise ValidationError({"__all__": "已定稿的文书不能修改；如需更正，请先提出更正，生成新版本"})
    doc.draft = _encode(_clean(catalogue.get(doc.kind), values, final=False))
    doc.save()
    record(actor=_actor(by), action="records.draft_saved", subject=f"case:{doc.case_id}", rows=[doc],
           payload={"kind": doc.kind})
    return doc


def _number(doc: Document, kind: catalogue.DocumentKind) -> str:
    bureau, year = doc.case.bureau, timezone.localdate().year
    return numbers.next_free(NumberCounter, {"bureau": bureau, "kind": kind.code, "year": year},
                             lambda n: f"{bureau.abbr}{kind.number_word}〔{year}〕{n}号",
                             lambda number: Document.objects.filter(case__bureau=bureau, number=number).exists())


@transaction.atomic
def finalise(*, by: Staff, document: Document, reason: str = "") -> Version:
    """Fix the draft as a new version: required fields checked, 文号 allocated on the first version,
    content hashed (SHA-256 and SM3) and its hashes in the ledger. A correction needs its reason."""
    doc = _locked(document, "case__bureau")
    _handling(by, doc.case)
    if doc.status == "finalised":
        raise ValidationError({"__all__": "该文书已定稿"})
    correcting = doc.status == "correcting"
    if correcting and not reason.strip():
        raise ValidationError({"reason": "更正须写明理由"})
    kind = catalogue.get(doc.kind)
    content = _encode(_clean(kind, doc.draft_values, final=True))
    if kind.numbered and not doc.number:
        doc.number = _number(doc, kind)
    sha256, sm3 = digests(content)
    n = doc.versions.count() + 1
    doc.status = "finalised"
    doc.save()
    v = Version(document=doc, version=n, content=content, sha256=sha256, sm3=sm3, finalised_by=by,
                finalised_at=timezone.now(), correction_reason=reason.strip() if correcting else "")
    record(actor=_actor(by), action="records.document_corrected" if correcting else "records.document_finalised",
           subject=f"case:{doc.case_id}", rows=[doc], create=v,
           payload={"kind": kind.code, "title": kind.title, "number": doc.number, "version": n})
    return v


@transaction.atomic
def start_correction(*, by: Staff, document: Document) -> Document:
    """Open a finalised document for correction: the next finalisation supersedes the current
    version, which stays, as do its signatures."""
    doc = _locked(document)
    _handling(by, doc.case)
    if doc.status != "finalised":
        raise ValidationError({"__all__": "只有已定稿的文书可以更正"})
    doc.status, doc.draft = "correcting", doc.versions.order_by("-version").first().content
    doc.save()
    record(actor=_actor(by), action="records.correction_started", subject=f"case:{doc.case_id}", rows=[doc],
           payload={"kind": doc.kind, "number": doc.number})
    return doc


def required_signers(kind: catalogue.DocumentKind) -> list[str]:
    return list(kind.signers) + (["party"] if kind.party_signs else [])


def missing_signatures(version: Version) -> list[str]:
    """Signer roles still missing on this version: two officers for "handlers", one of each other
    role; the party's signature or a recorded refusal."""
    kind = catalogue.get(version.document.kind)
    signed: dict[str, int] = {}
    for s in version.signatures.all():
        signed[s.role] = signed.get(s.role, 0) + 1
    refused = {r.role for r in version.refusals.all()}
    missing = []
    for role in required_signers(kind):
        need = 2 if role == "handlers" else 1
        if signed.get(role, 0) < need and role not in refused:
            missing.append(role)
    return missing


def _signable(version: Version) -> Version:
    v = Version.objects.select_related("document", "document__case").get(pk=version.pk)
    doc = v.document
    if doc.status != "finalised" or doc.versions.order_by("-version").first().pk != v.pk:
        raise ValidationError({"__all__": "只能在最新的已定稿版本上签名或记录拒签"})
    return v


def _check_staff_signer(by: Staff, role: str, case: Case) -> None:
    problem = None
    if role in ("handlers", "recorder", "server"):
        if not case.handlers.filter(pk=by.pk).exists():
            problem = "只有本案承办人可以作为执法人员签名"
    elif role == "unit_head":
        if by.role != "unit_head" or by.unit_id != case.unit_id:
            problem = "须由本案承办机构负责人签名"
    elif role in ("legal_reviewer", "agency_head"):
        if by.role != role:
            problem = f"须由{roles.ROLES[role]}签名"
    if problem:
        raise Denied(problem)


def _store_image(data: bytes, mime: str) -> str:
    if mime not in IMAGE_MAGIC or not data.startswith(IMAGE_MAGIC[mime]):
        raise ValidationError({"image": "签名图像应为 PNG 或 JPEG 图片"})
    if len(data) > MAX_IMAGE_BYTES:
        raise ValidationError({"image": f"签名图像过大（最大 {MAX_IMAGE_BYTES // 1024} KB）"})
    try:  # decode it now: an image that cannot be shown would vanish from the printed document
        with Image.open(io.BytesIO(data)) as img:
            load_strictly(img)  # a cut-off image would print half a signature
            if img.width * img.height > MAX_IMAGE_PIXELS:
                raise ValidationError({"image": "签名图像尺寸过大"})
    except (OSError, SyntaxError, Image.DecompressionBombError):
        raise ValidationError({"image": "签名图像无法识别（文件损坏或格式不符）"}) from None
    digest = hashlib.sha256(data).hexdigest()
    SignatureImage.objects.get_or_create(sha256=digest, defaults={"mime": mime, "data": data})
    return digest


@transaction.atomic
def sign(*, by: Staff, version: Version, role: str, method: str, name: str = "", image: bytes | None = None,
         mime: str = "") -> Signature:
    """``by`` signs in ``role``; for the party or a witness, ``by`` is the officer capturing their
    handwriting or seal, and ``name`` is theirs."""
    v = _signable(version)
    case, kind = v.document.case, catalogue.get(v.document.kind)
    if role not in required_signers(kind):
        raise ValidationError({"role": f"“{kind.title}”不需要该身份签名"})
    if method not in Signature.METHODS:
        raise ValidationError({"method": "请选择签名方式"})
    if role in PERSON_ROLES:
        _handling(by, case)
        if not name.strip():
            raise ValidationError({"name": "请填写签名人姓名"})
        if method == "electronic":
            raise ValidationError({"method": "当事人、见证人须手写签名或盖章"})
        staff, name = None, name.strip()
    else:
        if by.bureau_id != case.bureau_id:
            raise Denied("不能为其他机关的文书签名")
        _check_staff_signer(by, role, case)
        staff, name = by, by.name
    # an officer signs, or takes the party's signature on his tablet, only while his 执法证 is valid
    certificates.require(by, timezone.localdate(), "签名")
    if method in ("handwriting", "seal") and not image:
        raise ValidationError({"image": "手写签名或盖章须采集图像"})
    same = v.signatures.filter(role=role)
    if (same.filter(staff=staff) if staff else same.filter(name=name)).exists():
        raise ValidationError({"__all__": f"{name} 已在本版本上签名，不能重复签名"})
    if role in PERSON_ROLES and v.refusals.filter(role=role, name=name).exists():
        raise ValidationError({"__all__": f"{name} 的拒签已记录"})
    digest = _store_image(image, mime) if image else ""
    sig = Signature(version=v, role=role, staff=staff, name=name, method=method, image_sha256=digest,
                    signed_at=timezone.now())
    record(actor=_actor(by), action="records.document_signed", subject=f"case:{case.pk}", create=sig,
           payload={"document": v.document_id, "number": v.document.number, "version": v.version,
                    "title": kind.title})
    return sig


@transaction.atomic
def refuse(*, by: Staff, version: Version, name: str, reason: str, witnesses: list[str] | None = None,
           av_record: str = "", role: str = "party") -> Refusal:
    """The party (or a witness) refused to sign (000 第十三条): who, the circumstances, and the
    witnesses or the AV record of the refusal."""
    v = _signable(version)
    case, kind = v.document.case, catalogue.get(v.document.kind)
    _handling(by, case)
    certificates.require(by, timezone.localdate(), "记录拒签")
    if role not in PERSON_ROLES or role not in required_signers(kind):
        raise ValidationError({"role": f"“{kind.title}”不需要该身份签名"})
    witnesses = [w.strip() for w in (witnesses or []) if w and w.strip()]
    errors = {}
    if not name.strip():
        errors["name"] = "请填写拒签人姓名"
    if not reason.strip():
        errors["reason"] = "请写明拒签情况和理由"
    elif len(reason) > 2000:
        errors["reason"] = "拒签情况和理由过长（最多 2000 字）"
    if not witnesses and not av_record.strip():
        errors["witnesses"] = "须有见证人，或注明拒签过程的音像记录"
    if errors:
        raise ValidationError(errors)
    if v.signatures.filter(role=role, name=name.strip()).exists():
        raise ValidationError({"__all__": f"{name} 已签名"})
    r = Refusal(version=v, role=role, name=name.strip(), reason=reason.strip(), witnesses=json.dumps(witnesses, ensure_ascii=False),
                av_record=av_record.strip(), recorded_by=by, recorded_at=timezone.now())
    record(actor=_actor(by), action="records.signature_refused", subject=f"case:{case.pk}", create=r,
           payload={"document": v.document_id, "number": v.document.number, "version": v.version,
                    "title": kind.title})
    return r


@transaction.atomic
def record_service(*, by: Staff, version: Version, method: str, served_at, recipient: str, place: str = "",
                   carrier: str = "", witnesses: list[str] | None = None, receipt: str = "") -> Service:
    """送达: the facts of delivering a served document, each method with the proof it needs."""
    v = _signable(version)
    case, kind = v.document.case, catalogue.get(v.document.kind)
    _handling(by, case)
    certificates.require(by, timezone.localdate(), "送达文书")
    if not kind.served:
        raise ValidationError({"__all__": f"“{kind.title}”不是需要送达的文书"})
    witnesses = [w.strip() for w in (witnesses or []) if w and w.strip()]
    errors = {}
    if method not in Service.METHODS:
        errors["method"] = "请选择送达方式"
    if not recipient.strip():
        errors["recipient"] = "请填写受送达人"
    if method == "postal":
        if carrier not in Service.CARRIERS:
            errors["carrier"] = "邮寄送达须写明邮寄方式"
        if not receipt.strip():
            errors["receipt"] = "邮寄送达须记录邮件号或回执"
    if method == "left_at_residence" and not witnesses and not receipt.strip():
        errors["witnesses"] = "留置送达须有见证人，或注明留置过程的音像记录"
    if method == "public_notice" and not receipt.strip():
        errors["receipt"] = "公告送达须写明公告的载体和期限"
    if served_at is None:
        errors["served_at"] = "请填写送达时间"
    elif timezone.is_naive(served_at) or served_at > timezone.now() + CLOCK_SKEW:
        errors["served_at"] = "送达时间不能晚于当前时间"
    elif served_at < v.finalised_at.replace(second=0, microsecond=0):  # people enter minutes
        errors["served_at"] = "送达时间不能早于文书定稿时间"
    if errors:
        raise ValidationError(errors)
    s = Service(version=v, method=method, carrier=carrier if method == "postal" else "", recipient=recipient.strip(),
                place=place.strip(), served_at=served_at, witnesses=json.dumps(witnesses, ensure_ascii=False),
                receipt=receipt.strip(), recorded_by=by, recorded_at=timezone.now())
    record(actor=_actor(by), action="records.document_served", subject=f"case:{case.pk}", create=s,
           payload={"document": v.document_id, "number": v.document.number, "version": v.version,
                    "title": kind.title, "method": method})
    return s


@transaction.atomic
def draft_service_receipt(*, by: Staff, service: Service) -> Document:
    """送达回证 for one service record: a draft filled from what the record says (the document served,
    its 文号, the 受送达人, method, time, place, witnesses, proof), linked to the record for good.
    The officers check it, finalise it and have it signed like any other document."""
    s = Service.objects.select_related("version__document").get(pk=service.pk)
    served = _locked(s.version.document)  # one receipt per service, also when two officers click at once
    case = served.case
    _handling(by, case)
    if ServiceReceipt.objects.filter(service=s).exists():
        raise ValidationError({"__all__": "该次送达已制作送达回证"})
    k = catalogue.get("service_receipt")
    doc = Document(case=case, kind=k.code, created_by=by, created_at=timezone.now(),
                   draft=_encode(_clean(k, prefill(case, k) | _receipt_values(s, served), final=False)))
    doc.save()
    record(actor=_actor(by), action="records.service_receipt_drafted", subject=f"case:{case.pk}", rows=[doc],
           create=ServiceReceipt(service=s, document=doc),
           payload={"kind": k.code, "title": k.title, "service": s.pk, "served_document": served.pk})
    return doc


def _receipt_values(s: Service, served: Document) -> dict:
    party = served.case.parties.filter(name=s.recipient).first()
    witnesses = json.loads(s.witnesses)
    values = {
        "document_title": catalogue.get(served.kind).title,
        "document_number": served.number or served.case.number,
        "method": s.method,
        "served_at": timezone.localtime(s.served_at).isoformat(timespec="minutes"),
        "place": s.place,
    }
    # served on someone the case does not list as a party: the name as the record gives it
    values["party"] = _party_value(party) if party else {"name": s.recipient}
    if s.method == "postal":
        values |= {"carrier": s.carrier, "tracking_number": s.receipt}
    elif s.method == "public_notice":
        values["public_notice"] = s.receipt
    if witnesses:
        values["witness"] = {"name": "、".join(witnesses), "role": "见证人"}
    return {k: v for k, v in values.items() if v not in ("", None)}
