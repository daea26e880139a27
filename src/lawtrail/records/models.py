"""Documents. A ``Document`` is one document of a case (its kind, 文号, status, the draft being
edited); each finalisation writes an immutable ``Version`` (the database refuses UPDATE and DELETE);
signatures, refusals and service are immutable rows about a version. A correction is a new version
that supersedes the old one, with its reason; both stay."""

from __future__ import annotations

import json

from django.db import models

from lawtrail.access.models import Staff
from lawtrail.cases.models import Case
from lawtrail.ledger.tracked import Recorded, Tracked


class Document(Tracked):
    STATUSES = {"draft": "草稿", "finalised": "已定稿", "correcting": "更正中"}

    case = models.ForeignKey(Case, models.PROTECT, related_name="documents", verbose_name="案件")
    kind = models.CharField("文书种类", max_length=40)
    number = models.CharField("文号", max_length=60, blank=True)
    status = models.CharField("状态", max_length=12, choices=STATUSES.items(), default="draft")
    draft = models.TextField("草稿内容(JSON)", default="{}")
    created_by = models.ForeignKey(Staff, models.PROTECT, related_name="+", verbose_name="制作人")
    created_at = models.DateTimeField("创建时间")

    tracked_fields = ("case", "kind", "number", "status", "draft", "created_by", "created_at")

    class Meta:
        verbose_name = verbose_name_plural = "文书"
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "number"], condition=~models.Q(number=""),
                                               name="document_number_unique")]

    @property
    def draft_values(self) -> dict:
        return json.loads(self.draft)


class Version(Recorded):
    """A finalised version. Its entry keeps the content's SHA-256 and SM3 (not the content, which
    may be long); verify re-hashes the content (records/checks.py)."""

    document = models.ForeignKey(Document, models.PROTECT, related_name="versions", verbose_name="文书")
    version = models.PositiveIntegerField("版本")
    content = models.TextField("内容(规范JSON)")
    sha256 = models.CharField("SHA-256", max_length=64)
    sm3 = models.CharField("SM3", max_length=64)
    finalised_by = models.ForeignKey(Staff, models.PROTECT, related_name="+", verbose_name="定稿人")
    finalised_at = models.DateTimeField("定稿时间")
    correction_reason = models.TextField("更正理由", blank=True)

    recorded_fields = ("document", "version", "sha256", "sm3", "finalised_by", "finalised_at", "correction_reason")

    class Meta:
        verbose_name = verbose_name_plural = "文书版本"
        ordering = ["document_id", "version"]
        constraints = [models.UniqueConstraint(fields=["document", "version"], name="version_unique")]

    @property
    def values(self) -> dict:
        return json.loads(self.content)


class Signature(Recorded):
    METHODS = {"handwriting": "手写签名（平板采集）", "electronic": "电子签名", "seal": "盖章"}

    version = models.ForeignKey(Version, models.PROTECT, related_name="signatures", verbose_name="文书版本")
    role = models.CharField("签名身份", max_length=20)   # a catalogue signer code, or "party"
    staff = models.ForeignKey(Staff, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="工作人员")
    name = models.CharField("签名人", max_length=100)
    method = models.CharField("方式", max_length=12, choices=METHODS.items())
    image_sha256 = models.CharField("签名图像 SHA-256", max_length=64, blank=True)
    signed_at = models.DateTimeField("签名时间")

    recorded_fields = ("version", "role", "staff", "name", "method", "image_sha256", "signed_at")

    class Meta:
        verbose_name = verbose_name_plural = "签名"
        ordering = ["signed_at", "id"]


class Refusal(Recorded):
    """The party (or another person) refused to sign: who, why, witnesses, and the AV record of it."""

    version = models.ForeignKey(Version, models.PROTECT, related_name="refusals", verbose_name="文书版本")
    role = models.CharField("身份", max_length=20, default="party")
    name = models.CharField("拒签人", max_length=100)
    reason = models.TextField("拒签情况/理由", max_length=2000)
    witnesses = models.TextField("见证人(JSON)", default="[]")
    av_record = models.CharField("拒签过程音像记录", max_length=100, blank=True)
    recorded_by = models.ForeignKey(Staff, models.PROTECT, related_name="+", verbose_name="记录人")
    recorded_at = models.DateTimeField("记录时间")

    recorded_fields = ("version", "role", "name", "reason", "witnesses", "av_record", "recorded_by", "recorded_at")

    class Meta:
        verbose_name = verbose_name_plural = "拒签记录"


class SignatureImage(models.Model):
    """Handwriting or seal images, content-addressed; a signature names its image's hash."""

    sha256 = models.CharField(max_length=64, primary_key=True)
    mime = models.CharField(max_length=20)
    data = models.BinaryField()

    class Meta:
        verbose_name = verbose_name_plural = "签名图像"


class NumberCounter(models.Model):
    """Last 文号 serial per bureau, kind and year (same allocation as 案号: cases/numbers.py)."""

    bureau = models.ForeignKey("access.Bureau", models.PROTECT)
    kind = models.CharField(max_length=40)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["bureau", "kind", "year"], name="document_counter_unique")]


class Service(Recorded):
    """送达: how, when and to whom a served document was delivered, with its proof (回执, 邮件号,
    公告载体…). The rules on methods and carriers (e.g. postal only by 挂号信 or EMS, 000 第二十条) are
    the rule profiles'; this row keeps the facts."""

    METHODS = {"direct": "直接送达", "postal": "邮寄送达", "left_at_residence": "留置送达",
               "public_notice": "公告送达", "entrusted": "委托送达", "forwarded": "转交送达", "electronic": "电子送达"}
    CARRIERS = {"registered_mail": "挂号信", "ems": "特快专递（EMS）", "other": "其他"}

    version = models.ForeignKey(Version, models.PROTECT, related_name="services", verbose_name="文书版本")
    method = models.CharField("送达方式", max_length=20, choices=METHODS.items())
    carrier = models.CharField("邮寄方式", max_length=20, choices=CARRIERS.items(), blank=True)
    recipient = models.CharField("受送达人", max_length=100)
    place = models.CharField("送达地点", max_length=200, blank=True)
    served_at = models.DateTimeField("送达时间")
    witnesses = models.TextField("见证人(JSON)", default="[]")
    receipt = models.CharField("送达凭证（回执、邮件号、公告载体等）", max_length=200, blank=True)
    recorded_by = models.ForeignKey(Staff, models.PROTECT, related_name="+", verbose_name="记录人")
    recorded_at = models.DateTimeField("记录时间")

    recorded_fields = ("version", "method", "carrier", "recipient", "place", "served_at", "witnesses", "receipt",
                       "recorded_by", "recorded_at")

    class Meta:
        verbose_name = verbose_name_plural = "送达记录"


class ServiceReceipt(Recorded):
    """The 送达回证 made from a service record: which Service it proves and which document holds it.
    One receipt per service; the receipt itself is an ordinary document (finalised, signed by the
    送达人 and the 受送达人 or with a recorded refusal)."""

    service = models.OneToOneField(Service, models.PROTECT, related_name="receipt_link", verbose_name="送达记录")
    document = models.OneToOneField(Document, models.PROTECT, related_name="receipt_for", verbose_name="送达回证")

    recorded_fields = ("service", "document")

    class Meta:
        verbose_name = verbose_name_plural = "送达回证关联"
