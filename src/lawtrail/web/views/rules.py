"""Where the rules' findings show (issue #6): a case's findings (an htmx fragment of the case page,
or a page of its own without JavaScript), the bureau-wide "到期与逾期" list of each role, and each
person's reminders (提醒).

Findings come from the stored results (rules.stored): shown as stored while no fact they were
computed from has changed and no pending due time has passed, recomputed on the spot otherwise.

The case section: every rule of the case's profile with its status, worst first (逾期, 违反, then
待办 by due time, 达标, and the 不适用 ones folded away), its severity, citation, the article's
words and links to the records concerned (named when the result was computed). Cost with a fresh
result: the request's own few queries and the stored row; after a change, ``facts.QUERIES`` more
and the storing.

The due list: the open cases the user sees (access.policy.visible_cases) with a finding overdue or
falling due within ``rules.due.DUE_SOON``, most urgent first, 50 a page, with who must act (the
case's handlers; a pending approval: the approver's role). The stored due findings
(models.DueFinding) are one indexed query, joined with the visible open cases, whatever their
number; the cases without a fresh result are recomputed first (normally none: the background
round keeps them fresh).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_POST

from lawtrail.access import policy, roles
from lawtrail.cases.models import Case, StepRecord
from lawtrail.digits import is_digits
from lawtrail.rules import actions, due, profiles, reminders, stored
from lawtrail.rules.kinds import Finding
from lawtrail.rules.models import Notification
from lawtrail.rules.profiles import SEVERITIES

from .common import staff_view

SEES = roles.SEES_BUREAU_CASES | roles.SEES_UNIT_CASES
PAGE_SIZE = 50

# status: (label on the page, mark, order: worst first)
STATUS = {
    "overdue": ("逾期", "⚠", 0),
    "broken": ("违反", "✗", 1),
    "pending": ("待办", "⏳", 2),
    "met": ("达标", "✓", 3),
    "not_applicable": ("不适用", "–", 4),
}


def _link(case_pk: int, target) -> str | None:
    """The URL of a stored record name's target (rules.refs)."""
    if not target:
        return None
    kind, key = target
    if kind == "case":
        return reverse("case", args=[case_pk]) + (f"#{key}" if key else "")
    if kind == "document":
        return reverse("document", args=[case_pk, key])
    if kind == "media":
        return reverse("media_record", args=[case_pk, key])
    return None


def finding_row(finding: Finding, records=()) -> dict:
    label, mark, order = STATUS[finding.status]
    return {"f": finding, "status": finding.status, "label": label, "mark": mark, "order": order,
            "severity": SEVERITIES.get(finding.severity, finding.severity), "records": records}


def ordered(rows: list[dict]) -> list[dict]:
    """Worst first; within a status the earliest due time first; then the profile's order."""
    far = timezone.now() + timedelta(days=365 * 100)
    return sorted(rows, key=lambda r: (r["order"], r["f"].due_at or far))


@staff_view(SEES)
def case_rules(request, case_id: int):
    """The case's findings: the case page loads this fragment with htmx (its own queries, not the
    case page's); without JavaScript the link in the case page opens it as a page."""
    case = get_object_or_404(policy.visible_cases(request.user).select_related("bureau"), pk=case_id)
    r = stored.result(case)
    profile = profiles.get(case.bureau.profile)
    rows = ordered([finding_row(f, [(r.names[ref][0], _link(case.pk, r.names[ref][1])) if ref in r.names else (ref, None)
                             for ref in f.records if ref])
                    for f in r.findings])
    applicable = [x for x in rows if x["status"] != "not_applicable"]
    counts = {s: sum(1 for x in rows if x["status"] == s) for s in STATUS}
    ctx = {"case": case, "profile": profile, "rows": applicable, "not_applicable": [x for x in rows if x not in applicable],
           "counts": [(STATUS[s][0], STATUS[s][1], s, n) for s, n in counts.items()], "checked_at": r.computed_at}
    if request.headers.get("HX-Request"):
        return render(request, "web/rules/_findings.html", ctx)
    return render(request, "web/rules/case_rules.html", ctx)


