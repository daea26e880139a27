"""Domain rows kept true to the ledger: "tracked" rows that change, "recorded" rows that never do.

A tracked row (a case, a party, a complaint, a staff record…) may change, but only through an
action that, in one transaction, writes the row and appends a ledger entry whose payload carries
the row's whole new state under ``payload["rows"]["<app>.<model>:<pk>"]``; ``record()`` then stamps
the row with that entry's sequence number (``ledger_seq``).

``check_rows`` (registered with verify) proves the rows against the log:

1. During verify's own pass over the log (``verify.observe``), for each entry that carries
   ``rows``, remember the newest entry naming each row key and the state of each created row.
2. Walk every tracked model's rows. A row must be stamped with exactly that newest entry (an older
   stamp means the row was rolled back to an earlier state), and its current state must equal the
   state written there, field by field.
3. A key named by an entry whose row no longer exists is a deleted row.

A *recorded* row (a finalised document version, a signature) is written once: ``record(create=row)``
appends the entry carrying its state under ``payload["created"]["<app>.<model>"]`` first and then
inserts the row with that entry's number, so the row never needs an UPDATE and its table refuses
both UPDATE and DELETE. ``check_rows`` compares each such row with its entry and names entries
whose row is gone.

Every value is brought to the form the database gives back (``db_form``) before it is written to
the row and to the entry: a fine of ``5000`` is kept as ``Decimal("5000.00")`` in both, not
``5000.00`` in the row and ``"5000"`` in the ledger — a difference that would make verify report
tampering forever, since the ledger is append-only. Typed text passes the one text policy
(``lawtrail.text``) on the way: a single-line field is a name, a multi-line one free text.

The tables also refuse DELETE by trigger (``appendonly.protect(..., allow_update=True)``); this
check still catches rows changed or deleted by someone who dropped the triggers.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.utils import timezone

from lawtrail import text

from .canonical import dumps, normalise
from .store import DERIVE, Appended, append

CHUNK = 2000


def db_form(field: models.Field, value):
    """``value`` as the database will give it back for ``field``: what both the row and the
    ledger entry must hold. Raises ValidationError (Django's Chinese message) for a value the
    column cannot take."""
    if value is None:
        return None
    if isinstance(field, models.ForeignKey):  # the column holds the target's key
        field = field.target_field
    value = field.to_python(value)  # "5000" → Decimal, "12" → 12, a date string → date …
    if isinstance(field, models.DecimalField):  # numeric(max_digits, decimal_places) keeps a fixed scale
        try:
            return value.quantize(Decimal(1).scaleb(-field.decimal_places), context=field.context)
        except InvalidOperation:
            raise ValidationError(f"数值超出范围（最多 {field.max_digits} 位数字）") from None
    if isinstance(field, models.DateTimeField) and timezone.is_naive(value):
        # Django would store it read in the default zone (with a warning); the ledger refuses naive
        # times, so it takes the same reading here, once, for both.
        return timezone.make_aware(value, timezone.get_default_timezone())
    return value


def prepare(row: models.Model, names: Iterable[str], *, typed: bool = True) -> None:
    """Bring ``row``'s fields ``names`` to their database form in place and, with ``typed``, put
    its text through the text policy; raise ValidationError({field: 中文}) naming each field refused."""
    errors: dict[str, list[str]] = {}
    for field in row._meta.concrete_fields:
        if field.name not in names:
            continue
        value = getattr(row, field.attname)
        try:
            value = db_form(field, value)
            if typed and isinstance(value, str) and isinstance(field, (models.CharField, models.TextField)):
                kind = text.TEXT if isinstance(field, models.TextField) else text.NAME
                value = text.clean(value, str(field.verbose_name), kind)
        except ValidationError as e:
            errors[field.name] = [f"{field.verbose_name}：{m}" for m in e.messages]
            continue
        except text.TextError as e:
            errors[field.name] = [str(e)]
            continue
        setattr(row, field.attname, value)
    if errors:
        raise ValidationError(errors)


@functools.cache
def _text_fields(model) -> frozenset[str]:
    return frozenset(f.name for f in model._meta.concrete_fields if isinstance(f, (models.CharField, models.TextField)))


class _Prepared(models.Model):
    """Tracked and recorded rows: every value in its database form and all text under the policy
    before it is validated or written, whichever way it arrived (page, API, command)."""

    class Meta:
        abstract = True

    def _kept_fields(self) -> tuple[str, ...]:
        raise NotImplementedError

    def prepare(self) -> None:
        prepare(self, {*self._kept_fields(), *_text_fields(type(self))})

    def clean_fields(self, exclude=None):
        errors = {}
        try:
            self.prepare()
        except ValidationError as e:
            errors = e.update_error_dict(errors)
        try:
            super().clean_fields(exclude=[*(exclude or ()), *errors])
        except ValidationError as e:
            errors = e.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.prepare()
        super().save(*args, **kwargs)


class Tracked(_Prepared):
    ledger_seq = models.BigIntegerField("账本条目序号", null=True, editable=False)

    # Subclasses name the fields whose values the ledger keeps; m2m fields are kept as sorted ids.
    tracked_fields: tuple[str, ...] = ()
    tracked_m2m: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def _kept_fields(self) -> tuple[str, ...]:
        return self.tracked_fields

    def ledger_key(self) -> str:
        return f"{self._meta.label_lower}:{self.pk}"

    def ledger_state(self) -> dict:
        state = {}
        for name in self.tracked_fields:
            state[name] = getattr(self, self._meta.get_field(name).attname)
        for name in self.tracked_m2m:
            state[name] = sorted(o.pk for o in getattr(self, name).all())
        return normalise(state, where=self.ledger_key())


class Recorded(_Prepared):
    ledger_seq = models.BigIntegerField("账本条目序号", unique=True, editable=False)

    recorded_fields: tuple[str, ...] = ()  # every column a verifier must be able to trust

    class Meta:
        abstract = True

    def _kept_fields(self) -> tuple[str, ...]:
        return self.recorded_fields

    def recorded_state(self) -> dict:
        state = {name: getattr(self, self._meta.get_field(name).attname) for name in self.recorded_fields}
        return normalise(state, where=self._meta.label_lower)


def record(*, actor: str, action: str, subject: str, rows: Iterable[Tracked] = (), payload: dict | None = None,
           create: Recorded | None = None, bureau: int | None = DERIVE, using: str = DEFAULT_DB_ALIAS) -> Appended:
    """Append one entry carrying the new state of ``rows`` (and of the new row ``create``), stamp
    the rows with it and insert ``create``.

    Call inside the action's transaction, after the rows (and their m2m links) are saved.
    ``bureau`` as for ``store.append`` (derived from the subject when left out).
    """
    if not connections[using].in_atomic_block:
        raise RuntimeError("tracked.record() must run inside the action's transaction")
    rows = list(rows)
    for r in rows:  # prepared when saved; a row changed by a queryset update() was not: its values too
        prepare(r, r.tracked_fields, typed=False)
    if create is not None:
        create.prepare()  # before its state goes to the entry: row and entry get the same values
    body = {**(payload or {}), "rows": {r.ledger_key(): r.ledger_state() for r in rows}}
    if create is not None:
        body["created"] = {create._meta.label_lower: create.recorded_state()}
    entry = append(actor=actor, action=action, subject=subject, payload=body, bureau=bureau, using=using)
    if create is not None:
        create.ledger_seq = entry.seq
        create.save(using=using, force_insert=True)
    for r in rows:
        type(r)._base_manager.using(using).filter(pk=r.pk).update(ledger_seq=entry.seq)
        r.ledger_seq = entry.seq
    return entry


def tracked_models() -> list[type[Tracked]]:
    return [m for m in apps.get_models() if issubclass(m, Tracked)]


def recorded_models() -> list[type[Recorded]]:
    return [m for m in apps.get_models() if issubclass(m, Recorded)]


def _bodies(seqs: Iterable[int], using: str) -> dict[int, dict]:
    from .models import Entry

    out = {}
    for seq, body in Entry.objects.using(using).filter(seq__in=list(seqs)).values_list("seq", "body"):
        out[seq] = json.loads(body)["payload"]
    return out


MARKER = '"rows":{'  # record() always writes "rows" (empty when it only creates), so this finds them all
ROW_KEY = re.compile(r"[a-z_]+\.[a-z_]+:\d+")


def observe_entry(report, seq: int, body: str) -> None:
    """Step 1, during verify's own pass over the entries: remember the newest entry naming each
    tracked row, and the state of each recorded row an entry created."""
    newest, created = report.notes.setdefault("tracked", ({}, {}))
    payload = json.loads(body)["payload"]
    if not isinstance(payload, dict):
        return
    if isinstance(payload.get("rows"), dict):
        for key in payload["rows"]:
            if ROW_KEY.fullmatch(key):
                newest[key] = seq
    if isinstance(payload.get("created"), dict):
        for label, state in payload["created"].items():
            created[(label, seq)] = state


def check_rows(report, using: str) -> None:
    newest, created = report.notes.get("tracked", ({}, {}))

    checked = 0
    for model in tracked_models():  # step 2
        qs = model._base_manager.using(using).order_by("pk")
        if model.tracked_m2m:
            qs = qs.prefetch_related(*model.tracked_m2m)
        chunk: list[Tracked] = []
        for row in qs.iterator(chunk_size=CHUNK):
            chunk.append(row)
            if len(chunk) == CHUNK:
                checked += _check_chunk(report, chunk, newest, using)
                chunk = []
        checked += _check_chunk(report, chunk, newest, using)

    for model in recorded_models():
        label = model._meta.label_lower
        for row in model._base_manager.using(using).order_by("pk").iterator(chunk_size=CHUNK):
            checked += 1
            key = f"{label}:{row.pk}"
            kept = created.pop((label, row.ledger_seq), None)
            if kept is None:
                report.add("row_unrecorded", key, f"记录 {key} 所指的条目 #{row.ledger_seq} 并未记载它", row.ledger_seq)
            elif kept != (now := row.recorded_state()):
                fields = sorted(k for k in set(now) | set(kept) if kept.get(k) != now.get(k))
                report.add("row_mismatch", key, f"记录 {key} 与条目 #{row.ledger_seq} 不一致，字段：{'、'.join(fields)}",
                           row.ledger_seq)

    for key, seq in sorted(newest.items(), key=lambda kv: kv[1]):  # step 3
        report.add("row_missing", key, f"条目 #{seq} 记载的记录 {key} 在数据库中不存在（被删除）", seq)
    for label, seq in sorted(created, key=lambda k: k[1]):
        report.add("row_missing", f"{label}@{seq}", f"条目 #{seq} 写入的 {label} 记录在数据库中不存在（被删除）", seq)
    report.counts["rows"] = checked


def _check_chunk(report, rows: list[Tracked], newest: dict[str, int], using: str) -> int:
    payloads = _bodies({r.ledger_seq for r in rows if r.ledger_seq is not None}, using)
    for row in rows:
        key = row.ledger_key()
        want_seq = newest.pop(key, None)
        if want_seq is None:
            report.add("row_unrecorded", key, f"记录 {key} 没有任何账本条目记载（绕过了业务操作写入）")
            continue
        if row.ledger_seq != want_seq:
            report.add("row_stale", key, f"记录 {key} 指向条目 #{row.ledger_seq}，但记载它的最新条目是 #{want_seq}"
                       "（记录被改回旧状态或被改动）", want_seq)
            continue
        kept = payloads.get(want_seq, {}).get("rows", {}).get(key)
        now = row.ledger_state()
        if kept != now:
            fields = sorted(k for k in set(now) | set(kept or {}) if (kept or {}).get(k) != now.get(k))
            report.add("row_mismatch", key, f"记录 {key} 与条目 #{want_seq} 不一致，字段：{'、'.join(fields)}；"
                       f"账本 {dumps({f: (kept or {}).get(f) for f in fields})}，数据库 {dumps({f: now.get(f) for f in fields})}",
                       want_seq)
    return len(rows)
