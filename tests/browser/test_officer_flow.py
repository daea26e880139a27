"""An officer's day in a real browser: log in, register a complaint, start a case from it, see the
case's stages and its ledger entries; and what other people and wrong input are refused."""

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import Page, expect

from lawtrail.cases.models import Case, Complaint, Party
from tests.factories import Org, credit_code

from .conftest import save_screenshot

STAGE_LABELS = {"initiation": "程序启动", "investigation": "调查取证", "decision": "审查决定",
                "service": "送达执行", "archiving": "归档管理"}


def an_hour_ago_in_shanghai() -> str:
    """A datetime-local value; times in the future are refused, so take one that is safely past."""
    return timezone.localtime(timezone.now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")


def fill_case_form(page: Page, org: Org, party_credit_code: str) -> None:
    page.locator("#id_procedure").select_option("penalty_general")
    page.get_by_label("案由", exact=True).fill("未经许可擅自从事营业性演出")
    page.get_by_label("基本案情", exact=True).fill("群众举报该公司在星海广场无证组织营业性演出，经现场初步核实属实。")
    for officer in (org.zhang, org.li):
        page.locator(f'#field-handlers input[type=checkbox][value="{officer.pk}"]').check()
    page.locator("#id_party_kind").select_option(label="法人")
    page.get_by_label("当事人姓名/名称", exact=True).fill("大连星海文化传媒有限公司")
    page.get_by_label("统一社会信用代码（法人、其他组织）", exact=True).fill(party_credit_code)


def test_an_officer_registers_a_complaint_starts_a_case_from_it_and_sees_it_on_the_timeline(page, live_server, log_in):
    org = Org.build()
    log_in(org.zhang, screenshot="01-login.png")
    expect(page.get_by_role("heading", name="我的工作")).to_be_visible()
    save_screenshot(page, "02-my-work.png")

    # 投诉举报 → 登记投诉举报
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="投诉举报", exact=True).click()
    expect(page.get_by_role("heading", name="投诉举报登记簿")).to_be_visible()
    page.get_by_role("button", name="登记投诉举报").click()  # an <a role="button">
    expect(page.get_by_role("heading", name="登记投诉举报")).to_be_visible()
    page.get_by_label("收到时间", exact=True).fill(an_hour_ago_in_shanghai())
    page.get_by_label("渠道", exact=True).select_option(label="12345热线")
    page.get_by_label("投诉举报人", exact=True).fill("王女士")
    page.get_by_label("被投诉举报对象", exact=True).fill("大连星海文化传媒有限公司")
    page.get_by_label("投诉举报内容", exact=True).fill("星海广场每晚有商业演出，售票入场，疑似未取得营业性演出许可。")
    save_screenshot(page, "03-complaint-new.png")
    page.get_by_role("button", name="登记").click()

    expect(page).to_have_url(re.compile(r"/complaints/\d+/$"))
    complaint_url = page.url
    expect(page.get_by_role("heading", level=1)).to_contain_text("待处理")
    page.get_by_role("button", name="据此启动执法程序").click()  # an <a role="button">

    expect(page.get_by_role("heading", name="新建案件")).to_be_visible()
    expect(page.locator("#id_source")).to_have_value("complaint")
    fill_case_form(page, org, credit_code())
    save_screenshot(page, "04-case-new.png")
    page.get_by_role("button", name="保存并启动").click()

    expect(page).to_have_url(re.compile(r"/cases/\d+/$"))
    year = timezone.localdate().year
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(rf"^金普文旅罚〔{year}〕1号$"))
    for code, label in STAGE_LABELS.items():
        expect(page.locator(f"#stage-{code} h3")).to_have_text(label)
    expect(page.locator("table.timeline tbody")).to_contain_text("启动执法程序")
    expect(page.get_by_role("link", name=re.compile(r"投诉举报 #\d+"))).to_be_visible()
    save_screenshot(page, "05-case-page.png")

    case = Case.objects.get()
    assert case.complaint is not None and case.source == "complaint"
    assert set(case.handlers.values_list("pk", flat=True)) == {org.zhang.pk, org.li.pk}

    page.goto(complaint_url)
    expect(page.get_by_role("heading", level=1)).to_contain_text("已启动执法程序")
    expect(page.get_by_role("link", name=case.number)).to_be_visible()
    assert Complaint.objects.get().status == "case_started"

    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="案件", exact=True).click()
    expect(page.locator("table.cases")).to_contain_text(case.number)
    save_screenshot(page, "06-case-list.png")


def test_an_officer_of_another_unit_is_refused_the_case(page, live_server, log_in):
    org = Org.build()
    case = org.case()  # opened by 张伟 in 执法一中队, handled by 张伟 and 李娜
    log_in(org.liu)  # 刘洋, 执法二中队, not a handler

    response = page.goto(f"{live_server.url}/cases/{case.pk}/")
    assert response.status == 404
    expect(page.locator("body")).not_to_contain_text(case.number)

    response = page.goto(f"{live_server.url}/cases/")
    assert response.status == 200
    expect(page.get_by_role("heading", name="案件", exact=True)).to_be_visible()
    expect(page.locator("table.cases")).not_to_contain_text(case.number)
    expect(page.locator("body")).not_to_contain_text(case.number)


def test_a_wrong_credit_code_is_shown_next_to_its_field_and_nothing_is_saved(page, live_server, log_in):
    org = Org.build()
    log_in(org.zhang)
    page.goto(f"{live_server.url}/cases/new/")
    good = credit_code()
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    fill_case_form(page, org, wrong)
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/cases/new/")) as posted:
        page.get_by_role("button", name="保存并启动").click()
    assert posted.value.status == 400

    error = page.locator("#field-party_credit_code .error")
    expect(error).to_contain_text("统一社会信用代码校验码错误")
    expect(error).to_contain_text(f"应为{good[17]}")
    expect(page.locator("#field-party_credit_code")).to_have_class(re.compile(r"\bhas-error\b"))
    expect(page.get_by_label("统一社会信用代码（法人、其他组织）", exact=True)).to_have_value(wrong)
    assert not Case.objects.exists()
    assert not Party.objects.exists()
