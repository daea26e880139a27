"""Continuity facts of a body camera (issue #5; 002 第十五条(五): recording at one place and time
must not be interrupted). This module finds the facts; whether a gap breaks the rule is for the
rule profile to decide.

``gaps(device)`` takes the device's clips ordered by capture start and, for each clip, compares it
with the clip before it that ended last (on a working camera that is simply the previous clip):

* the next clip starts after that one ended: a **gap** (``gap > 0``), listed when it is at most
  ``max_gap`` long — a longer pause is taken as a different occasion, not an interruption
  (``max_gap=None`` lists every gap);
* it starts before that one ended: an **overlap** (``gap < 0``). One camera cannot record two clips
  at once, so an overlap is a clock problem (a reset clock, a wrong zone, a changed offset); every
  overlap is listed, whatever its length;
* it starts exactly when that one ended: continuous (the camera split a long recording into
  files), not listed.

Pure query and computation, no writes: one query over the ``av_device_time`` index
(device, capture_start), rows streamed. ``since``/``until`` select clips by capture start
(``since <= capture_start < until``); a clip that started before ``since`` is not looked at.
Times are the record's own (for docked clips, already corrected by the device's clock offset).
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from collections.abc import Iterable
from typing import NamedTuple

from .models import AvRecord, Device

MAX_GAP = timedelta(minutes=30)
SAME_PLACE_METRES = 200  # GPS fixes this close together are one place (phone-grade GPS drifts tens of metres)


class Gap(NamedTuple):
    previous: AvRecord
    next: AvRecord
    gap: timedelta  # next.capture_start - previous.capture_end; negative for an overlap

    @property
    def overlap(self) -> bool:
        return self.gap < timedelta(0)

    @property
    def same_place(self) -> bool | None:
        """Were both clips made at one place? From their GPS fixes (within ``SAME_PLACE_METRES``),
        else from the place text; None when the records do not say."""
        a, b = self.previous, self.next
        if None not in (a.gps_lat, a.gps_lon, b.gps_lat, b.gps_lon):
            return metres_between(a.gps_lat, a.gps_lon, b.gps_lat, b.gps_lon) <= SAME_PLACE_METRES
        if a.place and b.place:
            return a.place.strip() == b.place.strip()
        return None


def gaps(device: Device, since: datetime | None = None, until: datetime | None = None,
         max_gap: timedelta | None = MAX_GAP) -> list[Gap]:
    """Gaps (at most ``max_gap``) and overlaps (all) between consecutive clips of ``device``."""
    return between(clips(device, since, until).iterator(chunk_size=2000), max_gap)


def between(records: Iterable[AvRecord], max_gap: timedelta | None = MAX_GAP) -> list[Gap]:
    """``gaps`` over clips of one camera already in hand, ordered by capture start (ties by id):
    the rule profiles use it on a case's own clips (rules/kinds/camera.py)."""
    found: list[Gap] = []
    last: AvRecord | None = None  # of the clips so far, the one that ended last
    for r in records:
        if last is not None:
            g = r.capture_start - last.capture_end
            if g < timedelta(0) or (g > timedelta(0) and (max_gap is None or g <= max_gap)):
                found.append(Gap(last, r, g))
        if last is None or r.capture_end > last.capture_end:
            last = r
    return found


def clips(device: Device, since: datetime | None = None, until: datetime | None = None):
    """The device's records by capture start (ties by id): the query ``gaps`` runs."""
    rows = AvRecord.objects.filter(device=device)
    if since is not None:
        rows = rows.filter(capture_start__gte=since)
    if until is not None:
        rows = rows.filter(capture_start__lt=until)
    return rows.order_by("capture_start", "id")


def metres_between(lat1, lon1, lat2, lon2) -> float:
    """Great-circle distance (haversine, mean Earth radius); degrees as Decimal or float."""
    p1, p2 = math.radians(float(lat1)), math.radians(float(lat2))
    dp, dl = p2 - p1, math.radians(float(lon2) - float(lon1))
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_008.8 * math.asin(min(1.0, math.sqrt(h)))
