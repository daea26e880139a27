"""Deadlines between two facts of a case, on natural or working days, with suspensions."""

from __future__ import annotations

from ..calendar import CalendarUnknown, Duration, parse_duration
from ..facts import CaseFacts, fact_name_problem
from . import Finding, Kind, ParamError, late, register, require


@register
class Deadline(Kind):
    """Between two facts: ``from`` (one fact) and ``to`` (one fact, or a list: the first that
    happened), ``within`` a duration ("24 hours", "90 days", "7 working days"). The case's
    suspensions extend it. An optional ``extension`` {fact, by} adds ``by`` when that fact exists
    (e.g. an approved extension: 行政强制法 第二十五条)."""

    code = "deadline"
    PARAMS = ("from", "to", "within", "extension")

    def __init__(self, params: dict):
        self.start = require(params, "from")
        to = require(params, "to")
        self.ends = tuple(to if isinstance(to, list) else [to])
        for key, names in (("from", [self.start]), ("to", self.ends)):
            for n in names:
                problem = fact_name_problem(str(n))
                if problem:
                    raise ParamError(key, problem)
        try:
            self.within: Duration = parse_duration(require(params, "within"))
        except ValueError as e:
            raise ParamError("within", str(e)) from None
        self.extension = None
        if params.get("extension") is not None:
            ext = params["extension"]
            if not isinstance(ext, dict) or set(ext) != {"fact", "by"}:
                raise ParamError("extension", "应为 {fact: 事实, by: 期限}")
            problem = fact_name_problem(str(ext["fact"]))
            if problem:
                raise ParamError("extension", problem)
            try:
                by = parse_duration(ext["by"])
            except ValueError as e:
                raise ParamError("extension", str(e)) from None
            if by.unit != self.within.unit:
                raise ParamError("extension", "延长期限的单位须与期限相同")
            self.extension = (ext["fact"], by)

    def evaluate(self, facts: CaseFacts) -> Finding:
        started, start_ref = facts.value(self.start)
        if started is None:
            return Finding("not_applicable", "期限尚未起算")
        within, refs = self.within, [start_ref]
        if self.extension:
            extended, ext_ref = facts.value(self.extension[0])
            if extended is not None:
                within = Duration(within.amount + self.extension[1].amount, within.unit)
                refs.append(ext_ref)
        try:
            due = facts.calendar.due(started, within, facts.suspensions)
        except CalendarUnknown as e:
            return Finding("pending", f"无法计算期限：{e}", records=tuple(refs))
        done = [(t, ref) for t, ref in (facts.value(n) for n in self.ends) if t is not None]
        if done:
            when, ref = min(done)
            refs.append(ref)
            if when <= due:
                return Finding("met", f"在{within}期限内完成", due, tuple(refs))
            return Finding("broken", f"超过{within}期限完成（迟 {late(when - due)}）", due, tuple(refs))
        if facts.now <= due:
            return Finding("pending", f"须在{within}内完成", due, tuple(refs))
        return Finding("overdue", f"已超过{within}期限，尚未完成", due, tuple(refs))
