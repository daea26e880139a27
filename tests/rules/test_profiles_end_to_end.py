"""Each rule profile end to end (issue #6, "Tests"): a case walked through its whole procedure the way
the bureau's regulation says has no finding but 符合 and 不适用, with many rules actually met; breaking
one distinctive article of a profile turns exactly the rules that encode it — and only under the
profiles that have that article — while everything else stays as it was.

The walks (walkthrough.py) go through the apps' own actions on a timeline in the past, so the clocks
see real intervals. There is no walk under ``national`` alone: a bureau's profile is one of the five
seeds (access.models.PROFILES; Bureau.profile holds three characters), so national's clocks are
checked as every seed inherits them — each good walk below meets the national clocks of its procedure.

A break is judged by every profile on the same facts (``judged``): what one regulation requires and
another does not shows as a difference in one parametrised test.
"""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from lawtrail.rules import facts as facts_mod
from lawtrail.rules import profiles
from lawtrail.rules.calendar import BEIJING
from lawtrail.rules.check import check_case
from tests.factories import Org

from .walkthrough import Timeline, Walk

pytestmark = pytest.mark.django_db

PROFILES = ("000", "001", "002", "003", "004")
BUREAUS = {"000": ("wenlv", "金普文旅"), "001": ("jiaotong", "金普交通"), "002": ("fagai", "兴隆台发改"),
           "003": ("minzong", "金普民宗"), "004": ("sifa", "金普司法")}
CLEAN = ("met", "not_applicable")


@pytest.fixture
def timeline(monkeypatch):
    return Timeline(monkeypatch)


def walk(timeline, files, profile="000", procedure="penalty_general", breaks=(), emergency=False, code=""):
    """A case of a bureau of ``profile`` walked through ``procedure`` (with ``breaks``), clock stopped."""
    name, abbr = BUREAUS[profile]
    org = Org.build(code=code or name, abbr=abbr, profile=profile)
    w = Walk(org, timeline, files, frozenset(breaks))
    case = w.penalty_general(emergency=emergency) if procedure == "penalty_general" else getattr(w, procedure)()
    timeline.stop()
    case.refresh_from_db()
    return case


def judged(case) -> dict[str, dict[str, str]]:
    """{profile: {rule id: status}}: the case's facts, loaded once, as each profile's rules judge them."""
    f = facts_mod.load(case)
    return {p: {r.id: r.evaluate(f).status for r in profiles.get(p).rules} for p in PROFILES}


def not_clean(findings) -> dict[str, str]:
    return {f.rule: f"{f.status}: {f.message}" for f in findings if f.status not in CLEAN}


# --- a case done by the book ------------------------------------------------------------------------

# The rules each walk must meet (besides having nothing but met and not applicable): the profile's
# distinctive articles and the national clocks of the procedure, so that a walk skipping them fails.
NATIONAL_PENALTY = {"penalty-decision-90-days", "penalty-decision-served-7-days", "provisional-registration-7-days",
                    "hearing-requested-5-days", "hearing-notified-7-days-before", "fine-paid-15-days"}
GOOD = [
    pytest.param("000", "penalty_general", False, 20, NATIONAL_PENALTY | {
        "postal-service-carrier", "av-inspection-sampling-hearing", "av-stored-within-24-hours",
        "investigation-records-signed", "filing-approval-form", "service-receipt", "archived-within-30-days"},
        id="000-penalty"),
    pytest.param("001", "penalty_general", False, 20, NATIONAL_PENALTY | {
        "av-inspection-sampling-hearing", "preservation-evidence-register", "postal-service-voucher",
        "investigation-records-signed", "archived-within-30-days"}, id="001-penalty"),
    pytest.param("002", "penalty_general", False, 9, NATIONAL_PENALTY | {
        "body-camera-conduct", "party-signs-forms", "archived-within-30-days"}, id="002-penalty"),
    # 003's walk starts in an emergency, reported 6 hours later (the other profiles' walks start approved)
    pytest.param("003", "penalty_general", True, 22, NATIONAL_PENALTY | {
        "emergency-start-report", "av-evidence-preservation", "preservation-document", "investigation-report",
        "start-approval-form", "evidence-register-signed", "evidence-av-kept-with-case-file",
        "case-file-archived-by-year-end"}, id="003-penalty-emergency-start"),
    pytest.param("004", "penalty_general", False, 28, NATIONAL_PENALTY | {
        "av-interview", "av-evidence-collection", "av-hearing", "hearing-notice", "hearing-record", "hearing-report",
        "rights-notice", "advance-notice", "penalty-decision-approval", "legal-review-opinion", "penalty-decision",
        "investigation-report", "investigation-records-signed", "av-stored-within-24-hours"}, id="004-penalty"),
    pytest.param("004", "inspection", False, 10, {
        "inspection-notice", "random-draw-record", "inspection-interview-record", "inspection-records-signed",
        "inspection-report", "service-receipt"}, id="004-inspection"),
    pytest.param("003", "licence", False, 10, {
        "counter-video-surveillance", "application-register", "acceptance-notice", "licence-supplement-notice-5-days",
        "licence-decision-20-days", "licence-certificate-10-days"}, id="003-licence"),
    pytest.param("000", "coercive_measure", False, 10, {
        "av-seal-seizure", "seal-seizure-decision", "seal-seizure-list", "seizure-30-days",
        "investigation-records-signed"}, id="000-seizure"),
    pytest.param("001", "compulsory_execution", False, 11, {
        "av-removal-restoration", "execution-document", "demand-notice", "defence-reviewed",
        "no-execution-at-night-or-on-holidays"}, id="001-compulsory-execution"),
]


