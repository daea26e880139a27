"""音像记录: the stored bytes (Blob), what is known about each recording (AvRecord), body cameras
(Device), remote-work declarations that move the 24-hour clock (RemoteWork), derivatives that name
their original, resumable upload sessions (Upload, staging only: not a record until complete), the
circumstances that make AV be kept permanently or long-term (RetentionCircumstance) and the
recordings of a complaint's reception (ReceptionRecording).

Originals are never changed: Blob and Derivative rows are Recorded (immutable, in the ledger); the
bytes live in the write-once store (storage/). An AvRecord is Tracked: its facts are written once
at ingest, but its links (case, step, document) may be set later by an action, and every change is
in the ledger."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

from django.db import models

from lawtrail.access.models import Bureau, Staff, Unit
from lawtrail.cases.models import Case, Complaint, StepRecord
from lawtrail.ledger.tracked import Recorded, Tracked
from lawtrail.records.models import Document

UPLOAD_WITHIN = timedelta(hours=24)  # 000 第二十三条, 001 第二十三条, 004 第二十一条


class Blob(Recorded):
    """Bytes in the store, named by their SHA-256; the same bytes uploaded twice are one Blob."""

    sha256 = models.CharField("SHA-256", max_length=64, unique=True)
    sm3 = models.CharField("SM3", max_length=64)
    size = models.BigIntegerField("字节数")
    mime = models.CharField("类型", max_length=100)
    stored_at = models.DateTimeField("入库时间")

    recorded_fields = ("sha256", "sm3", "size", "mime", "stored_at")

    class Meta:
        verbose_name = verbose_name_plural = "存储对象"


class Device(Tracked):
    """执法记录仪 in the bureau's registry (002 第十四条至第二十条)."""

    STATUSES = {"in_service": "在用", "repair": "维修", "retired": "停用"}

    bureau = models.ForeignKey(Bureau, models.PROTECT, related_name="+", verbose_name="所属机关")
    serial = models.CharField("设备编号", max_length=60)
    model = models.CharField("型号", max_length=100, blank=True)
    unit = models.ForeignKey(Unit, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="使用单位")
    assigned_to = models.ForeignKey(Staff, models.PROTECT, null=True, blank=True, related_name="devices",
                                    verbose_name="配发人员")
    status = models.CharField("状态", max_length=12, choices=STATUSES.items(), default="in_service")
    last_docked_at = models.DateTimeField("最近接入采集站时间", null=True, blank=True)
    clock_offset_seconds = models.IntegerField("设备时钟偏差（秒，设备减标准时间）", null=True, blank=True)

    tracked_fields = ("bureau", "serial", "model", "unit", "assigned_to", "status", "last_docked_at",
                      "clock_offset_seconds")

    class Meta:
        verbose_name = verbose_name_plural = "执法记录仪"
        constraints = [models.UniqueConstraint(fields=["bureau", "serial"], name="device_serial_unique")]

    def __str__(self) -> str:
        return f"{self.serial}（{self.model}）" if self.model else self.serial


class RemoteWork(Recorded):
    """连续工作、异地工作或在边远地区: AV recorded then is due 24 hours after the return (000 第二十三条)."""

    KINDS = {"continuous": "连续工作", "away": "异地工作", "remote_area": "边远地区"}

    staff = models.ForeignKey(Staff, models.PROTECT, related_name="+", verbose_name="执法人员")
    kind = models.CharField("情形", max_length=12, choices=KINDS.items())
    started_at = models.DateTimeField("开始时间")
    returned_at = models.DateTimeField("返回时间")
    reason = models.TextField("说明")
    declared_by = models.ForeignKey(Staff, models.PROTECT, related_name="+", verbose_name="登记人")
    declared_at = models.DateTimeField("登记时间")

    recorded_fields = ("staff", "kind", "started_at", "returned_at", "reason", "declared_by", "declared_at")

    class Meta:
        verbose_name = verbose_name_plural = "连续或异地工作登记"


