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
- ``act.ended_at``: when the enforcement act ended (行政执法行为终结, the start of the 30 days to
  archive): the latest record of a step after which the procedure may be archived (a step whose
  ``next`` names ``archive``: 执行与结案, 送达, 退还或处理财物, 给予补偿 …).

Other facts the clock kinds read directly: the case's clock suspensions and approved extensions
(cases.ClockSuspension / ClockExtension, each naming the rules it concerns), its fine payments
(cases.FinePayment), and the service of the decision a compulsory-execution case enforces (the
document of the same bureau whose 文号 the case's 催告书 or 强制执行申请书 names).

For the retention and reception rules: the circumstances noted on the case or on its AV records
(media.RetentionCircumstance, each with ``av_case``: the case of its AV record), the complaint the
case was started from (``case.complaint``, loaded with the case) and the AV records linked to that
complaint's reception (media.ReceptionRecording, with their AV record).

For the reply to requests to read or copy the case's records: the requests (access.AccessRequest,
by receipt), with their extension, consultation, consent and reply.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from django.db.models import F, Q
from django.utils import timezone

from lawtrail.access.models import AccessRequest
from lawtrail.cases.models import Case, ClockExtension, ClockSuspension, FinePayment, StepRecord
from lawtrail.gcpause import paused_gc
from lawtrail.media.actions import remote_works_for
from lawtrail.media.models import AvRecord, ReceptionRecording, RetentionCircumstance
from lawtrail.records.models import Document, Refusal, Service, Signature, Version

from .calendar import Calendar

QUERIES = 19  # the case (+ its complaint), steps (+ handlers), documents, versions, signatures, refusals, services, AV,
#              remote work, calendar (overrides, entered years), clock suspensions, clock extensions, fine payments, the service of the decision
#              enforced, retention circumstances, the complaint's reception recordings, requests to read or copy
ENFORCED_BY = ("demand_notice", "court_enforcement_application")  # kinds naming the decision enforced (decision_number)
FACT_FIELDS = {"step": ("occurred_at", "approved_at"), "document": ("finalised_at",), "service": ("served_at",)}
SINGLE_FACTS = ("case.started_at", "start_approval.finalised_at", "act.ended_at")


