"""Passwords, activation, roles and accounts change only through access/actions.py, each with a
ledger entry that proves the account (never the password); nobody holds Django's superuser or
staff flags, and the admin site is entered by the administrator's role."""

import io

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db.models import Q
from django.test import Client

from lawtrail.access import accounts, actions
from lawtrail.access.models import ApiToken, Bureau
from lawtrail.access.policy import Denied
from lawtrail.ledger import verify
from lawtrail.ledger.models import Entry
from tests.factories import PASSWORD, Org

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "river-stone-lantern-42"


def newest(action):
    return next((e for e in Entry.objects.order_by("-seq") if e.action == action), None)


def logs_in(username, password) -> bool:
    return Client().post("/login/", {"username": username, "password": password}).status_code == 302


def test_nobody_holds_djangos_superuser_or_staff_flag_and_the_role_opens_the_admin(org):
    assert not User.objects.filter(Q(is_superuser=True) | Q(is_staff=True)).exists()
    assert not User.objects.filter(groups__isnull=False).exists()
    assert Org.client_for(org.admin).get("/admin/").status_code == 200
    actions.change_role(by=None, staff=org.admin, role="supervisor")
    assert Org.client_for(org.admin).get("/admin/").status_code == 302, "the role, not a flag, opens the admin"


def test_a_user_with_djangos_flags_but_no_administrator_role_stays_out_of_the_admin(org):
    User.objects.filter(pk=org.supervisor.pk).update(is_staff=True, is_superuser=True)
    assert Org.client_for(org.supervisor).get("/admin/access/staff/").status_code == 302


def test_setting_a_password_is_a_ledger_entry_with_the_digest_of_the_hash_not_the_password(org):
    actions.set_password(by=org.admin, user=org.zhang.user, password=NEW_PASSWORD)
    e = newest("access.password_set")
    user = User.objects.get(pk=org.zhang.pk)
    assert e.payload["accounts"][str(user.pk)]["password"] == accounts.password_digest(user.password)
    assert NEW_PASSWORD not in e.body and user.password not in e.body
    assert logs_in("wenlv.zhang", NEW_PASSWORD) and not logs_in("wenlv.zhang", PASSWORD)
    assert verify.run().ok


def test_a_weak_password_is_refused_in_chinese(org):
    with pytest.raises(ValidationError) as e:
        actions.set_password(by=org.admin, user=org.zhang.user, password="12345678")
    assert "密码" in " ".join(e.value.message_dict["password"])
    assert logs_in("wenlv.zhang", PASSWORD)


