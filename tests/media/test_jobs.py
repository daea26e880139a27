"""The playback copy of a long video is made in the background, claimed by one worker at a time,
stored as its own object naming the original, and retried a few times when it fails."""

import os
from datetime import timedelta

import pytest
from django.utils import timezone

from lawtrail.ledger import verify
from lawtrail.media import jobs
from lawtrail.media.models import Derivative, Job
from lawtrail.media.probe import probe
from lawtrail.media.storage import get_store

from .samples import samples, top_level_boxes  # noqa: F401 (fixture)
from .test_ingest import upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_root(media_in_tmp, monkeypatch):
    monkeypatch.setattr(jobs, "PLAYBACK_AFTER_MS", 1000)  # the 2-second sample counts as long


def test_a_long_video_gets_a_playback_copy_that_names_its_original(org, samples):
    av, _ = upload(org.zhang, org.case(), samples.video)
    job = Job.objects.get(original=av.blob)
    assert job.status == "queued"
    assert jobs.run_pending() == 1 and jobs.run_pending() == 0
    copy = Derivative.objects.get(original=av.blob, purpose="playback")
    path = get_store().path(copy.blob.sha256)
    assert copy.blob.mime == "video/mp4" and probe(path).height <= 360
    boxes = top_level_boxes(path)
    assert boxes.index("moov") < boxes.index("mdat")  # playable before it has all arrived
    assert Job.objects.get(pk=job.pk).status == "done" and get_store().exists(av.blob.sha256)
    assert verify.run().ok


def test_a_photo_or_a_short_clip_gets_no_job(org, samples, monkeypatch):
    monkeypatch.setattr(jobs, "PLAYBACK_AFTER_MS", 60_000)
    upload(org.zhang, org.case(), samples.video)
    upload(org.zhang, org.case(), samples.photo)
    assert not Job.objects.exists()


def test_a_job_is_claimed_once_and_a_dead_workers_claim_is_taken_over(org, samples):
    upload(org.zhang, org.case(), samples.video)
    first = jobs._claim()
    assert first is not None and jobs._claim() is None  # running, recently claimed: nobody else takes it
    Job.objects.filter(pk=first.pk).update(claimed_at=timezone.now() - jobs.STALE - timedelta(minutes=1))
    again = jobs._claim()
    assert again.pk == first.pk and again.attempts == 2


def test_a_failing_job_records_why_and_stops_after_its_attempts(org, samples):
    av, _ = upload(org.zhang, org.case(), samples.video)
    os.unlink(get_store().path(av.blob.sha256))  # the original is gone (fixity will say so too)
    for _ in range(jobs.MAX_ATTEMPTS):
        jobs.run_pending()
    job = Job.objects.get(original=av.blob)
    assert job.status == "failed" and job.attempts == jobs.MAX_ATTEMPTS and av.blob.sha256 in job.error
    assert not Derivative.objects.filter(original=av.blob, purpose="playback").exists()
