"""The statutory clocks of national.yaml that need more than two facts: suspensions and approved
extensions, the hearing's request and notice (行政处罚法 第六十四条), the fine (第六十七条), execution
at night or on holidays (行政强制法 第四十三条) and the court application (第五十三条、第五十四条) —
each met and broken on cases built through the apps' actions, and every new kind refusing bad
parameters by name."""

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from lawtrail.cases import actions as cases
from lawtrail.records import actions as records
from lawtrail.records import catalogue
from lawtrail.records.examples import sample_values
from lawtrail.rules import facts as facts_mod
from lawtrail.rules import profiles
from lawtrail.rules.calendar import BEIJING, Calendar, Duration
from lawtrail.rules.check import check_case
from lawtrail.rules.kinds import KINDS, ParamError
from lawtrail.rules.kinds.execution import add_months
from lawtrail.rules.kinds.deadline import Deadline
from lawtrail.rules.profiles import PROFILES_DIR
from tests.clock import at_factory

from . import helpers

pytestmark = pytest.mark.django_db
@pytest.fixture
def at(monkeypatch):
    return at_factory(monkeypatch, (cases, records))


def days_ago(n, hours=0):
    return timezone.now() - timedelta(days=n, hours=hours)


def rule(rule_id):
    return profiles.get("national").rule(rule_id)


def finding(case, rule_id, now=None):
    return rule(rule_id).evaluate(facts_mod.load(case, now))


def step(org, case, code, handlers=None):
    r = cases.record_step(by=org.zhang, case=case, step=code, handlers=handlers or [org.zhang, org.li])
    if r.approval == "pending":
        helpers.approve(org, case, code)
    return r


def served(org, case, kind, **values):
    """A document of ``kind`` finalised and served now (by the actions' clock)."""
    k = catalogue.get(kind)
    doc = records.create_draft(by=org.zhang, case=case, kind=kind, values=sample_values(k) | values)
    v = records.finalise(by=org.zhang, document=doc)
    records.record_service(by=org.zhang, version=v, method="direct", recipient="王某", served_at=records.timezone.now())
    doc.refresh_from_db()
    return doc


# --- suspensions and extensions ---------------------------------------------------------------------

def licence_accepted(org, at, days):
    with at(days_ago(days, 2)):
        case = org.case(procedure="licence")
    with at(days_ago(days)):
        accepted = step(org, case, "accept", [org.zhang]).occurred_at
    return case, accepted


def test_an_approved_extension_moves_the_licence_decision_limit_by_ten_working_days(org, at):
    case, accepted = licence_accepted(org, at, 20)
    cal = Calendar()
    due20, due30 = cal.due(accepted, Duration(20, "working_days")), cal.due(accepted, Duration(30, "working_days"))
    later = due20 + timedelta(hours=1)
    f = finding(case, "licence-decision-20-days", later)
    assert (f.status, f.due_at) == ("overdue", due20)
    e = cases.extend_clock(by=org.chief, case=case, clocks=["licence-decision-20-days"], amount=10,
                           reason="需实地核查多处经营场所，已告知申请人")
    f = finding(case, "licence-decision-20-days", later)
    assert (f.status, f.due_at) == ("pending", due30) and f"extension:{e.pk}" in f.records
    assert "30个工作日" in f.message
    step(org, case, "review", [org.zhang])
    step(org, case, "grant", [org.zhang])
    assert finding(case, "licence-decision-20-days").status == "met"


def test_an_extension_approved_after_the_limit_ran_out_does_not_revive_it(org, at):
    case, accepted = licence_accepted(org, at, 40)
    cases.extend_clock(by=org.chief, case=case, clocks=["licence-decision-20-days"], amount=10, reason="材料复杂")
    f = finding(case, "licence-decision-20-days")
    assert f.status == "overdue" and f.due_at == Calendar().due(accepted, Duration(20, "working_days"))
    assert "期限已届满，不予计算" in f.message


