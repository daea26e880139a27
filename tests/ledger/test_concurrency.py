"""Several processes appending at once never fork the chain or reuse a sequence number.

Real processes against a real database of their own (a file SQLite database in WAL mode, or a
fresh PostgreSQL database on the server the suite runs against), then `lawtrail verify`.
"""

import json
import subprocess
import sys

import pytest

from tests.conftest import lawtrail

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
