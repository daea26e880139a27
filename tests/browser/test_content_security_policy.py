"""The Content-Security-Policy in Chromium: the main pages, as each persona uses them, run with no
inline script or style refused — so the policy can stay strict — and their scripts (htmx, the
chart, the signature pad, the uploader, the player) still work under it. Chromium reports each
refusal as a ``securitypolicyviolation`` event and on the console; both are collected."""

import pytest
from playwright.sync_api import Page, expect

from lawtrail.media import actions as media
from lawtrail.records import actions, catalogue
from lawtrail.records.examples import sample_values
from tests.factories import Org
from tests.media.samples import CREATION_UTC, write_video

from .conftest import save_screenshot


@pytest.fixture
def violations(page: Page) -> list[str]:
    """Every CSP refusal on any page this test's browser opens, in the order they happened."""
    seen: list[str] = []
    page.expose_function("lawtrailCspViolation", lambda text: seen.append(text))
    # Playwright's own init script is not subject to the page's policy; the listener is in place
    # before the page's first element is parsed.
    page.add_init_script("""document.addEventListener("securitypolicyviolation", e =>
        window.lawtrailCspViolation(`${e.violatedDirective} ${e.blockedURI || "inline"} on ${location.pathname}`
                                    + ` (${e.sourceFile || ""}:${e.lineNumber})`));""")
    page.on("console", lambda m: "Content Security Policy" in m.text and seen.append(f"console: {m.text}"))
    return seen


def settle(page: Page) -> None:
    """Let the page's scripts and htmx requests finish, so a late refusal is still counted."""
    page.wait_for_load_state("networkidle")


def test_the_watch_sees_an_injected_inline_script_and_style_refused(page, live_server, violations):
    page.goto(live_server.url + "/login/")
    page.evaluate("""() => {
        const s = document.createElement("script");
        s.textContent = "window.injected = true";
        document.body.append(s);
        document.body.insertAdjacentHTML("beforeend", '<p id="styled" style="color: rgb(1, 2, 3)">x</p>');
    }""")
    settle(page)
    assert page.evaluate("window.injected") is None  # the inline script did not run
    assert page.locator("#styled").evaluate("p => getComputedStyle(p).color") != "rgb(1, 2, 3)"
    assert any(v.startswith("script-src-elem inline") for v in violations), violations
    assert any(v.startswith("style-src-attr inline") for v in violations), violations


def test_an_officer_s_pages_run_their_scripts_with_nothing_refused(page, live_server, log_in, violations,
                                                                   media_in_tmp, tmp_path):
    org = Org.build()
    case = org.case()
    kind = catalogue.get("interview_record")
    draft = actions.create_draft(by=org.zhang, case=case, kind=kind.code, values=sample_values(kind))
    signed = actions.create_draft(by=org.zhang, case=case, kind=kind.code, values=sample_values(kind))
    actions.finalise(by=org.zhang, document=signed)
    clip = write_video(tmp_path / "执法记录仪_0002.mp4", metadata={"creation_time": CREATION_UTC})
    av = media.ingest_file(by=org.zhang, source=clip, case=case, facts={"source": "body_camera"})

    log_in(org.zhang)  # the login page, then 我的工作
    expect(page.get_by_role("link", name=case.number)).to_be_visible()
    settle(page)

    page.goto(f"{live_server.url}/cases/")
    expect(page.locator("table.cases")).to_contain_text(case.number)
    with page.expect_response(lambda r: "/cases/?" in r.url and r.request.headers.get("hx-request") == "true"):
        search = page.locator("input[name=q]")
        search.fill(case.number)
        search.press("End")  # htmx filters the rows on keyup
    expect(page.locator("table.cases")).to_contain_text(case.number)

    page.goto(f"{live_server.url}/cases/{case.pk}/")
    expect(page.locator("#case-media")).to_contain_text(av.filename)  # both sections fetched by htmx
    expect(page.locator("#case-rules")).not_to_contain_text("查看本案规则检查结果")
    settle(page)
    save_screenshot(page, "10-csp-case-page.png")

    page.goto(f"{live_server.url}/cases/{case.pk}/documents/{draft.pk}/")  # the document's form
    expect(page.get_by_role("button", name="保存草稿")).to_be_visible()
    settle(page)

    page.goto(f"{live_server.url}/cases/{case.pk}/documents/{signed.pk}/")
    page.locator("#id_method").select_option("handwriting")
    pad = page.get_by_label("手写签名区")
    expect(pad).to_be_visible()
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    page.mouse.move(box["x"] + 40, box["y"] + 100)
    page.mouse.down()
    page.mouse.move(box["x"] + 300, box["y"] + 60, steps=10)
    page.mouse.up()
    expect(page.get_by_text("已书写，提交时作为签名图像")).to_be_visible()

    page.goto(f"{live_server.url}/cases/{case.pk}/media/upload/")
    another = write_video(tmp_path / "执法记录仪_0003.mp4", seconds=1, metadata={"creation_time": CREATION_UTC})
    page.locator("#id_files").set_input_files(str(another))
    page.locator("#id_source").select_option(label="执法记录仪")
    page.get_by_role("button", name="开始上传").click()  # sent by uploader.js in chunks
    expect(page.locator("#upload-list li").first).to_contain_text("已完成，已记入账本", timeout=60_000)
    settle(page)

    page.goto(f"{live_server.url}/cases/{case.pk}/media/{av.pk}/")
    # a function: Playwright polls a bare expression through eval, which the page's CSP refuses
    page.wait_for_function("() => document.querySelector('video').readyState >= 1")
    settle(page)

    assert violations == []


