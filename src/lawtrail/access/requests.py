"""The only write path for requests to read or copy a case's records (查阅、复制申请, AccessRequest):
register, the consultation of third parties, the agency head's consent to a copy and extension of
the reply, the notice of that extension to the requester, and the reply. Each action checks who
acts and what they send, writes the row and one ledger entry on the case's timeline
(``subject="case:<id>"``) in one transaction (ledger/tracked.py).

Who acts: whoever works with the case and sees it (roles.HANDLES_ACCESS_REQUESTS, through
policy.visible_cases: never the administrator or the auditor); the consent and the extension are
the agency head's. The reply clock itself (政府信息公开条例 第三十三条) and the consent are judged by
the rules (rules/kinds/access_reply.py); the actions refuse what can never be right: an extension
after the first limit ran out or a second one, and a copy granted without the head's consent where
the bureau's profile requires it (002 第二十二条, 004 第二十五条).
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from lawtrail.cases.actions import CLOCK_SKEW, past_time
from lawtrail.ledger.tracked import record

from . import policy, roles
from .models import AccessRequest, Staff
from .policy import Denied


def _actor(by: Staff) -> str:
    return f"user:{by.user_id}"


def _past_time(value: datetime | None, field: str, label: str) -> datetime:
    """A time a person enters, required here (cases.actions.past_time takes none as now)."""
    if value is None:
        raise ValidationError({field: f"请填写{label}"})
    return past_time(value, field, label)


def _may_handle(by: Staff, case_id: int, doing: str) -> None:
    if by is None or not by.active or by.role not in roles.HANDLES_ACCESS_REQUESTS:
        raise Denied(f"无权{doing}")
    if not policy.visible_cases(by.user).filter(pk=case_id).exists():
        raise Denied(f"无权{doing}：只能处理本人可查看的本机关案件的申请")


def _locked(by: Staff, request: AccessRequest, doing: str, *, head: bool = False) -> AccessRequest:
    if head and (by is None or by.role != "agency_head"):
        raise Denied(f"无权{doing}：须由机关负责人决定")
    _may_handle(by, request.case_id, doing)
    r = AccessRequest.objects.select_for_update(no_key=True).select_related("bureau").get(pk=request.pk)
    if r.replied_at is not None:
        raise ValidationError({"__all__": "该申请已答复，不能再变更"})
    return r


def _record(by: Staff, r: AccessRequest, verb: str, **payload) -> None:
    record(actor=_actor(by), action=f"access.request_{verb}", subject=f"case:{r.case_id}", rows=[r],
           payload={"request": r.pk, **payload})


def _text(errors: dict, field: str, value: str, missing: str) -> str:
    value = (value or "").strip()
    if not value:
        errors[field] = missing
    return value


@transaction.atomic
def register_request(*, by: Staff, case, requester_name: str, requester_is_party: bool, mode: str, scope: str,
                     channel: str, received_at: datetime | None, contact: str = "") -> AccessRequest:
    """A request received (当面、信函、网络) to read or copy records of ``case``; ``received_at``
    starts the reply clock."""
    from lawtrail.cases.models import Case

    _may_handle(by, case.pk, "登记查阅、复制申请")
    case = Case.objects.get(pk=case.pk)
    errors = {}
    requester_name = _text(errors, "requester_name", requester_name, "请填写申请人姓名或名称")
    scope = _text(errors, "scope", scope, "请写明申请查阅、复制的记录")
    if mode not in AccessRequest.MODES:
        errors["mode"] = "请选择申请事项（查阅、复制或查阅并复制）"
    if channel not in AccessRequest.CHANNELS:
        errors["channel"] = "请选择申请方式（当面、信函或网络）"
    if received_at is None:
        errors["received_at"] = "请填写收到申请的时间"
    if errors:
        raise ValidationError(errors)
    received_at = _past_time(received_at, "received_at", "收到申请时间")
    if received_at < case.started_at - CLOCK_SKEW:
        raise ValidationError({"received_at": "收到申请时间不能早于案件程序启动时间"})
    r = AccessRequest(bureau_id=case.bureau_id, case=case, requester_name=requester_name,
                      requester_is_party=bool(requester_is_party), contact=(contact or "").strip(), mode=mode,
                      scope=scope, channel=channel, received_at=received_at, registered_by=by,
                      registered_at=timezone.now())
    r.full_clean(exclude=["ledger_seq"])
    r.save()
    _record(by, r, "registered")
    return r


@transaction.atomic
def start_consultation(*, by: Staff, request: AccessRequest, consulted: str, started_at: datetime | None
                       ) -> AccessRequest:
    """征求第三方和其他机关意见 begins: the reply clock stops until its end is recorded (第三十三条第三款)."""
    r = _locked(by, request, "记录征求意见")
    if r.consultation_started_at is not None:
        raise ValidationError({"__all__": "该申请已记录征求意见（每件申请记录一次征求意见期间）"})
    errors = {}
    consulted = _text(errors, "consulted", consulted, "请写明征求意见的第三方或机关")
    if started_at is None:
        errors["started_at"] = "请填写征求意见开始的时间"
    if errors:
        raise ValidationError(errors)
    started_at = _past_time(started_at, "started_at", "征求意见开始时间")
    if started_at < r.received_at:
        raise ValidationError({"started_at": "征求意见开始时间不能早于收到申请的时间"})
    r.consultation_with, r.consultation_started_at = consulted[:200], started_at
    r.save()
    _record(by, r, "consultation_started")
    return r


@transaction.atomic
def end_consultation(*, by: Staff, request: AccessRequest, ended_at: datetime | None) -> AccessRequest:
    """The consulted party answered (or the time given to it passed): the clock runs again."""
    r = _locked(by, request, "记录征求意见结束")
    if not r.consultation_open:
        raise ValidationError({"__all__": "该申请没有尚未结束的征求意见"})
    ended_at = _past_time(ended_at, "ended_at", "征求意见结束时间")
    if ended_at <= r.consultation_started_at:
        raise ValidationError({"ended_at": "征求意见结束时间须晚于开始时间"})
    r.consultation_ended_at = ended_at
    r.save()
    _record(by, r, "consultation_ended")
    return r


@transaction.atomic
def approve_copy(*, by: Staff, request: AccessRequest) -> AccessRequest:
    """The agency head consents to a copy (经单位负责人同意 / 经本机关负责人同意，可复制使用); the time is
    our clock's."""
    r = _locked(by, request, "同意复制", head=True)
    if not r.wants_copy:
        raise ValidationError({"__all__": "该申请只申请查阅，无须同意复制"})
    if r.copy_consent_at is not None:
        raise ValidationError({"__all__": "机关负责人已同意复制"})
    r.copy_consent_by, r.copy_consent_at = by, timezone.now()
    r.save()
    _record(by, r, "copy_approved")
    return r


