"""Time limits: natural days, hours and working days on the official Chinese calendar.

Working days come from the ``chinese-calendar`` package (official holidays and 调休 working
weekends, one table per year published by the State Council), overridden day by day by the
administrator's ``CalendarOverride`` rows. A year the package does not cover yet is added by the
administrator from the State Council's notice (``CalendarYear``, rules.actions.enter_calendar_year):
its holidays and working weekends become overrides and its other days follow the ordinary week.
A day that none of them knows is not guessed: ``CalendarUnknown`` names its year, and
``missing_years`` warns the administrator before the year begins (rules/checks.py, 我的工作).

How a deadline is counted (``due``):

- ``hours``: the start plus that many hours (行政强制法 第十九条 "二十四小时内").
- ``days`` (natural) and ``working_days``: the day of the start is not counted; the limit ends at
  the end (24:00 Beijing time) of the n-th counted day after it (行政处罚法 第八十五条 counts 二日、
  三日、五日、七日 as working days; 行政许可法 第八十二条, 行政强制法 第六十九条 likewise).
- Suspensions (中止, 延期 not counted in the period): a list of ``(from, to)`` datetimes. For hours the
  limit moves by the length of each suspension that begins before it; for days, a day any part of
  which lies in a suspension is not counted.

Not implemented yet: moving a natural-day limit whose last day is a holiday to the next working
day (民法典 第二百零三条); no rule here needs it until a profile says so.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar

from lawtrail.digits import is_digits

BEIJING = ZoneInfo("Asia/Shanghai")
_LAST: dict = {}  # the calendar last read from the database (Calendar.from_db)
UNITS = {"hours": "小时", "days": "日", "working_days": "个工作日"}
MAX_DAYS = 3660  # no limit in any profile is longer than ten years; guards loops over the calendar


class CalendarUnknown(Exception):
    """A working day was asked for a day that neither the calendar package nor an override knows."""

    def __init__(self, day: date):
        self.day = day
        super().__init__(f"工作日历尚未包含{day.year}年（{day.isoformat()}）：请系统管理员在“工作日历年度”中按国务院办公厅"
                         f"的通知录入{day.year}年的法定节假日和调休工作日后再计算工作日期限")


@dataclass(frozen=True)
class Duration:
    amount: int
    unit: str  # one of UNITS

    def __str__(self) -> str:
        return f"{self.amount}{UNITS[self.unit]}"


def parse_duration(text) -> Duration:
    """``"24 hours"``, ``"90 days"``, ``"7 working days"`` (or ``working_days``). ValueError if not."""
    parts = str(text).replace("working days", "working_days").split()
    if len(parts) != 2 or not is_digits(parts[0]) or parts[1] not in {*UNITS, "hour", "day", "working_day"}:
        raise ValueError(f"期限“{text}”的格式应为“数字 单位”，单位为 hours、days 或 working days")
    unit = parts[1] if parts[1] in UNITS else parts[1] + "s"
    amount = int(parts[0])
    if amount <= 0 or (unit != "hours" and amount > MAX_DAYS):
        raise ValueError(f"期限“{text}”超出范围")
    return Duration(amount, unit)


@dataclass
class Calendar:
    """The official calendar with the administrator's overrides ({date: is_workday}) and the years
    whose schedule the administrator entered (days without an override: the ordinary week)."""

    overrides: Mapping[date, bool] = field(default_factory=dict)
    entered_years: frozenset[int] = frozenset()

    QUERIES = 2
    # days already looked up (the package's lookup is slow), and each year's working days in order
    # (None: a day of the year is unknown); kept while the calendar in the database stays the same
    _known: dict = field(default_factory=dict, repr=False, compare=False)
    _years: dict = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_db(cls) -> "Calendar":
        """The calendar as the database has it now. The same instance (with what it has looked up)
        as long as the overrides, the entered years and the package's lookup are the same."""
        from .models import CalendarOverride, CalendarYear

        overrides = dict(CalendarOverride.objects.values_list("date", "is_workday"))
        years = frozenset(CalendarYear.objects.values_list("year", flat=True))
        key = (tuple(sorted(overrides.items())), years, chinese_calendar.is_workday)
        last = _LAST.get("calendar")
        if last is None or last[0] != key:
            last = _LAST["calendar"] = (key, cls(overrides, years))
        return last[1]

    def is_workday(self, day: date) -> bool:
        known = self._known.get(day)
        if known is None:
            known = self._known[day] = self._lookup(day)
        return known

    def _lookup(self, day: date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:
            if day.year in self.entered_years:
                return day.weekday() < 5
            raise CalendarUnknown(day) from None

    def knows(self, year: int) -> bool:
        """Whether every day of ``year`` is known (by the package or by an entered schedule)."""
        return year in self.entered_years or package_covers(year)

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after ``start`` (``start`` itself not counted)."""
        return self._count(start, n, working=True, suspensions=())

    def _working_days_of(self, year: int) -> list[date] | None:
        if year not in self._years:
            first = date(year, 1, 1)
            try:
                self._years[year] = [d for d in (first + timedelta(days=i) for i in range((date(year + 1, 1, 1) - first).days))
                                     if self.is_workday(d)]
            except CalendarUnknown:
                self._years[year] = None
        return self._years[year]

    def _nth_working_day(self, start: date, n: int) -> date | None:
        """The n-th working day after ``start`` from the years' lists; None if a year on the way
        has a day nobody knows (the day-by-day count then says which)."""
        if n <= 0:
            return start
        year, after = start.year, start
        while year <= start.year + MAX_DAYS // 365 + 1:
            days = self._working_days_of(year)
            if days is None:
                return None
            i = bisect_right(days, after)
            if i + n <= len(days):
                return days[i + n - 1]
            n -= len(days) - i
            year, after = year + 1, date(year, 12, 31)
        raise ValueError("期限过长，无法计算")

    def _count(self, start: date, n: int, *, working: bool, suspensions: Iterable[tuple[date, date]]) -> date:
        suspended = list(suspensions)
        if not suspended:
            found = self._nth_working_day(start, n) if working else start + timedelta(days=n)
            if found is not None:
                return found
        day, counted = start, 0
        for _ in range(MAX_DAYS * 2):
            if counted >= n:
                return day
            day += timedelta(days=1)
            if any(a <= day <= b for a, b in suspended):
                continue
            if working and not self.is_workday(day):
                continue
            counted += 1
        raise ValueError("期限过长，无法计算")

    def due(self, start: datetime, duration: Duration, suspensions: Iterable[tuple[datetime, datetime]] = ()) -> datetime:
        """When a limit of ``duration`` that starts at ``start`` runs out (see the module's rules)."""
        spans = sorted((a, b) for a, b in suspensions if b > a) if suspensions else ()
        if duration.unit == "hours":
            due = start + timedelta(hours=duration.amount)
            for a, b in spans:  # each suspension that begins before the (moving) limit pushes it
                if b > start and a < due:
                    due += b - max(a, start)
            return due
        local = start.astimezone(BEIJING).date()
        days = [(a.astimezone(BEIJING).date(), b.astimezone(BEIJING).date()) for a, b in spans] if spans else ()
        last = self._count(local, duration.amount, working=duration.unit == "working_days", suspensions=days)
        return datetime.combine(last + timedelta(days=1), time(0), tzinfo=BEIJING)


def parse_days(text: str) -> list[date]:
    """Dates as the administrator types them from the notice: ``2027-01-01``, ranges
    ``2027-02-06至2027-02-13`` (also ``~`` or ``--``), separated by spaces, commas, 、 or new lines.
    ValueError naming the first bad item."""
    import re

    out = []
    for item in re.split(r"[\s,，、;；]+", (text or "").strip()):
        if not item:
            continue
        ends = re.split(r"至|~|～|--", item)
        try:
            first, last = date.fromisoformat(ends[0]), date.fromisoformat(ends[-1])
        except ValueError:
            raise ValueError(f"“{item}”不是日期（应写作 2027-01-01 或 2027-02-06至2027-02-13）") from None
        if len(ends) > 2 or last < first or (last - first).days > 31:
            raise ValueError(f"“{item}”不是合理的日期区间")
        out.extend(first + timedelta(days=i) for i in range((last - first).days + 1))
    return sorted(set(out))


def package_covers(year: int) -> bool:
    """Whether the chinese-calendar package publishes ``year``'s holidays."""
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def missing_years(today: date, calendar: Calendar | None = None, *, ahead_days: int = 61) -> list[int]:
    """The years whose working days are unknown and needed now or soon: this year, and next year
    from ``ahead_days`` before it begins (the State Council's notice usually comes in November)."""
    calendar = calendar or Calendar.from_db()
    wanted = [today.year] + ([today.year + 1] if (date(today.year + 1, 1, 1) - today).days <= ahead_days else [])
    return [y for y in wanted if not calendar.knows(y)]


def is_workday(day: date) -> bool:
    """Whether ``day`` is a working day (overrides first, then the official calendar)."""
    return Calendar.from_db().is_workday(day)


def add_working_days(start: date, n: int) -> date:
    """The n-th working day after ``start``, ``start`` itself not counted."""
    return Calendar.from_db().add_working_days(start, n)


def add_natural_days(start: date, n: int) -> date:
    return start + timedelta(days=n)
