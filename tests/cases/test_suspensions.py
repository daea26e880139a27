"""Recording a clock's suspension, its approved extension and a fine payment: who may, what the law
lets them name, bad input refused with nothing saved, each change one ledger entry of the case, and
verify proving the rows."""

import json
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from lawtrail.access.policy import Denied
from lawtrail.cases import actions
from lawtrail.cases.models import ClockExtension, ClockSuspension, FinePayment
from lawtrail.ledger import verify
from lawtrail.ledger.models import Entry

pytestmark = pytest.mark.django_db
LICENCE = "licence-decision-20-days"


def licence(org):
    return org.case(procedure="licence")


def entries(case):
    """The actions of the case's ledger entries, oldest first."""
    bodies = Entry.objects.filter(subject=f"case:{case.pk}").order_by("seq").values_list("body", flat=True)
    return [json.loads(b)["action"] for b in bodies]


def test_a_suspension_is_saved_with_its_ledger_entry_and_ended_later(org):
    case = licence(org)
    start = timezone.now()
    s = actions.suspend_clock(by=org.zhang, case=case, clocks=[LICENCE], reason="委托检测机构检测", started_at=start)
    assert (s.clock_ids, s.ended_at, s.recorded_by) == ([LICENCE], None, org.zhang)
    assert entries(case)[-1] == "cases.clock_suspended"
    body = json.loads(Entry.objects.get(seq=s.ledger_seq).body)
    assert body["payload"]["rows"][f"cases.clocksuspension:{s.pk}"]["reason"] == "委托检测机构检测"
    actions.end_suspension(by=org.li, suspension=s, ended_at=timezone.now())
    s.refresh_from_db()
    assert s.ended_by == org.li and entries(case)[-1] == "cases.clock_suspension_ended"
    with pytest.raises(ValidationError, match="已记录结束时间"):
        actions.end_suspension(by=org.li, suspension=s, ended_at=timezone.now())
    assert verify.run().ok


@pytest.mark.parametrize("change, field, message", [
    ({"clocks": []}, "clocks", "请选择涉及的期限"),
    ({"clocks": ["penalty-decision-90-days"]}, "clocks", "本案没有期限"),          # another procedure's clock
    ({"clocks": ["licence-supplement-notice-5-days"]}, "clocks", "没有法定的中止"),  # the law allows none
    ({"reason": "  "}, "reason", "中止事由"),
    ({"started_at": None}, "started_at", "中止开始"),
    ({"started_at": timezone.now() + timedelta(days=1)}, "started_at", "不能晚于当前时间"),
    ({"started_at": timezone.now() - timedelta(days=30)}, "started_at", "不能早于程序启动时间"),
    ({"ended_at": "a minute before it began"}, "ended_at", "须晚于开始时间"),
])
def test_a_bad_suspension_is_refused_with_its_field_and_nothing_is_saved(org, change, field, message):
    case = licence(org)
    args = {"clocks": [LICENCE], "reason": "组织专家评审", "started_at": timezone.now()} | change
    if "ended_at" in change:
        args["ended_at"] = args["started_at"] - timedelta(minutes=1)
    before = entries(case)
    with pytest.raises(ValidationError) as e:
        actions.suspend_clock(by=org.zhang, case=case, **args)
    assert field in e.value.message_dict and message in e.value.message_dict[field][0]
    assert not ClockSuspension.objects.exists() and entries(case) == before


def test_only_the_bureaus_officers_record_suspensions(org):
    from tests.factories import Org

    case = licence(org)
    other = Org.build(code="sifa", abbr="金普司法", profile="004")
    for who in (org.legal, org.chief, other.zhang):
        with pytest.raises(Denied):
            actions.suspend_clock(by=who, case=case, clocks=[LICENCE], reason="检测", started_at=timezone.now())
    assert not ClockSuspension.objects.exists()


def test_only_the_agency_head_extends_and_never_beyond_what_the_law_allows(org):
    case = licence(org)
    with pytest.raises(Denied):
        actions.extend_clock(by=org.zhang, case=case, clocks=[LICENCE], amount=10, reason="情况复杂")
    e = actions.extend_clock(by=org.chief, case=case, clocks=[LICENCE], amount=6, reason="需实地核查")
    assert (e.approved_by, e.amount, e.clock_ids) == (org.chief, 6, [LICENCE])
    assert entries(case)[-1] == "cases.clock_extended"
    with pytest.raises(ValidationError, match="延长不得超过10个工作日，本案已延长6"):
        actions.extend_clock(by=org.chief, case=case, clocks=[LICENCE], amount=5, reason="再延长")
    actions.extend_clock(by=org.chief, case=case, clocks=[LICENCE], amount=4, reason="再延长")
    seizure = org.case(procedure="coercive_measure")
    with pytest.raises(ValidationError, match="不能经批准延长"):  # its extension is the 延长查封、扣押 step
        actions.extend_clock(by=org.chief, case=seizure, clocks=["seizure-30-days"], amount=5, reason="复杂")
    with pytest.raises(ValidationError) as bad:
        actions.extend_clock(by=org.chief, case=case, clocks=[LICENCE], amount=0, reason="")
    assert set(bad.value.message_dict) == {"amount", "reason"}
    assert ClockExtension.objects.count() == 2 and verify.run().ok


def test_a_fine_payment_is_recorded_once_and_bad_amounts_are_refused(org):
    case = org.case()
    p = actions.record_fine_payment(by=org.zhang, case=case, amount="5000.00", paid_at=timezone.now(),
                                    channel="electronic", reference="ZF202611300001")
    assert str(p.amount) == "5000.00" and entries(case)[-1] == "cases.fine_paid"
    for amount in ("-1", "0", "12.345", "五千"):
        with pytest.raises(ValidationError) as e:
            actions.record_fine_payment(by=org.zhang, case=case, amount=amount, paid_at=timezone.now(),
                                        channel="bank", reference="X1")
        assert "amount" in e.value.message_dict
    with pytest.raises(ValidationError) as e:
        actions.record_fine_payment(by=org.zhang, case=case, amount="1", paid_at=None, channel="cash", reference="")
    assert set(e.value.message_dict) == {"paid_at", "channel", "reference"}
    assert FinePayment.objects.count() == 1 and verify.run().ok


def test_verify_names_a_suspension_edited_behind_the_actions_back_and_the_tables_refuse_deletes(org):
    case = licence(org)
    s = actions.suspend_clock(by=org.zhang, case=case, clocks=[LICENCE], reason="检测", started_at=timezone.now())
    e = actions.extend_clock(by=org.chief, case=case, clocks=[LICENCE], amount=10, reason="复杂")
    with connection.cursor() as c:
        c.execute("UPDATE cases_clocksuspension SET ended_at = started_at WHERE id = %s", [s.pk])
    problems = {(p.kind, p.where) for p in verify.run().problems}
    assert ("row_mismatch", f"cases.clocksuspension:{s.pk}") in problems
    for table, pk in (("cases_clocksuspension", s.pk), ("cases_clockextension", e.pk)):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as c:
            c.execute(f"DELETE FROM {table} WHERE id = %s", [pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as c:
        c.execute("UPDATE cases_clockextension SET amount = 30 WHERE id = %s", [e.pk])
