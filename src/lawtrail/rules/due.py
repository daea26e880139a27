"""Due and overdue deadlines across many cases at once (the "到期与逾期" list): the facts the
deadline rules read, loaded for all the cases in a fixed number of queries, and the findings that
are overdue or fall due soon, most urgent first."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from lawtrail.cases.models import StepRecord
from lawtrail.records.models import Document, Service, Version

from . import facts as facts_mod
from .calendar import Calendar
from .kinds import Deadline, Finding

DUE_SOON = timedelta(days=3)


def deadline_facts(cases, now) -> list[facts_mod.CaseFacts]:
    """The facts the deadline rules read (the case, its steps, documents, finalised versions and
    services, the calendar) for every case of ``cases`` in a fixed number of queries: facts.load
    of many cases at once, without what deadlines never read (signatures, refusals, AV).

    The same rows in the same order as facts.load, so a deadline finding here is the one
    check_case gives (tests/web/test_rules_pages.py compares them)."""
    listed = list(cases.order_by("pk"))
    if not listed:
        return []
    within = cases.values("pk")  # a subquery repeating the cases' own filter: no IN list of ids
    by_case = {c.pk: c for c in listed}
    steps, documents, services = defaultdict(list), defaultdict(list), defaultdict(list)
    for r in StepRecord.objects.filter(case_id__in=within).order_by("occurred_at", "id"):
        if r.case_id in by_case:  # rows of a case opened since the first query wait for the next view
            r.case = by_case[r.case_id]
            steps[r.case_id].append(r)
    doc_case = {}
    for d in Document.objects.filter(case_id__in=within).order_by("created_at", "id"):
        if d.case_id in by_case:
            documents[d.case_id].append(d)
            doc_case[d.pk] = d.case_id
    versions, version_case = defaultdict(dict), {}
    for v in Version.objects.filter(document__case_id__in=within).order_by("document_id", "version"):
        if v.document_id in doc_case:
            versions[doc_case[v.document_id]].setdefault(v.document_id, []).append(v)
            version_case[v.pk] = doc_case[v.document_id]
    for s in Service.objects.filter(version__document__case_id__in=within).order_by("served_at", "id"):
        if s.version_id in version_case:
            services[version_case[s.version_id]].append(s)
    calendar = Calendar.from_db()
    return [facts_mod.CaseFacts(case=c, now=now, calendar=calendar, steps=steps[c.pk], documents=documents[c.pk],
                                versions=versions[c.pk], services=services[c.pk]) for c in listed]


def due_findings(cases, profile, now, within=DUE_SOON) -> list[tuple[facts_mod.CaseFacts, Finding]]:
    """(facts, finding) for each deadline of ``cases`` that is overdue or falls due before
    ``now + within``, most urgent (earliest due) first."""
    deadlines = [r for r in profile.rules if isinstance(r.kind, Deadline)]
    horizon = now + within
    out = []
    for f in deadline_facts(cases, now):
        for rule in deadlines:
            finding = rule.evaluate(f)
            if finding.due_at is not None and (finding.status == "overdue"
                                               or (finding.status == "pending" and finding.due_at <= horizon)):
                out.append((f, finding))
    out.sort(key=lambda pair: (pair[1].due_at, pair[0].case.number, pair[1].rule))
    return out
