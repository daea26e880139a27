"""The pages refuse an officer whose 执法证 has expired (杨磊) every enforcement act, with the reason
in Chinese where he acted, and store nothing; registering a complaint stays open to him. The
actions' own refusals: tests/cases/test_expired_certificate.py."""

from datetime import timedelta

import pytest
from django.utils import timezone

from lawtrail.access.models import Staff
from lawtrail.cases import actions
from lawtrail.cases.models import Case, Complaint, FinePayment, StepRecord
from lawtrail.ledger.models import Entry
from lawtrail.media.models import AvRecord, Upload
from lawtrail.records import actions as records
from lawtrail.records import catalogue
from lawtrail.records.examples import sample_values
from lawtrail.records.models import Service, Signature
from tests.factories import credit_code
from tests.media.samples import write_jpeg
from tests.web.test_case_pages import case_form
from tests.web.test_media_pages import complete, put, start

pytestmark = pytest.mark.django_db

NOW = "%Y-%m-%dT%H:%M"


@pytest.fixture
def yang(org):
    return org.client_for(org.yang)


@pytest.fixture
def case(org):
    """Team B's case; 杨磊 was made one of its handlers while his certificate was valid."""
    c = org.case(by=org.liu, handlers=[org.liu, org.chen])
    c.handlers.add(org.yang)
    return c


def shows_expiry(response) -> bool:
    page = response.content.decode()
    return "杨磊 的执法证" in page and "过期" in page


@pytest.fixture
def unchanged_ledger():
    before = Entry.objects.count()
    yield
    assert Entry.objects.count() == before


def test_the_new_case_form_refuses_him_and_says_why(org, yang, unchanged_ledger):
    r = yang.post("/cases/new/", case_form(org, handlers=[org.liu.pk, org.chen.pk], party_credit_code=credit_code()))
    assert r.status_code == 400 and shows_expiry(r)
    assert not Case.objects.exists()


def test_the_step_form_refuses_him_and_says_why(org, yang):
    licence = org.case(by=org.liu, procedure="licence", handlers=[org.liu, org.chen])
    licence.handlers.add(org.yang)
    before = Entry.objects.count()
    r = yang.post(f"/cases/{licence.pk}/steps/", {"step": "accept", "handlers": [org.liu.pk]})
    assert r.status_code == 400 and shows_expiry(r)
    assert (StepRecord.objects.filter(case=licence).count(), Entry.objects.count()) == (1, before)


def test_approving_a_step_from_the_case_page_is_refused_to_a_head_whose_certificate_expired(org):
    licence = org.case(by=org.liu, procedure="licence", handlers=[org.liu, org.chen])
    actions.record_step(by=org.liu, case=licence, step="accept", handlers=[org.liu])
    review = actions.record_step(by=org.liu, case=licence, step="review", handlers=[org.liu])
    Staff.objects.filter(pk=org.head_b.pk).update(certificate_valid_until=timezone.localdate() - timedelta(days=1))
    head = org.client_for(org.head_b)
    before = Entry.objects.count()
    r = head.post(f"/cases/{licence.pk}/steps/{review.pk}/decide/", {"decision": "approve"})
    page = r.content.decode()
    assert "孙丽 的执法证" in page and "过期" in page
    review.refresh_from_db()
    assert (review.approval, Entry.objects.count()) == ("pending", before)


def test_the_payment_form_refuses_him_and_says_why(org, yang, case):
    before = Entry.objects.count()
    r = yang.post(f"/cases/{case.pk}/clocks/", {"form": "payment", "amount": "100.00", "channel": "bank",
                                                "reference": "ZF0001",
                                                "paid_at": timezone.localtime().strftime(NOW)})
    assert r.status_code == 400 and shows_expiry(r)
    assert (FinePayment.objects.count(), Entry.objects.count()) == (0, before)


def _finalised(org, case, kind):
    doc = records.create_draft(by=org.liu, case=case, kind=kind, values=sample_values(catalogue.get(kind)))
    records.finalise(by=org.liu, document=doc)
    return doc


def test_serving_a_document_from_the_page_is_refused_with_the_reason(org, yang, case):
    doc = _finalised(org, case, "penalty_decision")
    before = Entry.objects.count()
    r = yang.post(f"/cases/{case.pk}/documents/{doc.pk}/serve/", {
        "method": "direct", "recipient": "王某", "served_at": timezone.localtime().strftime(NOW)}, follow=True)
    assert shows_expiry(r)
    assert (Service.objects.count(), Entry.objects.count()) == (0, before)


def test_signing_as_an_officer_from_the_page_is_refused_with_the_reason(org, yang, case):
    doc = _finalised(org, case, "interview_record")
    before = Entry.objects.count()
    r = yang.post(f"/cases/{case.pk}/documents/{doc.pk}/sign/", {"role": "handlers", "method": "electronic"},
                  follow=True)
    assert shows_expiry(r)
    assert (Signature.objects.count(), Entry.objects.count()) == (0, before)


def test_the_upload_endpoint_refuses_him_in_json(org, yang, case, unchanged_ledger):
    r = yang.post("/media/uploads/", {"case": case.pk, "filename": "现场.jpg", "size": 100},
                  content_type="application/json")
    assert r.status_code == 400 and "杨磊 的执法证" in r.json()["message"] + str(r.json().get("fields"))
    assert not Upload.objects.exists()


def test_the_upload_page_will_not_name_him_as_the_recorder(org, case, tmp_path, settings):
    settings.MEDIA_ROOT, settings.LAWTRAIL_MEDIA_STORE = tmp_path / "media", "filesystem"
    photo = write_jpeg(tmp_path / "photo.jpg").read_bytes()
    liu = org.client_for(org.liu)
    uid = start(liu, case, "photo.jpg", len(photo)).json()["id"]
    assert put(liu, uid, 0, photo).status_code == 200
    before = Entry.objects.count()
    r = complete(liu, uid, source="camera", recorded_by=org.yang.pk)
    assert r.status_code == 400 and "杨磊 的执法证" in r.json()["fields"]["recorded_by"]
    assert (AvRecord.objects.count(), Entry.objects.count()) == (0, before)


def test_the_api_refuses_his_fine_payment_with_the_reason(org, yang, case, unchanged_ledger):
    r = yang.post(f"/api/v1/cases/{case.pk}/fine-payments", {
        "amount": "100.00", "paid_at": "2026-01-01T08:00:00+08:00", "channel": "bank", "reference": "X1"},
        content_type="application/json")
    assert r.status_code == 422 and "杨磊 的执法证" in r.json()["message"]
    assert not FinePayment.objects.exists()


def test_he_still_registers_a_complaint(org, yang):
    r = yang.post("/complaints/new/", {"received_at": timezone.localtime().strftime(NOW), "channel": "phone",
                                       "reporter_name": "刘先生", "content": "反映无证演出"})
    assert r.status_code == 302
    assert Complaint.objects.get().registered_by == org.yang
