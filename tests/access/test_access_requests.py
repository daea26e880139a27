"""Requests to read or copy a case's records (access/requests.py): registered, consulted on, extended
by the agency head once in time, consented to and replied to — each one ledger entry on the case's
timeline — and every refusal, in Chinese, on the field concerned.

Dates: tests/access/dates.py."""

from datetime import datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone

from lawtrail.access import requests
from lawtrail.access.models import AccessRequest
from lawtrail.access.policy import Denied
from lawtrail.cases.queries import timeline
from lawtrail.ledger import verify
from lawtrail.ledger.models import Entry
from lawtrail.rules.calendar import BEIJING
from tests.factories import Org

from .dates import DUE_20, RECEIVED, at, case  # noqa: F401 (fixtures)


pytestmark = pytest.mark.django_db

FIRST_DUE = DUE_20  # the first limit, without extension


def register(by, case, **kw):
    fields = {"requester_name": "王某", "requester_is_party": True, "contact": "13800000000", "mode": "read_copy",
              "scope": "现场检查笔录及执法记录仪视频", "channel": "in_person", "received_at": RECEIVED} | kw
    return requests.register_request(by=by, case=case, **fields)


def entries(case):
    return [e for e in Entry.objects.filter(subject=f"case:{case.pk}").order_by("seq") if e.action.startswith("access.")]


def errors(exc) -> dict:
    return exc.value.message_dict


def test_a_registered_request_is_one_ledger_entry_on_the_case_timeline(org, case):
    r = register(org.zhang, case)
    assert (r.bureau_id, r.case_id, r.mode, r.received_at, r.registered_by_id) == (
        org.bureau.pk, case.pk, "read_copy", RECEIVED, org.zhang.pk)
    [e] = entries(case)
    assert e.action == "access.request_registered" and e.payload["request"] == r.pk
    assert e.payload["rows"][f"access.accessrequest:{r.pk}"]["requester_name"] == "王某"
    assert r.ledger_seq == e.seq
    assert "access.request_registered" in [t.action for t in timeline(case)]
    assert verify.run().ok


def test_registering_names_each_missing_or_wrong_field(org, case):
    with pytest.raises(ValidationError) as e:
        register(org.zhang, case, requester_name=" ", scope="", mode="print", channel="fax", received_at=None)
    assert errors(e) == {"requester_name": ["请填写申请人姓名或名称"], "scope": ["请写明申请查阅、复制的记录"],
                         "mode": ["请选择申请事项（查阅、复制或查阅并复制）"], "channel": ["请选择申请方式（当面、信函或网络）"],
                         "received_at": ["请填写收到申请的时间"]}
    assert not AccessRequest.objects.exists()


def test_a_receipt_in_the_future_or_before_the_case_began_is_refused(org, case):
    with pytest.raises(ValidationError) as e:
        register(org.zhang, case, received_at=timezone.now() + timedelta(hours=1))
    assert errors(e) == {"received_at": ["收到申请时间不能晚于当前时间"]}
    with pytest.raises(ValidationError) as e:
        register(org.zhang, case, received_at=case.started_at - timedelta(days=1))
    assert errors(e) == {"received_at": ["收到申请时间不能早于案件程序启动时间"]}


def test_only_staff_who_see_the_case_register_requests_for_it(org, case):
    other = Org.build(code="sifa", abbr="金普司法", profile="004")
    for who in (org.liu, org.head_b, org.auditor, org.admin, other.chief):
        with pytest.raises(Denied):
            register(who, case)
    for who in (org.li, org.head_a, org.supervisor, org.records, org.legal, org.chief):
        assert register(who, case).registered_by_id == who.pk
    assert AccessRequest.objects.count() == 6


def test_only_the_agency_head_consents_to_a_copy_once(org, case):
    r = register(org.zhang, case)
    with pytest.raises(Denied):
        requests.approve_copy(by=org.zhang, request=r)
    r = requests.approve_copy(by=org.chief, request=r)
    assert r.copy_consent_by_id == org.chief.pk and r.copy_consent_at is not None
    with pytest.raises(ValidationError) as e:
        requests.approve_copy(by=org.chief, request=r)
    assert errors(e) == {"__all__": ["机关负责人已同意复制"]}
    read_only = register(org.zhang, case, mode="read")
    with pytest.raises(ValidationError) as e:
        requests.approve_copy(by=org.chief, request=read_only)
    assert errors(e) == {"__all__": ["该申请只申请查阅，无须同意复制"]}
    assert [x.action for x in entries(case)] == ["access.request_registered", "access.request_copy_approved",
                                                 "access.request_registered"]


