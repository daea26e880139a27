"""The retention rules (000 第二十五条 永久保存, 002 第二十条 and 003 第二十一条 长期保存, 003 第二十条 证据影像
与案卷同期 and 案卷每年底归档) and the complaint-reception rule (003 第六条): for each, a case that meets
it and one that breaks it, built through the real actions; the loader refusing bad parameters."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from lawtrail.cases import actions as cases
from lawtrail.media import retention
from lawtrail.rules import facts as facts_mod
from lawtrail.rules import profiles
from lawtrail.rules.calendar import BEIJING
from lawtrail.rules.kinds import KINDS, ParamError
from lawtrail.rules.profiles import PROFILES_DIR, ProfileError
from tests.factories import Org
from tests.media.samples import samples  # noqa: F401 (fixture)

from . import helpers

pytestmark = pytest.mark.django_db


def finding(profile, rule_id, case, now=None):
    return profiles.get(profile).rule(rule_id).evaluate(facts_mod.load(case, now))


def bureau(profile):
    return Org.build(code=f"p{profile}", abbr=f"规则{profile}", profile=profile)


def closed_inspection(org, case_end=None, archived_at=None, tmp_path=None):
    """An inspection handed over (the act ends) and archived (the case closes), at the given times;
    with ``tmp_path`` one photo uploaded before the end. Started in an emergency so the times
    may lie in the past."""
    start = (case_end or timezone.now()) - timedelta(hours=2)
    case = org.case(procedure="inspection", emergency=True, emergency_reason="群众举报正在发生", started_at=start)
    helpers.approve(org, case, "start_inspection")
    photo = helpers.av(org, case, tmp_path) if tmp_path else None
    cases.record_step(by=org.zhang, case=case, step="hand_over", handlers=[org.zhang], occurred_at=case_end)
    helpers.approve(org, case, "hand_over")
    if archived_at is not False:
        cases.record_step(by=org.zhang, case=case, step="archive", handlers=[org.zhang], occurred_at=archived_at)
    case.refresh_from_db()
    return case, photo


# --- 000 第二十五条: 永久保存 -----------------------------------------------------------------------------

def test_av_recording_an_obstruction_must_be_kept_permanently_in_000(org, tmp_path):
    case = org.case()
    av = helpers.av(org, case, tmp_path)
    f = finding("000", "av-kept-permanently", case)
    assert f.status == "not_applicable" and "未记录" in f.message
    noted = retention.note_circumstance(by=org.zhang, record_=av, circumstance="obstruction", note="当事人阻挠检查")
    f = finding("000", "av-kept-permanently", case)
    assert f.status == "pending" and "随案卷保存" in f.message and "应为“永久保存”" in f.message
    assert f.records == (f"av:{av.pk}", f"circumstance:{noted.pk}")
    assert f.cite.startswith("000") and f.text.startswith("对于记录以下情形的执法音像资料，应当永久保存")
    retention.set_retention(by=org.records, record_=av, retention="permanent", reason="记录了阻碍执法")
    assert finding("000", "av-kept-permanently", case).status == "met"


def test_a_case_noted_as_complex_needs_every_av_record_kept_permanently_and_long_term_is_not_enough(org, tmp_path):
    case = org.case()
    first, second = helpers.av(org, case, tmp_path, 2, "a.png"), helpers.av(org, case, tmp_path, 3, "b.png")
    retention.note_circumstance(by=org.zhang, case=case, circumstance="major", note="重大复杂的演出安全事件")
    retention.set_retention(by=org.zhang, record_=first, retention="permanent", reason="重大复杂")
    retention.set_retention(by=org.zhang, record_=second, retention="long_term", reason="重大复杂")
    f = finding("000", "av-kept-permanently", case)
    assert f.status == "pending" and second.filename in f.message and first.filename not in f.message


def test_in_000_a_circumstance_its_article_does_not_name_does_not_apply(org, tmp_path):
    case = org.case()
    av = helpers.av(org, case, tmp_path)
    retention.note_circumstance(by=org.zhang, record_=av, circumstance="objection", note="当事人对执法有异议")
    assert finding("000", "av-kept-permanently", case).status == "not_applicable"


def test_a_wrong_retention_is_broken_once_the_case_is_closed(org, tmp_path):
    case, av = closed_inspection(org, tmp_path=tmp_path, archived_at=None)
    assert case.status == "closed"
    retention.note_circumstance(by=org.records, record_=av, circumstance="incident", note="处置群体性事件")
    f = finding("000", "av-kept-permanently", case)
    assert f.status == "broken" and f.message.startswith("案件已办结")


# --- 002 第二十条, 003 第二十一条: 长期保存 -------------------------------------------------------------------

@pytest.mark.parametrize("profile", ["002", "003"])
def test_av_of_an_objection_must_be_kept_long_term_or_permanently(tmp_path, profile):
    org = bureau(profile)
    case = org.case()
    av = helpers.av(org, case, tmp_path)
    assert finding(profile, "av-kept-long-term", case).status == "not_applicable"
    retention.note_circumstance(by=org.zhang, record_=av, circumstance="objection", note="当事人现场提出异议并上访")
    f = finding(profile, "av-kept-long-term", case)
    assert f.status == "pending" and "应为“长期保存”或“永久保存”" in f.message
    retention.set_retention(by=org.records, record_=av, retention="long_term", reason="当事人有异议")
    assert finding(profile, "av-kept-long-term", case).status == "met"
    retention.set_retention(by=org.records, record_=av, retention="permanent", reason="改为永久保存")
    assert finding(profile, "av-kept-long-term", case).status == "met"


def test_a_circumstance_noted_with_no_av_record_in_the_case_is_not_applicable(tmp_path):
    org = bureau("002")
    case = org.case()
    retention.note_circumstance(by=org.zhang, case=case, circumstance="incident", note="突发事件")
    f = finding("002", "av-kept-long-term", case)
    assert f.status == "not_applicable" and "没有音像记录" in f.message


# --- 003 第二十条: 证据影像与案卷同期; 每年底归档 ------------------------------------------------------------

def test_evidence_av_of_a_general_penalty_case_is_not_kept_only_a_year_in_003(tmp_path):
    org = bureau("003")
    case = org.case()
    assert finding("003", "evidence-av-kept-with-case-file", case).status == "not_applicable"
    av = helpers.av(org, case, tmp_path)
    f = finding("003", "evidence-av-kept-with-case-file", case)
    assert f.status == "met" and f.records == (f"av:{av.pk}",)
    retention.set_retention(by=org.records, record_=av, retention="routine", reason="日常执法影像")
    f = finding("003", "evidence-av-kept-with-case-file", case)
    assert f.status == "pending" and "一般保存（不少于1年）" in f.message
    inspection = org.case(procedure="inspection")
    other = helpers.av(org, inspection, tmp_path, 5, "other.png")
    retention.set_retention(by=org.records, record_=other, retention="routine", reason="日常执法影像")
    assert finding("003", "evidence-av-kept-with-case-file", inspection).status == "not_applicable"


def test_a_case_file_archived_in_the_year_its_act_ended_meets_the_year_end_rule():
    org = bureau("003")
    case, _ = closed_inspection(org)
    f = finding("003", "case-file-archived-by-year-end", case)
    year = timezone.localtime().year
    assert f.status == "met" and f.due_at == datetime(year + 1, 1, 1, tzinfo=BEIJING)


def test_a_case_file_archived_after_the_year_end_breaks_it():
    org = bureau("003")
    last_day = datetime(timezone.localtime().year - 1, 12, 31, 10, 0, tzinfo=BEIJING)
    case, _ = closed_inspection(org, case_end=last_day)
    f = finding("003", "case-file-archived-by-year-end", case)
    assert f.status == "broken" and f"应于{last_day.year}年底前完成" in f.message
    # archived on the last day of the year, it is met
    case, _ = closed_inspection(org, case_end=last_day, archived_at=last_day + timedelta(hours=5))
    assert finding("003", "case-file-archived-by-year-end", case).status == "met"


def test_a_case_file_not_archived_is_pending_until_the_year_end_then_overdue():
    org = bureau("003")
    case, _ = closed_inspection(org, archived_at=False)
    f = finding("003", "case-file-archived-by-year-end", case)
    assert f.status == "pending" and f.due_at == datetime(timezone.localtime().year + 1, 1, 1, tzinfo=BEIJING)
    assert finding("003", "case-file-archived-by-year-end", case, now=f.due_at + timedelta(days=1)).status == "overdue"
    assert finding("003", "case-file-archived-by-year-end", org.case()).status == "not_applicable"  # act not ended


# --- 003 第六条: 来访投诉举报的接待录音录像 -------------------------------------------------------------------

def complaint_case(org, channel="visit"):
    complaint = cases.register_complaint(by=org.zhang, received_at=timezone.now() - timedelta(hours=3),
                                         channel=channel, content="反映宗教活动场所违规", reporter_name="王先生")
    return complaint, org.case(source="complaint", complaint=complaint)


def test_a_case_from_a_visit_needs_the_reception_recorded_and_attaching_it_meets_the_rule(samples):
    org = bureau("003")
    complaint, case = complaint_case(org)
    f = finding("003", "complaint-reception-av", case)
    assert f.status == "pending" and "来访投诉举报" in f.message and f.records == (f"complaint:{complaint.pk}",)
    assert f.text == "并同时在接待地点采用同步录音录像系统进行音像记录。"
    from lawtrail.media import actions as media

    av = media.ingest_file(by=org.zhang, source=samples.audio_wav, case=case, facts={
        "source": "other", "capture_start": timezone.localtime(complaint.received_at).isoformat()})
    retention.attach_to_complaint(by=org.zhang, record_=av, complaint=complaint)
    f = finding("003", "complaint-reception-av", case)
    assert f.status == "met" and f"av:{av.pk}" in f.records


def test_a_closed_case_from_a_visit_without_reception_recording_breaks_the_rule():
    org = bureau("003")
    complaint = cases.register_complaint(by=org.zhang, received_at=timezone.now() - timedelta(hours=3),
                                         channel="visit", content="来访反映问题", reporter_name="李女士")
    case = org.case(procedure="inspection", source="complaint", complaint=complaint)
    helpers.approve(org, case, "start_inspection")
    helpers.step(org, case, "hand_over", [org.zhang])
    helpers.step(org, case, "archive", [org.zhang])
    f = finding("003", "complaint-reception-av", case)
    assert f.status == "broken" and f.message.startswith("案件已办结")


@pytest.mark.parametrize("channel", ["phone", "letter", "online", "hotline", "assigned", "other"])
def test_complaints_received_other_than_in_person_have_no_reception_place_and_are_not_applicable(channel):
    org = bureau("003")
    _, case = complaint_case(org, channel)
    f = finding("003", "complaint-reception-av", case)
    assert f.status == "not_applicable" and "没有接待地点" in f.message


def test_a_case_not_started_from_a_complaint_is_not_applicable(org):
    f = profiles.get("003").rule("complaint-reception-av").evaluate(facts_mod.load(org.case()))
    assert f.status == "not_applicable"


def test_the_facts_of_many_cases_keep_each_case_s_circumstances_and_receptions_apart(org, tmp_path, samples):
    a, b = org.case(), org.case()
    av_a = helpers.av(org, a, tmp_path, 2, "a.png")
    on_av = retention.note_circumstance(by=org.zhang, record_=av_a, circumstance="incident", note="突发事件")
    on_case = retention.note_circumstance(by=org.zhang, case=b, circumstance="major", note="复杂")
    complaint, c = complaint_case(org)
    from lawtrail.media import actions as media

    rec = media.ingest_file(by=org.zhang, source=samples.audio_wav, case=None, facts={
        "source": "other", "capture_start": timezone.localtime(complaint.received_at).isoformat()})
    link = retention.attach_to_complaint(by=org.zhang, record_=rec, complaint=complaint)
    by_case = {f.case.pk: f for f in facts_mod.load_many(type(a).objects.filter(pk__in=[a.pk, b.pk, c.pk]))}
    assert [x.pk for x in by_case[a.pk].circumstances] == [on_av.pk]
    assert [x.pk for x in by_case[b.pk].circumstances] == [on_case.pk]
    assert [x.pk for x in by_case[c.pk].receptions] == [link.pk] and not by_case[a.pk].receptions
    assert by_case[c.pk].case.complaint.channel == "visit"


# --- the loader ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind, params, key", [
    ("retention_class", {"circumstances": ["weather"], "retention": ["permanent"]}, "circumstances"),
    ("retention_class", {"circumstances": ["incident"], "retention": ["forever"]}, "retention"),
    ("retention_class", {"circumstances": ["incident"]}, "retention"),
    ("retention_class", {"retention": ["case_file", "permanent", "long_term", "routine"]}, "retention"),
    ("by_year_end", {"from": "act.ended", "to": "step:archive.occurred_at"}, "from"),
    ("by_year_end", {"from": "act.ended_at"}, "to"),
    ("complaint_reception_av", {"channels": ["pigeon"]}, "channels"),
    ("complaint_reception_av", {}, "channels"),
])
def test_each_kind_refuses_a_bad_parameter_by_name(kind, params, key):
    with pytest.raises(ParamError) as e:
        KINDS[kind](params)
    assert e.value.key == key and e.value.reason


def test_the_loader_names_the_file_and_line_of_a_bad_circumstance(tmp_path):
    import shutil

    d = tmp_path / "profiles"
    shutil.copytree(PROFILES_DIR, d)
    path = d / "000.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count("circumstances: [obstruction, incident, major]") == 1
    path.write_text(text.replace("circumstances: [obstruction, incident, major]", "circumstances: [riot]"),
                    encoding="utf-8")
    line = 1 + path.read_text(encoding="utf-8").splitlines().index("    circumstances: [riot]")
    with pytest.raises(ProfileError) as e:
        profiles.load_all(d)
    assert e.value.path.name == "000.yaml" and e.value.line == line and "未知的情形“riot”" in str(e.value)
