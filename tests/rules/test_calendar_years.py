"""A year the calendar package does not publish yet, entered by the administrator from the State
Council's notice: its holidays and 调休 weekends count as the notice says, its other days follow the
ordinary week, and the administrator is warned before such a year begins."""

from datetime import date, datetime, time

import pytest
from django.core.exceptions import ValidationError

from lawtrail.access.policy import Denied
from lawtrail.ledger import verify
from lawtrail.ledger.models import Entry
from lawtrail.rules import actions, checks
from lawtrail.rules.calendar import BEIJING, Calendar, CalendarUnknown, Duration, missing_years, parse_days
from lawtrail.rules.models import CalendarOverride, CalendarYear

from ..calendars import UNCOVERED_YEAR

pytestmark = pytest.mark.django_db
Y = UNCOVERED_YEAR
NOTICE = f"国务院办公厅关于{Y}年部分节假日安排的通知"


def first_weekday(year, month, weekday):
    d = date(year, month, 1)
    while d.weekday() != weekday:
        d = d.replace(day=d.day + 1)
    return d


def enter(org, **kw):
    saturday = first_weekday(Y, 9, 5)
    args = dict(year=Y, holidays=parse_days(f"{Y}-01-01 {Y}-10-01至{Y}-10-07"), workdays=[saturday], notice=NOTICE)
    return actions.enter_calendar_year(by=org.admin, **{**args, **kw})


def test_an_entered_year_counts_its_holidays_its_working_weekends_and_otherwise_the_ordinary_week(org):
    with pytest.raises(CalendarUnknown):
        Calendar.from_db().is_workday(date(Y, 3, 2))
    row = enter(org)
    cal = Calendar.from_db()
    monday, saturday, sunday = first_weekday(Y, 3, 0), first_weekday(Y, 9, 5), first_weekday(Y, 3, 6)
    assert cal.is_workday(monday) and not cal.is_workday(sunday)
    assert cal.is_workday(saturday)                                  # 调休上班
    assert not cal.is_workday(date(Y, 10, 4)) and not cal.is_workday(date(Y, 1, 1))
    assert cal.knows(Y) and not cal.knows(Y + 1)
    # a working-day limit starting on 30 September skips the whole holiday week
    due = cal.due(datetime(Y, 9, 30, 10, tzinfo=BEIJING), Duration(1, "working_days"))
    first_after = min(d for d in (date(Y, 10, 8), date(Y, 10, 9), date(Y, 10, 10), date(Y, 10, 11))
                      if d.weekday() < 5)
    assert due == datetime.combine(first_after.replace(day=first_after.day + 1), time(0), tzinfo=BEIJING)
    entry = Entry.objects.get(seq=row.ledger_seq)
    assert entry.action == "rules.calendar_year_entered" and entry.subject == f"calendar:{Y}"
    assert CalendarOverride.objects.filter(ledger_seq=row.ledger_seq).count() == 9  # 8 holidays + 1 working Saturday
    assert verify.run().ok


def test_entering_a_year_refuses_what_the_notice_cannot_say_and_saves_nothing(org):
    saturday, monday = first_weekday(Y, 9, 5), first_weekday(Y, 9, 0)
    bad = [({"year": 2026}, "year"),                                         # the package publishes it
           ({"notice": " "}, "notice"),
           ({"holidays": []}, "holidays"),
           ({"holidays": [date(Y + 1, 1, 1)]}, "holidays"),                  # another year
           ({"workdays": [monday]}, "workdays"),                             # a weekday is worked anyway
           ({"holidays": [saturday], "workdays": [saturday]}, "workdays")]   # both
    for kw, field in bad:
        with pytest.raises(ValidationError) as e:
            enter(org, **kw)
        assert field in e.value.message_dict, (kw, e.value)
    assert not CalendarYear.objects.exists() and not CalendarOverride.objects.exists()
    with pytest.raises(Denied):
        actions.enter_calendar_year(by=org.zhang, year=Y, holidays=[date(Y, 1, 1)], workdays=[], notice=NOTICE)
    enter(org)
    with pytest.raises(ValidationError) as e:
        enter(org)
    assert "已经录入" in e.value.message_dict["year"][0]


def test_the_dates_are_typed_as_the_notice_lists_them():
    assert parse_days("2027-02-06至2027-02-08、2027-10-01，2027-05-01~2027-05-02") == [
        date(2027, 2, 6), date(2027, 2, 7), date(2027, 2, 8), date(2027, 5, 1), date(2027, 5, 2), date(2027, 10, 1)]
    for text in ("2027-02-30", "明年元旦", "2027-02-08至2027-02-06", "2027-01-01至2027-03-01"):
        with pytest.raises(ValueError):
            parse_days(text)


def test_the_administrator_enters_a_year_on_one_screen_and_sees_mistakes_next_to_the_field(org):
    client = org.client_for(org.admin)
    url = "/admin/rules/calendaryear/add/"
    r = client.post(url, {"year": Y, "notice": NOTICE, "holidays": f"{Y}-01-01 {Y}-02-30", "workdays": ""})
    assert r.status_code == 200 and "不是日期" in r.content.decode() and not CalendarYear.objects.exists()
    r = client.post(url, {"year": 2026, "notice": NOTICE, "holidays": "2026-01-01", "workdays": ""})
    assert r.status_code == 200 and "日历程序包" in r.content.decode()
    r = client.post(url, {"year": Y, "notice": NOTICE, "holidays": f"{Y}-01-01 {Y}-10-01至{Y}-10-07", "workdays": ""})
    assert r.status_code == 302 and CalendarYear.objects.get().year == Y
    assert not Calendar.from_db().is_workday(date(Y, 10, 5))
    assert org.client_for(org.zhang).get(url).status_code == 302  # not the administrator: to the login


def test_the_administrator_is_warned_before_a_year_whose_working_days_nobody_entered(org, monkeypatch):
    assert missing_years(date(Y - 1, 6, 1)) == [Y - 1]
    assert missing_years(date(Y - 1, 12, 1)) == [Y - 1, Y]  # November and December: next year too
    assert missing_years(date(2026, 3, 1)) == []
    monkeypatch.setattr(checks.timezone, "localdate", lambda *a: date(Y, 12, 1))
    warning, = checks.calendar_years()
    assert warning.id == "rules.W001" and f"{Y}年、{Y + 1}年的法定节假日安排尚未录入" in warning.msg
    home = org.client_for(org.admin).get("/").content.decode()
    assert "工作日历年度" in home and f"{Y}年" in home
    assert f"{Y}年、{Y + 1}年" not in org.client_for(org.zhang).get("/").content.decode()
    enter(org)
    assert missing_years(date(Y, 12, 1)) == [Y + 1]