def test_a_suspension_stops_the_clock_and_an_open_one_keeps_it_stopped(org, at):
    case, accepted = licence_accepted(org, at, 30)
    cal = Calendar()
    start, end = accepted + timedelta(days=2), accepted + timedelta(days=12)
    s = cases.suspend_clock(by=org.zhang, case=case, clocks=["licence-decision-20-days"],
                            reason="委托专家评审，所需时间已书面告知申请人", started_at=start, ended_at=end)
    f = finding(case, "licence-decision-20-days")
    assert f.due_at == cal.due(accepted, Duration(20, "working_days"), [(start, end)]) > \
        cal.due(accepted, Duration(20, "working_days"))
    assert f"suspension:{s.pk}" in f.records
    still = cases.suspend_clock(by=org.zhang, case=case, clocks=["licence-decision-20-days"], reason="组织听证",
                                started_at=days_ago(1))
    f = finding(case, "licence-decision-20-days")
    assert f.status == "pending" and "尚未恢复" in f.message and f.due_at > timezone.now()
    cases.end_suspension(by=org.zhang, suspension=still, ended_at=timezone.now())
    assert "尚未恢复" not in finding(case, "licence-decision-20-days").message


def test_a_suspension_record_moves_only_the_rules_it_names():
    from types import SimpleNamespace

    from lawtrail.cases.models import ClockSuspension

    start = timezone.now() - timedelta(hours=30)
    params = {"from": "case.started_at", "to": "step:lift.occurred_at", "within": "24 hours", "suspension": "检测期间"}
    x, y = Deadline({"id": "x", **params}), Deadline({"id": "y", **params})
    facts = SimpleNamespace(now=timezone.now(), calendar=Calendar(), extensions=[],
                            suspensions=[ClockSuspension(pk=7, clocks='["x"]', started_at=start + timedelta(hours=1),
                                                         ended_at=start + timedelta(hours=11))],
                            value=lambda n: (start, "case:1") if n == "case.started_at" else (None, None))
    assert (x.evaluate(facts).status, x.evaluate(facts).due_at) == ("pending", start + timedelta(hours=34))
    assert (y.evaluate(facts).status, y.evaluate(facts).due_at) == ("overdue", start + timedelta(hours=24))


def test_the_seizure_clock_leaves_out_the_testing_period(org, at):
    with at(days_ago(41)):
        case = org.case(procedure="coercive_measure")
        helpers.approve(org, case, "approve_measure")
    with at(days_ago(40)):
        seized = step(org, case, "enforce_measure").occurred_at
    assert finding(case, "seizure-30-days").status == "overdue"
    testing = (seized + timedelta(days=1), seized + timedelta(days=15))
    cases.suspend_clock(by=org.zhang, case=case, clocks=["seizure-30-days"], reason="委托检验机构检验，期间已书面告知当事人",
                        started_at=testing[0], ended_at=testing[1])
    f = finding(case, "seizure-30-days")
    assert (f.status, f.due_at) == ("pending", Calendar().due(seized, Duration(30, "days"), [testing]))


# --- 行政处罚法 第六十四条: the hearing --------------------------------------------------------------------

def noticed(org, at, days):
    """A penalty case whose advance notice and 听证告知书 were served ``days`` ago."""
    with at(days_ago(days + 3)):
        case = org.case()
        helpers.approve(org, case, "file_case")
        step(org, case, "interview")
        step(org, case, "conclude_investigation", [org.zhang])
        step(org, case, "advance_notice", [org.zhang])
    with at(days_ago(days)):
        served(org, case, "hearing_rights_notice")
    return case


def test_a_hearing_requested_within_five_working_days_is_met_and_a_late_request_is_broken(org, at):
    case = noticed(org, at, 30)
    f = finding(case, "hearing-requested-5-days")
    assert f.status == "not_applicable" and "当事人未在期限内提出" in f.message  # the party may forgo it
    with at(days_ago(29)):
        step(org, case, "request_hearing", [org.zhang])
    assert finding(case, "hearing-requested-5-days").status == "met"
    late = noticed(org, at, 40)
    with at(days_ago(10)):
        step(org, late, "request_hearing", [org.zhang])
    f = finding(late, "hearing-requested-5-days")
    assert f.status == "broken" and f.severity == "warning" and "5个工作日" in f.message
    f = finding(noticed(org, at, 0), "hearing-requested-5-days")
    assert f.status == "pending" and f.due_at > timezone.now()


def test_the_parties_are_notified_at_least_seven_working_days_before_the_hearing(org, at):
    case = noticed(org, at, 40)
    with at(days_ago(35)):
        step(org, case, "request_hearing", [org.zhang])
        served(org, case, "hearing_notice")
    f = finding(case, "hearing-notified-7-days-before")
    assert f.status == "pending" and f.due_at is None and "不得早于" in f.message
    with at(days_ago(20)):
        step(org, case, "hearing")
    f = finding(case, "hearing-notified-7-days-before")
    assert f.status == "met" and f.cite == "行政处罚法 第六十四条第二项" and "七日前" in f.text
    hasty = noticed(org, at, 20)
    with at(days_ago(15)):
        served(org, hasty, "hearing_notice")
    with at(days_ago(13)):
        step(org, hasty, "hearing")
    f = finding(hasty, "hearing-notified-7-days-before")
    assert f.status == "broken" and "早于" in f.message


