"""Reminders and the daily digest (rules.reminders, sent by the background round rules.jobs): to the
people responsible, once per finding and status, only about cases they may see, in the ledger;
the 提醒 page and the count in the header."""

import json
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from lawtrail.access import actions as access
from lawtrail.cases import actions as cases
from lawtrail.ledger.models import Entry
from lawtrail.rules import jobs, reminders
from lawtrail.rules.models import Notification

from . import helpers

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_digest(settings):
    settings.LAWTRAIL_DIGEST_HOUR = None  # the digest has tests of its own


def emergency_case(org, hours_ago, **kw):
    """A penalty case started in an emergency whose start approval (补报, 000 第九条: 24 hours) is missing."""
    return org.case(emergency=True, emergency_reason="当事人正在转移涉案物品",
                    started_at=timezone.now() - timedelta(hours=hours_ago), **kw)


def sent(case=None, **kw) -> list[tuple[str, str, str]]:
    rows = Notification.objects.filter(**kw)
    if case is not None:
        rows = rows.filter(case=case)
    return sorted(rows.values_list("recipient__name", "kind", "rule"))


def test_an_overdue_finding_is_sent_once_to_the_handlers_and_the_approver_of_the_pending_step(org):
    case = emergency_case(org, hours_ago=72)  # 立案 awaits the agency head's approval
    emergency_case(org, hours_ago=30, by=org.liu)  # team B's: not for team A's people
    assert jobs.run_round()["reminders"] == 6
    assert sent(case) == [("张伟", "overdue", "emergency-start-report"), ("李娜", "overdue", "emergency-start-report"),
                          ("郑明", "overdue", "emergency-start-report")]
    assert jobs.run_round()["reminders"] == 0  # the next rounds send nothing new
    entry = Entry.objects.get(subject=f"case:{case.pk}", body__contains="rules.reminders_sent")
    payload = json.loads(entry.body)["payload"]
    assert payload["reminders"] == [{"rule": "emergency-start-report", "kind": "overdue",
                                     "due_at": payload["reminders"][0]["due_at"],
                                     "to": sorted([org.zhang.pk, org.li.pk, org.chief.pk])}]


def test_a_finding_due_soon_is_sent_as_such_and_again_when_it_becomes_overdue(org, monkeypatch):
    helpers.approve(org, case := emergency_case(org, hours_ago=2), "file_case")
    jobs.run_round()
    assert sent(case) == [("张伟", "soon", "emergency-start-report"), ("李娜", "soon", "emergency-start-report")]
    later = timezone.now() + timedelta(hours=23)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert jobs.run_round()["reminders"] == 2  # the result expired, was recomputed, and is overdue now
    assert sent(case, kind="overdue") == [("张伟", "overdue", "emergency-start-report"),
                                          ("李娜", "overdue", "emergency-start-report")]
    assert jobs.run_round()["reminders"] == 0


def test_a_finding_met_in_time_is_not_sent(org):
    case = emergency_case(org, hours_ago=2)
    helpers.document(org, case, "filing_approval")  # the 补报 made in time
    jobs.run_round()
    assert sent(case) == []


def test_a_unit_head_awaiting_approval_is_reminded_and_no_longer_sees_it_after_moving_unit(org):
    case = emergency_case(org, hours_ago=72)
    helpers.approve(org, case, "file_case")
    helpers.step(org, case, "interview")
    cases.record_step(by=org.zhang, case=case, step="conclude_investigation", handlers=[org.zhang])  # unit head approves
    jobs.run_round()
    assert ("赵强", "overdue", "emergency-start-report") in sent(case)  # head of team A
    head = org.client_for(org.head_a)
    page = head.get("/reminders/").content.decode()
    assert case.number in page and 'id="reminders-link">提醒 <mark class="unread"' in page
    access.update_staff(by=None, staff=org.head_a, unit=org.team_b)  # now heads the other team
    page = head.get("/reminders/").content.decode()
    assert case.number not in page and "没有提醒" in page and "mark class=\"unread\"" not in page


