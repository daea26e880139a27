"""A party signs an interview record by hand on the officer's tablet: the strokes written on the
page's canvas arrive as a PNG, are checked like any signature image, and print on the document."""

import io

from PIL import Image
from playwright.sync_api import expect

from lawtrail.records import actions, catalogue
from lawtrail.records.examples import sample_values
from lawtrail.records.models import Signature, SignatureImage
from tests.factories import Org

from .conftest import ARTIFACTS, save_screenshot


def test_the_party_writes_a_signature_on_the_tablet_and_it_is_kept_as_an_image(page, live_server, log_in):
    org = Org.build()
    case = org.case()
    kind = catalogue.get("interview_record")
    doc = actions.create_draft(by=org.zhang, case=case, kind=kind.code, values=sample_values(kind))
    version = actions.finalise(by=org.zhang, document=doc)
    log_in(org.zhang)
    page.goto(f"{live_server.url}/cases/{case.pk}/documents/{doc.pk}/")

    page.locator("#id_role").select_option("party")
    page.locator("#id_method").select_option("handwriting")
    page.get_by_label("签名人姓名（当事人、见证人）").fill("王某")
    pad = page.get_by_label("手写签名区")
    expect(pad).to_be_visible()
    pad.scroll_into_view_if_needed()  # the mouse works in viewport coordinates
    box = pad.bounding_box()
    # a stroke like a hand's: down, several moves, up (pointer events from the mouse, as from a pen)
    page.mouse.move(box["x"] + 30, box["y"] + 120)
    page.mouse.down()
    for i in range(1, 30):
        page.mouse.move(box["x"] + 30 + i * 12, box["y"] + 120 - (i % 7) * 10, steps=2)
    page.mouse.up()
    expect(page.get_by_text("已书写，提交时作为签名图像")).to_be_visible()
    save_screenshot(page, "07-signature-pad.png")  # a full-page shot resizes the window: the strokes stay
    expect(page.get_by_text("已书写，提交时作为签名图像")).to_be_visible()
    page.get_by_role("button", name="签名", exact=True).click()
    expect(page.get_by_text("已签名。")).to_be_visible()

    sig = Signature.objects.get(version=version, role="party")
    assert (sig.name, sig.method) == ("王某", "handwriting") and sig.image_sha256
    data = bytes(SignatureImage.objects.get(sha256=sig.image_sha256).data)
    (ARTIFACTS / "07-signature-received.png").write_bytes(data)
    with Image.open(io.BytesIO(data)) as img:
        assert img.format == "PNG"
        alpha = img.convert("RGBA").getchannel("A")
        assert img.width * img.height - alpha.histogram()[0] > 200  # the stroke, not an empty canvas
        x0, y0, x1, y1 = alpha.getbbox()
        assert x1 - x0 > 300 and y1 - y0 > 50  # as wide and as high as it was written


def test_the_pad_hides_for_electronic_signatures(page, live_server, log_in):
    org = Org.build()
    case = org.case()
    kind = catalogue.get("interview_record")
    doc = actions.create_draft(by=org.zhang, case=case, kind=kind.code, values=sample_values(kind))
    actions.finalise(by=org.zhang, document=doc)
    log_in(org.zhang)
    page.goto(f"{live_server.url}/cases/{case.pk}/documents/{doc.pk}/")
    expect(page.get_by_label("手写签名区")).to_be_visible()
    page.locator("#id_method").select_option("electronic")
    expect(page.get_by_label("手写签名区")).to_be_hidden()
