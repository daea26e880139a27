"""Organisation and accounts. Every row here is tracked: it changes only through access/actions.py,
which writes it and its ledger entry in one transaction (see ledger/tracked.py)."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models

from lawtrail.ledger.tracked import Tracked

from .roles import HOLDS_CERTIFICATE, ROLES

PROFILES = {
    "000": "000 大连金普新区文化旅游局",
    "001": "001 大连金普新区交通运输局",
    "002": "002 盘锦市兴隆台区发改局",
    "003": "003 金普新区民族和宗教事务局",
    "004": "004 金普新区司法局",
}
DEFAULT_CASE_NUMBER_FORMAT = "{abbr}{act}〔{year}〕{n}号"


class Bureau(Tracked):
    code = models.SlugField("代码", max_length=40, unique=True)
    name = models.CharField("机关名称", max_length=100)
    abbr = models.CharField("案号简称", max_length=20, help_text="案号前缀，如“金普文旅”")
    profile = models.CharField("规则配置", max_length=3, choices=PROFILES.items())
    case_number_format = models.CharField(
        "案号格式", max_length=60, default=DEFAULT_CASE_NUMBER_FORMAT,
        help_text="可用 {abbr} 简称、{act} 行为字（许/罚/强/检/征）、{year} 年份、{n} 序号")

    tracked_fields = ("code", "name", "abbr", "profile", "case_number_format")

    class Meta:
        verbose_name = verbose_name_plural = "执法机关"

    def __str__(self):
        return self.name


class Unit(Tracked):
    KINDS = {"section": "科室", "team": "执法队"}
    bureau = models.ForeignKey(Bureau, models.PROTECT, related_name="units", verbose_name="执法机关")
    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类型", max_length=10, choices=KINDS.items(), default="section")

    tracked_fields = ("bureau", "name", "kind")

    class Meta:
        verbose_name = verbose_name_plural = "承办机构"
        constraints = [models.UniqueConstraint(fields=["bureau", "name"], name="unit_name_unique")]

    def __str__(self):
        return self.name


class Staff(Tracked):
    """A person's place in a bureau: one role, a unit, and for officers the 执法证."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.PROTECT, primary_key=True,
                                related_name="staff", verbose_name="账号")
    name = models.CharField("姓名", max_length=50)
    bureau = models.ForeignKey(Bureau, models.PROTECT, related_name="staff", verbose_name="执法机关")
    unit = models.ForeignKey(Unit, models.PROTECT, null=True, blank=True, related_name="staff",
                             verbose_name="承办机构")
    role = models.CharField("角色", max_length=20, choices=ROLES.items())
    certificate_no = models.CharField("执法证号", max_length=40, blank=True)
    certificate_valid_from = models.DateField("执法证有效期起", null=True, blank=True)
    certificate_valid_until = models.DateField("执法证有效期止", null=True, blank=True)
    active = models.BooleanField("在岗", default=True)

    tracked_fields = ("name", "bureau", "unit", "role", "certificate_no", "certificate_valid_from",
                      "certificate_valid_until", "active")

    class Meta:
        verbose_name = verbose_name_plural = "工作人员"
        ordering = ["bureau_id", "name"]

    def __str__(self):
        return self.name

    @property
    def role_label(self) -> str:
        return ROLES.get(self.role, self.role)

    def certificate_problem(self, on: date) -> str | None:
        """Why this person cannot act as a handler on ``on``, or None (执法证 valid that day)."""
        if self.role not in HOLDS_CERTIFICATE or not self.certificate_no:
            return f"{self.name} 不是持有执法证的执法人员"
        if not self.active:
            return f"{self.name} 已不在岗"
        if self.certificate_valid_from and on < self.certificate_valid_from:
            return f"{self.name} 的执法证（{self.certificate_no}）{self.certificate_valid_from} 起才生效"
        if not self.certificate_valid_until or on > self.certificate_valid_until:
            return f"{self.name} 的执法证（{self.certificate_no}）已于 {self.certificate_valid_until} 过期"
        return None


class LoginAttempt(models.Model):
    """Failed and successful logins, for throttling (the ledger keeps them for the record)."""

    username = models.CharField(max_length=150)
    ip = models.CharField(max_length=64)
    at = models.DateTimeField(db_index=True)
    succeeded = models.BooleanField()

    class Meta:
        indexes = [models.Index(fields=["username", "at"]), models.Index(fields=["ip", "at"])]


