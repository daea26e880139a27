"""/api/v1/…/media: AV evidence for devices and other systems (a docking station, a phone app).
Resumable upload in three calls — create, PUT the bytes in chunks at their offset, complete — and
the case's records. Same rules as the pages: the case must be visible to the caller, every change
goes through media.actions; the upload is acknowledged only by ``complete``."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status

from lawtrail.access import policy
from lawtrail.digits import is_digits
from lawtrail.media import actions
from lawtrail.media.models import AvRecord
from lawtrail.web.streaming import body_readinto

router = Router(tags=["音像记录"])


class UploadIn(Schema):
    filename: str
    size: int
    sha256: str = ""


class UploadOut(Schema):
    id: UUID
    filename: str
    size: int
    received: int
    record: int | None = None


class FactsIn(Schema):
    source: str = ""
    device: str = ""                    # serial of a registered body camera
    recorded_by: int | None = None      # staff id; the caller when absent
    capture_start: datetime | None = None  # only used when the file has no capture time of its own
    capture_end: datetime | None = None
    place: str = ""
    step: int | None = None
    document: int | None = None
    retention: str = ""
    retention_reason: str = ""


class RecordOut(Schema):
    id: int
    case: int | None
    kind: str
    filename: str
    mime: str
    sha256: str
    sm3: str
    size: int
    source: str
    device: str | None
    recorded_by: str
    capture_start: datetime
    capture_end: datetime
    capture_time_source: str
    place: str
    gps: list[str] | None
    duration_ms: int | None
    video_codec: str
    audio_codec: str
    width: int | None
    height: int | None
    labels: dict
    retention: str
    uploaded_at: datetime
    due_at: datetime
    late: bool
    ledger_seq: int


def record_out(av: AvRecord) -> dict:
    t = actions.timeliness(av, actions.remote_work_for(av))
    return {
        "id": av.pk, "case": av.case_id, "kind": av.kind, "filename": av.filename, "mime": av.mime,
        "sha256": av.blob.sha256, "sm3": av.blob.sm3, "size": av.blob.size, "source": av.source,
        "device": av.device.serial if av.device else None, "recorded_by": av.recorded_by.name,
        "capture_start": av.capture_start, "capture_end": av.capture_end,
        "capture_time_source": av.capture_time_source, "place": av.place,
        "gps": [str(av.gps_lat), str(av.gps_lon)] if av.gps_lat is not None else None,
        "duration_ms": av.duration_ms, "video_codec": av.video_codec, "audio_codec": av.audio_codec,
        "width": av.width, "height": av.height,
        "labels": {"case_number": av.label_case_number, "party": av.label_party, "handlers": av.label_handlers},
        "retention": av.retention, "uploaded_at": av.uploaded_at, "due_at": t["due_at"], "late": t["late"],
        "ledger_seq": av.ledger_seq,
    }


def _upload_out(u) -> dict:
    return {"id": u.pk, "filename": u.filename, "size": u.size, "received": u.received, "record": u.record_id}


def _staff(request):
    from .api import _staff  # api.py imports this router once it has its handlers

    return _staff(request)


def _records(case):
    return AvRecord.objects.filter(case=case).select_related("blob", "device", "recorded_by").order_by("capture_start", "id")


@router.post("/cases/{case_id}/media/uploads", response={201: UploadOut}, summary="开始上传音像记录（可续传）")
def start_upload(request, case_id: int, body: UploadIn):
    s = _staff(request)
    case = get_object_or_404(policy.visible_cases(request.user), pk=case_id)
    return Status(201, _upload_out(actions.start_upload(by=s, case=case, filename=body.filename, size=body.size,
                                                        sha256=body.sha256)))


@router.get("/media/uploads/{upload_id}", response=UploadOut, summary="上传进度（续传从 received 开始）")
def get_upload(request, upload_id: UUID):
    return _upload_out(actions.upload_of(_staff(request), upload_id))


@router.put("/media/uploads/{upload_id}", response=UploadOut,
            summary="上传一个分块：请求体为原始字节，offset 为其起点（须等于 received）")
def put_chunk(request, upload_id: UUID, offset: int):
    s = _staff(request)
    length = request.META.get("CONTENT_LENGTH") or ""
    if not is_digits(length):
        raise ValidationError({"length": "缺少 Content-Length：请声明分块的字节数"})
    # request.read, not request.body: a chunk of many MB must stream to disk, not into memory
    return _upload_out(actions.append_chunk(by=s, upload_id=upload_id, offset=offset, read=request.read,
                                            readinto=body_readinto(request),
                                            length=int(length)))


@router.post("/media/uploads/{upload_id}/complete", response=RecordOut,
             summary="完成上传：服务器校验哈希、存储、读取元数据并记入账本，此时才算上传成功")
def complete_upload(request, upload_id: UUID, body: FactsIn):
    s = _staff(request)
    facts = {k: v for k, v in body.dict().items() if v not in (None, "")}
    av = actions.complete_upload(by=s, upload_id=upload_id, facts=facts)
    return record_out(AvRecord.objects.select_related("blob", "device", "recorded_by").get(pk=av.pk))


@router.get("/cases/{case_id}/media", response=list[RecordOut], summary="案件的音像记录")
def list_records(request, case_id: int):
    _staff(request)
    case = get_object_or_404(policy.visible_cases(request.user), pk=case_id)
    return [record_out(av) for av in _records(case)]


@router.get("/cases/{case_id}/media/{record_id}", response=RecordOut, summary="一条音像记录")
def get_record(request, case_id: int, record_id: int):
    _staff(request)
    case = get_object_or_404(policy.visible_cases(request.user), pk=case_id)
    return record_out(get_object_or_404(_records(case), pk=record_id))
