"""An officer whose 执法证 has expired (杨磊, tests/factories.py) does no enforcement act: each action
refuses him with the certificate's problem in Chinese and leaves no row and no ledger entry.
Clerical acts (registering a complaint or a party) stay open to him. The same refusals through the
pages: tests/web/test_expired_certificate_pages.py."""

import io
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from lawtrail.access.models import Staff
from lawtrail.cases import actions
from lawtrail.cases.models import Case, ClockSuspension, FinePayment, StepRecord
from lawtrail.ledger.models import Entry
from lawtrail.media import actions as media
from lawtrail.media import docking
from lawtrail.media.models import AvRecord, Upload
from lawtrail.records import actions as records
from lawtrail.records import catalogue
from lawtrail.records.examples import sample_values
from lawtrail.records.models import Refusal, Service, Signature
from tests.media.samples import write_jpeg

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_in_tmp")]

EXPIRED = "执法证"  # every refusal names the certificate and why it is not valid


@pytest.fixture
def case(org):
    """Team B's case; 杨磊 was made one of its handlers while his certificate was valid."""
    c = org.case(by=org.liu, handlers=[org.liu, org.chen])
    c.handlers.add(org.yang)
    return c


def expire(person: Staff) -> Staff:
    """The person's certificate ran out yesterday (the row, as a later staff update would leave it)."""
    Staff.objects.filter(pk=person.pk).update(certificate_valid_until=timezone.localdate() - timedelta(days=1))
    person.refresh_from_db()
    return person


def refused_without_trace(act, *tables) -> str:
    """Run ``act``; it must be refused and must write neither a row of ``tables`` nor a ledger entry."""
    entries, rows = Entry.objects.count(), [t.objects.count() for t in tables]
    with pytest.raises(ValidationError) as e:
        act()
    assert (Entry.objects.count(), [t.objects.count() for t in tables]) == (entries, rows)
    message = " ".join(e.value.messages)
    assert EXPIRED in message and "过期" in message
    return message


def finalised(org, case, kind: str, by=None):
    k = catalogue.get(kind)
    doc = records.create_draft(by=by or org.liu, case=case, kind=kind, values=sample_values(k))
    return records.finalise(by=by or org.liu, document=doc)


def test_an_expired_officer_cannot_open_a_case(org):
    party = org.party(by=org.liu)
    message = refused_without_trace(lambda: actions.open_case(
        by=org.yang, procedure="penalty_general", source="ex_officio", title="无证演出", summary="现场发现",
        handlers=[org.liu, org.chen], parties=[party]), Case, StepRecord)
    assert "过期" in message


@pytest.fixture
def licence(org):
    """Team B's licence case (申请 recorded, no approval needed), 杨磊 among its handlers."""
    c = org.case(by=org.liu, procedure="licence", handlers=[org.liu, org.chen])
    c.handlers.add(org.yang)
    return c


def test_an_expired_officer_cannot_record_a_step(org, licence):
    refused_without_trace(lambda: actions.record_step(by=org.yang, case=licence, step="accept", handlers=[org.liu]),
                          StepRecord)


def test_a_unit_head_whose_certificate_expired_cannot_approve_a_step(org, licence):
    actions.record_step(by=org.liu, case=licence, step="accept", handlers=[org.liu])
    pending = actions.record_step(by=org.liu, case=licence, step="review", handlers=[org.liu])
    assert pending.approval == "pending" and pending.step_def.approver == "unit_head"
    head = expire(org.head_b)
    refused_without_trace(lambda: actions.decide_step(by=head, record_=pending, approve=True))
    pending.refresh_from_db()
    assert pending.approval == "pending"


def test_an_expired_officer_cannot_record_a_fine_payment(org, case):
    refused_without_trace(lambda: actions.record_fine_payment(
        by=org.yang, case=case, amount="100.00", paid_at=timezone.now(), channel="bank", reference="X1"), FinePayment)


def test_an_expired_officer_cannot_suspend_a_clock(org, licence):
    refused_without_trace(lambda: actions.suspend_clock(
        by=org.yang, case=licence, clocks=["licence-decision-20-days"], reason="检测", started_at=timezone.now()),
        ClockSuspension)


