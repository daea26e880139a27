"""An AV record's page: its retention class changed and a circumstance noted by the records custodian
or a handler (media.retention), the record attached as the reception recording of the complaint the
case was started from, shown on the complaint's page; bad input refused beside its field with
nothing saved; what is shown is escaped; the page's queries do not grow with what was noted."""

from datetime import timedelta

import pytest
from django.utils import timezone

from lawtrail.cases import actions as cases
from lawtrail.media import actions as media
from lawtrail.media.models import AvRecord, ReceptionRecording, RetentionCircumstance
from tests.media.samples import samples, write_jpeg  # noqa: F401 (fixture)
from tests.media.test_retention import photo
from tests.web.test_case_pages import queries_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_in_tmp")]


def url(av):
    return f"/cases/{av.case_id}/media/{av.pk}/"


def test_the_custodian_changes_the_retention_on_the_page_and_sees_it(org, tmp_path):
    av = photo(org, org.case(), tmp_path)
    client = org.client_for(org.records)
    r = client.post(url(av), {"form": "retention", "retention": "permanent", "retention_reason": "记录了阻碍执法"})
    assert r.status_code == 302 and r.url == url(av)
    assert AvRecord.objects.get(pk=av.pk).retention == "permanent"
    html = client.get(url(av)).content.decode()
    assert "已变更保存期限。" in html and "保存期限：永久保存（记录了阻碍执法）" in html


def test_a_handler_notes_a_circumstance_on_the_whole_case_and_it_shows_on_each_record(org, tmp_path):
    case = org.case()
    first, second = photo(org, case, tmp_path, "a.jpg"), media.ingest_file(
        by=org.zhang, source=write_jpeg(tmp_path / "b.jpg", size=(65, 48)), case=case, facts={"source": "camera"})
    client = org.client_for(org.zhang)
    r = client.post(url(first), {"form": "circumstance", "circumstance": "major", "on": "case",
                                 "note": "<b>重大</b>复杂的执法活动"})
    assert r.status_code == 302
    noted = RetentionCircumstance.objects.get()
    assert (noted.case, noted.av) == (case, None)
    html = client.get(url(second)).content.decode()
    assert "记录于本案，适用于本案全部音像记录" in html and "&lt;b&gt;重大&lt;/b&gt;复杂" in html and "<b>重大" not in html


def test_a_bad_retention_change_is_shown_beside_its_field_and_nothing_is_saved(org, tmp_path):
    av = photo(org, org.case(), tmp_path)
    client = org.client_for(org.zhang)
    r = client.post(url(av), {"form": "retention", "retention": "case_file", "retention_reason": "  "})
    assert r.status_code == 400 and 'id="field-retention_reason"' in r.content.decode()
    r = client.post(url(av), {"form": "circumstance", "circumstance": "incident", "on": "record", "note": "突发"})
    assert r.status_code == 302
    r = client.post(url(av), {"form": "circumstance", "circumstance": "incident", "on": "record", "note": "再记"})
    assert r.status_code == 400 and "已记录过该情形" in r.content.decode()
    assert AvRecord.objects.get(pk=av.pk).retention == "case_file" and RetentionCircumstance.objects.count() == 1


def test_someone_who_only_sees_the_record_gets_no_forms(org, tmp_path):
    av = photo(org, org.case(), tmp_path)
    html = org.client_for(org.supervisor).get(url(av)).content.decode()
    assert "变更保存期限" not in html and "记录情形" not in html
    assert "变更保存期限" in org.client_for(org.records).get(url(av)).content.decode()


def test_a_recording_of_a_visit_is_attached_on_its_page_and_listed_on_the_complaint_page(org, samples):
    complaint = cases.register_complaint(by=org.zhang, received_at=timezone.now() - timedelta(hours=2),
                                         channel="visit", content="来访反映问题", reporter_name="王先生")
    case = org.case(source="complaint", complaint=complaint)
    av = media.ingest_file(by=org.zhang, source=samples.audio_wav, case=case, facts={
        "source": "other", "capture_start": timezone.localtime(complaint.received_at).isoformat()})
    client = org.client_for(org.li)
    assert "尚未关联" in client.get(f"/complaints/{complaint.pk}/").content.decode()
    assert "关联为该投诉举报的接待录音录像" in client.get(url(av)).content.decode()
    r = client.post(url(av), {"form": "reception"})
    assert r.status_code == 302 and ReceptionRecording.objects.get().av == av
    assert "关联为该投诉举报的接待录音录像</button>" not in client.get(url(av)).content.decode()
    html = client.get(f"/complaints/{complaint.pk}/").content.decode()
    assert f'href="{url(av)}"' in html and "关联投诉举报接待录音录像" in html  # the link and its ledger entry


def test_a_photo_is_not_offered_as_a_reception_recording(org, tmp_path):
    complaint = cases.register_complaint(by=org.zhang, received_at=timezone.now(), channel="visit",
                                         content="来访反映问题", reporter_name="王先生")
    av = photo(org, org.case(source="complaint", complaint=complaint), tmp_path)
    client = org.client_for(org.zhang)
    assert "接待录音录像" not in client.get(url(av)).content.decode()
    assert client.post(url(av), {"form": "reception"}).status_code == 403


def test_the_record_page_costs_the_same_queries_however_many_circumstances_were_noted(org, tmp_path):
    from lawtrail.media import retention

    case = org.case()
    av = photo(org, case, tmp_path)
    client = org.client_for(org.zhang)
    none = queries_for(client, url(av))
    for kind in ("obstruction", "incident", "major"):
        retention.note_circumstance(by=org.zhang, record_=av, circumstance=kind, note="情况说明")
    retention.note_circumstance(by=org.records, case=case, circumstance="other", note="情况说明")
    assert queries_for(client, url(av)) == none == 12
