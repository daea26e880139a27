"""The rules judged on a complaint that never became a case. 003 第六条: its page says whether the reception was
recorded (pending while it waits, broken once declined without a recording, met once one is
attached), the register marks the broken ones, and a recording of no case is attached on the
complaint's page — offered only to whom may attach it, and only recordings of that reception.
000 第十条, 001 第八条, 004 第六条: a declined real-name complaint has its notice to the reporter recorded."""

from datetime import timedelta

import pytest
from django.utils import timezone

from lawtrail.cases import actions as cases
from lawtrail.ledger.models import Entry
from lawtrail.media import actions as media
from lawtrail.media.models import ReceptionRecording
from lawtrail.rules import facts as facts_mod
from lawtrail.rules import profiles
from tests.factories import Org
from tests.media.samples import local_media, samples  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("local_media")]


@pytest.fixture
def org():
    return Org.build(code="sfj003", abbr="规则003", profile="003")


def visit(org, channel="visit"):
    return cases.register_complaint(by=org.zhang, received_at=timezone.now() - timedelta(hours=3), channel=channel,
                                    content="来访反映某演出场所噪声扰民", reporter_name="王先生")


def declined(org, complaint):
    cases.propose_decline(by=org.zhang, complaint=complaint, reason="不属于本机关职责范围")
    return cases.decide_decline(by=org.chief, complaint=complaint, approve=True, opinion="同意")


def loose_recording(org, source, when, by):
    """An audio recording of no case (the reception room's system, imported), made at ``when``."""
    return media.ingest_file(by=by, source=source, case=None, facts={
        "source": "other", "capture_start": timezone.localtime(when).isoformat(timespec="minutes")})


def page(org, who, complaint):
    return org.client_for(who).get(f"/complaints/{complaint.pk}/").content.decode()


def test_a_visit_waiting_for_a_decision_is_pending_and_once_declined_without_recording_is_broken(org):
    complaint = visit(org)
    html = page(org, org.zhang, complaint)
    assert "<h2>规则检查</h2>" in html and "⏳ 待办" in html and "003（003_db3e584f1c8125e9.txt） 第六条" in html
    assert "接待地点采用同步录音录像系统" in html
    declined(org, complaint)
    html = page(org, org.zhang, complaint)
    assert "✗ 违反" in html and "已决定不予启动执法程序" in html
    register = org.client_for(org.zhang).get("/complaints/").content.decode()
    assert '<mark class="finding-broken"' in register and "接待没有关联的同步录音录像" in register


def test_a_call_has_no_reception_place_and_another_profile_has_no_such_rule(org):
    assert "<h2>规则检查</h2>" not in page(org, org.zhang, visit(org, channel="phone"))
    other = Org.build(code="wl000", abbr="金普文旅", profile="000")
    assert "<h2>规则检查</h2>" not in page(other, other.zhang, visit(other))  # waiting: no notice owed yet


def test_an_officer_attaches_their_own_recording_of_no_case_and_the_rule_is_met(org, samples):
    complaint = declined(org, visit(org))
    mine = loose_recording(org, samples.audio_wav, complaint.received_at + timedelta(minutes=2), org.zhang)
    html = page(org, org.zhang, complaint)
    assert 'value="reception"' in html and f'<option value="{mine.pk}">' in html
    r = org.client_for(org.zhang).post(f"/complaints/{complaint.pk}/", {"form": "reception", "record": mine.pk})
    assert r.status_code == 302
    link = ReceptionRecording.objects.get()
    assert (link.complaint_id, link.av_id, link.linked_by_id) == (complaint.pk, mine.pk, org.zhang.pk)
    assert [e.action for e in Entry.objects.filter(subject=f"complaint:{complaint.pk}")][-1] == "media.reception_linked"
    html = page(org, org.zhang, complaint)
    assert "✓ 达标" in html and "✗ 违反" not in html and 'value="reception"' not in html  # nothing left to attach
    assert '<mark class="finding-broken"' not in org.client_for(org.zhang).get("/complaints/").content.decode()


def test_only_recordings_of_that_reception_are_offered_and_only_to_whom_may_attach_them(org, samples):
    complaint = visit(org)
    theirs = loose_recording(org, samples.audio_wav, complaint.received_at, org.liu)
    days_before = loose_recording(org, samples.audio_wav, complaint.received_at - timedelta(days=2), org.zhang)
    html = page(org, org.zhang, complaint)
    assert f'<option value="{theirs.pk}">' not in html and f'<option value="{days_before.pk}">' not in html
    assert 'value="reception"' not in html  # zhang has none of his own to attach
    assert f'<option value="{theirs.pk}">' in page(org, org.records, complaint)  # the custodian keeps them all
    assert 'value="reception"' not in page(org, org.supervisor, complaint)  # may not attach AV at all


def test_a_recording_not_offered_is_refused_next_to_the_field_and_nothing_is_saved(org, samples):
    complaint = visit(org)
    loose_recording(org, samples.audio_wav, complaint.received_at, org.zhang)
    theirs = loose_recording(org, samples.audio_wav, complaint.received_at, org.liu)
    r = org.client_for(org.zhang).post(f"/complaints/{complaint.pk}/", {"form": "reception", "record": theirs.pk})
    assert r.status_code == 400 and "选择一个有效的选项" in r.content.decode()
    assert not ReceptionRecording.objects.exists()


@pytest.mark.parametrize("profile, article", [("000", "第十条"), ("001", "第八条"), ("004", "第六条第二款")])
def test_a_declined_real_name_complaint_waits_for_its_notice_and_an_anonymous_one_is_not_concerned(profile, article):
    org = Org.build(code=f"told{profile}", abbr=f"告知{profile}", profile=profile)
    complaint = declined(org, visit(org, channel="phone"))
    html = page(org, org.zhang, complaint)
    assert "⏳ 待办" in html and "尚未记录告知投诉举报人的方式和时间" in html and f" {article}</summary>" in html
    cases.record_notice(by=org.zhang, complaint=complaint, notified_how="phone",
                        notified_at=timezone.now() - timedelta(minutes=5))
    html = page(org, org.zhang, complaint)
    assert "✓ 达标" in html and "电话告知投诉举报人" in html
    anonymous = cases.register_complaint(by=org.zhang, received_at=timezone.now() - timedelta(hours=1), channel="phone",
                                         content="匿名反映", anonymous=True)
    assert "<h2>规则检查</h2>" not in page(org, org.zhang, declined(org, anonymous))


def test_the_notice_rule_never_concerns_a_case(org):
    other = Org.build(code="wl000b", abbr="金普文旅乙", profile="000")
    finding = profiles.get("000").rule("complaint-reporter-told").evaluate(facts_mod.load(other.case()))
    assert finding.status == "not_applicable"
