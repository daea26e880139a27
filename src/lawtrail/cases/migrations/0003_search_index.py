"""Substring indexes for the case search (cases/queries.py ``search``).

SQLite (>= 3.34): FTS5 tables with the trigram tokenizer over the 案号 and 案由 of cases and the
names of parties, kept in sync by triggers on the rows themselves — whoever writes the rows (the
actions, a bulk import) keeps the index right.

PostgreSQL: pg_trgm GIN indexes on the same columns; ``LIKE '%…%'`` uses them as it is. If the
extension cannot be created (no privilege), the migration goes on without the indexes: the search
gives the same answers, only slower.

Beware on SQLite: a later migration that makes Django rebuild ``cases_case`` or ``cases_party``
(most column changes) drops their triggers; ``search_index_sql`` must then be run again (the
search tests fail until it is).
"""

import logging
import sqlite3

from django.db import migrations, transaction

log = logging.getLogger("lawtrail")

# (FTS table, content table, indexed columns)
SQLITE_TABLES = [
    ("cases_case_fts", "cases_case", ("number", "title")),
    ("cases_party_fts", "cases_party", ("name",)),
]
PG_INDEXES = [("cases_case_number_trgm", "cases_case", "number"), ("cases_case_title_trgm", "cases_case", "title"),
              ("cases_party_name_trgm", "cases_party", "name")]


def sqlite_has_trigram() -> bool:
    return sqlite3.sqlite_version_info >= (3, 34, 0)


def search_index_sql(fts: str, table: str, columns: tuple[str, ...]) -> list[str]:
    """The FTS5 table, its three triggers and the initial fill (idempotent).

    The FTS table keeps its own copy of the text (not an external-content table): a row it misses
    or keeps too long (a flush with the triggers off, in the tests) cannot corrupt it, and the
    search checks every candidate against the row itself anyway."""
    cols = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    changed = " OR ".join(f"old.{c} IS NOT new.{c}" for c in columns)
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5({cols}, tokenize='trigram')",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_ai AFTER INSERT ON {table} BEGIN "
        f"INSERT OR REPLACE INTO {fts}(rowid, {cols}) VALUES (new.id, {new}); END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_ad AFTER DELETE ON {table} BEGIN "
        f"DELETE FROM {fts} WHERE rowid = old.id; END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_au AFTER UPDATE ON {table} WHEN {changed} BEGIN "
        f"INSERT OR REPLACE INTO {fts}(rowid, {cols}) VALUES (new.id, {new}); END",
        f"DELETE FROM {fts}",
        f"INSERT INTO {fts}(rowid, {cols}) SELECT id, {cols} FROM {table}",
    ]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        if not sqlite_has_trigram():
            log.warning("SQLite %s 不支持 trigram 分词（需要 3.34 以上）：案件搜索不建索引，结果相同但较慢",
                        sqlite3.sqlite_version)
            return
        for fts, table, columns in SQLITE_TABLES:
            for stmt in search_index_sql(fts, table, columns):
                schema_editor.execute(stmt, params=None)
    elif vendor == "postgresql":
        try:
            with transaction.atomic(using=schema_editor.connection.alias):
                schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm", params=None)
        except Exception as e:  # no privilege: same answers without the indexes
            log.warning("无法创建 pg_trgm 扩展（%s）：案件搜索不建索引，结果相同但较慢", e)
            return
        for name, table, column in PG_INDEXES:
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops)",
                                  params=None)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for fts, _table, _columns in SQLITE_TABLES:
            for suffix in ("ai", "ad", "au"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {fts}_{suffix}", params=None)
            schema_editor.execute(f"DROP TABLE IF EXISTS {fts}", params=None)
    elif vendor == "postgresql":
        for name, _table, _column in PG_INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}", params=None)


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_refuse_delete")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
