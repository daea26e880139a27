"""Stored findings (issue #6: "re-run incrementally when a case's facts change, and never stored in a
way that a stale finding survives a change").

Each case has one stored result (models.CaseCheck): its findings, the names of the records they
concern (refs.describe), when they were computed, and three ways it can be out of date:

- ``generation``: every change of a fact the result was computed from bumps it, in the
  transaction of the change (rules.sources); the result holds the generation it was computed at
  (``checked_generation``). A result is stored only by ``UPDATE … WHERE generation = <the
  generation read before the facts were loaded>``: if a change committed meanwhile, the UPDATE
  touches no row and the case is computed again.
- ``valid_until``: the earliest due time of a pending finding. Past it that finding is overdue, so
  the result has expired. (The contract of the rule kinds: a finding whose status changes with
  the mere passage of time is ``pending`` with ``due_at`` = that moment.)
- ``engine``: a digest of the profiles, of the code that evaluates them and of every module and
  package version that code reads (rules/engine.py derives the list from its imports); a
  deployment that changes any of them makes every result out of date.

A result that is none of these is fresh (``fresh``). Reads (``results``) return fresh results as
stored and recompute the others at once (``refresh``), in batches (``facts.load_many``: a fixed
number of queries per batch); the background job (rules.jobs) recomputes them too, so reads
rarely have to. With a result the pending and overdue findings with a due time are stored as rows
(models.DueFinding), so the 到期与逾期 list and the reminders are indexed queries.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import orjson
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from lawtrail.cases.models import Case
from lawtrail.gcpause import paused_gc

from . import engine as engine_sources
from . import facts as facts_mod
from . import profiles, refs
from .kinds import Finding, FixedFinding
from .models import CaseCheck, DueFinding

BATCH = 500     # cases per load_many and per storing transaction
ATTEMPTS = 3    # a case whose facts keep changing while it is computed: shown from the last try
FORMAT = "4"    # of the stored JSON (part of the engine digest: a new format recomputes every result)


@dataclass
class Result:
    case_id: int
    findings: list[Finding]          # every rule of the case's profile, in profile order
    names: dict                      # ref → (label, target) (refs.describe)
    computed_at: datetime


def digest(texts, versions, profile_texts) -> str:
    """SHA-256 over the stored format, each source file's name and bytes, each package version and
    each profile's name and bytes (``texts``, ``profile_texts``: (name, bytes) in a fixed order)."""
    h = hashlib.sha256(FORMAT.encode() + b"\0")
    for name, data in (*texts, ("", b"\n".join(v.encode() for v in versions)), *profile_texts):
        h.update(f"{name}\0{len(data)}\0".encode() + data)
    return h.hexdigest()[:32]


def engine_texts() -> tuple[list, tuple[str, ...]]:
    """The rule code and what it reads, as (path under src/, bytes), and the package versions."""
    files, versions = engine_sources.sources()
    return [(p.relative_to(engine_sources.SRC).as_posix(), p.read_bytes()) for p in files], versions


@lru_cache(maxsize=4)
def _engine(directory: str) -> str:
    texts, versions = engine_texts()
    return digest(texts, versions, [(p.name, p.read_bytes()) for p in sorted(Path(directory).glob("*.yaml"))])


def engine() -> str:
    """The digest of the running profiles and rule code (see the module's docstring)."""
    return _engine(str(profiles.profiles_dir()))


def fresh(now: datetime) -> Q:
    """CaseCheck rows whose result may be shown as stored at ``now``."""
    return (Q(checked_generation=F("generation"), engine=engine())
            & (Q(valid_until__isnull=True) | Q(valid_until__gt=now)))


def stale(cases: QuerySet, now: datetime | None = None) -> QuerySet:
    """The cases of ``cases`` without a fresh result (none yet, changed, expired or of another engine)."""
    now = now or timezone.now()
    return cases.filter(~Exists(CaseCheck.objects.filter(fresh(now), case_id=OuterRef("pk"))))


# --- computing ---------------------------------------------------------------------------------

