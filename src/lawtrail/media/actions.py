"""The only write path for AV evidence. An upload is staged in chunks (resumable), then completed:
hashed as it was written, stored write-once, probed, and written as an AvRecord with its ledger
entry in one transaction — the upload is acknowledged only then. Devices, docking, remote-work
declarations and every view or download of an original are actions too."""

from __future__ import annotations

import fcntl
import json
import os
import re
import stat
import tempfile
import threading
from datetime import datetime, timedelta
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from lawtrail import text
from lawtrail.access import policy, roles
from lawtrail.access.models import Staff, Unit
from lawtrail.access.policy import Denied
from lawtrail.cases import certificates
from lawtrail.cases.models import Case
from lawtrail.ledger import store as ledger
from lawtrail.ledger.canonical import format_time
from lawtrail.ledger.models import Entry
from lawtrail.ledger.tracked import record
from lawtrail.records.models import Document

from . import ingest, jobs
from .digests import CHUNK_SIZE, HashingWriter, StagedHasher
from .models import AvRecord, Blob, Derivative, Device, RemoteWork, Upload

MAX_UPLOAD_BYTES = 64 * 1024 ** 3   # a day of 1080p body-camera video is ~40 GB
MAX_CHUNK_BYTES = 64 * 1024 ** 2
CLOCK_SKEW = timedelta(minutes=5)
UPLOADERS = roles.OPENS_CASES | {"records_custodian"}  # the case's officers, their head, the 专人
FILENAME_BAD = re.compile(r"[\x00-\x1f\x7f/\\]")

# Hash state of uploads being written, so the digests come from the same pass as the writes. Lost
# on restart; then the staged prefix is hashed once more before the next chunk (_hasher).
_hashers: dict[str, tuple[int, StagedHasher]] = {}
_hashers_lock = threading.Lock()


# A playback of a long video is many range requests over its length: one ledger entry per person,
# record and kind of read (viewed / downloaded) in this window; reading on past it writes another.
PLAYBACK_WINDOW = timedelta(minutes=10)
PLAYBACK_SCAN = 200  # newest entries of the case looked at for it; a busier case is simply logged again


def _actor(by: Staff) -> str:
    return f"user:{by.user_id}"


def may_upload(by: Staff, case: Case | None) -> None:
    """Raise Denied unless ``by`` may add AV records (to ``case``, when given)."""
    if by is None or not by.active or by.role not in UPLOADERS:
        raise Denied("无权上传音像记录：需要执法人员、承办机构负责人或音像资料管理专人")
    if case is not None and not policy.visible_cases(by.user).filter(pk=case.pk).exists():
        raise Denied("无权向该案件上传音像记录")


def clean_filename(name: str) -> str:
    name = (name or "").strip()
    if (p := text.problem(name, text.NAME)) is not None:  # "clip\u202E4pm.exe" would show as "clipexe.mp4"
        raise ValidationError({"filename": f"文件名{p}"})
    if not name or len(name) > 255 or FILENAME_BAD.search(name):
        raise ValidationError({"filename": "文件名无效（不能为空、超过 255 个字符或含控制字符、斜杠）"})
    return name


# --- resumable upload -----------------------------------------------------------------------------

@transaction.atomic
def start_upload(*, by: Staff, case: Case | None, filename: str, size: int, sha256: str = "") -> Upload:
    may_upload(by, case)
    certificates.require(by, timezone.localdate(), "上传音像记录")
    errors = {}
    if not isinstance(size, int) or size <= 0:
        errors["size"] = "文件大小须为正整数（字节）"
    elif size > MAX_UPLOAD_BYTES:
        errors["size"] = f"文件过大：单个文件最大 {MAX_UPLOAD_BYTES // 1024 ** 3} GB"
    sha256 = (sha256 or "").strip().lower()
    if sha256 and not re.fullmatch(r"[0-9a-f]{64}", sha256):
        errors["sha256"] = "SHA-256 应为 64 位十六进制数"
    try:
        filename = clean_filename(filename)
    except ValidationError as e:
        errors |= e.message_dict
    if errors:
        raise ValidationError(errors)
    u = Upload.objects.create(bureau=by.bureau, case=case, created_by=by, filename=filename, size=size, sha256=sha256)
    ingest.staged(u.pk).touch()
    return u