def fact_name_problem(name: str) -> str | None:
    """Why ``name`` is not a fact name (for the profile loader), or None."""
    if name in SINGLE_FACTS:
        return None
    head, _, attr = name.partition(".")
    source, _, code = head.partition(":")
    if source not in FACT_FIELDS or not code:
        return f"未知的事实“{name}”（可用：case.started_at、start_approval.finalised_at、act.ended_at、step:环节.occurred_at、" \
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
    handlers: dict[int, list[int]] = field(default_factory=dict)           # step id → its handlers' staff ids
    documents: list[Document] = field(default_factory=list)
    versions: dict[int, list[Version]] = field(default_factory=dict)        # document id → versions by number
    signatures: dict[int, list[Signature]] = field(default_factory=dict)    # version id → signatures
    refusals: dict[int, list[Refusal]] = field(default_factory=dict)        # version id → refusals
    services: list[Service] = field(default_factory=list)
    av_records: list[AvRecord] = field(default_factory=list)
    remote: dict = field(default_factory=dict)                               # AV id → RemoteWork or None
    suspensions: list[ClockSuspension] = field(default_factory=list)   # periods not counted, by the rules named
    extensions: list[ClockExtension] = field(default_factory=list)     # approved extensions, by the rules named
    fine_payments: list[FinePayment] = field(default_factory=list)     # by paid_at
    enforced: list[Service] = field(default_factory=list)              # services of the decision enforced, by served_at
    circumstances: list[RetentionCircumstance] = field(default_factory=list)  # on the case or its AV, by noted_at
    receptions: list[ReceptionRecording] = field(default_factory=list)  # AV of the complaint's reception, by linked_at
    access_requests: list[AccessRequest] = field(default_factory=list)  # 查阅、复制申请, by received_at
    _indexes: dict = field(default_factory=dict, init=False, repr=False)  # index(): name → {pk: row}
    _values: dict = field(default_factory=dict, init=False, repr=False)   # value(): fact name → (time, ref)

    # --- lookups (indexed on first use: a case's facts are read, never changed, once loaded) -----

    @cached_property
    def latest_steps(self) -> dict[str, StepRecord]:
        """{step code: its latest record that was not rejected}."""
        latest = {}
        for r in self.steps:  # in order of occurrence: the last one wins
            if r.approval != "rejected":
                latest[r.step] = r
        return latest

    @cached_property
    def _finalised_by_kind(self) -> dict[str, list[tuple[Document, Version]]]:
        out = defaultdict(list)
        for d in self.documents:
            if self.versions.get(d.pk):
                out[d.kind].append((d, self.versions[d.pk][-1]))
        return out

    def index(self, name: str) -> dict:
        """{pk: row} of the list field ``name`` (steps, documents, services, av_records …)."""
        found = self._indexes.get(name)
        if found is None:
            found = self._indexes[name] = {r.pk: r for r in getattr(self, name)}
        return found

    @cached_property
    def version_documents(self) -> dict[int, tuple[Document, Version]]:
        """{version id: (its document, the version)}."""
        docs = self.index("documents")
        return {v.pk: (docs[d_id], v) for d_id, vs in self.versions.items() for v in vs if d_id in docs}

    @cached_property
    def receptions_elsewhere(self) -> dict:
        """{AV id: AV record} of the complaint's reception recordings of no case or another case."""
        avs = self.index("av_records")
        return {r.av_id: r.av for r in self.receptions if r.av_id not in avs}

    def step(self, code: str) -> StepRecord | None:
        """The latest record of step ``code`` that was not rejected."""
        return self.latest_steps.get(code)

    def finalised(self, kind: str) -> list[tuple[Document, Version]]:
        """(document, its current version) for each document of ``kind`` with a finalised version."""
        return list(self._finalised_by_kind.get(kind, ()))

    def document_kind(self, version_id: int) -> str | None:
        found = self.version_documents.get(version_id)
        return found[0].kind if found else None

    def value(self, name: str) -> tuple[datetime | None, str | None]:
        """(time, record reference) of a named fact; (None, None) when it has not happened.
        Worked out once per name (the clocks of a profile share their starting facts)."""
        found = self._values.get(name)
        if found is None:
            found = self._values[name] = self._value(name)
        return found

    def _value(self, name: str) -> tuple[datetime | None, str | None]:
        if name == "case.started_at":
            return self.case.started_at, f"case:{self.case.pk}"
        if name == "start_approval.finalised_at":
            kinds = self.case.procedure_def.first.documents
            return self._first_finalised([d for d in self.documents if d.kind in kinds])
        if name == "act.ended_at":
            ends = self.case.procedure_def.archive_before
            done = [r for r in self.steps if r.step in ends and r.approval != "rejected"]
            last = max(done, key=lambda r: r.occurred_at, default=None)
            return (last.occurred_at, f"step:{last.pk}") if last else (None, None)
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
    found = load_many(Case.objects.filter(pk=pk), now)
    if not found:
        raise Case.DoesNotExist(f"案件 {pk} 不存在")
    return found[0]


def load_many(cases, now: datetime | None = None) -> list[CaseFacts]:
    """The facts of every case of the queryset ``cases``, in ``QUERIES`` queries however many
    cases there are (each source is one query filtered by the cases' own filter as a subquery, not
    by an IN list of ids), in the order of their primary keys.

    Rows of a case created between the first query and a later one are left out (they belong to
    no case listed), so each CaseFacts holds only rows of its own case. A new source of facts is
    one more query here, grouped by case like the others, and one more field of CaseFacts.

    The cyclic garbage collector is paused meanwhile (lawtrail.gcpause: it would otherwise run
    over and over across the rows loaded, all still in use)."""
    with paused_gc():
        return _load_many(cases, now)


