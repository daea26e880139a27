"""Where the rules' findings show (issue #6): a case's findings (an htmx fragment of the case page,
or a page of its own without JavaScript), and the bureau-wide "到期与逾期" list of each role.

Findings are computed on each request from the facts loaded then (rules.check), never stored.

The case section: every rule of the case's profile with its status, worst first (逾期, 违反, then
待办 by due time, 达标, and the 不适用 ones folded away), its severity, citation, the article's
words and links to the records concerned. Cost: ``facts.QUERIES`` plus the request's own few,
whatever the size of the case.

The due list: the open cases the user sees (access.policy.visible_cases) with a deadline overdue or
falling due within ``rules.due.DUE_SOON``, most urgent first, 50 a page, with who must act (the case's
handlers; a pending approval: the approver's role). Only deadline rules have due times, so only
they are evaluated here, over facts loaded for all open cases at once (``rules.due.deadline_facts``): a
fixed number of queries however many cases and findings; the time and memory grow with the open
cases the user sees (all their steps, documents, versions and services) and the number of their
deadline rules.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from lawtrail.access import policy, roles
from lawtrail.cases.models import Case
from lawtrail.records.catalogue import KINDS as DOCUMENT_KINDS
from lawtrail.rules import facts as facts_mod
from lawtrail.rules import due, profiles
from lawtrail.rules.kinds import Finding
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


def _doc_title(doc) -> str:
    k = DOCUMENT_KINDS.get(doc.kind)
    title = f"《{k.title}》" if k else doc.kind
    return f"{title} {doc.number}" if doc.number else title


def _record_links(case, f: facts_mod.CaseFacts, refs) -> list[tuple[str, str | None]]:
    """(label, link or None) for each record reference of a finding ("step:12", "document:3" …),
    named from the facts already loaded (no query)."""
    docs = {d.pk: d for d in f.documents}
    version_doc = {v.pk: (docs[d_id], v) for d_id, vs in f.versions.items() for v in vs if d_id in docs}
    out = []
    for ref in refs:
        if not ref:
            continue
        kind, _, raw = ref.partition(":")
        pk = int(raw) if raw.isdigit() else None
        label, url = ref, None
        if kind == "case":
            label, url = f"案件 {case.number}", reverse("case", args=[case.pk])
        elif kind == "step":
            r = next((s for s in f.steps if s.pk == pk), None)
            if r is not None:
                label = f"环节：{r.step_def.title}（{timezone.localtime(r.occurred_at):%Y-%m-%d %H:%M}）"
                url = reverse("case", args=[case.pk]) + f"#stage-{r.stage}"
        elif kind == "document" and pk in docs:
            label, url = f"文书：{_doc_title(docs[pk])}", reverse("document", args=[case.pk, pk])
        elif kind == "version" and pk in version_doc:
            d, v = version_doc[pk]
            label, url = f"文书：{_doc_title(d)} 第{v.version}版", reverse("document", args=[case.pk, d.pk])
        elif kind == "service":
            s = next((s for s in f.services if s.pk == pk), None)
            if s is not None and s.version_id in version_doc:
                d, _ = version_doc[s.version_id]
                label = f"送达：{_doc_title(d)}（{s.get_method_display()}，{timezone.localtime(s.served_at):%Y-%m-%d %H:%M}）"
                url = reverse("document", args=[case.pk, d.pk])
        elif kind in ("av", "av_record"):
            av = next((a for a in f.av_records if a.pk == pk), None)
            if av is not None:
                label, url = f"音像记录：{av.filename}", reverse("media_record", args=[case.pk, pk])
        out.append((label, url))
    return out


def _row(finding: Finding, records=()) -> dict:
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
    case = get_object_or_404(policy.visible_cases(request.user), pk=case_id)
    f = facts_mod.load(case)  # as rules.check.check_case, keeping the facts to name the records
    profile = profiles.get(f.case.bureau.profile)
    rows = ordered([_row(finding, _record_links(f.case, f, finding.records))
                    for finding in (rule.evaluate(f) for rule in profile.rules)])
    applicable = [r for r in rows if r["status"] != "not_applicable"]
    counts = {s: sum(1 for r in rows if r["status"] == s) for s in STATUS}
    ctx = {"case": f.case, "profile": profile, "rows": applicable, "not_applicable": [r for r in rows if r not in applicable],
           "counts": [(STATUS[s][0], STATUS[s][1], s, n) for s, n in counts.items()], "checked_at": f.now}
    if request.headers.get("HX-Request"):
        return render(request, "web/rules/_findings.html", ctx)
    return render(request, "web/rules/case_rules.html", ctx)


# --- the due list -----------------------------------------------------------------------------------

@staff_view(SEES)
def due_list(request):
    """到期与逾期: the open cases the user sees whose deadlines have passed or fall due within 3 days."""
    s = request.staff
    now = timezone.now()
    open_cases = policy.visible_cases(request.user).filter(status="open")
    found = due.due_findings(open_cases, profiles.get(s.bureau.profile), now)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = {f.case.pk: f for f, _ in page.object_list}
    handlers = defaultdict(list)
    for link in (Case.handlers.through.objects.filter(case_id__in=list(shown)).select_related("staff")
                 .order_by("staff__name", "staff_id")):
        handlers[link.case_id].append(link.staff.name)
    rows = []
    for f, finding in page.object_list:
        approvals = [(r.step_def.title, roles.ROLES.get(r.step_def.approver, r.step_def.approver))
                     for r in f.steps if r.approval == "pending" and r.step_def.approver]
        row = _row(finding)
        row.update(case=f.case, handlers=handlers[f.case.pk], approvals=approvals,
                   overdue_by=now - finding.due_at if finding.status == "overdue" else None,
                   left=finding.due_at - now if finding.status == "pending" else None)
        rows.append(row)
    overdue = sum(1 for _, finding in found if finding.status == "overdue")
    return render(request, "web/rules/due.html", {"page": page, "rows": rows, "query": "", "total": len(found),
                                                  "overdue": overdue, "soon": len(found) - overdue,
                                                  "open_cases": len({f.case.pk for f, _ in found}), "now": now})
