"""Opening cases and carrying them through their procedure: the rules an officer meets."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from lawtrail.access.policy import Denied
from lawtrail.cases import actions
from lawtrail.cases.models import Case, StepRecord
from lawtrail.ledger.models import Entry
from tests.factories import Org

pytestmark = pytest.mark.django_db


def test_a_new_case_gets_the_next_number_of_its_bureau_act_type_and_year(org):
    year = timezone.localdate().year
    first, second = org.case(), org.case()
    inspection = org.case(procedure="inspection")
    assert first.number == f"金普文旅罚〔{year}〕1号" and second.number == f"金普文旅罚〔{year}〕2号"
    assert inspection.number == f"金普文旅检〔{year}〕1号"


def test_a_rolled_back_case_gives_its_number_back_so_there_is_no_gap(org):
    party = org.party()
    with pytest.raises(RuntimeError), transaction.atomic():
        org.case(parties=[party])
        raise RuntimeError("the caller's transaction fails after the case was opened")
    assert org.case(parties=[party]).number.endswith("〕1号")


def test_another_bureau_numbers_its_cases_on_its_own(org):
    other = Org.build(code="sifa", abbr="金普司法", profile="004")
    org.case()
    assert other.case().number.startswith("金普司法罚") and other.case().number.endswith("〕2号")


def test_a_duplicate_hand_entered_number_is_refused_and_nothing_is_saved(org):
    taken = org.case().number
    party = org.party()
    before = (Case.objects.count(), Entry.objects.count())
    with pytest.raises(ValidationError) as e:
        org.case(number=taken, parties=[party])
    assert "已被使用" in e.value.message_dict["number"][0]
    assert (Case.objects.count(), Entry.objects.count()) == before


def test_allocation_skips_a_number_already_taken_by_hand(org):
    year = timezone.localdate().year
    org.case(number=f"金普文旅罚〔{year}〕1号")
    assert org.case().number == f"金普文旅罚〔{year}〕2号"


def test_opening_a_case_records_its_first_step_pending_the_heads_approval(org):
    case = org.case()
    [first] = case.steps.all()
    assert first.step == case.procedure_def.first.code and first.approval == "pending"
    assert actions.available_steps(case) == [], "nothing may follow before the filing is approved"
    entry = Entry.objects.filter(subject=f"case:{case.pk}").get()
    assert entry.action == "cases.case_opened" and entry.payload["number"] == case.number


def test_after_approval_the_investigation_steps_are_offered(org):
    case = org.case()
    first = case.steps.get()
    actions.decide_step(by=org.chief, record_=first, approve=True, opinion="同意立案")
    offered = {s.stage for s in actions.available_steps(case)}
    assert "investigation" in offered


def test_only_the_role_the_step_names_may_approve_it(org):
    first = org.case().steps.get()
    for wrong in (org.head_a, org.legal, org.zhang, org.admin, org.auditor):
        with pytest.raises(Denied):
            actions.decide_step(by=wrong, record_=first, approve=True)
    other = Org.build(code="sifa", abbr="金普司法", profile="004")
    with pytest.raises(Denied):
        actions.decide_step(by=other.chief, record_=first, approve=True)


def test_refusing_approval_needs_an_opinion_and_the_step_may_be_recorded_again(org):
    case = org.case()
    first = case.steps.get()
    with pytest.raises(ValidationError):
        actions.decide_step(by=org.chief, record_=first, approve=False)
    actions.decide_step(by=org.chief, record_=first, approve=False, opinion="证据不足，补充后再报")
    assert [s.code for s in actions.available_steps(case)] == [case.procedure_def.first.code]


def test_an_emergency_start_keeps_the_real_start_time_and_proceeds_before_approval(org):
    started = timezone.now() - timedelta(hours=6)
    case = org.case(procedure="coercive_measure", emergency=True, emergency_reason="当事人正在转移涉案物品",
                    started_at=started)
    assert case.started_at == started and case.emergency
    assert actions.available_steps(case), "先行启动: the next steps are open while approval is pending"
    first = case.steps.get()
    assert first.approval == "pending"
    actions.decide_step(by=org.chief, record_=first, approve=True)
    first.refresh_from_db()
    assert first.approved_at > started + timedelta(hours=5), "the later approval keeps its own time"


def test_an_emergency_start_needs_a_reason_and_a_time_not_in_the_future(org):
    with pytest.raises(ValidationError) as e:
        org.case(emergency=True, emergency_reason="")
    assert "emergency_reason" in e.value.message_dict
    with pytest.raises(ValidationError) as e:
        org.case(emergency=True, emergency_reason="紧急", started_at=timezone.now() + timedelta(hours=2))
    assert "不能晚于当前时间" in e.value.message_dict["started_at"][0]


def test_a_case_needs_two_officers_with_valid_certificates(org):
    with pytest.raises(ValidationError) as e:
        org.case(handlers=[org.zhang])
    assert "至少需要 2 名" in e.value.message_dict["handlers"][0]
    with pytest.raises(ValidationError) as e:
        org.case(handlers=[org.zhang, org.yang])
    assert "已于" in e.value.message_dict["handlers"][0] and "过期" in e.value.message_dict["handlers"][0]
    with pytest.raises(ValidationError) as e:
        org.case(handlers=[org.zhang, org.legal])
    assert "不是持有执法证的执法人员" in e.value.message_dict["handlers"][0]
    assert not Case.objects.exists()


def _approved_case(org):
    case = org.case()
    actions.decide_step(by=org.chief, record_=case.steps.get(), approve=True)
    return case


def test_an_investigation_step_needs_two_officers_and_a_recorder_with_a_valid_certificate(org):
    case = _approved_case(org)
    step = next(s for s in actions.available_steps(case) if s.handlers >= 2)
    with pytest.raises(ValidationError):
        actions.record_step(by=org.zhang, case=case, step=step.code, handlers=[org.zhang])
    case.handlers.add(org.yang)
    with pytest.raises(ValidationError) as e:
        actions.record_step(by=org.yang, case=case, step=step.code, handlers=[org.zhang, org.li])
    assert "过期" in str(e.value)
    r = actions.record_step(by=org.zhang, case=case, step=step.code, handlers=[org.zhang, org.li], note="询问当事人")
    assert set(r.handlers.all()) == {org.zhang, org.li}
    case.refresh_from_db()
    assert case.stage == "investigation"


def test_a_step_that_is_not_offered_cannot_be_recorded(org):
    case = org.case()
    last = case.procedure_def.steps[-1].code
    with pytest.raises(ValidationError):
        actions.record_step(by=org.zhang, case=case, step=last, handlers=[org.zhang, org.li])


def test_nobody_outside_the_bureau_can_record_on_its_case(org):
    case = _approved_case(org)
    other = Org.build(code="sifa", abbr="金普司法", profile="004")
    step = actions.available_steps(case)[0]
    with pytest.raises(Denied):
        actions.record_step(by=other.zhang, case=case, step=step.code, handlers=[other.zhang, other.li])


def test_a_case_with_a_party_of_another_bureau_is_refused(org):
    other = Org.build(code="sifa", abbr="金普司法", profile="004")
    with pytest.raises(ValidationError) as e:
        org.case(parties=[other.party()])
    assert "当事人不属于本机关" in e.value.message_dict["parties"][0]


def test_roles_that_do_not_handle_cases_cannot_open_one(org):
    for s in (org.admin, org.auditor, org.supervisor, org.records, org.chief):
        with pytest.raises(Denied):
            org.case(by=s, handlers=[org.zhang, org.li], parties=[org.party()])


def test_a_case_walks_to_its_end_and_closes(org):
    case = org.case(procedure="penalty_simple")
    by_role = {s.role: s for s in org.everyone().values() if s.unit_id in (None, org.team_a.pk, org.legal_unit.pk)}
    for _ in range(40):
        case.refresh_from_db()
        pending = case.steps.filter(approval="pending").first()
        if pending:
            actions.decide_step(by=by_role[pending.step_def.approver], record_=pending, approve=True)
            continue
        offered = actions.available_steps(case)
        if not offered:
            break
        actions.record_step(by=org.zhang, case=case, step=offered[0].code, handlers=[org.zhang, org.li])
    case.refresh_from_db()
    assert case.status == "closed" and case.stage == "archiving"
    assert actions.available_steps(case) == []
    assert StepRecord.objects.filter(case=case).count() >= 3
