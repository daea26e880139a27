"""Read side shared by the pages and the API: case search and the case timeline from the ledger."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from django.db import connections
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from lawtrail.access.models import Staff
from lawtrail.ledger.models import Entry
from lawtrail.prepared import Prepared

from .models import Case, Party, StepRecord


@dataclass
class Filters:
    q: str = ""
    act_type: str = ""
    stage: str = ""
    status: str = ""
    unit: int | None = None
    date_from: date | None = None
    date_to: date | None = None


# Terms of at least this many characters go through the substring indexes (migration 0003):
# trigrams need three characters; shorter terms are matched by scanning, as they always were.
INDEXED_TERM = 3


def search(cases: QuerySet, f: Filters) -> QuerySet:
    """Filter a (permission-limited) case queryset. ``q`` matches 案号, 案由, party name or
    identifier, or a handler's name."""
    if f.q:
        q = f.q.strip()[:100]
        if q:  # a blank term matches every case, as "contains ''" always did
            cases = cases.filter(_matching(q, cases.db))
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


def _matching(q: str, using: str) -> Q:
    """Cases whose 案号 or 案由 contains ``q``, with a party whose name contains it (or whose
    identifier is it), or with a handler whose name contains it.

    Matching parties and officers are found first; the cases are then looked up through the link
    tables' indexes (uncorrelated IN), instead of two subqueries per case row. Terms of three
    characters or more go through the substring indexes of migration 0003 (``_INDEXED``)."""
    if "\x00" in q:
        # No text the actions let in holds a NUL (PostgreSQL cannot even store one), and SQLite's
        # MATCH and LIKE would end the term at it: such a term matches nothing, and is never sent.
        return Q(pk__in=[])
    vendor = connections[using].vendor
    if len(q) >= INDEXED_TERM and (vendor == "postgresql" or (vendor == "sqlite" and _has_fts(using))):
        conn = connections[using]
        like = conn.operators["contains"] % "%s"  # what __contains writes: LIKE %s [ESCAPE '\']
        pattern = f"%{conn.ops.prep_for_like_query(q)}%"
        phrase = '"' + q.replace('"', '""') + '"'  # one FTS5 string: operators and quotes in q are its text
        sql = _INDEXED[vendor].format(like=like)
        params = {"sqlite": (phrase, pattern, pattern, phrase, pattern),
                  "postgresql": (pattern, pattern, pattern)}[vendor] + (q, "", q.upper(), "", pattern)
        return Q(pk__in=RawSQL(sql, params))
    parties = Party.objects.using(using).filter(Q(name__contains=q) | Q(id_number=q) | Q(credit_code=q.upper()))
    officers = Staff.objects.using(using).filter(name__contains=q).values("pk")
    by_party = Case.parties.through.objects.using(using).filter(party_id__in=parties.values("pk")).values("case_id")
    by_officer = Case.handlers.through.objects.using(using).filter(staff_id__in=officers).values("case_id")
    return Q(number__contains=q) | Q(title__contains=q) | Q(pk__in=by_party) | Q(pk__in=by_officer)


# Both dialects end alike: parties by exact ID number or credit code, and cases by handler name.
_EXACT_IDS_AND_HANDLERS = """
  UNION SELECT p.id FROM cases_party p WHERE p.bureau_id IN (SELECT id FROM access_bureau)
   AND p.id_number = %s AND NOT (p.id_number = %s)
  UNION SELECT p.id FROM cases_party p WHERE p.bureau_id IN (SELECT id FROM access_bureau)
   AND p.credit_code = %s AND NOT (p.credit_code = %s))
UNION SELECT h.case_id FROM cases_case_handlers h
 WHERE h.staff_id IN (SELECT s.user_id FROM access_staff s WHERE s.name {like})"""

# The ids of the matching cases as one set, each part found through its own index. On SQLite the
# trigram FTS5 tables give candidates and every candidate is checked against the row itself with
# the LIKE of ``__contains`` (exactly the scan's condition), so the index changes the speed and
# never the answer; PostgreSQL's pg_trgm indexes serve that LIKE as it is. Identifiers are found
# through the unique indexes on (bureau, identifier): "any bureau" and "not empty" hold for every
# row that can equal a non-empty term and let those partial indexes serve. Written as SQL: built
# with the ORM, this one statement cost more Python than the rest of the page.
_INDEXED = {
    "sqlite": """
SELECT c.id FROM cases_case c
 WHERE c.id IN (SELECT rowid FROM cases_case_fts WHERE cases_case_fts MATCH %s)
   AND (c.number {like} OR c.title {like})
UNION SELECT l.case_id FROM cases_case_parties l WHERE l.party_id IN (
  SELECT p.id FROM cases_party p
   WHERE p.id IN (SELECT rowid FROM cases_party_fts WHERE cases_party_fts MATCH %s) AND p.name {like}""" + _EXACT_IDS_AND_HANDLERS,
    "postgresql": """
SELECT c.id FROM cases_case c WHERE c.number {like}
UNION SELECT c.id FROM cases_case c WHERE c.title {like}
UNION SELECT l.case_id FROM cases_case_parties l WHERE l.party_id IN (
  SELECT p.id FROM cases_party p WHERE p.name {like}""" + _EXACT_IDS_AND_HANDLERS,
}