def test_the_agency_head_extends_the_reply_once_and_only_before_the_first_limit_runs_out(org, case, at):
    with at(RECEIVED):
        r, late = register(org.zhang, case), register(org.zhang, case)
    with at(FIRST_DUE - timedelta(days=1)):
        with pytest.raises(Denied):
            requests.extend_reply(by=org.head_a, request=r, reason="记录较多")
        with pytest.raises(ValidationError) as e:
            requests.extend_reply(by=org.chief, request=r, reason=" ")
        assert errors(e) == {"reason": ["请写明延长答复期限的理由"]}
        r = requests.extend_reply(by=org.chief, request=r, reason="申请的音像记录较多，需逐段审查")
        assert (r.extended_by_id, r.extension_told_at) == (org.chief.pk, None)
        with pytest.raises(ValidationError) as e:
            requests.extend_reply(by=org.chief, request=r, reason="再次延长")
        assert errors(e) == {"__all__": ["答复期限已延长过一次，不能再次延长"]}
    with at(FIRST_DUE + timedelta(minutes=1)):
        with pytest.raises(ValidationError) as e:
            requests.extend_reply(by=org.chief, request=late, reason="记录较多")
    assert errors(e) == {"__all__": ["20个工作日的答复期限已于2026-10-27 00:00届满，不能再延长"]}
    assert [x.action for x in entries(case)].count("access.request_reply_extended") == 1


def test_a_consultation_moves_the_last_day_an_extension_may_be_approved(org, case, at):
    with at(RECEIVED):
        r = register(org.zhang, case)
    with at(RECEIVED + timedelta(days=2)):
        requests.start_consultation(by=org.zhang, request=r, consulted="第三方：大连星海文化传媒有限公司",
                                    started_at=datetime(2026, 9, 23, 9, tzinfo=BEIJING))
    with at(datetime(2026, 9, 25, 17, tzinfo=BEIJING)):
        requests.end_consultation(by=org.zhang, request=r, ended_at=datetime(2026, 9, 25, 17, tzinfo=BEIJING))
    with at(FIRST_DUE + timedelta(days=1)):  # 23–25 September not counted: the first limit runs to 28 October
        r = requests.extend_reply(by=org.chief, request=r, reason="第三方意见涉及商业秘密，需进一步审查")
    assert r.extended_at is not None


def test_the_extension_notice_is_recorded_once_and_not_before_the_approval(org, case, at):
    with at(RECEIVED):
        r = register(org.zhang, case)
    with at(datetime(2026, 10, 20, 9, tzinfo=BEIJING)):
        with pytest.raises(ValidationError) as e:
            requests.record_extension_told(by=org.zhang, request=r, told_at=datetime(2026, 10, 20, 9, tzinfo=BEIJING))
        assert errors(e) == {"__all__": ["该申请的答复期限没有延长"]}
        r = requests.extend_reply(by=org.chief, request=r, reason="记录较多")
    with at(datetime(2026, 10, 21, 9, tzinfo=BEIJING)):
        with pytest.raises(ValidationError) as e:
            requests.record_extension_told(by=org.zhang, request=r, told_at=datetime(2026, 10, 19, 9, tzinfo=BEIJING))
        assert errors(e) == {"told_at": ["告知申请人的时间不能早于批准延长的时间"]}
        r = requests.record_extension_told(by=org.zhang, request=r, told_at=datetime(2026, 10, 21, 8, tzinfo=BEIJING))
        with pytest.raises(ValidationError):
            requests.record_extension_told(by=org.zhang, request=r, told_at=datetime(2026, 10, 21, 8, tzinfo=BEIJING))
    assert r.extension_told_at == datetime(2026, 10, 21, 8, tzinfo=BEIJING)
    assert entries(case)[-1].action == "access.request_extension_told"


def test_a_consultation_is_recorded_once_ends_after_it_began_and_is_ended_before_the_reply(org, case):
    r = register(org.zhang, case)
    with pytest.raises(ValidationError) as e:
        requests.start_consultation(by=org.zhang, request=r, consulted="", started_at=RECEIVED - timedelta(hours=1))
    assert errors(e) == {"consulted": ["请写明征求意见的第三方或机关"]}
    with pytest.raises(ValidationError) as e:
        requests.start_consultation(by=org.zhang, request=r, consulted="市场监管局", started_at=RECEIVED - timedelta(hours=1))
    assert errors(e) == {"started_at": ["征求意见开始时间不能早于收到申请的时间"]}
    started = RECEIVED + timedelta(days=1)
    r = requests.start_consultation(by=org.zhang, request=r, consulted="市场监管局", started_at=started)
    with pytest.raises(ValidationError):
        requests.start_consultation(by=org.zhang, request=r, consulted="市场监管局", started_at=started)
    with pytest.raises(ValidationError) as e:
        requests.reply(by=org.zhang, request=r, replied_at=timezone.now(), outcome="granted", method="in_person")
    assert errors(e) == {"replied_at": ["征求意见尚未记录结束：请先记录征求意见结束的时间"]}
    with pytest.raises(ValidationError) as e:
        requests.end_consultation(by=org.zhang, request=r, ended_at=started)
    assert errors(e) == {"ended_at": ["征求意见结束时间须晚于开始时间"]}
    r = requests.end_consultation(by=org.zhang, request=r, ended_at=started + timedelta(days=3))
    assert not r.consultation_open
    assert [x.action for x in entries(case)] == ["access.request_registered", "access.request_consultation_started",
                                                 "access.request_consultation_ended"]


