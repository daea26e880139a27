"""A warning to the administrator, before it bites, that a year's working days are unknown: from
then on every working-day limit reaching that year says 无法计算 (calendar.CalendarUnknown).
Shown by Django's system check (``lawtrail check``, and at ``serve``) and on the administrator's
我的工作 page."""

from __future__ import annotations

from django.core import checks
from django.db import DatabaseError
from django.utils import timezone

from .calendar import missing_years


def missing_calendar_years() -> list[int]:
    try:
        return missing_years(timezone.localdate())
    except DatabaseError:  # before the first migrate: nothing to warn about yet
        return []


def message(years: list[int]) -> str:
    return ("、".join(f"{y}年" for y in years) + "的法定节假日安排尚未录入：涉及这些年份的工作日期限将显示“无法计算”。"
            "请系统管理员在“系统管理 → 工作日历年度”中按国务院办公厅的通知录入。")


@checks.register("lawtrail")
def calendar_years(app_configs=None, **kwargs):
    years = missing_calendar_years()
    return [checks.Warning(message(years), id="rules.W001")] if years else []