def upload_of(by: Staff, upload_id) -> Upload:
    """The caller's own unfinished upload (an upload id is not a capability: it is checked)."""
    u = Upload.objects.filter(pk=upload_id, created_by=by).select_related("case").first()
    if u is None:
        raise Denied("没有这个上传任务，或它不属于您")
    return u


def _hasher(u: Upload, path: Path) -> StagedHasher:
    """The hash state of the bytes staged so far, taken out of the registry (a failed chunk then
    cannot leave a state that has seen bytes the offset does not count)."""
    with _hashers_lock:
        kept = _hashers.pop(str(u.pk), None)
    if kept and kept[0] == u.received:
        return kept[1]
    if kept:
        kept[1].abandon()
    h = StagedHasher(path)  # after a restart or a failed chunk: hash what is staged, once
    with open(path, "rb") as f:
        left = u.received
        while left:
            block = f.read(min(CHUNK_SIZE, left))
            if not block:
                h.abandon()
                raise ValidationError({"offset": "暂存文件短于已接收的字节数，请重新开始上传"})
            h.extend(block)
            left -= len(block)
    return h


_STORED = "该上传已收齐并存入存储，不能再写入；请完成上传"
_GONE = "暂存文件已不存在，请重新开始上传"


class UploadCompleted(ValidationError):
    """A chunk sent to an upload that is already a record: the client should stop (HTTP 409)."""

    def __init__(self):
        super().__init__({"offset": "该上传已完成，不能再写入"})


def _open_for_chunk(u: Upload, path: Path):
    try:
        return open(path, "r+b")
    except PermissionError:  # made read-only when the store adopted it (and we are not root)
        raise ValidationError({"offset": _STORED}) from None
    except FileNotFoundError:  # a completed upload's staged file is discarded on commit
        u.refresh_from_db()
        raise (UploadCompleted() if u.record_id else ValidationError({"offset": _GONE})) from None


def append_chunk(*, by: Staff, upload_id, offset: int, read, length: int, readinto=None) -> Upload:
    """Write ``length`` bytes from ``read(n)`` at ``offset``, which must be where the upload stands
    (a client that lost track asks ``received`` and resumes from there). With ``readinto`` (a
    streamed body, web/streaming.py) the bytes are read into one buffer, reused for every block.

    1. Lock the staging file (flock), not a database row: a chunk may take minutes on a slow link,
       and no database write lock may be held that long (SQLite has one for the whole database).
    2. Check the offset, write and hash the bytes, fsync.
    3. Advance ``received`` with a conditional UPDATE (``WHERE received = offset``), so a saved
       offset never counts bytes that are not on disk, and two writers cannot both advance it.
    """
    u = upload_of(by, upload_id)
    if u.record_id:
        raise UploadCompleted()
    path = ingest.staged(u.pk)
    with _open_for_chunk(u, path) as f:
        fcntl.flock(f, fcntl.LOCK_EX)  # step 1; released when the file closes
        u.refresh_from_db()
        if u.record_id:
            raise UploadCompleted()
        if not os.fstat(f.fileno()).st_mode & stat.S_IWUSR:  # adopted by the store: it is an original now
            raise ValidationError({"offset": _STORED})
        if offset != u.received:
            raise ValidationError({"offset": f"续传位置不符：服务器已接收 {u.received} 字节，请从该位置继续"})
        if length <= 0 or length > MAX_CHUNK_BYTES or u.received + length > u.size:
            raise ValidationError({"length": f"分块大小无效：应为 1 字节至 {MAX_CHUNK_BYTES // 1024 ** 2} MB，"
                                             "且不超过声明的文件大小"})
        hasher = _hasher(u, path)
        f.seek(u.received)  # step 2
        f.truncate()  # bytes past the saved offset were never acknowledged
        left = length
        buf = memoryview(bytearray(min(CHUNK_SIZE, length))) if readinto else None
        try:
            while left:
                block = buf[:readinto(buf[:left])] if readinto else read(min(CHUNK_SIZE, left))
                if not block:
                    raise ValidationError({"length": "连接中断：收到的字节少于声明的分块大小，请从已接收位置续传"})
                f.write(block)
                f.flush()  # in the file before SM3 reads it back
                hasher.extend(block)  # SHA-256 now; SM3 trails on a helper thread
                left -= len(block)
            os.fsync(f.fileno())
        except BaseException:
            hasher.abandon()  # no job left running on a hash state that is thrown away
            raise
        # SM3 may still trail the bytes written (StagedHasher): it works on through the fsync,
        # this answer and the next chunk's arrival; the completion waits for it.
        moved = Upload.objects.filter(pk=u.pk, received=offset, record__isnull=True).update(  # step 3
            received=offset + length, updated_at=timezone.now())
        if not moved:
            raise ValidationError({"offset": "续传位置已被另一请求改变，请查询已接收字节数后继续"})
        u.received = offset + length
        with _hashers_lock:
            _hashers[str(u.pk)] = (u.received, hasher)
    return u


