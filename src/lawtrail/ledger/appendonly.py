"""Database triggers that refuse UPDATE, DELETE (and TRUNCATE on PostgreSQL) on protected tables.

Later apps protect their record tables with ``protect(table)`` in a migration. Triggers stop
mistakes and casual tampering; someone with DDL rights can drop them, which is why verify.py
recomputes everything rather than trusting them.
"""

from __future__ import annotations

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION lawtrail_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'lawtrail: % on % is refused: records are append-only (只可追加，禁止修改或删除)',
    TG_OP, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END $$;
"""


def _sql(vendor: str, table: str, allow_update: bool = False) -> list[str]:
    ops = ("DELETE",) if allow_update else ("UPDATE", "DELETE")
    if vendor == "sqlite":
        return [
            f"CREATE TRIGGER IF NOT EXISTS {table}_no_{op.lower()} BEFORE {op} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, 'lawtrail: {op} on {table} is refused: records are append-only "
            f"(只可追加，禁止修改或删除)'); END"
            for op in ops
        ]
    if vendor == "postgresql":
        return [
            PG_FUNCTION,
            f"DROP TRIGGER IF EXISTS {table}_no_change ON {table}",
            f"CREATE TRIGGER {table}_no_change BEFORE {' OR '.join(ops)} ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION lawtrail_refuse_change()",
            f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}",
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION lawtrail_refuse_change()",
        ]
    raise NotImplementedError(f"append-only triggers are not written for {vendor}")


def unprotect_sql(vendor: str, table: str) -> list[str]:
    """SQL that drops the triggers (for tests that simulate an attacker with DDL rights)."""
    if vendor == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {table}_no_{op}" for op in ("update", "delete")]
    return [f"DROP TRIGGER IF EXISTS {table}_no_{t} ON {table}" for t in ("change", "truncate")]


def protect(*tables: str, allow_update: bool = False):
    """A RunPython operation for a migration that protects ``tables``.

    ``allow_update=True`` refuses only DELETE (and TRUNCATE): for tracked rows whose state changes
    through actions and is proved against the ledger by ``tracked.check_rows``."""
    from django.db import migrations

    def forwards(apps, schema_editor):
        for table in tables:
            for stmt in _sql(schema_editor.connection.vendor, table, allow_update):
                schema_editor.execute(stmt, params=None)

    def backwards(apps, schema_editor):
        for table in tables:
            for stmt in unprotect_sql(schema_editor.connection.vendor, table):
                schema_editor.execute(stmt, params=None)

    return migrations.RunPython(forwards, backwards, elidable=False)
