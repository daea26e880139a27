"""执法证 and enforcement acts: a person whose role holds a certificate (officers, unit heads) does an
enforcement act — opens a case, records or approves a step, records a fine payment or a clock
suspension, serves a document, signs as an officer, is named as the recorder of AV — only on a day
his certificate is valid. Clerical acts (registering a complaint or a party) stay open to him. Roles
without a certificate (the agency head, the records custodian…) are not judged here: what they may
do is their role's business (access/roles.py)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError

from lawtrail.access import roles
from lawtrail.access.models import Staff


def problem(person: Staff, on: date) -> str | None:
    """Why ``person`` cannot do an enforcement act on ``on``, or None."""
    if person.role not in roles.HOLDS_CERTIFICATE:
        return None
    return person.certificate_problem(on)


def require(person: Staff, on: date, doing: str, field: str = "__all__") -> None:
    """Refuse the act with the certificate's problem, in the words a user reads on the form."""
    found = problem(person, on)
    if found:
        raise ValidationError({field: f"不能{doing}：{found}（执法证有效方可从事执法活动）"})