def evaluate(f: facts_mod.CaseFacts) -> list[Finding]:
    """Every rule of the case's profile with its finding, in profile order."""
    return [rule.evaluate(f) for rule in profiles.get(f.case.bureau.profile).rules]


STATUS_CODES = {"met": "m", "pending": "p", "overdue": "o", "broken": "b", "not_applicable": "n"}
CODE_STATUSES = {v: k for k, v in STATUS_CODES.items()}


def _compute(f: facts_mod.CaseFacts) -> tuple[Result, dict]:
    findings = evaluate(f)
    names = refs.describe(f, [r for x in findings for r in x.records])
    result = Result(f.case.pk, findings, names, f.now)
    # kept short (some 50 findings a case): one row per rule, in profile order (the engine digest
    # pins the order: a result of other profiles is never decoded): 0 for a rule that does not apply
    # to the case's procedure (Rule.not_applicable, most of them), else [status code, message]
    # followed by the due time and the records only when there are any
    rows = []
    for x in findings:
        if isinstance(x, FixedFinding):
            rows.append(0)
            continue
        row = [STATUS_CODES[x.status], x.message]
        if x.due_at or x.records:
            row.append(x.due_at.isoformat() if x.due_at else None)
            if x.records:
                row.append(x.records)
        rows.append(row)
    return result, {"f": rows, "n": names}


def _decode(case_id: int, profile_name: str, stored: dict, computed_at: datetime) -> Result:
    findings = []
    for rule, row in zip(profiles.get(profile_name).rules, stored["f"], strict=True):
        if row == 0:
            findings.append(rule.not_applicable)
            continue
        code, message, *rest = row
        due_at = rest[0] if rest else None
        findings.append(Finding(CODE_STATUSES[code], message, parse_datetime(due_at) if due_at else None,
                                tuple(rest[1]) if len(rest) > 1 else (), *rule.labels))
    names = {k: (label, target) for k, (label, target) in stored["n"].items()}
    return Result(case_id, findings, names, computed_at)


def _generations(ids: list[int]) -> dict[int, int]:
    """The generation of each case's row, creating the rows missing (before the facts are read: a
    change committed after this read bumps what we read, and our UPDATE then misses)."""
    gens = dict(CaseCheck.objects.filter(case_id__in=ids).values_list("case_id", "generation"))
    missing = [i for i in ids if i not in gens]
    if missing:
        CaseCheck.objects.bulk_create([CaseCheck(case_id=i) for i in missing], ignore_conflicts=True)
        gens.update(CaseCheck.objects.filter(case_id__in=missing).values_list("case_id", "generation"))
    return gens