class ApiToken(Tracked):
    """A bearer token for a device or another system. Only its SHA-256 is stored. Tracked: a
    token planted or un-revoked behind the actions' back is named by verify."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="api_tokens",
                             verbose_name="账号")
    name = models.CharField("用途", max_length=100)
    prefix = models.CharField("前缀", max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField("创建时间")
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)

    tracked_fields = ("user", "name", "prefix", "digest", "created_at", "revoked_at")

    class Meta:
        verbose_name = verbose_name_plural = "接口令牌"

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"


class AccessRequest(Tracked):
    """A request to read or copy the records of a case (查阅、复制申请: 000 第二十六条, 001 第二十五条,
    003 第二十二条 send it to the 政府信息公开条例; 002 第二十二条, 004 第二十五条 want the head's consent to
    a copy). Changes only through access/requests.py; the rules check its reply clock (政府信息公开
    条例 第三十三条: 20 working days, once extended by 20, the third parties' consultation not counted)
    and the consent (rules/kinds/access_reply.py).

    One consultation period per request (征求第三方和其他机关意见): the simplest record that keeps the
    clock right for the usual single consultation; several periods would need rows of their own."""

    MODES = {"read": "查阅", "copy": "复制", "read_copy": "查阅并复制"}
    COPYING = ("copy", "read_copy")
    CHANNELS = {"in_person": "当面", "letter": "信函", "online": "网络"}
    OUTCOMES = {"granted": "同意", "partly": "部分同意", "refused": "不予提供"}
    GROUNDS = {"state_secret": "国家秘密", "commercial_secret": "商业秘密", "privacy": "个人隐私",
               "other": "其他法定理由"}
    REPLY_METHODS = {"in_person": "当面交付", "post": "邮寄", "online": "网络（电子邮件、在线平台）"}

    bureau = models.ForeignKey(Bureau, models.PROTECT, related_name="access_requests", verbose_name="执法机关")
    case = models.ForeignKey("cases.Case", models.PROTECT, related_name="access_requests", verbose_name="案件")
    requester_name = models.CharField("申请人", max_length=100)
    requester_is_party = models.BooleanField("申请人是本案当事人", default=False)
    contact = models.CharField("联系方式", max_length=100, blank=True)
    mode = models.CharField("申请事项", max_length=10, choices=MODES.items())
    scope = models.TextField("申请查阅、复制的记录", max_length=2000)
    channel = models.CharField("申请方式", max_length=10, choices=CHANNELS.items())
    received_at = models.DateTimeField("收到申请时间")
    registered_by = models.ForeignKey(Staff, models.PROTECT, related_name="+", verbose_name="登记人")
    registered_at = models.DateTimeField("登记时间")
    # 延长答复期限 (第三十三条第二款): the agency head's approval, once, and when the requester was told
    extended_by = models.ForeignKey(Staff, models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name="批准延长的负责人")
    extended_at = models.DateTimeField("批准延长时间", null=True, blank=True)
    extension_reason = models.TextField("延长理由", blank=True, max_length=2000)
    extension_told_at = models.DateTimeField("告知申请人延长的时间", null=True, blank=True)
    # 征求第三方和其他机关意见 (第三十三条第三款): not counted in the clock
    consultation_with = models.CharField("征求意见的第三方或机关", max_length=200, blank=True)
    consultation_started_at = models.DateTimeField("征求意见开始", null=True, blank=True)
    consultation_ended_at = models.DateTimeField("征求意见结束", null=True, blank=True)
    # 复制经负责人同意 (002 第二十二条, 004 第二十五条)
    copy_consent_by = models.ForeignKey(Staff, models.PROTECT, null=True, blank=True, related_name="+",
                                        verbose_name="同意复制的负责人")
    copy_consent_at = models.DateTimeField("同意复制时间", null=True, blank=True)
    # 答复
    replied_at = models.DateTimeField("答复时间", null=True, blank=True)
    replied_by = models.ForeignKey(Staff, models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name="答复登记人")
    outcome = models.CharField("答复结果", max_length=10, choices=OUTCOMES.items(), blank=True)
    withheld_ground = models.CharField("不予提供的依据", max_length=20, choices=GROUNDS.items(), blank=True)
    withheld_reason = models.TextField("不予提供的理由", blank=True, max_length=2000)
    reply_method = models.CharField("答复方式", max_length=10, choices=REPLY_METHODS.items(), blank=True)

    tracked_fields = ("bureau", "case", "requester_name", "requester_is_party", "contact", "mode", "scope", "channel",
                      "received_at", "registered_by", "registered_at", "extended_by", "extended_at",
                      "extension_reason", "extension_told_at", "consultation_with", "consultation_started_at",
                      "consultation_ended_at", "copy_consent_by", "copy_consent_at", "replied_at", "replied_by",
                      "outcome", "withheld_ground", "withheld_reason", "reply_method")

    class Meta:
        verbose_name = verbose_name_plural = "查阅、复制申请"
        ordering = ["received_at", "id"]
        indexes = [models.Index(fields=["bureau", "received_at"])]

    def __str__(self):
        return f"查阅、复制申请 #{self.pk}"

    @property
    def wants_copy(self) -> bool:
        return self.mode in self.COPYING

    @property
    def copy_granted(self) -> bool:
        """A copy is given: the request asks for one and the reply grants it wholly or in part."""
        return self.wants_copy and self.outcome in ("granted", "partly")

    @property
    def consultation_open(self) -> bool:
        return self.consultation_started_at is not None and self.consultation_ended_at is None
