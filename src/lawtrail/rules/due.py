"""Due and overdue deadlines across many cases at once (the "到期与逾期" list): the facts the
deadline rules read, loaded for all the cases in a fixed number of queries, and the findings that
are overdue or fall due soon, most urgent first."""

from __future__ import annotations

from datetime import timedelta

from . import facts as facts_mod
from .kinds import Deadline, Finding

DUE_SOON = timedelta(days=3)


def deadline_facts(cases, now) -> list[facts_mod.CaseFacts]:
    """The facts of every case of ``cases`` (facts.load_many): a fixed number of queries, and the
    same facts as facts.load of each, so a finding here is the one check_case gives
    (tests/web/test_rules_pages.py compares them)."""
    return facts_mod.load_many(cases, now)


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
