"""Working days on the official calendar, the administrator's overrides, and deadlines."""

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from django.core.exceptions import ValidationError

from lawtrail.access.policy import Denied
from lawtrail.ledger import verify
from lawtrail.ledger.models import Entry
from lawtrail.rules import actions, calendar
from lawtrail.rules.calendar import BEIJING, Calendar, CalendarUnknown, Duration, parse_duration

from ..calendars import UNCOVERED_YEAR

CAL = Calendar()


def bj(*args):
    return datetime(*args, tzinfo=BEIJING)


def test_a_national_holiday_and_a_tiaoxiu_weekend():
    assert not CAL.is_workday(date(2026, 10, 1))      # 国庆节
    assert not CAL.is_workday(date(2026, 2, 17))      # 春节, a Tuesday
    assert CAL.is_workday(date(2026, 9, 20))          # a Sunday worked for National Day (调休)
    assert not CAL.is_workday(date(2026, 11, 28))     # an ordinary Saturday
    # 1 working day after 30 September: the Golden Week is skipped
    assert CAL.add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 8)
    assert CAL.add_working_days(date(2026, 9, 18), 2) == date(2026, 9, 21)  # Fri → Sun (调休) → Mon


def test_a_year_the_library_does_not_cover_is_refused_naming_the_year():
    year = UNCOVERED_YEAR
    with pytest.raises(CalendarUnknown) as e:
        CAL.is_workday(date(year, 3, 1))
    assert f"{year}年" in str(e.value) and "工作日历" in str(e.value)
    with pytest.raises(CalendarUnknown):
        CAL.due(bj(year, 3, 2, 10), Duration(5, "working_days"))
    # natural days and hours need no calendar
    assert CAL.due(bj(year - 1, 12, 30, 10), Duration(5, "days")) == bj(year, 1, 5)


@pytest.mark.django_db
def test_the_administrators_override_decides_the_day_and_is_in_the_ledger(org):
    day = date(UNCOVERED_YEAR, 3, 1)
    row = actions.set_calendar_override(by=org.admin, day=day, is_workday=True, reason=f"{UNCOVERED_YEAR}年节假日安排通知")
    assert calendar.is_workday(day)
    assert Entry.objects.get(seq=row.ledger_seq).action == "rules.calendar_override_set"
    actions.set_calendar_override(by=org.admin, day=date(2026, 10, 8), is_workday=False, reason="本地调整")
    assert not calendar.is_workday(date(2026, 10, 8))  # an override beats the library
    actions.set_calendar_override(by=org.admin, day=day, is_workday=False, reason="更正")
    assert not calendar.is_workday(day)
    assert calendar.add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 9)
    with pytest.raises(Denied):
        actions.set_calendar_override(by=org.zhang, day=day, is_workday=True, reason="x")
    with pytest.raises(ValidationError):
        actions.set_calendar_override(by=org.admin, day=day, is_workday=True, reason=" ")
    assert verify.run().ok


@pytest.mark.django_db
def test_only_the_administrator_sees_the_override_screen(org):
    admin_client = org.client_for(org.admin)
    assert admin_client.get("/admin/rules/calendaroverride/").status_code == 200
    r = admin_client.post("/admin/rules/calendaroverride/add/",
                          {"date": f"{UNCOVERED_YEAR}-01-04", "is_workday": "on", "reason": "节假日安排"})
    assert r.status_code == 302 and calendar.is_workday(date(UNCOVERED_YEAR, 1, 4))
    assert org.client_for(org.zhang).get("/admin/rules/calendaroverride/").status_code == 302  # not staff: login


def test_deadlines_in_hours_natural_days_and_working_days_with_suspensions():
    start = bj(2026, 9, 29, 15, 30)
    assert CAL.due(start, Duration(24, "hours")) == bj(2026, 9, 30, 15, 30)
    assert CAL.due(start, Duration(2, "days")) == bj(2026, 10, 2)            # end of 1 October
    assert CAL.due(start, Duration(2, "working_days")) == bj(2026, 10, 9)     # 30 Sep, 8 Oct
    pause = [(bj(2026, 9, 30, 9), bj(2026, 9, 30, 12))]
    assert CAL.due(start, Duration(24, "hours"), pause) == bj(2026, 9, 30, 18, 30)
    assert CAL.due(start, Duration(2, "working_days"), pause) == bj(2026, 10, 10)  # 30 Sep suspended: 8 and 9 Oct


@pytest.mark.parametrize("text", ["24", "three days", "0 days", "5 weeks", "-1 hours", "99999 days"])
def test_bad_durations_are_refused(text):
    with pytest.raises(ValueError):
        parse_duration(text)


def test_durations_are_read():
    assert parse_duration("7 working days") == Duration(7, "working_days")
    assert parse_duration("1 hour") == Duration(1, "hours") and str(parse_duration("90 days")) == "90日"



def _day_by_day(cal: Calendar, start: date, n: int) -> date:
    day = start
    while n:
        day += timedelta(days=1)
        n -= cal.is_workday(day)
    return day


@given(st.dates(date(2015, 1, 1), date(2026, 12, 31)), st.integers(1, 400))
@settings(max_examples=300, deadline=None)
def test_counting_working_days_from_the_years_lists_agrees_with_counting_day_by_day(start, n):
    # every working-day clock is counted from the lists (the re-check of every case counts many)
    try:
        expected = _day_by_day(CAL, start, n)
    except CalendarUnknown:
        with pytest.raises(CalendarUnknown):
            CAL.add_working_days(start, n)
    else:
        assert CAL.add_working_days(start, n) == expected


def test_overrides_in_a_year_nobody_entered_count_until_the_first_unknown_day():
    year = UNCOVERED_YEAR
    cal = Calendar({date(year, 1, 1): False, date(year, 1, 2): True, date(year, 1, 3): True})
    assert cal.add_working_days(date(year - 1, 12, 31), 2) == date(year, 1, 3)
    with pytest.raises(CalendarUnknown):
        cal.add_working_days(date(year - 1, 12, 31), 3)


@pytest.mark.django_db
def test_the_calendar_read_from_the_database_is_reused_until_it_changes(org):
    first = Calendar.from_db()
    assert Calendar.from_db() is first  # what it has looked up serves the next batch of cases too
    actions.set_calendar_override(by=org.admin, day=date(2026, 11, 30), is_workday=False, reason="本地调整")
    again = Calendar.from_db()
    assert again is not first and not again.is_workday(date(2026, 11, 30))
