"""Reminders in the app (issue #6: "reminders to the people responsible (in the app, and a daily
digest) from a scheduled job"), sent by the rules' round (rules.jobs) from the stored findings.

- ``send``: each pending finding of an open case falling due within ``due.DUE_SOON`` ("soon") and
  each overdue one ("overdue") is sent once per finding and status — the same rule, due time and
  status of the same case is never sent twice (a later due time, e.g. after a suspension, is a new
  one) — to the people responsible: the case's handlers and, while a step of the case awaits
  approval, the active staff of the approver's role (the unit head of the case's unit, the
  bureau's legal reviewers or agency head). Each person gets only cases access.policy lets them see.
- ``send_digests``: once a day, at the first round after ``LAWTRAIL_DIGEST_HOUR`` (Beijing time),
  each person responsible for something overdue or due soon gets one digest of all of it (someone
  responsible only later that day gets the next day's).

Sending is the system's action: each case's reminders of a round are one ledger entry in the case's
timeline ("rules.reminders_sent"), each day's digests one entry per ``LEDGER_CHUNK`` people
("rules.digest_sent"). Reading a notification changes only the reader's own state (actions.mark_read).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from django.conf import settings
from django.db import connections, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from lawtrail.access import policy
from lawtrail.access.models import Staff
from lawtrail.cases.models import Case, StepRecord
from lawtrail.ledger import store

from .due import DUE_SOON
from .models import DueFinding, JobClaim, Notification

ACTOR = "system:reminders"
CHUNK = 1000          # due findings handled per transaction
DIGEST_ITEMS = 50     # the most urgent items named in a digest (its counts cover all)
LEDGER_CHUNK = 200    # digest recipients per ledger entry (an entry has a size limit)


def responsible(case_ids) -> dict[int, list[Staff]]:
    """{case id: the active staff responsible}: the handlers, and the approver's role of each step
    awaiting approval (unit head of the case's unit; legal reviewer, agency head of the bureau)."""
    out = defaultdict(dict)
    links = (Case.handlers.through.objects.filter(case_id__in=case_ids, staff__active=True)
             .select_related("staff__user", "staff__bureau", "staff__unit"))
    for link in links:
        out[link.case_id][link.staff_id] = link.staff
    waiting = list(StepRecord.objects.filter(case_id__in=case_ids, approval="pending").select_related("case"))
    roles = {r.step_def.approver for r in waiting if r.step_def.approver}
    if roles:
        approvers = list(Staff.objects.filter(active=True, role__in=roles, bureau_id__in={r.case.bureau_id for r in waiting})
                         .select_related("user", "bureau", "unit"))
        for r in waiting:
            role = r.step_def.approver
            for s in approvers:
                if s.role == role and s.bureau_id == r.case.bureau_id and (role != "unit_head" or s.unit_id == r.case.unit_id):
                    out[r.case_id][s.pk] = s
    return {cid: list(people.values()) for cid, people in out.items()}


def _visible(people: dict[int, Staff], wanted: dict[int, set[int]]) -> dict[int, set[int]]:
    """{staff id: the case ids of ``wanted[staff id]`` they may see} (access.policy: one query each)."""
    out = {}
    for sid, ids in wanted.items():
        s = people[sid]
        s.user._lawtrail_staff = s  # policy.staff_of would load it again
        out[sid] = set(policy.visible_cases(s.user).filter(pk__in=ids).values_list("pk", flat=True))
    return out


def _recipients(case_ids) -> dict[int, list[Staff]]:
    """responsible(), keeping only the people who may see the case."""
    by_case = responsible(case_ids)
    people = {s.pk: s for staff in by_case.values() for s in staff}
    wanted = defaultdict(set)
    for cid, staff in by_case.items():
        for s in staff:
            wanted[s.pk].add(cid)
    seen = _visible(people, wanted)
    return {cid: [s for s in staff if cid in seen[s.pk]] for cid, staff in by_case.items()}


def _unsent(now: datetime):
    """Due findings of open cases not yet sent with their current status: (kind, queryset)."""
    horizon = now + DUE_SOON
    base = DueFinding.objects.filter(case__status="open")
    for kind, rows in (("overdue", base.filter(due_at__lte=now)), ("soon", base.filter(due_at__gt=now, due_at__lte=horizon))):
        sent = Notification.objects.filter(kind=kind, case_id=OuterRef("case_id"), rule=OuterRef("rule"),
                                           due_at=OuterRef("due_at"))
        yield kind, rows.filter(~Exists(sent))


def send(now: datetime | None = None) -> int:
    """Send the reminders not sent yet; how many notifications were made."""
    now = now or timezone.now()
    made = 0
    for kind, rows in _unsent(now):
        last = 0
        while True:
            chunk = list(rows.filter(pk__gt=last).order_by("pk")[:CHUNK])
            if not chunk:
                break
            last = chunk[-1].pk
            made += _send_chunk(kind, chunk, now)
    return made


@transaction.atomic
def _send_chunk(kind: str, chunk: list[DueFinding], now: datetime) -> int:
    to = _recipients({d.case_id for d in chunk})
    notes, entries = [], defaultdict(list)
    for d in chunk:
        people = to.get(d.case_id, [])
        if not people:
            continue
        notes += [Notification(recipient=s, kind=kind, case_id=d.case_id, rule=d.rule, due_at=d.due_at,
                               message=d.message, created_at=now) for s in people]
        entries[d.case_id].append({"rule": d.rule, "kind": kind, "due_at": d.due_at.isoformat(),
                                   "to": sorted(s.pk for s in people)})
    Notification.objects.bulk_create(notes, ignore_conflicts=True)
    store.append_many({"actor": ACTOR, "action": "rules.reminders_sent", "subject": f"case:{cid}",
                       "payload": {"reminders": items}} for cid, items in sorted(entries.items()))
    return len(notes)


def send_digests(now: datetime | None = None) -> int:
    """Today's digests, if the digest hour has come and they were not sent yet; how many were sent."""
    now = now or timezone.now()
    hour = settings.LAWTRAIL_DIGEST_HOUR
    local = timezone.localtime(now)
    if hour is None or local.hour < hour:
        return 0
    day = local.date()
    if JobClaim.objects.filter(name="digest", done_day=day).exists():
        return 0  # today's were sent (the rounds after the hour need not look again)
    done = set(Notification.objects.filter(kind="digest", day=day).values_list("recipient_id", flat=True))
    items: dict[int, list] = defaultdict(list)
    people: dict[int, Staff] = {}
    rows = (DueFinding.objects.filter(case__status="open", due_at__lte=now + DUE_SOON).select_related("case")
            .order_by("due_at", "pk"))
    last = None
    while True:  # keyset over (due_at, pk): all due findings, CHUNK at a time
        page = rows if last is None else rows.filter(due_at__gte=last[0]).exclude(due_at=last[0], pk__lte=last[1])
        chunk = list(page[:CHUNK])
        if not chunk:
            break
        last = (chunk[-1].due_at, chunk[-1].pk)
        to = _recipients({d.case_id for d in chunk})
        for d in chunk:
            for s in to.get(d.case_id, []):
                if s.pk not in done:
                    people[s.pk] = s
                    items[s.pk].append(d)
    return _send_digests(day, people, items, now)


@transaction.atomic
def _send_digests(day, people: dict[int, Staff], items: dict[int, list[DueFinding]], now: datetime) -> int:
    notes, summary = [], []
    for sid in sorted(items):
        found = items[sid]
        overdue = sum(1 for d in found if d.due_at <= now)
        cases = len({d.case_id for d in found})
        notes.append(Notification(
            recipient=people[sid], kind="digest", day=day, created_at=now,
            message=f"{day:%Y-%m-%d} 汇总：逾期 {overdue} 项，3 日内到期 {len(found) - overdue} 项，涉及 {cases} 件案件",
            items=[{"case": d.case_id, "number": d.case.number, "title": d.case.title, "rule": d.rule,
                    "status": "overdue" if d.due_at <= now else "soon", "due_at": d.due_at.isoformat(),
                    "message": d.message} for d in found[:DIGEST_ITEMS]]))
        summary.append({"staff": sid, "overdue": overdue, "soon": len(found) - overdue, "cases": cases})
    Notification.objects.bulk_create(notes, ignore_conflicts=True)
    JobClaim.objects.update_or_create(name="digest", defaults={"done_day": day})
    store.append_many({"actor": ACTOR, "action": "rules.digest_sent", "subject": f"digest:{day.isoformat()}",
                       "payload": {"day": day.isoformat(), "to": summary[i:i + LEDGER_CHUNK]}}
                      for i in range(0, len(summary), LEDGER_CHUNK))
    return len(notes)


def visible_notifications(user):
    """The user's notifications that name a case they may see now, or none (digests: their items
    are filtered when shown)."""
    return (Notification.objects.filter(recipient=policy.staff_of(user))
            .filter(Q(Exists(policy.visible_cases(user).filter(pk=OuterRef("case_id")))) | Q(case__isnull=True))
            .select_related("case", "case__bureau"))


def unread_count(user) -> int:
    # Every page's header asks, and mostly nothing is unread: one lookup on the (recipient,
    # read_at) index says so without compiling the permission subqueries (a fifth of a case page).
    s = policy.staff_of(user)
    if s is None:
        return 0
    with connections[Notification.objects.db].cursor() as c:
        c.execute(f"SELECT 1 FROM {Notification._meta.db_table} WHERE recipient_id = %s AND read_at IS NULL LIMIT 1",
                  [s.pk])
        if c.fetchone() is None:
            return 0
    return visible_notifications(user).filter(read_at__isnull=True).count()
