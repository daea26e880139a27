"""After ``migrate``, every table whose rows the ledger proves carries the append-only triggers of
ledger/appendonly.py: the ledger's own tables and every Recorded model's table refuse UPDATE and
DELETE, every Tracked model's table refuses DELETE (its state changes only through actions, proved
by verify) — and on PostgreSQL each also refuses TRUNCATE. The expected list is derived from the
models, so a new Tracked or Recorded table whose migration forgets ``protect()`` fails here.
The triggers are read back from the database's own catalogue (sqlite_master, pg_trigger)."""

import re

import pytest
from django.apps import apps
from django.db import connection

from lawtrail.ledger.tracked import Recorded, Tracked

pytestmark = pytest.mark.django_db

# pg_trigger.tgtype bits (PostgreSQL's trigger.h)
PG_BEFORE, PG_DELETE, PG_UPDATE, PG_TRUNCATE = 1 << 1, 1 << 3, 1 << 4, 1 << 5


def refused_operations() -> dict[str, set[str]]:
    """{table: operations a lawtrail trigger refuses before they happen}, as the database has them."""
    out: dict[str, set[str]] = {}
    with connection.cursor() as c:
        if connection.vendor == "sqlite":
            c.execute("SELECT tbl_name, sql FROM sqlite_master WHERE type = 'trigger'")
            for table, sql in c.fetchall():
                m = re.search(r"\bBEFORE (UPDATE|DELETE) ON (\w+)\b.*RAISE\(ABORT, 'lawtrail:", sql, re.S)
                if m and m.group(2) == table:
                    out.setdefault(table, set()).add(m.group(1))
        else:
            c.execute("SELECT c.relname, t.tgtype FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                      "JOIN pg_proc p ON p.oid = t.tgfoid WHERE NOT t.tgisinternal AND t.tgenabled <> 'D' "
                      "AND p.proname = 'lawtrail_refuse_change'")
            for table, kind in c.fetchall():
                if kind & PG_BEFORE:
                    ops = out.setdefault(table, set())
                    ops |= {op for bit, op in ((PG_UPDATE, "UPDATE"), (PG_DELETE, "DELETE"),
                                               (PG_TRUNCATE, "TRUNCATE")) if kind & bit}
    return out


def expected() -> dict[str, set[str]]:
    extra = {"TRUNCATE"} if connection.vendor == "postgresql" else set()
    out = {}
    for model in apps.get_models():
        if model._meta.app_label == "ledger" or issubclass(model, Recorded):
            out[model._meta.db_table] = {"UPDATE", "DELETE"} | extra
        elif issubclass(model, Tracked):
            out[model._meta.db_table] = {"DELETE"} | extra
    return out


def test_the_models_name_the_tables_that_must_be_protected():
    tables = expected()
    assert {"ledger_entry", "ledger_node", "ledger_tile", "ledger_checkpoint"} <= set(tables)
    assert tables["cases_case"] >= {"DELETE"} and "UPDATE" not in tables["cases_case"]  # tracked
    assert tables["records_version"] >= {"UPDATE", "DELETE"}                            # recorded


def test_every_protected_table_has_exactly_its_append_only_triggers_after_migrate():
    found = refused_operations()
    wrong = {table: (sorted(found.get(table, ())), sorted(want))
             for table, want in expected().items() if found.get(table, set()) != want}
    assert wrong == {}, "table: (refused now, must refuse) — add protect() to a migration"


def test_a_dropped_trigger_is_noticed():
    """The check reads the live catalogue: a table stripped of its triggers shows up."""
    from lawtrail.ledger.appendonly import unprotect_sql

    for stmt in unprotect_sql(connection.vendor, "cases_finepayment"):
        with connection.cursor() as c:
            c.execute(stmt)
    assert "cases_finepayment" not in refused_operations()
