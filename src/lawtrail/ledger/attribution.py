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
act). Derivation costs one indexed query per kind of subject in a batch.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.apps import apps

# subject kind -> (model, the field the subject's id is matched against)
_OWNED = {
    "case": ("cases.Case", "pk"),
    "complaint": ("cases.Complaint", "pk"),
    "party": ("cases.Party", "pk"),
    "device": ("media.Device", "pk"),
    "user": ("access.Staff", "user_id"),
    "staff": ("access.Staff", "pk"),
    "username": ("access.Staff", "user__username"),
}
INSTALLATION_KINDS = frozenset({"calendar", "digest"})
_CHUNK = 500  # ids per query: far below any database's limit of parameters
_NUMERIC = frozenset(k for k, (_, field) in _OWNED.items() if field != "user__username")


def _split(subject: str) -> tuple[str, str]:
    kind, _, rest = subject.partition(":")
    return kind, rest


def derive(pairs: Sequence[tuple[str, str]], using: str) -> list[int | None]:
    """The bureau of each (actor, subject) pair under the rules above."""
    wanted: dict[str, set] = {}
    plan: list[tuple[str, object]] = []  # per pair: where its answer comes from
    for actor, subject in pairs:
        kind, ref = _split(subject)
        if kind == "bureau" and ref.isdigit():
            plan.append(("value", int(ref)))
        elif kind in INSTALLATION_KINDS:
            plan.append(("value", None))
        elif kind in _OWNED and (ref.isdigit() or kind not in _NUMERIC):
            key = int(ref) if kind in _NUMERIC else ref
            wanted.setdefault(kind, set()).add(key)
            plan.append((kind, key))
        else:
            a_kind, a_ref = _split(actor)
            if a_kind == "user" and a_ref.isdigit():
                wanted.setdefault("user", set()).add(int(a_ref))
                plan.append(("user", int(a_ref)))
            else:
                plan.append(("value", None))
    found: dict[str, dict] = {}
    for kind, keys in wanted.items():
        label, field = _OWNED[kind]
        model, keys, found[kind] = apps.get_model(label), sorted(keys), {}
        for i in range(0, len(keys), _CHUNK):
            found[kind].update(model._base_manager.using(using).filter(**{f"{field}__in": keys[i:i + _CHUNK]})
                               .values_list(field, "bureau_id"))
    return [ref if kind == "value" else found[kind].get(ref) for kind, ref in plan]
