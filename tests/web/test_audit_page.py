"""审计日志 (/audit/): the auditor reads his own bureau's entries only; the installation's auditor
(系统审计员) reads every bureau's and the installation's own, and can narrow them (issue #15)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lawtrail.ledger import store
from lawtrail.ledger.models import Entry
from tests.factories import Org

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_bureaus():
    org, other = Org.build(), Org.build(code="sifa", abbr="金普司法", profile="004")
    mine, theirs = org.case(title="本局案件甲"), other.case(title="他局案件乙")
    store.append(actor="system", action="rules.calendar_year_entered", subject="calendar:2027", payload={"year": 2027})
    return org, other, mine, theirs


def seqs_shown(page: str) -> set[int]:
    return {int(n) for n in re.findall(r"<tr><td>(\d+)</td>", page)}


def entries_of(bureau) -> set[int]:
    return set(Entry.objects.filter(bureau=bureau).values_list("seq", flat=True))


def test_the_auditor_sees_his_own_bureaus_entries_and_none_of_another_bureau_or_the_installation(two_bureaus):
    org, other, mine, theirs = two_bureaus
    page = Org.client_for(org.auditor).get("/audit/?page=1").content.decode()
    own = entries_of(org.bureau.pk)
    assert len(own) <= 50, "the story fits on one page"
    assert seqs_shown(page) == own
    assert not seqs_shown(page) & (entries_of(other.bureau.pk) | entries_of(None))
    assert f"案件 {mine.pk}" in page and f"案件 {theirs.pk}" not in page
    assert f"条目共 <strong>{len(own)}</strong> 条" in page


def test_the_auditor_cannot_ask_for_another_bureaus_or_the_installations_entries(two_bureaus):
    org, other, *_ = two_bureaus
    client = Org.client_for(org.auditor)
    assert client.get(f"/audit/?bureau={other.bureau.pk}").status_code == 404
    assert client.get("/audit/?bureau=installation").status_code == 404
    assert client.get(f"/audit/?bureau={org.bureau.pk}").status_code == 200
    assert client.get("/audit/?bureau=²").status_code == 404, "a digit int() refuses is no bureau, not a server error"
    assert Org.client_for(org.sys_auditor).get("/audit/?bureau=²").status_code == 404


def test_the_installation_auditor_sees_every_entry_and_narrows_them_to_a_bureau_or_the_installation(two_bureaus):
    org, other, mine, theirs = two_bureaus
    client = Org.client_for(org.sys_auditor)
    everything = client.get("/audit/").content.decode()
    newest = set(Entry.objects.order_by("-seq").values_list("seq", flat=True)[:50])
    assert seqs_shown(everything) == newest
    assert "系统级" in everything and "金普司法局" in everything and "金普文旅局" in everything
    theirs_page = client.get(f"/audit/?bureau={other.bureau.pk}").content.decode()
    assert seqs_shown(theirs_page) == entries_of(other.bureau.pk)
    installation = client.get("/audit/?bureau=installation").content.decode()
    assert seqs_shown(installation) == entries_of(None) and entries_of(None)


def test_the_page_shows_names_not_internal_codes(two_bureaus):
    org, *_ = two_bureaus
    page = Org.client_for(org.auditor).get("/audit/").content.decode()
    rows = re.sub(r"<code>.*?</code>", "", page.split("<tbody>")[1].split("</tbody>")[0], flags=re.S)  # not the content
    assert "张伟" in rows and "案件" in rows
    assert not re.search(r"\b(user|case|bureau|system):", rows)


def test_the_audit_page_costs_the_same_handful_of_queries_however_many_entries_it_shows(two_bureaus):
    org, *_ = two_bureaus
    client = Org.client_for(org.auditor)
    client.get("/audit/")
    with CaptureQueriesContext(connection) as before:
        client.get("/audit/")
    org.case()
    org.case(by=org.liu)
    with CaptureQueriesContext(connection) as after:
        client.get("/audit/")
    assert len(after) == len(before) <= 10, [q["sql"] for q in after]
