"""The case pages as an officer uses them: forms that explain what is wrong next to the field and
save nothing, the five-stage case page, the list with search and filters, and pinned query counts."""

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lawtrail.cases import actions
from lawtrail.cases.models import Case, Complaint, Party
from tests.factories import Org, credit_code, resident_id

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    return Org.build()


@pytest.fixture
def zhang(org):
    return org.client_for(org.zhang)


def case_form(org, **kw):
    return {"procedure": "penalty_general", "source": "ex_officio", "title": "未经许可擅自从事营业性演出",
            "summary": "现场检查发现无证演出。", "handlers": [org.zhang.pk, org.li.pk], "party_kind": "legal_person",
            "party_name": "大连星海文化传媒有限公司", "party_credit_code": credit_code()} | kw


def field_errors(response, name: str) -> str:
    html = response.content.decode()
    start = html.index(f'id="field-{name}"')
    end = html.find('class="field', start)
    return html[start:end if end > 0 else len(html)]


def test_an_officer_opens_a_case_from_the_form_and_lands_on_its_page(org, zhang):
    r = zhang.post("/cases/new/", case_form(org))
    case = Case.objects.get()
    assert r.status_code == 302 and r.url == f"/cases/{case.pk}/"
    page = zhang.get(r.url).content.decode()
    for text in (case.number, "程序启动", "调查取证", "审查决定", "送达执行", "归档管理", "启动执法程序", "大连星海文化传媒有限公司"):
        assert text in page


@pytest.mark.parametrize("field,value,message", [
    ("party_credit_code", "91210213MA00000011", "校验码"),
    ("party_credit_code", "", "统一社会信用代码应为18位"),
    ("title", "", "必填"),
])
def test_bad_input_is_shown_next_to_its_field_and_nothing_is_saved(org, zhang, field, value, message):
    r = zhang.post("/cases/new/", case_form(org, **{field: value}))
    assert r.status_code == 400 and message in field_errors(r, field)
    assert not Case.objects.exists() and not Party.objects.exists()


def test_a_wrong_id_number_of_a_person_is_shown_next_to_it(org, zhang):
    r = zhang.post("/cases/new/", case_form(org, party_kind="person", party_name="王某",
                                            party_id_number="110105194912310021"))
    assert r.status_code == 400 and "校验码" in field_errors(r, "party_id_number")
    assert not Party.objects.exists()


def test_an_expired_handler_is_refused_next_to_the_handlers(org, zhang):
    r = zhang.post("/cases/new/", case_form(org, handlers=[org.zhang.pk, org.yang.pk]))
    assert r.status_code == 400 and "过期" in field_errors(r, "handlers")
    assert not Case.objects.exists() and not Party.objects.exists(), "the party is not kept without its case"


