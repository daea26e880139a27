"""Rules over documents' contents: fields the catalogue leaves optional, the simple procedure's
limits (行政处罚法 第五十一条), and the case file archived within 30 days of the act's end."""

from datetime import timedelta

import pytest
from django.utils import timezone

from lawtrail.cases import actions as cases
from lawtrail.records import actions as records
from lawtrail.records import catalogue
from lawtrail.records.examples import sample_values
from lawtrail.rules import facts as facts_mod
from lawtrail.rules import profiles
from tests.factories import resident_id

from . import helpers

pytestmark = pytest.mark.django_db


def receipt(org, case, **service):
    """A 送达回证 drafted from a service of the case's decision, changed by ``values`` and finalised."""
    decision = helpers.document(org, case, "penalty_decision")
    s = helpers.serve(org, decision, **service)
    doc = records.draft_service_receipt(by=org.zhang, service=s)
    return s, doc


def test_left_at_residence_needs_the_reason_and_witness_on_the_receipt(org):
    rule = profiles.get("000").rule("left-at-residence-receipt")
    case = org.case()
    assert rule.evaluate(facts_mod.load(case)).status == "not_applicable"
    _, doc = receipt(org, case, method="left_at_residence", carrier="", receipt="留置过程录像", witnesses=[])
    v = records.finalise(by=org.zhang, document=doc)
    f = rule.evaluate(facts_mod.load(case))
    assert f.status == "broken" and f.records == (f"version:{v.pk}",)
    assert "拒收事由、见证人" in f.message and "记明拒收事由和日期" in f.text
    other = org.case()
    _, doc = receipt(org, other, method="left_at_residence", carrier="", receipt="", witnesses=["赵社区主任"])
    records.update_draft(by=org.zhang, document=doc, values=doc.draft_values | {"refusal_reason": "当事人拒绝签收"})
    records.finalise(by=org.zhang, document=doc)
    assert rule.evaluate(facts_mod.load(other)).status == "met"


def test_a_direct_service_is_not_asked_for_a_witness_and_postal_needs_the_voucher(org):
    case = org.case()
    _, doc = receipt(org, case, method="direct", carrier="", receipt="")
    records.finalise(by=org.zhang, document=doc)
    f = facts_mod.load(case)
    assert profiles.get("000").rule("left-at-residence-receipt").evaluate(f).status == "not_applicable"
    assert profiles.get("000").rule("postal-service-voucher").evaluate(f).status == "not_applicable"
    _, doc = receipt(org, case)  # EMS, the 邮件号 carried onto the receipt
    records.finalise(by=org.zhang, document=doc)
    assert profiles.get("000").rule("postal-service-voucher").evaluate(facts_mod.load(case)).status == "met"
    _, doc = receipt(org, case)
    records.update_draft(by=org.zhang, document=doc, values=doc.draft_values | {"tracking_number": ""})
    records.finalise(by=org.zhang, document=doc)
    f = profiles.get("000").rule("postal-service-voucher").evaluate(facts_mod.load(case))
    assert f.status == "broken" and "付邮凭证号" in f.message


def simple_case(org, fine=None, penalty="罚款", party_kind="legal_person"):
    party = org.party(kind=party_kind, name="王某" if party_kind == "person" else "大连某文化有限公司",
                      **({"id_number": resident_id(), "credit_code": ""} if party_kind == "person" else {}))
    case = org.case(procedure="penalty_simple", parties=[party])
    helpers.step(org, case, "hear_party")
    helpers.step(org, case, "decide_on_spot")
    k = catalogue.get("on_spot_penalty_decision")
    values = sample_values(k) | {"penalty": penalty} | ({"fine": fine} if fine else {})
    values["party"] = records.prefill(case, k)["party"]
    doc = records.create_draft(by=org.zhang, case=case, kind=k.code, values=values)
    return case, records.finalise(by=org.zhang, document=doc)