def test_the_admin_password_page_sets_the_password_through_the_action(org):
    admin = Org.client_for(org.admin)
    assert "设置密码" in admin.get(f"/admin/auth/user/{org.chief.pk}/password/").content.decode()
    r = admin.post(f"/admin/auth/user/{org.chief.pk}/password/", {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert r.status_code == 302
    assert newest("access.password_set").subject == f"user:{org.chief.pk}"
    assert logs_in("wenlv.chief", NEW_PASSWORD) and verify.run().ok


def test_two_different_passwords_on_the_admin_page_change_nothing(org):
    r = Org.client_for(org.admin).post(f"/admin/auth/user/{org.chief.pk}/password/",
                                       {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD + "x"})
    assert r.status_code == 200 and newest("access.password_set") is None
    assert logs_in("wenlv.chief", PASSWORD)


def test_deactivating_and_activating_an_account_are_ledger_entries_and_take_effect(org):
    admin = Org.client_for(org.admin)
    r = admin.post(f"/admin/auth/user/{org.li.pk}/change/", {"username": "wenlv.li", "first_name": "李娜"})
    assert r.status_code == 302, r.content.decode()[:2000]
    e = newest("access.account_deactivated")
    assert e.subject == f"user:{org.li.pk}" and e.payload["accounts"][str(org.li.pk)]["is_active"] is False
    assert not logs_in("wenlv.li", PASSWORD)
    actions.set_account_active(by=org.admin, user=org.li.user, active=True)
    assert newest("access.account_activated") is not None and logs_in("wenlv.li", PASSWORD)
    assert verify.run().ok


def test_renaming_an_account_is_a_ledger_entry(org):
    Org.client_for(org.admin).post(f"/admin/auth/user/{org.li.pk}/change/",
                                   {"username": "wenlv.lina", "first_name": "李娜", "is_active": "on"})
    e = newest("access.account_changed")
    assert e.payload["changed"] == ["username"] and e.payload["accounts"][str(org.li.pk)]["username"] == "wenlv.lina"
    assert logs_in("wenlv.lina", PASSWORD) and verify.run().ok


def test_changing_a_role_is_its_own_ledger_entry(org):
    actions.change_role(by=org.admin, staff=org.records, role="supervisor")
    e = newest("access.role_changed")
    assert e.payload["role"] == {"from": "records_custodian", "to": "supervisor"}
    assert e.payload["rows"][org.records.ledger_key()]["role"] == "supervisor"


def test_an_administrator_can_neither_change_his_own_role_nor_lock_himself_out(org):
    with pytest.raises(Denied):
        actions.change_role(by=org.admin, staff=org.admin, role="agency_head")
    with pytest.raises(Denied):
        actions.set_account_active(by=org.admin, user=org.admin.user, active=False)
    r = Org.client_for(org.admin).post(f"/admin/access/staff/{org.admin.pk}/change/", {
        "name": org.admin.name, "bureau": org.bureau.pk, "unit": "", "role": "agency_head", "active": "on"})
    assert r.status_code == 302
    org.admin.refresh_from_db()
    assert org.admin.role == "administrator"


def test_only_an_administrator_acts_on_accounts(org):
    with pytest.raises(Denied):
        actions.set_password(by=org.chief, user=org.zhang.user, password=NEW_PASSWORD)


def test_token_commands_go_through_the_actions_and_verify(org):
    out = io.StringIO()
    call_command("token", "create", "wenlv.zhang", "--name", "采集站 01", stdout=out, stderr=io.StringIO())
    token = ApiToken.objects.get()
    assert newest("access.token_issued").seq == token.ledger_seq
    call_command("token", "revoke", token.prefix, stdout=io.StringIO())
    token.refresh_from_db()
    assert token.revoked_at is not None and newest("access.token_revoked").seq == token.ledger_seq
    assert verify.run().ok


def test_the_admin_revokes_his_own_bureaus_token_with_a_ledger_entry(org):
    token, _ = actions.issue_token(by=None, user=org.zhang.user, name="采集站")
    Org.client_for(org.admin).post("/admin/access/apitoken/", {"action": "revoke", "_selected_action": [token.pk]})
    token.refresh_from_db()
    assert token.revoked_at is not None and newest("access.token_revoked").seq == token.ledger_seq


def test_a_bureau_and_its_first_administrator_are_created_by_the_installation_command(db):
    out = io.StringIO()
    call_command("bureau", "create", "jt", "--name", "大连金普新区交通运输局", "--abbr", "金普交通", "--profile", "001",
                 "--admin", "jt.admin", "--admin-name", "韩立", stdout=out)
    password = out.getvalue().split("初始密码：")[1].split("（")[0]
    assert Bureau.objects.get(code="jt").name == "大连金普新区交通运输局"
    c = Client()
    assert c.post("/login/", {"username": "jt.admin", "password": password}).status_code == 302
    assert c.get("/admin/access/staff/").status_code == 200
    assert verify.run().ok


def test_a_password_rehashed_by_django_on_login_stays_proved(org, settings):
    # a Django upgrade or a stronger hasher: the next login re-hashes the same password
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher",
                                 "django.contrib.auth.hashers.MD5PasswordHasher"]
    assert logs_in("wenlv.zhang", PASSWORD)
    assert User.objects.get(pk=org.zhang.pk).password.startswith("pbkdf2_")
    assert newest("access.password_rehashed").subject == f"user:{org.zhang.pk}"
    assert verify.run().ok


def test_the_administrator_changes_his_own_password_through_the_action_and_stays_logged_in(org):
    admin = Org.client_for(org.admin)
    r = admin.post("/admin/password_change/", {"old_password": PASSWORD, "new_password1": NEW_PASSWORD,
                                               "new_password2": NEW_PASSWORD})
    assert r.status_code == 302
    assert newest("access.password_set").subject == f"user:{org.admin.pk}"
    assert admin.get("/admin/").status_code == 200, "his session survives his own change"
    assert logs_in("wenlv.admin", NEW_PASSWORD) and verify.run().ok
