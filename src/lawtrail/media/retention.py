"""How long AV is kept, and what it was recorded for: the actions behind the retention rules (000
第二十五条, 002 第二十条, 003 第二十条至第二十一条) and the complaint-reception rule (003 第六条).

- ``note_circumstance``: a circumstance the articles name (阻碍执法, 突发事件, 复杂案件 …) noted on one
  AV record or on a case, written once (RetentionCircumstance);
- ``set_retention``: an AV record's retention class and its reason changed, with the record's new
  state in the ledger (AvRecord is Tracked; its other fields stay as ingest wrote them);
- ``attach_to_complaint``: an audio or video record made as the reception of a complaint
  (ReceptionRecording), so a case started from it shows the reception was recorded.

The records custodian (专人, 002 第二十一条) and the case's handlers note circumstances and set
retention; whoever may upload AV to the case attaches a reception recording."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from lawtrail.access import roles
from lawtrail.access.models import Staff
from lawtrail.access.policy import Denied
from lawtrail.cases.models import Case, Complaint
from lawtrail.ledger import store as ledger
from lawtrail.ledger.tracked import record

from .actions import _actor, may_upload
from .models import CIRCUMSTANCES, AvRecord, ReceptionRecording, RetentionCircumstance

# A reception recording is made while the complainant is there: its capture must come within this
# much of the complaint's 收到时间 (entered by a person, often rounded).
RECEPTION_WINDOW = timedelta(hours=12)
RECEPTION_KINDS = ("video", "audio")  # 同步录音录像: a photo is not a recording of the reception


def _subject(av: AvRecord | None, case: Case | None, bureau_id: int) -> str:
    case_id = case.pk if case is not None else av.case_id if av is not None else None
    return f"case:{case_id}" if case_id else f"bureau:{bureau_id}"


def _text(errors: dict, name: str, value, limit: int, missing: str) -> str:
    """A required text a person writes, stripped; its problem (empty, too long) put in ``errors``."""
    value = (value or "").strip()
    if not value:
        errors[name] = missing
    elif len(value) > limit:
        errors[name] = f"不能超过 {limit} 个字符"
    return value


def may_keep(by: Staff | None, case: Case | None, av: AvRecord | None = None) -> None:
    """Raise Denied unless ``by`` may note circumstances and set retention for ``av`` (or for the
    AV of ``case``): the bureau's records custodian, or one of the case's handlers."""
    if by is None or not by.active:
        raise Denied("无权处理音像资料的保存期限")
    bureau = av.bureau_id if av is not None else case.bureau_id
    if bureau != by.bureau_id:
        raise Denied("无权处理其他机关的音像记录")
    if by.role == "records_custodian":
        return
    if case is not None and by.role in roles.HOLDS_CERTIFICATE and case.handlers.filter(pk=by.pk).exists():
        return
    raise Denied("音像资料的保存期限和保存情形由音像资料管理专人（档案管理员）或本案承办人记录")


@transaction.atomic
def note_circumstance(*, by: Staff, circumstance: str, note: str, record_: AvRecord | None = None,
                      case: Case | None = None) -> RetentionCircumstance:
    """Note that ``record_`` records ``circumstance`` — or, with ``case``, that every AV record of
    the case does (a case that was 重大、疑难、复杂 as a whole)."""
    if (record_ is None) == (case is None):
        raise ValidationError({"__all__": "须指定一个音像记录或一个案件"})
    if record_ is not None:
        record_ = AvRecord.objects.select_related("case").get(pk=record_.pk)
    may_keep(by, case or record_.case, record_)
    errors = {}
    if circumstance not in CIRCUMSTANCES:
        errors["circumstance"] = "请选择情形"
    note = _text(errors, "note", note, 2000, "请写明具体情况（时间、人员、经过）")
    if not errors and RetentionCircumstance.objects.filter(av=record_, case=case, circumstance=circumstance).exists():
        errors["circumstance"] = "已记录过该情形"
    if errors:
        raise ValidationError(errors)
    row = RetentionCircumstance(av=record_, case=case, circumstance=circumstance, note=note, noted_by=by,
                                noted_at=timezone.now())
    record(actor=_actor(by), action="media.circumstance_noted", subject=_subject(record_, case, by.bureau_id),
           create=row, payload={"circumstance": circumstance, "record": record_.pk if record_ else None})
    return row


@transaction.atomic
def set_retention(*, by: Staff, record_: AvRecord, retention: str, reason: str) -> AvRecord:
    """Change an AV record's retention class (保存期限) and its reason."""
    av = AvRecord.objects.select_for_update(no_key=True).get(pk=record_.pk)
    may_keep(by, av.case, av)
    errors = {}
    if retention not in AvRecord.RETENTION:
        errors["retention"] = "请选择保存期限"
    reason = _text(errors, "retention_reason", reason, 200, "请写明变更保存期限的理由")
    if not errors and (retention, reason) == (av.retention, av.retention_reason):
        errors["retention"] = "保存期限和理由均未改变"
    if errors:
        raise ValidationError(errors)
    before = av.retention
    av.retention, av.retention_reason = retention, reason
    av.save(update_fields=["retention", "retention_reason"])
    record(actor=_actor(by), action="media.retention_set", subject=_subject(av, None, av.bureau_id), rows=[av],
           payload={"record": av.pk, "from": before, "retention": retention})
    return av