@transaction.atomic
def extend_reply(*, by: Staff, request: AccessRequest, reason: str, told_at: datetime | None = None
                 ) -> AccessRequest:
    """The agency head extends the reply limit, once, before the first limit runs out (第三十三条第二款);
    ``told_at``: when the requester was told, if already (else ``record_extension_told``)."""
    from lawtrail.rules.calendar import Calendar, CalendarUnknown
    from lawtrail.rules.kinds.access_reply import reply_rule

    r = _locked(by, request, "批准延长答复期限", head=True)
    if r.extended_at is not None:
        raise ValidationError({"__all__": "答复期限已延长过一次，不能再次延长"})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请写明延长答复期限的理由"})
    rule = reply_rule(r.bureau.profile)
    if rule is None:
        raise ValidationError({"__all__": "本机关的规则配置没有答复期限，不能延长"})
    now = timezone.now()
    try:
        first = rule.kind.first_due(r, Calendar.from_db(), now)
    except CalendarUnknown as e:
        raise ValidationError({"__all__": str(e)}) from None
    if now > first:
        raise ValidationError({"__all__": f"{rule.kind.within}的答复期限已于"
                                          f"{timezone.localtime(first):%Y-%m-%d %H:%M}届满，不能再延长"})
    r.extended_by, r.extended_at, r.extension_reason = by, now, reason
    if told_at is not None:
        r.extension_told_at = _told(told_at, now)
    r.save()
    _record(by, r, "reply_extended")
    return r


