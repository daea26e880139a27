"""Every playback or download of an original AV record is in the ledger whatever its first request
asks for (issue #15): the rule is decided from the ledger, not from the request's Range or If-Range,
so no way of asking for the bytes leaves no trace. The range requests of one playback share one
entry for PLAYBACK_WINDOW."""

from datetime import timedelta

import pytest
from django.utils import timezone

from lawtrail.media import actions
from tests.media.samples import samples  # noqa: F401 (fixture)
from tests.web.test_media_pages import entries, upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_in_tmp")]


@pytest.fixture
def clip(org, samples):
    zhang = org.client_for(org.zhang)
    data = samples.video.read_bytes()
    av, answer = upload(zhang, org.case(), "clip.mp4", data)
    return av, answer["url"] + "original/", data


def read(client, url, **headers):
    r = client.get(url, headers=headers)
    return r.status_code, b"".join(r.streaming_content) if r.streaming else r.content


def test_a_playback_starting_at_the_second_byte_is_in_the_ledger(org, clip):
    av, url, data = clip
    status, body = read(org.client_for(org.li), url, Range="bytes=1-")
    assert status == 206 and body == data[1:]
    viewed = entries("media.viewed")
    assert [(e.actor, e.payload["record"]) for e in viewed] == [(f"user:{org.li.user_id}", av.pk)]


def test_the_last_bytes_alone_are_in_the_ledger(org, clip):
    av, url, data = clip
    assert read(org.client_for(org.li), url, Range="bytes=-100") == (206, data[-100:])
    assert len(entries("media.viewed")) == 1


def test_a_file_read_in_many_small_ranges_none_at_zero_is_one_entry_not_none(org, clip):
    av, url, data = clip
    li = org.client_for(org.li)
    got = b"".join(read(li, url, Range=f"bytes={at}-{min(at + 999, len(data) - 1)}")[1]
                   for at in range(1, len(data), 1000))
    assert got == data[1:]
    assert len(entries("media.viewed")) == 1


def test_an_if_range_that_does_not_match_sends_the_whole_file_and_is_logged(org, clip):
    av, url, data = clip
    assert read(org.client_for(org.li), url, Range="bytes=5-", **{"If-Range": '"not-this-file"'}) == (200, data)
    assert len(entries("media.viewed")) == 1


def test_an_if_range_that_matches_still_logs_the_range_it_serves(org, clip):
    av, url, data = clip
    status, body = read(org.client_for(org.li), url, Range="bytes=7-", **{"If-Range": f'"{av.blob.sha256}"'})
    assert (status, body) == (206, data[7:])
    assert len(entries("media.viewed")) == 1


def test_a_download_after_a_playback_is_its_own_entry(org, clip):
    av, url, data = clip
    li = org.client_for(org.li)
    read(li, url, Range="bytes=100-")
    assert read(li, url + "?download=1", Range="bytes=1-")[0] == 206
    assert (len(entries("media.viewed")), len(entries("media.downloaded"))) == (1, 1)


def test_each_person_reading_the_same_record_is_logged(org, clip):
    av, url, data = clip
    read(org.client_for(org.li), url, Range="bytes=1-")
    read(org.client_for(org.legal), url, Range="bytes=1-")
    assert {e.actor for e in entries("media.viewed")} == {f"user:{org.li.user_id}", f"user:{org.legal.user_id}"}


def test_requests_that_send_no_bytes_write_nothing(org, clip):
    av, url, data = clip
    li = org.client_for(org.li)
    assert li.head(url).status_code == 200
    assert read(li, url, Range=f"bytes={len(data)}-")[0] == 416
    assert entries("media.viewed") == []


def test_reading_on_after_the_window_writes_another_entry(org, clip):
    av, url, data = clip
    read(org.client_for(org.li), url, Range="bytes=1-")
    later = timezone.now() + actions.PLAYBACK_WINDOW + timedelta(seconds=1)
    assert actions.log_read(by=org.li, record_=av, what="viewed", now=later) is True
    assert actions.log_read(by=org.li, record_=av, what="viewed") is False  # still inside the first window
    assert len(entries("media.viewed")) == 2
