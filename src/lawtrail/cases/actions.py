"""The only write path for cases, parties, complaints, steps, clock suspensions and extensions, and
fine payments. Each action checks who acts and what they send, writes its rows, and appends one
ledger entry carrying the rows' new state, all in one transaction (ledger/tracked.py). Errors are django ValidationError with Chinese messages keyed
by field, so forms show them next to the field and the API returns them as JSON."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from lawtrail.access import roles
from lawtrail.access.models import Staff, Unit
from lawtrail.access.policy import Denied
from lawtrail.ledger.tracked import record

from . import certificates, identifiers, numbers
from .models import SOURCES, Case, ClockExtension, ClockSuspension, Complaint, FinePayment, Party, StepRecord
from .procedures import PROCEDURES, STAGES

EARLIEST = datetime(2000, 1, 1, tzinfo=dt_timezone.utc)  # older times are typing errors
CLOCK_SKEW = timedelta(minutes=5)  # a client's clock may run this much ahead of ours


def _actor(by: Staff) -> str:
    return f"user:{by.user_id}"


def _require(by: Staff, allowed, doing: str) -> None:
    if by is None or not by.active or by.role not in allowed:
        raise Denied(f"无权{doing}")


def past_time(value: datetime | None, field: str, label: str) -> datetime:
    """A time entered by a person (when something happened). It may lie in the past — the record
    keeps our own clock's time of recording beside it, so lateness stays visible to the rules —
    but never in the future by our clock."""
    now = timezone.now()
    if value is None:
        return now
    if timezone.is_naive(value):
        raise ValidationError({field: f"{label}缺少时区"})
    if value > now + CLOCK_SKEW:
        raise ValidationError({field: f"{label}不能晚于当前时间"})
    if value < EARLIEST:
        raise ValidationError({field: f"{label}不能早于 2000 年"})
    return value


def _handlers_problems(handlers: list[Staff], by: Staff, on, minimum: int) -> dict:
    if len({h.pk for h in handlers}) < minimum:
        return {"handlers": f"至少需要 {minimum} 名持有效执法证的执法人员"}
    for h in handlers:
        if h.bureau_id != by.bureau_id:
            return {"handlers": f"{h.name} 不属于本机关"}
        problem = h.certificate_problem(on)
        if problem:
            return {"handlers": problem}
    return {}


# ---- parties -------------------------------------------------------------------------------

@transaction.atomic
def register_party(*, by: Staff, kind: str, name: str, id_number: str = "", credit_code: str = "",
                   address: str = "", contact: str = "", representative: str = "") -> Party:
    """Register a party, or return the bureau's existing party with the same identifier."""
    _require(by, roles.OPENS_CASES, "登记当事人")
    errors = {}
    if kind not in Party.KINDS:
        errors["kind"] = "请选择当事人类型"
    if not name.strip():
        errors["name"] = "请填写当事人姓名或名称"
    try:
        if kind == "person":
            id_number, credit_code = identifiers.check_resident_id(id_number), ""
        elif kind in Party.KINDS:
            credit_code, id_number = identifiers.check_credit_code(credit_code), ""
    except identifiers.IdentifierError as e:
        errors["id_number" if kind == "person" else "credit_code"] = str(e)
    if errors:
        raise ValidationError(errors)
    existing = Party.objects.filter(bureau_id=by.bureau_id, id_number=id_number, credit_code=credit_code).first()
    if existing:
        return existing
    p = Party(bureau_id=by.bureau_id, kind=kind, name=name.strip(), id_number=id_number, credit_code=credit_code,
              address=address.strip(), contact=contact.strip(), representative=representative.strip())
    p.full_clean()
    p.save()
    record(actor=_actor(by), action="cases.party_registered", subject=f"party:{p.pk}", rows=[p])
    return p


# ---- complaints ----------------------------------------------------------------------------

