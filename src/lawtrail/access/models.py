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


class ApiToken(models.Model):
    """A bearer token for a device or another system. Only its SHA-256 is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="api_tokens",
                             verbose_name="账号")
    name = models.CharField("用途", max_length=100)
    prefix = models.CharField("前缀", max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField("创建时间")
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "接口令牌"

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"
