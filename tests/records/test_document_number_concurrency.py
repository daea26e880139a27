"""Document numbers (文号) stay gapless and unique while several processes finalise at once."""

import json
import re
import subprocess
import sys

import pytest

from tests.conftest import lawtrail

WRITERS, EACH = 3, 8

SETUP = """
import django
django.setup()
from tests.factories import Org
print(Org.build().case().pk)
"""

FINALISER = """
import sys, django
django.setup()
from lawtrail.access.models import Staff
from lawtrail.cases.models import Case
from lawtrail.records import actions, catalogue
from lawtrail.records.examples import sample_values
zhang = Staff.objects.get(user__username="wenlv.zhang")
case = Case.objects.get(pk=int(sys.argv[1]))
kind = catalogue.get("penalty_decision")
for _ in range(int(sys.argv[2])):
    doc = actions.create_draft(by=zhang, case=case, kind=kind.code, values=sample_values(kind))
    actions.finalise(by=zhang, document=doc)
"""


@pytest.mark.slow
def test_concurrent_finalisers_get_consecutive_document_numbers(own_database):
    env = own_database
    assert lawtrail(env, "migrate", "-v0").returncode == 0
    setup = subprocess.run([sys.executable, "-c", SETUP], env=env, capture_output=True, text=True, timeout=300)
    assert setup.returncode == 0, setup.stderr
    case_id = setup.stdout.strip().splitlines()[-1]
    procs = [subprocess.Popen([sys.executable, "-c", FINALISER, case_id, str(EACH)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(WRITERS)]
    for p in procs:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
    dump = subprocess.run([sys.executable, "-c", "import django, json; django.setup(); "
                           "from lawtrail.records.models import Document; "
                           "print(json.dumps(list(Document.objects.values_list('number', flat=True))))"],
                          env=env, capture_output=True, text=True, timeout=300)
    serials = sorted(int(re.search(r"〕(\d+)号", n).group(1)) for n in json.loads(dump.stdout))
    assert serials == list(range(1, WRITERS * EACH + 1))
    run = lawtrail(env, "verify", "--json")
    assert run.returncode == 0 and json.loads(run.stdout)["ok"]
