"""State changes of the rules app: the calendar overrides and entered years, and a person's
notifications read.
Findings are computed (rules.stored), reminders sent by the background round (rules.reminders)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from lawtrail.access.policy import Denied
from lawtrail.access.roles import MANAGES_ACCOUNTS
from lawtrail.ledger.tracked import record

from .calendar import package_covers
from .models import CalendarOverride, CalendarYear


def _administrator(by) -> None:
    if by is not None and (by.role not in MANAGES_ACCOUNTS or not by.active):
        raise Denied("只有系统管理员可以调整工作日历")


@transaction.atomic
def set_calendar_override(*, by, day: date, is_workday: bool, reason: str) -> CalendarOverride:
    """Create or change the override of ``day`` (the administrator; ``by=None`` for the system)."""
    _administrator(by)
    if not (reason or "").strip():
        raise ValidationError({"reason": "请写明依据（如国务院办公厅的节假日安排通知）"})
    row = CalendarOverride.objects.select_for_update(no_key=True).filter(date=day).first() or CalendarOverride(date=day)
    row.is_workday, row.reason = bool(is_workday), reason.strip()
    row.full_clean()
    row.save()
    record(actor=f"user:{by.pk}" if by is not None else "system", action="rules.calendar_override_set",
           subject=f"calendar:{day.isoformat()}", rows=[row],
           payload={"date": day.isoformat(), "is_workday": row.is_workday})
    return row


def calendar_year_problems(*, year: int, holidays: list[date], workdays: list[date], notice: str) -> dict[str, str]:
    """What is wrong with a year to enter, by field (empty: nothing); the admin form shows them."""
    errors = {}
    if not (notice or "").strip():
        errors["notice"] = "请写明依据（国务院办公厅关于该年部分节假日安排的通知及其文号）"
    if not 2000 <= year <= 2200:
        errors["year"] = "年度应在2000年至2200年之间"
    elif package_covers(year):
        errors["year"] = f"{year}年的节假日安排已由日历程序包提供；个别日期的调整请使用“工作日历调整”"
    elif CalendarYear.objects.filter(year=year).exists():
        errors["year"] = f"{year}年已经录入；个别日期的更正请使用“工作日历调整”"
    for name, days in (("holidays", holidays), ("workdays", workdays)):
        other = [d for d in days if d.year != year]
        if other:
            errors[name] = f"{other[0].isoformat()} 不在{year}年"
    if not holidays:
        errors.setdefault("holidays", "请录入该年的法定节假日（放假日期）")
    weekday_work = [d for d in workdays if d.weekday() < 5]
    if weekday_work:
        errors.setdefault("workdays", f"{weekday_work[0].isoformat()} 是周一至周五，本来就上班；这里只录入调休上班的周末")
    both = sorted(set(holidays) & set(workdays))
    if both:
        errors.setdefault("workdays", f"{both[0].isoformat()} 不能既放假又上班")
    return errors


@transaction.atomic
def enter_calendar_year(*, by, year: int, holidays: list[date], workdays: list[date], notice: str) -> CalendarYear:
    """Enter a year the calendar package does not cover from the State Council's notice: its
    holidays (放假, weekends inside a holiday included or not: either is right) and its 调休 working
    weekends, each an override with the notice as its reason; the year's other days follow the
    ordinary week. One ledger entry for the year and its days. A mistake found later is corrected
    day by day (set_calendar_override), never by entering the year again."""
    _administrator(by)
    notice = (notice or "").strip()
    errors = calendar_year_problems(year=year, holidays=holidays, workdays=workdays, notice=notice)
    if errors:
        raise ValidationError(errors)
    row = CalendarYear(year=year, notice=notice)
    row.full_clean()
    row.save()
    days = {**{d: False for d in holidays}, **{d: True for d in workdays}}
    overrides = []
    for day, is_workday in sorted(days.items()):
        o = CalendarOverride.objects.select_for_update(no_key=True).filter(date=day).first() or CalendarOverride(date=day)
        o.is_workday, o.reason = is_workday, notice[:200]
        o.save()
        overrides.append(o)
    record(actor=f"user:{by.pk}" if by is not None else "system", action="rules.calendar_year_entered",
           subject=f"calendar:{year}", rows=[row, *overrides],
           payload={"year": year, "holidays": [d.isoformat() for d in sorted(set(holidays))],
                    "workdays": [d.isoformat() for d in sorted(set(workdays))]})
    return row


@transaction.atomic
def mark_read(*, by, ids=None) -> int:
    """Mark the person's own notifications read (``ids``: those; None: all). Only the reader's own
    state: not a record, so not in the ledger. How many were marked."""
    from django.utils import timezone

    from .models import Notification

    rows = Notification.objects.filter(recipient=by, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return rows.update(read_at=timezone.now())