_good: dict[tuple[str, bool], dict] = {}  # (procedure, emergency) → judged(good walk): the same each time


@pytest.mark.parametrize("profile, procedure, emergency, at_least, must_meet", GOOD)
def test_a_case_done_by_the_book_has_no_finding_but_met_and_not_applicable(
        timeline, tmp_path, profile, procedure, emergency, at_least, must_meet):
    case = walk(timeline, tmp_path, profile, procedure, emergency=emergency)
    assert case.status == "closed" and case.bureau.profile == profile
    findings = check_case(case)
    assert not_clean(findings) == {}
    met = {f.rule for f in findings if f.status == "met"}
    assert must_meet <= met, must_meet - met
    assert len(met) >= at_least, sorted(met)
    _good.setdefault((procedure, emergency), judged(case))


@pytest.fixture
def good(timeline, tmp_path):
    """judged() of the good walk of a procedure: from the test above when it ran, else walked now."""
    def get(procedure, emergency=False):
        if (procedure, emergency) not in _good:
            _good[(procedure, emergency)] = judged(walk(timeline, tmp_path / "good", "000", procedure,
                                                        emergency=emergency, code="good"))
        return _good[(procedure, emergency)]

    (tmp_path / "good").mkdir()
    return get


# --- one article broken -----------------------------------------------------------------------------

def broken(name, expected, procedure="penalty_general", emergency=False, stays=None):
    """A break of walkthrough.Walk, the rules it changes under each profile ({profile: {rule: status}};
    a profile not named changes nothing), walked in a bureau of the first profile named; ``stays``
    ({profile: rule}) names a rule of another profile on the same matter that stays met."""
    home = next(iter(expected))
    return pytest.param(name, expected, procedure, emergency, home, stays or {},
                        id=f"{home}-{name.replace(':', '-')}")


BREAKS = [
    # 000 第二十条第二款: 挂号信或 EMS, "不得选用其他快递公司" — only 000 says so; 001 第十八条 only asks for the voucher
    broken("other_courier", {"000": {"postal-service-carrier": "broken"}}, stays={"001": "postal-service-voucher"}),
    # 000 第十四条 / 001 第十二条: 现场检查 on AV, or a written reason why it was not suitable
    broken("no_inspection_av", {"000": {"av-inspection-sampling-hearing": "broken"},
                                "001": {"av-inspection-sampling-hearing": "broken"}},
           stays={"002": "body-camera-conduct"}),  # 002 第十五条: the body camera is optional
    # 听证 on AV: 000 第十四条, 001 第十二条, 004 第七条第一款第四项
    broken("no_hearing_av", {"000": {"av-inspection-sampling-hearing": "broken"},
                             "001": {"av-inspection-sampling-hearing": "broken"}, "004": {"av-hearing": "broken"}}),
    # 004 第七条: AV from the start of every interview
    broken("no_interview_av", {"004": {"av-interview": "broken"}}),
    # 003 第九条: 证据保全 "同时进行音像记录"
    broken("no_preservation_av", {"003": {"av-evidence-preservation": "broken"}}),
    # the party signs the records (000 第十三条, 001 第十一条, 002 第十一条第三项, 004 第七条第二款); 003 names
    # only the evidence register (第八条第一款第二项)
    broken("no_party_signature", {"002": {"party-signs-forms": "broken"},
                                  "000": {"investigation-records-signed": "broken"},
                                  "001": {"investigation-records-signed": "broken"},
                                  "004": {"investigation-records-signed": "broken"}}),
    # 002 第十五条: the body camera is optional, but a recording at one place is not interrupted
    broken("camera_gap", {"002": {"body-camera-conduct": "broken"}}),
    # 阻碍执法 recorded: 000 第二十五条 永久保存; 002 第二十条, 003 第二十一条 长期保存 (or longer)
    broken("obstruction_not_kept", {"000": {"av-kept-permanently": "broken"}, "002": {"av-kept-long-term": "broken"},
                                    "003": {"av-kept-long-term": "broken"}}),
    # 先行启动后补报: 24 hours (000 第九条, 001 第七条, 004 第六条), 2 days (003 第七条); 002 has no such article
    broken("late_emergency_report", {"000": {"emergency-start-report": "broken"},
                                     "001": {"emergency-start-report": "broken"},
                                     "004": {"emergency-start-report": "broken"}}, emergency=True,
           stays={"003": "emergency-start-report"}),
    broken("very_late_emergency_report",
           {p: {"emergency-start-report": "broken"} for p in ("003", "000", "001", "004")}, emergency=True),
    # 004's penalty forms one by one (第六条至第十三条), and which other seeds name the same form:
    # 立案审批表 (004 第六条; 000 第九条, 001 第七条; 003 第七条 程序启动审批表), 调查终结报告 (004 第九条, 003 第十条),
    # 行政处罚决定审批表 (004 第九条), 听证报告 (004 第七条第一款第四项)
    broken("without:filing_approval", {"004": {"filing-approval-form": "broken"},
                                       "000": {"filing-approval-form": "broken"},
                                       "001": {"filing-approval-form": "broken"},
                                       "003": {"start-approval-form": "broken"}}),
    broken("without:investigation_report", {"004": {"investigation-report": "broken"},
                                            "003": {"investigation-report": "broken"}}),
    broken("without:penalty_decision_approval", {"004": {"penalty-decision-approval": "broken"}}),
    broken("without:hearing_report", {"004": {"hearing-report": "broken"}}),
    # 000 第十六条, 001 第十四条: 查封、扣押 on AV, no reason excuses it
    broken("no_seizure_av", {"000": {"av-seal-seizure": "broken"}, "001": {"av-seal-seizure": "broken"}},
           procedure="coercive_measure"),
    # 001 第二十一条第二款: 排除妨碍、恢复原状 on AV — only 001 says so
    broken("no_removal_av", {"001": {"av-removal-restoration": "broken"}}, procedure="compulsory_execution"),
    # 001 第五条第二款 “谁执法、谁记录”: only 001 says so
    broken("recorded_by_another", {"001": {"recorder-among-handlers": "broken"}}),
    # 003 第五条: the counter under video surveillance; a phone's picture is not the surveillance system
    broken("counter_phone_only", {"003": {"counter-video-surveillance": "broken"}}, procedure="licence"),
]