class AvRecord(Tracked):
    KINDS = {"photo": "照片", "audio": "录音", "video": "录像"}
    SOURCES = {"body_camera": "执法记录仪", "camera": "照相机、摄像机", "phone": "手机", "surveillance": "监控录像导出",
               "other": "其他"}
    TIME_SOURCES = {"exif": "照片 EXIF", "container": "文件元数据", "entered": "人工填写"}
    # 000 第二十五条, 002 第二十条, 003 第二十条至第二十一条
    RETENTION = {"case_file": "随案卷保存", "permanent": "永久保存", "long_term": "长期保存",
                 "routine": "一般保存（不少于1年）"}

    bureau = models.ForeignKey(Bureau, models.PROTECT, related_name="+", verbose_name="所属机关")
    case = models.ForeignKey(Case, models.PROTECT, null=True, blank=True, related_name="av_records",
                             verbose_name="案件")
    step = models.ForeignKey(StepRecord, models.PROTECT, null=True, blank=True, related_name="av_records",
                             verbose_name="执法环节")
    document = models.ForeignKey(Document, models.PROTECT, null=True, blank=True, related_name="av_records",
                                 verbose_name="所附文书")
    blob = models.ForeignKey(Blob, models.PROTECT, related_name="records", verbose_name="原件")
    filename = models.CharField("原文件名", max_length=255)
    kind = models.CharField("类别", max_length=8, choices=KINDS.items())
    mime = models.CharField("类型", max_length=100)
    source = models.CharField("来源", max_length=14, choices=SOURCES.items())
    device = models.ForeignKey(Device, models.PROTECT, null=True, blank=True, related_name="records",
                               verbose_name="执法记录仪")
    recorded_by = models.ForeignKey(Staff, models.PROTECT, related_name="av_recorded", verbose_name="拍摄（录制）人")
    capture_start = models.DateTimeField("拍摄开始")
    capture_end = models.DateTimeField("拍摄结束")
    capture_time_source = models.CharField("拍摄时间来源", max_length=10, choices=TIME_SOURCES.items())
    capture_zone_assumed = models.BooleanField("文件未带时区，按北京时间", default=False)
    gps_lat = models.DecimalField("纬度", max_digits=10, decimal_places=7, null=True, blank=True)
    gps_lon = models.DecimalField("经度", max_digits=10, decimal_places=7, null=True, blank=True)
    place = models.CharField("地点（标志性建筑或地址）", max_length=200, blank=True)
    duration_ms = models.BigIntegerField("时长（毫秒）", null=True, blank=True)
    video_codec = models.CharField("视频编码", max_length=30, blank=True)
    audio_codec = models.CharField("音频编码", max_length=30, blank=True)
    width = models.PositiveIntegerField("宽", null=True, blank=True)
    height = models.PositiveIntegerField("高", null=True, blank=True)
    # 004 第二十一条: 标注案号、当事人姓名、承办人姓名
    label_case_number = models.CharField("标注：案号", max_length=60, blank=True)
    label_party = models.CharField("标注：当事人", max_length=200, blank=True)
    label_handlers = models.CharField("标注：承办人", max_length=200, blank=True)
    retention = models.CharField("保存期限", max_length=10, choices=RETENTION.items(), default="case_file")
    retention_reason = models.CharField("保存期限理由", max_length=200, blank=True)
    damaged = models.BooleanField("文件损坏（原件已按原样保存）", default=False)
    notes = models.TextField("元数据说明(JSON)", default="[]")
    uploaded_by = models.ForeignKey(Staff, models.PROTECT, related_name="+", verbose_name="上传人")
    uploaded_at = models.DateTimeField("上传时间")

    tracked_fields = ("bureau", "case", "step", "document", "blob", "filename", "kind", "mime", "source", "device",
                      "recorded_by", "capture_start", "capture_end", "capture_time_source", "capture_zone_assumed",
                      "gps_lat", "gps_lon", "place", "duration_ms", "video_codec", "audio_codec", "width", "height",
                      "label_case_number", "label_party", "label_handlers", "retention", "retention_reason", "damaged",
                      "notes", "uploaded_by", "uploaded_at")

    class Meta:
        verbose_name = verbose_name_plural = "音像记录"
        ordering = ["capture_start", "id"]
        indexes = [models.Index(fields=["device", "capture_start"], name="av_device_time")]

    @property
    def note_list(self) -> list[str]:
        return json.loads(self.notes)

    def due_at(self, remote: RemoteWork | None = None):
        """When it had to be in the system: 24 hours after the recording ended, or after the return
        from the remote work it was recorded in (000 第二十三条)."""
        start = max(self.capture_end, remote.returned_at) if remote else self.capture_end
        return start + UPLOAD_WITHIN


# 000 第二十五条, 002 第二十条, 003 第二十一条: what AV records (or a case) went through that makes
# its AV be kept permanently or long-term. Each seed lists a few of these, in nearly the same words.
CIRCUMSTANCES = {
    "objection": "当事人对现场执法、业务办理有异议，或者投诉、上访",
    "obstruction": "当事人或现场其他人员逃避、拒绝、阻碍执法、妨害公务，或者谩骂、侮辱、殴打执法人员",
    "incident": "处置重大突发事件、群体性事件",
    "major": "其他重大、疑难、复杂的执法活动",
    "other": "其他需要长期保存的情况",
}


