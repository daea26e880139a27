"""The 期限记录 page of a case: reached from the case page, an officer records a suspension and its
end and a fine payment, the agency head approves an extension, bad input comes back next to its
field with nothing saved, and the page's queries do not grow with its rows."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lawtrail.cases import actions
from lawtrail.cases.models import ClockExtension, ClockSuspension, FinePayment

pytestmark = pytest.mark.django_db
LICENCE = "licence-decision-20-days"


def local(t):
    return timezone.localtime(t).strftime("%Y-%m-%dT%H:%M")


def test_the_case_page_links_to_the_clock_records(org):
    case = org.case(procedure="licence")
    html = org.client_for(org.zhang).get(f"/cases/{case.pk}/").content.decode()
    assert f'href="/cases/{case.pk}/clocks/"' in html


def test_an_officer_records_a_suspension_and_its_end_and_the_agency_head_an_extension(org):
    case = org.case(procedure="licence")
    officer, chief = org.client_for(org.zhang), org.client_for(org.chief)
    page = officer.get(f"/cases/{case.pk}/clocks/").content.decode()
    assert "行政许可法 第四十二条第一款（licence-decision-20-days）：不计入听证、招标" in page
    assert "批准延长" not in page  # only the agency head extends
    r = officer.post(f"/cases/{case.pk}/clocks/", {"form": "suspend", "clocks": [LICENCE], "reason": "组织专家评审",
                                                   "started_at": local(timezone.now() + timedelta(minutes=1))})
    assert r.status_code == 302
    s = ClockSuspension.objects.get(case=case)
    assert s.clock_ids == [LICENCE] and s.ended_at is None
    r = officer.post(f"/cases/{case.pk}/clocks/", {"form": "end", "suspension": s.pk,
                                                   "ended_at": local(timezone.now() + timedelta(minutes=2))})
    assert r.status_code == 302 and ClockSuspension.objects.get(pk=s.pk).ended_by == org.zhang
    r = chief.post(f"/cases/{case.pk}/clocks/", {"form": "extend", "clocks": [LICENCE], "amount": 10,
                                                 "reason": "需实地核查，已告知申请人"})
    assert r.status_code == 302 and ClockExtension.objects.get(case=case).approved_by == org.chief
    page = chief.get(f"/cases/{case.pk}/clocks/").content.decode()
    assert "组织专家评审" in page and "需实地核查，已告知申请人" in page and org.chief.name in page


def test_a_bad_entry_comes_back_next_to_its_field_and_nothing_is_saved(org):
    case = org.case(procedure="licence")
    officer, chief = org.client_for(org.zhang), org.client_for(org.chief)
    r = officer.post(f"/cases/{case.pk}/clocks/", {"form": "suspend", "clocks": [LICENCE], "reason": "检测",
                                                   "started_at": local(timezone.now() - timedelta(days=3))})
    assert r.status_code == 400 and "中止开始时间不能早于程序启动时间" in r.content.decode()
    r = chief.post(f"/cases/{case.pk}/clocks/", {"form": "extend", "clocks": [LICENCE], "amount": 11, "reason": "复杂"})
    assert r.status_code == 400 and "延长不得超过10个工作日" in r.content.decode()
    r = officer.post(f"/cases/{case.pk}/clocks/", {"form": "payment", "amount": "100.00", "channel": "bank",
                                                   "reference": "", "paid_at": local(timezone.now())})
    assert r.status_code == 400
    assert not ClockSuspension.objects.exists() and not ClockExtension.objects.exists()
    assert not FinePayment.objects.exists()


def test_a_payment_is_recorded_and_shown(org):
    case = org.case()
    r = org.client_for(org.zhang).post(f"/cases/{case.pk}/clocks/", {
        "form": "payment", "amount": "5000.00", "channel": "electronic", "reference": "ZF0001",
        "paid_at": local(timezone.now())})
    assert r.status_code == 302
    page = org.client_for(org.chief).get(f"/cases/{case.pk}/clocks/").content.decode()
    assert "5000.00" in page and "ZF0001" in page and "电子支付系统" in page


def test_the_page_takes_the_same_queries_however_many_records_it_shows(org):
    case = org.case(procedure="licence")
    client = org.client_for(org.chief)

    def queries():
        with CaptureQueriesContext(connection) as q:
            assert client.get(f"/cases/{case.pk}/clocks/").status_code == 200
        return len(q)

    queries()  # the first request of a session reads what later ones have cached
    empty = queries()
    for n in range(3):
        actions.suspend_clock(by=org.zhang, case=case, clocks=[LICENCE], reason=f"检测{n}", started_at=timezone.now())
        actions.extend_clock(by=org.chief, case=case, clocks=[LICENCE], amount=1, reason=f"复杂{n}")
        actions.record_fine_payment(by=org.zhang, case=case, amount="10.00", paid_at=timezone.now(), channel="bank",
                                    reference=f"G{n}")
    assert queries() == empty == 8  # session, user, staff, case, suspensions, extensions, payments, the menu's reminders
