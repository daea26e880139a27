"""音像记录 in the web app: chunked, resumable upload through the page's JSON endpoints; the case's
records (an htmx fragment of the case page, with the 24-hour clock); the record's page; the
original served with HTTP ranges; every view and download in the ledger, once each."""

import hashlib
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lawtrail.ledger.models import Entry
from lawtrail.media import actions
from lawtrail.media.models import AvRecord, Upload
from tests.media.samples import samples, write_jpeg  # noqa: F401 (fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_in_tmp")]


@pytest.fixture
def zhang(org):
    return org.client_for(org.zhang)


def start(client, case, name, size):
    return client.post("/media/uploads/", {"case": case.pk, "filename": name, "size": size},
                       content_type="application/json")


def put(client, upload_id, offset, data):
    return client.put(f"/media/uploads/{upload_id}/?offset={offset}", data, content_type="application/octet-stream")


def complete(client, upload_id, **facts):
    return client.post(f"/media/uploads/{upload_id}/complete/", facts, content_type="application/json")


def upload(client, case, name, data, chunks=3, **facts):
    r = start(client, case, name, len(data))
    assert r.status_code == 201, r.content.decode()
    uid = r.json()["id"]
    step = -(-len(data) // chunks)
    for at in range(0, len(data), step):
        r = put(client, uid, at, data[at:at + step])
        assert r.status_code == 200 and r.json()["received"] == min(at + step, len(data))
    r = complete(client, uid, **({"source": "body_camera"} | facts))
    assert r.status_code == 200, r.content.decode()
    return AvRecord.objects.get(pk=r.json()["record"]), r.json()


def entries(action):
    return [e for e in Entry.objects.order_by("seq") if e.action == action]


def test_a_video_goes_up_in_chunks_and_appears_on_its_case_with_its_facts(org, zhang, samples):
    case = org.case()
    data = samples.video.read_bytes()
    av, answer = upload(zhang, case, "执法记录仪_001.mp4", data, place="星海广场东门")
    assert answer["url"] == f"/cases/{case.pk}/media/{av.pk}/"
    assert av.blob.sha256 == hashlib.sha256(data).hexdigest() and av.case == case and av.uploaded_by == org.zhang
    assert not Upload.objects.filter(record__isnull=True).exists()

    fragment = zhang.get(f"/cases/{case.pk}/media/", headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in fragment
    for text in ("执法记录仪_001.mp4", "录像", "文件元数据", "张伟", "星海广场东门", "GPS", case.number,
                 "大连星海文化传媒有限公司", f"/cases/{case.pk}/media/{av.pk}/thumbnail/", "0分02秒"):
        assert text in fragment, text

    page = zhang.get(answer["url"]).content.decode()
    for text in (av.blob.sha256, av.blob.sm3, f"{len(data)} 字节", f"账本条目 #{av.ledger_seq}", "视频封面",
                 '<video controls preload="metadata"', f"/cases/{case.pk}/media/{av.pk}/original/", "h264"):
        assert text in page, text

    thumb = zhang.get(f"/cases/{case.pk}/media/{av.pk}/thumbnail/")
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"
    assert b"".join(thumb.streaming_content)[:2] == b"\xff\xd8"


def test_the_case_page_loads_the_section_with_htmx_and_the_full_page_works_without_it(org, zhang, samples):
    case = org.case()
    upload(zhang, case, "clip.mp4", samples.video.read_bytes())
    page = zhang.get(f"/cases/{case.pk}/").content.decode()
    assert f'hx-get="/cases/{case.pk}/media/"' in page and "clip.mp4" not in page
    full = zhang.get(f"/cases/{case.pk}/media/").content.decode()
    assert "<html" in full and "clip.mp4" in full and "上传音像记录" in full
    legal = org.client_for(org.legal).get(f"/cases/{case.pk}/media/").content.decode()
    assert "clip.mp4" in legal and f"/cases/{case.pk}/media/upload/" not in legal  # sees, may not upload


def test_an_upload_resumes_from_what_the_server_says_after_a_wrong_offset(org, zhang, samples):
    case = org.case()
    data = samples.video.read_bytes()
    uid = start(zhang, case, "clip.mp4", len(data)).json()["id"]
    half = len(data) // 2
    assert put(zhang, uid, 0, data[:half]).json()["received"] == half
    r = put(zhang, uid, 0, data[:half])  # the client lost track and sends the first half again
    assert r.status_code == 409 and r.json()["received"] == half and f"已接收 {half} 字节" in r.json()["message"]
    assert zhang.get(f"/media/uploads/{uid}/").json()["received"] == half
    assert put(zhang, uid, half, data[half:]).json()["received"] == len(data)
    av = AvRecord.objects.get(pk=complete(zhang, uid, source="body_camera").json()["record"])
    assert av.blob.sha256 == hashlib.sha256(data).hexdigest()


def test_another_person_cannot_see_or_write_into_an_upload(org, zhang):
    uid = start(zhang, org.case(), "a.jpg", 10).json()["id"]
    li = org.client_for(org.li)
    assert li.get(f"/media/uploads/{uid}/").status_code == 404
    assert put(li, uid, 0, b"x" * 10).status_code == 404
    assert org.client_for(org.legal).get(f"/media/uploads/{uid}/").json()["message"].startswith("无权上传音像记录")


def test_bad_chunks_and_bad_files_are_refused_in_chinese(org, zhang, tmp_path):
    case = org.case()
    uid = start(zhang, case, "notes.mp4", 20).json()["id"]
    r = zhang.generic("PUT", f"/media/uploads/{uid}/?offset=0")  # no body, no Content-Length
    assert r.status_code == 411 and "Content-Length" in r.json()["message"]
    r = zhang.generic("PUT", f"/media/uploads/{uid}/?offset=0", b"x" * 20, CONTENT_LENGTH="twenty")
    assert r.status_code == 400 and "Content-Length 无效" in r.json()["message"]
    r = put(zhang, uid, 0, b"x" * 30)  # more than the declared size
    assert r.status_code == 400 and "不超过声明的文件大小" in r.json()["fields"]["length"] and r.json()["received"] == 0
    for offset in ("abc", "%C2%B2"):  # ² is a digit to str.isdigit, not to int()
        r = zhang.put(f"/media/uploads/{uid}/?offset={offset}", b"x", content_type="application/octet-stream")
        assert r.status_code == 400 and "offset" in r.json()["message"]
    r = complete(zhang, uid)
    assert r.status_code == 400 and "上传未完成" in r.json()["fields"]["size"]
    assert put(zhang, uid, 0, b"plain text, no media").status_code == 200
    r = complete(zhang, uid, source="camera")
    assert r.status_code == 400 and r.json()["fields"]["file"] and not AvRecord.objects.exists()
    assert all(ord(c) > 127 for c in r.json()["fields"]["file"][:2])  # Chinese, not a traceback
    r = start(zhang, case, "", 0)
    assert r.status_code == 400 and set(r.json()["fields"]) == {"filename", "size"}
    assert start(zhang, org.case(by=org.liu), "a.jpg", 10).status_code == 404  # not zhang's unit…
    r = zhang.post("/media/uploads/", "not json", content_type="application/json")
    assert r.status_code == 400 and "JSON" in r.json()["message"]


def test_a_photo_without_its_own_time_needs_one_entered_and_the_error_names_the_field(org, zhang, tmp_path):
    case = org.case()
    data = write_jpeg(tmp_path / "bare.jpg", when=None, gps=False).read_bytes()
    uid = start(zhang, case, "bare.jpg", len(data)).json()["id"]
    put(zhang, uid, 0, data)
    r = complete(zhang, uid, source="camera")
    assert r.status_code == 400 and "请填写拍摄开始时间" in r.json()["fields"]["capture_start"]
    when = (timezone.localtime() - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    r = complete(zhang, uid, source="camera", capture_start=when)  # the same upload, completed once fixed
    av = AvRecord.objects.get(pk=r.json()["record"])
    assert av.capture_time_source == "entered"
    fragment = zhang.get(f"/cases/{case.pk}/media/", headers={"HX-Request": "true"}).content.decode()
    assert "人工填写" in fragment and "按时上传" in fragment


def test_the_original_is_served_in_ranges(org, zhang, samples):
    case = org.case()
    data = samples.video.read_bytes()
    av, answer = upload(zhang, case, "clip.mp4", data)
    url = answer["url"] + "original/"
    whole = zhang.get(url)
    assert whole.status_code == 200 and b"".join(whole.streaming_content) == data
    assert (whole["Content-Type"], whole["Accept-Ranges"], whole["X-Content-Type-Options"]) == (
        "video/mp4", "bytes", "nosniff")
    assert whole["Content-Length"] == str(len(data))
    r = zhang.get(url, headers={"Range": "bytes=100-199"})
    assert r.status_code == 206 and b"".join(r.streaming_content) == data[100:200]
    assert r["Content-Range"] == f"bytes 100-199/{len(data)}" and r["Content-Length"] == "100"
    r = zhang.get(url, headers={"Range": "bytes=-50"})
    assert r.status_code == 206 and b"".join(r.streaming_content) == data[-50:]
    r = zhang.get(url, headers={"Range": f"bytes={len(data) - 10}-{len(data) + 500}"})
    assert b"".join(r.streaming_content) == data[-10:] and r["Content-Range"].endswith(f"-{len(data) - 1}/{len(data)}")
    r = zhang.get(url, headers={"Range": f"bytes={len(data)}-"})
    assert r.status_code == 416 and r["Content-Range"] == f"bytes */{len(data)}"
    r = zhang.get(url, headers={"Range": "bytes=0-0,5-9"})  # several ranges: the whole file, as RFC 9110 allows
    assert r.status_code == 200 and b"".join(r.streaming_content) == data


def test_each_view_and_each_download_is_one_ledger_entry(org, zhang, samples):
    case = org.case()
    av, answer = upload(zhang, case, "现场录像 “一”.mp4", samples.video.read_bytes())
    url = answer["url"] + "original/"
    for headers in ({"Range": "bytes=0-"}, {"Range": "bytes=1000-"}, {"Range": "bytes=2000-2999"}):
        b"".join(zhang.get(url, headers=headers).streaming_content)  # one playback: first range at 0
    viewed = entries("media.viewed")
    assert len(viewed) == 1 and viewed[0].subject == f"case:{case.pk}" and viewed[0].payload["record"] == av.pk
    assert viewed[0].actor == f"user:{org.zhang.user_id}"
    r = zhang.get(url + "?download=1")
    b"".join(r.streaming_content)
    assert r["Content-Disposition"].startswith("attachment; filename=\"")
    assert "filename*=UTF-8''%E7%8E%B0%E5%9C%BA%E5%BD%95%E5%83%8F%20%E2%80%9C%E4%B8%80%E2%80%9D.mp4" in r[
        "Content-Disposition"]
    assert len(entries("media.downloaded")) == 1 and len(entries("media.viewed")) == 1
    org.client_for(org.legal).get(url)
    assert len(entries("media.viewed")) == 2
    assert zhang.head(url).status_code == 200 and len(entries("media.viewed")) == 2  # HEAD reads nothing


def test_a_late_upload_is_marked_and_a_remote_work_declaration_moves_the_clock(org, zhang, samples):
    case = org.case()
    av, _ = upload(zhang, case, "clip.mp4", samples.video.read_bytes())  # recorded 2024-05-01, uploaded now
    fragment = zhang.get(f"/cases/{case.pk}/media/", headers={"HX-Request": "true"}).content.decode()
    hours = int((av.uploaded_at - av.capture_end - timedelta(hours=24)).total_seconds() // 3600)
    assert f"逾期上传 {hours} 小时" in fragment and "应于 2024-05-02 08:30 前上传" in fragment
    page = org.client_for(org.legal).get("/media/remote-work/new/")
    assert page.status_code == 403
    back = timezone.localtime() - timedelta(hours=1)
    r = zhang.post(f"/media/remote-work/new/?next=/cases/{case.pk}/media/upload/", {
        "staff": org.zhang.pk, "kind": "remote_area", "reason": "赴边远山区连续执法检查",
        "started_at": "2024-04-30T08:00", "returned_at": back.strftime("%Y-%m-%dT%H:%M")})
    assert r.status_code == 302 and r.url == f"/cases/{case.pk}/media/upload/"
    fragment = zhang.get(f"/cases/{case.pk}/media/", headers={"HX-Request": "true"}).content.decode()
    assert "逾期上传" not in fragment and "边远地区，返回后 24 小时" in fragment and "按时上传" in fragment


def test_a_remote_work_declaration_with_bad_times_is_refused_next_to_the_field(org, zhang):
    r = zhang.post("/media/remote-work/new/", {"staff": org.zhang.pk, "kind": "away", "reason": "异地协查",
                                               "started_at": "2026-01-02T08:00", "returned_at": "2026-01-01T08:00"})
    assert r.status_code == 400 and "返回时间须晚于开始时间" in r.content.decode()
    r = zhang.post("/media/remote-work/new/?next=https://evil.example/", {
        "staff": org.zhang.pk, "kind": "away", "reason": "异地协查", "started_at": "2026-01-01T08:00",
        "returned_at": "2026-01-02T08:00"})
    assert r.status_code == 302 and r.url == "/media/remote-work/new/"


def test_the_upload_page_offers_the_cases_steps_and_the_bureaus_devices_and_refuses_others(org, zhang):
    case = org.case()
    actions.register_device(by=org.records, serial="DSJ-0042", model="DSJ-V9", assigned_to=org.zhang)
    page = zhang.get(f"/cases/{case.pk}/media/upload/").content.decode()
    for text in ('type="file"', "multiple", 'value="DSJ-0042" selected', "张伟（本人）", "立案 · ",
                 "uploader.js", "/media/remote-work/new/?next=", "随案卷保存", 'data-chunk-size="8388608"'):
        assert text in page, text
    r = org.client_for(org.legal).get(f"/cases/{case.pk}/media/upload/")
    assert r.status_code == 403 and "无权上传音像记录：需要执法人员、承办机构负责人或音像资料管理专人" in r.content.decode()
    assert org.client_for(org.records).get(f"/cases/{case.pk}/media/upload/").status_code == 200


def test_markup_in_a_file_name_is_shown_as_text(org, zhang, tmp_path):
    case = org.case()
    upload(zhang, case, "<img src=x onerror=alert(1)>.jpg", write_jpeg(tmp_path / "p.jpg").read_bytes())
    for url in (f"/cases/{case.pk}/media/", f"/cases/{case.pk}/media/{AvRecord.objects.get().pk}/"):
        html = zhang.get(url).content.decode()
        assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;.jpg" in html


def fragment_queries(client, url) -> int:
    client.get(url, headers={"HX-Request": "true"})
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, headers={"HX-Request": "true"}).status_code == 200
    return len(ctx.captured_queries)


def test_the_fragment_costs_the_same_queries_for_1_or_4_records(org, zhang, samples, tmp_path):
    case = org.case()
    upload(zhang, case, "clip.mp4", samples.video.read_bytes())
    url = f"/cases/{case.pk}/media/"
    one = fragment_queries(zhang, url)
    actions.declare_remote_work(by=org.li, staff=org.li, kind="away", started_at=timezone.now() - timedelta(days=900),
                                returned_at=timezone.now() - timedelta(hours=1), reason="异地协查")
    for i in range(3):
        upload(zhang, case, f"p{i}.jpg", write_jpeg(tmp_path / f"p{i}.jpg", size=(64 + i, 48)).read_bytes(),
               recorded_by=org.li.pk)
    assert fragment_queries(zhang, url) == one == 7
