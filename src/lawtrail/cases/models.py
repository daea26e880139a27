"""Cases and what they are about. Tracked rows (ledger/tracked.py): they change only through
cases/actions.py, the database refuses DELETE, and verify proves every row against its entry;
recorded rows (clock extensions, fine payments) are written once and never changed."""

from __future__ import annotations

import json

from django.db import models

from lawtrail.access.models import Bureau, Staff, Unit
from lawtrail.ledger.tracked import Recorded, Tracked

from .procedures import ACT_TYPES, PROCEDURES, STAGES

SOURCES = {"ex_officio": "依职权", "complaint": "投诉举报", "application": "依申请", "referral": "移送/交办"}


class Party(Tracked):
    KINDS = {"person": "自然人", "legal_person": "法人", "other_org": "其他组织"}

    bureau = models.ForeignKey(Bureau, models.PROTECT, related_name="parties", verbose_name="执法机关")
    kind = models.CharField("类型", max_length=12, choices=KINDS.items())
    name = models.CharField("姓名/名称", max_length=100)
    id_number = models.CharField("公民身份号码", max_length=18, blank=True)
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    address = models.CharField("住所/地址", max_length=200, blank=True)
    contact = models.CharField("联系方式", max_length=50, blank=True)
    representative = models.CharField("法定代表人/负责人/代理人", max_length=50, blank=True)

    tracked_fields = ("bureau", "kind", "name", "id_number", "credit_code", "address", "contact", "representative")

    class Meta:
        verbose_name = verbose_name_plural = "当事人"
        constraints = [
            models.UniqueConstraint(fields=["bureau", "id_number"], condition=~models.Q(id_number=""),
                                    name="party_id_number_unique"),
            models.UniqueConstraint(fields=["bureau", "credit_code"], condition=~models.Q(credit_code=""),
                                    name="party_credit_code_unique"),
        ]

    def __str__(self):
        return self.name

    @property
    def identifier(self) -> str:
        return self.id_number or self.credit_code


class Complaint(Tracked):
    CHANNELS = {"phone": "电话", "letter": "来信", "visit": "来访", "online": "网络", "hotline": "12345热线",
                "assigned": "上级转办", "other": "其他"}
    STATUSES = {"registered": "待处理", "decline_proposed": "不予启动待审批", "declined": "不予启动",
                "case_started": "已启动执法程序"}
    NOTIFY_METHODS = {"phone": "电话告知", "letter": "书面告知", "sms": "短信告知", "in_person": "当面告知"}

    bureau = models.ForeignKey(Bureau, models.PROTECT, related_name="complaints", verbose_name="执法机关")
    received_at = models.DateTimeField("收到时间")
    channel = models.CharField("渠道", max_length=10, choices=CHANNELS.items())
    anonymous = models.BooleanField("匿名", default=False)
    reporter_name = models.CharField("投诉举报人", max_length=50, blank=True)
    reporter_contact = models.CharField("联系方式", max_length=50, blank=True)
    about = models.CharField("被投诉举报对象", max_length=200, blank=True)
    content = models.TextField("投诉举报内容", max_length=5000)
    status = models.CharField("状态", max_length=20, choices=STATUSES.items(), default="registered")
    registered_by = models.ForeignKey(Staff, models.PROTECT, related_name="+", verbose_name="登记人")
    registered_at = models.DateTimeField("登记时间")
    proposed_by = models.ForeignKey(Staff, models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name="提出不予启动的人")
    proposed_at = models.DateTimeField("提出时间", null=True, blank=True)
    decline_reason = models.TextField("不予启动理由", blank=True, max_length=2000)
    decided_by = models.ForeignKey(Staff, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="处理人")
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    opinion = models.TextField("审批意见", blank=True, max_length=2000)
    notified_how = models.CharField("告知方式", max_length=10, choices=NOTIFY_METHODS.items(), blank=True)
    notified_at = models.DateTimeField("告知时间", null=True, blank=True)

    tracked_fields = ("bureau", "received_at", "channel", "anonymous", "reporter_name", "reporter_contact", "about",
                      "content", "status", "registered_by", "registered_at", "proposed_by", "proposed_at",
                      "decline_reason", "decided_by", "decided_at", "opinion", "notified_how", "notified_at")

    class Meta:
        verbose_name = verbose_name_plural = "投诉举报"
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["bureau", "status", "received_at"])]

    def __str__(self):
        return f"投诉举报 #{self.pk}"

    @property
    def awaits_notice(self) -> bool:
        return self.status == "declined" and not self.anonymous and self.notified_at is None


