"""The JSON API: token authentication for devices, the same rules as the pages, JSON errors with a
stable code and a Chinese message."""

import pytest
from django.test import Client
from django.utils import timezone

from lawtrail.access import actions as access
from lawtrail.cases.models import Case, Party
from lawtrail.ledger.models import Entry
from tests.factories import Org, credit_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def device(org):
    """A token-holding client acting as 张伟 (e.g. a body-camera dock in his unit)."""
    _, secret = access.issue_token(by=None, user=org.zhang.user, name="执法记录仪采集站 01")
    return Client(headers={"Authorization": f"Bearer {secret}"})


def new_case_body(org, **kw):
    party = org.party()
    return {"procedure": "penalty_general", "source": "ex_officio", "title": "无证经营", "summary": "现场发现无证经营。",
            "handlers": [org.zhang.pk, org.li.pk], "parties": [party.pk]} | kw


def test_a_request_without_a_token_gets_a_json_401(client):
    r = client.get("/api/v1/cases")
    assert r.status_code == 401 and r.json()["code"] == "unauthenticated" and r.json()["message"]


def test_a_revoked_or_made_up_token_is_refused(org):
    token, secret = access.issue_token(by=None, user=org.zhang.user, name="临时")
    access.revoke_token(by=None, token=token)
    for bad in (secret, "lt_" + "x" * 43, "x" * 5000):
        assert Client(headers={"Authorization": f"Bearer {bad}"}).get("/api/v1/cases").status_code == 401


def test_only_the_tokens_digest_is_stored_and_issuing_it_is_a_ledger_entry(org):
    token, secret = access.issue_token(by=None, user=org.zhang.user, name="采集站")
    assert secret not in token.digest and secret[:10] == token.prefix
    assert secret not in Entry.objects.order_by("-seq").first().body


def test_a_device_opens_a_case_and_reads_it_back_with_its_timeline(org, device):
    r = device.post("/api/v1/cases", new_case_body(org), content_type="application/json")
    assert r.status_code == 201, r.json()
    case = r.json()
    assert case["number"].startswith("金普文旅罚") and case["stage"] == "initiation"
    assert {h["name"] for h in case["handlers"]} == {"张伟", "李娜"}
    timeline = device.get(f"/api/v1/cases/{case['id']}/timeline").json()
    assert [e["action"] for e in timeline] == ["cases.case_opened"] and len(timeline[0]["hash"]) == 64
    listed = device.get("/api/v1/cases", {"q": case["number"]}).json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == case["id"]


def test_a_wrong_credit_code_is_a_422_naming_the_field_and_nothing_is_saved(device):
    code = credit_code()
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
    r = device.post("/api/v1/parties", {"kind": "legal_person", "name": "某公司", "credit_code": wrong},
                    content_type="application/json")
    body = r.json()
    assert r.status_code == 422 and body["code"] == "invalid" and "校验码" in body["fields"]["credit_code"][0]
    assert not Party.objects.filter(name="某公司").exists()


def test_a_wrong_id_number_is_refused(device):
    r = device.post("/api/v1/parties", {"kind": "person", "name": "王某", "id_number": "110105194912310021"},
                    content_type="application/json")
    assert r.status_code == 422 and "id_number" in r.json()["fields"]


def test_a_missing_required_field_is_a_422_with_a_stable_code(device):
    r = device.post("/api/v1/cases", {"title": "缺字段"}, content_type="application/json")
    assert r.status_code == 422 and r.json()["code"] == "invalid_request" and "procedure" in r.json()["fields"]


def test_a_duplicate_number_is_refused(org, device):
    taken = org.case().number
    r = device.post("/api/v1/cases", new_case_body(org, number=taken), content_type="application/json")
    assert r.status_code == 422 and "number" in r.json()["fields"]
    assert Case.objects.filter(number=taken).count() == 1


def test_handlers_and_parties_of_another_bureau_are_refused(org, device):
    other = Org.build(code="sifa", abbr="金普司法", profile="004")
    r = device.post("/api/v1/cases", new_case_body(org, handlers=[other.zhang.pk, other.li.pk]),
                    content_type="application/json")
    assert r.status_code == 422 and "handlers" in r.json()["fields"]
    r = device.post("/api/v1/cases", new_case_body(org, parties=[other.party().pk]), content_type="application/json")
    assert r.status_code == 422 and "parties" in r.json()["fields"]
    assert not Case.objects.filter(bureau=org.bureau).exists()


def test_a_handler_whose_certificate_expired_is_refused(org, device):
    r = device.post("/api/v1/cases", new_case_body(org, handlers=[org.zhang.pk, org.yang.pk]),
                    content_type="application/json")
    assert r.status_code == 422 and "过期" in r.json()["message"]


def test_a_complaint_is_registered_declined_and_the_reporter_told_through_the_api(org, device):
    r = device.post("/api/v1/complaints", {"received_at": timezone.now().isoformat(), "channel": "hotline",
                                           "content": "反映噪音", "reporter_name": "陈女士"},
                    content_type="application/json")
    assert r.status_code == 201
    cid = r.json()["id"]
    r = device.post(f"/api/v1/complaints/{cid}/decline", {"reason": "不属于本机关职责"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "decline_proposed"
    r = device.post(f"/api/v1/complaints/{cid}/decide", {"approve": True}, content_type="application/json")
    assert r.status_code == 403, "the officer's device cannot approve"
    _, head_secret = access.issue_token(by=None, user=org.chief.user, name="负责人")
    head = Client(headers={"Authorization": f"Bearer {head_secret}"})
    r = head.post(f"/api/v1/complaints/{cid}/decide", {"approve": True, "opinion": "同意"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "declined"
    r = device.post(f"/api/v1/complaints/{cid}/notice", {"notified_how": "pigeon", "notified_at": timezone.now().isoformat()},
                    content_type="application/json")
    assert r.status_code == 422 and "notified_how" in r.json()["fields"]
    r = device.post(f"/api/v1/complaints/{cid}/notice", {"notified_how": "sms", "notified_at": timezone.now().isoformat()},
                    content_type="application/json")
    assert r.status_code == 200 and r.json()["notified_how"] == "sms"


def test_the_openapi_document_describes_the_endpoints(org):
    c = Client()
    c.force_login(org.zhang.user)
    doc = c.get("/api/v1/openapi.json").json()
    assert {"/api/v1/cases", "/api/v1/cases/{case_id}", "/api/v1/parties", "/api/v1/complaints"} <= set(doc["paths"])
    assert "BearerToken" in doc["components"]["securitySchemes"]


def test_a_limit_above_the_cap_is_refused(org, device):
    assert device.get("/api/v1/cases", {"limit": 200}).status_code == 200
    r = device.get("/api/v1/cases", {"limit": 201})
    assert r.status_code == 422 and "limit" in r.json()["fields"]


def test_an_oversized_list_of_handlers_is_refused_before_any_query(org, device):
    r = device.post("/api/v1/cases", new_case_body(org, handlers=list(range(1, 500))), content_type="application/json")
    assert r.status_code == 422 and r.json()["code"] == "invalid_request" and "handlers" in r.json()["fields"]
