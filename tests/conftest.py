import os
import subprocess
import sys
import uuid
from urllib.parse import quote

import chinese_calendar
import pytest
from django.conf import settings

from lawtrail.ledger import keys, store

from .calendars import PLAIN_WEEK_YEARS


@pytest.fixture(autouse=True)
def _own_keys(settings, tmp_path):
    """Each test signs with keys of its own, created on first use like at first start."""
    settings.LAWTRAIL_KEYS_DIR = tmp_path / "keys"
    settings.LAWTRAIL_WITNESS_DIR = tmp_path / "witness"  # checkpoints witnessed by one test stay its own
    # Personas are built per test; PBKDF2's deliberate slowness would dominate the suite.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    keys.load.cache_clear()
    store.forget_cached_tree()
    yield
    keys.load.cache_clear()
    store.forget_cached_tree()


@pytest.fixture
def media_in_tmp(settings, tmp_path):
    """AV originals kept in the test's own directory, on the filesystem store."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.LAWTRAIL_MEDIA_STORE = "filesystem"


# Years the calendar package does not publish yet: see tests/calendars.py.
@pytest.fixture(autouse=True, scope="session")
def _plain_week_for_years_not_yet_published():
    official = chinese_calendar.is_workday

    def is_workday(day):
        if day.year in PLAIN_WEEK_YEARS:
            return day.weekday() < 5
        return official(day)

    with pytest.MonkeyPatch.context() as m:
        m.setattr(chinese_calendar, "is_workday", is_workday)
        yield


def _drop_triggers(conn) -> list[str]:
    """Drop lawtrail's append-only triggers; return the statements that recreate them."""
    with conn.cursor() as c:
        if conn.vendor == "sqlite":
            c.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
            found = c.fetchall()
            for name, _ in found:
                c.execute(f'DROP TRIGGER "{name}"')
            return [ddl for _, ddl in found]
        c.execute("SELECT t.tgname, c.relname, pg_get_triggerdef(t.oid) FROM pg_trigger t "
                  "JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal")
        found = c.fetchall()
        for name, table, _ in found:
            c.execute(f'DROP TRIGGER "{name}" ON "{table}"')
        return [ddl for _, _, ddl in found]


@pytest.fixture(autouse=True, scope="session")
def _flush_past_append_only_triggers():
    """Transactional tests (live_server, multi-process) empty the tables between tests with
    Django's flush, which the append-only triggers rightly refuse. Only there, drop the triggers
    around the flush and put them back at once; production code never flushes."""
    from django.db.backends.base.operations import BaseDatabaseOperations

    original = BaseDatabaseOperations.execute_sql_flush

    def execute_sql_flush(self, sql_list):
        recreate = _drop_triggers(self.connection)
        try:
            original(self, sql_list)
        finally:
            with self.connection.cursor() as c:
                for ddl in recreate:
                    c.execute(ddl)

    BaseDatabaseOperations.execute_sql_flush = execute_sql_flush
    yield
    BaseDatabaseOperations.execute_sql_flush = original


@pytest.fixture
def own_database(tmp_path):
    """Environment for child processes pointing at an empty database of the suite's kind."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "lawtrail.settings", "LAWTRAIL_DATA_DIR": str(tmp_path / "var"),
           "LAWTRAIL_DATABASE_URL": ""}
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        yield env
        return
    import psycopg

    name = f"lawtrail_conc_{uuid.uuid4().hex[:8]}"
    admin = dict(host=db["HOST"], port=db["PORT"] or 5432, user=db["USER"], password=db["PASSWORD"], dbname="postgres")
    with psycopg.connect(**admin, autocommit=True) as c:
        c.execute(f'CREATE DATABASE "{name}"')
    env["LAWTRAIL_DATABASE_URL"] = (f"postgres://{quote(db['USER'])}:{quote(db['PASSWORD'] or '')}"
                                    f"@{db['HOST']}:{db['PORT'] or 5432}/{name}")
    try:
        yield env
    finally:
        with psycopg.connect(**admin, autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def lawtrail(env, *args):
    return subprocess.run([sys.executable, "-m", "lawtrail.cli", *args], env=env, capture_output=True, text=True,
                          timeout=300)


@pytest.fixture
def org():
    """A bureau with its personas (tests/factories.py): 张伟 and 李娜 of team A, their heads, the legal
    reviewer, the agency head, the custodian, the supervisor, the auditor and the administrator."""
    from tests.factories import Org

    return Org.build()
