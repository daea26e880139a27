"""Documents from the case page: a form generated from the kind, errors next to the field, finalise,
sign, record a refusal, correct."""

import pytest

from lawtrail.records import catalogue
from lawtrail.records.models import Document, Service, Signature, Version

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(org):
    return org.case()


@pytest.fixture
def zhang(org):
    return org.client_for(org.zhang)


def new_document(zhang, case, kind="interview_record") -> Document:
    r = zhang.post(f"/cases/{case.pk}/documents/new/", {"kind": kind})
    doc = Document.objects.latest("id")
    assert r.status_code == 302 and r.url == f"/cases/{case.pk}/documents/{doc.pk}/"
    return doc


def filled(org, case, kind_code="interview_record", **overrides):
    """Form data for every required field of the kind, as a person would type it."""
    kind = catalogue.get(kind_code)
    data = {"certificates_shown": "on"}
    for f in kind.fields:
        if not f.required:
            continue
        data[f.name] = {
            "text": "示例", "longtext": "问：你是否知道…？答：知道。", "date": "2026-11-20",
            "datetime": "2026-11-20T09:30", "money": "5000.00", "integer": "5", "bool": "yes",
            "citation": "《营业性演出管理条例》第四十三条", "person": "王某，证人，13800000000",
            "items": "盗版光盘|DVD|120|张|", "file": "a" * 64,
            "officers": [str(org.zhang.pk), str(org.li.pk)], "party": str(case.parties.get().pk),
        }.get(f.type) if f.type != "choice" else f.choices[0][0]
    return data | overrides


def test_the_case_page_offers_the_procedures_documents(org, case, zhang):
    page = zhang.get(f"/cases/{case.pk}/").content.decode()
    assert "制作文书" in page and "询问(调查)笔录" in page and "行政处罚决定书" in page


def test_an_officer_fills_and_finalises_an_interview_record(org, case, zhang):
    doc = new_document(zhang, case)
    r = zhang.post(f"/cases/{case.pk}/documents/{doc.pk}/", filled(org, case) | {"finalise": "1"})
    assert r.status_code == 302
    v = Version.objects.get(document=doc)
    officers = next(f.name for f in catalogue.get("interview_record").fields if f.type == "officers")
    assert [o["name"] for o in v.values[officers]] == ["张伟", "李娜"] and v.values[officers][0]["shown"]
    page = zhang.get(r.url).content.decode()
    assert "第 1 版" in page and v.sha256 in page and "尚缺" in page


def test_finalising_with_a_required_field_empty_shows_the_error_next_to_it(org, case, zhang):
    doc = new_document(zhang, case)
    kind = catalogue.get("interview_record")
    empty = next(f for f in kind.fields if f.required and f.type == "longtext")
    r = zhang.post(f"/cases/{case.pk}/documents/{doc.pk}/", filled(org, case, **{empty.name: ""}) | {"finalise": "1"})
    html = r.content.decode()
    start = html.index(f'id="field-{empty.name}"')
    assert r.status_code == 400 and "必填" in html[start:html.find('class="field', start + 10)]
    assert not Version.objects.exists()


def test_signing_and_refusing_from_the_page(org, case, zhang):
    doc = new_document(zhang, case)
    zhang.post(f"/cases/{case.pk}/documents/{doc.pk}/", filled(org, case) | {"finalise": "1"})
    url = f"/cases/{case.pk}/documents/{doc.pk}/"
    assert zhang.post(url + "sign/", {"role": "handlers", "method": "electronic"}).status_code == 302
    r = zhang.post(url + "sign/", {"role": "handlers", "method": "electronic"}, follow=True)
    assert "不能重复签名" in r.content.decode()
    r = zhang.post(url + "refuse/", {"name": "王某", "reason": "拒绝签字", "witnesses": ""}, follow=True)
    assert "须有见证人" in r.content.decode()
    zhang.post(url + "refuse/", {"name": "王某", "reason": "拒绝签字", "witnesses": "社区干部 赵某"})
    assert Signature.objects.count() == 1 and Version.objects.get().refusals.count() == 1


