"""The working-day calendar of years the calendar package does not publish yet.

chinese-calendar gains a year only after the State Council's holiday notice, and a release may
lag the new year. Production then says 无法计算 until the administrator enters the year
(rules.CalendarOverride); that refusal is tested with UNCOVERED_YEAR below. Tests whose cases
start "now" would instead fail on every 1 January for want of a calendar, not for a fault of
lawtrail, so for the years the real clock is in or next to, and only in the test suite, a year
the package does not cover is read as a plain Monday-to-Friday week. No rule test depends on a
holiday of such a year: holiday behaviour is tested on the published years (2026).
"""

from datetime import date

import chinese_calendar

UNCOVERED_YEAR = 2098  # no release will publish it and the plain-week years never reach it
PLAIN_WEEK_YEARS = frozenset(range(date.today().year - 1, date.today().year + 2)) - {
    d.year for d in chinese_calendar.holidays} - {d.year for d in chinese_calendar.workdays}
assert UNCOVERED_YEAR not in PLAIN_WEEK_YEARS