class Case(Tracked):
    STATUSES = {"open": "办理中", "closed": "已办结"}

    bureau = models.ForeignKey(Bureau, models.PROTECT, related_name="cases", verbose_name="执法机关")
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="cases", verbose_name="承办机构")
    number = models.CharField("案号", max_length=60)
    year = models.PositiveSmallIntegerField("年度")
    act_type = models.CharField("执法行为", max_length=15, choices=ACT_TYPES.items())
    procedure = models.CharField("程序", max_length=25, choices=[(k, p.title) for k, p in PROCEDURES.items()])
    source = models.CharField("案件来源", max_length=12, choices=SOURCES.items())
    source_detail = models.CharField("来源说明", max_length=200, blank=True)
    title = models.CharField("案由", max_length=200)
    summary = models.TextField("基本案情", max_length=5000)
    status = models.CharField("状态", max_length=8, choices=STATUSES.items(), default="open")
    stage = models.CharField("阶段", max_length=15, choices=STAGES.items(), default="initiation")
    started_at = models.DateTimeField("程序启动时间")
    emergency = models.BooleanField("情况紧急先行启动", default=False)
    emergency_reason = models.TextField("紧急情况说明", blank=True, max_length=2000)
    complaint = models.ForeignKey(Complaint, models.PROTECT, null=True, blank=True, related_name="cases",
                                  verbose_name="投诉举报")
    created_by = models.ForeignKey(Staff, models.PROTECT, related_name="+", verbose_name="登记人")
    created_at = models.DateTimeField("登记时间")
    parties = models.ManyToManyField(Party, related_name="cases", verbose_name="当事人")
    handlers = models.ManyToManyField(Staff, related_name="handled_cases", verbose_name="承办人")

    tracked_fields = ("bureau", "unit", "number", "year", "act_type", "procedure", "source", "source_detail", "title",
                      "summary", "status", "stage", "started_at", "emergency", "emergency_reason", "complaint",
                      "created_by", "created_at")
    tracked_m2m = ("parties", "handlers")

    class Meta:
        verbose_name = verbose_name_plural = "案件"
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["bureau", "number"], name="case_number_unique")]
        indexes = [models.Index(fields=["bureau", "created_at"]), models.Index(fields=["bureau", "unit", "created_at"])]

    def __str__(self):
        return self.number

    @property
    def procedure_def(self):
        return PROCEDURES[self.procedure]


class CaseNumberCounter(models.Model):
    """The last 案号 serial per bureau, act type and year. Incremented in the creating transaction,
    so a rolled-back case gives its number back: no gaps, and the row lock means no duplicates."""

    bureau = models.ForeignKey(Bureau, models.PROTECT)
    act_type = models.CharField(max_length=15)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["bureau", "act_type", "year"], name="case_counter_unique")]


class StepRecord(Tracked):
    APPROVAL = {"not_needed": "无需审批", "pending": "待审批", "approved": "已批准", "rejected": "未批准"}

    case = models.ForeignKey(Case, models.PROTECT, related_name="steps", verbose_name="案件")
    step = models.CharField("环节", max_length=40)
    stage = models.CharField("阶段", max_length=15, choices=STAGES.items())
    occurred_at = models.DateTimeField("实施时间")
    recorded_at = models.DateTimeField("记录时间")
    recorded_by = models.ForeignKey(Staff, models.PROTECT, related_name="+", verbose_name="记录人")
    handlers = models.ManyToManyField(Staff, related_name="steps_handled", verbose_name="执法人员")
    note = models.TextField("情况记录", blank=True, max_length=5000)
    approval = models.CharField("审批", max_length=10, choices=APPROVAL.items(), default="not_needed")
    approved_by = models.ForeignKey(Staff, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="审批人")
    approved_at = models.DateTimeField("审批时间", null=True, blank=True)
    opinion = models.TextField("审批意见", blank=True, max_length=2000)

    tracked_fields = ("case", "step", "stage", "occurred_at", "recorded_at", "recorded_by", "note", "approval",
                      "approved_by", "approved_at", "opinion")
    tracked_m2m = ("handlers",)

    class Meta:
        verbose_name = verbose_name_plural = "环节记录"
        ordering = ["occurred_at", "id"]
        indexes = [models.Index(fields=["approval", "case"])]

    @property
    def step_def(self):
        return self.case.procedure_def.step(self.step)

    @property
    def counts_as_done(self) -> bool:
        return self.approval in ("not_needed", "approved")


