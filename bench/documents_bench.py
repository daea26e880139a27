"""Document printing benchmark: milliseconds per PDF (and DOCX), each beside a baseline measured in
the same run.

1. On a fresh SQLite data directory (bench/out/documents): one bureau, a team, two officers, the
   unit head, the legal reviewer and the agency head through lawtrail.access.actions; a party and
   a case through lawtrail.cases.actions.
2. A typical 行政处罚决定书 (penalty_decision) with realistic texts that fill two A4 pages,
   finalised and sealed by the agency head, rendered N times: ``render.pdf`` (context from the
   database, Django template, WeasyPrint layout, font subsetting, PDF) and ``render.docx``.
3. Every kind in the catalogue once, filled with plausible values for each field type and
   signed like the tests do.
4. Baseline, in the same process with the same fonts: WeasyPrint rendering a minimal one-page
   HTML (bureau, title, 文号, one paragraph, the same stylesheet) — the fixed cost of any PDF with
   the Noto CJK fonts embedded. Goals: the two-page decision within 3x of it; all kinds on
   average within 2x.

    python -c "from bench import documents_bench; documents_bench.run()"
"""

from __future__ import annotations

import re
import statistics
import subprocess
import time
import zlib
from datetime import date, timedelta

from .common import django_on, fresh_dir, row, say

PASSWORD = "bench-password-2026"

FACTS = ("经查，当事人大连星海文化传媒有限公司于2026年10月18日至10月20日期间，在大连金普新区星海广场"
         "露天舞台组织“金秋音乐节”营业性演出三场，每场售票约一千二百张，票价八十元至二百八十元不等，"
         "演出收入共计人民币四十一万六千元。经核实，当事人在组织上述演出前未向文化和旅游主管部门提出申请，"
         "未取得营业性演出许可证，亦未办理演出场所安全、消防等相关备案。演出期间现场观众最多时约三千人，"
         "存在较大安全隐患。")
EVIDENCE = "\n".join([
    "1. 当事人营业执照复印件、法定代表人身份证明，证明当事人的主体资格；",
    "2. 2026年10月20日现场检查笔录及现场照片二十四张，证明演出现场情况；",
    "3. 对当事人法定代表人的询问笔录二份，证明演出的组织、售票及收入情况；",
    "4. 票务平台出具的售票明细及收款凭证，证明演出收入共计四十一万六千元；",
    "5. 文化和旅游主管部门出具的许可查询结果，证明当事人未取得营业性演出许可证。",
])
REASONS = ("当事人未取得营业性演出许可证擅自从事营业性演出活动，违反了《营业性演出管理条例》第六条第一款"
           "及第十三条的规定，事实清楚，证据确凿。当事人在陈述、申辩中提出系首次组织演出、对法规不熟悉，本机关经复核认为，"
           "上述理由不构成不予处罚的法定情形，但可在裁量时予以考虑。")
FACTORS = ("当事人系初次违法，在调查过程中能够如实陈述违法事实，主动提供售票记录，配合调查；演出期间未发生"
           "安全事故，社会危害后果较轻。依据《大连市文化市场行政处罚自由裁量权基准》，属于一般违法情形，"
           "在法定幅度内从轻处罚。")
PENALTY = "1. 没收违法所得人民币四十一万六千元；\n2. 处违法所得五倍罚款，计人民币二百零八万元。"
PERFORMANCE = ("当事人应自收到本决定书之日起十五日内，持本决定书到指定银行缴纳罚没款。到期不缴纳罚款的，"
               "每日按罚款数额的百分之三加处罚款。当事人确有经济困难需要延期或者分期缴纳罚款的，可以向本机关"
               "提出书面申请。")


def _png(width: int = 180, height: int = 54) -> bytes:
    import math
    import struct

    raw = bytearray()
    for y in range(height):
        raw.append(0)
        for x in range(width):
            raw.append(0 if abs(y - height // 2 - round(height / 4 * math.sin(x / 14))) <= 1 else 255)

    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(bytes(raw))) + chunk(b"IEND", b""))


