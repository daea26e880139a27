"""check_case and ``lawtrail rules-check``: a 000 penalty case that keeps its deadlines, one that
does not, findings recomputed after every change, facts in a fixed number of queries."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from lawtrail.rules import facts as facts_mod
from lawtrail.rules import profiles
from lawtrail.rules.check import check_case

from . import helpers

pytestmark = pytest.mark.django_db


def by_rule(findings):
    return {f.rule: f for f in findings}


def test_a_penalty_case_done_by_the_book_meets_the_000_profile(org, tmp_path):
    case = helpers.penalty_case_to_decision(org, tmp_path)
    found = by_rule(check_case(case))
    for rule in ("penalty-decision-90-days", "penalty-decision-served-7-days", "interview-record",
                 "investigation-records-signed", "service-receipt", "postal-service-carrier",
                 "av-stored-within-24-hours"):
        assert found[rule].status == "met", (rule, found[rule].message)
    assert not [f for f in found.values() if f.status in ("pending", "overdue", "broken")]
    assert found["emergency-start-report"].status == "not_applicable"  # not an emergency start
    assert found["licence-decision-20-days"].status == "not_applicable"
    f = found["postal-service-carrier"]
    assert f.cite == "000（000_7020ab165d466204.txt） 第二十条第二款" and "不得选用其他快递公司" in f.text


def test_a_penalty_case_left_without_decision_is_pending_then_overdue(org):
    case = org.case()
    helpers.approve(org, case, "file_case")
    helpers.step(org, case, "interview")
    f = by_rule(check_case(case))["penalty-decision-90-days"]
    filed = case.steps.get(step="file_case").approved_at
    assert f.status == "pending" and f.due_at > filed + timedelta(days=90) >= f.due_at - timedelta(days=1)
    assert by_rule(check_case(case))["interview-record"].status == "pending"
    later = by_rule(check_case(case, now=timezone.now() + timedelta(days=91)))
    assert later["penalty-decision-90-days"].status == "overdue"


def test_findings_follow_the_facts_and_a_postal_service_by_another_courier_is_broken(org):
    case = org.case()
    decision = helpers.document(org, case, "penalty_decision")
    assert by_rule(check_case(case))["postal-service-carrier"].status == "not_applicable"
    helpers.serve(org, decision, carrier="other", receipt="SF0001")
    assert by_rule(check_case(case))["postal-service-carrier"].status == "broken"


def test_the_facts_of_a_case_take_the_same_few_queries_however_big_it_is(org, tmp_path, django_assert_max_num_queries):
    small = org.case()
    big = helpers.penalty_case_to_decision(org, tmp_path)
    for case in (small, big):
        with django_assert_max_num_queries(facts_mod.QUERIES):
            f = facts_mod.load(case)
        with django_assert_max_num_queries(0):  # evaluating reads no more
            from lawtrail.rules import profiles
            [r.evaluate(f) for r in profiles.get("000").rules]


def test_the_command_prints_every_rule_with_status_due_time_citation_and_words(org, tmp_path):
    case = org.case()
    helpers.approve(org, case, "file_case")
    out = StringIO()
    call_command("rules_check", case.number, stdout=out)
    text = out.getvalue()
    assert text.startswith(f"案件 {case.number}")
    assert "[待办] penalty-decision-90-days（严重）  期限 " in text
    assert "行政处罚法 第六十条：“行政机关应当自行政处罚案件立案之日起九十日内作出行政处罚决定。" in text
    assert "[不适用] postal-service-carrier" in text and "不得选用其他快递公司" in text
    every = len(profiles.get("000").rules)
    assert text.count("\n[") == every  # every rule of profile 000
    out = StringIO()
    call_command("rules_check", case.number, "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["profile"] == "000" and len(data["findings"]) == every
    f = next(f for f in data["findings"] if f["rule"] == "penalty-decision-90-days")
    assert f["status"] == "pending" and f["due_at"] and f["cite"] == "行政处罚法 第六十条"
    with pytest.raises(CommandError, match="没有案号"):
        call_command("rules_check", "无此案号")