def test_a_correction_from_the_page_makes_a_second_version_with_its_reason(org, case, zhang):
    doc = new_document(zhang, case)
    url = f"/cases/{case.pk}/documents/{doc.pk}/"
    zhang.post(url, filled(org, case) | {"finalise": "1"})
    assert zhang.post(url + "correct/").status_code == 302
    r = zhang.post(url, filled(org, case) | {"finalise": "1"})
    assert r.status_code == 400 and "更正须写明理由" in r.content.decode()
    assert zhang.post(url, filled(org, case) | {"finalise": "1", "reason": "询问时间笔误"}).status_code == 302
    assert list(Version.objects.filter(document=doc).values_list("version", "correction_reason")) == [
        (1, ""), (2, "询问时间笔误")]


def test_another_units_officer_cannot_open_the_document(org, case, zhang):
    doc = new_document(zhang, case)
    assert org.client_for(org.liu).get(f"/cases/{case.pk}/documents/{doc.pk}/").status_code == 404


def test_a_served_document_records_its_service_from_the_page(org, case, zhang):
    from django.utils import timezone

    doc = new_document(zhang, case, kind="penalty_decision")
    url = f"/cases/{case.pk}/documents/{doc.pk}/"
    assert zhang.post(url, filled(org, case, "penalty_decision") | {"finalise": "1"}).status_code == 302
    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    r = zhang.post(url + "serve/", {"method": "postal", "recipient": "王某", "served_at": now}, follow=True)
    assert "邮寄送达须写明邮寄方式" in r.content.decode()
    r = zhang.post(url + "serve/", {"method": "postal", "carrier": "ems", "receipt": "EMS1234567890CN",
                                    "recipient": "王某", "served_at": now}, follow=True)
    assert "已记录送达" in r.content.decode() and "EMS1234567890CN" in r.content.decode()

    service = Service.objects.get(version__document=doc)
    r = zhang.post(url + f"services/{service.pk}/receipt/", follow=True)
    receipt = Document.objects.get(kind="service_receipt")
    page = r.content.decode()
    assert r.redirect_chain[-1][0] == f"/cases/{case.pk}/documents/{receipt.pk}/"
    assert "已生成送达回证草稿" in page and "本回证证明的送达" in page and "EMS1234567890CN" in page
    r = zhang.post(url + f"services/{service.pk}/receipt/")  # the second click opens the same receipt
    assert r.url == f"/cases/{case.pk}/documents/{receipt.pk}/" and Document.objects.filter(kind="service_receipt").count() == 1
    assert f"/documents/{receipt.pk}/" in zhang.get(url).content.decode()  # the served document links to it


def test_a_draft_can_be_previewed_as_pdf_and_a_finalised_one_goes_to_its_file(org, case, zhang):
    doc = new_document(zhang, case)
    r = zhang.get(f"/cases/{case.pk}/documents/{doc.pk}/preview/")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf" and r.content.startswith(b"%PDF")
    zhang.post(f"/cases/{case.pk}/documents/{doc.pk}/", filled(org, case) | {"finalise": "1"})
    r = zhang.get(f"/cases/{case.pk}/documents/{doc.pk}/preview/")
    assert r.status_code == 302 and r.url.endswith(f"/documents/{doc.pk}/pdf/")


def test_a_draft_can_be_previewed_as_docx_marked_as_a_preview(org, case, zhang):
    import io
    import zipfile

    doc = new_document(zhang, case)
    r = zhang.get(f"/cases/{case.pk}/documents/{doc.pk}/preview/docx/")
    assert r.status_code == 200 and r["Content-Type"].endswith("wordprocessingml.document")
    xml = zipfile.ZipFile(io.BytesIO(r.content)).read("word/document.xml").decode()
    assert "草稿预览" in xml and "询问" in xml and "定稿：" not in xml
    zhang.post(f"/cases/{case.pk}/documents/{doc.pk}/", filled(org, case) | {"finalise": "1"})
    r = zhang.get(f"/cases/{case.pk}/documents/{doc.pk}/preview/docx/")
    assert r.status_code == 302 and r.url.endswith(f"/documents/{doc.pk}/docx/")
