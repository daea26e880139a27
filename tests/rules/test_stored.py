"""Stored findings (rules.stored, rules.sources): every change of a fact marks the case's result
stale in the change's own transaction; a stale, expired or other-engine result is recomputed on
read; a result computed from facts that changed meanwhile is never kept; batches cost a fixed
number of queries."""

import re
from datetime import timedelta

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lawtrail.access import actions as access
from lawtrail.cases import actions as cases
from lawtrail.cases.models import Case
from lawtrail.media import actions as media
from lawtrail.records import actions as records
from lawtrail.rules import actions as rules_actions
from lawtrail.rules import facts as facts_mod
from lawtrail.rules import jobs, sources, stored
from lawtrail.rules.models import CaseCheck, DueFinding

from . import helpers

pytestmark = pytest.mark.django_db


def is_fresh(case) -> bool:
    return CaseCheck.objects.filter(stored.fresh(timezone.now()), case_id=case.pk).exists()


def by_rule(result):
    return {f.rule: f for f in result.findings}


def test_every_model_load_many_reads_is_a_source_whose_changes_mark_the_case(org, tmp_path):
    """A new source of facts (a query in facts.load_many) must be registered in rules/sources.py,
    or its changes would leave stale findings standing: this test names the forgotten table."""
    full = helpers.penalty_case_to_decision(org, tmp_path)
    enforcing = org.case(procedure="compulsory_execution")
    helpers.document(org, enforcing, "demand_notice")
    with CaptureQueriesContext(connection) as ctx:
        facts_mod.load_many(Case.objects.filter(pk__in=[full.pk, enforcing.pk]))
    tables = {t for q in ctx.captured_queries for t in re.findall(r'(?:FROM|JOIN)\s+"(\w+)"', q["sql"])}
    by_table = {m._meta.db_table: m._meta.label_lower for m in apps.get_models(include_auto_created=True)}
    read = {by_table[t] for t in tables}
    assert read - set(sources.SOURCES) == set()
    assert {"cases.steprecord", "records.signature", "media.remotework", "rules.calendaroverride"} <= read


def test_each_kind_of_change_marks_the_result_stale_and_the_next_read_shows_it(org, tmp_path):
    case = org.case()
    steps = [
        ("the step approved", lambda: helpers.approve(org, case, "file_case")),
        ("a step recorded", lambda: cases.record_step(by=org.zhang, case=case, step="interview",
                                                      handlers=[org.zhang, org.li])),
        ("a document finalised", lambda: helpers.document(org, case, "interview_record")),
        ("a signature", lambda: records.sign(by=org.zhang, version=case.documents.get().versions.get(),
                                             role="handlers", method="electronic")),
        ("a refusal", lambda: records.refuse(by=org.zhang, version=case.documents.get().versions.get(), name="王某",
                                             reason="当事人拒绝签名", witnesses=["李某"])),
        ("a service", lambda: helpers.serve(org, helpers.document(org, case, "penalty_decision"))),
        ("an AV record", lambda: helpers.av(org, case, tmp_path, hours_ago=30)),
        ("a remote-work declaration", lambda: media.declare_remote_work(
            by=org.zhang, staff=org.zhang, kind="away", started_at=timezone.now() - timedelta(hours=40),
            returned_at=timezone.now() - timedelta(hours=20), reason="偏远山区执法，无法及时上传")),
        ("a calendar override", lambda: rules_actions.set_calendar_override(
            by=None, day=timezone.localdate() + timedelta(days=400), is_workday=True, reason="调休通知")),
        ("a signer's certificate changed", lambda: access.update_staff(
            by=None, staff=org.zhang, certificate_valid_until=timezone.localdate() + timedelta(days=30))),
    ]
    for what, change in steps:
        stored.result(case)
        assert is_fresh(case), what
        change()
        assert not is_fresh(case), f"{what} left the stored result fresh"
    found = by_rule(stored.result(case))
    assert is_fresh(case)
    assert found["interview-record"].status == "met" and found["av-stored-within-24-hours"].status == "met"


def test_the_mark_belongs_to_the_change_s_transaction(org):
    case = org.case()
    stored.result(case)
    before = CaseCheck.objects.get(case=case).generation
    with pytest.raises(RuntimeError), transaction.atomic():
        helpers.approve(org, case, "file_case")
        assert CaseCheck.objects.get(case=case).generation > before  # marked with the change, not after
        raise RuntimeError("the action fails after writing")
    assert CaseCheck.objects.get(case=case).generation == before and is_fresh(case)  # neither happened


def test_a_result_computed_from_facts_that_changed_meanwhile_is_not_kept(org, monkeypatch):
    case = org.case()
    helpers.approve(org, case, "file_case")
    load_many = facts_mod.load_many
    calls = []

    def load_then_change(cases_, now=None):
        found = load_many(cases_, now)
        if not calls:  # the officer records the interview while the first computation runs
            helpers.step(org, case, "interview")
        calls.append(1)
        return found

    monkeypatch.setattr(stored.facts_mod, "load_many", load_then_change)
    result = stored.result(case)
    assert len(calls) == 2  # the first result missed its generation: computed again
    assert by_rule(result)["interview-record"].status == "pending"  # the interview is in it
    row = CaseCheck.objects.get(case=case)
    assert row.checked_generation == row.generation
    assert by_rule(stored.result(case))["interview-record"].status == "pending"


