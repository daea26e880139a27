"""音像记录台账 (002 第十八条: 统计、汇总、考核和查询): each person sees the AV records of the cases they
see and the unassigned ones they keep or made, summed up per person who recorded them (with the
uploads that came more than 24 hours late), searched by person, case, date and assignment; a bad
query comes back next to its field, and the page's queries do not grow with its rows."""

from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lawtrail.media import actions as media
from lawtrail.rules.calendar import BEIJING
from tests.factories import Org
from tests.media.samples import local_media, samples, write_jpeg  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("local_media")]


def recording(org, by, case, source, when):
    """An audio record whose capture time is entered (``when``) and which is uploaded now."""
    return media.ingest_file(by=by, source=source, case=case, facts={
        "source": "other", "capture_start": timezone.localtime(when).isoformat(timespec="minutes")})


@pytest.fixture
def world(org, samples, tmp_path):
    """张伟 (team A): two recordings (one uploaded three days late) and a photo (taken in 2024) on his
    case, and one recording of no case;
    刘洋 (team B): one on his case and one of no case; another bureau: one."""
    now = timezone.now()
    mine, theirs = org.case(), org.case(by=org.liu)
    other = Org.build(code="sifa", abbr="金普司法", profile="004")
    return {
        "on_time": recording(org, org.zhang, mine, samples.audio_wav, now - timedelta(hours=2)),
        "late": recording(org, org.zhang, mine, samples.audio_wav, now - timedelta(days=3)),
        "photo": media.ingest_file(by=org.zhang, source=write_jpeg(tmp_path / "scene.jpg"), case=mine,
                                   facts={"source": "camera"}),
        "zhang_loose": recording(org, org.zhang, None, samples.audio_wav, now - timedelta(hours=5)),
        "liu_case": recording(org, org.liu, theirs, samples.audio_wav, now - timedelta(hours=1)),
        "liu_loose": recording(org, org.liu, None, samples.audio_wav, now - timedelta(hours=1)),
        "elsewhere": recording(other, other.zhang, other.case(), samples.audio_wav, now - timedelta(hours=1)),
        "mine": mine,
    }


def html(org, who, query=""):
    r = org.client_for(who).get(f"/media/records/{query}")
    return r.status_code, r.content.decode()


def test_each_person_sees_the_records_of_the_cases_they_see_and_the_unassigned_ones_they_keep(org, world):
    # The files share names (the same sample): rows are told apart by their links and counted.
    _, page = html(org, org.zhang)
    assert '<a href="/media/records/">音像记录</a>' in page  # in the menu
    assert "<h2>音像记录（4 条）</h2>" in page  # his three on his case and his own of no case
    for n in ("on_time", "late", "photo"):
        assert f"/media/{world[n].pk}/" in page
    assert f"/media/{world['liu_case'].pk}/" not in page
    _, page = html(org, org.records)  # the custodian: the bureau's cases and every unassigned one
    assert "<h2>音像记录（6 条）</h2>" in page and f"/media/{world['liu_case'].pk}/" in page
    _, page = html(org, org.head_b)  # team B's head: team B's case, no unassigned of others
    assert "<h2>音像记录（1 条）</h2>" in page and f"/media/{world['liu_case'].pk}/" in page
    assert org.client_for(org.auditor).get("/media/records/").status_code == 403


def test_the_summary_counts_each_person_s_records_kinds_and_late_uploads(org, world):
    _, page = html(org, org.chief)
    summary = page[page.index("<h2>按拍摄人汇总</h2>"):page.index("<h2>音像记录")]
    zhang = summary[summary.index("<td>张伟</td>"):].split("</tr>")[0]
    cells = [c.split("</td>")[0] for c in zhang.split("<td>")[2:]]
    assert cells[:4] == ["4", "0", "3", "1"]  # 4 records: no video, 3 audio, 1 photo
    # late: the recording entered as three days old and the photo (its EXIF says 2024); one of no case
    assert cells[6] == '<mark class="late">2</mark>' and cells[7] == "1"
    assert "<th>合计</th><th>6</th>" in summary


def test_the_register_is_searched_by_person_case_date_and_assignment(org, world):
    _, page = html(org, org.chief, f"?recorded_by={org.liu.pk}")
    assert "<h2>音像记录（2 条）</h2>" in page and "<td>张伟</td>" not in page
    _, page = html(org, org.chief, "?unassigned=on")
    assert "<h2>音像记录（2 条）</h2>" in page and "未归入案件" in page
    _, page = html(org, org.chief, f"?case_number={world['mine'].number}")
    assert "<h2>音像记录（3 条）</h2>" in page
    three_days_ago = timezone.localdate() - timedelta(days=3)
    _, page = html(org, org.chief, f"?date_from={three_days_ago}&date_to={three_days_ago}")
    assert "<h2>音像记录（1 条）</h2>" in page and f"/media/{world['late'].pk}/" in page


def test_a_bad_query_is_refused_next_to_its_field_and_shows_nothing(org, world):
    status, page = html(org, org.chief, "?date_from=2026-05-02&date_to=2026-05-01")
    assert status == 400 and "结束日期不能早于开始日期" in page and "<h2>音像记录（0 条）</h2>" in page
    status, page = html(org, org.chief, "?date_from=yesterday")
    assert status == 400 and "输入一个有效的日期" in page


def test_the_page_s_queries_do_not_grow_with_its_rows(org, samples):
    client = org.client_for(org.chief)
    case = org.case()
    recording(org, org.zhang, case, samples.audio_wav, timezone.now() - timedelta(hours=1))
    client.get("/media/records/")
    with CaptureQueriesContext(connection) as one:
        client.get("/media/records/")
    for hours in range(2, 6):
        recording(org, org.li, case, samples.audio_wav, timezone.now() - timedelta(hours=hours))
    with CaptureQueriesContext(connection) as five:
        assert "<h2>音像记录（5 条）</h2>" in client.get("/media/records/").content.decode()
    assert len(five.captured_queries) == len(one.captured_queries)


def test_dates_are_beijing_days(org, samples):
    just_after_midnight = recording(org, org.zhang, org.case(), samples.audio_wav, datetime(2026, 5, 1, 0, 30, tzinfo=BEIJING))
    _, page = html(org, org.chief, "?date_from=2026-05-01&date_to=2026-05-01")
    assert f"/media/{just_after_midnight.pk}/" in page  # 16:30 UTC the day before
    _, page = html(org, org.chief, "?date_from=2026-04-30&date_to=2026-04-30")
    assert "<h2>音像记录（0 条）</h2>" in page
