"""policy.visible_case answers, for one case, exactly what visible_cases answers (the case page asks
it on every view, as one precompiled statement): for every persona and every case, the same
yes or no, the same row with its unit, and no error for a number no case can have."""

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lawtrail.access import actions as access
from lawtrail.access import policy
from lawtrail.cases.models import Case
from tests.factories import Org

pytestmark = pytest.mark.django_db


def _fields(obj) -> dict:
    return {k: v for k, v in vars(obj).items() if not k.startswith("_")}


def test_every_persona_sees_through_visible_case_exactly_the_cases_visible_cases_gives(org):
    other = Org.build(code="sifa", abbr="金普司法", profile="004")
    cases = [org.case(), org.case(by=org.liu), org.case(by=org.liu, handlers=[org.liu, org.zhang]), other.case()]
    personas = list(org.everyone().values()) + [other.zhang, other.chief]
    seen_somewhere = set()
    for s in personas:
        user = User.objects.get(pk=s.user_id)
        want = set(policy.visible_cases(user).values_list("pk", flat=True))
        for case in cases:
            got = policy.visible_case(user, case.pk)
            assert (got is not None) == (case.pk in want), (s.name, case.number)
            if got is not None:
                seen_somewhere.add(case.pk)
                orm = Case.objects.select_related("unit").get(pk=case.pk)
                assert _fields(got) == _fields(orm) and _fields(got.unit) == _fields(orm.unit)
    assert seen_somewhere == {c.pk for c in cases}  # every branch answered yes for someone


def test_a_case_is_one_query_with_its_unit(org):
    case = org.case()
    user = User.objects.get(pk=org.zhang.user_id)
    policy.visible_case(user, case.pk)  # staff_of cached, statement compiled
    with CaptureQueriesContext(connection) as q:
        got = policy.visible_case(user, case.pk)
        assert got.unit.name == "执法一中队"
    assert len(q.captured_queries) == 1


def test_an_officer_no_longer_active_sees_no_case(org):
    case = org.case()
    access.update_staff(by=org.admin, staff=org.li, active=False)
    assert policy.visible_case(User.objects.get(pk=org.li.user_id), case.pk) is None


def test_a_number_beyond_any_case_is_no_case_not_an_error(org):
    org.case()
    user = User.objects.get(pk=org.chief.user_id)
    assert policy.visible_case(user, 10**30) is None and policy.visible_case(user, -1) is None