@transaction.atomic
def register_complaint(*, by: Staff, received_at: datetime, channel: str, content: str, anonymous: bool = False,
                       reporter_name: str = "", reporter_contact: str = "", about: str = "") -> Complaint:
    _require(by, roles.OPENS_CASES, "登记投诉举报")
    errors = {}
    if not anonymous and not reporter_name.strip():
        errors["reporter_name"] = "实名投诉举报须填写投诉举报人姓名（匿名请勾选“匿名”）"
    if not content.strip():
        errors["content"] = "请填写投诉举报内容"
    if errors:
        raise ValidationError(errors)
    c = Complaint(bureau_id=by.bureau_id, received_at=past_time(received_at, "received_at", "收到时间"),
                  channel=channel, anonymous=anonymous, reporter_name="" if anonymous else reporter_name.strip(),
                  reporter_contact=reporter_contact.strip(), about=about.strip(), content=content.strip(),
                  registered_by=by, registered_at=timezone.now())
    c.full_clean()
    c.save()
    record(actor=_actor(by), action="cases.complaint_registered", subject=f"complaint:{c.pk}", rows=[c])
    return c


def _complaint_for(by: Staff, complaint: Complaint, allowed, doing: str) -> Complaint:
    _require(by, allowed, doing)
    complaint = Complaint.objects.select_for_update(no_key=True).get(pk=complaint.pk)
    if complaint.bureau_id != by.bureau_id:
        raise Denied("不能处理其他机关的投诉举报")
    return complaint


@transaction.atomic
def propose_decline(*, by: Staff, complaint: Complaint, reason: str) -> Complaint:
    """不予立案/不启动执法程序: the officer proposes it with a reason (不予立案审批表); the agency head
    decides (004 第六条第二款)."""
    complaint = _complaint_for(by, complaint, roles.OPENS_CASES, "处理投诉举报")
    if complaint.status != "registered":
        raise ValidationError({"__all__": "该投诉举报已处理或正在审批，不能再次提出"})
    if not reason.strip():
        raise ValidationError({"reason": "请填写不予启动执法程序的理由"})
    complaint.status, complaint.decline_reason = "decline_proposed", reason.strip()
    complaint.proposed_by, complaint.proposed_at = by, timezone.now()
    complaint.save()
    record(actor=_actor(by), action="cases.complaint_decline_proposed", subject=f"complaint:{complaint.pk}",
           rows=[complaint])
    return complaint


@transaction.atomic
def decide_decline(*, by: Staff, complaint: Complaint, approve: bool, opinion: str = "") -> Complaint:
    """The agency head approves not starting a procedure, or sends the complaint back."""
    complaint = _complaint_for(by, complaint, {"agency_head"}, "审批不予启动执法程序")
    if complaint.status != "decline_proposed":
        raise ValidationError({"__all__": "该投诉举报没有待审批的不予启动意见"})
    if not approve and not opinion.strip():
        raise ValidationError({"opinion": "不予批准的，须写明意见"})
    complaint.decided_by, complaint.decided_at, complaint.opinion = by, timezone.now(), opinion.strip()
    if approve:
        complaint.status = "declined"
    else:
        complaint.status, complaint.decline_reason = "registered", ""
    complaint.save()
    record(actor=_actor(by), action="cases.complaint_declined" if approve else "cases.complaint_decline_refused",
           subject=f"complaint:{complaint.pk}", rows=[complaint])
    return complaint


@transaction.atomic
def record_notice(*, by: Staff, complaint: Complaint, notified_how: str, notified_at: datetime | None) -> Complaint:
    """How and when a real-name reporter was told that no procedure starts (000 第十条, 004 第六条)."""
    complaint = _complaint_for(by, complaint, roles.OPENS_CASES, "记录告知情况")
    if complaint.status != "declined" or complaint.anonymous or complaint.notified_at:
        raise ValidationError({"__all__": "只有已批准不予启动、尚未记录告知的实名投诉举报才需记录告知"})
    errors = {}
    if notified_how not in Complaint.NOTIFY_METHODS:
        errors["notified_how"] = "请选择告知投诉举报人的方式（000 第十条）"
    if notified_at is None:
        errors["notified_at"] = "请填写告知投诉举报人的时间"
    if errors:
        raise ValidationError(errors)
    notified_at = past_time(notified_at, "notified_at", "告知时间")
    if notified_at < complaint.decided_at - CLOCK_SKEW:
        raise ValidationError({"notified_at": "告知时间不能早于不予启动获批准的时间"})
    complaint.notified_how, complaint.notified_at = notified_how, notified_at
    complaint.save()
    record(actor=_actor(by), action="cases.complaint_reporter_told", subject=f"complaint:{complaint.pk}",
           rows=[complaint])
    return complaint


