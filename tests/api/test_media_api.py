"""AV evidence through the API, as a docking station or a phone app sends it: create an upload,
PUT the bytes in chunks at their offsets (resuming where the server stands), complete."""

import hashlib

import pytest
from django.test import Client

from lawtrail.access import actions as access
from lawtrail.ledger.models import Entry
from tests.media.samples import samples  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


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
