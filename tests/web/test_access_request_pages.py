"""The 查阅、复制申请 pages: the menu links to them, the list shows only the requests of the cases the
user sees, a request is registered for a case by its 案号, the agency head consents and extends from
the request's page while the others do not even get those forms, a reply is recorded, bad input
comes back next to its field with nothing saved, a POST needs its CSRF token, and the queries of
the list and the detail page do not grow with their rows."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lawtrail.access import requests
from lawtrail.access.models import AccessRequest

pytestmark = pytest.mark.django_db


def local(t):
    return timezone.localtime(t).strftime("%Y-%m-%dT%H:%M")


def register(org, case, **kw):
    fields = {"requester_name": "王某", "requester_is_party": True, "mode": "read_copy", "scope": "现场检查笔录",
              "channel": "in_person",
              "received_at": timezone.now() - timedelta(minutes=2)} | kw  # the forms give minutes
    return requests.register_request(by=org.zhang, case=case, **fields)


def form(case, **kw):
    return {"case_number": case.number, "requester_name": "大连星海文化传媒有限公司", "requester_is_party": "on",
            "contact": "0411-88888888", "mode": "copy", "scope": "询问笔录两份", "channel": "letter",
            "received_at": local(timezone.now())} | kw


def test_the_menu_links_to_the_requests_for_those_who_work_with_cases(org):
    assert 'href="/access-requests/"' in org.client_for(org.zhang).get("/").content.decode()
    assert 'href="/access-requests/"' not in org.client_for(org.auditor).get("/").content.decode()


def test_the_list_shows_only_the_requests_of_cases_the_user_sees(org):
    mine = register(org, org.case())
    theirs = requests.register_request(by=org.liu, case=org.case(by=org.liu), requester_name="李某",
                                       requester_is_party=False, mode="read", scope="处罚决定书", channel="online",
                                       received_at=timezone.now())
    page = org.client_for(org.zhang).get("/access-requests/").content.decode()
    assert f'href="/access-requests/{mine.pk}/"' in page and f'href="/access-requests/{theirs.pk}/"' not in page
    assert "待答复" in page
    page = org.client_for(org.chief).get("/access-requests/").content.decode()
    assert f'href="/access-requests/{mine.pk}/"' in page and f'href="/access-requests/{theirs.pk}/"' in page


def test_a_request_is_registered_for_a_case_by_its_number_and_written_to_the_ledger(org):
    case = org.case()
    client = org.client_for(org.zhang)
    link = f'<a href="/access-requests/new/?case={case.pk}">登记查阅、复制申请</a>'
    assert link in client.get(f"/cases/{case.pk}/").content.decode()  # from the case page
    page = client.get(f"/access-requests/new/?case={case.pk}").content.decode()
    assert f'value="{case.number}"' in page  # the case given is filled in
    r = client.post("/access-requests/new/", form(case))
    made = AccessRequest.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/access-requests/{made.pk}/"
    assert (made.case_id, made.mode, made.requester_is_party, made.registered_by_id) == (case.pk, "copy", True,
                                                                                        org.zhang.pk)
    page = client.get(r["Location"]).content.decode()
    assert "大连星海文化传媒有限公司" in page and "登记查阅、复制申请" in page  # and its ledger entry
    assert "须在" in page and "前答复（20个工作日）" in page


def test_a_case_the_user_does_not_see_or_a_bad_time_comes_back_next_to_its_field(org):
    case = org.case()
    r = org.client_for(org.liu).post("/access-requests/new/", form(case))  # team B does not see team A's case
    html = r.content.decode()
    assert r.status_code == 400 and f"没有找到您可查看的案号为“{case.number}”的案件" in html
    assert html.index('id="field-case_number"') < html.index("没有找到您可查看的案号") < html.index('id="field-requester_name"')
    r = org.client_for(org.zhang).post("/access-requests/new/", form(case, received_at=local(timezone.now() + timedelta(days=1))))
    html = r.content.decode()
    assert r.status_code == 400 and "收到申请时间不能晚于当前时间" in html
    assert html.index('id="field-received_at"') < html.index("收到申请时间不能晚于当前时间")
    assert not AccessRequest.objects.exists()


def test_the_agency_head_consents_and_extends_and_the_officer_gets_neither_form(org):
    r = register(org, org.case())
    officer, chief = org.client_for(org.zhang), org.client_for(org.chief)
    page = officer.get(f"/access-requests/{r.pk}/").content.decode()
    assert 'value="consent"' not in page and 'value="extend"' not in page and 'value="reply"' in page
    assert officer.post(f"/access-requests/{r.pk}/", {"form": "consent"}).status_code == 403
    assert chief.post(f"/access-requests/{r.pk}/", {"form": "consent"}).status_code == 302
    assert chief.post(f"/access-requests/{r.pk}/", {"form": "extend", "reason": ""}).status_code == 400
    assert chief.post(f"/access-requests/{r.pk}/", {"form": "extend", "reason": "记录较多，需逐项审查",
                                                    "told_at": local(timezone.now())}).status_code == 302
    r.refresh_from_db()
    assert r.copy_consent_by == org.chief and r.extended_by == org.chief and r.extension_told_at is not None
    page = chief.get(f"/access-requests/{r.pk}/").content.decode()
    assert 'value="consent"' not in page and 'value="extend"' not in page  # done once
    assert "机关负责人同意复制" in page and "批准延长答复期限" in page and "前答复（40个工作日）" in page


def test_a_reply_with_errors_shows_them_and_a_good_one_is_recorded(org):
    r = register(org, org.case())
    client = org.client_for(org.zhang)
    bad = client.post(f"/access-requests/{r.pk}/", {"form": "reply", "replied_at": local(timezone.now()),
                                                    "outcome": "refused", "method": "post"})
    html = bad.content.decode()
    assert bad.status_code == 400 and "部分同意或不予提供的，须写明理由" in html
    assert html.index('id="field-withheld_reason"') < html.index("部分同意或不予提供的，须写明理由")
    assert AccessRequest.objects.get().replied_at is None
    good = client.post(f"/access-requests/{r.pk}/", {"form": "reply", "replied_at": local(timezone.now()),
                                                     "outcome": "refused", "method": "post",
                                                     "withheld_ground": "privacy", "withheld_reason": "涉及证人隐私"})
    assert good.status_code == 302
    page = client.get(f"/access-requests/{r.pk}/").content.decode()
    assert "已答复：不予提供" in page and "个人隐私，涉及证人隐私" in page and 'value="reply"' not in page
    assert client.post(f"/access-requests/{r.pk}/", {"form": "reply"}).status_code == 403  # no second reply


def test_a_post_without_its_csrf_token_is_refused(org):
    r = register(org, org.case())
    client = Client(enforce_csrf_checks=True)
    client.force_login(org.chief.user)
    assert client.post(f"/access-requests/{r.pk}/", {"form": "consent"}).status_code == 403
    assert AccessRequest.objects.get().copy_consent_at is None


def test_the_pages_queries_do_not_grow_with_their_rows(org):
    case = org.case()
    client = org.client_for(org.zhang)

    def cost(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    first = register(org, case)
    cost("/")  # the session's first request touches it
    list_one, detail_one = cost("/access-requests/"), cost(f"/access-requests/{first.pk}/")
    assert (list_one, detail_one) == (8, 9)  # session, user, staff, (count,) calendar ×2, rows, the menu's reminders
    for _ in range(4):
        register(org, case)
    requests.start_consultation(by=org.zhang, request=first, consulted="市场监管局", started_at=timezone.now())
    requests.approve_copy(by=org.chief, request=first)
    assert cost("/access-requests/") == list_one
    assert cost(f"/access-requests/{first.pk}/") == detail_one
