"""Background work on stored originals: the low-resolution playback copy of a long video.

Any number of workers may run (``lawtrail serve`` runs one in-process; more hosts may run
``lawtrail media-worker``). Each round of ``run_pending``:

1. Pick the oldest job that is queued, or running but claimed more than ``STALE`` ago (its worker
   died), with fewer than ``MAX_ATTEMPTS`` attempts.
2. Claim it with one conditional UPDATE that only succeeds if the job is still in the state we
   saw (same status and claim time). If another worker got there first, the UPDATE touches no
   row: go back to step 1. No locks are held while the video is transcoded.
3. Read the original from the store into a temporary file, make the copy, store it (write-once,
   content-addressed) and record the Derivative with its ledger entry in one transaction; mark
   the job done. A failure records the error; the job is retried until MAX_ATTEMPTS.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from datetime import timedelta
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from lawtrail.ledger.tracked import record

from . import derivatives, ingest
from .digests import hash_file
from .models import Blob, Derivative, Job
from .storage import get_store

log = logging.getLogger("lawtrail.media")

PLAYBACK_AFTER_MS = 60_000   # a copy for videos longer than a minute…
PLAYBACK_ABOVE_LINES = 720   # …or sharper than 720p (a body camera's 1080p is heavy on an intranet)
STALE = timedelta(hours=2)
MAX_ATTEMPTS = 3
ACTOR = "system:media-worker"


def wants_playback_copy(kind: str, duration_ms: int | None, height: int | None) -> bool:
    return kind == "video" and ((duration_ms or 0) > PLAYBACK_AFTER_MS or (height or 0) > PLAYBACK_ABOVE_LINES)


def enqueue(original: Blob) -> None:
    """Queue the playback copy once per original (the same bytes uploaded twice: one job)."""
    if not Derivative.objects.filter(original=original, purpose="playback").exists():
        Job.objects.get_or_create(original=original, purpose="playback")


def _claim() -> Job | None:
    while True:
        now = timezone.now()
        job = (Job.objects.filter(status__in=("queued", "running"), attempts__lt=MAX_ATTEMPTS)  # step 1
               .exclude(status="running", claimed_at__gt=now - STALE).order_by("id").first())
        if job is None:
            return None
        claimed = Job.objects.filter(pk=job.pk, status=job.status, claimed_at=job.claimed_at).update(  # step 2
            status="running", claimed_at=now, attempts=job.attempts + 1, progress="0%", error="")
        if claimed:
            job.refresh_from_db()
            return job


def _make(job: Job) -> None:  # step 3
    store = get_store()
    with tempfile.TemporaryDirectory(dir=ingest.staging_dir()) as tmp:
        src, out = Path(tmp) / "original", Path(tmp) / "playback.mp4"
        with store.open(job.original.sha256) as f, open(src, "wb") as g:
            shutil.copyfileobj(f, g, 4 * 1024 * 1024)

        def progress(done, total):
            if total:
                Job.objects.filter(pk=job.pk).update(progress=f"{int(done * 100 / total)}%")

        made = derivatives.playback_copy(src, out, progress=progress)
        d = hash_file(out)
        store.put_file(out, d)
    with transaction.atomic():
        from .actions import _blob

        blob = _blob(ACTOR, d, made.mime)
        if not Derivative.objects.filter(original=job.original, purpose="playback").exists():
            record(actor=ACTOR, action="media.derivative_made", subject=f"blob:{job.original.sha256}",
                   create=Derivative(original=job.original, blob=blob, purpose="playback", made_at=timezone.now()),
                   payload={"purpose": "playback", "sha256": d.sha256})
        Job.objects.filter(pk=job.pk).update(status="done", progress="100%")


def run_pending(limit: int | None = None) -> int:
    """Do queued jobs until none is left (or ``limit`` were done); returns how many were done."""
    done = 0
    while limit is None or done < limit:
        job = _claim()
        if job is None:
            break
        try:
            _make(job)
            done += 1
        except Exception as e:  # noqa: BLE001 — one bad file must not stop the queue
            log.exception("playback copy of %s failed", job.original.sha256)
            failed = job.attempts >= MAX_ATTEMPTS
            Job.objects.filter(pk=job.pk).update(status="failed" if failed else "queued", error=str(e)[:2000])
    return done


def job_loop(interval: int = 30, stop=None) -> None:
    from lawtrail.ledger.management.commands.worker import every

    every(interval, run_pending, "media jobs", stop)
