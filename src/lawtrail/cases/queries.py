"""Read side shared by the pages and the API: case search and the case timeline from the ledger."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from lawtrail.access.models import Staff
from lawtrail.ledger.models import Entry

from .models import Case, Party


@dataclass
class Filters:
    q: str = ""
    act_type: str = ""
    stage: str = ""
    status: str = ""
    unit: int | None = None
    date_from: date | None = None
    date_to: date | None = None


def search(cases: QuerySet, f: Filters) -> QuerySet:
    """Filter a (permission-limited) case queryset. ``q`` matches 案号, party name or identifier,
    or a handler's name."""
    if f.q:
        # Matching parties and officers are found first, each table scanned once; the cases are
        # then looked up through the link tables' indexes (uncorrelated IN), instead of two
        # subqueries per case row.
        q = f.q.strip()[:100]
        parties = Party.objects.filter(Q(name__contains=q) | Q(id_number=q) | Q(credit_code=q.upper())).values("pk")
        officers = Staff.objects.filter(name__contains=q).values("pk")
        by_party = Case.parties.through.objects.filter(party_id__in=parties).values("case_id")
        by_officer = Case.handlers.through.objects.filter(staff_id__in=officers).values("case_id")
        cases = cases.filter(Q(number__contains=q) | Q(title__contains=q) | Q(pk__in=by_party) | Q(pk__in=by_officer))
    if f.act_type:
        cases = cases.filter(act_type=f.act_type)
    if f.stage:
        cases = cases.filter(stage=f.stage)
    if f.status:
        cases = cases.filter(status=f.status)
    if f.unit:
        cases = cases.filter(unit_id=f.unit)
    if f.date_from:
        cases = cases.filter(started_at__date__gte=f.date_from)
    if f.date_to:
        cases = cases.filter(started_at__date__lte=f.date_to)
    return cases


def for_list(cases: QuerySet) -> QuerySet:
    """Newest first by id (the primary key: pages by keyset, never by OFFSET)."""
    return cases.select_related("unit").prefetch_related("parties").order_by("-id")


@dataclass
class TimelineEntry:
    seq: int
    time: str
    actor: str
    actor_name: str
    action: str
    payload: object
    hash: str


def timeline(case: Case) -> list[TimelineEntry]:
    """Every ledger entry about the case, oldest first, with the acting person's name."""
    entries = list(Entry.objects.filter(subject=f"case:{case.pk}").order_by("seq"))
    ids = {int(e.actor.split(":", 1)[1]) for e in entries if e.actor.startswith("user:")}
    names = dict(Staff.objects.filter(user_id__in=ids).values_list("user_id", "name"))
    out = []
    for e in entries:
        uid = int(e.actor.split(":", 1)[1]) if e.actor.startswith("user:") else None
        out.append(TimelineEntry(e.seq, e.time, e.actor, names.get(uid, e.actor), e.action, e.payload, e.hash.hex()))
    return out