def _sample(field, today: date):
    """A plausible value of the field's type (as the tests' samples, kept here so that the
    benchmark does not import the test suite)."""
    from django.utils import timezone

    t = field.type
    if t == "choice":
        return field.choices[0][0]
    return {
        "text": "示例内容",
        "longtext": "经查，当事人于2026年11月在星海广场组织营业性演出，未取得营业性演出许可证。",
        "date": today.isoformat(),
        "datetime": timezone.localtime().isoformat(timespec="minutes"),
        "money": "20000.00",
        "integer": 3,
        "bool": True,
        "citation": [{"law": "《营业性演出管理条例》", "article": "第四十三条"}],
        "officers": None,  # prefilled from the case's handlers
        "party": None,     # prefilled from the case's party
        "person": {"name": "王某", "role": "证人", "contact": "13800000000"},
        "items": [{"name": "盗版光盘", "spec": "DVD", "quantity": "120", "unit": "张"}],
        "file": {"sha256": "a" * 64, "name": "鉴定意见书.pdf"},
    }[t]


def _org():
    from django.utils import timezone

    from lawtrail.access import actions as access
    from lawtrail.cases import actions as cases
    from lawtrail.cases.identifiers import credit_code_check_char

    b = access.create_bureau(by=None, code="wenlv", name="大连金普新区文化旅游局", abbr="金普文旅", profile="000")
    team = access.create_unit(by=None, bureau=b, name="文化市场综合行政执法队一中队", kind="team")
    today = timezone.localdate()

    def staff(user, name, role, unit=None, cert=""):
        return access.create_staff(
            by=None, username=user, password=PASSWORD, name=name, bureau=b, role=role, unit=unit,
            certificate_no=cert, certificate_valid_from=today - timedelta(days=300) if cert else None,
            certificate_valid_until=today + timedelta(days=300) if cert else None)

    people = {
        "zhang": staff("wl.zhang", "张伟", "officer", team, "21000000001"),
        "li": staff("wl.li", "李娜", "officer", team, "21000000002"),
        "head": staff("wl.head", "赵强", "unit_head", team, "21000000003"),
        "legal": staff("wl.legal", "吴法", "legal_reviewer"),
        "chief": staff("wl.chief", "郑明", "agency_head"),
    }
    code = "91210213MA0000001"
    party = cases.register_party(by=people["zhang"], kind="legal_person", name="大连星海文化传媒有限公司",
                                 credit_code=code + credit_code_check_char(code), address="大连市金普新区星海路1号",
                                 contact="0411-80000000", representative="孙某")
    case = cases.open_case(by=people["zhang"], procedure="penalty_general", source="ex_officio",
                           title="未经许可擅自从事营业性演出", summary="监督检查发现当事人无证组织营业性演出。",
                           handlers=[people["zhang"], people["li"]], parties=[party])
    return people, case


def _make(people, case, code: str, values: dict):
    from lawtrail.records import actions

    doc = actions.create_draft(by=people["zhang"], case=case, kind=code, values=values)
    return actions.finalise(by=people["zhang"], document=doc)


def _sign(people, version, kind, png: bytes) -> None:
    from lawtrail.records import actions

    who = {"handlers": "zhang", "recorder": "li", "unit_head": "head", "legal_reviewer": "legal", "agency_head": "chief"}
    for role in kind.signers:
        method = "seal" if role == "agency_head" else "electronic"
        actions.sign(by=people[who[role]], version=version, role=role, method=method,
                     image=png if method == "seal" else None, mime="image/png" if method == "seal" else "")
    if kind.party_signs:
        actions.sign(by=people["zhang"], version=version, role="party", method="handwriting", name="孙某",
                     image=png, mime="image/png")


def _pages(pdf: bytes) -> int:
    """Page count by poppler's pdfinfo (WeasyPrint writes the page tree in compressed object streams)."""
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True, timeout=60).stdout
    return int(re.search(rb"^Pages:\s+(\d+)", info, re.M).group(1))


def _per_doc_ms(fn, n: int) -> tuple[float, float]:
    """Median and mean milliseconds of n calls (after one warm-up call)."""
    fn()
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), statistics.fmean(times)


