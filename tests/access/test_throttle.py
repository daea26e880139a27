"""Many failed logins from one address slow it down with growing delays instead of locking out
everyone behind it (one NAT address for a whole office); the per-account lockout stays. The
clock is moved with tests/clock.py: nobody sleeps."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from lawtrail.access import throttle
from tests.clock import at_factory
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
OFFICE = "203.0.113.7"


@pytest.fixture
def at(monkeypatch):
    return at_factory(monkeypatch, [throttle])


def attempt(username, password="wrong-guess-123", ip=OFFICE):
    return Client(REMOTE_ADDR=ip).post("/login/", {"username": username, "password": password})


def test_the_first_failures_from_an_address_are_not_slowed(org, at):
    t0 = timezone.now()
    with at(t0):
        for i in range(throttle.FREE_IP_FAILURES):
            assert attempt(f"nobody{i}").status_code == 200
        assert attempt("wenlv.li", PASSWORD).status_code == 302


def test_an_address_past_its_free_failures_is_told_how_many_seconds_to_wait(org, at):
    t0 = timezone.now()
    with at(t0):
        for i in range(throttle.FREE_IP_FAILURES + 1):
            attempt(f"nobody{i}")
    with at(t0 + timedelta(milliseconds=500)):
        r = attempt("wenlv.li", PASSWORD)
    assert r.status_code == 429 and r["Retry-After"] == "2"
    assert "请 2 秒后再试" in r.content.decode()


def test_a_colleague_behind_the_same_address_logs_in_once_the_delay_has_passed(org, at):
    t0 = timezone.now()
    with at(t0):
        for i in range(throttle.FREE_IP_FAILURES + 1):
            attempt(f"nobody{i}")
    with at(t0 + timedelta(seconds=3)):
        assert attempt("wenlv.li", PASSWORD).status_code == 302
    assert attempt("wenlv.zhang", PASSWORD, ip="198.51.100.1").status_code == 302, "other addresses never waited"


def test_the_delay_doubles_with_each_further_failure_up_to_a_minute(org, at):
    t = timezone.now()
    waits = []
    for i in range(throttle.FREE_IP_FAILURES + 7):
        with at(t):
            assert attempt(f"nobody{i}").status_code == 200, "each attempt came after the delay"
            waits.append(throttle.wait_seconds(OFFICE))
        t += timedelta(seconds=waits[-1] + 1)
    assert waits == [0] * throttle.FREE_IP_FAILURES + [2, 4, 8, 16, 32, 60, 60]


def test_attempts_refused_during_the_delay_do_not_lengthen_it(org, at):
    t0 = timezone.now()
    with at(t0):
        for i in range(throttle.FREE_IP_FAILURES + 1):
            attempt(f"nobody{i}")
        for _ in range(20):
            assert attempt("nobody", PASSWORD).status_code == 429
    with at(t0 + timedelta(seconds=3)):
        assert attempt("wenlv.li", PASSWORD).status_code == 302


def test_the_account_lockout_still_holds_after_the_address_delay_has_passed(org, at):
    t0 = timezone.now()
    with at(t0):
        for _ in range(throttle.MAX_USER_FAILURES):
            attempt("wenlv.zhang", ip="198.51.100.9")
    with at(t0 + timedelta(minutes=5)):
        r = attempt("wenlv.zhang", PASSWORD, ip="198.51.100.10")
    assert r.status_code == 200 and "已暂时锁定" in r.content.decode()
    with at(t0 + timedelta(minutes=throttle.LOCK_MINUTES, seconds=1)):
        assert attempt("wenlv.zhang", PASSWORD, ip="198.51.100.10").status_code == 302
