"""Due and overdue findings across many cases at once (the "到期与逾期" list, the reminders): the
stored pending and overdue findings with a due time (models.DueFinding) of the cases, after their
results that are not fresh were recomputed (rules.stored), most urgent first."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import QuerySet

from . import stored
from .models import DueFinding

DUE_SOON = timedelta(days=3)


def due_findings(cases: QuerySet, now: datetime, within: timedelta = DUE_SOON) -> QuerySet:
    """The DueFinding rows of ``cases`` that are overdue or fall due before ``now + within``, most
    urgent (earliest due) first; the cases' results that were not fresh are recomputed first, so
    none is older than the facts."""
    stored.refresh_stale(cases)
    return (DueFinding.objects.filter(case__in=cases.values("pk"), due_at__lte=now + within)
            .select_related("case").order_by("due_at", "case__number", "rule"))
