"""Staff log in; every login, logout and failure is a ledger entry; repeated failures lock the
account; idle sessions end."""

import json
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone

from lawtrail.access import throttle
from lawtrail.ledger.models import Entry
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def last_entry():
    e = Entry.objects.order_by("-seq").first()
    return e.action, json.loads(e.body)["payload"]


def login(client, username, password=PASSWORD):
    return client.post("/login/", {"username": username, "password": password})


def test_an_anonymous_visitor_is_sent_to_the_login_page(client):
    r = client.get("/")
    assert r.status_code == 302 and r.url.startswith("/login/")


def test_a_successful_login_is_a_ledger_entry(client, org):
    assert login(client, "wenlv.zhang").status_code == 302
    action, payload = last_entry()
    assert action == "auth.logged_in" and payload["username"] == "wenlv.zhang"


def test_a_failed_login_is_a_ledger_entry_without_the_password(client, org):
    r = login(client, "wenlv.zhang", "wrong-guess-123")
    assert r.status_code == 200 and "用户名或密码不正确" in r.content.decode()
    action, payload = last_entry()
    assert action == "auth.login_failed" and payload["username"] == "wenlv.zhang"
    assert "wrong-guess-123" not in Entry.objects.order_by("-seq").first().body


def test_logging_out_is_a_ledger_entry(client, org):
    client.force_login(org.zhang.user)
    client.post("/logout/")
    assert last_entry()[0] == "auth.logged_out"


def test_five_failures_lock_the_account_even_against_the_right_password(client, org):
    for _ in range(throttle.MAX_USER_FAILURES):
        login(client, "wenlv.zhang", "wrong-guess-123")
    r = login(client, "wenlv.zhang")
    assert r.status_code == 200 and "已暂时锁定" in r.content.decode()
    assert "_auth_user_id" not in client.session
    assert last_entry()[0] == "auth.login_locked"
    assert login(client, "wenlv.li").status_code == 302, "another account from elsewhere is not locked"


def test_a_successful_login_resets_the_failure_count(client, org):
    for _ in range(throttle.MAX_USER_FAILURES - 1):
        login(client, "wenlv.zhang", "wrong-guess-123")
    assert login(client, "wenlv.zhang").status_code == 302
    client.post("/logout/")
    login(client, "wenlv.zhang", "wrong-guess-123")
    assert login(client, "wenlv.zhang").status_code == 302


def test_many_failures_from_one_address_slow_it_down(client, org):
    for i in range(throttle.FREE_IP_FAILURES + 1):
        login(client, f"nobody{i}", "wrong-guess-123")
    r = login(client, "wenlv.li")
    assert r.status_code == 429 and "秒后再试" in r.content.decode()


def test_sessions_expire_when_idle_and_are_renewed_by_use(client, org):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    client.force_login(org.zhang.user)
    key = client.session.session_key
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + timedelta(minutes=1))
    assert client.get("/").status_code == 200
    renewed = Session.objects.get(session_key=key).expire_date
    assert renewed > timezone.now() + timedelta(minutes=29), "use pushes the expiry out again"
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    r = client.get("/")
    assert r.status_code == 302 and r.url.startswith("/login/"), "an idle session has ended"


def test_the_demo_loads_once_and_prints_working_logins(client, capsys, settings, tmp_path):
    from lawtrail.ledger import verify
    from lawtrail.media.models import AvRecord
    from lawtrail.records.models import ServiceReceipt

    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("demo")
    # something to click through on every page: documents served with their receipts, AV evidence
    assert AvRecord.objects.filter(kind="video").count() == AvRecord.objects.filter(kind="photo").count() == 6
    assert ServiceReceipt.objects.exists() and verify.run().ok
    first = capsys.readouterr().out
    call_command("demo")
    again = capsys.readouterr().out
    assert "演示数据已加载" in again
    line = next(l for l in first.splitlines() if "用户名 wl.auditor" in l)
    password = line.split("密码 ")[1].strip()
    assert login(client, "wl.auditor", password).status_code == 302
    assert "审计日志" in client.get("/audit/").content.decode()
