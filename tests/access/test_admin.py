"""The administrator manages bureaus, units and accounts in the admin site; every save is a ledger
entry, nothing is deleted, and no screen lets anyone above separation of duties (三员分立)."""

import pytest

from lawtrail.access.models import Staff
from lawtrail.ledger import verify
from lawtrail.ledger.models import Entry

pytestmark = pytest.mark.django_db


def test_the_administrator_adds_an_officer_and_it_is_a_ledger_entry(org):
    admin = org.client_for(org.admin)
    r = admin.post("/admin/access/staff/add/", {
        "username": "wenlv.new", "password": "a-long-initial-pass", "name": "新同事", "bureau": org.bureau.pk,
        "unit": org.team_a.pk, "role": "officer", "certificate_no": "21000000099",
        "certificate_valid_from": "2026-01-01", "certificate_valid_until": "2028-12-31"})
    assert r.status_code == 302, r.content.decode()[:2000]
    s = Staff.objects.get(user__username="wenlv.new")
    e = Entry.objects.get(seq=s.ledger_seq)
    assert e.action == "access.staff_created" and e.payload["rows"][s.ledger_key()]["name"] == "新同事"
    assert "a-long-initial-pass" not in e.body
    assert verify.run().ok


def test_an_officer_without_a_certificate_is_refused_by_the_admin_form(org):
    r = org.client_for(org.admin).post("/admin/access/staff/add/", {
        "username": "wenlv.nocert", "password": "a-long-initial-pass", "name": "无证", "bureau": org.bureau.pk,
        "unit": org.team_a.pk, "role": "officer"})
    assert r.status_code == 200 and "执法人员必须填写执法证号" in r.content.decode()
    assert not Staff.objects.filter(user__username="wenlv.nocert").exists()


def test_the_administrator_cannot_delete_or_grant_superuser(org):
    admin = org.client_for(org.admin)
    assert admin.get(f"/admin/access/staff/{org.zhang.pk}/delete/").status_code == 403
    page = admin.get(f"/admin/auth/user/{org.zhang.user.pk}/change/").content.decode()
    assert "is_superuser" not in page and "user_permissions" not in page and 'name="groups"' not in page


def test_changing_a_role_through_the_admin_is_recorded_and_takes_effect(org):
    admin = org.client_for(org.admin)
    r = admin.post(f"/admin/access/staff/{org.records.pk}/change/", {
        "name": org.records.name, "bureau": org.bureau.pk, "unit": "", "role": "supervisor", "active": "on"})
    assert r.status_code == 302, r.content.decode()[:2000]
    org.records.refresh_from_db()
    assert org.records.role == "supervisor"
    entry = Entry.objects.get(seq=org.records.ledger_seq)
    assert entry.action == "access.role_changed"
    assert entry.payload["role"] == {"from": "records_custodian", "to": "supervisor"}


def test_editing_a_unit_in_the_admin_is_recorded_and_verifies(org):
    r = org.client_for(org.admin).post(f"/admin/access/unit/{org.team_a.pk}/change/", {
        "bureau": org.bureau.pk, "name": "执法一中队（新区）", "kind": "team"})
    assert r.status_code == 302, r.content.decode()[:2000]
    org.team_a.refresh_from_db()
    entry = Entry.objects.get(seq=org.team_a.ledger_seq)
    assert entry.action == "access.unit_changed" and org.team_a.name == "执法一中队（新区）"
    assert verify.run().ok
