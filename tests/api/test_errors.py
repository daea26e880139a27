"""Every bad request gets the documented JSON error ``{code, message, fields}`` with its status, never
a 500 or an HTML page: numbers out of range, control characters, money sent as a number, bad JSON,
a body over the limit, unknown paths and methods, a server error. The OpenAPI document names the
statuses each operation answers."""

import json
import re

import pytest
from django.test import Client, RequestFactory
from django.utils import timezone

from lawtrail.access import actions as access
from lawtrail.api import errors
from lawtrail.cases.models import Party

pytestmark = pytest.mark.django_db

TOO_BIG = 2 ** 63  # one past the largest 64-bit id


@pytest.fixture
def device(org):
    _, secret = access.issue_token(by=None, user=org.zhang.user, name="执法记录仪采集站 01")
    return Client(headers={"Authorization": f"Bearer {secret}"})


def assert_error(r, status: int, code: str, field: str | None = None):
    assert r.status_code == status, r.content
    assert r["Content-Type"].startswith("application/json")
    body = r.json()
    assert body["code"] == code and body["message"] and isinstance(body["fields"], dict)
    assert re.search(r"[\u4e00-\u9fff]", body["message"]), f"a message for a user, in Chinese: {body['message']}"
    if field:
        assert field in body["fields"], body
    return body


@pytest.mark.parametrize("params, field", [
    ({"offset": TOO_BIG}, "offset"), ({"offset": -1}, "offset"), ({"limit": 0}, "limit"), ({"limit": TOO_BIG}, "limit"),
    ({"unit": TOO_BIG}, "unit"), ({"unit": -1}, "unit"), ({"unit": 0}, "unit"),
])
def test_a_list_parameter_out_of_range_is_a_422_naming_it(org, device, params, field):
    body = assert_error(device.get("/api/v1/cases", params), 422, "invalid_request", field)
    assert "超出范围" in body["fields"][field][0]


@pytest.mark.parametrize("path", [
    f"/api/v1/cases/{TOO_BIG}", f"/api/v1/cases/{2 ** 64}", "/api/v1/cases/0", "/api/v1/cases/-1",
    f"/api/v1/cases/{TOO_BIG}/timeline", f"/api/v1/cases/1/documents/{TOO_BIG}", f"/api/v1/cases/{TOO_BIG}/media",
    f"/api/v1/cases/{TOO_BIG}/clocks",
])
def test_an_id_in_the_path_beyond_64_bits_or_below_one_is_a_422(org, device, path):
    assert_error(device.get(path), 422, "invalid_request")


def test_ids_in_a_body_beyond_64_bits_are_a_422_naming_the_field(org, device):
    party = org.party()
    base = {"procedure": "penalty_general", "source": "ex_officio", "title": "无证经营", "summary": "现场发现无证经营。",
            "handlers": [org.zhang.pk, org.li.pk], "parties": [party.pk]}
    for change, field in [({"handlers": [org.zhang.pk, TOO_BIG]}, "handlers.1"), ({"parties": [-5]}, "parties.0"),
                          ({"unit": TOO_BIG}, "unit"), ({"complaint": TOO_BIG}, "complaint")]:
        assert_error(device.post("/api/v1/cases", base | change, content_type="application/json"), 422,
                     "invalid_request", field)


def test_a_pdf_version_beyond_64_bits_is_a_422(org, device):
    case = org.case()
    assert_error(device.get(f"/api/v1/cases/{case.pk}/documents/1/pdf", {"version": TOO_BIG}), 422,
                 "invalid_request", "version")


@pytest.mark.parametrize("term", ['星海"', '"星海', 'a OR b', 'NEAR(星海 文化)', '星海*', '^星海', '(((', 'title:星海',
                                  '""""', "星海 AND", "-星海", "星'海"])
def test_a_search_term_with_fts_operators_or_quotes_is_searched_as_plain_text(org, device, term):
    r = device.get("/api/v1/cases", {"q": term})
    assert r.status_code == 200, r.content
    assert r.json()["count"] == 0


def test_operators_and_quotes_in_a_term_find_the_case_whose_title_holds_them_literally(org, device):
    case = org.case(title='关于"星海 OR 文化*"的案件')
    other = org.case(title="星海文化传媒")
    for term in ['"星海 OR', 'OR 文化*"', '星海 OR 文化*']:
        found = [c["id"] for c in device.get("/api/v1/cases", {"q": term}).json()["items"]]
        assert found == [case.pk], (term, found, other.pk)