def test_the_unit_head_s_chart_the_audit_log_and_the_admin_have_nothing_refused(page, live_server, log_in,
                                                                                  violations):
    org = Org.build()
    org.case()
    log_in(org.head_a)  # 我的工作 with the chart of open cases (ECharts)
    chart = page.locator("#stage-chart canvas")
    expect(chart).to_be_visible()
    assert page.locator("#stage-chart").bounding_box()["height"] == 280  # its height from the stylesheet
    box = chart.bounding_box()
    for x in (0.3, 0.5, 0.7):  # over the bars: the tooltip shows
        page.mouse.move(box["x"] + box["width"] * x, box["y"] + box["height"] * 0.8)
        page.wait_for_timeout(200)
    settle(page)
    save_screenshot(page, "11-csp-chart.png")

    page.context.clear_cookies()
    log_in(org.auditor)
    page.goto(f"{live_server.url}/audit/")
    expect(page.locator("main table").first).to_be_visible()
    settle(page)

    page.context.clear_cookies()
    log_in(org.admin)
    page.goto(f"{live_server.url}/admin/")
    expect(page.locator("#content")).to_be_visible()
    for path in ("access/staff/", f"access/staff/{org.zhang.pk}/change/", "access/unit/", "auth/user/"):
        response = page.goto(f"{live_server.url}/admin/{path}")
        assert response.status == 200, path
        settle(page)

    assert violations == []


def test_a_pdf_opens_in_the_browser_s_own_viewer_without_the_page_policy(page, live_server, log_in):
    # Chromium shows an inline PDF through an <embed> that the PDF response's own object-src 'none'
    # would block (the tab stays blank); pages keep the policy.
    org = Org.build()
    case = org.case()
    kind = catalogue.get("interview_record")
    doc = actions.create_draft(by=org.zhang, case=case, kind=kind.code, values=sample_values(kind))
    log_in(org.zhang)
    pdf = page.request.get(f"{live_server.url}/cases/{case.pk}/documents/{doc.pk}/preview/")
    assert pdf.headers["content-type"] == "application/pdf" and pdf.body().startswith(b"%PDF")
    assert "content-security-policy" not in pdf.headers and pdf.headers["x-frame-options"] == "DENY"
    html = page.request.get(f"{live_server.url}/cases/{case.pk}/documents/{doc.pk}/")
    assert "object-src 'none'" in html.headers["content-security-policy"]