def reception_candidates(by: Staff, complaint: Complaint) -> list[AvRecord]:
    """The recordings ``by`` may attach on the complaint's own page (003 第六条, for a complaint that
    may never become a case): audio or video of no case, of the bureau, captured within
    RECEPTION_WINDOW of the receipt and not yet attached to it — any such record for the records
    custodian (专人 who keeps the unassigned recordings), the ones they recorded or uploaded
    themselves for the others. Nobody else gets any (may_upload)."""
    try:
        may_upload(by, None)
    except Denied:
        return []
    if by.bureau_id != complaint.bureau_id:
        return []
    qs = (AvRecord.objects.filter(bureau_id=complaint.bureau_id, case__isnull=True, kind__in=RECEPTION_KINDS,
                                  capture_start__lte=complaint.received_at + RECEPTION_WINDOW,
                                  capture_end__gte=complaint.received_at - RECEPTION_WINDOW)
          .exclude(pk__in=ReceptionRecording.objects.filter(complaint=complaint).values("av_id")))
    if by.role != "records_custodian":
        qs = qs.filter(Q(recorded_by=by) | Q(uploaded_by=by))
    return list(qs.order_by("capture_start", "pk")[:50])


@transaction.atomic
def attach_to_complaint(*, by: Staff, record_: AvRecord, complaint: Complaint) -> ReceptionRecording:
    """Record that ``record_`` is the audio or video recording of ``complaint``'s reception (003 第六条).
    The record is one without a case, or one of the case started from this complaint."""
    av = AvRecord.objects.select_related("case").get(pk=record_.pk)
    may_upload(by, av.case)
    if av.bureau_id != by.bureau_id or complaint.bureau_id != by.bureau_id:
        raise Denied("无权处理其他机关的音像记录或投诉举报")
    errors = {}
    if av.case is not None and av.case.complaint_id != complaint.pk:
        errors["complaint"] = "该音像记录属于另一案件，该案件不是由此投诉举报启动的"
    if av.kind not in RECEPTION_KINDS:
        errors["record"] = "接待须同步录音录像：照片不能作为接待录音录像"
    elif not av.capture_start - RECEPTION_WINDOW <= complaint.received_at <= av.capture_end + RECEPTION_WINDOW:
        errors["record"] = (f"拍摄时间（{timezone.localtime(av.capture_start):%Y-%m-%d %H:%M}）与投诉举报收到时间"
                            f"（{timezone.localtime(complaint.received_at):%Y-%m-%d %H:%M}）相差超过12小时，"
                            "不是该次接待的同步录音录像")
    if errors:
        raise ValidationError(errors)
    ledger.lock()  # the check below and the insert: one writer at a time
    if ReceptionRecording.objects.filter(complaint=complaint, av=av).exists():
        raise ValidationError({"record": "该音像记录已关联为该投诉举报的接待录音录像"})
    link = ReceptionRecording(complaint=complaint, av=av, linked_by=by, linked_at=timezone.now())
    record(actor=_actor(by), action="media.reception_linked", subject=f"complaint:{complaint.pk}", create=link,
           payload={"record": av.pk})
    return link