def complete_upload(*, by: Staff, upload_id, facts: dict) -> AvRecord:
    """Store, probe and record a fully received upload; the answer is the upload's acknowledgement.
    Completing again (a retried request) answers with the same record."""
    u = upload_of(by, upload_id)
    if u.record_id:  # a retry after the answer was lost: the staged file is gone, the record stands
        return AvRecord.objects.get(pk=u.record_id)
    path = ingest.staged(u.pk)
    try:
        f = open(path, "rb")
    except FileNotFoundError:  # completed by a concurrent request since upload_of read the row
        u.refresh_from_db()
        if u.record_id:
            return AvRecord.objects.get(pk=u.record_id)
        raise ValidationError({"__all__": _GONE}) from None
    with f:
        fcntl.flock(f, fcntl.LOCK_EX)  # no chunk and no second completion meanwhile
        u.refresh_from_db()
        if u.record_id:
            return AvRecord.objects.get(pk=u.record_id)
        if u.received != u.size:
            raise ValidationError({"size": f"上传未完成：已接收 {u.received} / {u.size} 字节"})
        hasher = _hasher(u, path)
        with _hashers_lock:  # facts refused below: completing again needs no second hashing pass
            _hashers[str(u.pk)] = (u.received, hasher)
        try:
            i = ingest.run(ingest.Ingest(path=path, filename=u.filename, digests=hasher.digests(),
                                         claimed_sha256=u.sha256), check=_prepare(by, u.case, facts))
        except ValidationError as e:
            if {"file", "sha256"} & set(e.message_dict):  # the bytes themselves are refused: start again
                ingest.discard(path)
                Upload.objects.filter(pk=u.pk).delete()
            raise
        with transaction.atomic():
            av = _write(by=by, case=u.case, i=i)
            if not Upload.objects.filter(pk=u.pk, record__isnull=True).update(record=av):
                raise ValidationError({"__all__": "该上传已由另一请求完成"})
            transaction.on_commit(lambda: ingest.discard(path))
    with _hashers_lock:
        _hashers.pop(str(u.pk), None)
    return av


