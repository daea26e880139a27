"""Compulsory execution: when it may be carried out (行政强制法 第四十三条) and when the court may be
asked to carry it out (第五十三条)."""

from __future__ import annotations

import calendar as months
import re
from datetime import date, datetime, time, timedelta

from ..calendar import BEIJING, CalendarUnknown
from ..facts import CaseFacts
from . import Finding, Kind, ParamError, codes, late, procedures_with_steps, register
from .deadline import _at, _facts, _first


@register
class NotAtNightOrHoliday(Kind):
    """No record of the execution ``steps`` (their time, occurred_at) falls at night or on a day
    off, unless the case records an emergency (情况紧急, Case.emergency with its reason).

    ``night`` is a parameter because the statute does not define it: default "22:00-06:00",
    Beijing time. Days off are the calendar's non-working days (法定节假日 and weekends, 调休 working
    weekends count as working days; overrides included); a day of a year the calendar does not
    cover is not guessed: the finding says so."""

    code = "not_at_night_or_holiday"
    PARAMS = ("steps", "night")
    NIGHT = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$")

    def __init__(self, params: dict):
        from lawtrail.cases.procedures import PROCEDURES

        self.steps = codes(params, "steps", {s.code for p in PROCEDURES.values() for s in p.steps}, "环节")
        night = str(params.get("night", "22:00-06:00"))
        m = self.NIGHT.match(night)
        if not m or m.group(1, 2) == m.group(3, 4):
            raise ParamError("night", f"夜间“{night}”的格式应为“时:分-时:分”（北京时间，如 22:00-06:00）")
        self.night = night
        self.begins, self.ends = time(int(m[1]), int(m[2])), time(int(m[3]), int(m[4]))

    def procedures(self) -> frozenset[str]:
        return procedures_with_steps(self.steps)

    def at_night(self, t: time) -> bool:
        if self.begins < self.ends:
            return self.begins <= t < self.ends
        return t >= self.begins or t < self.ends  # across midnight

    def evaluate(self, facts: CaseFacts) -> Finding:
        records = [r for r in facts.steps if r.step in self.steps and r.approval != "rejected"]
        if not records:
            return Finding("not_applicable", "本案未记录强制执行")
        bad = []
        for r in records:
            local = r.occurred_at.astimezone(BEIJING)
            try:
                day_off = not facts.calendar.is_workday(local.date())
            except CalendarUnknown as e:
                return Finding("pending", f"无法判断{_at(r.occurred_at)}是否为节假日：{e}", records=(f"step:{r.pk}",))
            when = "、".join(w for w, yes in (("夜间", self.at_night(local.time())), ("节假日", day_off)) if yes)
            if when:
                bad.append((r, when))
        refs = tuple(f"step:{r.pk}" for r, _ in bad) or tuple(f"step:{r.pk}" for r in records)
        if not bad:
            return Finding("met", f"强制执行均在工作日的白天实施（夜间按{self.night}计）", records=refs)
        what = "；".join(f"{_at(r.occurred_at)}（{when}）" for r, when in bad)
        if facts.case.emergency:
            return Finding("not_applicable", f"在{what}实施，案件记录了情况紧急，依法除外：{facts.case.emergency_reason}",
                           records=refs)
        return Finding("broken", f"在{what}实施强制执行，案件没有情况紧急的记录（夜间按{self.night}计）", records=refs)


def add_months(day: date, n: int) -> date:
    """民法典 第二百零二条: the corresponding day of the month n months on, or its last day."""
    y, m = divmod(day.month - 1 + n, 12)
    y, m = day.year + y, m + 1
    return date(y, m, min(day.day, months.monthrange(y, m)[1]))


def _end_of(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=BEIJING)


def _months(params: dict, key: str, default: str) -> int:
    text = str(params.get(key, default))
    m = re.fullmatch(r"(\d+) months?", text)
    if not m or not 0 < int(m[1]) <= 120:
        raise ParamError(key, f"期限“{text}”的格式应为“数字 months”")
    return int(m[1])


@register
class CourtApplicationWindow(Kind):
    """A court may be asked to enforce the decision only after the party's periods for 行政复议 and
    行政诉讼 have run out, and ``within`` months (default 3) of their end (行政强制法 第五十三条).

    The decision is the one this case enforces (the document of the bureau whose 文号 the case's
    催告书 or 强制执行申请书 names: facts.enforced); the periods start at its first service and are the
    ones it told the party (its ``review_days`` and ``litigation_months``; when it gives none,
    行政复议法 第二十条's 60 days and 行政诉讼法 第四十六条's 6 months). The later end counts. ``to``
    is the application (default step:apply_court.occurred_at); ``unless``: facts showing the bureau
    enforces it itself (e.g. step:decide_execution.occurred_at), which make the rule not apply."""

    code = "court_application_window"
    PARAMS = ("to", "within", "unless")
    REVIEW_DAYS, LITIGATION_MONTHS = 60, 6

    def __init__(self, params: dict):
        self.ends = _facts(params, "to", required=False) or ("step:apply_court.occurred_at",)
        self.unless = _facts(params, "unless", required=False)
        self.within = _months(params, "within", "3 months")

    def evaluate(self, facts: CaseFacts) -> Finding:
        own = _first(facts, self.unless)
        if own:
            return Finding("not_applicable", "本机关自行强制执行", records=(own[1],))
        if not facts.enforced:
            return Finding("not_applicable", "本案的催告书、强制执行申请书没有载明本机关已送达的决定书文号")
        served = facts.enforced[0]
        values = served.version.values
        day = served.served_at.astimezone(BEIJING).date()
        review = _int(values.get("review_days"), self.REVIEW_DAYS)
        litigation = _int(values.get("litigation_months"), self.LITIGATION_MONTHS)
        opens = _end_of(max(day + timedelta(days=review), add_months(day, litigation)))
        due = _end_of(add_months(opens.date() - timedelta(days=1), self.within))
        refs = [f"service:{served.pk}"]
        periods = f"复议{review}日、诉讼{litigation}个月的期限自{_at(served.served_at)}送达起算，{_at(opens)}届满"
        done = _first(facts, self.ends)
        if done:
            when, ref = done
            refs.append(ref)
            if when < opens:
                return Finding("broken", f"{periods}，期限届满前即申请人民法院强制执行", due, tuple(refs))
            if when > due:
                return Finding("broken", f"{periods}，超过届满后{self.within}个月才申请（迟 {late(when - due)}）",
                               due, tuple(refs))
            return Finding("met", f"{periods}，在其后{self.within}个月内申请", due, tuple(refs))
        if facts.now <= due:
            return Finding("pending", f"{periods}；可在其后{self.within}个月内申请人民法院强制执行", due, tuple(refs))
        return Finding("overdue", f"{periods}；届满后{self.within}个月内没有申请人民法院强制执行", due, tuple(refs))


def _int(value, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else default
