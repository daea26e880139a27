"""The reply to requests to read or copy a case's records (rules/kinds/access_reply.py) on requests
made by access/requests.py: 政府信息公开条例 第三十三条 (national: 20 working days, +20 once extended
and told, the consultation not counted) met, pending with its due time, overdue, broken; one
finding per case over all its requests; and the head's consent to a copy (002, 004) met, pending,
broken.

Dates: tests/access/dates.py."""

from datetime import datetime, timedelta

import pytest

from lawtrail.access import actions as access
from lawtrail.access import requests
from lawtrail.rules import facts as facts_mod
from lawtrail.rules import profiles, stored
from lawtrail.rules.calendar import BEIJING
from lawtrail.rules.kinds import ParamError
from lawtrail.rules.kinds.access_reply import AccessReply
from lawtrail.rules.profiles import PROFILES_DIR
from tests.access.dates import DUE_20, DUE_40, RECEIVED, at, case  # noqa: F401 (fixtures)


pytestmark = pytest.mark.django_db

REPLY = "access-request-reply-20-working-days"
CONSENT = "access-copy-head-consent"


def bj(month, day, hour=9):
    return datetime(2026, month, day, hour, tzinfo=BEIJING)


@pytest.fixture
def received(org, case, at):
    """A request to read and copy, registered when received (by default on 21 September)."""
    def make(**kw):
        with at(kw.get("received_at", RECEIVED)):
            return requests.register_request(by=org.zhang, case=case, requester_name="王某", requester_is_party=True,
                                             mode=kw.pop("mode", "read_copy"), scope="现场检查笔录", channel="letter",
                                             received_at=kw.pop("received_at", RECEIVED))
    return make


def reply(org, r, at, when, outcome="granted", **kw):
    with at(when):
        return requests.reply(by=org.zhang, request=r, replied_at=when, outcome=outcome, method="post", **kw)


def finding(case, now, rule=REPLY, profile="000"):
    return profiles.get(profile).rule(rule).evaluate(facts_mod.load(case, now))


def test_a_case_without_requests_is_not_concerned(case):
    assert finding(case, bj(10, 1)).status == "not_applicable"


def test_pending_until_the_twentieth_working_day_then_overdue(case, received):
    r = received()
    f = finding(case, bj(10, 26, 23))
    assert (f.status, f.due_at, f.records) == ("pending", DUE_20, (f"access_request:{r.pk}",))
    assert "20个工作日" in f.message and f.cite == "政府信息公开条例 第三十三条" and "20个工作日内予以答复" in f.text
    f = finding(case, bj(10, 27, 0) + timedelta(minutes=1))
    assert (f.status, f.due_at) == ("overdue", DUE_20)


def test_a_reply_within_the_limit_meets_it_and_a_later_one_breaks_it(org, case, received, at):
    on_time, late = received(), received()
    reply(org, on_time, at, bj(10, 26, 17))
    reply(org, late, at, bj(10, 27, 10))
    f = finding(case, bj(11, 30))
    assert f.status == "broken" and f.records == (f"access_request:{on_time.pk}", f"access_request:{late.pk}")
    assert f"申请#{on_time.pk}（王某，2026-09-21 10:00收到）在20个工作日内答复" in f.message
    assert f"申请#{late.pk}（王某，2026-09-21 10:00收到）超过20个工作日答复（迟 10小时0分）" in f.message


def test_the_worst_request_decides_and_a_pending_one_gives_the_earliest_due(org, case, received, at):
    first = received()
    reply(org, first, at, bj(10, 9))
    received(received_at=bj(10, 9, 10))  # 20 working days from Friday 9 October end on Thursday 5 November
    third = received(received_at=bj(10, 12, 10))  # …from Monday 12 October on Monday 9 November
    f = finding(case, bj(10, 20))
    assert (f.status, f.due_at) == ("pending", datetime(2026, 11, 6, tzinfo=BEIJING))  # the earliest of the two
    f = finding(case, bj(11, 6))
    assert (f.status, f.due_at) == ("overdue", datetime(2026, 11, 6, tzinfo=BEIJING))  # one overdue, one pending
    assert len(f.records) == 3 and f"access_request:{third.pk}" in f.records and "须在2026-11-10 00:00前答复" in f.message


def test_an_extension_approved_and_told_in_time_gives_forty_working_days(org, case, received, at):
    r = received()
    with at(bj(10, 23)):
        requests.extend_reply(by=org.chief, request=r, reason="申请的音像记录较多", told_at=bj(10, 23))
    f = finding(case, bj(11, 10))
    assert (f.status, f.due_at) == ("pending", DUE_40) and "40个工作日" in f.message
    reply(org, r, at, bj(11, 23, 16))
    assert finding(case, bj(11, 30)).status == "met"


