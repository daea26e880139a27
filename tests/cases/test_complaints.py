"""Complaints and reports are registered first, then start a case or are declined with a reason;
a real-name reporter must be told, and how and when is recorded (000 第十条, 004 第六条)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from lawtrail.access.policy import Denied
from lawtrail.cases import actions
from lawtrail.cases.models import Complaint
from tests.factories import Org

pytestmark = pytest.mark.django_db


def complaint(org, **kw):
    fields = {"received_at": timezone.now() - timedelta(hours=3), "channel": "phone", "content": "网吧接纳未成年人",
              "reporter_name": "刘先生", "reporter_contact": "13800000001", "about": "极速网络会所"} | kw
    return actions.register_complaint(by=org.zhang, **fields)


def test_a_real_name_complaint_needs_the_reporters_name(org):
    with pytest.raises(ValidationError) as e:
        complaint(org, reporter_name="")
    assert "reporter_name" in e.value.message_dict


def test_an_anonymous_complaint_keeps_no_reporter_name(org):
    c = complaint(org, anonymous=True, reporter_name="不应保存")
    assert c.anonymous and c.reporter_name == ""


def decline(org, c, reason="不属于本机关职责"):
    actions.propose_decline(by=org.zhang, complaint=c, reason=reason)
    return actions.decide_decline(by=org.chief, complaint=c, approve=True, opinion="同意")


def test_declining_needs_a_reason_and_the_agency_heads_approval(org):
    c = complaint(org)
    with pytest.raises(ValidationError) as e:
        actions.propose_decline(by=org.zhang, complaint=c, reason=" ")
    assert "reason" in e.value.message_dict
    actions.propose_decline(by=org.zhang, complaint=c, reason="不属于本机关职责")
    for not_the_head in (org.zhang, org.head_a, org.legal, org.admin):
        with pytest.raises(Denied):
            actions.decide_decline(by=not_the_head, complaint=c, approve=True)
    c = actions.decide_decline(by=org.chief, complaint=c, approve=True, opinion="同意")
    assert (c.status, c.decided_by, c.decline_reason) == ("declined", org.chief, "不属于本机关职责")


def test_a_refused_decline_sends_the_complaint_back_with_the_heads_opinion(org):
    c = complaint(org)
    actions.propose_decline(by=org.zhang, complaint=c, reason="证据不足")
    with pytest.raises(ValidationError):
        actions.decide_decline(by=org.chief, complaint=c, approve=False)
    c = actions.decide_decline(by=org.chief, complaint=c, approve=False, opinion="请先现场核查")
    assert (c.status, c.opinion) == ("registered", "请先现场核查")
    assert org.case(source="complaint", complaint=c).complaint == c


def test_a_real_name_reporter_must_be_told_and_how_and_when_is_recorded(org):
    c = decline(org, complaint(org))
    assert c.awaits_notice
    with pytest.raises(ValidationError) as e:
        actions.record_notice(by=org.zhang, complaint=c, notified_how="", notified_at=None)
    assert {"notified_how", "notified_at"} <= set(e.value.message_dict)
    told = timezone.now()
    c = actions.record_notice(by=org.zhang, complaint=c, notified_how="phone", notified_at=told)
    assert (c.notified_how, c.notified_at, c.awaits_notice) == ("phone", told, False)
    with pytest.raises(ValidationError):
        actions.record_notice(by=org.zhang, complaint=c, notified_how="letter", notified_at=told)


def test_the_reporter_cannot_have_been_told_before_the_decline_was_approved(org):
    c = decline(org, complaint(org))
    with pytest.raises(ValidationError) as e:
        actions.record_notice(by=org.zhang, complaint=c, notified_how="phone",
                              notified_at=c.decided_at - timedelta(hours=1))
    assert "notified_at" in e.value.message_dict


def test_an_anonymous_complaint_needs_no_notice(org):
    c = decline(org, complaint(org, anonymous=True), reason="线索不清，无法核查")
    assert c.status == "declined" and not c.awaits_notice
    with pytest.raises(ValidationError):
        actions.record_notice(by=org.zhang, complaint=c, notified_how="phone", notified_at=timezone.now())


def test_a_complaint_starts_one_case_and_is_then_closed_for_further_decisions(org):
    c = complaint(org)
    case = org.case(source="complaint", complaint=c)
    c.refresh_from_db()
    assert c.status == "case_started" and case.complaint == c
    with pytest.raises(ValidationError):
        org.case(source="complaint", complaint=c)
    with pytest.raises(ValidationError):
        actions.propose_decline(by=org.zhang, complaint=c, reason="x")


def test_a_complaint_awaiting_approval_of_its_decline_cannot_start_a_case(org):
    c = complaint(org)
    actions.propose_decline(by=org.zhang, complaint=c, reason="不属于本机关职责")
    with pytest.raises(ValidationError):
        org.case(source="complaint", complaint=c)


def test_a_case_from_a_complaint_must_name_the_complaint(org):
    with pytest.raises(ValidationError) as e:
        org.case(source="complaint")
    assert "complaint" in e.value.message_dict


def test_another_bureau_cannot_decide_on_the_complaint(org):
    c = complaint(org)
    other = Org.build(code="sifa", abbr="金普司法", profile="004")
    with pytest.raises(Denied):
        actions.propose_decline(by=other.zhang, complaint=c, reason="x")


def test_a_complaint_received_in_the_future_is_refused(org):
    with pytest.raises(ValidationError) as e:
        complaint(org, received_at=timezone.now() + timedelta(days=1))
    assert "不能晚于当前时间" in e.value.message_dict["received_at"][0]


def test_a_letter_registered_weeks_late_keeps_both_its_received_and_registered_times(org):
    received = timezone.now() - timedelta(days=90)
    c = complaint(org, received_at=received, channel="letter")
    assert c.received_at == received and c.registered_at > received + timedelta(days=89)
