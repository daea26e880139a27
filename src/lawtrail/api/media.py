"""/api/v1/…/media: AV evidence for devices and other systems (a docking station, a phone app).
Resumable upload in three calls — create, PUT the bytes in chunks at their offset, complete — and
the case's records. Same rules as the pages: the case must be visible to the caller, every change
goes through media.actions; the upload is acknowledged only by ``complete``."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from lawtrail.access import policy
from lawtrail.digits import is_digits
from lawtrail.media import actions
from lawtrail.media.models import AvRecord
from lawtrail.web.streaming import body_readinto

from .schemas import MAX_ID, Id, PathId, Text, When
from .schemas import errors as fails

router = Router(tags=["音像记录"])


class UploadIn(Schema):
    filename: Text = Field(max_length=255)
    size: int = Field(ge=1, le=MAX_ID, description="文件的字节数")
    sha256: Text = Field("", max_length=64)


class UploadOut(Schema):
    id: UUID
    filename: str
    size: int
    received: int
    record: int | None = None


class FactsIn(Schema):
    source: Text = Field("", max_length=40)
    device: Text = Field("", max_length=60)  # serial of a registered body camera
    recorded_by: Id | None = None       # staff id; the caller when absent
    capture_start: When | None = None  # only used when the file has no capture time of its own
    capture_end: When | None = None
    place: Text = Field("", max_length=200)
    step: Id | None = None
    document: Id | None = None
    retention: Text = Field("", max_length=40)
    retention_reason: Text = Field("", max_length=2000)


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


@router.post("/cases/{case_id}/media/uploads", response={201: UploadOut, **fails(path=True, body=True)},
             summary="开始上传音像记录（可续传）")
def start_upload(request, case_id: PathId, body: UploadIn):
    s = _staff(request)
    case = get_object_or_404(policy.visible_cases(request.user), pk=case_id)
    return Status(201, _upload_out(actions.start_upload(by=s, case=case, filename=body.filename, size=body.size,
                                                        sha256=body.sha256)))


@router.get("/media/uploads/{upload_id}", response={200: UploadOut, **fails(path=True)}, summary="上传进度（续传从 received 开始）")
def get_upload(request, upload_id: UUID):
    return _upload_out(actions.upload_of(_staff(request), upload_id))


@router.put("/media/uploads/{upload_id}", response={200: UploadOut, **fails(path=True, extra=(409,))},
            summary="上传一个分块：请求体为原始字节，offset 为其起点（须等于 received）；已完成的上传答 409")
def put_chunk(request, upload_id: UUID, offset: Annotated[int, Query(ge=0, le=MAX_ID)]):
    s = _staff(request)
    length = request.META.get("CONTENT_LENGTH") or ""
    if not is_digits(length):
        raise ValidationError({"length": "缺少 Content-Length：请声明分块的字节数"})
    # request.read, not request.body: a chunk of many MB must stream to disk, not into memory
    return _upload_out(actions.append_chunk(by=s, upload_id=upload_id, offset=offset, read=request.read,
                                            readinto=body_readinto(request),
                                            length=int(length)))


@router.post("/media/uploads/{upload_id}/complete", response={200: RecordOut, **fails(path=True, body=True)},
             summary="完成上传：服务器校验哈希、存储、读取元数据并记入账本，此时才算上传成功；重复完成返回同一记录")
def complete_upload(request, upload_id: UUID, body: FactsIn):
    s = _staff(request)
    facts = {k: v for k, v in body.dict().items() if v not in (None, "")}
    av = actions.complete_upload(by=s, upload_id=upload_id, facts=facts)
    return record_out(AvRecord.objects.select_related("blob", "device", "recorded_by").get(pk=av.pk))


@router.get("/cases/{case_id}/media", response={200: list[RecordOut], **fails(path=True)}, summary="案件的音像记录")
def list_records(request, case_id: PathId):
    _staff(request)
    case = get_object_or_404(policy.visible_cases(request.user), pk=case_id)
    return [record_out(av) for av in _records(case)]


@router.get("/cases/{case_id}/media/{record_id}", response={200: RecordOut, **fails(path=True)}, summary="一条音像记录")
def get_record(request, case_id: PathId, record_id: PathId):
    _staff(request)
    case = get_object_or_404(policy.visible_cases(request.user), pk=case_id)
    return record_out(get_object_or_404(_records(case), pk=record_id))
