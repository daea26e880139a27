"""The bureau's AV register (音像记录台账: 002 第十八条 集中对执法记录仪记录的音像资料进行统计、汇总、考核和查询):
search the AV records a person may see across cases, and sum them up per person who recorded them —
how many, how long, how large, and how many reached the system more than 24 hours after the
recording ended (the figure an assessment looks at: 000 第二十三条, 001 第二十三条, 004 第二十一条).
Pure queries over a queryset the caller limited (access.policy.visible_av_records)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models import BooleanField, Count, DateTimeField, ExpressionWrapper, F, Q, QuerySet, Sum

from lawtrail.rules.calendar import BEIJING

from .models import UPLOAD_WITHIN


@dataclass
class Filters:
    recorded_by: int | None = None  # Staff pk
    device: int | None = None       # Device pk
    kind: str = ""
    source: str = ""
    case_number: str = ""
    unassigned: bool = False        # of no case only
    date_from: date | None = None   # capture start, Beijing dates, inclusive
    date_to: date | None = None


def search(records: QuerySet, f: Filters) -> QuerySet:
    if f.recorded_by:
        records = records.filter(recorded_by_id=f.recorded_by)
    if f.device:
        records = records.filter(device_id=f.device)
    if f.kind:
        records = records.filter(kind=f.kind)
    if f.source:
        records = records.filter(source=f.source)
    if f.case_number:
        records = records.filter(case__number=f.case_number.strip())
    if f.unassigned:
        records = records.filter(case__isnull=True)
    if f.date_from:
        records = records.filter(capture_start__gte=datetime.combine(f.date_from, time.min, BEIJING))
    if f.date_to:
        records = records.filter(capture_start__lt=datetime.combine(f.date_to, time.max, BEIJING))
    return records


def _late() -> Q:
    """Uploaded more than UPLOAD_WITHIN after the recording ended. Declared remote work (which moves
    the limit: AvRecord.due_at) is not taken off here; the case's AV page and the rules do that."""
    return Q(uploaded_at__gt=ExpressionWrapper(F("capture_end") + UPLOAD_WITHIN, output_field=DateTimeField()))


@dataclass
class Line:
    name: str
    records: int
    videos: int
    audio: int
    photos: int
    seconds: int
    size: int
    late: int
    unassigned: int


def _aggregates() -> dict:
    return {"records": Count("id"), "videos": Count("id", filter=Q(kind="video")),
            "audio": Count("id", filter=Q(kind="audio")), "photos": Count("id", filter=Q(kind="photo")),
            "ms": Sum("duration_ms"), "size": Sum("blob__size"), "late": Count("id", filter=_late()),
            "unassigned": Count("id", filter=Q(case__isnull=True))}


def _line(name: str, row: dict) -> Line:
    return Line(name, row["records"], row["videos"], row["audio"], row["photos"], (row["ms"] or 0) // 1000,
                row["size"] or 0, row["late"], row["unassigned"])


def summary(records: QuerySet) -> tuple[list[Line], Line]:
    """One line per person who recorded (most records first), and the total: two queries."""
    rows = (records.order_by().values("recorded_by_id", "recorded_by__name").annotate(**_aggregates())
            .order_by("-records", "recorded_by__name"))
    lines = [_line(r["recorded_by__name"], r) for r in rows]
    return lines, _line("合计", records.order_by().aggregate(**_aggregates()))


def page_rows(records: QuerySet) -> QuerySet:
    """The register's rows, newest recording first, with what a row shows."""
    return (records.select_related("case", "device", "recorded_by", "blob")
            .annotate(late=ExpressionWrapper(_late(), output_field=BooleanField()))
            .order_by("-capture_start", "-id"))