def test_a_pending_deadline_expires_at_its_due_time_and_is_recomputed_as_overdue(org, monkeypatch):
    case = org.case(emergency=True, emergency_reason="当事人正在转移涉案物品",
                    started_at=timezone.now() - timedelta(hours=23))
    f = by_rule(stored.result(case))["emergency-start-report"]
    assert f.status == "pending"
    assert CaseCheck.objects.get(case=case).valid_until == f.due_at
    assert list(DueFinding.objects.filter(case=case).values_list("rule", "status")) == [("emergency-start-report", "pending")]
    later = timezone.now() + timedelta(hours=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert not is_fresh(case)
    assert by_rule(stored.result(case))["emergency-start-report"].status == "overdue"
    assert list(DueFinding.objects.filter(case=case).values_list("status", flat=True)) == ["overdue"]


def test_a_result_of_other_profiles_or_rule_code_is_recomputed(org):
    case = org.case()
    stored.result(case)
    CaseCheck.objects.filter(case=case).update(engine="an-older-deployment")
    assert not is_fresh(case) and list(stored.stale(Case.objects.all())) == [case]
    stored.result(case)
    assert CaseCheck.objects.get(case=case).engine == stored.engine()


def test_a_case_s_stored_findings_and_record_names_are_those_computed_from_its_facts(org, tmp_path):
    case = helpers.penalty_case_to_decision(org, tmp_path)
    first = stored.result(case)  # computed
    again = stored.result(case)  # read back
    assert [(f.rule, f.status, f.message, f.due_at, f.records, f.severity, f.cite, f.text) for f in again.findings] == \
           [(f.rule, f.status, f.message, f.due_at, f.records, f.severity, f.cite, f.text) for f in first.findings]
    assert again.names == first.names and any(label.startswith("文书：《询问(调查)笔录》") for label, _ in again.names.values())


def test_a_re_check_that_changes_nothing_keeps_the_stored_findings_and_a_change_rewrites_them(org):
    case = org.case()
    helpers.approve(org, case, "file_case")  # filed: the decision's 90 days are pending, with a due time
    stored.result(case)
    row, due = CaseCheck.objects.get(case=case), list(DueFinding.objects.filter(case=case).values_list("pk", "rule"))
    assert due
    sources.mark(Case.objects.filter(pk=case.pk))  # what a calendar override does: nothing of the case changed
    stored.refresh_stale()
    again = CaseCheck.objects.get(case=case)
    assert again.findings == row.findings and again.checked_generation == again.generation > row.generation
    assert list(DueFinding.objects.filter(case=case).values_list("pk", "rule")) == due  # the same rows, kept
    helpers.step(org, case, "interview")  # a change of its facts: an interview without its record
    stored.refresh_stale()
    changed = CaseCheck.objects.get(case=case)
    assert changed.findings != row.findings and is_fresh(case)
    assert by_rule(stored.result(case)) == by_rule(stored.refresh([case.pk])[case.pk])


def test_a_rule_that_cannot_apply_to_the_case_s_procedure_is_not_applicable_and_its_finding_is_shared(org):
    licence, penalty = org.case(procedure="licence"), org.case()
    found = stored.refresh([licence.pk, penalty.pk])
    interview = [by_rule(found[c.pk])["interview-record"] for c in (licence, penalty)]
    assert interview[0].status == interview[1].status == "not_applicable"
    assert interview[0].message == "本案不适用该规则" and interview[1].message == "本案未记录该环节"  # a licence has no interview
    with pytest.raises(AttributeError):
        interview[0].message = "x"  # one finding serves every licence case: nobody may change it
    assert by_rule(stored.result(licence))["interview-record"].message == "本案不适用该规则"  # stored as such, read back


def test_recomputing_a_batch_loads_its_facts_in_a_fixed_number_of_queries(org):
    made = [org.case() for _ in range(6)]
    for c in made[:3]:
        helpers.approve(org, c, "file_case")

    def cost(n):
        CaseCheck.objects.all().delete()
        with CaptureQueriesContext(connection) as ctx:
            stored.refresh([c.pk for c in made[:n]])
        return len(ctx.captured_queries)

    # the rows' generations (+ creating the missing rows, read again), facts.load_many, then in one
    # transaction the generations read again, the conditional UPDATEs as one statement and the due
    # findings replaced: the same statements for 2 cases or 6
    assert cost(6) == cost(2) <= 4 + facts_mod.QUERIES + 4


def test_the_background_round_recomputes_what_is_stale_and_one_round_runs_at_a_time(org):
    made = [org.case() for _ in range(3)]
    assert len(stored.stale(Case.objects.all())) == 3
    assert jobs.run_round()["recomputed"] == 3 and not stored.stale(Case.objects.all()).exists()
    assert jobs.run_round()["recomputed"] == 0
    helpers.approve(org, made[1], "file_case")
    assert jobs.run_round()["recomputed"] == 1
    assert jobs.claim()
    assert jobs.run_round() is None  # held by another worker
    jobs.release()
    assert jobs.run_round() is not None


def test_serving_a_decision_marks_the_compulsory_execution_cases_that_enforce_it(org):
    """facts.load_many reads, for a compulsory-execution case, the services of the decision it
    enforces, made in another case: serving that decision makes their results stale too."""
    from lawtrail.records import catalogue
    from lawtrail.records.examples import sample_values

    penalty = org.case()
    decision = helpers.document(org, penalty, "penalty_decision")
    enforcing, other = org.case(procedure="compulsory_execution"), org.case()
    kind = catalogue.get("demand_notice")
    draft = records.create_draft(by=org.zhang, case=enforcing, kind=kind.code,
                                 values=sample_values(kind) | {"decision_number": decision.document.number})
    records.finalise(by=org.zhang, document=draft)
    stored.results([enforcing, other])
    helpers.serve(org, decision)
    assert not is_fresh(enforcing) and is_fresh(other)