def test_an_expired_officer_cannot_serve_a_document(org, case):
    decision = finalised(org, case, "penalty_decision")
    refused_without_trace(lambda: records.record_service(
        by=org.yang, version=decision, method="direct", recipient="王某", served_at=timezone.now()), Service)


def test_an_expired_officer_cannot_sign_as_an_officer(org, case):
    record = finalised(org, case, "interview_record")
    refused_without_trace(lambda: records.sign(by=org.yang, version=record, role="handlers", method="electronic"),
                          Signature)


def test_an_expired_officer_cannot_take_the_partys_signature_or_record_a_refusal(org, case):
    record = finalised(org, case, "interview_record")
    refused_without_trace(lambda: records.sign(by=org.yang, version=record, role="party", method="seal",
                                               name="王某", image=b"x", mime="image/png"), Signature)
    refused_without_trace(lambda: records.refuse(by=org.yang, version=record, name="王某", reason="拒绝签字",
                                                 witnesses=["李某"]), Refusal)


def test_an_expired_officer_cannot_start_an_upload(org, case):
    refused_without_trace(lambda: media.start_upload(by=org.yang, case=case, filename="a.jpg", size=10), Upload)


def test_no_one_can_name_an_expired_officer_as_the_recorder(org, case, tmp_path):
    photo = write_jpeg(tmp_path / "photo.jpg").read_bytes()
    u = media.start_upload(by=org.liu, case=case, filename="photo.jpg", size=len(photo))
    media.append_chunk(by=org.liu, upload_id=u.pk, offset=0, read=io.BytesIO(photo).read, length=len(photo))
    message = refused_without_trace(lambda: media.complete_upload(
        by=org.liu, upload_id=u.pk, facts={"source": "camera", "recorded_by": org.yang.pk}), AvRecord)
    assert "拍摄（录制）人" in message
    av = media.complete_upload(by=org.liu, upload_id=u.pk, facts={"source": "camera", "recorded_by": org.chen.pk})
    assert av.recorded_by == org.chen  # the same upload, with a recorder who may record


def test_an_upload_started_before_the_certificate_expired_cannot_be_completed_after(org, case, tmp_path):
    photo = write_jpeg(tmp_path / "photo.jpg").read_bytes()
    u = media.start_upload(by=org.chen, case=case, filename="photo.jpg", size=len(photo))
    media.append_chunk(by=org.chen, upload_id=u.pk, offset=0, read=io.BytesIO(photo).read, length=len(photo))
    chen = expire(org.chen)
    refused_without_trace(lambda: media.complete_upload(by=chen, upload_id=u.pk, facts={"source": "camera"}),
                          AvRecord)


def test_a_record_whose_recorder_has_expired_is_not_linked_to_a_case(org, case, tmp_path):
    photo = tmp_path / "photo.jpg"
    write_jpeg(photo)
    av = media.ingest_file(by=org.records, source=photo, case=None, facts={"source": "camera", "recorded_by": org.chen})
    expire(org.chen)
    refused_without_trace(lambda: media.link(by=org.records, record_=av, case=case))
    av.refresh_from_db()
    assert av.case_id is None


def test_an_expired_officer_cannot_import_a_docking_dump(org, tmp_path):
    camera = media.register_device(by=org.records, serial="DSJ-B-01", unit=org.team_b, assigned_to=org.liu)
    refused_without_trace(lambda: docking.import_dock(by=org.yang, directory=tmp_path, device=camera))


def test_a_camera_assigned_to_an_expired_officer_imports_no_clip_in_his_name(org, tmp_path):
    camera = media.register_device(by=org.records, serial="DSJ-B-02", unit=org.team_b, assigned_to=org.chen)
    (tmp_path / "dump").mkdir()
    write_jpeg(tmp_path / "dump" / "IMG_0001.jpg")
    expire(org.chen)
    report = docking.import_dock(by=org.records, directory=tmp_path / "dump", device=camera)
    assert [(i.outcome, "拍摄（录制）人" in i.reason) for i in report.items] == [("failed", True)]
    assert not AvRecord.objects.exists()


def test_clerical_acts_stay_open_to_an_expired_officer(org):
    complaint = actions.register_complaint(by=org.yang, received_at=timezone.now(), channel="phone",
                                           content="反映无证演出", reporter_name="刘先生")
    party = org.party(by=org.yang)
    assert complaint.registered_by == org.yang and party.pk