# ---- cases ---------------------------------------------------------------------------------

@transaction.atomic
def open_case(*, by: Staff, procedure: str, source: str, title: str, summary: str, handlers: list[Staff],
              parties: list[Party], unit: Unit | None = None, source_detail: str = "", emergency: bool = False,
              emergency_reason: str = "", started_at: datetime | None = None, complaint: Complaint | None = None,
              number: str = "") -> Case:
    """Open a case and record its first step (程序启动). With ``emergency`` the procedure starts at
    ``started_at`` before approval (情况紧急, 先行启动); the approval comes later and keeps its own time."""
    _require(by, roles.OPENS_CASES, "立案或启动执法程序")
    certificates.require(by, timezone.localdate(), "立案或启动执法程序")  # the first step is recorded in his name
    errors = {}
    proc = PROCEDURES.get(procedure)
    if proc is None:
        errors["procedure"] = "请选择程序"
    if source not in SOURCES:
        errors["source"] = "请选择案件来源"
    if not title.strip():
        errors["title"] = "请填写案由"
    if not summary.strip():
        errors["summary"] = "请填写基本案情"
    unit = unit or by.unit
    if unit is None or unit.bureau_id != by.bureau_id:
        errors["unit"] = "承办机构必须属于本机关"
    if not parties:
        errors["parties"] = "至少需要一名当事人"
    elif any(p.bureau_id != by.bureau_id for p in parties):
        errors["parties"] = "当事人不属于本机关"
    if emergency and not emergency_reason.strip():
        errors["emergency_reason"] = "情况紧急先行启动的，须写明紧急情况"
    if source == "complaint" and complaint is None:
        errors["complaint"] = "来源为投诉举报的案件须关联投诉举报登记"
    if source == "referral" and not source_detail.strip():
        errors["source_detail"] = "移送/交办的案件须写明移送或交办机关及文号"
    if complaint is not None:
        complaint = Complaint.objects.select_for_update(no_key=True).get(pk=complaint.pk)
        if complaint.bureau_id != by.bureau_id:
            raise Denied("不能处理其他机关的投诉举报")
        if complaint.status != "registered":
            errors["complaint"] = "该投诉举报已处理"
    start = past_time(started_at if emergency else None, "started_at", "程序启动时间")
    certificates.require(by, timezone.localdate(start), "在该时间先行启动执法程序")
    if proc is not None:
        minimum = 2 if any(s.handlers >= 2 for s in proc.steps) else 1
        errors.update(_handlers_problems(handlers, by, timezone.localdate(start), minimum))
    if errors:
        raise ValidationError(errors)

    year = timezone.localdate(start).year
    number = number.strip()
    if number:
        if Case.objects.filter(bureau_id=by.bureau_id, number=number).exists():
            raise ValidationError({"number": f"案号“{number}”已被使用"})
    else:
        number = numbers.allocate(by.bureau, proc.act_type, year)
    now = timezone.now()
    case = Case(bureau_id=by.bureau_id, unit=unit, number=number, year=year, act_type=proc.act_type,
                procedure=procedure, source=source, source_detail=source_detail.strip(), title=title.strip(),
                summary=summary.strip(), started_at=start, emergency=emergency,
                emergency_reason=emergency_reason.strip() if emergency else "", complaint=complaint,
                created_by=by, created_at=now, stage=proc.first.stage)
    case.full_clean(exclude=["number"])
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError:
        raise ValidationError({"number": f"案号“{number}”已被使用"}) from None
    case.parties.set(parties)
    case.handlers.set(handlers)
    rows: list = [case]
    if complaint is not None:
        complaint.status, complaint.decided_by, complaint.decided_at = "case_started", by, now
        complaint.save()
        rows.append(complaint)
    first = _new_step(case, proc.first, by, handlers=handlers, occurred_at=start, note=summary.strip())
    rows.append(first)
    record(actor=_actor(by), action="cases.case_opened", subject=f"case:{case.pk}", rows=rows,
           payload={"number": number, "step": first.step, "title": proc.first.title})
    return case


