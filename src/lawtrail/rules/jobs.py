"""The rules' background round (``lawtrail worker``, and ``lawtrail serve``'s in-process worker):

1. Claim the round with one conditional UPDATE of its JobClaim row (free, or its lease ran out:
   the worker holding it died), so with several workers one round runs at a time.
2. Recompute the stored results that are not fresh (rules.stored: facts changed, a pending
   finding's due time passed, a new engine), at most ``ROUND_LIMIT`` cases a round.
3. Send the reminders not sent yet, then, once the digest hour has come, today's digests
   (rules.reminders).
4. Release the claim.
"""

from __future__ import annotations

import os
import socket
import threading
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from . import reminders, stored
from .models import JobClaim

NAME = "rules"
LEASE = timedelta(minutes=15)  # longer than any round; a dead worker's claim lapses after it
ROUND_LIMIT = 20_000
INTERVAL = 60  # seconds between rounds


def _me() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"[:100]


def claim(now=None) -> bool:
    now = now or timezone.now()
    JobClaim.objects.bulk_create([JobClaim(name=NAME)], ignore_conflicts=True)
    return JobClaim.objects.filter(Q(until__isnull=True) | Q(until__lt=now), name=NAME).update(
        until=now + LEASE, by=_me()) == 1


def release() -> None:
    JobClaim.objects.filter(name=NAME, by=_me()).update(until=None)


def run_round() -> dict | None:
    """One round; what it did, or None when another worker holds the round."""
    if not claim():
        return None
    try:
        recomputed = stored.refresh_stale(limit=ROUND_LIMIT)
        sent = reminders.send()
        digests = reminders.send_digests()
    finally:
        release()
    return {"recomputed": recomputed, "reminders": sent, "digests": digests}


def job_loop(interval: int = INTERVAL, stop=None) -> None:
    from lawtrail.ledger.management.commands.worker import every

    every(interval, run_round, "rules round", stop)