def test_a_case_title_with_markup_is_shown_as_text(org, zhang):
    case = org.case(title="<script>alert(1)</script>")
    page = zhang.get(f"/cases/{case.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_head_approves_on_the_case_page_and_the_officer_records_the_next_step(org, zhang):
    case = org.case()
    record = case.steps.get()
    chief = org.client_for(org.chief)
    assert "待我审批" in chief.get("/").content.decode()
    r = chief.post(f"/cases/{case.pk}/steps/{record.pk}/decide/", {"decision": "approve", "opinion": "同意"})
    assert r.status_code == 302
    step = actions.available_steps(case)[0]
    r = zhang.post(f"/cases/{case.pk}/steps/", {"step": step.code, "handlers": [org.zhang.pk, org.li.pk],
                                                "note": "询问了当事人"})
    assert r.status_code == 302
    page = zhang.get(f"/cases/{case.pk}/").content.decode()
    assert "询问了当事人" in page and "批准" in page and page.count("记录环节") >= 1


def test_a_step_with_too_few_officers_is_refused_on_the_page(org, zhang):
    case = org.case()
    actions.decide_step(by=org.chief, record_=case.steps.get(), approve=True)
    step = next(s for s in actions.available_steps(case) if s.handlers >= 2)
    r = zhang.post(f"/cases/{case.pk}/steps/", {"step": step.code, "handlers": [org.zhang.pk]})
    assert r.status_code == 400 and "至少需要 2 名" in field_errors(r, "handlers")
    assert case.steps.count() == 1


def test_a_complaint_is_registered_declined_approved_and_the_reporter_told_from_the_pages(org, zhang):
    when = timezone.localtime() - timedelta(hours=2)
    r = zhang.post("/complaints/new/", {"received_at": when.strftime("%Y-%m-%dT%H:%M"), "channel": "phone",
                                        "reporter_name": "刘先生", "content": "网吧接纳未成年人"})
    c = Complaint.objects.get()
    assert r.status_code == 302
    r = zhang.post(f"/complaints/{c.pk}/", {"form": "decline", "reason": ""})
    assert r.status_code == 400 and "理由" in field_errors(r, "reason")
    assert zhang.post(f"/complaints/{c.pk}/", {"form": "decline", "reason": "不属于本机关职责"}).status_code == 302
    assert zhang.post(f"/complaints/{c.pk}/", {"form": "decide", "decision": "approve"}).status_code == 403

    chief = org.client_for(org.chief)
    assert "待审批：不予启动执法程序" in chief.get("/").content.decode()
    assert chief.post(f"/complaints/{c.pk}/", {"form": "decide", "decision": "approve"}).status_code == 302

    assert "待告知投诉举报人" in zhang.get("/").content.decode()
    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    r = zhang.post(f"/complaints/{c.pk}/", {"form": "notice", "notified_at": now})
    assert r.status_code == 400 and field_errors(r, "notified_how").count("error") >= 1
    assert zhang.post(f"/complaints/{c.pk}/", {"form": "notice", "notified_how": "phone",
                                               "notified_at": now}).status_code == 302
    c.refresh_from_db()
    assert (c.status, c.notified_how) == ("declined", "phone") and not c.awaits_notice


def test_the_case_list_searches_by_number_party_and_officer_and_filters(org, zhang):
    a = org.case(title="无证演出")
    b = org.case(title="接纳未成年人", parties=[org.party(name="极速网络会所")])
    insp = org.case(procedure="inspection", title="日常检查")

    def listed(**query):
        page = zhang.get("/cases/", query).content.decode()
        return {c.number for c in (a, b, insp) if c.number in page}

    assert listed() == {a.number, b.number, insp.number}
    assert listed(q=a.number) == {a.number}
    assert listed(q="极速网络") == {b.number}
    assert listed(q="张伟") == {a.number, b.number, insp.number}
    assert listed(act_type="inspection") == {insp.number}
    assert listed(stage="investigation") == set()
    assert listed(date_from=(timezone.localdate() + timedelta(days=1)).isoformat()) == set()


def test_the_htmx_list_request_gets_only_the_rows(org, zhang):
    org.case()
    r = zhang.get("/cases/", {"q": "演出"}, headers={"HX-Request": "true"})
    html = r.content.decode()
    assert "<table" in html and "<html" not in html


def queries_for(client, url) -> int:
    """Queries of one page view (after a first view, which also renews the session's expiry)."""
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_case_list_costs_the_same_queries_for_3_or_25_cases(org, zhang):
    for _ in range(3):
        org.case()
    few = queries_for(zhang, "/cases/")
    for _ in range(22):
        org.case()
    assert queries_for(zhang, "/cases/") == few == 5 + 1  # + the header's unread reminders


def test_the_case_page_costs_the_same_queries_however_many_steps(org, zhang):
    case = org.case()
    actions.decide_step(by=org.chief, record_=case.steps.get(), approve=True)
    few = queries_for(zhang, f"/cases/{case.pk}/")
    for _ in range(3):
        step = next(s for s in actions.available_steps(case) if s.handlers)
        actions.record_step(by=org.zhang, case=case, step=step.code, handlers=[org.zhang, org.li])
    assert queries_for(zhang, f"/cases/{case.pk}/") == few == 9 + 1  # + the header's unread reminders


def test_the_agency_head_sees_open_cases_charted_by_stage_and_act_type(org):
    org.case()
    org.case(procedure="inspection")
    page = org.client_for(org.chief).get("/").content.decode()
    assert "echarts.min.js" in page and 'id="stage-chart-data"' in page
    data = page.split('id="stage-chart-data" type="application/json">')[1].split("</script>")[0]
    chart = json.loads(data)
    totals = {s["name"]: sum(s["data"]) for s in chart["series"]}
    assert totals["行政处罚"] == 1 and totals["行政检查"] == 1 and chart["stages"][0] == "程序启动"


def test_the_list_pages_newest_first_and_the_next_link_continues_without_repeats(org, zhang):
    party = org.party()
    made = [org.case(parties=[party]).number for _ in range(27)]
    first = zhang.get("/cases/").content.decode()
    shown_first = [n for n in made if n in first]
    assert len(shown_first) == 25 and made[-1] in first and made[0] not in first
    next_url = first.split('href="?before=')[1].split('"')[0]
    second = zhang.get(f"/cases/?before={next_url}").content.decode()
    assert [n for n in made if n in second] == made[:2] and "下一页" not in second


def test_the_list_opened_unfiltered_shows_what_the_filtered_query_shows(org, zhang):
    """The list without filters runs a precompiled statement (queries.visible_list_rows); with a
    filter that matches everything it runs the ORM's queryset: the same rows, the same cells."""
    made = [org.case().number for _ in range(26)]
    theirs = org.case(by=org.liu, handlers=[org.liu, org.zhang])  # team B's, handled by zhang too
    unseen = org.case(by=org.liu).number
    def rows(path):
        page = zhang.get(path).content.decode()
        return page[page.index("<tbody>"):page.index("</tbody>")]

    everything = "date_from=2000-01-01"
    for path in ("/cases/", f"/cases/?before={theirs.pk}"):  # 25 of 27, then the 26 below team B's
        shown = rows(path)
        assert shown == rows(f"{path}{'&' if '?' in path else '?'}{everything}") and unseen not in shown
    first = zhang.get("/cases/").content.decode()
    assert theirs.number in first and made[0] not in first
    for before in ("%C2%B2", "1" + "0" * 30):  # not a number to int(); beyond any id
        page = zhang.get(f"/cases/?before={before}")
        assert page.status_code == 200 and theirs.number in page.content.decode()


def test_the_step_form_is_fetched_on_demand_and_also_works_without_javascript(org, zhang):
    case = org.case()
    actions.decide_step(by=org.chief, record_=case.steps.get(), approve=True)
    page = zhang.get(f"/cases/{case.pk}/").content.decode()
    assert 'name="handlers"' not in page and f"/cases/{case.pk}/steps/form/" in page
    fragment = zhang.get(f"/cases/{case.pk}/steps/form/", headers={"HX-Request": "true"}).content.decode()
    assert 'name="handlers"' in fragment and "<html" not in fragment
    assert 'name="handlers"' in zhang.get(f"/cases/{case.pk}/?form=step").content.decode()


def test_a_list_row_shows_the_case_as_it_is(org, zhang):
    """The rows are written in Python (templatetags/case_pages.py): every cell as the template wrote it."""
    first, second = org.party(name="大连星海文化传媒有限公司"), org.party(name="极速<网络>会所")
    case = org.case(title="网吧接纳未成年人", parties=[first, second])
    when = timezone.localtime(case.started_at).strftime("%Y-%m-%d %H:%M")
    html = zhang.get("/cases/").content.decode()
    row = html[html.index(f'<a href="/cases/{case.pk}/">'):]
    row = row[:row.index("</tr>")]
    assert row == (f'<a href="/cases/{case.pk}/">{case.number}</a></td><td>网吧接纳未成年人</td><td>行政处罚</td>\n'
                   "      <td>大连星海文化传媒有限公司、极速&lt;网络&gt;会所</td>\n"
                   f"      <td>执法一中队</td><td>程序启动</td><td>办理中</td><td>{when}</td>")
    assert '<option value="" selected>全部</option>' not in html
    filtered = zhang.get("/cases/", {"act_type": "penalty", "unit": org.team_a.pk}).content.decode()
    assert '<option value="penalty" selected>行政处罚</option>' in filtered
    assert f'<option value="{org.team_a.pk}" selected>执法一中队</option>' in filtered
    assert "没有符合条件的案件。" in zhang.get("/cases/", {"q": "没有这个案件"}).content.decode()


def test_the_case_page_names_every_person_in_its_place(org, zhang):
    """Handlers, recorders, approvers and the timeline's actors come from one query (queries.case_people)."""
    case = org.case(handlers=[org.zhang, org.li])
    actions.decide_step(by=org.chief, record_=case.steps.get(), approve=True, opinion="同意立案")
    step = next(s for s in actions.available_steps(case) if s.handlers)
    actions.record_step(by=org.li, case=case, step=step.code, handlers=[org.li, org.zhang], note="询问当事人\n制作笔录")
    page = zhang.get(f"/cases/{case.pk}/").content.decode()
    for s in (org.zhang, org.li):
        assert f"<li>{s.name}，执法证 {s.certificate_no}（有效期至 " in page
    assert page.index("<li>张伟，") < page.index("<li>李娜，")  # Staff's order: bureau, then name
    assert f"<dt>登记</dt><dd>张伟，{timezone.localtime(case.created_at):%Y-%m-%d %H:%M}</dd>" in page
    assert "· 记录：张伟 · 执法人员：张伟、李娜</small>" in page and "· 记录：李娜 · 执法人员：张伟、李娜</small>" in page
    assert "<small>已批准：郑明，" in page and "（同意立案）</small>" in page
    assert "<p>询问当事人<br>制作笔录</p>" in page
    timeline = page[page.index('<table class="timeline">'):]
    assert "<td>郑明</td><td>批准</td>" in timeline and "<td>李娜</td><td>记录环节</td>" in timeline


def test_the_case_page_lists_its_documents_with_their_links_numbers_and_versions(org, zhang):
    """Written in Python (templatetags/case_pages.py document_rows) with a link reversed once."""
    from lawtrail.records import actions as records, catalogue
    from lawtrail.records.examples import sample_values

    case = org.case()
    assert '<tr><td colspan="5">尚无文书。</td></tr>' in zhang.get(f"/cases/{case.pk}/").content.decode()
    draft = records.create_draft(by=org.zhang, case=case, kind="interview_record")
    kind = catalogue.get("penalty_decision")  # numbered (文号) when finalised
    final = records.create_draft(by=org.zhang, case=case, kind=kind.code, values=sample_values(kind))
    records.finalise(by=org.zhang, document=final)
    final.refresh_from_db()
    assert final.number
    page = zhang.get(f"/cases/{case.pk}/").content.decode()
    for doc, label, number, status, versions in ((draft, "询问(调查)笔录", "—", "草稿", 0),
                                                 (final, "行政处罚决定书", final.number, "已定稿", 1)):
        when = timezone.localtime(doc.created_at).strftime("%Y-%m-%d %H:%M")
        assert (f'<tr><td><a href="/cases/{case.pk}/documents/{doc.pk}/">{label}</a></td><td>{number}</td>'
                f"<td>{status}</td><td>{versions}</td><td>{when}</td></tr>") in page
    assert page.index(f"/documents/{draft.pk}/") < page.index(f"/documents/{final.pk}/")
    assert "<h2>文书（2）</h2>" in page and f'action="/cases/{case.pk}/documents/new/"' in page


def test_only_the_approver_gets_the_decision_form_on_the_step_awaiting_them(org, zhang):
    case = org.case()
    record = case.steps.get()
    form = f'<form method="post" action="/cases/{case.pk}/steps/{record.pk}/decide/" class="decide">'
    chief_page = org.client_for(org.chief).get(f"/cases/{case.pk}/").content.decode()
    assert form in chief_page and 'name="opinion"' in chief_page
    assert form not in zhang.get(f"/cases/{case.pk}/").content.decode()
    actions.decide_step(by=org.chief, record_=record, approve=True)
    assert form not in org.client_for(org.chief).get(f"/cases/{case.pk}/").content.decode()


def test_the_parties_are_shown_as_text_with_identifier_address_contact_and_representative(org, zhang):
    company = org.party(name="极速<网络>会所", address="大连市金普新区友谊街道1号", contact="13800000000",
                        representative="王某")
    person = org.party(kind="person", name="李某", credit_code="", id_number=resident_id())
    case = org.case(parties=[company, person])
    page = zhang.get(f"/cases/{case.pk}/").content.decode()
    assert (f"<p><strong>极速&lt;网络&gt;会所</strong>（法人）<br>统一社会信用代码 {company.credit_code}"
            "<br>大连市金普新区友谊街道1号 · 13800000000<br>代表人：王某</p>") in page
    assert f"<p><strong>李某</strong>（自然人）<br>公民身份号码 {person.id_number}</p>" in page


def test_a_case_number_no_case_can_have_is_not_found(org, zhang):
    org.case()
    assert zhang.get(f"/cases/{10**30}/").status_code == 404
