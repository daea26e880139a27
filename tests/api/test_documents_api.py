"""Documents through the API: create, finalise, sign, refuse, fetch — with the pages' rules."""

import base64

import pytest
from django.test import Client

from lawtrail.access import actions as access
from lawtrail.records import catalogue
from lawtrail.records.examples import handwriting_png, sample_values

pytestmark = pytest.mark.django_db
PNG = base64.b64encode(handwriting_png()).decode()


def device_for(staff):
    _, secret = access.issue_token(by=None, user=staff.user, name="平板")
    return Client(headers={"Authorization": f"Bearer {secret}"})


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_a_tablet_drafts_finalises_and_collects_signatures(org):
    case, tablet = org.case(), device_for(org.zhang)
    kind = catalogue.get("interview_record")
    r = post(tablet, f"/api/v1/cases/{case.pk}/documents", {"kind": kind.code, "values": sample_values(kind)})
    assert r.status_code == 201, r.json()
    doc = r.json()
    url = f"/api/v1/cases/{case.pk}/documents/{doc['id']}"
    r = post(tablet, url + "/finalise", {})
    assert r.status_code == 200 and r.json()["versions"][0]["missing_signatures"] == ["handlers", "recorder", "party"]
    assert post(tablet, url + "/signatures", {"role": "handlers", "method": "electronic"}).status_code == 200
    r = post(tablet, url + "/signatures", {"role": "handlers", "method": "electronic"})
    assert r.status_code == 422 and "重复签名" in r.json()["message"]
    r = post(tablet, url + "/signatures", {"role": "party", "method": "handwriting", "name": "王某",
                                            "image_base64": "not base64!", "mime": "image/png"})
    assert r.status_code == 422 and "image_base64" in r.json()["fields"]
    r = post(tablet, url + "/signatures", {"role": "party", "method": "handwriting", "name": "王某",
                                            "image_base64": PNG, "mime": "image/png"})
    assert r.status_code == 200 and r.json()["versions"][0]["missing_signatures"] == ["handlers", "recorder"]


def test_finalising_an_incomplete_draft_names_the_missing_fields(org):
    case, tablet = org.case(), device_for(org.zhang)
    r = post(tablet, f"/api/v1/cases/{case.pk}/documents", {"kind": "interview_record"})
    r = post(tablet, f"/api/v1/cases/{case.pk}/documents/{r.json()['id']}/finalise", {})
    kind = catalogue.get("interview_record")
    assert r.status_code == 422 and r.json()["code"] == "invalid"
    assert next(f.name for f in kind.fields if f.required and f.type == "longtext") in r.json()["fields"]


def test_a_refusal_without_its_reason_is_refused(org):
    case, tablet = org.case(), device_for(org.zhang)
    kind = catalogue.get("interview_record")
    doc = post(tablet, f"/api/v1/cases/{case.pk}/documents", {"kind": kind.code, "values": sample_values(kind)}).json()
    url = f"/api/v1/cases/{case.pk}/documents/{doc['id']}"
    post(tablet, url + "/finalise", {})
    r = post(tablet, url + "/refusals", {"name": "王某", "reason": "", "witnesses": ["赵某"]})
    assert r.status_code == 422 and "reason" in r.json()["fields"]


def test_another_units_officer_gets_404_and_an_unknown_kind_422(org):
    case = org.case()
    assert post(device_for(org.liu), f"/api/v1/cases/{case.pk}/documents", {"kind": "interview_record"}).status_code == 404
    r = post(device_for(org.zhang), f"/api/v1/cases/{case.pk}/documents", {"kind": "no_such_form"})
    assert r.status_code == 422 and "kind" in r.json()["fields"]


def test_service_through_the_api(org):
    from django.utils import timezone

    case, tablet = org.case(), device_for(org.zhang)
    kind = catalogue.get("penalty_decision")
    doc = post(tablet, f"/api/v1/cases/{case.pk}/documents", {"kind": kind.code, "values": sample_values(kind)}).json()
    url = f"/api/v1/cases/{case.pk}/documents/{doc['id']}"
    post(tablet, url + "/finalise", {})
    r = post(tablet, url + "/services", {"method": "public_notice", "recipient": "王某",
                                         "served_at": timezone.now().isoformat()})
    assert r.status_code == 422 and "receipt" in r.json()["fields"]
    r = post(tablet, url + "/services", {"method": "direct", "recipient": "王某", "served_at": timezone.now().isoformat()})
    assert r.status_code == 200
