"""Everything the rules need to know about one case, loaded in a fixed number of queries
(``QUERIES``, whatever the size of the case), then read without touching the database.

Named facts (``value(name)``), used by the profiles' deadlines:

- ``case.started_at``: when the procedure started (先行启动 in an emergency).
- ``step:<code>.occurred_at`` / ``step:<code>.approved_at``: the step's latest record that was not
  rejected; ``approved_at`` only once approved (a step needing no approval: its ``occurred_at``).
- ``document:<kind>.finalised_at``: the first finalisation of the first document of that kind.
- ``service:<kind>.served_at``: the first service of a document of that kind.
- ``start_approval.finalised_at``: the first finalisation of any document kind named by the
  procedure's first step (立案审批表, 程序启动审批表 …): the "补报" of an emergency start.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Prefetch
from django.utils import timezone

from lawtrail.cases.models import Case, StepRecord
from lawtrail.media.actions import remote_works_for
from lawtrail.media.models import AvRecord
from lawtrail.records.models import Document, Refusal, Service, Signature, Version

from .calendar import Calendar

QUERIES = 11  # the case, steps (+ handlers), documents, versions, signatures, refusals, services, AV, remote work, calendar
FACT_FIELDS = {"step": ("occurred_at", "approved_at"), "document": ("finalised_at",), "service": ("served_at",)}
SINGLE_FACTS = ("case.started_at", "start_approval.finalised_at")


def fact_name_problem(name: str) -> str | None:
    """Why ``name`` is not a fact name (for the profile loader), or None."""
    if name in SINGLE_FACTS:
        return None
    head, _, attr = name.partition(".")
    source, _, code = head.partition(":")
    if source not in FACT_FIELDS or not code:
        return f"未知的事实“{name}”（可用：case.started_at、start_approval.finalised_at、step:环节.occurred_at、" \
               f"document:文书.finalised_at、service:文书.served_at）"
    if attr not in FACT_FIELDS[source]:
        return f"事实“{name}”的属性应为 {'、'.join(FACT_FIELDS[source])}"
    from lawtrail.cases.procedures import PROCEDURES
    from lawtrail.records.catalogue import KINDS

    if source == "step" and not any(s.code == code for p in PROCEDURES.values() for s in p.steps):
        return f"事实“{name}”中的环节“{code}”不存在"
    if source in ("document", "service") and code not in KINDS:
        return f"事实“{name}”中的文书种类“{code}”不存在"
    return None


@dataclass
class CaseFacts:
    case: Case
    now: datetime
    calendar: Calendar
    steps: list[StepRecord] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    versions: dict[int, list[Version]] = field(default_factory=dict)        # document id → versions by number
    signatures: dict[int, list[Signature]] = field(default_factory=dict)    # version id → signatures
    refusals: dict[int, list[Refusal]] = field(default_factory=dict)        # version id → refusals
    services: list[Service] = field(default_factory=list)
    av_records: list[AvRecord] = field(default_factory=list)
    remote: dict = field(default_factory=dict)                               # AV id → RemoteWork or None
    # 中止/延期 intervals that stop the clocks. No record of them exists yet (issue #6 follow-up);
    # the deadline kind honours whatever is listed here.
    suspensions: list[tuple[datetime, datetime]] = field(default_factory=list)

    # --- lookups --------------------------------------------------------------------------------

    def step(self, code: str) -> StepRecord | None:
        found = [r for r in self.steps if r.step == code and r.approval != "rejected"]
        return found[-1] if found else None

    def finalised(self, kind: str) -> list[tuple[Document, Version]]:
        """(document, its current version) for each document of ``kind`` with a finalised version."""
        return [(d, self.versions[d.pk][-1]) for d in self.documents if d.kind == kind and self.versions.get(d.pk)]

    def document_kind(self, version_id: int) -> str | None:
        for d in self.documents:
            if any(v.pk == version_id for v in self.versions.get(d.pk, ())):
                return d.kind
        return None

    def value(self, name: str) -> tuple[datetime | None, str | None]:
        """(time, record reference) of a named fact; (None, None) when it has not happened."""
        if name == "case.started_at":
            return self.case.started_at, f"case:{self.case.pk}"
        if name == "start_approval.finalised_at":
            kinds = self.case.procedure_def.first.documents
            return self._first_finalised([d for d in self.documents if d.kind in kinds])
        head, _, attr = name.partition(".")
        source, _, code = head.partition(":")
        if source == "step":
            r = self.step(code)
            if r is None:
                return None, None
            if attr == "approved_at":
                when = r.approved_at if r.approval == "approved" else r.occurred_at if r.approval == "not_needed" else None
            else:
                when = r.occurred_at
            return (when, f"step:{r.pk}") if when else (None, None)
        if source == "document":
            return self._first_finalised([d for d in self.documents if d.kind == code])
        if source == "service":
            served = [s for s in self.services if self.document_kind(s.version_id) == code]
            if not served:
                return None, None
            s = min(served, key=lambda s: s.served_at)
            return s.served_at, f"service:{s.pk}"
        raise ValueError(fact_name_problem(name) or name)

    def _first_finalised(self, docs) -> tuple[datetime | None, str | None]:
        firsts = [(self.versions[d.pk][0].finalised_at, f"document:{d.pk}") for d in docs if self.versions.get(d.pk)]
        return min(firsts) if firsts else (None, None)


def load(case: Case | int, now: datetime | None = None) -> CaseFacts:
    """The facts of one case in ``QUERIES`` queries."""
    pk = case.pk if isinstance(case, Case) else case
    case = Case.objects.select_related("bureau").get(pk=pk)
    steps = list(StepRecord.objects.filter(case_id=pk).prefetch_related(Prefetch("handlers")).order_by("occurred_at", "id"))
    for r in steps:
        r.case = case
    documents = list(Document.objects.filter(case_id=pk).order_by("created_at", "id"))
    versions: dict[int, list[Version]] = defaultdict(list)
    for v in Version.objects.filter(document__case_id=pk).order_by("document_id", "version"):
        versions[v.document_id].append(v)
    signatures: dict[int, list[Signature]] = defaultdict(list)
    for s in Signature.objects.filter(version__document__case_id=pk).select_related("staff"):
        signatures[s.version_id].append(s)
    refusals: dict[int, list[Refusal]] = defaultdict(list)
    for r in Refusal.objects.filter(version__document__case_id=pk):
        refusals[r.version_id].append(r)
    services = list(Service.objects.filter(version__document__case_id=pk).order_by("served_at", "id"))
    av_records = list(AvRecord.objects.filter(case_id=pk).order_by("capture_start", "id"))
    remote = remote_works_for(av_records) if av_records else {}
    return CaseFacts(case=case, now=now or timezone.now(), calendar=Calendar.from_db(), steps=steps,
                     documents=documents, versions=dict(versions), signatures=dict(signatures),
                     refusals=dict(refusals), services=services, av_records=av_records, remote=remote)
