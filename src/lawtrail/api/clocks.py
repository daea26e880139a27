"""/api/v1/cases/{id}/clocks: a case's clock suspensions, approved extensions and fine payments —
what the 期限记录 page shows and records, with the same actions and permissions."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from lawtrail.access import policy
from lawtrail.cases import actions
from lawtrail.cases.models import ClockExtension, ClockSuspension, FinePayment

from .schemas import Money, PathId, Text, When
from .schemas import errors as fails

router = Router(tags=["期限记录"])
RuleId = Annotated[Text, Field(max_length=100)]


class SuspensionIn(Schema):
    clocks: list[RuleId] = Field(max_length=20, description="所涉规则的 id（须为法律规定可中止的期限）")
    reason: Text = Field(max_length=2000)
    started_at: When
    ended_at: When | None = None


class EndIn(Schema):
    ended_at: When


class ExtensionIn(Schema):
    clocks: list[RuleId] = Field(max_length=20, description="所涉规则的 id（须为法律规定可经批准延长的期限）")
    amount: int = Field(ge=1, le=10_000, description="延长的日数或工作日数（按该期限的单位）")
    reason: Text = Field(max_length=2000)


class PaymentIn(Schema):
    amount: Money = Field(description="缴纳金额（元），以字符串发送，如 \"5000.00\"；不接受数字（浮点数失精度）")
    paid_at: When
    channel: Text = Field(max_length=40, description="bank 指定银行 / electronic 电子支付系统 / on_spot 当场收缴")
    reference: Text = Field(max_length=100)


class SuspensionOut(Schema):
    id: int
    clocks: list[str]
    reason: str
    started_at: datetime
    ended_at: datetime | None
    ledger_seq: int | None


class ExtensionOut(Schema):
    id: int
    clocks: list[str]
    amount: int
    reason: str
    approved_by: int
    approved_at: datetime
    ledger_seq: int


class PaymentOut(Schema):
    id: int
    amount: Decimal
    paid_at: datetime
    channel: str
    reference: str
    ledger_seq: int


class ClocksOut(Schema):
    suspensions: list[SuspensionOut]
    extensions: list[ExtensionOut]
    payments: list[PaymentOut]


def _case(request, case_id: int):
    from .api import _staff

    s = _staff(request)
    return s, get_object_or_404(policy.visible_cases(request.user), pk=case_id)


def _suspension(s: ClockSuspension) -> dict:
    return {"id": s.pk, "clocks": s.clock_ids, "reason": s.reason, "started_at": s.started_at,
            "ended_at": s.ended_at, "ledger_seq": s.ledger_seq}


def _extension(e: ClockExtension) -> dict:
    return {"id": e.pk, "clocks": e.clock_ids, "amount": e.amount, "reason": e.reason,
            "approved_by": e.approved_by_id, "approved_at": e.approved_at, "ledger_seq": e.ledger_seq}


@router.get("/cases/{case_id}/clocks", response={200: ClocksOut, **fails(path=True)},
            summary="期限中止、经批准的延长和罚款缴纳记录")
def get_clocks(request, case_id: PathId):
    _, case = _case(request, case_id)
    return {"suspensions": [_suspension(s) for s in ClockSuspension.objects.filter(case=case)],
            "extensions": [_extension(e) for e in ClockExtension.objects.filter(case=case)],
            "payments": list(FinePayment.objects.filter(case=case).values(
                "id", "amount", "paid_at", "channel", "reference", "ledger_seq"))}


@router.post("/cases/{case_id}/clocks/suspensions", response={201: SuspensionOut, **fails(path=True, body=True)},
             summary="记录期限中止（不计入期限的期间）")
def suspend(request, case_id: PathId, body: SuspensionIn):
    s, case = _case(request, case_id)
    return Status(201, _suspension(actions.suspend_clock(by=s, case=case, clocks=body.clocks, reason=body.reason,
                                                         started_at=body.started_at, ended_at=body.ended_at)))


@router.post("/cases/{case_id}/clocks/suspensions/{suspension_id}/end",
             response={200: SuspensionOut, **fails(path=True, body=True)}, summary="记录期限中止结束")
def end(request, case_id: PathId, suspension_id: PathId, body: EndIn):
    s, case = _case(request, case_id)
    suspension = get_object_or_404(ClockSuspension, pk=suspension_id, case=case)
    return _suspension(actions.end_suspension(by=s, suspension=suspension, ended_at=body.ended_at))


@router.post("/cases/{case_id}/clocks/extensions", response={201: ExtensionOut, **fails(path=True, body=True)},
             summary="机关负责人批准延长期限")
def extend(request, case_id: PathId, body: ExtensionIn):
    s, case = _case(request, case_id)
    return Status(201, _extension(actions.extend_clock(by=s, case=case, clocks=body.clocks, amount=body.amount,
                                                       reason=body.reason)))


@router.post("/cases/{case_id}/fine-payments", response={201: PaymentOut, **fails(path=True, body=True)},
             summary="记录罚款缴纳")
def pay(request, case_id: PathId, body: PaymentIn):
    s, case = _case(request, case_id)
    p = actions.record_fine_payment(by=s, case=case, amount=body.amount, paid_at=body.paid_at, channel=body.channel,
                                    reference=body.reference)
    return Status(201, {"id": p.pk, "amount": p.amount, "paid_at": p.paid_at, "channel": p.channel,
                        "reference": p.reference, "ledger_seq": p.ledger_seq})