def _new_step(case: Case, step, by: Staff, *, handlers, occurred_at, note) -> StepRecord:
    r = StepRecord(case=case, step=step.code, stage=step.stage, occurred_at=occurred_at, recorded_at=timezone.now(),
                   recorded_by=by, note=note, approval="pending" if step.approver else "not_needed")
    r.save()
    r.handlers.set(handlers)
    return r


def done_steps(case: Case) -> set[str]:
    """Steps that count as done: approved or needing no approval; in an emergency start the first
    step counts while its approval is pending (先行启动)."""
    done = set()
    for r in case.steps.all():
        if r.counts_as_done or (case.emergency and r.approval == "pending" and r.step == case.procedure_def.first.code):
            done.add(r.step)
    return done


def available_steps(case: Case):
    if case.status == "closed":
        return []
    taken = {r.step for r in case.steps.all() if r.approval != "rejected"}
    return [s for s in case.procedure_def.available(done_steps(case)) if s.code not in taken]


@transaction.atomic
def record_step(*, by: Staff, case: Case, step: str, handlers: list[Staff], note: str = "",
                occurred_at: datetime | None = None) -> StepRecord:
    _require(by, roles.OPENS_CASES, "记录执法环节")
    certificates.require(by, timezone.localdate(), "记录执法环节")
    case = Case.objects.select_for_update(no_key=True).get(pk=case.pk)
    if case.bureau_id != by.bureau_id:
        raise Denied("不能记录其他机关的案件")
    offered = {s.code: s for s in available_steps(case)}
    if step not in offered:
        raise ValidationError({"step": "该环节现在不能记录（前一环节未完成、未获批准或已记录）"})
    s = offered[step]
    when = past_time(occurred_at, "occurred_at", "实施时间")
    if when < case.started_at:
        raise ValidationError({"occurred_at": "实施时间不能早于程序启动时间"})
    problem = by.certificate_problem(timezone.localdate(when))
    if problem:
        raise ValidationError({"__all__": f"记录人不能记录该环节：{problem}"})
    errors = _handlers_problems(handlers, by, timezone.localdate(when), max(s.handlers, 1)) if s.handlers else {}
    if errors:
        raise ValidationError(errors)
    r = _new_step(case, s, by, handlers=handlers, occurred_at=when, note=note.strip())
    _advance(case, r)
    record(actor=_actor(by), action="cases.step_recorded", subject=f"case:{case.pk}", rows=[r, case],
           payload={"step": s.code, "title": s.title})
    return r


def _advance(case: Case, r: StepRecord) -> None:
    """The case's stage is its furthest done step's; it is closed when a final step is done."""
    order = list(STAGES)
    if r.counts_as_done:
        if order.index(r.stage) > order.index(case.stage):
            case.stage = r.stage
        if not r.step_def.next:
            case.status = "closed"
    case.save()


def approvable_by(by: Staff, case: Case, records) -> set[int]:
    """Ids of the pending step records that ``by`` may approve (the role the step names; a unit
    head only for their own unit's cases)."""
    if case.bureau_id != by.bureau_id or not by.active:
        return set()
    return {r.pk for r in records if r.approval == "pending" and r.step_def.approver == by.role
            and (by.role != "unit_head" or by.unit_id == case.unit_id)}