def ingest_file(*, by: Staff, source: Path, case: Case | None, facts: dict, filename: str | None = None,
                decide=None, before_write=None, on_read=None) -> AvRecord:
    """A file already on this machine (a docking station's dump): copied into staging while hashed,
    then the same steps as an upload. Hooks for importers: ``decide(probe) -> (probe, case)`` may
    correct the facts and choose the case once the file is probed; ``before_write(digests)`` runs
    under the ledger lock just before the record is written (e.g. to refuse a duplicate);
    ``on_read(bytes_so_far)`` reports progress while copying."""
    if case is not None or decide is None:
        may_upload(by, case)
    fd, tmp = tempfile.mkstemp(dir=ingest.staging_dir(), suffix=".part")
    path = Path(tmp)
    try:
        src_fd = os.open(source, os.O_RDONLY | os.O_NOFOLLOW)  # never read through a planted link
        with open(fd, "wb") as out, open(src_fd, "rb") as src:
            w = HashingWriter(out)
            while block := src.read(CHUNK_SIZE):
                w.write(block)
                if on_read:
                    on_read(w.size)
            out.flush()
            os.fsync(out.fileno())
        chosen = case

        def check(i: ingest.Ingest) -> None:
            nonlocal chosen
            if decide is not None:
                i.facts, chosen = decide(i.facts)
                may_upload(by, chosen)
            _prepare(by, chosen, facts)(i)

        i = ingest.run(ingest.Ingest(path=path, filename=clean_filename(filename or source.name), digests=w.digests()),
                       check=check)
        with transaction.atomic():
            if before_write is not None:
                ledger.lock()
                before_write(i.digests)
            return _write(by=by, case=chosen, i=i)
    finally:
        ingest.discard(path)


# --- the record ----------------------------------------------------------------------------------

def _blob(actor: str, digests, mime: str) -> Blob:
    found = Blob.objects.filter(sha256=digests.sha256).first()
    if found:
        return found
    b = Blob(sha256=digests.sha256, sm3=digests.sm3, size=digests.size, mime=mime, stored_at=timezone.now())
    record(actor=actor, action="media.object_stored", subject=f"blob:{digests.sha256}", create=b,
           payload={"sha256": digests.sha256, "sm3": digests.sm3, "size": digests.size})
    return b


def _prepare(by: Staff, case: Case | None, facts: dict):
    """The ingest's ``check`` (ingest.run): the AvRecord built from the probe and the uploader's
    facts, unsaved, before a byte is stored — so facts that are refused leave nothing behind."""

    def check(i: ingest.Ingest) -> None:
        p = i.facts
        av = AvRecord(bureau=by.bureau, case=case, filename=i.filename, kind=p.kind, mime=p.mime, damaged=i.damaged,
                      uploaded_by=by, notes=json.dumps(list(p.notes), ensure_ascii=False),
                      duration_ms=int(p.duration * 1000) if p.duration is not None else None,
                      video_codec=p.video_codec or "", audio_codec=p.audio_codec or "", width=p.width,
                      height=p.height, gps_lat=p.gps.lat if p.gps else None, gps_lon=p.gps.lon if p.gps else None)
        _apply_facts(av, by, case, p, facts)
        i.record = av

    return check


def _write(*, by: Staff, case: Case | None, i: ingest.Ingest) -> AvRecord:
    ledger.lock()  # one writer at a time decides whether the bytes are new (stored once)
    original = _blob(_actor(by), i.digests, i.facts.mime)
    for purpose, d, mime in i.derived:
        derived = _blob(_actor(by), d, mime)
        if not Derivative.objects.filter(original=original, purpose=purpose).exists():
            record(actor=_actor(by), action="media.derivative_made", subject=f"blob:{original.sha256}",
                   create=Derivative(original=original, blob=derived, purpose=purpose, made_at=timezone.now()),
                   payload={"purpose": purpose, "sha256": d.sha256})
    av = i.record
    av.blob, av.uploaded_at = original, timezone.now()
    av.save()
    if jobs.wants_playback_copy(av.kind, av.duration_ms, av.height):
        jobs.enqueue(original)
    record(actor=_actor(by), action="media.av_recorded", subject=f"case:{case.pk}" if case else f"bureau:{by.bureau_id}",
           rows=[av], payload={"kind": av.kind, "filename": av.filename, "sha256": original.sha256,
                               "sm3": original.sm3, "size": original.size, "new_bytes": i.created})
    return av


def _check_recorder(errors: dict, av: AvRecord) -> None:
    """谁执法、谁记录: no one is named as the recorder while his 执法证 is not valid. Judged on the day
    he is named, not on the capture day: AV is due within 24 hours of capture (000 第二十三条), and a
    capture time is what a camera's clock says, which an officer can set."""
    if "recorded_by" in errors:
        return
    problem = certificates.problem(av.recorded_by, timezone.localdate())
    if problem:
        errors["recorded_by"] = f"不能作为拍摄（录制）人：{problem}（执法证有效方可从事执法活动）"


