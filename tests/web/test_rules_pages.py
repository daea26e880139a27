"""Where the rules' findings show (issue #6): the case page's 规则检查 section (an htmx fragment,
or a page without JavaScript) and the bureau-wide 到期与逾期 list, with pinned query counts."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lawtrail.access import roles
from lawtrail.rules import facts as facts_mod
from lawtrail.rules import profiles
from lawtrail.rules.check import check_case
from lawtrail.rules import stored
from lawtrail.web.views import rules as rules_views
from tests.rules import helpers

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_in_tmp")]

EMERGENCY_CITE = "000（000_7020ab165d466204.txt） 第九条"


def emergency_case(org, hours_ago, by=None, **kw):
    """A penalty case started in an emergency ``hours_ago`` hours ago whose start approval (补报,
    000 第九条: within 24 hours) has not been finalised."""
    return org.case(by=by, emergency=True, emergency_reason="当事人正在转移涉案物品",
                    started_at=timezone.now() - timedelta(hours=hours_ago), **kw)


def rows_of(html: str) -> list[str]:
    """The rule id of each finding row, in the order shown."""
    return [row.split('id="rule-', 1)[1].split('"', 1)[0] for row in html.split('<tr class="finding finding-')[1:]]


def test_an_overdue_deadline_comes_first_with_its_citation_and_a_met_rule_shows_met(org):
    case = emergency_case(org, hours_ago=72)
    helpers.approve(org, case, "file_case")
    helpers.step(org, case, "interview")
    helpers.signed_interview(org, case)
    html = org.client_for(org.zhang).get(f"/cases/{case.pk}/rules/", headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in html
    order = rows_of(html)
    assert order[0] == "emergency-start-report"
    first = html[html.index('id="rule-emergency-start-report"'):]
    first = first[:first.index("</tr>")]
    assert "⚠ 逾期" in first and "已超过24小时期限，尚未完成" in first
    assert f"<summary>{EMERGENCY_CITE}</summary>" in first
    assert "并在行政执法程序启动后24小时内补报" in first  # the article's words, in a <details>
    met = html[html.index('id="rule-interview-record"'):]
    met = met[:met.index("</tr>")]
    assert "✓ 达标" in met and f'href="/cases/{case.pk}/documents/' in met and "文书：《询问(调查)笔录》" in met and "#stage-investigation" in met
    statuses = [html.split(f'id="rule-{rid}"')[0].rsplit("finding-", 1)[1].split('"')[0] for rid in order]
    ranks = [rules_views.STATUS[s][2] for s in statuses]
    assert ranks == sorted(ranks), statuses  # worst first
    # the rules that do not concern the case are folded away, not missing
    assert "不适用的规则（" in html and 'id="rule-licence-decision-20-days"' in html
    assert len(order) == len(profiles.get("000").rules)


def test_without_javascript_the_section_is_a_page_and_the_case_page_links_it(org):
    case = org.case()
    zhang = org.client_for(org.zhang)
    page = zhang.get(f"/cases/{case.pk}/").content.decode()
    assert f'hx-get="/cases/{case.pk}/rules/"' in page and f'<a href="/cases/{case.pk}/rules/">' in page
    assert page.index('id="case-rules"') < page.index('id="case-media"')
    full = zhang.get(f"/cases/{case.pk}/rules/").content.decode()
    assert "<html" in full and "<h1>规则检查</h1>" in full and "⏳ 待办" in full  # the start approval awaits


def test_the_due_list_shows_an_overdue_case_to_its_handler_and_not_to_an_officer_of_another_unit(org):
    late = emergency_case(org, hours_ago=72, title="逾期未补报")
    soon = emergency_case(org, hours_ago=2, title="即将到期")
    emergency_case(org, hours_ago=30, by=org.liu, title="二中队的案件")
    org.case(title="期限尚远")  # its only clock (90 days) starts at the approval
    zhang = org.client_for(org.zhang).get("/rules/due/").content.decode()
    assert "到期与逾期" in zhang and late.number in zhang and soon.number in zhang
    assert zhang.index(late.number) < zhang.index(soon.number)  # most urgent first
    assert "二中队的案件" not in zhang and "期限尚远" not in zhang
    row = zhang[zhang.index(late.number):]
    row = row[:row.index("</tr>")]
    assert "承办人：张伟、李娜" in row or "承办人：李娜、张伟" in row
    file_case = late.steps.get(step="file_case")
    assert f"待审批：{file_case.step_def.title}（{roles.ROLES[file_case.step_def.approver]}）" in row
    liu = org.client_for(org.liu).get("/rules/due/").content.decode()
    assert late.number not in liu and "二中队的案件" in liu
    chief = org.client_for(org.chief).get("/rules/due/").content.decode()
    assert late.number in chief and "二中队的案件" in chief and "期限尚远" not in chief
    assert "⚠ 逾期 2" in chief and "3 日内到期 1" in chief


def test_a_closed_case_is_not_listed(org):
    case = emergency_case(org, hours_ago=72)
    case.status = "closed"
    case.save(update_fields=["status"])  # no close action yet: the list reads only open cases
    assert case.number not in org.client_for(org.chief).get("/rules/due/").content.decode()


def test_the_menu_links_the_due_list_for_roles_that_see_cases(org):
    assert 'href="/rules/due/"' in org.client_for(org.zhang).get("/").content.decode()
    assert 'href="/rules/due/"' not in org.client_for(org.auditor).get("/").content.decode()


def test_the_stored_results_of_many_cases_are_the_findings_each_case_gives_alone(org, tmp_path):
    cases = [helpers.penalty_case_to_decision(org, tmp_path), emergency_case(org, hours_ago=72), org.case(),
             org.case(procedure="coercive_measure", emergency=True, emergency_reason="紧急",
                      started_at=timezone.now() - timedelta(hours=5))]
    helpers.approve(org, cases[2], "file_case")
    bulk = stored.refresh([c.pk for c in cases])  # one batch: facts.load_many of the four
    for case in cases:
        alone = check_case(case, now=bulk[case.pk].computed_at)  # computed from facts.load, not stored
        assert [(x.rule, x.status, x.due_at, x.records, x.cite) for x in bulk[case.pk].findings] == \
               [(x.rule, x.status, x.due_at, x.records, x.cite) for x in alone]


def queries_for(client, url, **kw) -> int:
    client.get(url, **kw)  # a first view renews the session's expiry (and computes what is stale)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, **kw).status_code == 200
    return len(ctx.captured_queries)


def test_the_due_list_costs_the_same_queries_for_1_or_6_cases(org):
    """Session, user, staff, the visible open cases without a fresh result (none), the stored due
    findings' totals and page, the handlers and the pending approvals of the page's cases, and the
    header's unread count: a fixed count however many cases or findings, and no fact is loaded."""
    zhang = org.client_for(org.zhang)
    emergency_case(org, hours_ago=72)
    one = queries_for(zhang, "/rules/due/")
    for h in (1, 10, 30, 50, 70):
        helpers.step(org, emergency_case(org, hours_ago=h), "interview")
    assert queries_for(zhang, "/rules/due/") == one == 3 + 1 + 2 + 2 + 1 == 9


