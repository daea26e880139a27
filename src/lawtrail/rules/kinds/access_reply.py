"""Requests to read or copy a case's records (access.AccessRequest, recorded by access/requests.py):
the reply clock of 政府信息公开条例 第三十三条, to which 000 第二十六条, 001 第二十五条 and 003 第二十二条
send these requests, and the head's consent to a copy (002 第二十二条, 004 第二十五条).

A case may have several requests and a rule gives one finding per case, so each kind judges every
request and reports the worst: broken, then overdue, then pending, then met. Broken ranks first
because it cannot be undone by anything later; it also keeps the Kind contract: of the request
statuses only pending turns into overdue with time alone, and an aggregate that is broken or
overdue stays so when that happens, while an aggregate that is pending carries the earliest due
time of its pending requests. The message names each request and its state, so an open request
beside a broken one is still said.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..calendar import CalendarUnknown, Duration, parse_duration
from ..facts import CaseFacts
from . import Finding, Kind, ParamError, late, register, require
from .deadline import _at

RANK = {"broken": 0, "overdue": 1, "pending": 2, "met": 3, "not_applicable": 4}


def _duration(params: dict, key: str) -> Duration:
    try:
        return parse_duration(require(params, key))
    except ValueError as e:
        raise ParamError(key, str(e)) from None


def _label(r) -> str:
    return f"申请#{r.pk}（{r.requester_name}，{_at(r.received_at)}收到）"


@dataclass
class RequestState:
    status: str
    message: str
    due: datetime | None = None


def _aggregate(requests, states: list[RequestState], none: str) -> Finding:
    judged = [(r, s) for r, s in zip(requests, states) if s.status != "not_applicable"]
    if not judged:
        return Finding("not_applicable", none, records=tuple(f"access_request:{r.pk}" for r in requests))
    worst = min((s.status for _, s in judged), key=RANK.__getitem__)
    due = min((s.due for _, s in judged if s.status == worst and s.due), default=None)
    if len(requests) == 1:
        message = states[0].message
    else:
        message = "；".join(f"{_label(r)}{s.message}" for r, s in zip(requests, states))
    return Finding(worst, message, due, tuple(f"access_request:{r.pk}" for r in requests))


@register
class AccessReply(Kind):
    """Each request is answered ``within`` (20 working days) of its receipt; an extension approved by
    the agency head (AccessRequest.extended_at) adds at most ``extension`` (20 working days) if it was
    approved, and the requester told of it, before the first limit ran out (需要延长答复期限的，应当经
    …负责人同意并告知申请人). The consultation of third parties and other agencies (征求意见, from
    consultation_started_at to consultation_ended_at, until now while open) is not counted; the
    profile says in ``consultation`` what the law leaves out, in its words."""

    code = "access_reply"
    PARAMS = ("within", "extension", "consultation")

    def __init__(self, params: dict):
        self.within = _duration(params, "within")
        self.extension = _duration(params, "extension")
        if self.extension.unit != self.within.unit:
            raise ParamError("extension", "延长期限的单位须与期限相同")
        self.consultation = require(params, "consultation")
        if not isinstance(self.consultation, str) or not self.consultation.strip():
            raise ParamError("consultation", "应写明法律规定不计入期限的情形（原文）")

    def _spans(self, r, now: datetime) -> list[tuple[datetime, datetime]]:
        if r.consultation_started_at is None:
            return []
        return [(r.consultation_started_at, r.consultation_ended_at or max(now, r.consultation_started_at))]

    def first_due(self, r, calendar, now: datetime) -> datetime:
        """When the first limit runs out (the consultation so far left out). CalendarUnknown when
        working days of an uncovered year are needed."""
        return calendar.due(r.received_at, self.within, self._spans(r, now))

    def state(self, r, calendar, now: datetime) -> RequestState:
        """The clock of one request at ``now``."""
        try:
            first = self.first_due(r, calendar, now)
            limit, due, notes = self.within, first, []
            if r.extended_at is not None:
                if r.extended_at > first:
                    notes.append(f"延长于{_at(r.extended_at)}批准，期限已届满，不予计算")
                elif r.extension_told_at is not None and r.extension_told_at <= first:
                    limit = Duration(self.within.amount + self.extension.amount, self.within.unit)
                    due = calendar.due(r.received_at, limit, self._spans(r, now))
                elif r.extension_told_at is None and r.replied_at is None and now <= first:
                    return RequestState("pending", f"已批准延长，须在{_at(first)}前告知申请人，否则仍按{self.within}"
                                        "计算答复期限", first)
                else:
                    notes.append(f"延长未在{self.within}期限内告知申请人，不予计算")
        except CalendarUnknown as e:
            return RequestState("pending", f"无法计算期限：{e}")
        if r.consultation_open:
            notes.append(f"自{_at(r.consultation_started_at)}起征求{r.consultation_with}意见，期限中止")
        note = "".join(f"；{n}" for n in notes)
        if r.replied_at is not None:
            if r.replied_at <= due:
                return RequestState("met", f"在{limit}内答复{note}", due)
            return RequestState("broken", f"超过{limit}答复（迟 {late(r.replied_at - due)}）{note}", due)
        if now <= due:
            return RequestState("pending", f"须在{_at(due)}前答复（{limit}）{note}", due)
        return RequestState("overdue", f"已超过{limit}，尚未答复{note}", due)

    def evaluate(self, facts: CaseFacts) -> Finding:
        requests = facts.access_requests
        if not requests:
            return Finding("not_applicable", "本案没有查阅、复制申请")
        return _aggregate(requests, [self.state(r, facts.calendar, facts.now) for r in requests], "")


@register
class AccessCopyConsent(Kind):
    """A copy given (a request to copy answered 同意 or 部分同意) has the agency head's consent, given
    no later than the reply (经单位负责人同意 / 经本机关负责人同意，可复制使用). A request to read only,
    or answered 不予提供, is not concerned; one not answered yet is pending without a due time (the
    consent is owed before a copy is given, not by a date). access/requests.py refuses such a reply
    in a bureau whose profile has this rule; the finding catches the rest (a profile changed later,
    rows written behind the actions' back)."""

    code = "access_copy_consent"
    PARAMS = ()

    def __init__(self, params: dict):
        pass

    @staticmethod
    def state(r) -> RequestState:
        if not r.wants_copy:
            return RequestState("not_applicable", "只申请查阅")
        consented = r.copy_consent_at is not None
        if r.replied_at is None:
            if consented:
                return RequestState("met", f"已于{_at(r.copy_consent_at)}经机关负责人同意复制")
            return RequestState("pending", "尚未答复；同意复制的，须先经机关负责人同意")
        if not r.copy_granted:
            return RequestState("not_applicable", "答复不予提供，未复制")
        if consented and r.copy_consent_at <= r.replied_at:
            return RequestState("met", f"复制经机关负责人同意（{_at(r.copy_consent_at)}）")
        if consented:
            return RequestState("broken", f"答复同意复制（{_at(r.replied_at)}）早于机关负责人同意（{_at(r.copy_consent_at)}）")
        return RequestState("broken", f"答复同意复制（{_at(r.replied_at)}），未经机关负责人同意")

    def evaluate(self, facts: CaseFacts) -> Finding:
        requests = [r for r in facts.access_requests if r.wants_copy]
        if not requests:
            return Finding("not_applicable", "本案没有申请复制的查阅、复制申请")
        return _aggregate(requests, [self.state(r) for r in requests], "申请复制的均答复不予提供，未复制")


def _rules(profile: str, kind: type[Kind]) -> list:
    from .. import profiles

    return [r for r in profiles.get(profile).rules if isinstance(r.kind, kind)]


def reply_rule(profile: str):
    """The profile's rule of the reply clock (the national one, unless a profile replaces it), or
    None: what access/requests.py counts an extension against."""
    found = _rules(profile, AccessReply)
    return found[0] if found else None


def consent_rule(profile: str):
    """The profile's rule that a copy needs the head's consent, or None where its seed does not say so."""
    found = _rules(profile, AccessCopyConsent)
    return found[0] if found else None