def test_an_extension_not_told_is_pending_until_the_first_limit_and_then_does_not_count(org, case, received, at):
    r = received()
    with at(bj(10, 23)):
        requests.extend_reply(by=org.chief, request=r, reason="申请的音像记录较多")
    f = finding(case, bj(10, 24))
    assert (f.status, f.due_at) == ("pending", DUE_20) and "须在2026-10-27 00:00前告知申请人" in f.message
    f = finding(case, bj(10, 28))
    assert (f.status, f.due_at) == ("overdue", DUE_20) and "延长未在20个工作日期限内告知申请人，不予计算" in f.message
    with at(bj(10, 28)):
        requests.record_extension_told(by=org.zhang, request=r, told_at=bj(10, 28))  # too late to count
    assert finding(case, bj(10, 29)).status == "overdue"


def test_the_consultation_of_a_third_party_is_not_counted(org, case, received, at):
    r = received()
    with at(bj(9, 23)):
        requests.start_consultation(by=org.zhang, request=r, consulted="第三方：大连星海文化传媒有限公司",
                                    started_at=bj(9, 23))
    f = finding(case, bj(11, 10))  # still consulting: the clock stays stopped
    assert f.status == "pending" and "征求第三方：大连星海文化传媒有限公司意见，期限中止" in f.message
    with at(bj(9, 25, 17)):
        requests.end_consultation(by=org.zhang, request=r, ended_at=bj(9, 25, 17))
    f = finding(case, bj(10, 27, 12))  # 23, 24 September not counted (25th is 中秋节): due 29 October
    assert (f.status, f.due_at) == ("pending", datetime(2026, 10, 29, tzinfo=BEIJING))
    reply(org, r, at, bj(10, 28, 16))
    assert finding(case, bj(11, 30)).status == "met"


def test_every_profile_has_the_national_reply_rule_and_the_stored_result_follows_a_new_request(org, case, received):
    for name in ("000", "001", "002", "003", "004"):
        assert profiles.get(name).rule(REPLY).kind.code == "access_reply"
    assert {f.rule: f for f in stored.result(case).findings}[REPLY].status == "not_applicable"
    r = received()  # 21 September: long overdue by the real clock
    result = stored.result(case)
    assert {f.rule: f for f in result.findings}[REPLY].status == "overdue"
    assert result.names[f"access_request:{r.pk}"] == ("查阅、复制申请 #%d（王某，查阅并复制，2026-09-21 10:00收到）" % r.pk, None)


def test_judging_the_requests_reads_nothing_but_the_loaded_facts(org, case, received, at, django_assert_num_queries):
    r = received()
    with at(bj(10, 8)):
        requests.approve_copy(by=org.chief, request=r)
    reply(org, r, at, bj(10, 9))
    f = facts_mod.load(case, bj(11, 1))
    with django_assert_num_queries(0):
        found = [profiles.get("004").rule(rule).evaluate(f).status for rule in (REPLY, CONSENT)]
    assert found == ["met", "met"]


def test_the_reply_rule_refuses_bad_parameters_by_name():
    good = {"within": "20 working days", "extension": "20 working days", "consultation": "征求意见所需时间"}
    for key, value in (("within", "20 fortnights"), ("extension", "20 days"), ("consultation", "")):
        with pytest.raises(ParamError) as e:
            AccessReply(good | {key: value})
        assert e.value.key == key


# --- the head's consent to a copy (002 第二十二条, 004 第二十五条) ---------------------------------------

def test_only_the_seeds_that_say_so_require_the_heads_consent():
    loaded = profiles.load_all(PROFILES_DIR)
    assert {name for name in ("000", "001", "002", "003", "004")
            if CONSENT in {r.id for r in loaded[name].rules}} == {"002", "004"}
    assert loaded["004"].rule(CONSENT).cite == {"file": "004_bd12176678c1676b.txt", "article": "第二十五条"}


def test_a_copy_request_is_pending_until_the_head_consents_and_met_once_consented(org, case, received):
    r = received()
    received(mode="read")  # reading only: not concerned
    f = finding(case, bj(10, 1), CONSENT, "004")
    assert (f.status, f.due_at, f.records) == ("pending", None, (f"access_request:{r.pk}",))
    requests.approve_copy(by=org.chief, request=r)
    assert finding(case, bj(10, 1), CONSENT, "004").status == "met"


def test_a_copy_given_without_the_heads_consent_breaks_the_rule_and_a_refusal_is_not_concerned(org, case, received,
                                                                                                at):
    granted, refused = received(), received()
    reply(org, granted, at, bj(10, 9))  # the bureau's profile 000 does not require consent
    reply(org, refused, at, bj(10, 9), outcome="refused", withheld_ground="state_secret", withheld_reason="涉及国家秘密")
    bureau = org.bureau
    bureau.profile = "004"
    access.update_organisation(by=None, obj=bureau)
    f = {x.rule: x for x in stored.result(case).findings}[CONSENT]  # the bureau's profile is now 004
    assert f.status == "broken" and f.records == (f"access_request:{granted.pk}", f"access_request:{refused.pk}")
    assert "答复同意复制（2026-10-09 09:00），未经机关负责人同意" in f.message
    assert "答复不予提供，未复制" in f.message