class RetentionCircumstance(Recorded):
    """A circumstance noted on one AV record (it records it) or on a case (every AV record of the
    case then counts as recording it): written once by media.retention.note_circumstance; the rules
    (rules/kinds/retention.py) then require the AV records concerned to be kept long enough."""

    av = models.ForeignKey(AvRecord, models.PROTECT, null=True, blank=True, related_name="circumstances",
                           verbose_name="音像记录")
    case = models.ForeignKey(Case, models.PROTECT, null=True, blank=True, related_name="av_circumstances",
                             verbose_name="案件")
    circumstance = models.CharField("情形", max_length=12, choices=CIRCUMSTANCES.items())
    note = models.TextField("说明", max_length=2000)
    noted_by = models.ForeignKey(Staff, models.PROTECT, related_name="+", verbose_name="记录人")
    noted_at = models.DateTimeField("记录时间")

    recorded_fields = ("av", "case", "circumstance", "note", "noted_by", "noted_at")

    class Meta:
        verbose_name = verbose_name_plural = "音像资料保存情形"
        ordering = ["noted_at", "id"]
        constraints = [models.CheckConstraint(
            condition=models.Q(av__isnull=False, case__isnull=True) | models.Q(av__isnull=True, case__isnull=False),
            name="circumstance_on_av_or_case")]


class ReceptionRecording(Recorded):
    """An audio or video record of the reception of a complaint (003 第六条: 在接待地点采用同步录音录像
    系统进行音像记录). A link of its own, so an AvRecord's tracked fields stay as they are."""

    complaint = models.ForeignKey(Complaint, models.PROTECT, related_name="receptions", verbose_name="投诉举报")
    av = models.ForeignKey(AvRecord, models.PROTECT, related_name="receptions", verbose_name="音像记录")
    linked_by = models.ForeignKey(Staff, models.PROTECT, related_name="+", verbose_name="关联人")
    linked_at = models.DateTimeField("关联时间")

    recorded_fields = ("complaint", "av", "linked_by", "linked_at")

    class Meta:
        verbose_name = verbose_name_plural = "投诉举报接待录音录像"
        ordering = ["linked_at", "id"]
        constraints = [models.UniqueConstraint(fields=["complaint", "av"], name="reception_once")]


class Derivative(Recorded):
    """A thumbnail, poster frame or playback copy: its own object, naming its original."""

    PURPOSES = {"thumbnail": "缩略图", "poster": "视频封面", "playback": "低码率播放副本"}

    original = models.ForeignKey(Blob, models.PROTECT, related_name="derivatives", verbose_name="原件")
    blob = models.ForeignKey(Blob, models.PROTECT, related_name="+", verbose_name="派生文件")
    purpose = models.CharField("用途", max_length=10, choices=PURPOSES.items())
    made_at = models.DateTimeField("生成时间")

    recorded_fields = ("original", "blob", "purpose", "made_at")

    class Meta:
        verbose_name = verbose_name_plural = "派生文件"
        constraints = [models.UniqueConstraint(fields=["original", "purpose"], name="one_derivative_per_purpose")]


class Upload(models.Model):
    """A resumable upload in progress: bytes go to a staging file until ``complete`` stores them.
    Not a record: nothing is acknowledged before completion writes the AvRecord and its entry."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    bureau = models.ForeignKey(Bureau, models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, models.PROTECT, null=True, related_name="+")
    created_by = models.ForeignKey(Staff, models.PROTECT, related_name="+")
    filename = models.CharField(max_length=255)
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64, blank=True)  # the client's claim, checked at the end
    received = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    record = models.OneToOneField(AvRecord, models.PROTECT, null=True, related_name="+")


class Job(models.Model):
    """Slow work on a stored original (the playback copy of a long video), done by the worker.
    A work queue, not a record: what it makes is recorded as a Derivative with its own entry."""

    STATUSES = {"queued": "排队", "running": "处理中", "done": "完成", "failed": "失败"}

    original = models.ForeignKey(Blob, models.PROTECT, related_name="+")
    purpose = models.CharField(max_length=10, default="playback")
    status = models.CharField(max_length=8, choices=STATUSES.items(), default="queued")
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True)
    progress = models.CharField(max_length=40, blank=True)  # "37%": shown on the record's page
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["original", "purpose"], name="one_job_per_purpose")]
        indexes = [models.Index(fields=["status", "id"], name="job_queue")]
