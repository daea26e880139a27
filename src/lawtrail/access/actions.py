"""The only write path for organisation and accounts: each action writes its rows and its ledger
entry in one transaction (ledger/tracked.py)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date

from django.contrib.auth.models import Group, Permission, User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from lawtrail.ledger.store import append
from lawtrail.ledger.tracked import record

from . import roles
from .models import ApiToken, Bureau, Staff, Unit

# Django permissions behind the two roles that use Django's own machinery: the administrator
# works in the admin site on accounts and organisation only; the auditor reads the ledger.
ROLE_GROUPS = {
    "administrator": ("系统管理员", [("auth", "user"), ("access", "bureau"), ("access", "unit"),
                                     ("access", "staff"), ("access", "apitoken")]),
    "auditor": ("审计员", [("ledger", "entry"), ("ledger", "checkpoint")]),
}


def _actor(by) -> str:
    return f"user:{by.pk}" if by is not None else "system"


@transaction.atomic
def create_bureau(*, by, code: str, name: str, abbr: str, profile: str, case_number_format: str | None = None) -> Bureau:
    b = Bureau(code=code, name=name, abbr=abbr, profile=profile)
    if case_number_format:
        b.case_number_format = case_number_format
    b.full_clean()
    b.save()
    record(actor=_actor(by), action="access.bureau_created", subject=f"bureau:{b.pk}", rows=[b],
           bureau=None)  # the installation creates bureaus (ledger/attribution.py)
    return b


@transaction.atomic
def create_unit(*, by, bureau: Bureau, name: str, kind: str = "section") -> Unit:
    u = Unit(bureau=bureau, name=name, kind=kind)
    u.full_clean()
    u.save()
    record(actor=_actor(by), action="access.unit_created", subject=f"bureau:{bureau.pk}", rows=[u])
    return u


@transaction.atomic
def update_organisation(*, by, obj: Bureau | Unit) -> Bureau | Unit:
    """Save an edited bureau or unit (the admin's change form) with its ledger entry."""
    obj.full_clean()
    obj.save()
    bureau_id = obj.pk if isinstance(obj, Bureau) else obj.bureau_id
    record(actor=_actor(by), action=f"access.{obj._meta.model_name}_changed", subject=f"bureau:{bureau_id}",
           rows=[obj])
    return obj


def check_staff(s: Staff) -> None:
    errors = {}
    if s.unit_id and s.unit.bureau_id != s.bureau_id:
        errors["unit"] = "承办机构不属于该执法机关"
    if s.role in roles.HOLDS_CERTIFICATE:
        if not s.certificate_no:
            errors["certificate_no"] = "执法人员必须填写执法证号"
        if not s.certificate_valid_until:
            errors["certificate_valid_until"] = "执法人员必须填写执法证有效期"
        if not s.unit_id:
            errors["unit"] = "执法人员必须属于一个承办机构"
    if s.certificate_valid_from and s.certificate_valid_until and s.certificate_valid_from > s.certificate_valid_until:
        errors["certificate_valid_until"] = "有效期止不能早于有效期起"
    if errors:
        raise ValidationError(errors)


def _sync_django_permissions(user: User, role: str) -> None:
    user.is_superuser = False  # nobody is above separation of duties
    user.is_staff = role == "administrator"
    user.save(update_fields=["is_superuser", "is_staff"])
    user.groups.clear()
    if role in ROLE_GROUPS:
        name, models = ROLE_GROUPS[role]
        group, _ = Group.objects.get_or_create(name=name)
        perms = Permission.objects.none()
        for app, model in models:
            codenames = ["view_" + model] if role == "auditor" else [f"{op}_{model}" for op in ("view", "add", "change")]
            perms = perms | Permission.objects.filter(content_type__app_label=app, codename__in=codenames)
        group.permissions.set(perms)
        user.groups.add(group)


@transaction.atomic
def create_staff(*, by, username: str, password: str, name: str, bureau: Bureau, role: str,
                 unit: Unit | None = None, certificate_no: str = "",
                 certificate_valid_from: date | None = None, certificate_valid_until: date | None = None) -> Staff:
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": f"用户名“{username}”已被使用"})
    user = User(username=username, first_name=name)
    user.set_password(password)
    user.save()
    s = Staff(user=user, name=name, bureau=bureau, unit=unit, role=role, certificate_no=certificate_no,
              certificate_valid_from=certificate_valid_from, certificate_valid_until=certificate_valid_until)
    s.full_clean(exclude=["user"])
    check_staff(s)
    s.save()
    _sync_django_permissions(user, role)
    record(actor=_actor(by), action="access.staff_created", subject=f"user:{user.pk}", rows=[s],
           payload={"username": username})
    return s


@transaction.atomic
def update_staff(*, by, staff: Staff, **changes) -> Staff:
    allowed = set(Staff.tracked_fields)
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError(f"不能修改这些字段：{sorted(unknown)}")
    for k, v in changes.items():
        setattr(staff, k, v)
    staff.full_clean(exclude=["user"])
    check_staff(staff)
    staff.save()
    _sync_django_permissions(staff.user, staff.role)
    record(actor=_actor(by), action="access.staff_changed", subject=f"user:{staff.user_id}", rows=[staff],
           payload={"changed": sorted(changes)})
    return staff


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def issue_token(*, by, user: User, name: str) -> tuple[ApiToken, str]:
    """A new API token; the secret is returned once and never stored."""
    token = "lt_" + secrets.token_urlsafe(32)
    t = ApiToken.objects.create(user=user, name=name[:100], prefix=token[:10], digest=token_digest(token),
                                created_at=timezone.now())
    append(actor=_actor(by), action="access.token_issued", subject=f"user:{user.pk}",
           payload={"token": t.pk, "name": t.name, "prefix": t.prefix})
    return t, token


@transaction.atomic
def revoke_token(*, by, token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    append(actor=_actor(by), action="access.token_revoked", subject=f"user:{token.user_id}",
           payload={"token": token.pk, "prefix": token.prefix})
