"""A finalised version as DOCX, for bureaus that keep editing in Word or WPS: docxtpl fills
templates/records/print/document.docx (written by make_docx_template.py) with the same context
as the PDF. Handwriting and seal images go in as inline pictures; values are XML-escaped
(autoescape) and their line breaks kept.
"""

from __future__ import annotations

import io
import logging
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..models import Version

TEMPLATE = Path(__file__).resolve().parent.parent / "templates" / "records" / "print" / "document.docx"
SIGNATURE_HEIGHT_MM = 10

log = logging.getLogger(__name__)


def _picture(tpl, sig: dict):
    """The signature's image as an inline picture, or None when there is none or it cannot be
    read as PNG or JPEG (the method's name is shown instead)."""
    if not sig.get("image_data"):
        return None
    from docx.image.image import Image
    from docx.shared import Mm
    from docxtpl import InlineImage

    try:
        Image.from_blob(sig["image_data"])
    except Exception:  # noqa: BLE001 — any unreadable image falls back to text
        log.warning("签名图像无法读取，以签名方式代替：%s", sig.get("name"))
        return None
    return InlineImage(tpl, io.BytesIO(sig["image_data"]), height=Mm(SIGNATURE_HEIGHT_MM))


def docx(version: Version) -> bytes:
    from .context import context  # models: imported once Django is set up

    return _render(context(version))


def draft_docx(document) -> bytes:
    """The draft as it would print, marked as a preview, for those who review drafts in Word/WPS."""
    from .context import draft_context

    return _render(draft_context(document))


def _render(ctx: dict) -> bytes:
    from docxtpl import DocxTemplate

    tpl = DocxTemplate(str(TEMPLATE))
    for sig in ctx["signatures"]:
        sig["mark"] = _picture(tpl, sig) or sig["method_label"]
    tpl.render(ctx, autoescape=True)
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()