_fts_checked: dict[tuple[str, str], bool] = {}


def _has_fts(using: str) -> bool:
    """Whether this SQLite database has the trigram tables (SQLite >= 3.34 when migrated)."""
    conn = connections[using]
    if conn.vendor != "sqlite":
        return False
    key = (using, str(conn.settings_dict["NAME"]))
    if key not in _fts_checked:
        with conn.cursor() as c:
            c.execute("SELECT count(*) FROM sqlite_master WHERE name IN ('cases_case_fts', 'cases_party_fts')")
            _fts_checked[key] = c.fetchone()[0] == 2
    return _fts_checked[key]


LIST_FIELDS = ("id", "number", "emergency", "title", "act_type", "unit__name", "stage", "status", "started_at")


def list_rows(cases: QuerySet, limit: int) -> list[dict]:
    """The first ``limit`` cases, newest first by id (the primary key: pages by keyset, never by
    OFFSET), as the case list shows them: plain dicts of LIST_FIELDS and ``parties`` (names in
    the order they were registered, joined by 、), in one query."""
    return [_list_row(r) for r in _list_values(cases, limit)]


def visible_list_rows(staff: Staff, limit: int, before: int | None = None) -> list[dict]:
    """list_rows of every case ``staff`` sees (below id ``before``, if given), with no filter: the
    list as it opens and as it pages on, run as a statement compiled once per role
    (policy.on_visible_cases) since compiling the officer's visibility cost more than running it."""
    from lawtrail.access import policy

    if before is not None and not policy.fits_pk(Case, before):
        before = None  # beyond any id: every case lies below it
    if before is None:
        statement, args = policy.on_visible_cases(staff, f"list:{limit}", lambda qs: _list_values(qs, limit))
    else:
        statement, args = policy.on_visible_cases(staff, f"list-before:{limit}", lambda qs, below: (
            _list_values(qs.filter(pk__lt=below), limit)), before)
    return [_list_row(dict(zip(_LIST_COLUMNS, r))) for r in statement.rows(*args)]


_LIST_COLUMNS = (*LIST_FIELDS, "party_names")


def _list_values(cases: QuerySet, limit: int) -> QuerySet:
    vendor = connections[cases.db].vendor
    return (cases.order_by("-id").annotate(party_names=RawSQL(_PARTY_NAMES[vendor], ()))
            .values(*_LIST_COLUMNS)[:limit])


def _list_row(r: dict) -> dict:
    names = r.pop("party_names")
    names = json.loads(names) if isinstance(names, str) else names or []  # PostgreSQL decodes json itself
    r["parties"] = "、".join(name for _, name in sorted(names))
    return r


# Each case's parties as a JSON array of [party id, name] (any character survives JSON; Python
# sorts by id), a correlated subquery on the link table's (case, party) index.
_PARTY_NAMES = {
    "sqlite": "SELECT json_group_array(json_array(l.party_id, p.name)) FROM cases_case_parties l "
              "JOIN cases_party p ON p.id = l.party_id WHERE l.case_id = cases_case.id",
    "postgresql": "SELECT json_agg(json_build_array(l.party_id, p.name)) FROM cases_case_parties l "
                  "JOIN cases_party p ON p.id = l.party_id WHERE l.case_id = cases_case.id",
}


@dataclass
class TimelineEntry:
    seq: int
    time: str
    actor: str
    actor_name: str
    action: str
    payload: object
    hash: str


# The case page's one-case reads, compiled once (lawtrail.prepared): compiling these querysets
# on every view cost more than running them.
_ENTRIES = Prepared("ledger.Entry", lambda subject: (
    Entry.objects.filter(subject=subject).order_by("seq").values_list("seq", "body", "hash")))
_STEPS = Prepared("cases.StepRecord", lambda case_id: StepRecord.objects.filter(case_id=case_id))
_PARTIES = Prepared("cases.Party", lambda case_id: Party.objects.filter(cases__id=case_id))  # = case.parties.all()


