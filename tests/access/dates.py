"""The access requests' tests (tests/access/test_access_requests.py, tests/rules/test_kinds_access.py)
share one calendar: a request received on Monday 21 September 2026, whose 20 working days skip 中秋节
(25 Sep) and 国庆节 (1–7 Oct), count the 调休 Saturday 10 Oct and end with Monday 26 Oct (due
27 Oct 00:00); 40 end with Monday 23 Nov (due 24 Nov 00:00). Import the fixtures ``at`` (acting at
a given time) and ``case`` (a case opened 20 days before the request) from here."""

from datetime import datetime, timedelta

import pytest

from lawtrail.access import requests
from lawtrail.cases import actions as cases
from lawtrail.rules.calendar import BEIJING
from tests.clock import at_factory

RECEIVED = datetime(2026, 9, 21, 10, 0, tzinfo=BEIJING)
DUE_20 = datetime(2026, 10, 27, 0, 0, tzinfo=BEIJING)
DUE_40 = datetime(2026, 11, 24, 0, 0, tzinfo=BEIJING)


@pytest.fixture
def at(monkeypatch):
    return at_factory(monkeypatch, (requests, cases))


@pytest.fixture
def case(org, at):
    with at(RECEIVED - timedelta(days=20)):
        return org.case()