@pytest.mark.parametrize("name, expected, procedure, emergency, home, stays", BREAKS)
def test_breaking_one_article_changes_exactly_its_rules_under_the_profiles_that_have_it(
        timeline, tmp_path, good, name, expected, procedure, emergency, home, stays):
    case = walk(timeline, tmp_path, home, procedure, breaks=[name], emergency=emergency)
    after, before = judged(case), good(procedure, emergency)
    changed = {p: {r: s for r, s in after[p].items() if s != before[p][r]} for p in PROFILES}
    assert changed == {p: expected.get(p, {}) for p in PROFILES}, Walk.BREAKS.get(name, name)
    assert {p: after[p][r] for p, r in stays.items()} == {p: "met" for p in stays}
    findings = {f.rule: f for f in check_case(case)}  # the home bureau's own check says the same, citing the article
    for rule, status in expected.get(home, {}).items():
        f = findings[rule]
        assert f.status == status and f.cite.startswith(home) and f.text, (f.rule, f.status, f.message)


def test_a_written_reason_stands_in_for_the_inspection_s_av_under_000(timeline, tmp_path):
    """000 第十四条 "不适宜音像记录的除外，但需书面记录原因" (a record saying no AV was made without the reason
    breaks it: test_kinds_av.py)."""
    case = walk(timeline, tmp_path, "000", breaks=["inspection_av_excused"])
    findings = check_case(case)
    assert not_clean(findings) == {}
    f = next(f for f in findings if f.rule == "av-inspection-sampling-hearing")
    assert f.status == "met" and "未进行音像记录，文书已书面记录原因" in f.message
    assert any(r.startswith("version:") for r in f.records)


# --- the clocks that differ: 26 hours after an emergency start, nothing reported yet ------------------

@pytest.mark.parametrize("profile, status", [("000", "overdue"), ("001", "overdue"), ("002", None),
                                             ("003", "pending"), ("004", "overdue")])
def test_26_hours_after_an_emergency_start_the_report_is_overdue_except_under_003_s_two_days(profile, status):
    name, abbr = BUREAUS[profile]
    org = Org.build(code=name, abbr=abbr, profile=profile)
    started = timezone.now() - timedelta(hours=26)
    case = org.case(emergency=True, emergency_reason="演出现场存在安全隐患，须立即制止", started_at=started)
    f = next((f for f in check_case(case) if f.rule == "emergency-start-report"), None)
    if status is None:  # 002 has no article on starting before approval
        assert f is None
        return
    assert f.status == status and f.cite.startswith(profile), f.message
    if profile == "003":  # 2 日: to the end of the second day after the day of the start
        day = started.astimezone(BEIJING).date()
        assert f.due_at == datetime.combine(day + timedelta(days=3), time(0), tzinfo=BEIJING) > timezone.now()
    else:
        assert f.due_at == started + timedelta(hours=24)