def case_steps(case: Case) -> list[StepRecord]:
    """The case's step records in StepRecord's order, each knowing its case (step_def reads the
    procedure from it)."""
    steps = _STEPS.objects(case.pk)
    for r in steps:
        r.case = case
    return steps


def case_parties(case: Case) -> list[Party]:
    """case.parties.all(), in the order that gives."""
    return _PARTIES.objects(case.pk)


def timeline(case: Case, names: dict[int, str] | None = None) -> list[TimelineEntry]:
    """Every ledger entry about the case, oldest first, with the acting person's name (from
    ``names``, staff id -> name, when the caller has them; looked up otherwise)."""
    # The columns, not Entry rows: each body is parsed once here as Entry.fields would.
    entries = [(seq, json.loads(body), bytes(digest).hex()) for seq, body, digest in _ENTRIES.rows(f"case:{case.pk}")]
    ids = {int(f["actor"].split(":", 1)[1]) for _, f, _ in entries if f["actor"].startswith("user:")}
    names = dict(names or {})
    if ids - names.keys():
        names.update(Staff.objects.filter(user_id__in=ids - names.keys()).values_list("user_id", "name"))
    out = []
    for seq, f, digest in entries:
        actor = f["actor"]
        uid = int(actor.split(":", 1)[1]) if actor.startswith("user:") else None
        out.append(TimelineEntry(seq, f["time"], actor, names.get(uid, actor), f["action"], f["payload"], digest))
    return out


@dataclass
class Person:
    """A member of staff as the case page names them."""

    pk: int
    name: str
    bureau_id: int
    certificate_no: str
    certificate_valid_until: date | None


def case_people(case: Case, steps: list) -> tuple[dict[int, Person], list[Person]]:
    """The staff the case page names, in one query whatever the number of steps: the bureau's
    staff (in Staff's own order: bureau, name) and every handler link of the case and its steps.
    Returns (staff by id, the case's handlers) and gives each step ``handler_people``."""
    staff: dict[int, Person] = {}
    handlers: list[Person] = []
    by_step: dict[int, list[Person]] = {}
    links = []
    with connections[case._state.db or "default"].cursor() as c:
        c.execute(_PEOPLE, [case.bureau_id, case.pk, case.pk])
        for kind, key, name, bureau_or_staff, certificate_no, valid_until in c.fetchall():
            if kind == 0:
                if isinstance(valid_until, str):  # SQLite gives the text of the date
                    valid_until = date.fromisoformat(valid_until)
                staff[key] = Person(key, name, bureau_or_staff, certificate_no, valid_until)
            else:
                links.append((kind, key, bureau_or_staff))
    missing = {staff_id for _, _, staff_id in links} - staff.keys()
    missing |= {i for r in steps for i in (r.recorded_by_id, r.approved_by_id) if i is not None} - staff.keys()
    missing |= {case.created_by_id} - staff.keys()
    if missing:  # someone of another bureau: never made by the actions, but shown if there
        fields = ("pk", "name", "bureau_id", "certificate_no", "certificate_valid_until")
        staff.update((row[0], Person(*row)) for row in Staff.objects.filter(pk__in=missing).values_list(*fields))
    rank = {pk: i for i, pk in enumerate(staff)}  # the order Staff was read in: its Meta ordering
    for kind, owner, staff_id in links:
        (handlers if kind == 1 else by_step.setdefault(owner, [])).append(staff[staff_id])
    for r in steps:
        r.handler_people = sorted(by_step.get(r.pk, ()), key=lambda p: (p.bureau_id, rank[p.pk]))
    return staff, sorted(handlers, key=lambda p: (p.bureau_id, rank[p.pk]))


# SQL: through the ORM, the staff and the two link tables were three statements, each costing more
# Python than its rows. Kind 0: a member of the case's bureau (ordered as Staff.Meta.ordering);
# 1: a handler of the case; 2: a handler of one of its steps (key: the step record).
_PEOPLE = """
SELECT 0, s.user_id, s.name, s.bureau_id, s.certificate_no, s.certificate_valid_until
  FROM access_staff s WHERE s.bureau_id = %s
UNION ALL SELECT 1, l.case_id, NULL, l.staff_id, NULL, NULL FROM cases_case_handlers l WHERE l.case_id = %s
UNION ALL SELECT 2, h.steprecord_id, NULL, h.staff_id, NULL, NULL
  FROM cases_steprecord_handlers h JOIN cases_steprecord r ON r.id = h.steprecord_id WHERE r.case_id = %s
ORDER BY 1, 4, 3"""