@transaction.atomic
def decide_step(*, by: Staff, record_: StepRecord, approve: bool, opinion: str = "") -> StepRecord:
    """The approver named by the step approves or refuses it; the time is our clock's."""
    r = StepRecord.objects.select_for_update(no_key=True).select_related("case").get(pk=record_.pk)
    case = r.case
    if r.approval != "pending":
        raise ValidationError({"__all__": "该环节不在待审批状态"})
    if r.pk not in approvable_by(by, case, [r]):
        want = r.step_def.approver
        raise Denied(f"该环节须由{roles.ROLES.get(want, want)}审批" + ("（本承办机构）" if want == "unit_head" else ""))
    certificates.require(by, timezone.localdate(), "审批执法环节")
    if not approve and not opinion.strip():
        raise ValidationError({"opinion": "不予批准的，须写明意见"})
    r.approval = "approved" if approve else "rejected"
    r.approved_by, r.approved_at, r.opinion = by, timezone.now(), opinion.strip()
    r.save()
    _advance(case, r)
    record(actor=_actor(by), action="cases.step_approved" if approve else "cases.step_rejected",
           subject=f"case:{case.pk}", rows=[r, case], payload={"step": r.step, "title": r.step_def.title})
    return r


# ---- statutory clocks: suspensions and approved extensions; fine payments --------------------

def _case_for(by: Staff, case: Case, allowed, doing: str) -> Case:
    _require(by, allowed, doing)
    certificates.require(by, timezone.localdate(), doing)  # each of these is an enforcement act
    case = Case.objects.select_for_update(no_key=True).select_related("bureau").get(pk=case.pk)
    if case.bureau_id != by.bureau_id:
        raise Denied("不能处理其他机关的案件")
    return case


def _clocks(case: Case, clocks, *, extending: bool) -> dict:
    """The rules named by ``clocks`` ({id: Rule}), each a clock of the case's profile that applies to
    it and that the law lets be suspended (its ``suspension``) or extended (its ``extension``)."""
    from lawtrail.rules.kinds.deadline import clocks_of

    ids = sorted({str(c) for c in clocks or ()})
    if not ids:
        raise ValidationError({"clocks": "请选择涉及的期限"})
    available, out = clocks_of(case), {}
    for cid in ids:
        rule = available.get(cid)
        if rule is None:
            raise ValidationError({"clocks": f"本案没有期限“{cid}”"})
        if extending and not rule.kind.extendable:
            raise ValidationError({"clocks": f"{rule.citation}规定的期限不能经批准延长"})
        if not extending and not rule.kind.suspension:
            raise ValidationError({"clocks": f"{rule.citation}规定的期限没有法定的中止或不计入期限的情形"})
        out[cid] = rule
    return out


@transaction.atomic
def suspend_clock(*, by: Staff, case: Case, clocks: list[str], reason: str, started_at: datetime | None,
                  ended_at: datetime | None = None) -> ClockSuspension:
    """A period left out of the named clocks (检测、检验、鉴定、听证、专家评审 …): when it began, and when
    it ended if that is known already (else ``end_suspension`` later)."""
    case = _case_for(by, case, roles.OPENS_CASES, "记录期限中止")
    ids = _clocks(case, clocks, extending=False)
    errors = {}
    if not reason.strip():
        errors["reason"] = "请写明中止事由（如委托检测、组织听证、专家评审）"
    if started_at is None:
        errors["started_at"] = "请填写中止开始的时间"
    if errors:
        raise ValidationError(errors)
    started_at = past_time(started_at, "started_at", "中止开始时间")
    if started_at < case.started_at:
        raise ValidationError({"started_at": "中止开始时间不能早于程序启动时间"})
    if ended_at is not None:
        ended_at = _suspension_end(started_at, ended_at)
    s = ClockSuspension(case=case, clocks=json.dumps(list(ids), ensure_ascii=False), reason=reason.strip(),
                        started_at=started_at, ended_at=ended_at, recorded_by=by, recorded_at=timezone.now(),
                        ended_by=by if ended_at else None)
    s.save()
    record(actor=_actor(by), action="cases.clock_suspended", subject=f"case:{case.pk}", rows=[s],
           payload={"clocks": list(ids)})
    return s


def _suspension_end(started_at: datetime, ended_at: datetime) -> datetime:
    ended_at = past_time(ended_at, "ended_at", "中止结束时间")
    if ended_at <= started_at:
        raise ValidationError({"ended_at": "中止结束时间须晚于开始时间"})
    return ended_at