def test_the_reminders_page_links_each_case_and_marks_read_only_one_s_own(org):
    case = emergency_case(org, hours_ago=72)
    jobs.run_round()
    zhang, li = org.client_for(org.zhang), org.client_for(org.li)
    page = zhang.get("/reminders/").content.decode()
    mine = Notification.objects.get(recipient=org.zhang)
    assert f'href="/cases/{case.pk}/#case-rules"' in page and "已超过24小时期限" in page and "未读" in page
    assert "000（000_7020ab165d466204.txt） 第九条" in page and "24小时内补报" in page
    assert f'<mark class="unread" title="1 条未读">1</mark>' in page
    assert li.post("/reminders/read/", {"id": mine.pk}).status_code == 302  # not hers: nothing happens
    mine.refresh_from_db()
    assert mine.read_at is None
    assert zhang.post("/reminders/read/", {"id": mine.pk}).status_code == 302
    mine.refresh_from_db()
    assert mine.read_at is not None
    page = zhang.get("/reminders/").content.decode()
    assert 'class="unread"' not in page and case.number in page  # read, still listed
    assert Notification.objects.get(recipient=org.li).read_at is None
    assert li.post("/reminders/read/").status_code == 302  # all of hers
    assert Notification.objects.get(recipient=org.li).read_at is not None


def around_the_hour() -> tuple[datetime, datetime]:
    """A time before a whole local hour and that hour, within a few hours from now (the cases'
    clocks stay where the test puts them): the digest hour's eve and its coming."""
    base = timezone.localtime()
    if base.hour == 23:  # the hour after is tomorrow's 0, which every hour of today is past
        base += timedelta(hours=2)
    return base, base.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)


def test_the_daily_digest_comes_once_after_the_configured_hour_to_each_person_responsible(org, settings, monkeypatch):
    late = emergency_case(org, hours_ago=72)
    helpers.approve(org, soon := emergency_case(org, hours_ago=2), "file_case")
    emergency_case(org, hours_ago=30, by=org.liu)
    eight, nine = around_the_hour()
    settings.LAWTRAIL_DIGEST_HOUR = nine.hour
    monkeypatch.setattr(timezone, "now", lambda: eight)
    assert jobs.run_round()["digests"] == 0  # not yet
    monkeypatch.setattr(timezone, "now", lambda: nine)
    assert jobs.run_round()["digests"] == 5  # 张伟, 李娜, 刘洋, 陈静, and the agency head (two 立案 await him)
    digest = Notification.objects.get(recipient=org.zhang, kind="digest")
    assert digest.message.endswith("逾期 1 项，3 日内到期 1 项，涉及 2 件案件")
    assert [(i["number"], i["status"]) for i in digest.items] == [(late.number, "overdue"), (soon.number, "soon")]
    assert jobs.run_round()["digests"] == 0  # once a day
    page = org.client_for(org.zhang).get("/reminders/").content.decode()
    assert "每日汇总" in page and f'href="/cases/{late.pk}/#case-rules"' in page and f'href="/cases/{soon.pk}/#case-rules"' in page
    assert Entry.objects.filter(body__contains="rules.digest_sent").count() == 1
    monkeypatch.setattr(timezone, "now", lambda: nine + timedelta(days=1))
    assert jobs.run_round()["digests"] == 5  # the next day's


def test_no_digest_when_it_is_switched_off_or_nothing_is_due(org, settings):
    settings.LAWTRAIL_DIGEST_HOUR = 0
    org.case()
    assert reminders.send_digests() == 0  # nothing due
    emergency_case(org, hours_ago=72)
    settings.LAWTRAIL_DIGEST_HOUR = None
    jobs.run_round()
    assert not Notification.objects.filter(kind="digest").exists()