def _label(av: AvRecord, case: Case) -> None:
    """004 第二十一条: 标注案号、当事人姓名、承办人姓名."""
    av.label_case_number = case.number
    av.label_party = "、".join(case.parties.values_list("name", flat=True))[:200]
    av.label_handlers = "、".join(case.handlers.values_list("name", flat=True))[:200]


def _when(errors: dict, name: str, value) -> datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            errors[name] = "时间格式应为 YYYY-MM-DDTHH:MM"
            return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)  # a person types Beijing time
    return value


def _apply_facts(av: AvRecord, by: Staff, case: Case | None, p, facts: dict) -> None:
    """What the uploader says: source, device, who recorded, capture times when the file has none,
    place, the step and document it belongs to, retention. Checked field by field."""
    errors: dict[str, str] = {}
    bureau = by.bureau_id
    av.source = facts.get("source") or ("body_camera" if facts.get("device") else "other")
    if av.source not in AvRecord.SOURCES:
        errors["source"] = "请选择来源"
    device = facts.get("device")
    if device:
        d = device if isinstance(device, Device) else \
            Device.objects.filter(bureau_id=bureau).filter(serial=str(device)).first()
        if d is None or d.bureau_id != bureau:
            errors["device"] = "本机关的执法记录仪登记中没有该设备"
        av.device = d
    who = facts.get("recorded_by") or by
    if not isinstance(who, Staff):
        who = Staff.objects.filter(pk=who, bureau_id=bureau).first()
    if who is None or who.bureau_id != bureau:
        errors["recorded_by"] = "拍摄（录制）人须为本机关人员"
    av.recorded_by = who or by
    uploader = certificates.problem(by, timezone.localdate())
    if uploader:  # checked again here: an upload started before the certificate expired ends after
        errors["__all__"] = f"不能上传音像记录：{uploader}（执法证有效方可从事执法活动）"

    start, end = p.capture_start, p.capture_end
    if start is not None:
        av.capture_time_source, av.capture_zone_assumed = p.capture_time_source, p.capture_time_assumed_zone
    else:  # "otherwise entered and marked as entered"
        start = _when(errors, "capture_start", facts.get("capture_start"))
        end = _when(errors, "capture_end", facts.get("capture_end")) or start
        av.capture_time_source = "entered"
        if start is None and "capture_start" not in errors:
            errors["capture_start"] = "文件中没有拍摄时间，请填写拍摄开始时间"
    if start and end:
        if end < start:
            errors["capture_end"] = "拍摄结束时间不能早于开始时间"
        elif av.capture_time_source == "entered" and end > timezone.now() + CLOCK_SKEW:
            errors["capture_end"] = "拍摄时间不能晚于当前时间"
    av.capture_start, av.capture_end = start, end
    _check_recorder(errors, av)

    av.place = str(facts.get("place") or "").strip()[:200]
    if case is not None:
        _label(av, case)
        step = facts.get("step")
        if step:
            av.step = case.steps.filter(pk=step).first()
            if av.step is None:
                errors["step"] = "该环节不属于本案"
        document = facts.get("document")
        if document:
            av.document = Document.objects.filter(pk=document, case=case).first()
            if av.document is None:
                errors["document"] = "该文书不属于本案"
    elif facts.get("step") or facts.get("document"):
        errors["case"] = "未关联案件的音像记录不能指定环节或文书"
    av.retention = facts.get("retention") or "case_file"
    if av.retention not in AvRecord.RETENTION:
        errors["retention"] = "请选择保存期限"
    av.retention_reason = str(facts.get("retention_reason") or "").strip()[:200]
    if av.retention != "case_file" and not av.retention_reason:
        errors["retention_reason"] = "另定保存期限须写明理由（000 第二十五条）"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def link(*, by: Staff, record_: AvRecord, case: Case, step=None, document=None) -> AvRecord:
    """Attach a record that came in without a case (e.g. an unmatched docking clip) to a case."""
    av = AvRecord.objects.select_for_update(no_key=True, of=("self",)).get(pk=record_.pk)
    may_upload(by, case)
    if av.bureau_id != by.bureau_id:
        raise Denied("无权处理其他机关的音像记录")
    if av.case_id and av.case_id != case.pk:
        raise ValidationError({"case": "该音像记录已属于其他案件"})
    certificates.require(by, timezone.localdate(), "关联音像记录")
    errors: dict = {}
    _check_recorder(errors, av)
    if errors:
        raise ValidationError(errors)
    av.case = case
    _label(av, case)
    av.step = case.steps.filter(pk=step).first() if step else av.step
    av.document = Document.objects.filter(pk=document, case=case).first() if document else av.document
    av.save()
    record(actor=_actor(by), action="media.av_linked", subject=f"case:{case.pk}", rows=[av],
           payload={"record": av.pk})
    return av