@pytest.mark.parametrize("term", ["星海\x00", "\x00\x00\x00", "a\x1bb", "星\x7f海"])
def test_a_control_character_in_a_search_term_is_a_422_not_a_database_error(org, device, term):
    body = assert_error(device.get("/api/v1/cases", {"q": term}), 422, "invalid_request", "q")
    assert "控制字符" in body["fields"]["q"][0]
    assert_error(device.get("/api/v1/parties", {"q": term}), 422, "invalid_request", "q")
    assert_error(device.get("/api/v1/complaints", {"status": term}), 422, "invalid_request", "status")


def test_a_control_character_in_a_body_is_refused_before_any_action(org, device):
    for name in ("某\x00公司", "某\x1b[31m公司"):
        assert_error(device.post("/api/v1/parties", {"kind": "legal_person", "name": name},
                                 content_type="application/json"), 422, "invalid_request", "name")
    assert not Party.objects.filter(name__startswith="某").exists()


@pytest.mark.parametrize("amount", [1.5, 5000, 5000.0, 1e10, True, None])
def test_a_fine_sent_as_a_json_number_is_refused_with_a_chinese_message(org, device, amount):
    case = org.case()
    r = device.post(f"/api/v1/cases/{case.pk}/fine-payments",
                    {"amount": amount, "paid_at": timezone.now().isoformat(), "channel": "bank", "reference": "B-1"},
                    content_type="application/json")
    body = assert_error(r, 422, "invalid_request", "amount")
    assert "字符串" in body["fields"]["amount"][0] or "必填" in body["fields"]["amount"][0]


@pytest.mark.parametrize("amount", ["1e10", "5,000", "5000.001", "-5", " 5", "NaN", "Infinity", "1" * 13])
def test_a_fine_string_that_is_not_yuan_with_at_most_two_decimals_is_refused(org, device, amount):
    case = org.case()
    r = device.post(f"/api/v1/cases/{case.pk}/fine-payments",
                    {"amount": amount, "paid_at": timezone.now().isoformat(), "channel": "bank", "reference": "B-1"},
                    content_type="application/json")
    assert "金额格式不正确" in assert_error(r, 422, "invalid_request", "amount")["fields"]["amount"][0]


def test_a_fine_sent_as_a_decimal_string_is_recorded_with_its_cents(org, device):
    case = org.case()
    r = device.post(f"/api/v1/cases/{case.pk}/fine-payments",
                    {"amount": "5000.5", "paid_at": timezone.now().isoformat(), "channel": "bank", "reference": "B-1"},
                    content_type="application/json")
    assert r.status_code == 201, r.content
    assert r.json()["amount"] in ("5000.50", "5000.5")


@pytest.mark.parametrize("when", ["2025-03-01T09:30:00", "0001-01-01T00:00:00+08:00", "9999-12-31T23:59:59+00:00"])
def test_a_time_without_offset_or_out_of_any_record_s_range_is_a_422(org, device, when):
    r = device.post("/api/v1/complaints", {"received_at": when, "channel": "phone", "content": "反映噪音"},
                    content_type="application/json")
    assert_error(r, 422, "invalid_request", "received_at")


@pytest.mark.parametrize("raw", ["{bad", '{"kind": "person", "name": "王某"', "null x", '{"a": 1,}'])
def test_malformed_json_is_a_400_in_json(org, device, raw):
    assert_error(device.post("/api/v1/parties", raw, content_type="application/json"), 400, "malformed")


def test_bytes_that_are_not_utf8_are_a_400_in_json(org, device):
    assert_error(device.post("/api/v1/parties", b"\xff\xfe{}", content_type="application/json"), 400, "malformed")


