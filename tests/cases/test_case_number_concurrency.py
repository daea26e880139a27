"""Case numbers (案号) stay gapless and unique while several processes open cases at once."""

import json
import re
import subprocess
import sys

import pytest

from tests.conftest import lawtrail

WRITERS, EACH = 4, 15

SETUP = """
import django
django.setup()
from tests.factories import Org
Org.build()
"""

OPENER = """
import sys, django
django.setup()
from lawtrail.access.models import Staff
from tests.factories import credit_code
who, n = int(sys.argv[1]), int(sys.argv[2])
zhang, li = Staff.objects.get(user__username="wenlv.zhang"), Staff.objects.get(user__username="wenlv.li")
from lawtrail.cases import actions
for i in range(n):
    party = actions.register_party(by=zhang, kind="legal_person", name=f"公司{who}-{i}", credit_code=credit_code(who * 1000 + i))
    actions.open_case(by=zhang, procedure="penalty_general", source="ex_officio", title="并发立案", summary="并发测试",
                      handlers=[zhang, li], parties=[party])
"""


@pytest.mark.slow
def test_concurrent_openers_get_consecutive_numbers_without_gaps_or_duplicates(own_database):
    env = own_database
    assert lawtrail(env, "migrate", "-v0").returncode == 0
    setup = subprocess.run([sys.executable, "-c", SETUP], env=env, capture_output=True, text=True, timeout=300)
    assert setup.returncode == 0, setup.stderr
    procs = [subprocess.Popen([sys.executable, "-c", OPENER, str(w), str(EACH)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for w in range(WRITERS)]
    for p in procs:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
    dump = subprocess.run([sys.executable, "-c", "import django, json; django.setup(); "
                           "from lawtrail.cases.models import Case; "
                           "print(json.dumps(list(Case.objects.values_list('number', flat=True))))"],
                          env=env, capture_output=True, text=True, timeout=300)
    numbers = json.loads(dump.stdout)
    serials = sorted(int(re.search(r"〕(\d+)号", n).group(1)) for n in numbers)
    assert serials == list(range(1, WRITERS * EACH + 1)), "every number used once, none skipped"
    run = lawtrail(env, "verify", "--json")
    assert run.returncode == 0 and json.loads(run.stdout)["ok"]
