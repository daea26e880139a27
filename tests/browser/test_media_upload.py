"""音像记录 in a real browser: an officer uploads a body-camera clip from the upload page (in
chunks, one of which is lost on the way and resent from where the server stands), sees it in the
case page's section and plays it from the record's page."""

import re

from playwright.sync_api import expect

from lawtrail.ledger.models import Entry
from lawtrail.media.models import AvRecord
from tests.factories import Org
from tests.media.samples import CREATION_UTC, LOCATION, write_video

from .conftest import save_screenshot


def test_an_officer_uploads_a_clip_sees_it_on_the_case_and_plays_it(page, live_server, log_in, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.LAWTRAIL_MEDIA_STORE = "filesystem"
    org = Org.build()
    case = org.case()
    clip = write_video(tmp_path / "执法记录仪_0001.mp4", metadata={"creation_time": CREATION_UTC, "location": LOCATION})
    chunk = 16 * 1024
    assert clip.stat().st_size > 3 * chunk
    page.add_init_script(f"window.lawtrailUploadChunk = {chunk};")  # several chunks for a small clip

    puts, lost = [], []

    def drop_the_second_chunk(route):
        puts.append(route.request.url)
        if len(puts) == 2:
            lost.append(route.request.url)
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route(re.compile(r"/media/uploads/[0-9a-f-]+/\?offset=\d+$"), drop_the_second_chunk)

    log_in(org.zhang)
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    section = page.locator("#case-media")
    expect(section).to_contain_text("尚无音像记录")  # fetched by htmx
    section.get_by_role("button", name="上传音像记录…").click()  # an <a role="button">

    expect(page.get_by_role("heading", name="上传音像记录")).to_be_visible()
    page.locator("#id_files").set_input_files(str(clip))
    page.locator("#id_source").select_option(label="执法记录仪")
    page.locator("#id_place").fill("星海广场东门")
    page.get_by_role("button", name="开始上传").click()

    item = page.locator("#upload-list li").first
    expect(item).to_contain_text("已完成，已记入账本", timeout=60_000)
    expect(item).to_have_attribute("data-percent", "100")
    expect(item).to_contain_text("（100%）")
    assert page.locator("#upload-list li progress").first.evaluate("p => p.value") == 100
    assert lost and len(puts) > 3, (lost, puts)  # the lost chunk was sent again
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('lawtrail.upload:')).length") == 0
    save_screenshot(page, "08-media-upload.png")

    av = AvRecord.objects.get()
    assert av.filename == clip.name and av.blob.size == clip.stat().st_size and av.place == "星海广场东门"

    page.goto(f"{live_server.url}/cases/{case.pk}/")
    expect(section).to_contain_text(clip.name)
    expect(section).to_contain_text("逾期上传")  # recorded 2024-05-01
    expect(section.locator("img")).to_have_js_property("complete", True)
    section.get_by_role("link", name=clip.name, exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(clip.name)
    # a function: Playwright polls a bare expression through eval, which the page's CSP refuses
    page.wait_for_function("() => document.querySelector('video').readyState >= 1")
    assert page.evaluate("document.querySelector('video').readyState") >= 1
    assert page.evaluate("document.querySelector('video').duration") > 1.5
    expect(page.get_by_text(av.blob.sha256)).to_be_visible()
    save_screenshot(page, "09-media-record.png")
    assert [e for e in Entry.objects.all() if e.action == "media.viewed"], "the playback is in the ledger"
