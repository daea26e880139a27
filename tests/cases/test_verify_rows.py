"""`lawtrail verify` proves case rows against their ledger entries: edits, rollbacks, rows written
behind the actions' back and deletions are each named."""

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from lawtrail.cases import actions
from lawtrail.cases.models import Case, Party
from lawtrail.ledger import verify
from lawtrail.ledger.appendonly import unprotect_sql

pytestmark = pytest.mark.django_db


def found():
    return {(p.kind, p.where) for p in verify.run().problems}


def sql(statement, params=()):
    with connection.cursor() as c:
        c.execute(statement, params)


def test_rows_written_by_actions_verify_clean_and_are_counted(org):
    org.case()
    report = verify.run()
    assert report.ok, report.problems
    assert report.counts["rows"] == Case.objects.count() + Party.objects.count() + 4 + len(org.everyone()) + 1


def test_a_case_title_edited_in_the_database_is_named_with_the_field(org):
    case = org.case()
    sql("UPDATE cases_case SET title = %s WHERE id = %s", ["另一个案由", case.pk])
    report = verify.run()
    [p] = report.problems
    assert p.kind == "row_mismatch" and p.where == f"cases.case:{case.pk}" and "title" in p.message


def test_a_handler_added_behind_the_actions_back_is_named(org):
    case = org.case()
    case.handlers.add(org.liu)
    assert ("row_mismatch", f"cases.case:{case.pk}") in found()


def test_a_row_rolled_back_to_an_earlier_recorded_state_is_named(org):
    case = org.case()
    old = Case.objects.filter(pk=case.pk).values("stage", "ledger_seq").get()
    actions.decide_step(by=org.chief, record_=case.steps.get(), approve=True)
    step = actions.available_steps(case)[0]
    actions.record_step(by=org.zhang, case=case, step=step.code, handlers=[org.zhang, org.li])
    sql("UPDATE cases_case SET stage = %s, ledger_seq = %s WHERE id = %s", [old["stage"], old["ledger_seq"], case.pk])
    assert ("row_stale", f"cases.case:{case.pk}") in found()


def test_a_row_created_without_an_action_is_named(org):
    p = Party.objects.create(bureau=org.bureau, kind="person", name="凭空出现的当事人")
    assert found() == {("row_unrecorded", f"cases.party:{p.pk}")}


def test_the_database_refuses_to_delete_a_case_row(org):
    party = org.party()
    with pytest.raises(DatabaseError), transaction.atomic():
        sql("DELETE FROM cases_party WHERE id = %s", [party.pk])
    assert Party.objects.filter(pk=party.pk).exists()


def test_a_row_deleted_after_the_triggers_were_dropped_is_named_and_verify_exits_1(org, capsys):
    party = org.party()
    for stmt in unprotect_sql(connection.vendor, "cases_party"):
        sql(stmt)
    sql("DELETE FROM cases_party WHERE id = %s", [party.pk])
    assert found() == {("row_missing", f"cases.party:{party.pk}")}
    with pytest.raises(SystemExit) as e:
        call_command("verify")
    assert e.value.code == 1 and f"cases.party:{party.pk}" in capsys.readouterr().out


def test_an_ordinary_payload_that_happens_to_have_rows_is_not_taken_for_a_record(org):
    from lawtrail.ledger.store import append

    append(actor="system", action="import.summary", subject="import:1", payload={"rows": {"imported": 3}})
    assert verify.run().ok
