"""How long AV is kept and what it records (media.retention): circumstances noted on a record or on a
case, a record's retention class changed with its ledger entry, an audio or video record attached
as a complaint's reception recording — who may do each, bad input refused with nothing saved, and
verify still proving every row against the ledger."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from lawtrail.access.policy import Denied
from lawtrail.cases import actions as cases
from lawtrail.ledger import verify
from lawtrail.ledger.models import Entry
from lawtrail.media import actions as media
from lawtrail.media import retention
from lawtrail.media.models import AvRecord, ReceptionRecording, RetentionCircumstance
from tests.factories import Org
from tests.media.samples import samples, write_jpeg  # noqa: F401 (fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_in_tmp")]


def photo(org, case, tmp_path, name="scene.jpg"):
    return media.ingest_file(by=org.zhang, source=write_jpeg(tmp_path / name), case=case, facts={"source": "camera"})


def recording(org, case, source, when, by=None):
    """An audio record (no time of its own: the capture time is entered) made at ``when``."""
    return media.ingest_file(by=by or org.zhang, source=source, case=case, facts={
        "source": "other", "capture_start": timezone.localtime(when).isoformat(timespec="minutes")})


def visit(org, when=None, channel="visit"):
    return cases.register_complaint(by=org.zhang, received_at=when or timezone.now() - timedelta(hours=3),
                                    channel=channel, content="来访反映某演出场所噪声扰民", reporter_name="王先生")


def last_entry():
    return Entry.objects.order_by("-seq").first()


def test_the_custodian_and_the_case_s_handlers_note_a_circumstance_and_each_note_is_in_the_ledger(org, tmp_path):
    case = org.case()
    av = photo(org, case, tmp_path)
    on_record = retention.note_circumstance(by=org.records, record_=av, circumstance="obstruction",
                                            note="当事人推搡执法人员，阻碍检查")
    assert (on_record.av, on_record.case, on_record.noted_by) == (av, None, org.records)
    e = last_entry()
    assert (e.action, e.subject, e.seq) == ("media.circumstance_noted", f"case:{case.pk}", on_record.ledger_seq)
    on_case = retention.note_circumstance(by=org.zhang, case=case, circumstance="major", note="案情重大复杂，涉案金额大")
    assert (on_case.av, on_case.case) == (None, case)
    assert verify.run().ok


@pytest.mark.parametrize("who", ["head_a", "chief", "legal", "supervisor", "liu"])
def test_who_is_neither_custodian_nor_handler_cannot_note_a_circumstance_or_change_retention(org, tmp_path, who):
    case = org.case()
    av = photo(org, case, tmp_path)
    with pytest.raises(Denied):
        retention.note_circumstance(by=getattr(org, who), record_=av, circumstance="incident", note="群体性事件")
    with pytest.raises(Denied):
        retention.set_retention(by=getattr(org, who), record_=av, retention="permanent", reason="阻碍执法")
    assert not RetentionCircumstance.objects.exists()
    assert AvRecord.objects.get(pk=av.pk).retention == "case_file"


def test_another_bureau_s_custodian_is_refused(org, tmp_path):
    av = photo(org, org.case(), tmp_path)
    other = Org.build(code="sifa", abbr="金普司法", profile="004")
    with pytest.raises(Denied, match="其他机关"):
        retention.set_retention(by=other.records, record_=av, retention="permanent", reason="阻碍执法")
    with pytest.raises(Denied, match="其他机关"):
        retention.note_circumstance(by=other.records, record_=av, circumstance="incident", note="突发事件")


def test_a_bad_circumstance_is_refused_field_by_field_and_nothing_is_saved(org, tmp_path):
    case = org.case()
    av = photo(org, case, tmp_path)
    seq = last_entry().seq
    with pytest.raises(ValidationError) as e:
        retention.note_circumstance(by=org.zhang, record_=av, circumstance="weather", note=" ")
    assert set(e.value.message_dict) == {"circumstance", "note"}
    with pytest.raises(ValidationError, match="须指定一个音像记录或一个案件"):
        retention.note_circumstance(by=org.zhang, record_=av, case=case, circumstance="incident", note="突发事件")
    with pytest.raises(ValidationError, match="2000"):
        retention.note_circumstance(by=org.zhang, record_=av, circumstance="incident", note="长" * 2001)
    retention.note_circumstance(by=org.zhang, record_=av, circumstance="incident", note="突发事件")
    with pytest.raises(ValidationError, match="已记录过该情形"):
        retention.note_circumstance(by=org.records, record_=av, circumstance="incident", note="再记一次")
    assert RetentionCircumstance.objects.count() == 1 and last_entry().seq == seq + 1


def test_a_handler_changes_the_retention_class_and_the_ledger_holds_the_record_s_new_state(org, tmp_path):
    case = org.case()
    av = photo(org, case, tmp_path)
    changed = retention.set_retention(by=org.zhang, record_=av, retention="permanent", reason="记录了阻碍执法的过程")
    stored = AvRecord.objects.get(pk=av.pk)
    assert (stored.retention, stored.retention_reason) == ("permanent", "记录了阻碍执法的过程")
    e = last_entry()
    assert (e.action, e.subject, stored.ledger_seq) == ("media.retention_set", f"case:{case.pk}", e.seq)
    assert e.payload["rows"][changed.ledger_key()]["retention"] == "permanent"
    assert e.payload["from"] == "case_file"
    # only the retention changed: the facts written at ingest are as they were
    assert (stored.filename, stored.blob_id, stored.capture_start) == (av.filename, av.blob_id, av.capture_start)
    retention.set_retention(by=org.records, record_=av, retention="long_term", reason="经复核改为长期保存")
    assert verify.run().ok


def test_a_bad_retention_change_is_refused_and_the_record_is_unchanged(org, tmp_path):
    av = photo(org, org.case(), tmp_path)
    with pytest.raises(ValidationError) as e:
        retention.set_retention(by=org.zhang, record_=av, retention="forever", reason="")
    assert set(e.value.message_dict) == {"retention", "retention_reason"}
    with pytest.raises(ValidationError, match="200"):
        retention.set_retention(by=org.zhang, record_=av, retention="permanent", reason="理" * 201)
    retention.set_retention(by=org.zhang, record_=av, retention="permanent", reason="阻碍执法")
    with pytest.raises(ValidationError, match="均未改变"):
        retention.set_retention(by=org.zhang, record_=av, retention="permanent", reason="阻碍执法")
    assert AvRecord.objects.get(pk=av.pk).retention == "permanent"
    assert [e.action for e in Entry.objects.all()].count("media.retention_set") == 1


def test_a_record_without_a_case_is_kept_by_the_custodian_only(org, tmp_path):
    av = media.ingest_file(by=org.zhang, source=write_jpeg(tmp_path / "dock.jpg"), case=None,
                           facts={"source": "camera"})
    with pytest.raises(Denied):
        retention.set_retention(by=org.zhang, record_=av, retention="permanent", reason="阻碍执法")
    retention.set_retention(by=org.records, record_=av, retention="permanent", reason="阻碍执法")
    assert last_entry().subject == f"bureau:{org.bureau.pk}"


def test_an_audio_record_of_the_visit_is_attached_to_the_complaint_and_shown_in_its_timeline(org, samples):
    complaint = visit(org)
    case = org.case(source="complaint", complaint=complaint)
    av = recording(org, case, samples.audio_wav, complaint.received_at + timedelta(minutes=5))
    link = retention.attach_to_complaint(by=org.zhang, record_=av, complaint=complaint)
    assert (link.complaint, link.av, link.linked_by) == (complaint, av, org.zhang)
    e = last_entry()
    assert (e.action, e.subject, e.payload["record"]) == ("media.reception_linked", f"complaint:{complaint.pk}", av.pk)
    # a recording kept before the case existed (no case) can be attached too, by the records custodian
    loose = recording(org, None, samples.audio_wav, complaint.received_at)
    retention.attach_to_complaint(by=org.records, record_=loose, complaint=complaint)
    assert ReceptionRecording.objects.filter(complaint=complaint).count() == 2
    assert verify.run().ok


def test_attaching_a_reception_recording_refuses_photos_other_cases_other_times_and_twice(org, samples, tmp_path):
    complaint = visit(org, timezone.now() - timedelta(days=3))
    case = org.case(source="complaint", complaint=complaint)
    with pytest.raises(ValidationError, match="照片不能作为接待录音录像"):
        retention.attach_to_complaint(by=org.zhang, record_=photo(org, case, tmp_path), complaint=complaint)
    elsewhere = recording(org, org.case(), samples.audio_wav, complaint.received_at)
    with pytest.raises(ValidationError, match="属于另一案件"):
        retention.attach_to_complaint(by=org.zhang, record_=elsewhere, complaint=complaint)
    days_later = recording(org, case, samples.audio_wav, complaint.received_at + timedelta(days=2))
    with pytest.raises(ValidationError, match="相差超过12小时"):
        retention.attach_to_complaint(by=org.zhang, record_=days_later, complaint=complaint)
    av = recording(org, case, samples.audio_wav, complaint.received_at)
    retention.attach_to_complaint(by=org.zhang, record_=av, complaint=complaint)
    with pytest.raises(ValidationError, match="已关联"):
        retention.attach_to_complaint(by=org.zhang, record_=av, complaint=complaint)
    assert ReceptionRecording.objects.count() == 1


def test_who_may_not_upload_to_the_case_cannot_attach_a_reception_recording(org, samples):
    complaint = visit(org)
    case = org.case(source="complaint", complaint=complaint)
    av = recording(org, case, samples.audio_wav, complaint.received_at)
    for who in (org.chief, org.legal, org.supervisor, org.liu):  # no uploader, or the case not visible
        with pytest.raises(Denied):
            retention.attach_to_complaint(by=who, record_=av, complaint=complaint)
    other = Org.build(code="sifa", abbr="金普司法", profile="004")
    theirs = visit(other)
    with pytest.raises(Denied):
        retention.attach_to_complaint(by=org.records, record_=av, complaint=theirs)
    assert not ReceptionRecording.objects.exists()