def test_a_hearing_held_without_a_served_notice_breaks_the_interval(org, at):
    case = noticed(org, at, 20)
    step(org, case, "hearing")
    assert finding(case, "hearing-notified-7-days-before").status == "broken"


# --- 行政处罚法 第六十七条: the fine ------------------------------------------------------------------------

def fined(org, at, days, fine="5000.00"):
    with at(days_ago(days)):
        case = org.case()
        served(org, case, "penalty_decision", **({"fine": fine} if fine else {}))
    return case


def pay(org, case, amount, when):
    return cases.record_fine_payment(by=org.zhang, case=case, amount=amount, paid_at=when, channel="bank",
                                     reference="GH20261101-0001")


def test_a_fine_paid_in_full_within_fifteen_days_is_met(org, at):
    case = fined(org, at, 20)
    assert finding(case, "fine-paid-15-days").status == "overdue"
    pay(org, case, "2000.00", days_ago(15))
    f = finding(case, "fine-paid-15-days")
    assert f.status == "overdue" and "已缴纳2000.00元，尚欠3000.00元" in f.message
    last = pay(org, case, Decimal("3000.00"), days_ago(10))
    f = finding(case, "fine-paid-15-days")
    assert f.status == "met" and f"payment:{last.pk}" in f.records
    service = facts_mod.load(case).services[0]
    assert f.due_at == Calendar().due(service.served_at, Duration(15, "days"))  # natural days


def test_a_fine_paid_late_is_broken_and_a_decision_without_fine_does_not_apply(org, at):
    case = fined(org, at, 30)
    pay(org, case, "5000.00", days_ago(2))
    f = finding(case, "fine-paid-15-days")
    assert f.status == "broken" and "迟" in f.message
    assert finding(fined(org, at, 30, fine=None), "fine-paid-15-days").status == "not_applicable"
    assert finding(fined(org, at, 3), "fine-paid-15-days").status == "pending"


# --- 行政强制法 第四十三条: not at night or on holidays ----------------------------------------------------

def recent(workday: bool):
    """A recent day (a week ago or before) that is, or is not, a working day on the calendar."""
    cal, day = Calendar(), timezone.now().astimezone(BEIJING).date() - timedelta(days=7)
    while cal.is_workday(day) != workday:
        day -= timedelta(days=1)
    return day


def executed(org, at, day, hour, emergency=False):
    """A compulsory execution carried out on ``day`` at ``hour`` (Beijing time)."""
    when = datetime.combine(day, time(hour), tzinfo=BEIJING)
    with at(when - timedelta(hours=2)):
        case = org.case(procedure="compulsory_execution", emergency=emergency,
                        emergency_reason="当事人正在拆除承重墙，危及邻居安全" if emergency else "")
        helpers.approve(org, case, "issue_demand")
        step(org, case, "decide_execution", [org.zhang])
        step(org, case, "serve_decision", [org.zhang])
    with at(when):
        return case, step(org, case, "enforce")


def test_an_execution_at_night_or_on_a_day_off_is_broken_and_by_day_on_a_working_day_met(org, at):
    case, r = executed(org, at, recent(True), 23)
    f = finding(case, "no-execution-at-night-or-on-holidays")
    assert f.status == "broken" and "夜间" in f.message and f.records == (f"step:{r.pk}",)
    case, _ = executed(org, at, recent(False), 10)
    f = finding(case, "no-execution-at-night-or-on-holidays")
    assert f.status == "broken" and "节假日" in f.message and "夜间" not in f.message.split("实施")[0]
    case, _ = executed(org, at, recent(True), 10)
    assert finding(case, "no-execution-at-night-or-on-holidays").status == "met"


def test_an_emergency_recorded_in_the_case_is_the_statutory_exception(org, at):
    case, _ = executed(org, at, recent(False), 23, emergency=True)
    f = finding(case, "no-execution-at-night-or-on-holidays")
    assert f.status == "not_applicable" and "情况紧急" in f.message and "拆除承重墙" in f.message


