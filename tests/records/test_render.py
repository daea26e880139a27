"""Printing a finalised version: the PDF in the official A4 layout (fonts embedded, 文号, fields,
signatures, page numbers and the ledger footer on every page) and the DOCX for Word and WPS.

The PDFs are read back with poppler (pdffonts, pdftotext, pdfimages), as a reviewer would."""

import importlib
import re
import socket
import subprocess
from decimal import Decimal

import pytest

from lawtrail.records import actions, catalogue, render
from lawtrail.records.render import context as ctx
from lawtrail.records.examples import handwriting_png, sample_values
from tests.factories import Org

SIGNER_STAFF = {"handlers": "zhang", "recorder": "li", "server": "zhang", "unit_head": "head_a", "legal_reviewer": "legal",
                "agency_head": "chief"}
PARTY_SIGNER = "王某"
# The package's ``pdf`` is the function; the module behind it, by its full name.
pdf_module = importlib.import_module("lawtrail.records.render.pdf")


PNG = handwriting_png()


@pytest.fixture
def org(db):
    return Org.build()


@pytest.fixture
def case(org):
    return org.case()


def finalised(org, case, code: str, **values):
    kind = catalogue.get(code)
    doc = actions.create_draft(by=org.zhang, case=case, kind=code,
                               values=sample_values(kind, required_only=False) | values)
    return actions.finalise(by=org.zhang, document=doc)


def sign(org, version, kind) -> list[str]:
    """One officer signature (a handler's when the form has handlers) and, where the party signs,
    the party's handwriting. Returns the names that signed."""
    names = []
    if kind.signers:
        role = "handlers" if "handlers" in kind.signers else kind.signers[0]
        names.append(actions.sign(by=getattr(org, SIGNER_STAFF[role]), version=version, role=role,
                                  method="electronic").name)
    if kind.party_signs:
        names.append(actions.sign(by=org.zhang, version=version, role="party", method="handwriting",
                                  name=PARTY_SIGNER, image=PNG, mime="image/png").name)
    return names


def poppler(*args: str) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=True, timeout=60).stdout


def fonts(path) -> list[dict]:
    """pdffonts rows as {"name", "emb"}; columns are found from the header line."""
    lines = poppler("pdffonts", str(path)).splitlines()
    header = lines[0]
    emb = header.index(" emb ") + 1
    return [{"name": line.split()[0], "emb": line[emb:emb + 3].strip()} for line in lines[2:] if line.strip()]


def text(path) -> str:
    return poppler("pdftotext", "-layout", str(path), "-")


def squeezed(s: str) -> str:
    return re.sub(r"\s+", "", s)


