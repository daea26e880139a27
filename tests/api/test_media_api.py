"""AV evidence through the API, as a docking station or a phone app sends it: create an upload,
PUT the bytes in chunks at their offsets (resuming where the server stands), complete."""

import hashlib

import pytest
from django.test import Client

from lawtrail.access import actions as access
from lawtrail.ledger.models import Entry
from tests.media.samples import samples  # noqa: F401 (fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_in_tmp")]


def device_for(staff):
    _, secret = access.issue_token(by=None, user=staff.user, name="执法记录仪采集站 01")
    return Client(headers={"Authorization": f"Bearer {secret}"})


def put(client, upload_id, offset, data):
    return client.put(f"/api/v1/media/uploads/{upload_id}?offset={offset}", data,
                      content_type="application/octet-stream")


def test_a_docking_station_uploads_a_clip_in_chunks_and_resumes(org, samples):
    case, station = org.case(), device_for(org.zhang)
    data = samples.video.read_bytes()
    r = station.post(f"/api/v1/cases/{case.pk}/media/uploads", {"filename": "clip.mp4", "size": len(data),
                                                                 "sha256": hashlib.sha256(data).hexdigest()},
                     content_type="application/json")
    assert r.status_code == 201, r.json()
    upload = r.json()["id"]
    half = len(data) // 2
    assert put(station, upload, 0, data[:half]).json()["received"] == half
    r = put(station, upload, 0, data[:half])  # a retry of a chunk the server already has
    assert r.status_code == 422 and f"已接收 {half} 字节" in r.json()["fields"]["offset"][0]
    assert station.get(f"/api/v1/media/uploads/{upload}").json()["received"] == half
    assert put(station, upload, half, data[half:]).json()["received"] == len(data)
    r = station.post(f"/api/v1/media/uploads/{upload}/complete", {"source": "body_camera", "place": "星海广场"},
                     content_type="application/json")
    assert r.status_code == 200, r.json()
    rec = r.json()
    assert rec["sha256"] == hashlib.sha256(data).hexdigest() and rec["kind"] == "video" and rec["late"] is True
    assert rec["labels"]["case_number"] == case.number and Entry.objects.get(seq=rec["ledger_seq"]).action == \
        "media.av_recorded"
    listed = station.get(f"/api/v1/cases/{case.pk}/media").json()
    assert [x["id"] for x in listed] == [rec["id"]]


def test_an_upload_without_a_length_or_past_its_size_is_refused(org):
    case, station = org.case(), device_for(org.zhang)
    r = station.post(f"/api/v1/cases/{case.pk}/media/uploads", {"filename": "a.jpg", "size": 4},
                     content_type="application/json")
    upload = r.json()["id"]
    r = put(station, upload, 0, b"12345")
    assert r.status_code == 422 and "不超过声明的文件大小" in r.json()["fields"]["length"][0]
    r = station.post(f"/api/v1/media/uploads/{upload}/complete", {}, content_type="application/json")
    assert r.status_code == 422 and "上传未完成" in r.json()["fields"]["size"][0]


def test_another_officers_upload_and_another_units_case_are_refused(org):
    case = org.case()
    r = device_for(org.liu).post(f"/api/v1/cases/{case.pk}/media/uploads", {"filename": "a.jpg", "size": 4},
                                 content_type="application/json")
    assert r.status_code == 404
    upload = device_for(org.zhang).post(f"/api/v1/cases/{case.pk}/media/uploads", {"filename": "a.jpg", "size": 4},
                                        content_type="application/json").json()["id"]
    assert device_for(org.li).get(f"/api/v1/media/uploads/{upload}").status_code == 403
    assert put(device_for(org.li), upload, 0, b"1234").status_code == 403


def _uploaded(station, case, data: bytes) -> str:
    upload = station.post(f"/api/v1/cases/{case.pk}/media/uploads", {"filename": "scene.jpg", "size": len(data)},
                          content_type="application/json").json()["id"]
    assert put(station, upload, 0, data).status_code == 200
    return upload


def test_completing_an_upload_again_answers_the_same_record_and_writes_nothing_more(org, samples):
    case, station = org.case(), device_for(org.zhang)
    upload = _uploaded(station, case, samples.photo.read_bytes())
    first = station.post(f"/api/v1/media/uploads/{upload}/complete", {}, content_type="application/json")
    assert first.status_code == 200, first.json()
    entries = Entry.objects.count()
    again = station.post(f"/api/v1/media/uploads/{upload}/complete", {}, content_type="application/json")
    assert again.status_code == 200, again.json()
    assert again.json() == first.json()
    assert Entry.objects.count() == entries


def test_a_chunk_sent_to_a_completed_upload_is_a_409_in_json(org, samples):
    case, station = org.case(), device_for(org.zhang)
    data = samples.photo.read_bytes()
    upload = _uploaded(station, case, data)
    station.post(f"/api/v1/media/uploads/{upload}/complete", {}, content_type="application/json")
    for offset in (0, len(data)):
        r = put(station, upload, offset, b"more")
        assert r.status_code == 409 and r.json()["code"] == "conflict" and "已完成" in r.json()["message"]
    assert station.get(f"/api/v1/media/uploads/{upload}").json()["received"] == len(data)


def test_the_upload_page_s_own_endpoints_complete_twice_and_refuse_a_late_chunk_alike(org, samples):
    """The browser's uploader (web/views/media.py) retries the same way as a device."""
    case, browser = org.case(), org.client_for(org.zhang)
    data = samples.photo.read_bytes()
    upload = browser.post("/media/uploads/", {"case": case.pk, "filename": "scene.jpg", "size": len(data)},
                          content_type="application/json").json()["id"]
    assert browser.put(f"/media/uploads/{upload}/?offset=0", data, content_type="application/octet-stream").status_code == 200
    first = browser.post(f"/media/uploads/{upload}/complete/", {}, content_type="application/json")
    again = browser.post(f"/media/uploads/{upload}/complete/", {}, content_type="application/json")
    assert first.status_code == again.status_code == 200 and first.json()["record"] == again.json()["record"]
    late = browser.put(f"/media/uploads/{upload}/?offset={len(data)}", b"more", content_type="application/octet-stream")
    assert late.status_code == 409 and "已完成" in late.json()["message"]


@pytest.mark.parametrize("facts, field", [({"source": ["body_camera"]}, "source"), ({"capture_start": 5}, "capture_start"),
                                          ({"place": {"a": 1}}, "place"), ({"recorded_by": "9" * 30}, "recorded_by")])
def test_the_upload_page_s_completion_refuses_facts_of_the_wrong_kind_in_json(org, facts, field):
    case, browser = org.case(), org.client_for(org.zhang)
    upload = browser.post("/media/uploads/", {"case": case.pk, "filename": "scene.jpg", "size": 4},
                          content_type="application/json").json()["id"]
    r = browser.post(f"/media/uploads/{upload}/complete/", facts, content_type="application/json")
    assert r.status_code == 400 and field in r.json()["fields"]