def test_night_is_a_parameter(org, at):
    case, _ = executed(org, at, recent(True), 20)
    kind = KINDS["not_at_night_or_holiday"]
    assert kind({"steps": ["enforce"], "night": "19:30-05:00"}).evaluate(facts_mod.load(case)).status == "broken"
    assert kind({"steps": ["enforce"], "night": "22:00-06:00"}).evaluate(facts_mod.load(case)).status == "met"
    assert kind({"steps": ["enforce"], "night": "01:00-02:00"}).at_night(time(1, 30))
    assert rule("no-execution-at-night-or-on-holidays").kind.night == "22:00-06:00"


def test_an_execution_on_a_day_the_calendar_does_not_know_says_so_instead_of_guessing(org, at, monkeypatch):
    case, _ = executed(org, at, recent(True), 10)

    def uncovered(day):
        raise NotImplementedError(f"no data for {day.year}")  # what chinese-calendar does past its last year

    monkeypatch.setattr("lawtrail.rules.calendar.chinese_calendar.is_workday", uncovered)
    f = finding(case, "no-execution-at-night-or-on-holidays")
    assert f.status == "pending" and "工作日历尚未包含" in f.message and f.due_at is None


# --- 行政强制法 第五十四条 and 第五十三条: the court application -----------------------------------------------

def decision_served(org, at, days, review_days=60, litigation_months=6):
    """A penalty decision served ``days`` ago in a case of its own, telling the party the periods for
    行政复议 and 行政诉讼 it gives; returns its 文号."""
    with at(days_ago(days)):
        return served(org, org.case(), "penalty_decision", review_days=review_days,
                      litigation_months=litigation_months).number


def demanded(org, at, decision_number, days):
    """A compulsory-execution case whose 催告书 (naming the decision) was served ``days`` ago."""
    with at(days_ago(days)):
        case = org.case(procedure="compulsory_execution")
        helpers.approve(org, case, "issue_demand")
        served(org, case, "demand_notice", decision_number=decision_number)
    return case


def apply_court(org, case):
    step(org, case, "apply_court", [org.zhang])


def test_the_court_is_asked_only_after_ten_working_days_from_the_demand(org, at):
    number = decision_served(org, at, 200)
    case = demanded(org, at, number, 20)
    f = finding(case, "court-application-10-days-after-demand")
    assert f.status == "pending" and "不得早于" in f.message
    apply_court(org, case)
    assert finding(case, "court-application-10-days-after-demand").status == "met"
    hasty = demanded(org, at, number, 3)
    apply_court(org, hasty)
    f = finding(hasty, "court-application-10-days-after-demand")
    assert f.status == "broken" and "10个工作日届满后" in f.message


def test_a_court_application_never_made_stops_waiting_once_the_case_is_closed(org, at):
    """Executing on its own power, the bureau never applies to the court: the interval binds only an
    application that happens, so a closed case without one is not held to it."""
    case = demanded(org, at, decision_served(org, at, 200), 20)
    facts = facts_mod.load(case)
    assert rule("court-application-10-days-after-demand").evaluate(facts).status == "pending"
    facts.case.status = "closed"
    f = rule("court-application-10-days-after-demand").evaluate(facts)
    assert f.status == "not_applicable" and "未实施" in f.message


def test_the_court_is_asked_within_three_months_after_the_review_and_litigation_periods(org, at):
    number = decision_served(org, at, 200)
    served_day = facts_mod.load(demanded(org, at, number, 20)).enforced[0].served_at.astimezone(BEIJING).date()
    f = finding(demanded(org, at, number, 20), "court-application-within-3-months")
    closes = add_months(add_months(served_day, 6), 3)  # 6 months is later than 60 days
    assert f.status == "pending" and f.due_at == datetime.combine(closes + timedelta(days=1), time(0), tzinfo=BEIJING)
    in_time = demanded(org, at, number, 20)
    apply_court(org, in_time)
    assert finding(in_time, "court-application-within-3-months").status == "met"
    too_late = demanded(org, at, decision_served(org, at, 300), 20)
    apply_court(org, too_late)
    f = finding(too_late, "court-application-within-3-months")
    assert f.status == "broken" and "超过届满后3个月" in f.message
    too_early = demanded(org, at, decision_served(org, at, 60), 20)
    apply_court(org, too_early)
    f = finding(too_early, "court-application-within-3-months")
    assert f.status == "broken" and "期限届满前" in f.message
    f = finding(demanded(org, at, decision_served(org, at, 370), 20), "court-application-within-3-months")
    assert f.status == "overdue"
    # the periods are the ones the decision gave (a special law's): 15 days and 3 months, ended long ago
    f = finding(demanded(org, at, decision_served(org, at, 200, 15, 3), 20), "court-application-within-3-months")
    assert f.status == "overdue" and "复议15日、诉讼3个月" in f.message