def write(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("code", sorted(catalogue.KINDS))
def test_every_kind_prints_as_an_a4_pdf_with_embedded_fonts_its_fields_signers_and_ledger_footer(
        org, case, tmp_path, code):
    kind = catalogue.get(code)
    v = finalised(org, case, code)
    signers = sign(org, v, kind)
    path = write(tmp_path, f"{code}.pdf", render.pdf(v))

    found = fonts(path)
    assert found and all(f["emb"] == "yes" for f in found), found
    assert any("CJK" in f["name"] for f in found), found

    raw = text(path)
    flat = squeezed(raw)
    number = v.document.number if kind.numbered else case.number
    assert number and squeezed(number) in flat
    assert squeezed(kind.title) in flat
    for f in kind.fields:
        if f.required:
            assert squeezed(f.label) in flat, f"{code}: 栏目“{f.label}”未印出"
    for name in signers:
        assert name in flat
    assert "第 1 页 共" in raw
    assert f"账本条目#{v.ledger_seq}" in flat and v.sha256[:16] in flat

    if kind.party_signs:  # the handwriting is embedded as an image
        images = poppler("pdfimages", "-list", str(path)).splitlines()[2:]
        assert images, "当事人手写签名图像未嵌入"


def test_a_long_interview_runs_over_pages_each_numbered_and_carrying_the_ledger_footer(org, case, tmp_path):
    qa = "\n".join(f"问：第{i}个问题，请说明当日演出的组织、售票和现场管理情况。\n"
                   f"答：当日由我公司组织，售票约{i * 10}张，现场有安保人员六名，演出未取得营业性演出许可证。"
                   for i in range(1, 61))
    v = finalised(org, case, "interview_record", content=qa + "\n（以下无正文）")
    sign(org, v, catalogue.get("interview_record"))
    path = write(tmp_path, "long.pdf", render.pdf(v))
    assert "(A4)" in poppler("pdfinfo", str(path))

    pages = text(path).split("\f")
    pages = [p for p in pages if p.strip()]
    n = len(pages)
    assert n >= 2 and f"共 {n} 页" in pages[0]
    for i, page in enumerate(pages, 1):
        assert f"第 {i} 页 共 {n} 页" in page
        assert f"账本条目#{v.ledger_seq}" in squeezed(page)
    assert "（以下无正文）" in squeezed("".join(pages))  # the content split over pages, none of it lost
    assert v.document.case.number in squeezed(pages[1])    # later pages repeat the 案号 in the header


def test_a_correction_prints_its_version_and_reason_and_a_refusal_its_circumstances_and_witnesses(
        org, case, tmp_path):
    v1 = finalised(org, case, "interview_record")
    actions.start_correction(by=org.zhang, document=v1.document)
    v2 = actions.finalise(by=org.zhang, document=v1.document, reason="被询问人联系方式笔误")
    actions.refuse(by=org.zhang, version=v2, name=PARTY_SIGNER, reason="当事人拒绝在笔录上签字",
                   witnesses=["社区工作人员 赵某"])
    flat = squeezed(text(write(tmp_path, "v2.pdf", render.pdf(v2))))
    assert "第2版（更正）" in flat and "被询问人联系方式笔误" in flat
    assert "拒绝签名" in flat and "当事人拒绝在笔录上签字" in flat and "社区工作人员赵某" in flat
    first = squeezed(text(write(tmp_path, "v1.pdf", render.pdf(v1))))
    assert "第1版" in first and "更正" not in first


def test_field_values_read_as_on_an_official_form(org, case):
    v = finalised(org, case, "penalty_decision", fine="1250.00", issued_on="2026-11-25")
    c = ctx.context(v)
    shown = {f["name"]: f["text"] for f in c["fields"]}
    assert shown["fine"] == "¥1,250.00 元（大写：壹仟贰佰伍拾元整）"
    assert shown["issued_on"] == "2026年11月25日"
    assert shown["legal_basis"] == "《营业性演出管理条例》第四十三条"
    assert shown["review_days"] == "3"
    assert (c["title"], c["number"], c["number_label"]) == ("行政处罚决定书", v.document.number, "文号")
    assert c["footer"] == f"账本条目 #{v.ledger_seq} · SHA-256 {v.sha256[:16]}"

    record = ctx.context(finalised(org, case, "interview_record", started_at="2026-11-25T14:30+08:00"))
    shown = {f["name"]: f["text"] for f in record["fields"]}
    assert shown["started_at"] == "2026年11月25日 14时30分"
    assert "张伟（执法证号 21000000001，已出示证件）" in shown["officers"]
    assert shown["av_recorded"] == "是" and shown["checked_how"] == "被询问人阅读"
    assert (record["number"], record["number_label"]) == (case.number, "案号")


@pytest.mark.parametrize("amount, capitals", [
    ("1250.00", "壹仟贰佰伍拾元整"), ("20000.00", "贰万元整"), ("0.00", "零元整"), ("0.05", "伍分"),
    ("1000.05", "壹仟元零伍分"), ("1004.50", "壹仟零肆元伍角"), ("100010.00", "壹拾万零壹拾元整"),
    ("100000001.00", "壹亿零壹元整"), ("105000.30", "壹拾万伍仟元叁角"), ("30000400.00", "叁仟万零肆佰元整"),
    ("100000000000.00", "壹仟亿元整"), ("12.34", "壹拾贰元叁角肆分"),
])
def test_money_is_written_in_chinese_capitals(amount, capitals):
    assert ctx.money_capitals(Decimal(amount)) == capitals


def test_the_docx_opens_in_python_docx_and_holds_the_title_number_fields_and_signers(org, case, tmp_path):
    from docx import Document

    kind = catalogue.get("penalty_decision")
    v = finalised(org, case, kind.code, fine="1250.00", reasons="第一行理由\n第二行理由，含 <&> 等符号")
    seal = actions.sign(by=org.chief, version=v, role="agency_head", method="seal", image=PNG, mime="image/png")
    path = write(tmp_path, "penalty.docx", render.docx(v))

    d = Document(str(path))
    parts = [p.text for p in d.paragraphs]
    parts += [cell.text for t in d.tables for row in t.rows for cell in row.cells]
    parts += [p.text for s in d.sections for p in s.footer.paragraphs]
    body = "\n".join(parts)
    assert kind.title in body and v.document.number in body and case.number in body
    for f in ctx.context(v)["fields"]:
        assert f["label"] in body
        for line in f["text"].splitlines():
            assert line in body, f["label"]
    assert seal.name in body
    assert f"账本条目 #{v.ledger_seq}" in body
    assert "{{" not in body and "{%" not in body
    assert d.inline_shapes, "the seal image is in the document"


def test_rendering_fetches_nothing_over_the_network(monkeypatch):
    attempts = []

    def no_network(*args, **kwargs):
        attempts.append(args)
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    fetch = pdf_module.fetcher()
    for url in ("http://example.com/seal.png", "https://example.com/x.css", "ftp://example.com/a",
                "file:///etc/passwd"):
        with pytest.raises(pdf_module.RefusedURL):
            fetch(url)
    assert fetch("data:text/plain;base64,5YWs").read() == "公".encode()
    pdf = pdf_module.html_to_pdf('<h1 class="title">测试</h1><img src="https://example.com/seal.png">'
                                 '<link rel="stylesheet" href="http://example.com/a.css">')
    assert pdf.startswith(b"%PDF") and attempts == []


def test_a_draft_previews_as_it_would_print_marked_as_not_final(db, tmp_path):
    org = Org.build()
    case = org.case()
    kind = catalogue.get("penalty_decision")
    doc = actions.create_draft(by=org.zhang, case=case, kind=kind.code, values=sample_values(kind))
    path = tmp_path / "preview.pdf"
    path.write_bytes(render.draft_pdf(doc))
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    squeezed = re.sub(r"\s+", "", text)
    assert "草稿预览" in squeezed and "行政处罚决定书" in squeezed and "定稿时编号" in squeezed
    assert "账本条目" not in squeezed
