"""AV evidence from upload to record: chunked and resumable, hashed as written, stored once,
probed, labelled with the case (004 第二十一条), on the 24-hour clock (000 第二十三条)."""

import hashlib
import io
import os
import random
import stat
import struct
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone

from lawtrail.access.policy import Denied
from lawtrail.ledger import verify
from lawtrail.ledger.models import Entry
from lawtrail.media import actions, ingest
from lawtrail.media.models import AvRecord, Blob, Derivative, Upload
from lawtrail.media.storage import get_store

from .samples import CREATION_UTC, parse_utc, samples, write_jpeg  # noqa: F401 (fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_in_tmp")]


def upload(by, case, path, chunks=3, sha256="", facts=None):
    data = path.read_bytes()
    u = actions.start_upload(by=by, case=case, filename=path.name, size=len(data), sha256=sha256)
    step = -(-len(data) // chunks)
    for at in range(0, len(data), step):
        piece = io.BytesIO(data[at:at + step])
        actions.append_chunk(by=by, upload_id=u.pk, offset=at, read=piece.read, length=len(piece.getvalue()))
    return actions.complete_upload(by=by, upload_id=u.pk, facts=facts or {"source": "body_camera"}), u


def test_a_video_uploaded_in_chunks_is_stored_hashed_probed_and_labelled(org, samples,
                                                                         django_capture_on_commit_callbacks):
    case = org.case()
    data = samples.video.read_bytes()
    with django_capture_on_commit_callbacks(execute=True):  # the staged copy goes once committed
        av, u = upload(org.zhang, case, samples.video, sha256=hashlib.sha256(data).hexdigest())
    assert av.blob.sha256 == hashlib.sha256(data).hexdigest() and av.blob.sm3 == hashlib.new("sm3", data).hexdigest()
    assert (av.kind, av.video_codec, av.audio_codec, av.width, av.height) == ("video", "h264", "aac", 320, 240)
    assert av.capture_start == parse_utc(CREATION_UTC) and av.capture_time_source == "container"
    assert 1900 <= av.duration_ms <= 2100 and av.gps_lat is not None
    assert av.label_case_number == case.number and "大连星海" in av.label_party and "张伟" in av.label_handlers
    assert get_store().exists(av.blob.sha256) and not ingest.staged(u.pk).exists()
    poster = Derivative.objects.get(original=av.blob, purpose="poster")
    assert get_store().exists(poster.blob.sha256) and poster.blob.mime == "image/jpeg"
    e = Entry.objects.get(seq=av.ledger_seq)
    assert e.action == "media.av_recorded" and e.subject == f"case:{case.pk}" and e.payload["sha256"] == av.blob.sha256
    assert verify.run().ok


def test_an_upload_resumes_from_where_the_server_stands_even_after_a_restart(org, samples):
    case = org.case()
    data = samples.video.read_bytes()
    u = actions.start_upload(by=org.zhang, case=case, filename="clip.mp4", size=len(data))
    half = len(data) // 2
    actions.append_chunk(by=org.zhang, upload_id=u.pk, offset=0, read=io.BytesIO(data[:half]).read, length=half)
    with pytest.raises(ValidationError) as e:  # the client thinks it sent nothing
        actions.append_chunk(by=org.zhang, upload_id=u.pk, offset=0, read=io.BytesIO(data).read, length=len(data))
    assert f"已接收 {half} 字节" in e.value.messages[0]
    broken = io.BytesIO(data[half:half + 100])  # the connection drops mid-chunk
    with pytest.raises(ValidationError):
        actions.append_chunk(by=org.zhang, upload_id=u.pk, offset=half, read=broken.read, length=len(data) - half)
    actions._hashers.clear()  # the server restarted
    actions.append_chunk(by=org.zhang, upload_id=u.pk, offset=half, read=io.BytesIO(data[half:]).read,
                         length=len(data) - half)
    av = actions.complete_upload(by=org.zhang, upload_id=u.pk, facts={"source": "body_camera"})
    assert av.blob.sha256 == hashlib.sha256(data).hexdigest() and av.blob.size == len(data)
    assert actions.complete_upload(by=org.zhang, upload_id=u.pk, facts={}) == av  # a retried completion


def test_a_streamed_chunk_read_into_one_reused_buffer_is_hashed_like_any_and_a_short_one_is_refused(org, samples):
    """``readinto`` (a body lawtrail serve streams): the blocks of one chunk pass through one buffer,
    reused; a body that ends early is refused and the upload resumes from the acknowledged offset."""
    padding = random.Random(3).randbytes(9 << 20)  # a trailing MP4 ``free`` box: more than two blocks
    data = samples.video.read_bytes() + struct.pack(">I4sQ", 1, b"free", 16 + len(padding)) + padding
    u = actions.start_upload(by=org.zhang, case=org.case(), filename="clip.mp4", size=len(data))
    first = len(data) - (1 << 20)
    actions.append_chunk(by=org.zhang, upload_id=u.pk, offset=0, read=None, readinto=io.BytesIO(data[:first]).readinto,
                         length=first)
    with pytest.raises(ValidationError) as e:  # the client stopped half-way through the last chunk
        actions.append_chunk(by=org.zhang, upload_id=u.pk, offset=first, read=None,
                             readinto=io.BytesIO(data[first:first + 1000]).readinto, length=len(data) - first)
    assert "连接中断" in e.value.message_dict["length"][0]
    actions.append_chunk(by=org.zhang, upload_id=u.pk, offset=first, read=None,
                         readinto=io.BytesIO(data[first:]).readinto, length=len(data) - first)
    av = actions.complete_upload(by=org.zhang, upload_id=u.pk, facts={"source": "body_camera"})
    assert (av.blob.sha256, av.blob.sm3, av.blob.size) == (hashlib.sha256(data).hexdigest(),
                                                           hashlib.new("sm3", data).hexdigest(), len(data))
    assert av.kind == "video"


def test_a_hash_that_does_not_match_the_bytes_is_refused_and_nothing_is_recorded(org, samples):
    with pytest.raises(ValidationError) as e:
        upload(org.zhang, org.case(), samples.photo, sha256="0" * 64)
    assert "校验值不符" in e.value.message_dict["sha256"][0]
    assert not AvRecord.objects.exists() and not Blob.objects.exists()


def test_the_same_bytes_uploaded_twice_are_stored_once_and_referenced_twice(org, samples):
    case = org.case()
    first, _ = upload(org.zhang, case, samples.photo)
    second, _ = upload(org.li, case, samples.photo)
    assert first.pk != second.pk and first.blob_id == second.blob_id and Blob.objects.filter(
        sha256=first.blob.sha256).count() == 1
    assert Entry.objects.get(seq=second.ledger_seq).payload["new_bytes"] is False


def test_a_file_without_its_own_capture_time_needs_one_entered_and_is_marked_so(org, samples, tmp_path):
    case = org.case()
    bare = write_jpeg(tmp_path / "bare.jpg", when=None, gps=False)
    with pytest.raises(ValidationError) as e:
        upload(org.zhang, case, bare, facts={"source": "camera"})
    assert "请填写拍摄开始时间" in e.value.message_dict["capture_start"][0]
    when = timezone.localtime() - timedelta(hours=2)
    av, _ = upload(org.zhang, case, bare, facts={"source": "camera", "capture_start": when.isoformat(),
                                                  "place": "星海广场东侧"})
    assert av.capture_time_source == "entered" and av.capture_start == av.capture_end and av.place == "星海广场东侧"


def test_who_may_upload_to_a_case(org, samples):
    case = org.case()
    for outsider in (org.liu, org.admin, org.auditor):
        with pytest.raises(Denied):
            actions.start_upload(by=outsider, case=case, filename="a.jpg", size=10)
    actions.start_upload(by=org.records, case=case, filename="a.jpg", size=10)  # the bureau's 专人
    u = actions.start_upload(by=org.zhang, case=case, filename="a.jpg", size=10)
    with pytest.raises(Denied):  # another person cannot write into zhang's upload
        actions.append_chunk(by=org.li, upload_id=u.pk, offset=0, read=io.BytesIO(b"x" * 10).read, length=10)


@pytest.mark.parametrize("name,size,field", [("", 10, "filename"), ("a/../b.mp4", 10, "filename"),
                                             ("a.mp4", 0, "size"), ("a.mp4", 65 * 1024 ** 3, "size")])
def test_bad_upload_declarations_are_refused_with_the_field(org, name, size, field):
    with pytest.raises(ValidationError) as e:
        actions.start_upload(by=org.zhang, case=org.case(), filename=name, size=size)
    assert field in e.value.message_dict and not Upload.objects.exists()


def test_an_upload_later_than_24_hours_after_recording_is_late_unless_remote_work_moves_the_clock(org, samples):
    av, _ = upload(org.zhang, org.case(), samples.photo)  # taken 2024-05-01, uploaded now
    t = actions.timeliness(av)
    assert t["late"] and t["due_at"] == av.capture_end + timedelta(hours=24)
    back = timezone.now() - timedelta(hours=3)
    remote = actions.declare_remote_work(by=org.zhang, staff=org.zhang, kind="remote_area",
                                         started_at=av.capture_end - timedelta(days=1), returned_at=back,
                                         reason="赴边远山区连续执法检查")
    assert actions.remote_work_for(av) == remote
    t = actions.timeliness(av, actions.remote_work_for(av))
    assert not t["late"] and t["due_at"] == back + timedelta(hours=24)
    with pytest.raises(Denied):  # an officer declares only for himself
        actions.declare_remote_work(by=org.zhang, staff=org.li, kind="away", started_at=back, returned_at=back,
                                    reason="x")


def test_originals_and_records_cannot_be_deleted_or_rewritten(org, samples):
    av, _ = upload(org.zhang, org.case(), samples.photo)
    with pytest.raises(DatabaseError), transaction.atomic():
        Blob.objects.filter(pk=av.blob_id).update(sha256="0" * 64)
    with pytest.raises(DatabaseError), transaction.atomic():
        AvRecord.objects.filter(pk=av.pk).delete()
    assert not hasattr(get_store(), "delete")


def test_a_file_that_is_not_media_is_refused_before_anything_is_stored(org, tmp_path):
    fake = tmp_path / "clip.mp4"
    fake.write_text("这不是视频" * 100, encoding="utf-8")
    with pytest.raises(ValidationError) as e:
        _, u = upload(org.zhang, org.case(), fake)
    assert "file" in e.value.message_dict
    assert not list(get_store().iter_objects()) and not Blob.objects.exists()
    assert not Upload.objects.exists() and not list(ingest.staging_dir().glob("*.part"))


def test_a_damaged_video_is_kept_and_flagged_and_needs_its_time_entered(org, samples, tmp_path):
    cut = tmp_path / "power-cut.mp4"  # a camera that lost power: the header is there, the index is not
    cut.write_bytes(samples.video.read_bytes()[:4096])
    case = org.case()
    with pytest.raises(ValidationError) as e:
        upload(org.zhang, case, cut)
    assert "capture_start" in e.value.message_dict  # nothing in the file says when
    assert not list(get_store().iter_objects())  # refused facts leave nothing stored
    when = timezone.localtime() - timedelta(hours=1)
    av, _ = upload(org.zhang, case, cut, facts={"source": "body_camera", "capture_start": when.isoformat()})
    assert av.damaged and av.kind == "video" and av.mime == "video/mp4" and "已损坏" in av.note_list[0]
    assert get_store().exists(av.blob.sha256) and not Derivative.objects.filter(original=av.blob).exists()
    assert verify.run().ok


@pytest.mark.parametrize("name", ["scene.jpg", "interview.m4a"])
def test_content_that_contradicts_the_extension_is_refused(org, samples, name):
    data = samples.video.read_bytes()
    u = actions.start_upload(by=org.zhang, case=org.case(), filename=name, size=len(data))
    actions.append_chunk(by=org.zhang, upload_id=u.pk, offset=0, read=io.BytesIO(data).read, length=len(data))
    with pytest.raises(ValidationError) as e:
        actions.complete_upload(by=org.zhang, upload_id=u.pk, facts={})
    assert "与扩展名" in e.value.message_dict["file"][0] and not Blob.objects.exists()


def test_the_staged_upload_becomes_the_stored_original_without_a_copy(org, samples,
                                                                     django_capture_on_commit_callbacks):
    data = samples.video.read_bytes()
    u = actions.start_upload(by=org.zhang, case=org.case(), filename="clip.mp4", size=len(data))
    staged = ingest.staged(u.pk)
    assert staged.parent == get_store().staging_dir()  # inside objects/.incoming: the same filesystem
    half = len(data) // 2
    for at, piece in ((0, data[:half]), (half, data[half:])):
        actions.append_chunk(by=org.zhang, upload_id=u.pk, offset=at, read=io.BytesIO(piece).read, length=len(piece))
    inode = os.stat(staged).st_ino
    with django_capture_on_commit_callbacks(execute=False) as committed:
        av = actions.complete_upload(by=org.zhang, upload_id=u.pk, facts={"source": "body_camera"})
    stored = get_store().path(av.blob.sha256)
    found = os.stat(stored)
    assert (found.st_ino, found.st_nlink, stat.S_IMODE(found.st_mode)) == (inode, 2, 0o400)  # linked, not copied
    for callback in committed:  # once committed, the staging name goes; the original stays
        callback()
    assert not staged.exists() and os.stat(stored).st_nlink == 1 and stored.read_bytes() == data
    assert av.blob.sha256 == hashlib.sha256(data).hexdigest() and av.blob.sm3 == hashlib.new("sm3", data).hexdigest()


def test_a_completion_that_fails_after_storing_can_be_retried_and_the_original_is_never_written_again(
        org, samples, monkeypatch):
    data = samples.photo.read_bytes()
    u = actions.start_upload(by=org.zhang, case=org.case(), filename="photo.jpg", size=len(data))
    actions.append_chunk(by=org.zhang, upload_id=u.pk, offset=0, read=io.BytesIO(data).read, length=len(data))

    def database_gone(**kw):
        raise DatabaseError("连接中断")

    monkeypatch.setattr(actions, "_write", database_gone)
    with pytest.raises(DatabaseError):
        actions.complete_upload(by=org.zhang, upload_id=u.pk, facts={"source": "camera"})
    monkeypatch.undo()
    stored = get_store().path(hashlib.sha256(data).hexdigest())
    assert os.stat(stored).st_ino == os.stat(ingest.staged(u.pk)).st_ino  # adopted before the failure
    for offset, more in ((len(data), b"x"), (0, data)):  # more bytes, or a client that lost track
        with pytest.raises(ValidationError) as e:
            actions.append_chunk(by=org.zhang, upload_id=u.pk, offset=offset, read=io.BytesIO(more).read,
                                 length=len(more))
        assert "已收齐并存入存储" in e.value.messages[0]
    assert stored.read_bytes() == data  # root or not, nothing was truncated or appended
    av = actions.complete_upload(by=org.zhang, upload_id=u.pk, facts={"source": "camera"})
    assert av.blob.sha256 == hashlib.sha256(data).hexdigest() and stored.read_bytes() == data
    assert (av.blob.sha256, len(data)) in set(get_store().iter_objects())


def test_uploads_abandoned_for_days_are_cleaned_up_and_finished_ones_kept(org, samples):
    from django.core.management import call_command

    done, _ = upload(org.zhang, org.case(), samples.photo)
    old = actions.start_upload(by=org.zhang, case=org.case(), filename="a.jpg", size=10)
    actions.append_chunk(by=org.zhang, upload_id=old.pk, offset=0, read=io.BytesIO(b"x" * 4).read, length=4)
    fresh = actions.start_upload(by=org.zhang, case=org.case(), filename="b.jpg", size=10)
    Upload.objects.filter(pk=old.pk).update(updated_at=timezone.now() - timedelta(days=8))
    out = io.StringIO()
    call_command("media_cleanup", stdout=out)
    assert "已清理 1 个" in out.getvalue()
    assert not Upload.objects.filter(pk=old.pk).exists() and not ingest.staged(old.pk).exists()
    assert Upload.objects.filter(pk=fresh.pk).exists() and Upload.objects.filter(record=done).exists()
    assert get_store().exists(done.blob.sha256)
