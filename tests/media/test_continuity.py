"""Continuity facts of a body camera (002 第十五条(五)): gaps and overlaps between consecutive
clips of one device, in one query over the av_device_time index."""

from datetime import UTC, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from lawtrail.media import actions, continuity

from .samples import LOCATION, write_video

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_in_tmp")]

S = timedelta(seconds=1)
BEIJING = "+39.9042+116.4074+050.000/"


@pytest.fixture(scope="module")
def clips(tmp_path_factory):
    """1 s clips: name → (start offset in seconds from t0, location)."""
    root = tmp_path_factory.mktemp("continuity")
    t0 = timezone.now().replace(microsecond=0) - timedelta(hours=3)
    plan = {"c1": (0, LOCATION), "c2": (1, LOCATION),  # c2 starts as c1 ends: one recording, split
            "c3": (10, LOCATION),  # 8 s after c2 ended: a gap at the same place
            "c4": (10, BEIJING),  # before c3 ended (MP4 keeps whole seconds): an overlap (a clock problem), and far away
            "c5": (7200, None),  # two hours later: another occasion
            "other": (5, None)}  # another camera
    made = {}
    for name, (at, where) in plan.items():
        stamp = (t0 + timedelta(seconds=at)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        meta = {"creation_time": stamp} | ({"location": where} if where else {})
        made[name] = write_video(root / f"{name}.mp4", seconds=1, size=(64, 48), audio=False, metadata=meta)
    return t0, made


@pytest.fixture
def recorded(org, clips):
    t0, made = clips
    mine = actions.register_device(by=org.records, serial="DSJ-0001", assigned_to=org.zhang)
    other = actions.register_device(by=org.records, serial="DSJ-0002", assigned_to=org.li)
    av = {}
    for name, path in made.items():
        device, who = (other, org.li) if name == "other" else (mine, org.zhang)
        av[name] = actions.ingest_file(by=org.records, source=path, case=None,
                                       facts={"source": "body_camera", "device": device, "recorded_by": who})
    return t0, mine, av


def test_gaps_and_overlaps_between_consecutive_clips_of_one_device(recorded, django_assert_num_queries):
    t0, device, av = recorded
    with django_assert_num_queries(1):
        found = continuity.gaps(device)
        facts = [(g.previous.pk, g.next.pk, g.gap, g.overlap, g.same_place) for g in found]
    assert facts == [
        (av["c2"].pk, av["c3"].pk, 8 * S, False, True),
        (av["c3"].pk, av["c4"].pk, -S, True, False),
    ]
    everything = continuity.gaps(device, max_gap=None)  # the two-hour pause too
    assert [(g.next.pk, g.gap) for g in everything][-1] == (av["c5"].pk, av["c5"].capture_start - av["c4"].capture_end)
    assert everything[-1].same_place is None  # c5 has no place


def test_the_window_and_the_threshold(recorded):
    t0, device, av = recorded
    assert [g.next.pk for g in continuity.gaps(device, since=t0 + 5 * S)] == [av["c4"].pk]
    assert continuity.gaps(device, until=t0 + 10 * S) == []  # c1, c2: continuous
    assert [g.next.pk for g in continuity.gaps(device, max_gap=5 * S)] == [av["c4"].pk]  # overlaps always


def test_one_query_over_the_device_time_index(recorded):
    _, device, _ = recorded
    rows = continuity.clips(device, since=timezone.now() - timedelta(days=1))
    if connection.vendor == "postgresql":
        with connection.cursor() as c:  # a few rows: the planner would rather scan; show it can use the index
            c.execute("SET LOCAL enable_seqscan = off")
        plan = rows.explain()
    else:
        plan = rows.explain()
    assert "av_device_time" in plan and "TEMP B-TREE" not in plan.upper(), plan
