"""Staff log in; each login, logout and failure is a ledger entry; the ledger page needs the right."""

import json

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core.management import call_command

from lawtrail.ledger.models import Entry

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"


@pytest.fixture
def officer():
    return User.objects.create_user("zhang.wei", password=PASSWORD, first_name="张伟")


@pytest.fixture
def auditor():
    u = User.objects.create_user("zhou.min", password=PASSWORD, first_name="周敏")
    g = Group.objects.create(name="审计员")
    g.permissions.add(Permission.objects.get(codename="view_entry"))
    u.groups.add(g)
    return u


def last_entry():
    e = Entry.objects.order_by("-seq").first()
    return e.action, json.loads(e.body)["payload"]


def test_an_anonymous_visitor_is_sent_to_the_login_page(client):
    r = client.get("/")
    assert r.status_code == 302 and r.url.startswith("/login/")


def test_a_successful_login_is_a_ledger_entry(client, officer):
    r = client.post("/login/", {"username": "zhang.wei", "password": PASSWORD})
    assert r.status_code == 302
    action, payload = last_entry()
    assert action == "auth.logged_in" and payload["username"] == "zhang.wei"


def test_a_failed_login_is_a_ledger_entry_without_the_password(client, officer):
    r = client.post("/login/", {"username": "zhang.wei", "password": "wrong-guess-123"})
    assert r.status_code == 200 and "用户名或密码不正确" in r.content.decode()
    action, payload = last_entry()
    assert action == "auth.login_failed" and payload["username"] == "zhang.wei"
    assert "wrong-guess-123" not in Entry.objects.order_by("-seq").first().body


def test_logging_out_is_a_ledger_entry(client, officer):
    client.force_login(officer)
    client.post("/logout/")
    assert last_entry()[0] == "auth.logged_out"


def test_an_officer_without_the_ledger_right_does_not_see_ledger_entries(client, officer):
    client.force_login(officer)
    page = client.get("/").content.decode()
    assert "我的工作" in page and "<h2>账本</h2>" not in page


def test_an_auditor_sees_the_ledger_with_its_latest_entries_escaped(client, auditor):
    from lawtrail.ledger.store import append
    append(actor="user:1", action="cases.note_added", subject="case:1", payload={"text": "<script>alert(1)</script>"})
    client.force_login(auditor)
    page = client.get("/").content.decode()
    assert "<h2>账本</h2>" in page and "cases.note_added" in page
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert "{&quot;text&quot;:&quot;&lt;script&gt;" in page, "payloads are shown as their canonical JSON"


def test_the_demo_loads_once_and_prints_working_logins(client, capsys):
    call_command("demo")
    first = capsys.readouterr().out
    call_command("demo")
    again = capsys.readouterr().out
    assert "演示数据已加载" in again and User.objects.filter(username="admin").count() == 1
    line = next(l for l in first.splitlines() if "用户名 auditor" in l)
    password = line.split("密码 ")[1].strip()
    client.post("/login/", {"username": "auditor", "password": password})
    assert "<h2>账本</h2>" in client.get("/").content.decode()