def _load_many(cases, now: datetime | None) -> list[CaseFacts]:
    listed = list(cases.select_related("bureau", "complaint").order_by("pk"))
    if not listed:
        return []
    now = now or timezone.now()
    within = cases.values("pk")
    by_case = {c.pk: c for c in listed}
    steps, step_case = defaultdict(list), {}
    for r in StepRecord.objects.filter(case_id__in=within).order_by("occurred_at", "id"):
        if r.case_id in by_case:
            r.case = by_case[r.case_id]
            steps[r.case_id].append(r)
            step_case[r.pk] = r.case_id
    # the handlers as ids from the link table: prefetch_related would tie each step to a queryset in
    # a reference cycle, left for the garbage collector (lawtrail.gcpause), and no rule needs more
    handlers = defaultdict(dict)
    for step_id, staff_id in (StepRecord.handlers.through.objects.filter(steprecord__case_id__in=within)
                              .order_by("id").values_list("steprecord_id", "staff_id")):
        if step_id in step_case:
            handlers[step_case[step_id]].setdefault(step_id, []).append(staff_id)
    documents, doc_case = defaultdict(list), {}
    for d in Document.objects.filter(case_id__in=within).order_by("created_at", "id"):
        if d.case_id in by_case:
            documents[d.case_id].append(d)
            doc_case[d.pk] = d.case_id
    versions, version_case = defaultdict(lambda: defaultdict(list)), {}
    for v in Version.objects.filter(document__case_id__in=within).order_by("document_id", "version"):
        if v.document_id in doc_case:
            versions[doc_case[v.document_id]][v.document_id].append(v)
            version_case[v.pk] = doc_case[v.document_id]
    signatures = defaultdict(lambda: defaultdict(list))
    for sig in Signature.objects.filter(version__document__case_id__in=within).select_related("staff"):
        if sig.version_id in version_case:
            signatures[version_case[sig.version_id]][sig.version_id].append(sig)
    refusals = defaultdict(lambda: defaultdict(list))
    for ref in Refusal.objects.filter(version__document__case_id__in=within):
        if ref.version_id in version_case:
            refusals[version_case[ref.version_id]][ref.version_id].append(ref)
    services = defaultdict(list)
    for sv in (Service.objects.filter(version__document__case_id__in=within).select_related("receipt_link")
               .order_by("served_at", "id")):  # with its 送达回证, if made (kinds/av_required.py)
        if sv.version_id in version_case:
            services[version_case[sv.version_id]].append(sv)
    av_records = defaultdict(list)
    all_av = [av for av in AvRecord.objects.filter(case_id__in=within).order_by("capture_start", "id")
              if av.case_id in by_case]
    for av in all_av:
        av_records[av.case_id].append(av)
    remote = remote_works_for(all_av) if all_av else {}
    suspensions, extensions, payments, access_requests = (
        _by_case(m.objects.filter(case_id__in=within), by_case)
        for m in (ClockSuspension, ClockExtension, FinePayment, AccessRequest))
    enforced = _enforced(listed, documents, versions)
    circumstances = defaultdict(list)
    for rc in (RetentionCircumstance.objects.filter(Q(case_id__in=within) | Q(av__case_id__in=within))
               .annotate(av_case=F("av__case_id")).select_related("noted_by")):
        if (rc.case_id or rc.av_case) in by_case:
            circumstances[rc.case_id or rc.av_case].append(rc)
    receptions, complaint_cases = defaultdict(list), defaultdict(list)
    for c in listed:
        if c.complaint_id:
            complaint_cases[c.complaint_id].append(c.pk)
    if complaint_cases:
        for link in ReceptionRecording.objects.filter(complaint_id__in=within.values("complaint_id")).select_related("av"):
            for case_id in complaint_cases.get(link.complaint_id, ()):
                receptions[case_id].append(link)
    calendar = Calendar.from_db()
    return [CaseFacts(case=c, now=now, calendar=calendar, steps=steps[c.pk], handlers=dict(handlers[c.pk]),
                      documents=documents[c.pk], versions=dict(versions[c.pk]), signatures=dict(signatures[c.pk]),
                      refusals=dict(refusals[c.pk]), services=services[c.pk], av_records=av_records[c.pk],
                      remote={av.pk: remote.get(av.pk) for av in av_records[c.pk]},
                      suspensions=suspensions[c.pk], extensions=extensions[c.pk], fine_payments=payments[c.pk],
                      enforced=enforced[c.pk], circumstances=circumstances[c.pk], receptions=receptions[c.pk],
                      access_requests=access_requests[c.pk])
            for c in listed]


def _by_case(rows, by_case) -> dict[int, list]:
    out = defaultdict(list)
    for r in rows:  # the models' own ordering (started_at, approved_at, paid_at, received_at)
        if r.case_id in by_case:
            out[r.case_id].append(r)
    return out


def _enforced(listed, documents, versions) -> dict[int, list[Service]]:
    """For each compulsory-execution case, the services of the document of its bureau whose 文号 its
    催告书 or 强制执行申请书 names (the decision it enforces, made in another case): one query."""
    wanted = defaultdict(set)  # (bureau, 文号) → cases
    for c in listed:
        for d in documents[c.pk]:
            if d.kind in ENFORCED_BY and versions[c.pk].get(d.pk):
                number = str(versions[c.pk][d.pk][-1].values.get("decision_number") or "").strip()
                if number:
                    wanted[(c.bureau_id, number)].add(c.pk)
    out = defaultdict(list)
    if not wanted:
        return out
    for sv in (Service.objects.filter(version__document__number__in={n for _, n in wanted},
                                      version__document__case__bureau_id__in={b for b, _ in wanted})
               .select_related("version__document__case").order_by("served_at", "id")):
        for case_id in wanted.get((sv.version.document.case.bureau_id, sv.version.document.number), ()):
            out[case_id].append(sv)
    return out