def test_a_reply_that_withholds_names_its_ground_and_reason(org, case):
    r = register(org.zhang, case, mode="read")
    with pytest.raises(ValidationError) as e:
        requests.reply(by=org.zhang, request=r, replied_at=timezone.now(), outcome="refused", method="post")
    assert set(errors(e)) == {"withheld_ground", "withheld_reason"}
    with pytest.raises(ValidationError) as e:
        requests.reply(by=org.zhang, request=r, replied_at=timezone.now(), outcome="granted", method="post",
                       withheld_ground="privacy")
    assert errors(e) == {"withheld_ground": ["全部同意的，不填写不予提供的依据和理由"]}
    with pytest.raises(ValidationError) as e:
        requests.reply(by=org.zhang, request=r, replied_at=RECEIVED - timedelta(minutes=1), outcome="granted",
                       method="post")
    assert errors(e) == {"replied_at": ["答复时间不能早于收到申请的时间"]}
    r = requests.reply(by=org.zhang, request=r, replied_at=timezone.now(), outcome="partly", method="post",
                       withheld_ground="privacy", withheld_reason="笔录中证人的身份信息属个人隐私")
    assert (r.outcome, r.withheld_ground, r.replied_by_id) == ("partly", "privacy", org.zhang.pk)
    [*_, e] = entries(case)
    assert e.action == "access.request_replied" and e.payload["outcome"] == "partly"


def test_a_replied_request_does_not_change_any_more(org, case):
    r = register(org.zhang, case, mode="read")
    r = requests.reply(by=org.zhang, request=r, replied_at=timezone.now(), outcome="granted", method="in_person")
    for act in (lambda: requests.extend_reply(by=org.chief, request=r, reason="x"),
                lambda: requests.reply(by=org.zhang, request=r, replied_at=timezone.now(), outcome="refused",
                                       method="post", withheld_ground="other", withheld_reason="x"),
                lambda: requests.start_consultation(by=org.zhang, request=r, consulted="x", started_at=timezone.now())):
        with pytest.raises(ValidationError) as e:
            act()
        assert errors(e) == {"__all__": ["该申请已答复，不能再变更"]}


def test_where_the_seed_requires_the_heads_consent_a_copy_is_not_granted_without_it_or_before_it(at):
    org = Org.build(code="fagai", abbr="兴隆台发改", profile="002")
    with at(RECEIVED - timedelta(days=20)):
        case = org.case()
    with at(RECEIVED):
        r, second = register(org.zhang, case), register(org.zhang, case)
    with pytest.raises(ValidationError) as e:
        requests.reply(by=org.zhang, request=r, replied_at=timezone.now(), outcome="partly", method="post",
                       withheld_ground="commercial_secret", withheld_reason="第三方的经营信息")
    assert errors(e) == {"outcome": ["002（002_940abe677fd0609e.txt） 第二十二条：复制须经机关负责人同意，"
                                     "请先由机关负责人同意复制，或答复不予复制"]}
    refused = requests.reply(by=org.zhang, request=r, replied_at=timezone.now(), outcome="refused", method="post",
                             withheld_ground="commercial_secret", withheld_reason="第三方不同意公开其经营信息")
    assert refused.outcome == "refused"
    with at(RECEIVED + timedelta(days=1)):
        requests.approve_copy(by=org.chief, request=second)
    with pytest.raises(ValidationError) as e:  # a reply dated before the consent
        requests.reply(by=org.zhang, request=second, replied_at=RECEIVED + timedelta(hours=1), outcome="granted",
                       method="in_person")
    assert errors(e) == {"replied_at": ["002（002_940abe677fd0609e.txt） 第二十二条：复制须先经机关负责人同意，"
                                        "答复时间不能早于同意复制的时间"]}
    assert requests.reply(by=org.zhang, request=second, replied_at=RECEIVED + timedelta(days=2), outcome="granted",
                          method="in_person").copy_granted


def test_where_the_seed_says_nothing_of_consent_a_copy_is_granted_without_it(org, case):
    r = register(org.zhang, case, received_at=timezone.now())  # profile 000
    r = requests.reply(by=org.zhang, request=r, replied_at=timezone.now(), outcome="granted", method="in_person")
    assert r.copy_granted and r.copy_consent_at is None


def test_the_database_refuses_to_delete_a_request(org, case):
    r = register(org.zhang, case)
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessRequest.objects.filter(pk=r.pk).delete()
    assert AccessRequest.objects.filter(pk=r.pk).exists()
