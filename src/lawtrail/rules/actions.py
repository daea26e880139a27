"""State changes of the rules app: the calendar overrides, and a person's notifications read.
Findings are computed (rules.stored), reminders sent by the background round (rules.reminders)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from lawtrail.access.policy import Denied
from lawtrail.access.roles import MANAGES_ACCOUNTS
from lawtrail.ledger.tracked import record

from .models import CalendarOverride


@transaction.atomic
def set_calendar_override(*, by, day: date, is_workday: bool, reason: str) -> CalendarOverride:
    """Create or change the override of ``day`` (the administrator; ``by=None`` for the system)."""
    if by is not None and (by.role not in MANAGES_ACCOUNTS or not by.active):
        raise Denied("只有系统管理员可以调整工作日历")
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
