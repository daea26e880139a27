"""An administrator manages his own bureau only (issue #15): 文旅局's administrator neither sees nor
changes 司法局's units, staff, accounts or tokens on any kind of admin page, and the actions refuse
him again. Both bureaus are built from the same personas, so names repeat: another bureau's rows are
told by their usernames (``sifa.*``) and ids."""

import re

import pytest

from lawtrail.access import actions
from lawtrail.access.models import ApiToken, Staff, Unit
from lawtrail.access.policy import Denied
from tests.factories import PASSWORD, Org

pytestmark = pytest.mark.django_db


@pytest.fixture
def other():
    """司法局, a second bureau with the same personas (usernames sifa.*)."""
    return Org.build(code="sifa", abbr="金普司法", profile="004")


@pytest.fixture
def admin(org):
    return Org.client_for(org.admin)


def option_values(page: str, name: str) -> set[str]:
    select = re.search(rf'<select[^>]*name="{name}".*?</select>', page, re.S).group(0)
    return set(re.findall(r'<option value="(\d+)"', select))


@pytest.mark.parametrize("path", ["/admin/access/staff/", "/admin/auth/user/", "/admin/access/apitoken/",
                                  "/admin/access/staff/?q=sifa", "/admin/auth/user/?q=sifa",
                                  "/admin/access/apitoken/?q=sifa"])
def test_lists_and_searches_show_only_his_own_bureau(org, other, admin, path):
    actions.issue_token(by=None, user=org.zhang.user, name="文旅采集站")
    actions.issue_token(by=None, user=other.zhang.user, name="司法采集站")
    page = admin.get(path).content.decode()
    assert "sifa." not in page and "司法采集站" not in page
    if "q=" not in path:
        assert "wenlv.zhang" in page


def test_the_unit_and_bureau_lists_hold_his_own_rows_only(org, other, admin):
    units = admin.get("/admin/access/unit/").content.decode()
    assert f"/admin/access/unit/{org.team_a.pk}/change/" in units
    assert f"/admin/access/unit/{other.team_a.pk}/change/" not in units
    bureaus = admin.get("/admin/access/bureau/").content.decode()
    assert org.bureau.name in bureaus and other.bureau.name not in bureaus


def test_the_staff_filter_offers_only_his_own_units(org, other, admin):
    page = admin.get("/admin/access/staff/").content.decode()
    assert f"unit__id__exact={org.team_a.pk}" in page
    assert all(f"unit__id__exact={u.pk}" not in page for u in (other.team_a, other.team_b, other.legal_unit))


def test_the_staff_forms_offer_only_his_own_bureau_and_units(org, other, admin):
    for path in ("/admin/access/staff/add/", f"/admin/access/staff/{org.zhang.pk}/change/"):
        page = admin.get(path).content.decode()
        assert option_values(page, "bureau") == {str(org.bureau.pk)}
        assert option_values(page, "unit") == {str(u.pk) for u in (org.team_a, org.team_b, org.legal_unit)}
    assert option_values(admin.get("/admin/access/unit/add/").content.decode(), "bureau") == {str(org.bureau.pk)}


@pytest.mark.parametrize("path", [
    "/admin/access/staff/{staff}/change/", "/admin/access/staff/{staff}/history/", "/admin/access/staff/{staff}/delete/",
    "/admin/auth/user/{user}/change/", "/admin/auth/user/{user}/password/", "/admin/auth/user/{user}/history/",
    "/admin/access/unit/{unit}/change/", "/admin/access/bureau/{bureau}/change/", "/admin/access/apitoken/{token}/change/",
])
def test_every_page_of_another_bureaus_object_answers_404(org, other, admin, path):
    token, _ = actions.issue_token(by=None, user=other.zhang.user, name="司法采集站")
    url = path.format(staff=other.supervisor.pk, user=other.supervisor.user_id, unit=other.team_a.pk,
                      bureau=other.bureau.pk, token=token.pk)
    assert admin.get(url).status_code == 404


def test_he_cannot_reset_another_bureaus_supervisor_password_and_log_in_as_him(org, other, admin):
    r = admin.post(f"/admin/auth/user/{other.supervisor.user_id}/password/",
                   {"password1": "taken-over-9876", "password2": "taken-over-9876"})
    assert r.status_code == 404
    other.supervisor.user.refresh_from_db()
    assert other.supervisor.user.check_password(PASSWORD)
    thief = Org.client_for(org.admin)
    thief.logout()
    assert thief.post("/login/", {"username": "sifa.supervisor", "password": "taken-over-9876"}).status_code == 200


