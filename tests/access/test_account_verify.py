"""`lawtrail verify` names every account and API token that differs from its ledger entry: a token
planted with SQL, a password hash swapped in, a superuser flag set, an account created behind the
actions' back, a Django permission granted, a revoked token brought back."""

import io

import pytest
from django.contrib.auth.models import Permission, User
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from lawtrail.access import actions
from lawtrail.access.models import ApiToken
from lawtrail.ledger import verify
from lawtrail.ledger.appendonly import unprotect_sql

pytestmark = pytest.mark.django_db


def problems():
    report = verify.run()
    return {(p.kind, p.where) for p in report.problems}, " ".join(p.message for p in report.problems)


def sql(statement, params=()):
    with connection.cursor() as c:
        c.execute(statement, params)


def test_an_untouched_installation_verifies(org):
    actions.issue_token(by=None, user=org.zhang.user, name="采集站")
    assert verify.run().ok


def test_a_token_planted_with_sql_is_named(org):
    sql("INSERT INTO access_apitoken (user_id, name, prefix, digest, created_at) VALUES (%s, %s, %s, %s, %s)",
        [org.chief.pk, "后门", "lt_planted", "0" * 64, timezone.now()])
    planted = ApiToken.objects.get(prefix="lt_planted")
    found, _ = problems()
    assert ("row_unrecorded", f"access.apitoken:{planted.pk}") in found


def test_a_revoked_token_brought_back_with_sql_is_named(org):
    token, _ = actions.issue_token(by=None, user=org.zhang.user, name="采集站")
    actions.revoke_token(by=None, token=token)
    sql("UPDATE access_apitoken SET revoked_at = NULL WHERE id = %s", [token.pk])
    found, text = problems()
    assert ("row_mismatch", f"access.apitoken:{token.pk}") in found and "revoked_at" in text


def test_a_swapped_password_hash_is_named(org):
    known = User(username="x")
    known.set_password("the-attackers-own-9")
    sql("UPDATE auth_user SET password = %s WHERE id = %s", [known.password, org.supervisor.pk])
    found, text = problems()
    assert ("account_mismatch", f"auth.user:{org.supervisor.pk}") in found and "密码" in text


@pytest.mark.parametrize("flag, label", [("is_superuser", "超级用户标志"), ("is_staff", "管理后台标志"),
                                         ("is_active", "启用状态")])
def test_a_flag_set_with_sql_is_named(org, flag, label):
    if flag == "is_active":  # a deactivated account turned back on
        actions.set_account_active(by=None, user=org.li.user, active=False)
    sql(f"UPDATE auth_user SET {flag} = %s WHERE id = %s", [True, org.li.pk])
    found, text = problems()
    assert ("account_mismatch", f"auth.user:{org.li.pk}") in found and label in text


def test_a_username_changed_with_sql_is_named(org):
    sql("UPDATE auth_user SET username = %s WHERE id = %s", ["wenlv.boss", org.chief.pk])
    found, text = problems()
    assert ("account_mismatch", f"auth.user:{org.chief.pk}") in found and "用户名" in text


def test_an_account_made_outside_the_actions_is_named(org):
    call_command("createsuperuser", "--noinput", "--username", "root", "--email", "r@example.org",
                 stdout=io.StringIO())
    root = User.objects.get(username="root")
    found, _ = problems()
    assert ("account_unrecorded", f"auth.user:{root.pk}") in found


def test_a_django_permission_granted_to_an_account_is_named(org):
    org.admin.user.user_permissions.add(Permission.objects.get(codename="view_entry"))
    found, _ = problems()
    assert ("account_permissions", f"auth.user:{org.admin.pk}") in found


def test_an_account_deleted_with_sql_is_named(org):
    # an attacker with DDL rights drops the staff table's trigger; the test's transaction restores it
    for statement in unprotect_sql(connection.vendor, "access_staff"):
        sql(statement)
    sql("DELETE FROM access_staff WHERE user_id = %s", [org.records.pk])
    sql("DELETE FROM auth_user WHERE id = %s", [org.records.pk])
    found, _ = problems()
    assert ("account_missing", f"auth.user:{org.records.pk}") in found
