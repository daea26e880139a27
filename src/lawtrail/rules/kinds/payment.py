"""Fines paid on time (行政处罚法 第六十七条第三款)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation

from ..facts import CaseFacts
from . import Finding, ParamError, codes, register
from .deadline import Deadline


def _money(value) -> Decimal:
    try:
        return Decimal(str(value or "0"))
    except InvalidOperation:
        return Decimal(0)


@register
class FinePaid(Deadline):
    """The fine that a ``decision`` (document kind, default 行政处罚决定书) imposes, in its field
    ``field`` (default ``fine``), is paid in full ``within`` a duration of the decision's first
    service. Payments are the case's fine payment records (cases.FinePayment), added up in the order
    paid: the clock stops when they reach the fine. No fine in the decision: not applicable.
    ``extension`` / ``suspension`` as for Deadline (暂缓缴纳 经批准, 行政处罚法 第六十六条)."""

    code = "fine_paid"
    PARAMS = ("id", "decision", "field", "within", "extension", "suspension")

    def __init__(self, params: dict):
        from lawtrail.records.catalogue import KINDS

        self.decision = (codes(params, "decision", KINDS, "文书种类", required=False) or ("penalty_decision",))[0]
        self.field = params.get("field", "fine")
        kind = KINDS[self.decision]
        if not any(f.name == self.field and f.type == "money" for f in kind.fields):
            raise ParamError("field", f"《{kind.title}》没有金额栏目“{self.field}”")
        self.start, self.ends, self.by_party = f"service:{self.decision}.served_at", (), False
        self._clock_params(params)

    def fine(self, facts: CaseFacts) -> tuple[Decimal, str] | None:
        found = facts.finalised(self.decision)
        if not found:
            return None
        document, version = found[0]
        return _money(version.values.get(self.field)), f"document:{document.pk}"

    def done(self, facts: CaseFacts) -> tuple[datetime, str] | None:
        owed = self.fine(facts)[0]
        paid = Decimal(0)
        for p in facts.fine_payments:
            paid += p.amount
            if paid >= owed:
                return p.paid_at, f"payment:{p.pk}"
        return None

    def evaluate(self, facts: CaseFacts) -> Finding:
        fine = self.fine(facts)
        if fine is None or fine[0] <= 0:
            return Finding("not_applicable", "本案没有处以罚款的决定书")
        f = super().evaluate(facts)
        paid = sum((p.amount for p in facts.fine_payments), Decimal(0))
        if f.status in ("pending", "overdue") and paid:
            f.message += f"（已缴纳{paid}元，尚欠{fine[0] - paid}元）"
        f.records = (fine[1], *f.records)
        return f
