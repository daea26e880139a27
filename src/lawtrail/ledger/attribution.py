"""Which bureau a ledger entry belongs to, when its writer does not say (issue #15: each bureau's
auditor reads his own bureau's entries; the installation's auditor reads them all).

The answer is written inside the entry's hashed body (``"bureau"``, entry.py) and repeated in the
indexed column ``ledger_entry.bureau`` that the audit trail filters on. It is derived once, here,
from what every entry already names, in this order:

1. the subject, when it names a bureau's own thing: ``case:``, ``complaint:``, ``party:``,
   ``device:`` → that row's bureau; ``bureau:N`` → N; ``user:N`` / ``staff:N`` / ``username:X``
   → that person's bureau (none when the account has no staff record). So a supervisor of another
   bureau reading a case writes an entry of the case's bureau, not of his own;
2. subjects of the installation as a whole (``calendar:``, ``digest:``) → None;
3. anything else (``blob:<sha256>``, one stored object that several bureaus' records may share)
   → the bureau of the acting person (``user:N``), or None for a system actor.

A writer passes ``bureau=`` only where this is wrong (a bureau's creation is the installation's
act). Derivation costs one indexed query per kind of subject in a batch (counted in
store.STATEMENTS); a subject whose row does not exist belongs to the installation.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from django.apps import apps
from django.db import connections

from lawtrail.digits import is_digits

# subject kind -> the model whose row, keyed by the subject's id, names the bureau
_OWNED = {
    "case": "cases.Case",
    "complaint": "cases.Complaint",
    "party": "cases.Party",
    "device": "media.Device",
    "user": "access.Staff",  # a staff record's primary key is its account's id
    "staff": "access.Staff",
}
INSTALLATION_KINDS = frozenset({"calendar", "digest"})
_CHUNK = 500  # ids per query: far below any database's limit of parameters


def _split(subject: str) -> tuple[str, str]:
    kind, _, rest = subject.partition(":")
    return kind, rest


@cache
def _select(kind: str, using: str) -> str:
    """``SELECT key, bureau … WHERE key IN`` for a kind, ending before the list of keys.

    Plain SQL on the ledger's own cursor (store._run): the ORM's compiling cost more than the
    query, and this runs before every append whose writer does not name the bureau."""
    q = connections[using].ops.quote_name
    staff = apps.get_model("access.Staff")._meta
    if kind == "username":
        user = staff.get_field("user").related_model._meta
        return (f"SELECT u.{q(user.get_field('username').column)}, s.{q(staff.get_field('bureau').column)} "
                f"FROM {q(staff.db_table)} s JOIN {q(user.db_table)} u ON u.{q(user.pk.column)} = s.{q(staff.pk.column)} "
                f"WHERE u.{q(user.get_field('username').column)} IN ")
    meta = apps.get_model(_OWNED[kind])._meta
    return (f"SELECT {q(meta.pk.column)}, {q(meta.get_field('bureau').column)} FROM {q(meta.db_table)} "
            f"WHERE {q(meta.pk.column)} IN ")


def derive(pairs: Sequence[tuple[str, str]], using: str) -> list[int | None]:
    """The bureau of each (actor, subject) pair under the rules above."""
    from .store import _run  # store imports this module

    wanted: dict[str, set] = {}
    plan: list[tuple[str, object]] = []  # per pair: where its answer comes from
    for actor, subject in pairs:
        kind, ref = _split(subject)
        if kind == "bureau" and is_digits(ref):
            plan.append(("value", int(ref)))
        elif kind in INSTALLATION_KINDS:
            plan.append(("value", None))
        elif kind in _OWNED and is_digits(ref) or kind == "username":
            key = ref if kind == "username" else int(ref)
            wanted.setdefault(kind, set()).add(key)
            plan.append((kind, key))
        else:
            a_kind, a_ref = _split(actor)
            if a_kind == "user" and is_digits(a_ref):
                wanted.setdefault("user", set()).add(int(a_ref))
                plan.append(("user", int(a_ref)))
            else:
                plan.append(("value", None))
    found: dict[str, dict] = {}
    for kind, keys in wanted.items():
        keys, found[kind] = sorted(keys), {}
        for i in range(0, len(keys), _CHUNK):
            part = keys[i:i + _CHUNK]
            sql = _select(kind, using) + "(" + ",".join(["%s"] * len(part)) + ")"
            found[kind].update(_run(using, sql, part).fetchall())
    return [ref if kind == "value" else found[kind].get(ref) for kind, ref in plan]