def log_access(*, by: Staff, record_: AvRecord, what: str) -> None:
    """Every view and download of an original or its copy is in the ledger (issue #5)."""
    with transaction.atomic():
        ledger.append(actor=_actor(by), action=f"media.{what}", subject=_subject(record_),
                      payload={"record": record_.pk, "sha256": record_.blob.sha256})


def _subject(av: AvRecord) -> str:
    return f"case:{av.case_id}" if av.case_id else f"bureau:{av.bureau_id}"


def log_read(*, by: Staff, record_: AvRecord, what: str, now: datetime | None = None) -> bool:
    """A response carrying bytes of an original, whatever range it asked for: a ledger entry, unless
    the ledger already holds this person's same read (viewed or downloaded) of this record from the
    last PLAYBACK_WINDOW — one entry per playback, not per range request of it. Decided from the
    ledger itself, never from what the request says (its Range, If-Range, a cookie), so no request
    can ask not to be logged. Returns whether an entry was written."""
    now = now or timezone.now()
    since, actor, action = format_time(now - PLAYBACK_WINDOW), _actor(by), f"media.{what}"
    recent = Entry.objects.filter(subject=_subject(record_)).order_by("-seq")[:PLAYBACK_SCAN]
    for e in recent:  # newest first: the case's entries of the last minutes (a busier case: logged again)
        if e.time < since:
            break
        if e.actor == actor and e.action == action and (e.payload or {}).get("record") == record_.pk:
            return False
    log_access(by=by, record_=record_, what=what)
    return True


# --- the 24-hour clock ---------------------------------------------------------------------------

@transaction.atomic
def declare_remote_work(*, by: Staff, staff: Staff, kind: str, started_at, returned_at, reason: str) -> RemoteWork:
    if by.role not in UPLOADERS or staff.bureau_id != by.bureau_id:
        raise Denied("无权登记该人员的连续或异地工作")
    if by.role == "officer" and staff.pk != by.pk:
        raise Denied("执法人员只能登记本人的连续或异地工作")
    errors = {}
    if kind not in RemoteWork.KINDS:
        errors["kind"] = "请选择情形：连续工作、异地工作或边远地区"
    if not (reason or "").strip():
        errors["reason"] = "请说明情况"
    if started_at is None or returned_at is None or returned_at <= started_at:
        errors["returned_at"] = "返回时间须晚于开始时间"
    if errors:
        raise ValidationError(errors)
    r = RemoteWork(staff=staff, kind=kind, started_at=started_at, returned_at=returned_at, reason=reason.strip(),
                   declared_by=by, declared_at=timezone.now())
    record(actor=_actor(by), action="media.remote_work_declared", subject=f"staff:{staff.pk}", create=r,
           payload={"kind": kind})
    return r


def remote_work_for(av: AvRecord) -> RemoteWork | None:
    """The declaration (of the officer who recorded) that the recording's end falls in, if any."""
    return remote_works_for([av])[av.pk]


