"""Check one case against its bureau's profile: the stored result (rules.stored: fresh as stored, or
recomputed at once if any fact changed since it was computed), or, for another time than now,
computed from the facts without being stored."""

from __future__ import annotations

from datetime import datetime

from lawtrail.cases.models import Case

from . import facts as facts_mod
from . import stored
from .kinds import Finding


def check_case(case: Case | int, now: datetime | None = None) -> list[Finding]:
    """Every rule of the case's profile, in profile order, with its finding (``now``: evaluate the
    clocks as at that time, a what-if never stored; default the current time, from the stored result)."""
    if now is None:
        return stored.result(case).findings
    return stored.evaluate(facts_mod.load(case, now))