def test_a_body_over_the_size_limit_is_a_413_in_json(org, device, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = json.dumps({"kind": "person", "name": "王某", "address": "很长" * 10_000})
    assert_error(device.post("/api/v1/parties", body, content_type="application/json"), 413, "too_large")


@pytest.mark.parametrize("path", ["/api/v1/nothing", "/api/v1/cases/1/nothing", "/api/v2/cases", "/api/"])
def test_an_unknown_path_under_api_is_a_404_in_json(org, device, path):
    assert_error(device.get(path), 404, "not_found")


def test_a_wrong_method_is_a_405_in_json_naming_the_allowed_ones(org, device):
    r = device.delete("/api/v1/cases")
    assert_error(r, 405, "method_not_allowed")
    assert set(r["Allow"].replace(" ", "").split(",")) == {"GET", "POST"}
    assert_error(device.patch(f"/api/v1/cases/{org.case().pk}"), 405, "method_not_allowed")


def test_a_server_error_in_an_endpoint_is_a_500_in_json_and_is_logged(org, device, monkeypatch, caplog):
    from lawtrail.cases import queries

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(queries, "timeline", broken)
    r = device.get(f"/api/v1/cases/{org.case().pk}/timeline")
    assert_error(r, 500, "server_error")
    assert "a bug" not in r.content.decode(), "no internals in the answer"
    assert any(rec.exc_info and "a bug" in str(rec.exc_info[1]) for rec in caplog.records), "but in the log"


def test_django_s_500_page_is_json_under_api_and_the_site_s_page_elsewhere(settings):
    settings.ROOT_URLCONF = "lawtrail.urls"
    r = errors.server_error(RequestFactory().get("/api/v1/cases"))
    assert r.status_code == 500 and json.loads(r.content)["code"] == "server_error"
    page = errors.server_error(RequestFactory().get("/cases/"))
    assert page.status_code == 500 and not page["Content-Type"].startswith("application/json")


def test_the_openapi_document_can_be_fetched_with_a_token_and_not_with_a_bad_one(org, device):
    assert device.get("/api/v1/openapi.json").status_code == 200
    r = Client(headers={"Authorization": "Bearer lt_nothing"}).get("/api/v1/openapi.json")
    assert_error(r, 401, "unauthenticated")


def test_every_operation_documents_the_errors_it_can_answer(org, device):
    doc = device.get("/api/v1/openapi.json").json()
    operations = [(path, method, op) for path, item in doc["paths"].items() for method, op in item.items()]
    assert len(operations) >= 30 and any("/media/" in path for path, _, _ in operations)
    for path, method, op in operations:
        documented = {int(code) for code in op["responses"]}
        expected = {401, 403}
        if "{" in path:
            expected |= {404}
        if op.get("parameters") or "requestBody" in op:
            expected |= {422}
        if "requestBody" in op:
            expected |= {400, 413}
        assert expected <= documented, f"{method.upper()} {path} documents {sorted(documented)}"
        for code in documented - {200, 201}:
            schema = op["responses"][str(code)]["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/Error"}, (path, code)
    assert set(doc["components"]["schemas"]["Error"]["required"]) >= {"code", "message"}


def test_half_a_utf16_pair_in_a_body_is_refused_not_a_server_error(org, device):
    r = device.post("/api/v1/parties", '{"kind": "person", "name": "王\\ud800某"}', content_type="application/json")
    assert "代理项" in assert_error(r, 422, "invalid_request", "name")["fields"]["name"][0]


def test_a_control_character_anywhere_in_a_document_s_values_is_refused(org, device):
    case = org.case()
    for values in ({"facts": "现场\x00检查"}, {"party": {"name\x1b": "王某"}}, {"items": [{"name": ["\x00"]}]}):
        r = device.post(f"/api/v1/cases/{case.pk}/documents", {"kind": "interview_record", "values": values},
                        content_type="application/json")
        assert_error(r, 422, "invalid_request", "values")


def test_a_document_s_values_nested_deeper_than_python_recurses_are_refused_cleanly(org, device):
    case = org.case()
    deep = '{"kind": "interview_record", "values": {"a": ' + "[" * 5000 + "]" * 5000 + "}}"
    r = device.post(f"/api/v1/cases/{case.pk}/documents", deep, content_type="application/json")
    assert r.status_code in (400, 422) and r.json()["code"] in ("malformed", "invalid", "invalid_request")


def test_half_a_utf16_pair_in_a_document_s_values_is_refused(org, device):
    case = org.case()
    r = device.post(f"/api/v1/cases/{case.pk}/documents", '{"kind": "interview_record", "values": {"place": "\\udc00"}}',
                    content_type="application/json")
    assert "代理项" in assert_error(r, 422, "invalid_request", "values")["fields"]["values"][0]


@pytest.mark.parametrize("path", ["/api/v1/cases", "/api/v1/parties", "/api/v1/complaints"])
def test_a_list_asked_without_any_parameter_answers_its_first_page(org, device, path):
    r = device.get(path)
    assert r.status_code == 200 and set(r.json()) == {"items", "count"}


def test_a_pdf_of_a_version_that_does_not_exist_is_a_404(org, device):
    from lawtrail.records import actions as records, catalogue
    from lawtrail.records.examples import sample_values

    case = org.case()
    kind = catalogue.get("interview_record")
    doc = records.create_draft(by=org.zhang, case=case, kind=kind.code, values=sample_values(kind))
    assert_error(device.get(f"/api/v1/cases/{case.pk}/documents/{doc.pk}/pdf"), 404, "not_found")
    records.finalise(by=org.zhang, document=doc)
    assert_error(device.get(f"/api/v1/cases/{case.pk}/documents/{doc.pk}/pdf", {"version": 2}), 404, "not_found")
