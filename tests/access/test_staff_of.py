"""policy.staff_of reads the staff row in one hand-written statement (every page asks it): it must
give what the ORM gives, typed as the ORM types it, and nothing for staff no longer active."""

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lawtrail.access import actions as access
from lawtrail.access import policy
from lawtrail.access.models import Staff

pytestmark = pytest.mark.django_db


def _fields(obj) -> dict:
    return {k: v for k, v in vars(obj).items() if k != "_state"}


def test_staff_of_gives_every_persona_the_row_the_orm_gives_with_bureau_and_unit_in_one_query(org):
    for s in org.everyone().values():
        user = User.objects.get(pk=s.user_id)
        with CaptureQueriesContext(connection) as q:
            got = policy.staff_of(user)
            bureau, unit = got.bureau, got.unit
        assert len(q.captured_queries) == 1
        want = Staff.objects.select_related("bureau", "unit").get(pk=s.pk)
        assert _fields(got) == _fields(want)
        assert [type(v) for v in _fields(got).values()] == [type(v) for v in _fields(want).values()]
        assert _fields(bureau) == _fields(want.bureau)
        assert (unit and _fields(unit)) == (want.unit and _fields(want.unit))
        assert not got._state.adding and got._state.db == "default"


def test_staff_no_longer_active_are_nobody(org):
    access.update_staff(by=org.admin, staff=org.li, active=False)
    user = User.objects.get(pk=org.li.user_id)
    assert policy.staff_of(user) is None
    assert not policy.visible_cases(user).exists()
