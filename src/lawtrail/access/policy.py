"""Who may see and do what. Views, the API and actions all ask here; nothing else decides.

An officer sees the cases of their unit and the cases they handle; a unit head their unit; the
agency head, legal reviewers, supervisors and records custodians the whole bureau; nobody sees
another bureau. The administrator and the auditor see no case (三员分立).
"""

from __future__ import annotations

from django.db import connections
from django.db.models import Exists, OuterRef, Q, QuerySet

from lawtrail.prepared import Prepared

from . import roles
from .models import Bureau, Staff, Unit


class Denied(Exception):
    """The user may not do this; the message (Chinese) says why and is shown as is."""


def staff_of(user) -> Staff | None:
    """The user's active staff record, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_lawtrail_staff"):
        user._lawtrail_staff = _active_staff(user.pk)
    return user._lawtrail_staff


# staff_of runs on every page: the ORM spent ten times the statement's own cost compiling
# select_related("bureau", "unit") (and Staff's ordering, pointless for one row by primary key).
# The statement is written once per database; its values pass the backend's converters as the
# ORM's would (SQLite gives dates as text and booleans as integers).
_STAFF_MODELS = (Staff, Bureau, Unit)
_staff_sql: dict[str, tuple[str, list]] = {}


def _staff_statement(db: str) -> tuple[str, list]:
    if db not in _staff_sql:
        conn = connections[db]
        q = conn.ops.quote_name
        cols, converters = [], []
        for model, alias in zip(_STAFF_MODELS, "sbu"):
            for f in model._meta.concrete_fields:
                cols.append(f"{alias}.{q(f.column)}")
                col = f.get_col(alias)
                converters.append((col, conn.ops.get_db_converters(col) + col.get_db_converters(conn)))
        sql = (f"SELECT {', '.join(cols)} FROM {q(Staff._meta.db_table)} s"
               f" JOIN {q(Bureau._meta.db_table)} b ON b.{q('id')} = s.{q('bureau_id')}"
               f" LEFT JOIN {q(Unit._meta.db_table)} u ON u.{q('id')} = s.{q('unit_id')}"
               f" WHERE s.{q('user_id')} = %s AND s.{q('active')} = %s")
        _staff_sql[db] = (sql, converters)
    return _staff_sql[db]


def _active_staff(user_id) -> Staff | None:
    """The active Staff row of ``user_id`` with its bureau and unit, as select_related gives them."""
    db = Staff.objects.db
    conn = connections[db]
    sql, converters = _staff_statement(db)
    with conn.cursor() as c:
        c.execute(sql, [user_id, True])
        row = c.fetchone()
    if row is None:
        return None
    values = []
    for value, (col, funcs) in zip(row, converters):
        for fn in funcs:
            value = fn(value, col, conn)
        values.append(value)
    made = []
    for model in _STAFF_MODELS:
        fields = model._meta.concrete_fields
        part, values = values[:len(fields)], values[len(fields):]
        made.append(model.from_db(db, [f.attname for f in fields], part))
    s, bureau, unit = made
    Staff._meta.get_field("bureau").set_cached_value(s, bureau)
    Staff._meta.get_field("unit").set_cached_value(s, unit if s.unit_id is not None else None)
    return s


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
    return _cases_seen_by(staff_of(user))


def _cases_seen_by(s) -> QuerySet:
    """visible_cases for a staff record (or anything with its role, bureau_id, unit_id and pk)."""
    from lawtrail.cases.models import Case

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


class _Seer:
    """What _cases_seen_by reads of a staff record, with placeholders for Prepared to compile."""

    def __init__(self, role, bureau_id, unit_id, pk):
        self.role, self.bureau_id, self.unit_id, self.pk = role, bureau_id, unit_id, pk


# The case page and the unfiltered case list read the visible cases on every view: building
# visible_cases's queryset (an officer's EXISTS on the handler links) and compiling it took longer
# than the statement itself. So they run Prepared statements, one per role and use, compiled from
# the same _cases_seen_by: the answer is the queryset's by construction
# (tests/access/test_visible_case.py).
_prepared: dict[tuple[str, str], Prepared] = {}


def on_visible_cases(s: Staff, use: str, then, *args) -> tuple[Prepared, tuple]:
    """The Prepared statement ``then(visible cases of s, *args)`` (``use`` names ``then``: one
    statement per role and use) and the arguments to run it with. ``then`` must depend on its
    arguments only (lawtrail.prepared)."""
    key = (s.role, use)
    statement = _prepared.get(key)
    if statement is None:
        role = s.role
        statement = _prepared.setdefault(key, Prepared("cases.Case", lambda bureau_id, unit_id, staff_id, *rest: (
            then(_cases_seen_by(_Seer(role, bureau_id, unit_id, staff_id)), *rest))))
    return statement, (s.bureau_id, s.unit_id, s.pk, *args)


def _one_case(cases, pk):
    return cases.select_related("unit").filter(pk=pk)


def visible_case(user, case_id):
    """visible_cases(user).select_related("unit").filter(pk=case_id) as one Case, or None."""
    from lawtrail.cases.models import Case

    s = staff_of(user)
    if s is None or not fits_pk(Case, case_id):
        return None
    statement, args = on_visible_cases(s, "one", _one_case, case_id)
    return statement.first(*args)


def fits_pk(model, value: int) -> bool:
    """Whether the database can hold ``value`` as the model's primary key: the ORM answers "no
    such row" for a number out of range (a URL can carry any number of digits), the driver would
    raise instead."""
    low, high = connections[model.objects.db].ops.integer_field_range(model._meta.pk.get_internal_type())
    return (low is None or value >= low) and (high is None or value <= high)


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


def visible_access_requests(user) -> QuerySet:
    """查阅、复制申请: those of the cases the user sees (so nobody outside the bureau, and not the
    administrator or the auditor)."""
    from .models import AccessRequest

    s = staff_of(user)
    if s is None or s.role not in roles.HANDLES_ACCESS_REQUESTS:
        return AccessRequest.objects.none()
    return AccessRequest.objects.filter(bureau_id=s.bureau_id, case__in=visible_cases(user))


def visible_av_records(user) -> QuerySet:
    """音像记录 across cases (the bureau's AV register, 002 第十八条): those of the cases the user
    sees, and of no case those the bureau-wide roles keep (the records custodian's unassigned
    recordings) or that the user recorded or uploaded."""
    from lawtrail.media.models import AvRecord

    s = staff_of(user)
    if s is None or s.role not in roles.SEES_BUREAU_CASES | roles.SEES_UNIT_CASES:
        return AvRecord.objects.none()
    loose = Q(case__isnull=True)
    if s.role not in roles.SEES_BUREAU_CASES:
        loose &= Q(recorded_by_id=s.pk) | Q(uploaded_by_id=s.pk)
    return AvRecord.objects.filter(Q(bureau_id=s.bureau_id) & (Q(case__in=visible_cases(user)) | loose))


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


def visible_entries(user) -> QuerySet:
    """The ledger entries of the user's audit trail: his bureau's (审计员), or every entry, the
    installation's own included (系统审计员); none for anyone else. Entries are attributed to a
    bureau inside their hashed body (ledger/attribution.py) and verify checks the column."""
    from lawtrail.ledger.models import Entry

    s = staff_of(user)
    if s is None or s.role not in roles.READS_AUDIT:
        return Entry.objects.none()
    if s.role in roles.READS_EVERY_BUREAUS_AUDIT:
        return Entry.objects.all()
    return Entry.objects.filter(bureau=s.bureau_id)