@transaction.atomic
def end_suspension(*, by: Staff, suspension: ClockSuspension, ended_at: datetime | None) -> ClockSuspension:
    """The suspended period is over (检测结果出具、听证结束 …): the clocks run again from ``ended_at``."""
    s = ClockSuspension.objects.select_for_update(no_key=True).get(pk=suspension.pk)
    _case_for(by, s.case, roles.OPENS_CASES, "记录期限中止结束")
    if s.ended_at is not None:
        raise ValidationError({"__all__": "该中止已记录结束时间"})
    if ended_at is None:
        raise ValidationError({"ended_at": "请填写中止结束的时间"})
    s.ended_at, s.ended_by = _suspension_end(s.started_at, ended_at), by
    s.save()
    record(actor=_actor(by), action="cases.clock_suspension_ended", subject=f"case:{s.case_id}", rows=[s],
           payload={"clocks": s.clock_ids})
    return s


@transaction.atomic
def extend_clock(*, by: Staff, case: Case, clocks: list[str], amount: int, reason: str) -> ClockExtension:
    """The agency head approves extending the named clocks by ``amount`` (in each clock's unit), at
    most what the law allows in all (行政许可法 第四十二条 十日); the approval's time is our clock's."""
    case = _case_for(by, case, {"agency_head"}, "批准延长期限（须由机关负责人批准）")
    rules = _clocks(case, clocks, extending=True)
    errors = {}
    if not reason.strip():
        errors["reason"] = "请写明延长的理由（并应告知当事人）"
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        errors["amount"] = "延长的期限应为正整数"
    if errors:
        raise ValidationError(errors)
    units = {r.kind.extension_by.unit for r in rules.values()}
    if len(units) > 1:
        raise ValidationError({"clocks": "一次只能延长计算单位相同的期限"})
    granted = {cid: 0 for cid in rules}
    for e in ClockExtension.objects.filter(case=case):
        for cid in e.clock_ids:
            if cid in granted:
                granted[cid] += e.amount
    for cid, rule in rules.items():
        most = rule.kind.extension_by
        if granted[cid] + amount > most.amount:
            raise ValidationError({"amount": f"{rule.citation}：延长不得超过{most}，本案已延长{granted[cid]}"})
    e = ClockExtension(case=case, clocks=json.dumps(list(rules), ensure_ascii=False), amount=amount,
                       reason=reason.strip(), approved_by=by, approved_at=timezone.now())
    record(actor=_actor(by), action="cases.clock_extended", subject=f"case:{case.pk}", create=e,
           payload={"clocks": list(rules), "amount": amount})
    return e


@transaction.atomic
def record_fine_payment(*, by: Staff, case: Case, amount, paid_at: datetime | None, channel: str,
                        reference: str) -> FinePayment:
    """A payment of the case's fine, as the bank slip or the payment system shows it (行政处罚法 第六十七条)."""
    case = _case_for(by, case, roles.OPENS_CASES, "记录罚款缴纳")
    errors = {}
    try:
        amount = Decimal(str(amount).strip())
        if not amount.is_finite() or amount <= 0 or amount != amount.quantize(Decimal("0.01")):
            raise InvalidOperation
        amount = amount.quantize(Decimal("0.01"))  # the column's scale, for the payload's copy too
    except (InvalidOperation, ValueError):
        errors["amount"] = "缴纳金额应为大于零的数字，最多精确到分"
    if channel not in FinePayment.CHANNELS:
        errors["channel"] = "请选择缴纳方式"
    if not reference.strip():
        errors["reference"] = "请填写缴款凭证号（票据号或交易流水号）"
    if paid_at is None:
        errors["paid_at"] = "请填写缴纳时间"
    if errors:
        raise ValidationError(errors)
    p = FinePayment(case=case, amount=amount, paid_at=past_time(paid_at, "paid_at", "缴纳时间"), channel=channel,
                    reference=reference.strip(), recorded_by=by, recorded_at=timezone.now())
    p.full_clean(exclude=["ledger_seq"])
    record(actor=_actor(by), action="cases.fine_paid", subject=f"case:{case.pk}", create=p,
           payload={"amount": amount})
    return p