def run(n: int = 20) -> None:
    d = fresh_dir("documents")
    django_on(d / "var")
    from django.utils import timezone

    from lawtrail.records import catalogue, render
    from lawtrail.records.render.pdf import html_to_pdf

    say("1/4 机关、人员、案件 …")
    people, case = _org()
    png = _png()
    today = timezone.localdate()

    say(f"2/4 行政处罚决定书（两页）× {n} …")
    kind = catalogue.get("penalty_decision")
    values = {f.name: _sample(f, today) for f in kind.fields if _sample(f, today) is not None}
    values |= {"facts": FACTS, "evidence": EVIDENCE, "reasons": REASONS, "factors": FACTORS, "penalty": PENALTY,
               "fine": "2080000.00", "confiscated_income": "416000.00", "performance": PERFORMANCE,
               "legal_basis": [{"law": "《营业性演出管理条例》", "article": "第四十三条第一款"},
                               {"law": "《中华人民共和国行政处罚法》", "article": "第二十八条"}],
               "review_body": "大连金普新区管理委员会", "review_days": 60,
               "court": "大连市金州区人民法院", "litigation_months": 6}
    decision = _make(people, case, kind.code, values)
    _sign(people, decision, kind, png)
    pages = _pages(render.pdf(decision))
    pdf_med, pdf_mean = _per_doc_ms(lambda: render.pdf(decision), n)
    docx_med, docx_mean = _per_doc_ms(lambda: render.docx(decision), n)

    say("3/4 全部文书种类各一份 …")
    versions = []
    for k in catalogue.KINDS.values():
        vals = {f.name: _sample(f, today) for f in k.fields if _sample(f, today) is not None}
        v = _make(people, case, k.code, vals)
        _sign(people, v, k, png)
        versions.append((k, v))
    all_times, all_pages = [], 0
    for k, v in versions:
        t0 = time.perf_counter()
        data = render.pdf(v)
        all_times.append((time.perf_counter() - t0) * 1000)
        all_pages += _pages(data)
    t0 = time.perf_counter()
    for _, v in versions:
        render.docx(v)
    all_docx = (time.perf_counter() - t0) * 1000 / len(versions)

    say("4/4 基线：同字体的最简单页 PDF …")
    minimal = ('<header class="head"><div class="bureau">大连金普新区文化旅游局</div>'
               '<h1 class="title">行政处罚决定书</h1><div class="docno">金普文旅罚决〔2026〕1号</div></header>'
               f"<p>{FACTS}</p>")
    assert _pages(html_to_pdf(minimal)) == 1
    base_med, base_mean = _per_doc_ms(lambda: html_to_pdf(minimal), n)

    all_mean = statistics.fmean(all_times)
    slowest = max(zip(all_times, (k.code for k, _ in versions)))
    base_name = "WeasyPrint 1-page minimal, same fonts"
    lines = [
        row(f"1. 处罚决定书 PDF（{pages} 页）中位数", pdf_med, "毫秒/份", base_med, base_name, "<= 3x 基线",
            pdf_med <= 3 * base_med) + f"  倍数 {pdf_med / base_med:.1f}x  均值 {pdf_mean:,.0f} 毫秒",
        row("2. 处罚决定书 DOCX 中位数", docx_med, "毫秒/份", base_med, base_name, "(参考)", True)
        + f"  均值 {docx_mean:,.0f} 毫秒",
        row(f"3. 全部 {len(versions)} 种文书 PDF 平均", all_mean, "毫秒/份", base_mean, base_name + " (mean)",
            "<= 2x 基线", all_mean <= 2 * base_mean)
        + f"  共 {sum(all_times) / 1000:.1f} 秒、{all_pages} 页；最慢 {slowest[1]} {slowest[0]:,.0f} 毫秒",
        row(f"4. 全部 {len(versions)} 种文书 DOCX 平均", all_docx, "毫秒/份", base_mean, base_name + " (mean)",
            "(参考)", True),
    ]
    print("\n文书打印基准（同一次运行中与基线对比）")
    for line in lines:
        print(line)
