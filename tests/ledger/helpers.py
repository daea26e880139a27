"""Shared helpers for ledger tests: fill a log, and tamper with it as an attacker with SQL access would."""

from django.db import connection
from django.test import TestCase

from lawtrail.ledger import checkpoints

from lawtrail.ledger.appendonly import unprotect_sql
from lawtrail.ledger.store import append_many


def fill(n: int, *, subject: str = "case:demo-1") -> None:
    append_many({"actor": f"user:{i % 3}", "action": "cases.step_recorded", "subject": subject,
                 "payload": {"step": i, "note": f"第 {i} 步"}} for i in range(n))


def sql(statement: str, params=()) -> None:
    with connection.cursor() as c:
        c.execute(statement, params)


def drop_triggers() -> None:
    """What an attacker with DDL rights does first. Inside a test's transaction, so it is undone."""
    for table in ("ledger_entry", "ledger_node", "ledger_tile", "ledger_checkpoint"):
        for stmt in unprotect_sql(connection.vendor, table):
            sql(stmt)


def issue_witnessed():
    """Issue a checkpoint as production does: committed, then written to the witnesses. (A test runs
    inside a transaction that never commits, so the commit's callbacks are run here by hand.)"""
    with TestCase.captureOnCommitCallbacks() as after_commit:
        row = checkpoints.issue()
    for callback in after_commit:  # called directly, so that a witness that refuses raises here
        callback()
    return row