@pytest.mark.parametrize("party_kind, fine, penalty, status", [
    ("legal_person", "3000.00", "罚款", "met"),
    ("legal_person", "3000.01", "罚款", "broken"),
    ("other_org", "2500.00", "罚款", "met"),
    ("person", "200.00", "罚款", "met"),
    ("person", "201.00", "罚款", "broken"),
    ("person", None, "警告", "met"),
    ("person", None, "责令停业", "broken"),
])
def test_a_decision_on_the_spot_stays_within_article_51(org, party_kind, fine, penalty, status):
    rule = profiles.get("000").rule("simple-procedure-limits")
    case, v = simple_case(org, fine, penalty, party_kind)
    f = rule.evaluate(facts_mod.load(case))
    assert f.status == status, f.message
    if status == "broken":
        assert f.records == (f"version:{v.pk}",) and f.cite == "行政处罚法 第五十一条"


def test_a_general_procedure_case_is_not_held_to_the_on_spot_limits(org):
    rule = profiles.get("000").rule("simple-procedure-limits")
    assert rule.evaluate(facts_mod.load(org.case())).status == "not_applicable"


def test_the_simple_procedure_statement_record_must_say_whether_the_defence_was_adopted(org):
    rule = profiles.get("000").rule("simple-procedure-statement-review")
    case = org.case(procedure="penalty_simple")
    helpers.step(org, case, "hear_party")
    v = helpers.document(org, case, "statement_defence_record")
    f = rule.evaluate(facts_mod.load(case))
    assert f.status == "broken" and "复核及处理" in f.message and f.records == (f"version:{v.pk}",)
    doc = records.start_correction(by=org.zhang, document=v.document)
    records.update_draft(by=org.zhang, document=doc, values=v.values | {"review": "当事人陈述的事实与证据不符，不予采纳"})
    records.finalise(by=org.zhang, document=doc, reason="补记复核意见")
    assert rule.evaluate(facts_mod.load(case)).status == "met"
    general = org.case()  # the same record in a general-procedure case is not held to this rule
    helpers.document(org, general, "statement_defence_record")
    assert rule.evaluate(facts_mod.load(general)).status == "not_applicable"


def archived(org, ended_days_ago: int, archive: bool = True):
    """A simple-procedure case whose act ended (备案) ``ended_days_ago`` days ago, archived now."""
    start = timezone.now() - timedelta(days=ended_days_ago, hours=2)
    case = org.case(procedure="penalty_simple", emergency=True, emergency_reason="当场发现违法行为", started_at=start)
    for code in ("hear_party", "decide_on_spot", "deliver"):
        helpers.step(org, case, code)
    cases.record_step(by=org.zhang, case=case, step="report_to_agency", handlers=[org.zhang],
                      occurred_at=timezone.now() - timedelta(days=ended_days_ago))
    if archive:
        cases.record_step(by=org.zhang, case=case, step="archive", handlers=[])
    return case


@pytest.mark.parametrize("profile", ["000", "001", "002", "003", "004"])
def test_the_case_file_is_archived_within_30_days_of_the_act_s_end(org, profile):
    rule = profiles.get(profile).rule("archived-within-30-days")
    f = rule.evaluate(facts_mod.load(archived(org, 29)))
    assert f.status == "met" and f.cite.startswith(profile), f.message
    f = rule.evaluate(facts_mod.load(archived(org, 31)))
    assert f.status == "broken" and "30日" in f.message
    f = rule.evaluate(facts_mod.load(archived(org, 2, archive=False)))
    assert f.status == "pending" and f.due_at is not None
    f = rule.evaluate(facts_mod.load(archived(org, 40, archive=False)))
    assert f.status == "overdue"


def test_the_act_ends_with_the_last_step_before_archiving_not_at_an_earlier_service(org):
    case = org.case(procedure="penalty_simple")
    for code in ("hear_party", "decide_on_spot", "deliver"):
        helpers.step(org, case, code)
    assert facts_mod.load(case).value("act.ended_at") == (None, None)  # delivered, not yet reported
    r = helpers.step(org, case, "report_to_agency", [org.zhang])
    assert facts_mod.load(case).value("act.ended_at") == (r.occurred_at, f"step:{r.pk}")
