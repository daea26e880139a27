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
