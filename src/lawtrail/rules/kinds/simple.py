"""The simple procedure's limits (行政处罚法 第五十一条): a decision on the spot only for a fine up to
200 元 for a citizen, up to 3000 元 for a legal person or other organisation, or a warning."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from ..facts import CaseFacts
from . import Finding, Kind, ParamError, register, require
from .fields import each_document

# The party's kind as the document holds it (records.actions._party_value: the label of Party.KINDS).
PERSON, ORGANISATIONS = "自然人", ("法人", "其他组织")


def _amount(params: dict, key: str) -> Decimal:
    try:
        d = Decimal(str(require(params, key)))
    except InvalidOperation:
        raise ParamError(key, "应为金额（元），如 \"200\"") from None
    if not d.is_finite() or d <= 0:
        raise ParamError(key, "应为正的金额（元）")
    return d


@register
class OnSpotPenaltyLimits(Kind):
    """Every finalised 当场行政处罚决定书 imposes a fine of at most ``person`` 元 on a citizen (当事人
    自然人) or ``organisation`` 元 on a legal person or other organisation, or a warning (no fine and
    处罚内容 says 警告). A party of unknown kind is held to the citizen's limit."""

    code = "on_spot_penalty_limits"
    PARAMS = ("person", "organisation")
    DOCUMENT = "on_spot_penalty_decision"

    def __init__(self, params: dict):
        self.person = _amount(params, "person")
        self.organisation = _amount(params, "organisation")

    def evaluate(self, facts: CaseFacts) -> Finding:
        docs = facts.finalised(self.DOCUMENT)
        if not docs:
            return Finding("not_applicable", "本案没有已定稿的当场行政处罚决定书")
        return each_document(docs, self._problem, "当场行政处罚决定书",
                             f"{len(docs)}份当场处罚决定均在简易程序的罚款限额内或为警告")

    def _problem(self, values: dict) -> str | None:
        kind = str((values.get("party") or {}).get("kind") or "")
        fine = values.get("fine")
        if fine in (None, ""):
            return None if "警告" in str(values.get("penalty", "")) else "未写明罚款数额，处罚内容也不是警告"
        amount = Decimal(fine)
        if kind in ORGANISATIONS:
            limit, who = self.organisation, f"对{kind}"
        else:
            limit, who = self.person, "对公民" if kind == PERSON else "当事人类型未写明，按公民"
        if amount > limit:
            return f"罚款{amount:f}元，{who}当场处罚不得超过{limit:f}元，应适用一般程序"
        return None
