"""Each rule kind, met and broken, on facts made by the apps' actions (Deadline also on plain facts)."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from lawtrail.cases.models import ClockSuspension
from lawtrail.media import actions as media
from lawtrail.rules import facts as facts_mod
from lawtrail.rules.calendar import BEIJING, Calendar
from lawtrail.rules.kinds import AllowedValues, AvWithin24h, Deadline, ParamError, RequiredDocument, Signatures

from ..calendars import UNCOVERED_YEAR
from . import helpers
from .test_calendar import bj


def plain(now, **values):
    return SimpleNamespace(now=now, calendar=Calendar(), suspensions=[], extensions=[],
                           value=lambda n: (values[n], n) if n in values else (None, None))


DEADLINE = Deadline({"from": "case.started_at", "to": ["step:lift.occurred_at", "step:confiscate.occurred_at"],
                     "within": "24 hours"})


def test_a_deadline_is_pending_met_overdue_or_broken():
    start = bj(2026, 11, 2, 9)
    assert DEADLINE.evaluate(plain(start)).status == "not_applicable"
    f = DEADLINE.evaluate(plain(start + timedelta(hours=1), **{"case.started_at": start}))
    assert (f.status, f.due_at) == ("pending", start + timedelta(hours=24))
    f = DEADLINE.evaluate(plain(start + timedelta(hours=30), **{"case.started_at": start}))
    assert f.status == "overdue"
    f = DEADLINE.evaluate(plain(start + timedelta(hours=30), **{"case.started_at": start,
                                                                  "step:confiscate.occurred_at": start + timedelta(hours=20)}))
    assert f.status == "met" and f.records == ("case.started_at", "step:confiscate.occurred_at")
    f = DEADLINE.evaluate(plain(start, **{"case.started_at": start, "step:lift.occurred_at": start + timedelta(hours=26)}))
    assert f.status == "broken" and "2小时" in f.message


def test_a_suspension_and_an_extension_move_the_deadline():
    start = bj(2026, 11, 2, 9)
    facts = plain(start + timedelta(hours=26), **{"case.started_at": start})
    facts.suspensions = [ClockSuspension(pk=1, clocks='["x"]', started_at=start + timedelta(hours=2),
                                         ended_at=start + timedelta(hours=5))]
    assert DEADLINE.evaluate(facts).status == "overdue"  # a rule the law does not let be suspended
    suspended = Deadline({"id": "x", "from": "case.started_at", "to": "step:lift.occurred_at", "within": "24 hours",
                          "suspension": "检测期间"})
    f = suspended.evaluate(facts)
    assert (f.status, f.due_at) == ("pending", start + timedelta(hours=27)) and "suspension:1" in f.records
    d = Deadline({"from": "case.started_at", "to": "step:lift.occurred_at", "within": "30 days",
                  "extension": {"fact": "step:extend.approved_at", "by": "30 days"}})
    f = d.evaluate(plain(start + timedelta(days=40), **{"case.started_at": start}))
    assert f.status == "overdue"
    f = d.evaluate(plain(start + timedelta(days=40), **{"case.started_at": start, "step:extend.approved_at": start}))
    assert f.status == "pending" and f.due_at.astimezone(BEIJING).date().isoformat() == "2027-01-02"


def test_working_days_in_an_uncovered_year_say_so_instead_of_guessing():
    d = Deadline({"from": "case.started_at", "to": "step:lift.occurred_at", "within": "5 working days"})
    year = UNCOVERED_YEAR
    f = d.evaluate(plain(bj(year, 3, 2, 12), **{"case.started_at": bj(year, 3, 2, 10)}))
    assert f.status == "pending" and f.due_at is None and f"{year}年" in f.message


@pytest.mark.parametrize("params, key", [
    ({"from": "case.nothing", "to": "case.started_at", "within": "1 days"}, "from"),
    ({"from": "case.started_at", "to": "step:x.finalised_at", "within": "1 days"}, "to"),
    ({"from": "case.started_at", "to": "step:no_such_step.occurred_at", "within": "1 days"}, "to"),
    ({"from": "case.started_at", "to": "step:lift.occurred_at", "within": "soon"}, "within"),
    ({"from": "case.started_at", "to": "step:lift.occurred_at", "within": "2 days",
      "extension": {"fact": "step:extend.approved_at", "by": "5 hours"}}, "extension"),
])
def test_bad_deadline_parameters_name_the_parameter(params, key):
    with pytest.raises(ParamError) as e:
        Deadline(params)
    assert e.value.key == key



@pytest.mark.django_db
def test_required_document_pending_met_and_broken_when_closed(org):
    rule = RequiredDocument({"step": "interview", "document": "interview_record"})
    case = org.case()
    assert rule.evaluate(facts_mod.load(case)).status == "not_applicable"
    helpers.approve(org, case, "file_case")
    helpers.step(org, case, "interview")
    assert rule.evaluate(facts_mod.load(case)).status == "pending"
    case.status = "closed"  # as if the case were closed without it (facts only, not saved)
    f = facts_mod.load(case)
    f.case.status = "closed"
    assert rule.evaluate(f).status == "broken"
    helpers.document(org, case, "interview_record")
    f = rule.evaluate(facts_mod.load(case))
    assert f.status == "met" and any(r.startswith("document:") for r in f.records)
    with pytest.raises(ParamError):
        RequiredDocument({"step": "interview", "document": "no_such_form"})


@pytest.mark.django_db
def test_postal_service_only_by_registered_mail_or_ems(org):
    rule = AllowedValues({"of": "service", "where": {"method": "postal"}, "field": "carrier",
                          "allowed": ["registered_mail", "ems"]})
    case = org.case()
    decision = helpers.document(org, case, "penalty_decision")
    assert rule.evaluate(facts_mod.load(case)).status == "not_applicable"
    helpers.serve(org, decision, method="direct", carrier="", receipt="")
    helpers.serve(org, decision, carrier="registered_mail")
    assert rule.evaluate(facts_mod.load(case)).status == "met"
    other = helpers.serve(org, decision, carrier="other", receipt="SF0001")
    f = rule.evaluate(facts_mod.load(case))
    assert f.status == "broken" and f.records == (f"service:{other.pk}",) and "其他" in f.message
    with pytest.raises(ParamError) as e:
        AllowedValues({"of": "service", "field": "carrier", "allowed": ["sf_express"]})
    assert e.value.key == "allowed"


@pytest.mark.django_db
def test_signatures_two_officers_and_the_party_or_a_recorded_refusal(org):
    rule = Signatures({"documents": ["interview_record"], "officers": 2, "party": True})
    case = org.case()
    assert rule.evaluate(facts_mod.load(case)).status == "not_applicable"
    helpers.signed_interview(org, case)
    assert rule.evaluate(facts_mod.load(case)).status == "met"
    other = org.case()
    v = helpers.signed_interview(org, other, party=False, officers=(("zhang", "handlers"),))
    f = rule.evaluate(facts_mod.load(other))
    assert f.status == "broken" and "1人" in f.message and "当事人未签名" in f.message
    from lawtrail.records import actions as records
    records.sign(by=org.li, version=v, role="handlers", method="electronic")
    records.refuse(by=org.zhang, version=v, name="王某", reason="拒绝签字", witnesses=["赵社区主任"])
    assert rule.evaluate(facts_mod.load(other)).status == "met"
    with pytest.raises(ParamError):  # a decision is not signed by the party
        Signatures({"documents": ["penalty_decision"], "party": True})


@pytest.mark.django_db
def test_av_uploaded_within_24_hours_of_capture_or_of_the_return(org, tmp_path):
    rule = AvWithin24h({})
    case = org.case()
    assert rule.evaluate(facts_mod.load(case)).status == "not_applicable"
    helpers.av(org, case, tmp_path, hours_ago=2)
    assert rule.evaluate(facts_mod.load(case)).status == "met"
    late = helpers.av(org, case, tmp_path, hours_ago=30, name="late.png")
    f = rule.evaluate(facts_mod.load(case))
    assert f.status == "broken" and f.records == (f"av:{late.pk}",)
    media.declare_remote_work(by=org.zhang, staff=org.zhang, kind="away", started_at=late.capture_end - timedelta(hours=1),
                              returned_at=timezone.now() - timedelta(hours=1), reason="异地执法")
    assert rule.evaluate(facts_mod.load(case)).status == "met"
