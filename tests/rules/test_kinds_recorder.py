"""001 第五条第二款 “谁执法、谁记录”: a step is recorded by one of its own 执法人员 (rule
recorder-among-handlers, a warning of the 001 profile only)."""

import pytest

from lawtrail.cases import actions as cases
from lawtrail.rules import facts as facts_mod
from lawtrail.rules import profiles

from ..factories import Org
from . import helpers

pytestmark = pytest.mark.django_db
RULE = "recorder-among-handlers"


@pytest.fixture
def transport():
    return Org.build(code="jiaotong", abbr="金普交通", profile="001")


def finding(case):
    return profiles.get("001").rule(RULE).evaluate(facts_mod.load(case))


def test_steps_recorded_by_their_own_officers_meet_the_rule(transport):
    case = transport.case()  # 张伟 opens it with himself and 李 as the 执法人员
    helpers.approve(transport, case, "file_case")
    cases.record_step(by=transport.li, case=case, step="interview", handlers=[transport.zhang, transport.li])
    f = finding(case)
    assert f.status == "met" and f.severity == "warning" and "001" in f.cite


def test_a_step_recorded_by_someone_who_did_not_take_part_is_broken_and_named(transport):
    case = transport.case()
    helpers.approve(transport, case, "file_case")
    r = cases.record_step(by=transport.zhang, case=case, step="interview", handlers=[transport.liu, transport.chen])
    f = finding(case)
    assert f.status == "broken" and f.records == (f"step:{r.pk}",) and "谁执法、谁记录" in f.message


def test_only_the_transport_bureau_s_regulation_says_so():
    assert RULE in {r.id for r in profiles.get("001").rules}
    assert all(RULE not in {r.id for r in profiles.get(p).rules} for p in ("000", "002", "003", "004"))
