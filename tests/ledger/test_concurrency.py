"""Several processes appending at once never fork the chain or reuse a sequence number.

Real processes against a real database of their own (a file SQLite database in WAL mode, or a
fresh PostgreSQL database on the server the suite runs against), then `lawtrail verify`.
"""

import json
import os
import subprocess
import sys
import uuid
from urllib.parse import quote

import pytest
from django.conf import settings

WRITERS, EACH = 4, 60

APPENDER = """
import sys, django
django.setup()
from django.db import transaction
from lawtrail.ledger import checkpoints, store
who = sys.argv[1]
for i in range(int(sys.argv[2])):
    with transaction.atomic():
        store.append(actor=f"worker:{who}", action="ledger.concurrency_test", subject=f"w:{who}", payload={"i": i})
    if who == "0" and i % 10 == 0:
        checkpoints.issue(only_if_grown=True)
"""


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


@pytest.mark.slow
def test_concurrent_appenders_in_separate_processes_keep_one_unbroken_chain(own_database):
    env = own_database
    assert lawtrail(env, "migrate", "-v0").returncode == 0
    procs = [subprocess.Popen([sys.executable, "-c", APPENDER, str(w), str(EACH)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for w in range(WRITERS)]
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
    run = lawtrail(env, "verify", "--json")
    report = json.loads(run.stdout)
    assert run.returncode == 0 and report["ok"], report["problems"]
    assert report["size"] == WRITERS * EACH, "every append got its own sequence number, none lost"
    assert report["counts"]["entries"] == WRITERS * EACH
    assert report["counts"]["checkpoints"] >= 1
