"""Who may see and do what. Views, the API and actions all ask here; nothing else decides.

An officer sees the cases of their unit and the cases they handle; a unit head their unit; the
agency head, legal reviewers, supervisors and records custodians the whole bureau; nobody sees
another bureau. The administrator and the auditor see no case (三员分立).
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from . import roles
from .models import Staff


class Denied(Exception):
    """The user may not do this; the message (Chinese) says why and is shown as is."""


def staff_of(user) -> Staff | None:
    """The user's active staff record, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_lawtrail_staff"):
        s = Staff.objects.select_related("bureau", "unit").filter(user_id=user.pk, active=True).first()
        user._lawtrail_staff = s
    return user._lawtrail_staff


def role(user) -> str | None:
    s = staff_of(user)
    return s.role if s else None


def has_role(user, allowed) -> bool:
    return role(user) in allowed


def require_role(user, allowed, doing: str) -> Staff:
    s = staff_of(user)
    if s is None or s.role not in allowed:
        names = "、".join(roles.ROLES[r] for r in sorted(allowed))
        raise Denied(f"无权{doing}：需要以下角色之一：{names}")
    return s


def visible_cases(user) -> QuerySet:
    from lawtrail.cases.models import Case

    s = staff_of(user)
    if s is None:
        return Case.objects.none()
    base = Case.objects.filter(bureau_id=s.bureau_id)
    if s.role in roles.SEES_BUREAU_CASES:
        return base
    if s.role == "unit_head":
        return base.filter(unit_id=s.unit_id)
    if s.role == "officer":
        handles = Case.handlers.through.objects.filter(case_id=OuterRef("pk"), staff_id=s.pk)
        return base.filter(Q(unit_id=s.unit_id) | Q(Exists(handles)))
    return Case.objects.none()


def visible_complaints(user) -> QuerySet:
    from lawtrail.cases.models import Complaint

    s = staff_of(user)
    if s is None or s.role not in roles.SEES_BUREAU_CASES | roles.SEES_UNIT_CASES:
        return Complaint.objects.none()
    return Complaint.objects.filter(bureau_id=s.bureau_id)


def visible_parties(user) -> QuerySet:
    from lawtrail.cases.models import Party

    s = staff_of(user)
    if s is None or s.role not in roles.SEES_BUREAU_CASES | roles.SEES_UNIT_CASES:
        return Party.objects.none()
    return Party.objects.filter(bureau_id=s.bureau_id)


def visible_devices(user) -> QuerySet:
    """Body cameras: the bureau's for those who see the bureau's cases, the unit's for its head,
    an officer's own."""
    from lawtrail.media.models import Device

    s = staff_of(user)
    if s is None or s.role not in roles.SEES_BUREAU_CASES | roles.SEES_UNIT_CASES:
        return Device.objects.none()
    base = Device.objects.filter(bureau_id=s.bureau_id)
    if s.role in roles.SEES_BUREAU_CASES:
        return base
    if s.role == "unit_head":
        return base.filter(unit_id=s.unit_id)
    return base.filter(assigned_to_id=s.pk)


def can_read_audit(user) -> bool:
    return has_role(user, roles.READS_AUDIT)