def test_the_court_window_does_not_apply_to_own_execution_or_an_unknown_decision(org, at):
    f = finding(demanded(org, at, "金普文旅罚决〔2026〕999号", 20), "court-application-within-3-months")
    assert f.status == "not_applicable" and "文号" in f.message
    own = demanded(org, at, decision_served(org, at, 200), 20)
    step(org, own, "decide_execution", [org.zhang])
    assert finding(own, "court-application-within-3-months").status == "not_applicable"


def test_months_end_on_the_corresponding_day_or_the_last_of_the_month():
    from datetime import date

    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2026, 1, 15), 3) == date(2026, 4, 15)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)


# --- the rules are in every profile and quote the statute ----------------------------------------------------

def test_every_bureau_inherits_the_new_clocks_with_their_words():
    loaded = profiles.load_all(PROFILES_DIR)
    new = ("hearing-requested-5-days", "hearing-notified-7-days-before", "fine-paid-15-days",
           "no-execution-at-night-or-on-holidays", "court-application-10-days-after-demand",
           "court-application-within-3-months")
    for name in ("000", "001", "002", "003", "004"):
        ids = [r.id for r in loaded[name].rules]
        assert set(new) <= set(ids), name
    assert loaded["national"].rule("fine-paid-15-days").text.startswith("当事人应当自收到行政处罚决定书之日起十五日内")


def test_check_case_lists_the_new_clocks_for_a_case_of_their_procedure(org, at):
    case = fined(org, at, 20)
    found = {f.rule: f for f in check_case(case, now=timezone.now())}
    assert found["fine-paid-15-days"].status == "overdue"
    assert found["no-execution-at-night-or-on-holidays"].status == "not_applicable"  # another procedure


# --- bad parameters --------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind, params, key", [
    ("deadline", {"from": "case.started_at", "to": "step:lift.occurred_at", "within": "1 days", "by_party": "yes"},
     "by_party"),
    ("deadline", {"from": "case.started_at", "to": "step:lift.occurred_at", "within": "1 days", "suspension": ""},
     "suspension"),
    ("deadline", {"from": "case.started_at", "to": "step:lift.occurred_at", "within": "1 days",
                  "extension": {"by": "2 hours"}}, "extension"),
    ("deadline", {"from": "case.started_at", "to": "step:lift.occurred_at", "within": "1 days",
                  "extension": {"until": "2 days"}}, "extension"),
    ("not_before", {"from": "case.started_at", "to": "step:lift.occurred_at"}, "at_least"),
    ("not_before", {"from": "case.started_at", "to": "step:lift.occurred_at", "at_least": "1 days",
                    "after": "1 days"}, "at_least"),
    ("not_before", {"from": "case.started_at", "to": "step:lift.occurred_at", "after": "ten days"}, "after"),
    ("not_before", {"from": "step:nowhere.occurred_at", "to": "step:lift.occurred_at", "after": "1 days"}, "from"),
    ("fine_paid", {"decision": "penalty_form", "within": "15 days"}, "decision"),
    ("fine_paid", {"field": "penalty", "within": "15 days"}, "field"),
    ("fine_paid", {"within": "fifteen days"}, "within"),
    ("not_at_night_or_holiday", {"steps": ["enforce"], "night": "22-6"}, "night"),
    ("not_at_night_or_holiday", {"steps": ["enforce"], "night": "06:00-06:00"}, "night"),
    ("not_at_night_or_holiday", {"steps": ["execute"]}, "steps"),
    ("court_application_window", {"within": "3 moons"}, "within"),
    ("court_application_window", {"to": "step:court.occurred_at"}, "to"),
    ("court_application_window", {"unless": "document:x.finalised_at"}, "unless"),
])
def test_each_new_kind_refuses_a_bad_parameter_by_name(kind, params, key):
    with pytest.raises(ParamError) as e:
        KINDS[kind](params)
    assert e.value.key == key and e.value.reason


def test_the_loader_names_the_line_of_a_bad_night(tmp_path):
    error, line = helpers.refused_edit(tmp_path, "national.yaml", 'night: "22:00-06:00"', 'night: "夜里"')
    assert error.path.name == "national.yaml" and error.line == line and "夜里" in str(error)
