"""Check one case against its bureau's profile. Findings are computed on demand from the facts
loaded now and never stored, so no finding survives a change of the facts it was computed from."""

from __future__ import annotations

from datetime import datetime

from lawtrail.cases.models import Case

from . import facts as facts_mod
from . import profiles
from .kinds import Finding


def check_case(case: Case | int, now: datetime | None = None) -> list[Finding]:
    """Every rule of the case's profile, in profile order, with its finding (``now``: evaluate the
    clocks as at that time; default the current time)."""
    f = facts_mod.load(case, now)
    profile = profiles.get(f.case.bureau.profile)
    return [rule.evaluate(f) for rule in profile.rules]
