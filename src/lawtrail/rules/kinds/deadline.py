"""Clocks between two facts of a case, on natural or working days: deadlines ("…日内") with the
case's suspensions and approved extensions, and minimum intervals ("…日前通知", "…日后方可")."""

from __future__ import annotations

from datetime import datetime, timedelta

from ..calendar import BEIJING, CalendarUnknown, Duration, parse_duration
from ..facts import CaseFacts, fact_name_problem
from . import Finding, Kind, ParamError, late, procedures_with_steps, register, require


def _facts(params: dict, key: str, required: bool = True) -> tuple[str, ...]:
    value = require(params, key) if required else params.get(key)
    names = tuple(value if isinstance(value, list) else [value]) if value is not None else ()
    for n in names:
        problem = fact_name_problem(str(n))
        if problem:
            raise ParamError(key, problem)
    return names


def _duration(params: dict, key: str) -> Duration:
    try:
        return parse_duration(require(params, key))
    except ValueError as e:
        raise ParamError(key, str(e)) from None


def _first(facts: CaseFacts, names) -> tuple[datetime, str] | None:
    done = [(t, ref) for t, ref in (facts.value(n) for n in names) if t is not None]
    return min(done) if done else None


def _step_procedures(names) -> frozenset[str] | None:
    """The procedures in which one of the facts ``names`` can happen, if all are steps (else None)."""
    steps = set()
    for name in names:
        source, _, code = name.partition(".")[0].partition(":")
        if source != "step":
            return None
        steps.add(code)
    return procedures_with_steps(steps)


def _at(t: datetime) -> str:
    return t.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")


@register
class Deadline(Kind):
    """Between two facts: ``from`` (one fact) and ``to`` (one fact, or a list: the first that
    happened), ``within`` a duration ("24 hours", "90 days", "7 working days").

    - ``suspension``: the periods the law leaves out of this clock, in its words ("检测、检验、检疫或者
      技术鉴定的期间"). The case's suspension records (cases.ClockSuspension) that name this rule stop
      it; an open one keeps it stopped until now. A rule without it accepts no suspension.
    - ``extension``: ``{by: 期限}``: the law allows extending it by at most ``by`` with approval; the
      case's approved extensions (cases.ClockExtension) that name this rule add their amount, each
      only if approved before the clock (as extended so far) ran out. ``{fact: 事实, by: 期限}``: the
      extension is that fact instead (行政强制法 第二十五条: step:extend.approved_at).
    - ``by_party: true``: ``to`` is the party's act, which the party may forgo (当事人要求听证的，应当
      在告知后五日内提出): after the limit without it the finding is not_applicable, not overdue.

    The rule's ``id`` (a common key, handed to the kind because ``PARAMS`` lists it) is the name
    the suspension and extension records use for this clock."""

    code = "deadline"
    PARAMS = ("id", "from", "to", "within", "extension", "suspension", "by_party")

    def __init__(self, params: dict):
        self.start = _facts(params, "from")[0]
        self.ends = _facts(params, "to")
        self._clock_params(params)
        self.by_party = params.get("by_party", False)
        if not isinstance(self.by_party, bool):
            raise ParamError("by_party", "应为 true 或 false")

    def _clock_params(self, params: dict) -> None:
        self.clock = str(params.get("id") or "")
        self.within: Duration = _duration(params, "within")
        self.extension_fact, self.extension_by = None, None
        ext = params.get("extension")
        if ext is not None:
            if not isinstance(ext, dict) or "by" not in ext or set(ext) - {"fact", "by"}:
                raise ParamError("extension", "应为 {by: 期限}（经批准延长，至多该期限）或 {fact: 事实, by: 期限}")
            if "fact" in ext:
                problem = fact_name_problem(str(ext["fact"]))
                if problem:
                    raise ParamError("extension", problem)
                self.extension_fact = ext["fact"]
            try:
                self.extension_by = parse_duration(ext["by"])
            except ValueError as e:
                raise ParamError("extension", str(e)) from None
            if self.extension_by.unit != self.within.unit:
                raise ParamError("extension", "延长期限的单位须与期限相同")
        self.suspension = params.get("suspension")
        if self.suspension is not None and (not isinstance(self.suspension, str) or not self.suspension.strip()):
            raise ParamError("suspension", "应写明法律规定不计入该期限的情形（原文）")

    def procedures(self) -> frozenset[str] | None:  # a clock runs only once its start has happened
        return _step_procedures([self.start])

    @property
    def extendable(self) -> bool:
        """Whether approved extension records may extend this clock (cases.actions.extend_clock)."""
        return self.extension_by is not None and self.extension_fact is None

    # --- the clock --------------------------------------------------------------------------------

    def due(self, facts: CaseFacts, started: datetime) -> tuple[datetime, Duration, list[str], list[str]]:
        """(when the clock runs out, the limit as extended, the records that moved it, notes).
        Raises CalendarUnknown when working days of an uncovered year are needed."""
        refs, notes, spans = [], [], []
        if self.suspension:
            for s in facts.suspensions:
                if self.clock in s.clock_ids:
                    spans.append((s.started_at, s.ended_at or max(facts.now, s.started_at)))
                    refs.append(f"suspension:{s.pk}")
                    if s.ended_at is None:
                        notes.append(f"期限自{_at(s.started_at)}起中止，尚未恢复")
        within = self.within
        if self.extension_fact:
            extended, ref = facts.value(self.extension_fact)
            if extended is not None:
                within = Duration(within.amount + self.extension_by.amount, within.unit)
                refs.append(ref)
        due = facts.calendar.due(started, within, spans)
        if self.extendable:
            granted = 0
            for e in facts.extensions:
                if self.clock not in e.clock_ids:
                    continue
                refs.append(f"extension:{e.pk}")
                if e.approved_at > due:
                    notes.append(f"延长于{_at(e.approved_at)}批准，期限已届满，不予计算")
                    continue
                amount = min(e.amount, self.extension_by.amount - granted)
                if amount > 0:
                    granted += amount
                    within = Duration(self.within.amount + granted, within.unit)
                    due = facts.calendar.due(started, within, spans)
        return due, within, refs, notes

    def done(self, facts: CaseFacts) -> tuple[datetime, str] | None:
        """(when, record) of what the clock waits for, or None while it has not happened."""
        return _first(facts, self.ends)

    def evaluate(self, facts: CaseFacts) -> Finding:
        started, start_ref = facts.value(self.start)
        if started is None:
            return Finding("not_applicable", "期限尚未起算")
        refs = [start_ref]
        try:
            due, within, moved, notes = self.due(facts, started)
        except CalendarUnknown as e:
            return Finding("pending", f"无法计算期限：{e}", records=tuple(refs))
        refs += moved
        note = "".join(f"；{n}" for n in notes)
        done = self.done(facts)
        if done:
            when, ref = done
            refs.append(ref)
            if when <= due:
                return Finding("met", f"在{within}期限内完成{note}", due, tuple(refs))
            return Finding("broken", f"超过{within}期限完成（迟 {late(when - due)}）{note}", due, tuple(refs))
        if facts.now <= due:
            return Finding("pending", f"须在{within}内完成{note}", due, tuple(refs))
        if self.by_party:
            return Finding("not_applicable", f"{within}期限已过，当事人未在期限内提出{note}", due, tuple(refs))
        return Finding("overdue", f"已超过{within}期限，尚未完成{note}", due, tuple(refs))