def remote_works_for(records) -> dict:
    """``remote_work_for`` of every record, in one query: {record pk: RemoteWork or None}."""
    if not records:
        return {}
    ends = [av.capture_end for av in records]
    works = list(RemoteWork.objects.filter(staff_id__in={av.recorded_by_id for av in records},
                                           started_at__lte=max(ends), returned_at__gte=min(ends))
                 .order_by("-returned_at"))
    return {av.pk: next((w for w in works if w.staff_id == av.recorded_by_id
                         and w.started_at <= av.capture_end <= w.returned_at), None) for av in records}


def timeliness(av: AvRecord, remote: RemoteWork | None = None) -> dict:
    due = av.due_at(remote)
    return {"due_at": due, "late": av.uploaded_at > due, "remote": remote,
            "late_by": av.uploaded_at - due if av.uploaded_at > due else None}


# --- body cameras --------------------------------------------------------------------------------

DEVICE_ADMINS = frozenset({"records_custodian", "unit_head"})


def _device_admin(by: Staff, unit: Unit | None = None) -> None:
    """The 专人 keeps the bureau's registry; a unit head registers and assigns his unit's cameras."""
    if by is None or not by.active or by.role not in DEVICE_ADMINS:
        raise Denied("执法记录仪由音像资料管理专人或承办机构负责人登记")
    if by.role == "unit_head" and (unit is None or unit.pk != by.unit_id):
        raise Denied("承办机构负责人只能登记和调配本单位的执法记录仪")


@transaction.atomic
def register_device(*, by: Staff, serial: str, model: str = "", unit: Unit | None = None,
                    assigned_to: Staff | None = None) -> Device:
    _device_admin(by, unit)
    serial = (serial or "").strip()
    if not re.fullmatch(r"[0-9A-Za-z._-]{1,60}", serial):
        raise ValidationError({"serial": "设备编号只能含字母、数字、点、下划线和连字符（最多 60 个字符）"})
    if Device.objects.filter(bureau=by.bureau, serial=serial).exists():
        raise ValidationError({"serial": "该设备编号已登记"})
    for who, name in ((unit, "unit"), (assigned_to, "assigned_to")):
        if who is not None and who.bureau_id != by.bureau_id:
            raise ValidationError({name: "只能选择本机关的单位和人员"})
    d = Device.objects.create(bureau=by.bureau, serial=serial, model=(model or "").strip()[:100], unit=unit,
                              assigned_to=assigned_to)
    record(actor=_actor(by), action="media.device_registered", subject=f"device:{d.pk}", rows=[d])
    return d


@transaction.atomic
def update_device(*, by: Staff, device: Device, **changes) -> Device:
    d = Device.objects.select_for_update(no_key=True).get(pk=device.pk, bureau=by.bureau)
    _device_admin(by, d.unit)
    for name in ("model", "unit", "assigned_to", "status"):
        if name in changes:
            setattr(d, name, changes[name])
    _device_admin(by, d.unit)  # and the unit it moves to
    for who, name in ((d.unit, "unit"), (d.assigned_to, "assigned_to")):
        if who is not None and who.bureau_id != by.bureau_id:
            raise ValidationError({name: "只能选择本机关的单位和人员"})
    if d.status not in Device.STATUSES:
        raise ValidationError({"status": "状态无效"})
    d.save()
    record(actor=_actor(by), action="media.device_updated", subject=f"device:{d.pk}", rows=[d])
    return d


@transaction.atomic
def record_docking(*, by: Staff, device: Device, device_clock: datetime | None) -> Device:
    """The camera was docked now; its clock read ``device_clock`` (offset kept, 002 第十五条)."""
    d = Device.objects.select_for_update(no_key=True).get(pk=device.pk, bureau=by.bureau)
    now = timezone.now()
    d.last_docked_at = now
    if device_clock is not None:
        d.clock_offset_seconds = round((device_clock - now).total_seconds())
    d.save()
    record(actor=_actor(by), action="media.device_docked", subject=f"device:{d.pk}", rows=[d],
           payload={"clock_offset_seconds": d.clock_offset_seconds})
    return d