def test_the_due_list_recomputes_what_changed_before_it_shows(org):
    late = emergency_case(org, hours_ago=72)
    chief = org.client_for(org.chief)
    assert late.number in chief.get("/rules/due/").content.decode()
    helpers.document(org, late, "filing_approval")  # the 补报 (late, but no longer missing)
    page = chief.get("/rules/due/").content.decode()
    assert late.number not in page and "没有逾期或 3 日内到期的期限" in page


def test_the_case_section_reads_a_fresh_result_in_5_queries_and_recomputes_after_a_change(org, tmp_path):
    zhang = org.client_for(org.zhang)
    small = org.case()
    big = helpers.penalty_case_to_decision(org, tmp_path)
    counts = [queries_for(zhang, f"/cases/{c.pk}/rules/", headers={"HX-Request": "true"}) for c in (small, big)]
    # session, user, staff, the visible case, its stored result: the records' names and links were
    # stored with the findings, so no fact is loaded while nothing changed
    assert counts == [5, 5]
    url = f"/cases/{small.pk}/rules/"
    assert 'id="rule-interview-record"' in zhang.get(url, headers={"HX-Request": "true"}).content.decode()
    helpers.approve(org, small, "file_case")
    helpers.step(org, small, "interview")
    with CaptureQueriesContext(connection) as ctx:
        html = zhang.get(url, headers={"HX-Request": "true"}).content.decode()
    assert len(ctx.captured_queries) > 5 + facts_mod.QUERIES - 2  # the facts were loaded again
    row = html[html.index('id="rule-interview-record"'):]
    assert "⏳ 待办" in row[:row.index("</tr>")]  # the interview is recorded, its record not yet made


def test_the_due_list_pages_by_50(org, monkeypatch):
    assert rules_views.PAGE_SIZE == 50
    monkeypatch.setattr(rules_views, "PAGE_SIZE", 2)
    made = [emergency_case(org, hours_ago=30 + i) for i in range(3)]
    chief = org.client_for(org.chief)
    first = chief.get("/rules/due/").content.decode()
    assert "下一页" in first and made[2].number in first and made[0].number not in first
    second = chief.get("/rules/due/?page=2").content.decode()
    assert made[0].number in second and made[2].number not in second
