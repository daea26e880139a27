"""/admin/login/ is the same login as /login/: one form, one throttle, one lockout (issue #15).
Before, an account locked on /login/ kept guessing on /admin/login/, and logging in there
cleared the lock."""

import pytest
from django.test import Client

from lawtrail.access import throttle
from tests.factories import PASSWORD, Org

pytestmark = pytest.mark.django_db


def test_the_admin_login_page_sends_to_the_one_login_page(org):
    r = Client().get("/admin/login/?next=/admin/access/staff/")
    assert r.status_code == 302 and r.url == "/login/?next=/admin/access/staff/"
    assert Client().get("/admin/").url.startswith("/admin/login/"), "and the admin's own redirect ends there too"


def test_posting_credentials_to_the_admin_login_logs_nobody_in(org):
    c = Client()
    r = c.post("/admin/login/", {"username": "wenlv.admin", "password": PASSWORD})
    assert r.status_code == 302 and r.url.startswith("/login/")
    assert "_auth_user_id" not in c.session


def test_an_account_locked_on_the_login_page_stays_locked_through_the_admin(org):
    c = Client()
    for _ in range(throttle.MAX_USER_FAILURES):
        c.post("/login/", {"username": "wenlv.admin", "password": "wrong-guess-123"})
    c.post("/admin/login/", {"username": "wenlv.admin", "password": PASSWORD})
    assert "_auth_user_id" not in c.session
    r = c.post("/login/?next=/admin/", {"username": "wenlv.admin", "password": PASSWORD})
    assert r.status_code == 200 and "已暂时锁定" in r.content.decode(), "the lock was not cleared"


def test_the_administrator_logs_in_on_the_one_page_and_lands_in_the_admin(org):
    c = Client()
    r = c.post("/login/?next=/admin/", {"username": "wenlv.admin", "password": PASSWORD, "next": "/admin/"})
    assert r.status_code == 302 and r.url == "/admin/"
    assert c.get("/admin/").status_code == 200
    assert c.get("/admin/login/").url == "/admin/"


def test_a_signed_in_officer_sent_to_the_admin_login_is_refused_not_bounced(org):
    r = Org.client_for(org.zhang).get("/admin/login/?next=/admin/")
    assert r.status_code == 403 and "系统管理员" in r.content.decode()