def test_he_cannot_edit_another_bureaus_staff_account_or_unit(org, other, admin):
    r = admin.post(f"/admin/access/staff/{other.zhang.pk}/change/", {
        "name": "改名", "bureau": org.bureau.pk, "unit": org.team_a.pk, "role": "administrator",
        "certificate_no": "1", "certificate_valid_until": "2030-01-01", "active": "on"})
    assert r.status_code == 404
    r = admin.post(f"/admin/auth/user/{other.zhang.user_id}/change/", {"username": "sifa.zhang", "is_active": ""})
    assert r.status_code == 404
    r = admin.post(f"/admin/access/unit/{other.team_a.pk}/change/", {"bureau": org.bureau.pk, "name": "拿走", "kind": "team"})
    assert r.status_code == 404
    other.zhang.refresh_from_db()
    other.zhang.user.refresh_from_db()
    other.team_a.refresh_from_db()
    assert (other.zhang.name, other.zhang.role, other.zhang.bureau_id) == ("张伟", "officer", other.bureau.pk)
    assert other.zhang.user.is_active and other.team_a.bureau_id == other.bureau.pk


def test_he_cannot_put_new_staff_or_units_into_another_bureau(org, other, admin):
    r = admin.post("/admin/access/staff/add/", {
        "username": "planted", "password": "a-long-initial-pass", "name": "卧底", "bureau": other.bureau.pk,
        "unit": other.legal_unit.pk, "role": "agency_head"})
    assert r.status_code == 200 and not Staff.objects.filter(user__username="planted").exists()
    r = admin.post("/admin/access/unit/add/", {"bureau": other.bureau.pk, "name": "新科室", "kind": "section"})
    assert r.status_code == 200 and not Unit.objects.filter(name="新科室").exists()


def test_he_neither_creates_bureaus_nor_revokes_another_bureaus_tokens(org, other, admin):
    assert admin.get("/admin/access/bureau/add/").status_code == 403
    token, _ = actions.issue_token(by=None, user=other.zhang.user, name="司法采集站")
    admin.post("/admin/access/apitoken/", {"action": "revoke", "_selected_action": [token.pk]})
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None


def test_he_edits_his_own_bureau_but_the_actions_refuse_him_anothers(org, other):
    admin = org.admin
    checks = [
        lambda: actions.update_staff(by=admin, staff=other.zhang, name="改名"),
        lambda: actions.change_role(by=admin, staff=other.zhang, role="administrator"),
        lambda: actions.set_password(by=admin, user=other.supervisor.user, password="taken-over-9876"),
        lambda: actions.set_account_active(by=admin, user=other.chief.user, active=False),
        lambda: actions.update_account(by=admin, user=other.chief.user, username="sifa.gone"),
        lambda: actions.issue_token(by=admin, user=other.zhang.user, name="后门"),
        lambda: actions.create_unit(by=admin, bureau=other.bureau, name="新科室"),
        lambda: actions.update_staff(by=admin, staff=org.zhang, bureau=other.bureau, unit=None),
        lambda: actions.create_bureau(by=admin, code="new", name="新局", abbr="新", profile="000"),
    ]
    for check in checks:
        with pytest.raises(Denied):
            check()
    r = Org.client_for(admin).post(f"/admin/access/bureau/{org.bureau.pk}/change/", {
        "code": org.bureau.code, "name": "大连金普新区文化旅游局", "abbr": org.bureau.abbr, "profile": "000",
        "case_number_format": org.bureau.case_number_format})
    assert r.status_code == 302
    org.bureau.refresh_from_db()
    assert org.bureau.name == "大连金普新区文化旅游局"


def test_the_other_bureaus_administrator_is_bounded_the_same_way(org, other):
    sifa = Org.client_for(other.admin)
    page = sifa.get("/admin/access/staff/").content.decode()
    assert "sifa.zhang" in page and "wenlv." not in page
    assert sifa.get(f"/admin/auth/user/{org.chief.user_id}/password/").status_code == 404
    assert sifa.get(f"/admin/access/staff/{other.zhang.pk}/change/").status_code == 200