class NamesClocks:
    """A record about some of a case's statutory clocks: ``clocks`` holds their rule ids (JSON)."""

    @property
    def clock_ids(self) -> list[str]:
        return json.loads(self.clocks)


class ClockSuspension(NamesClocks, Tracked):
    """A period that does not count in one or more of a case's statutory clocks (中止, 不计入期限):
    e.g. 检测、检验、检疫或者技术鉴定的期间 (行政强制法 第二十五条第三款), 听证、检验、鉴定、专家评审所需
    时间 (行政许可法 第四十五条). ``clocks`` names the rules (their ids in the case's profile) it stops;
    only a rule that declares a ``suspension`` accepts it. Open (``ended_at`` empty) until the
    officer records its end: meanwhile the clock stays stopped."""

    case = models.ForeignKey(Case, models.PROTECT, related_name="clock_suspensions", verbose_name="案件")
    clocks = models.TextField("中止的期限(JSON)", default="[]")
    reason = models.TextField("中止事由", max_length=2000)
    started_at = models.DateTimeField("中止开始")
    ended_at = models.DateTimeField("中止结束", null=True, blank=True)
    recorded_by = models.ForeignKey(Staff, models.PROTECT, related_name="+", verbose_name="记录人")
    recorded_at = models.DateTimeField("记录时间")
    ended_by = models.ForeignKey(Staff, models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name="记录结束的人")

    tracked_fields = ("case", "clocks", "reason", "started_at", "ended_at", "recorded_by", "recorded_at", "ended_by")

    class Meta:
        verbose_name = verbose_name_plural = "期限中止"
        ordering = ["started_at", "id"]


class ClockExtension(NamesClocks, Recorded):
    """A statutory clock extended with approval (行政许可法 第四十二条 延长十日, 行政强制法 第二十五条):
    by how much (in the clock's own unit, at most what the rule allows), why, who approved it and
    when (our clock's time: an approval given after the clock ran out does not revive it)."""

    case = models.ForeignKey(Case, models.PROTECT, related_name="clock_extensions", verbose_name="案件")
    clocks = models.TextField("延长的期限(JSON)", default="[]")
    amount = models.PositiveIntegerField("延长")
    reason = models.TextField("延长理由", max_length=2000)
    approved_by = models.ForeignKey(Staff, models.PROTECT, related_name="+", verbose_name="批准人")
    approved_at = models.DateTimeField("批准时间")

    recorded_fields = ("case", "clocks", "amount", "reason", "approved_by", "approved_at")

    class Meta:
        verbose_name = verbose_name_plural = "期限延长"
        ordering = ["approved_at", "id"]


class FinePayment(Recorded):
    """A payment of a fine imposed in the case (行政处罚法 第六十七条: 到指定的银行或者通过电子支付系统
    缴纳), as the bank's slip or the payment system's record shows it."""

    CHANNELS = {"bank": "指定银行", "electronic": "电子支付系统", "on_spot": "当场收缴"}

    case = models.ForeignKey(Case, models.PROTECT, related_name="fine_payments", verbose_name="案件")
    amount = models.DecimalField("缴纳金额（元）", max_digits=14, decimal_places=2)
    paid_at = models.DateTimeField("缴纳时间")
    channel = models.CharField("缴纳方式", max_length=12, choices=CHANNELS.items())
    reference = models.CharField("缴款凭证号（票据号、交易流水号）", max_length=100)
    recorded_by = models.ForeignKey(Staff, models.PROTECT, related_name="+", verbose_name="记录人")
    recorded_at = models.DateTimeField("记录时间")

    recorded_fields = ("case", "amount", "paid_at", "channel", "reference", "recorded_by", "recorded_at")

    class Meta:
        verbose_name = verbose_name_plural = "罚款缴纳"
        ordering = ["paid_at", "id"]
