"""The only write path for organisation and accounts: each action writes its rows and its ledger
entry in one transaction (ledger/tracked.py; accounts, which are Django's table, in accounts.py).

``by`` is the acting user (or his Staff), or None for the installation itself (commands, demo).
An acting user must be an administrator of the bureau concerned: the admin screens are scoped to
his bureau, and the actions refuse the rest again, so no other path crosses the boundary.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import date

from django.contrib.auth import password_validation
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from lawtrail.ledger.store import append
from lawtrail.ledger.tracked import record

from . import accounts, roles
from .models import ApiToken, Bureau, Staff, Unit
from .policy import Denied, staff_of

# The roles a bureau's administrator may give (三员分立 inside one bureau). Listed, not derived from
# roles.ROLES, so that a role added later (an installation-wide one) is refused until named here;
# the installation (by=None: commands, demo) may give any role.
GIVEN_BY_BUREAU_ADMINISTRATOR = frozenset({"officer", "unit_head", "legal_reviewer", "agency_head",
                                           "records_custodian", "supervisor", "auditor", "administrator"})
ACCOUNT_FIELDS = ("username", "first_name", "last_name", "email")  # what update_account changes


def _actor(by) -> str:
    return f"user:{by.pk}" if by is not None else "system"


def _manager(by) -> Staff | None:
    """The acting administrator's Staff, or None for the installation; refuses anyone else."""
    if by is None:
        return None
    s = staff_of(by.user if isinstance(by, Staff) else by)
    if s is None or s.role not in roles.MANAGES_ACCOUNTS:
        raise Denied("只有系统管理员可以管理机构、工作人员和账号")
    return s


def _own_bureau(by, *bureau_ids) -> Staff | None:
    s = _manager(by)
    if s is not None and any(b != s.bureau_id for b in bureau_ids):
        raise Denied("只能管理本机关的机构、工作人员、账号和令牌")
    return s


def _bureau_of_user(user: User) -> int | None:
    return Staff.objects.filter(user_id=user.pk).values_list("bureau_id", flat=True).first()


@transaction.atomic
def create_bureau(*, by, code: str, name: str, abbr: str, profile: str, case_number_format: str | None = None) -> Bureau:
    if by is not None:
        raise Denied("新建执法机关由系统安装者用“lawtrail bureau create”办理，各机关的系统管理员不能新建")
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
    _own_bureau(by, bureau.pk)
    u = Unit(bureau=bureau, name=name, kind=kind)
    u.full_clean()
    u.save()
    record(actor=_actor(by), action="access.unit_created", subject=f"bureau:{bureau.pk}", rows=[u])
    return u


@transaction.atomic
def update_organisation(*, by, obj: Bureau | Unit) -> Bureau | Unit:
    """Save an edited bureau or unit (the admin's change form) with its ledger entry."""
    if isinstance(obj, Bureau):
        _own_bureau(by, obj.pk)
        bureau_id = obj.pk
    else:  # neither the unit's bureau before nor after may be another's
        stored = Unit.objects.filter(pk=obj.pk).values_list("bureau_id", flat=True).first()
        _own_bureau(by, obj.bureau_id, *([stored] if stored is not None else []))
        bureau_id = obj.bureau_id
    obj.full_clean()
    obj.save()
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


def _check_role_given(manager: Staff | None, role: str) -> None:
    if manager is not None and role not in GIVEN_BY_BUREAU_ADMINISTRATOR:
        raise ValidationError({"role": f"本机关的系统管理员不能授予“{roles.ROLES.get(role, role)}”角色"})


def _no_django_privileges(user: User) -> None:
    """Nobody is above separation of duties: the admin site is entered by the Staff role
    (site.LawtrailAdminSite), never by Django's flags, groups or permissions."""
    user.is_superuser = user.is_staff = False
    user.save(update_fields=["is_superuser", "is_staff"])
    user.groups.clear()
    user.user_permissions.clear()


def _locked_user(user: User) -> User:
    return User.objects.select_for_update(no_key=True).get(pk=user.pk)


@transaction.atomic
def create_staff(*, by, username: str, password: str, name: str, bureau: Bureau, role: str,
                 unit: Unit | None = None, certificate_no: str = "",
                 certificate_valid_from: date | None = None, certificate_valid_until: date | None = None) -> Staff:
    manager = _own_bureau(by, bureau.pk)
    _check_role_given(manager, role)
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": f"用户名“{username}”已被使用"})
    user = User(username=username, first_name=name)
    _validate_password(password, user)
    user.set_password(password)
    user.save()
    s = Staff(user=user, name=name, bureau=bureau, unit=unit, role=role, certificate_no=certificate_no,
              certificate_valid_from=certificate_valid_from, certificate_valid_until=certificate_valid_until)
    s.full_clean(exclude=["user"])
    check_staff(s)
    s.save()
    _no_django_privileges(user)
    record(actor=_actor(by), action="access.staff_created", subject=f"user:{user.pk}", rows=[s],
           payload={"username": username, **accounts.payload(user)})
    return s