def _told(told_at: datetime | None, extended_at: datetime) -> datetime:
    told_at = _past_time(told_at, "told_at", "告知申请人的时间")
    if told_at < extended_at - CLOCK_SKEW:
        raise ValidationError({"told_at": "告知申请人的时间不能早于批准延长的时间"})
    return told_at


@transaction.atomic
def record_extension_told(*, by: Staff, request: AccessRequest, told_at: datetime | None) -> AccessRequest:
    """When the requester was told of the extension (并告知申请人): an extension counts only if told
    before the first limit ran out (the rules judge that)."""
    r = _locked(by, request, "记录告知申请人延长")
    if r.extended_at is None:
        raise ValidationError({"__all__": "该申请的答复期限没有延长"})
    if r.extension_told_at is not None:
        raise ValidationError({"__all__": "已记录告知申请人延长的时间"})
    r.extension_told_at = _told(told_at, r.extended_at)
    r.save()
    _record(by, r, "extension_told")
    return r


@transaction.atomic
def reply(*, by: Staff, request: AccessRequest, replied_at: datetime | None, outcome: str, method: str,
          withheld_ground: str = "", withheld_reason: str = "") -> AccessRequest:
    """The reply: 同意, 部分同意 or 不予提供, and on what ground what is withheld (国家秘密、商业秘密、个人
    隐私、其他法定理由: 000 第二十七条 …), how it was given. A copy granted without the head's
    consent is refused where the bureau's profile requires the consent."""
    from lawtrail.rules.kinds.access_reply import consent_rule

    r = _locked(by, request, "登记答复")
    errors = {}
    if outcome not in AccessRequest.OUTCOMES:
        errors["outcome"] = "请选择答复结果（同意、部分同意或不予提供）"
    if method not in AccessRequest.REPLY_METHODS:
        errors["method"] = "请选择答复方式"
    if replied_at is None:
        errors["replied_at"] = "请填写答复时间"
    withheld_reason = (withheld_reason or "").strip()
    if outcome in ("partly", "refused"):
        if withheld_ground not in AccessRequest.GROUNDS:
            errors["withheld_ground"] = "部分同意或不予提供的，须选择依据（国家秘密、商业秘密、个人隐私或其他法定理由）"
        if not withheld_reason:
            errors["withheld_reason"] = "部分同意或不予提供的，须写明理由"
    elif outcome == "granted" and (withheld_ground or withheld_reason):
        errors["withheld_ground"] = "全部同意的，不填写不予提供的依据和理由"
    if errors:
        raise ValidationError(errors)
    replied_at = _past_time(replied_at, "replied_at", "答复时间")
    if replied_at < r.received_at:
        raise ValidationError({"replied_at": "答复时间不能早于收到申请的时间"})
    if r.consultation_open:
        raise ValidationError({"replied_at": "征求意见尚未记录结束：请先记录征求意见结束的时间"})
    if r.consultation_ended_at is not None and replied_at < r.consultation_ended_at:
        raise ValidationError({"replied_at": "答复时间不能早于征求意见结束的时间"})
    r.outcome = outcome
    rule = consent_rule(r.bureau.profile)
    if rule is not None and r.copy_granted and r.copy_consent_at is None:
        raise ValidationError({"outcome": f"{rule.citation}：复制须经机关负责人同意，请先由机关负责人同意复制，"
                                          "或答复不予复制"})
    if rule is not None and r.copy_granted and replied_at < r.copy_consent_at - CLOCK_SKEW:
        raise ValidationError({"replied_at": f"{rule.citation}：复制须先经机关负责人同意，答复时间不能早于同意复制的时间"})
    r.replied_at, r.replied_by, r.reply_method = replied_at, by, method
    r.withheld_ground, r.withheld_reason = (withheld_ground, withheld_reason) if outcome != "granted" else ("", "")
    r.full_clean(exclude=["ledger_seq"])
    r.save()
    _record(by, r, "replied", outcome=outcome)
    return r