@register
class NotBefore(Kind):
    """``to`` (one fact or a list: the first that happened) must not happen before a period counted
    from ``from`` — an interval the law requires, not a limit. Exactly one of:

    - ``at_least``: at least that much between the two: on days, ``to`` may fall on the last day
      counted (行政处罚法 第六十四条第二项 “举行听证的七日前，通知”: notified on the 1st, a hearing from
      the 7th working day after it);
    - ``after``: the whole period has passed: on days, ``to`` from the day after the last day counted
      (行政强制法 第五十四条 “催告书送达十日后”: served on the 1st, applying from the day after the 10th
      working day after it).

    Days are counted as ``Deadline`` counts them (the first day not counted). ``to`` without ``from``
    breaks the rule too: the interval presupposes the first act. ``to`` not done: pending while the
case is open, not applicable once it is closed (the bureau chose not to act: 自行执行 instead of a
court application, a hearing notified but not held). Pending findings carry no
    ``due_at`` — nothing falls due, something may not yet happen — and say the earliest time."""

    code = "not_before"
    PARAMS = ("from", "to", "at_least", "after")

    def __init__(self, params: dict):
        self.start = _facts(params, "from")[0]
        self.ends = _facts(params, "to")
        given = [k for k in ("at_least", "after") if params.get(k) is not None]
        if len(given) != 1:
            raise ParamError("at_least", "须且只能给出 at_least（至少间隔）或 after（期间届满后）之一")
        self.key = given[0]
        self.period = _duration(params, self.key)

    def procedures(self) -> frozenset[str] | None:  # either act happening matters (the second alone breaks it)
        return _step_procedures([self.start, *self.ends])

    def earliest(self, facts: CaseFacts, started: datetime) -> datetime:
        end = facts.calendar.due(started, self.period)
        if self.key == "at_least" and self.period.unit != "hours":
            return end - timedelta(days=1)  # the beginning of the last day counted (Beijing has no DST)
        return end

    def evaluate(self, facts: CaseFacts) -> Finding:
        started, start_ref = facts.value(self.start)
        done = _first(facts, self.ends)
        what = f"至少间隔{self.period}" if self.key == "at_least" else f"{self.period}届满后"
        if started is None:
            if done:
                return Finding("broken", f"前一行为尚未发生即已实施（须{what}）", records=(done[1],))
            return Finding("not_applicable", "期间尚未起算")
        try:
            earliest = self.earliest(facts, started)
        except CalendarUnknown as e:
            return Finding("pending", f"无法计算期间：{e}", records=(start_ref,))
        if done is None:  # an interval binds only an act that happens: a closed case without it is done with it
            if facts.case.status == "closed":
                return Finding("not_applicable", f"本案未实施该行为（如实施，不得早于{_at(earliest)}）",
                               records=(start_ref,))
            return Finding("pending", f"不得早于{_at(earliest)}（须{what}）", records=(start_ref,))
        when, ref = done
        if when >= earliest:
            return Finding("met", f"符合{what}的要求", records=(start_ref, ref))
        return Finding("broken", f"早于{_at(earliest)}实施（须{what}，提前 {late(earliest - when)}）",
                       records=(start_ref, ref))


def clocks_of(case) -> dict:
    """The rules of ``case``'s profile that are clocks (Deadline and its kin) and apply to it:
    {rule id: Rule}. What suspension and extension records may name."""
    from types import SimpleNamespace

    from .. import profiles

    return {r.id: r for r in profiles.get(case.bureau.profile).rules
            if isinstance(r.kind, Deadline) and r.applies(SimpleNamespace(case=case))}
