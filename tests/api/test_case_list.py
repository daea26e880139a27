"""The API's case list builds only the rows of the page asked for: its queries are the same
whatever the number of cases the caller may see."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lawtrail.access import actions as access

pytestmark = pytest.mark.django_db

# Token and staff lookups, the count of matching cases, and the page's rows with their units.
QUERIES = 4


@pytest.fixture
def device(org):
    _, secret = access.issue_token(by=None, user=org.zhang.user, name="执法记录仪采集站 01")
    return Client(headers={"Authorization": f"Bearer {secret}"})


def _page(device, **params):
    with CaptureQueriesContext(connection) as queries:
        r = device.get("/api/v1/cases", {"limit": 2, **params})
    assert r.status_code == 200, r.content
    return r.json(), len(queries)


def test_a_page_of_the_case_list_costs_the_same_queries_for_3_cases_as_for_12(org, device):
    cases = [org.case() for _ in range(3)]
    small, few = _page(device)
    cases += [org.case() for _ in range(9)]
    large, many = _page(device)
    assert few == many == QUERIES
    assert small["count"] == 3 and large["count"] == 12
    assert [c["id"] for c in large["items"]] == [c.pk for c in reversed(cases)][:2]


def test_a_later_page_and_a_search_page_cost_no_more(org, device):
    cases = [org.case(title=f"无证经营{i}") for i in range(6)]
    _page(device, q="无证经营")  # whether SQLite has the trigram tables is asked once per process
    page, n = _page(device, offset=4)
    assert n == QUERIES and [c["id"] for c in page["items"]] == [cases[1].pk, cases[0].pk]
    found, n = _page(device, q="无证经营")
    assert n == QUERIES and found["count"] == 6 and len(found["items"]) == 2


def test_the_rows_built_are_those_of_the_page_only(org, device, monkeypatch):
    from lawtrail.api import api as endpoints

    [org.case() for _ in range(5)]
    built = []
    original = endpoints._case_out
    monkeypatch.setattr(endpoints, "_case_out", lambda c: built.append(c.pk) or original(c))
    page, _ = _page(device)
    assert built == [c["id"] for c in page["items"]] and len(built) == 2
