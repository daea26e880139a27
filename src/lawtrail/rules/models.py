"""The administrator's calendar overrides. Configuration, not records of a case, but still tracked:
every change is a ledger entry (rules/actions.py) and verify proves the rows against it."""

from __future__ import annotations

from django.db import models

from lawtrail.ledger.tracked import Tracked


class CalendarOverride(Tracked):
    """One day whose status as a working day the administrator fixes: a year the calendar package
    does not cover yet (2027 onward), or a local change announced after its release."""

    date = models.DateField("日期", unique=True)
    is_workday = models.BooleanField("工作日", help_text="勾选：该日上班（含调休上班的周末）；不勾选：该日放假")
    reason = models.CharField("依据", max_length=200, help_text="如“国务院办公厅关于2027年部分节假日安排的通知”")

    tracked_fields = ("date", "is_workday", "reason")

    class Meta:
        verbose_name = verbose_name_plural = "工作日历调整"
        ordering = ["date"]

    def __str__(self):
        return f"{self.date.isoformat()} {'上班' if self.is_workday else '放假'}"


class CalendarYear(Tracked):
    """A year the calendar package does not cover yet whose official schedule the administrator has
    entered (国务院办公厅关于某年部分节假日安排的通知): its holidays and 调休 working weekends are
    CalendarOverride rows with the notice as their reason; every other day of the year follows the
    ordinary week (Monday to Friday worked). Without this row a day of such a year is not guessed."""

    year = models.PositiveSmallIntegerField("年度", unique=True)
    notice = models.CharField("依据", max_length=200, help_text="如“国务院办公厅关于2027年部分节假日安排的通知”（国办发明电〔2026〕×号）")

    tracked_fields = ("year", "notice")

    class Meta:
        verbose_name = verbose_name_plural = "工作日历年度"
        ordering = ["-year"]

    def __str__(self):
        return f"{self.year}年"


class CaseCheck(models.Model):
    """The stored findings of one case (rules.stored): derived data, recomputed from the facts
    whenever they change, never a record of its own (so neither tracked nor ledgered, like the
    search index). ``generation`` counts the changes of the case's facts: every change bumps it in
    its own transaction (rules.sources); a result is stored only if the generation it was computed
    at is still the row's (a conditional UPDATE), so a result computed from facts that changed
    meanwhile is never kept."""

    case = models.OneToOneField("cases.Case", models.CASCADE, primary_key=True, related_name="+")
    generation = models.BigIntegerField(default=0)
    checked_generation = models.BigIntegerField(null=True)  # the generation the findings are of
    engine = models.CharField(max_length=32, null=True)  # the profiles and rule code they were computed with
    findings = models.TextField(null=True)  # JSON (UTF-8, not \u-escaped: half the size of a JSONField's)
    computed_at = models.DateTimeField(null=True)
    valid_until = models.DateTimeField(null=True)  # the earliest due time of a pending finding: then it turns overdue

    class Meta:
        indexes = [models.Index(fields=["valid_until"], name="rules_check_valid_until")]


class DueFinding(models.Model):
    """One pending or overdue finding with a due time, of a stored result (CaseCheck), so the 到期与逾期
    list and the reminders are one indexed query however many cases there are. Replaced with the
    result it belongs to, in the same transaction."""

    case = models.ForeignKey("cases.Case", models.CASCADE, related_name="+")
    rule = models.CharField(max_length=100)
    status = models.CharField(max_length=20)
    due_at = models.DateTimeField()
    message = models.TextField()

    class Meta:
        indexes = [models.Index(fields=["due_at"], name="rules_due_due_at"),
                   models.Index(fields=["case"], name="rules_due_case")]


class Notification(models.Model):
    """A reminder in the app (rules.reminders): a finding of a case overdue or falling due soon, sent
    once per finding and status to each person responsible, or a person's daily digest. Sent by the
    system with a ledger entry; whether it was read is the reader's own state, not a record."""

    KINDS = {"overdue": "逾期", "soon": "即将到期", "digest": "每日汇总"}

    recipient = models.ForeignKey("access.Staff", models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=10, choices=list(KINDS.items()))
    case = models.ForeignKey("cases.Case", models.CASCADE, null=True, related_name="+")
    rule = models.CharField(max_length=100, blank=True, default="")
    due_at = models.DateTimeField(null=True)
    message = models.TextField(blank=True, default="")
    items = models.JSONField(default=list)  # digest: [{case, rule, status, due_at, message}]
    day = models.DateField(null=True)       # digest: the local day it sums up
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="rules_note_unread"),
                   models.Index(fields=["case", "rule", "kind", "due_at"], name="rules_note_finding")]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "case", "rule", "kind", "due_at"],
                                    condition=models.Q(kind__in=["overdue", "soon"]), name="rules_note_once"),
            models.UniqueConstraint(fields=["recipient", "day"], condition=models.Q(kind="digest"),
                                    name="rules_digest_once"),
        ]


class JobClaim(models.Model):
    """Which worker runs the rules' round now (rules.jobs): claimed by a conditional UPDATE, so with
    several workers (``serve``'s own, ``lawtrail worker`` on other hosts) one round runs at a time."""

    name = models.CharField(max_length=40, primary_key=True)
    until = models.DateTimeField(null=True)
    by = models.CharField(max_length=100, blank=True, default="")
    done_day = models.DateField(null=True)  # the "digest" row: the last local day whose digests were sent
