"""Write the DOCX print template, templates/records/print/document.docx, with python-docx.

    python -m lawtrail.records.render.make_docx_template [OUTPUT]

Run once when the layout changes and commit the result; ``render.docx`` fills it with docxtpl
from the same context as the PDF (render/context.py). Every Jinja tag is written as a single run,
as docxtpl needs. The output is byte-for-byte reproducible (fixed core properties and zip times).

Layout: A4, GB/T 9704 margins (top 37mm, bottom 35mm, left 28mm, right 26mm); bureau and title
centred in 宋体 bold (Word and WPS have it; the PDF uses Noto Serif CJK SC); the 文号 under the
title; one table row per field; the signatures table; recorded refusals; the page footer with the
ledger entry and 第 X 页 共 Y 页 (PAGE and NUMPAGES fields).
"""

from __future__ import annotations

import io
import sys
import zipfile
from datetime import datetime, timezone
from pathlib import Path

OUTPUT = Path(__file__).resolve().parent.parent / "templates" / "records" / "print" / "document.docx"
FONT = "宋体"
LATIN = "Times New Roman"
FIXED_TIME = datetime(2026, 1, 1, tzinfo=timezone.utc)


def _font(run_or_style, size=None, bold=None, east_asia=FONT):
    from docx.oxml.ns import qn
    from docx.shared import Pt

    font = run_or_style.font
    font.name = LATIN
    if size:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    rpr = run_or_style.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, rfonts)
    rfonts.set(qn("w:eastAsia"), east_asia)


def _para(container, text="", align=None, size=None, bold=None, space_after=None):
    from docx.shared import Pt

    p = container.add_paragraph()
    if align is not None:
        p.alignment = align
    if space_after is not None:
        p.paragraph_format.space_after = Pt(space_after)
    if text:
        _font(p.add_run(text), size=size, bold=bold)
    return p


def _field(paragraph, instr: str, placeholder: str):
    """A simple field (PAGE, NUMPAGES) that Word and WPS update when the page is laid out."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), f" {instr} ")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = placeholder
    run.append(text)
    fld.append(run)
    paragraph._p.append(fld)


def _cell(cell, text, bold=None, size=10.5, align=None):
    p = cell.paragraphs[0]
    if align is not None:
        p.alignment = align
    _font(p.add_run(text), size=size, bold=bold)


def build() -> bytes:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    doc = Document()
    normal = doc.styles["Normal"]
    _font(normal, size=12)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.3

    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(18)
    body_width = Mm(210 - 28 - 26)

    centre, right = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT
    _para(doc, "{{ bureau }}", centre, 18, True)
    _para(doc, "{{ title }}", centre, 22, True, space_after=6)
    _para(doc, "{%p if numbered %}")
    _para(doc, "{{ number }}", centre)
    _para(doc, "案号：{{ case_number }}", right, 10.5, space_after=6)
    _para(doc, "{%p else %}")
    _para(doc, "案号：{{ number }}", right, space_after=6)
    _para(doc, "{%p endif %}")
    _para(doc, "{%p if corrected %}")
    _para(doc, "本件为第 {{ version }} 版（更正），更正理由：{{ correction_reason }}。此前各版本及其签名在账本中留存。",
          size=10.5, space_after=6)
    _para(doc, "{%p endif %}")

    # One row per field: the {%tr %} rows are removed by docxtpl, the middle row repeats.
    fields = doc.add_table(rows=3, cols=2)
    fields.style = "Table Grid"
    fields.alignment = WD_TABLE_ALIGNMENT.CENTER
    label_width = Mm(38)
    for row in fields.rows:
        row.cells[0].width, row.cells[1].width = label_width, body_width - label_width
    _cell(fields.cell(0, 0), "{%tr for f in fields %}")
    _cell(fields.cell(1, 0), "{{ f.label }}", align=centre)
    _cell(fields.cell(1, 1), "{{ f.text }}", size=12)
    _cell(fields.cell(2, 0), "{%tr endfor %}")

    _para(doc, "{%p if signatures or pending %}")
    _para(doc, "签名", size=12, bold=True, space_after=3).paragraph_format.space_before = Pt(12)
    sigs = doc.add_table(rows=7, cols=4)
    sigs.style = "Table Grid"
    sigs.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths = (Mm(34), Mm(30), Mm(42), body_width - Mm(106))
    for row in sigs.rows:
        for c, w in zip(row.cells, widths):
            c.width = w
    for c, text in zip(sigs.rows[0].cells, ("身份", "姓名", "签名", "时间")):
        _cell(c, text, bold=True, align=centre)
    _cell(sigs.cell(1, 0), "{%tr for s in signatures %}")
    for c, text in zip(sigs.rows[2].cells, ("{{ s.role_label }}", "{{ s.name }}", "{{ s.mark }}", "{{ s.signed_at }}")):
        _cell(c, text, align=centre if text == "{{ s.mark }}" else None)
    _cell(sigs.cell(3, 0), "{%tr endfor %}")
    _cell(sigs.cell(4, 0), "{%tr for role in pending %}")
    for c, text in zip(sigs.rows[5].cells, ("{{ role }}", "", "", "　　年　　月　　日")):
        if text:
            _cell(c, text)
    _cell(sigs.cell(6, 0), "{%tr endfor %}")
    _para(doc, "{%p endif %}")

    _para(doc, "{%p if refusals %}")
    _para(doc, "拒签记录", size=12, bold=True, space_after=3).paragraph_format.space_before = Pt(12)
    _para(doc, "{%p for r in refusals %}")
    _para(doc, "{{ r.role_label }} {{ r.name }} 拒绝签名。拒签情况：{{ r.reason }}"
               "{% if r.witnesses %}；见证人：{{ r.witnesses_text }}{% endif %}"
               "{% if r.av_record %}；音像记录：{{ r.av_record }}{% endif %}。"
               "记录人：{{ r.recorded_by }}，{{ r.recorded_at }}。", size=12)
    _para(doc, "{%p endfor %}")
    _para(doc, "{%p endif %}")

    _para(doc, "{% if draft %}草稿预览：未定稿，不作为执法文书使用。{% else %}"
               "第 {{ version }} 版　定稿：{{ finalised_by }}　{{ finalised_at }}{% endif %}",
          right, 9).paragraph_format.space_before = Pt(12)

    footer = section.footer
    footer.is_linked_to_previous = False
    first = footer.paragraphs[0]
    _font(first.add_run("{{ footer }}"), size=8)
    pages = footer.add_paragraph()
    pages.alignment = right
    _font(pages.add_run("第 "), size=10.5)
    _field(pages, "PAGE", "1")
    _font(pages.add_run(" 页 共 "), size=10.5)
    _field(pages, "NUMPAGES", "1")
    _font(pages.add_run(" 页"), size=10.5)

    props = doc.core_properties
    props.author = props.last_modified_by = "lawtrail"
    props.title = "行政执法文书打印模板"
    props.created = props.modified = FIXED_TIME.replace(tzinfo=None)
    props.revision = 1

    raw = io.BytesIO()
    doc.save(raw)
    return _reproducible(raw.getvalue())


def _reproducible(data: bytes) -> bytes:
    """The same bytes on every run: members in a fixed order with a fixed time."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    target = Path(argv[0]) if argv else OUTPUT
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(build())
    print(f"已写入 {target}")


if __name__ == "__main__":
    main()