@transaction.atomic
def update_staff(*, by, staff: Staff, **changes) -> Staff:
    """Change a staff record; a change of role is recorded as ``access.role_changed``."""
    allowed = set(Staff.tracked_fields)
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError(f"不能修改这些字段：{sorted(unknown)}")
    stored = Staff.objects.select_for_update(no_key=True).get(pk=staff.pk)
    new_bureau = changes["bureau"].pk if "bureau" in changes else stored.bureau_id
    manager = _own_bureau(by, stored.bureau_id, new_bureau)
    if manager is not None and manager.pk == staff.pk and {"role", "active", "bureau"} & {
            k for k, v in changes.items() if getattr(stored, Staff._meta.get_field(k).attname) != getattr(v, "pk", v)}:
        raise Denied("系统管理员不能修改自己的角色、所属机关或在岗状态，请由本机关另一名系统管理员办理")
    if "role" in changes and changes["role"] != stored.role:
        _check_role_given(manager, changes["role"])
    role_before = stored.role
    for k, v in changes.items():
        setattr(staff, k, v)
    staff.full_clean(exclude=["user"])
    check_staff(staff)
    staff.save()
    user = _locked_user(staff.user)
    _no_django_privileges(user)
    payload = {"changed": sorted(changes), **accounts.payload(user)}
    action = "access.staff_changed"
    if staff.role != role_before:
        action, payload["role"] = "access.role_changed", {"from": role_before, "to": staff.role}
    record(actor=_actor(by), action=action, subject=f"user:{staff.user_id}", rows=[staff], payload=payload)
    return staff


def change_role(*, by, staff: Staff, role: str) -> Staff:
    """Give ``staff`` another role (the admin's staff form does the same through update_staff)."""
    return update_staff(by=by, staff=staff, role=role)


def _validate_password(password: str, user: User) -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as e:
        raise ValidationError({"password": e.messages}) from None


@transaction.atomic
def set_password(*, by, user: User, password: str) -> User:
    """Set or reset an account's password. The entry carries the digest of the new stored hash,
    never the password, so a hash swapped in later shows in verify."""
    _own_bureau(by, _bureau_of_user(user))
    user = _locked_user(user)
    _validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    append(actor=_actor(by), action="access.password_set", subject=f"user:{user.pk}",
           payload={"username": user.username, **accounts.payload(user)})
    return user


@transaction.atomic
def set_account_active(*, by, user: User, active: bool) -> User:
    """Activate or deactivate an account (login allowed or not); nothing is ever deleted."""
    manager = _own_bureau(by, _bureau_of_user(user))
    if manager is not None and manager.pk == user.pk and not active:
        raise Denied("系统管理员不能停用自己的账号")
    user = _locked_user(user)
    user.is_active = bool(active)
    user.save(update_fields=["is_active"])
    append(actor=_actor(by), action="access.account_activated" if active else "access.account_deactivated",
           subject=f"user:{user.pk}", payload={"username": user.username, **accounts.payload(user)})
    return user


@transaction.atomic
def update_account(*, by, user: User, **changes) -> User:
    """Change an account's username or name fields (``ACCOUNT_FIELDS``)."""
    unknown = set(changes) - set(ACCOUNT_FIELDS)
    if unknown:
        raise ValueError(f"不能修改这些字段：{sorted(unknown)}")
    _own_bureau(by, _bureau_of_user(user))
    user = _locked_user(user)
    if "username" in changes and User.objects.filter(username=changes["username"]).exclude(pk=user.pk).exists():
        raise ValidationError({"username": f"用户名“{changes['username']}”已被使用"})
    for k, v in changes.items():
        setattr(user, k, v)
    user.full_clean(exclude=["password", "last_login", "date_joined"])
    user.save(update_fields=list(changes) or None)
    append(actor=_actor(by), action="access.account_changed", subject=f"user:{user.pk}",
           payload={"changed": sorted(changes), **accounts.payload(user)})
    return user


@transaction.atomic
def note_rehash(*, user: User) -> None:
    """Django re-hashes a password on login when the hasher's work factor has grown (a Django
    upgrade): the new hash is the same password, recorded so verify keeps proving the account."""
    append(actor="system", action="access.password_rehashed", subject=f"user:{user.pk}",
           payload={"username": user.username, **accounts.payload(user)})


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def issue_token(*, by, user: User, name: str) -> tuple[ApiToken, str]:
    """A new API token; the secret is returned once and never stored."""
    _own_bureau(by, _bureau_of_user(user))
    token = "lt_" + secrets.token_urlsafe(32)
    t = ApiToken.objects.create(user=user, name=name[:100], prefix=token[:10], digest=token_digest(token),
                                created_at=timezone.now())
    record(actor=_actor(by), action="access.token_issued", subject=f"user:{user.pk}", rows=[t],
           payload={"token": t.pk, "name": t.name, "prefix": t.prefix})
    return t, token


@transaction.atomic
def revoke_token(*, by, token: ApiToken) -> None:
    _own_bureau(by, _bureau_of_user(token.user))
    t = ApiToken.objects.select_for_update(no_key=True).get(pk=token.pk)
    if t.revoked_at is None:
        t.revoked_at = timezone.now()
        t.save(update_fields=["revoked_at"])
        record(actor=_actor(by), action="access.token_revoked", subject=f"user:{t.user_id}", rows=[t],
               payload={"token": t.pk, "prefix": t.prefix})
    token.revoked_at, token.ledger_seq = t.revoked_at, t.ledger_seq