# --- the due list -----------------------------------------------------------------------------------

class _Counted(Paginator):
    """A paginator told its count (the due list counts with its other totals in one query)."""

    def __init__(self, items, per_page, count: int):
        super().__init__(items, per_page)
        self.__dict__["count"] = count


def _finding(d, rules: dict) -> Finding:
    """A stored due finding as a Finding, with its rule's severity, citation and words."""
    rule = rules.get(d.rule)
    return Finding(d.status, d.message, d.due_at, (), *(rule.labels if rule else (d.rule, "", "", "", "")))


@staff_view(SEES)
def due_list(request):
    """到期与逾期: the open cases the user sees whose deadlines have passed or fall due within 3 days."""
    s = request.staff
    now = timezone.now()
    open_cases = policy.visible_cases(request.user).filter(status="open")
    found = due.due_findings(open_cases, now)
    totals = found.aggregate(total=Count("pk"), overdue=Count("pk", filter=Q(status="overdue")),
                             cases=Count("case_id", distinct=True))
    page = _Counted(found, PAGE_SIZE, totals["total"]).get_page(request.GET.get("page"))
    shown = {d.case_id for d in page.object_list}
    handlers, approvals = defaultdict(list), defaultdict(list)
    for link in (Case.handlers.through.objects.filter(case_id__in=shown).select_related("staff")
                 .order_by("staff__name", "staff_id")):
        handlers[link.case_id].append(link.staff.name)
    for r in StepRecord.objects.filter(case_id__in=shown, approval="pending").select_related("case").order_by("pk"):
        if r.step_def.approver:
            approvals[r.case_id].append((r.step_def.title, roles.ROLES.get(r.step_def.approver, r.step_def.approver)))
    rules = {r.id: r for r in profiles.get(s.bureau.profile).rules}
    rows = []
    for d in page.object_list:
        row = finding_row(_finding(d, rules))
        row.update(case=d.case, handlers=handlers[d.case_id], approvals=approvals[d.case_id],
                   overdue_by=now - d.due_at if d.status == "overdue" else None,
                   left=d.due_at - now if d.status == "pending" else None)
        rows.append(row)
    return render(request, "web/rules/due.html", {"page": page, "rows": rows, "query": "", "total": totals["total"],
                                                  "overdue": totals["overdue"], "soon": totals["total"] - totals["overdue"],
                                                  "open_cases": totals["cases"], "now": now})


# --- reminders --------------------------------------------------------------------------------------

@staff_view(SEES)
def reminder_list(request):
    """提醒: the person's notifications, newest first, unread marked, each linking to its case; a
    digest lists its items, each linking to its case, leaving out cases the person no longer sees."""
    notes = reminders.visible_notifications(request.user)
    page = Paginator(notes, PAGE_SIZE).get_page(request.GET.get("page"))
    named = {i["case"] for n in page.object_list if n.kind == "digest" for i in n.items}
    seen = set(policy.visible_cases(request.user).filter(pk__in=named).values_list("pk", flat=True)) if named else set()
    rows = []
    for n in page.object_list:
        rule = None
        if n.case_id:
            rule = next((r for r in profiles.get(n.case.bureau.profile).rules if r.id == n.rule), None)
        items = [dict(i, due_at=parse_datetime(i["due_at"]), label=Notification.KINDS[i["status"]])
                 for i in n.items if i["case"] in seen]
        rows.append({"n": n, "rule": rule, "items": items})
    return render(request, "web/rules/reminders.html", {"page": page, "rows": rows, "query": "",
                                                        "kinds": Notification.KINDS})


@require_POST
@staff_view(SEES)
def reminders_read(request):
    """Mark the person's notifications read: those named by ``id`` (several allowed), or all (no ``id``)."""
    ids = request.POST.getlist("id")
    actions.mark_read(by=request.staff, ids=[int(i) for i in ids if is_digits(i)] if ids else None)
    return redirect("reminders")