def _store(computed: dict[int, tuple[Result, dict]], gens: dict[int, int], now: datetime) -> list[int]:
    """Store each result whose case's generation is still the one read before its facts were loaded;
    the ids of those that were not (their facts changed meanwhile).

    A result equal to the one stored (a re-check that changed nothing: a calendar override, a new
    engine that judges alike) rewrites only its generation, engine and times, and keeps its due
    findings, which were made from the same findings; the others are written whole."""
    table = CaseCheck._meta.db_table
    ops = connection.ops
    texts = {cid: orjson.dumps(stored).decode() for cid, (_, stored) in computed.items()}  # compact UTF-8
    with transaction.atomic():
        rows = CaseCheck.objects.filter(case_id__in=sorted(computed)).order_by("case_id")
        if connection.features.has_select_for_update_skip_locked:
            # a row another transaction holds is being marked stale: skip it rather than wait, and
            # never wait while holding rows (no deadlock with an action marking several cases).
            # SQLite: the transaction began IMMEDIATE, so no other writer runs until it ends.
            rows = rows.select_for_update(skip_locked=True, no_key=True)
        now_rows = {cid: (gen, text) for cid, gen, text in rows.values_list("case_id", "generation", "findings")}
        kept = [cid for cid in sorted(computed) if cid in now_rows and now_rows[cid][0] == gens[cid]]
        changed = {cid for cid in kept if now_rows[cid][1] != texts[cid]}
        digest, at = engine(), ops.adapt_datetimefield_value(now)
        whole, same = [], []
        for cid in kept:
            pending = [x.due_at for x in computed[cid][0].findings if x.status == "pending" and x.due_at]
            until = ops.adapt_datetimefield_value(min(pending, default=None))
            if cid in changed:
                whole.append((gens[cid], digest, at, texts[cid], until, cid, gens[cid]))
            else:
                same.append((gens[cid], digest, at, until, cid, gens[cid]))
        with connection.cursor() as c:  # one statement each for the batch; still conditional on the generation
            if whole:
                c.executemany(f'UPDATE "{table}" SET "checked_generation" = %s, "engine" = %s, "computed_at" = %s, '
                              f'"findings" = %s, "valid_until" = %s WHERE "case_id" = %s AND "generation" = %s', whole)
            if same:
                c.executemany(f'UPDATE "{table}" SET "checked_generation" = %s, "engine" = %s, "computed_at" = %s, '
                              f'"valid_until" = %s WHERE "case_id" = %s AND "generation" = %s', same)
        if changed:
            DueFinding.objects.filter(case_id__in=changed).delete()
            DueFinding.objects.bulk_create([
                DueFinding(case_id=cid, rule=x.rule, status=x.status, due_at=x.due_at, message=x.message)
                for cid in changed for x in computed[cid][0].findings if x.due_at and x.status in ("pending", "overdue")])
    return sorted(set(computed) - set(kept))


def _recompute_batch(todo: list[int], into: dict | None) -> None:
    for _ in range(ATTEMPTS):
        at = timezone.now()
        gens = _generations(todo)
        computed = {f.case.pk: _compute(f) for f in facts_mod.load_many(Case.objects.filter(pk__in=todo), at)}
        todo = _store(computed, gens, at)
        if into is not None:
            into.update({cid: r for cid, (r, _) in computed.items()})
        if not todo:
            break


def _recompute(ids, into: dict | None = None) -> None:
    """Recompute and store the results of the cases ``ids``, BATCH at a time, adding them to
    ``into`` if given. The garbage collector is paused over a batch (lawtrail.gcpause), and what a
    batch built is let go before it runs again, so it finds nothing of it left to go over."""
    ids = sorted(set(ids))
    for start in range(0, len(ids), BATCH):
        with paused_gc():
            _recompute_batch(ids[start:start + BATCH], into)


def refresh(ids) -> dict[int, Result]:
    """Recompute the results of the cases ``ids`` now and store them (BATCH at a time); their results."""
    out: dict[int, Result] = {}
    _recompute(ids, out)
    return out


def refresh_stale(cases: QuerySet | None = None, limit: int | None = None) -> int:
    """Recompute the results of the cases of ``cases`` (default: all) that are not fresh, at most
    ``limit`` of them; how many were recomputed. The results are not kept: a round over many
    cases holds one batch at a time."""
    ids = list(stale(cases if cases is not None else Case.objects.all()).order_by("pk")
               .values_list("pk", flat=True)[:limit])
    _recompute(ids)
    return len(ids)


# --- reading -----------------------------------------------------------------------------------

def results(cases) -> dict[int, Result]:
    """{case id: Result} for ``cases`` (cases or their ids): fresh results as stored, the others
    recomputed now. One query when all are fresh."""
    now = timezone.now()
    ids = [c.pk if isinstance(c, Case) else int(c) for c in cases]
    out = {cid: _decode(cid, profile, orjson.loads(stored), at) for cid, stored, at, profile in
           CaseCheck.objects.filter(fresh(now), case_id__in=ids)
           .values_list("case_id", "findings", "computed_at", "case__bureau__profile")}
    missing = [i for i in ids if i not in out]
    if missing:
        out.update(refresh(missing))
    return out


def result(case: Case | int) -> Result:
    pk = case.pk if isinstance(case, Case) else case
    found = results([pk])
    if pk not in found:
        raise Case.DoesNotExist(f"案件 {pk} 不存在")
    return found[pk]
