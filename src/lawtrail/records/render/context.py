"""What a printed document shows, shared by the PDF and the DOCX: ``context(version)``.

Every value is turned into the text a reader expects on an official Chinese form (dates
2026年11月25日, money ¥1,250.00 元（大写：壹仟贰佰伍拾元整）, officers with their 执法证号, …), in
the catalogue's field order. The result is plain data (str, int, list, dict), so each renderer
can add what it needs (data: URIs for the PDF, inline images for the DOCX).
"""

from __future__ import annotations

import base64
import json
import re
from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone

from .. import catalogue
from ..actions import required_signers
from ..models import Signature, SignatureImage, Version

# A label wider than this (in em: CJK characters 1, ASCII ½) does not go in the label column
# beside its value: a long value gets a full-width heading row above it ("stacked"), a short one
# a full-width row "label：value" ("inline"). Short labels keep the label column narrow.
SHORT_LABEL_EM = 9
INLINE_VALUE_CHARS = 24

ROLE_LABELS = {code: re.sub(r"（.*）$", "", label) for code, label in catalogue.SIGNERS.items()} | {"party": "当事人"}
ITEM_COLUMNS = (("name", "名称"), ("spec", "规格"), ("quantity", "数量"), ("unit", "单位"), ("note", "备注"))

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = ("", "拾", "佰", "仟")
_GROUP_UNITS = ("", "万", "亿", "万亿")


# --- values -------------------------------------------------------------------------------------

def date_text(value: str | date) -> str:
    d = value if isinstance(value, date) else date.fromisoformat(str(value))
    return f"{d.year}年{d.month}月{d.day}日"


def datetime_text(value: str | datetime) -> str:
    t = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if timezone.is_aware(t):
        t = timezone.localtime(t)
    return f"{t.year}年{t.month}月{t.day}日 {t.hour:02d}时{t.minute:02d}分"


def _group_capitals(n: int) -> str:
    """0 < n < 10000 in capitals, inner zeros as one 零, no trailing zeros."""
    out, zero = "", False
    for pos in range(3, -1, -1):
        d = n // 10**pos % 10
        if d == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        out += _DIGITS[d] + _SMALL_UNITS[pos]
    return out


def money_capitals(value: str | Decimal) -> str:
    """An amount in yuan as written on vouchers: 1250.00 → 壹仟贰佰伍拾元整, 1000.05 → 壹仟元零伍分."""
    amount = Decimal(str(value)).quantize(Decimal("0.01"))
    if amount < 0:
        raise ValueError("金额不能为负数")
    fen_total = int(amount * 100)
    yuan, jiao, fen = fen_total // 100, fen_total // 10 % 10, fen_total % 10
    groups = []
    while yuan:
        groups.append(yuan % 10000)
        yuan //= 10000
    if len(groups) > len(_GROUP_UNITS):
        raise ValueError("金额过大")
    out, gap = "", False
    for i in range(len(groups) - 1, -1, -1):
        g = groups[i]
        if g == 0:
            gap = bool(out)
            continue
        if out and (gap or g < 1000):
            out += "零"
        out += _group_capitals(g) + _GROUP_UNITS[i]
        gap = False
    if out:
        out += "元"
    if not jiao and not fen:
        return (out or "零元") + "整"
    if jiao:
        out += _DIGITS[jiao] + "角"
    if fen:
        out += ("零" if out and not jiao else "") + _DIGITS[fen] + "分"
    return out


def money_text(value: str) -> str:
    amount = Decimal(str(value))
    return f"¥{amount:,.2f} 元（大写：{money_capitals(amount)}）"


def citation_text(value: list[dict]) -> str:
    parts = []
    for c in value:
        law = c.get("law", "").strip()
        if law and not law.startswith("《"):
            law = f"《{law}》"
        parts.append(law + c.get("article", "").strip())
    return "；".join(parts)


def officer_text(o: dict) -> str:
    shown = "已出示证件" if o.get("shown") else "未出示证件"
    return f"{o.get('name', '')}（执法证号 {o.get('certificate_no', '')}，{shown}）"


def party_text(p: dict) -> str:
    kind = p.get("kind", "")
    head = p.get("name", "") + (f"（{kind}）" if kind else "")
    id_label = "公民身份号码" if kind == "自然人" else ("统一社会信用代码" if kind else "证件号码")
    rep_label = "法定代表人" if kind == "法人" else ("负责人" if kind == "其他组织" else "代理人")
    parts = [head]
    for key, label in (("identifier", id_label), ("address", "住所"), ("contact", "联系方式"),
                       ("representative", rep_label)):
        if p.get(key):
            parts.append(f"{label}：{p[key]}")
    return "；".join(parts)


def person_text(p: dict) -> str:
    extra = "，".join(x for x in (p.get("role", ""), f"联系方式 {p['contact']}" if p.get("contact") else "") if x)
    return p.get("name", "") + (f"（{extra}）" if extra else "")


def items_text(items: list[dict]) -> str:
    lines = []
    for i, it in enumerate(items, 1):
        spec = f"（{it['spec']}）" if it.get("spec") else ""
        qty = f" {it.get('quantity', '')}{it.get('unit', '')}" if it.get("quantity") or it.get("unit") else ""
        note = f"，{it['note']}" if it.get("note") else ""
        lines.append(f"{i}. {it.get('name', '')}{spec}{qty}{note}")
    return "\n".join(lines)


def file_text(v: dict) -> str:
    return f"{v.get('name') or '附件'}（SHA-256 {v.get('sha256', '')[:16]}…）"


def display(field: catalogue.Field, value) -> str:
    """The text of one field's canonical value (values.clean's shapes)."""
    t = field.type
    if t == "date":
        return date_text(value)
    if t == "datetime":
        return datetime_text(value)
    if t == "money":
        return money_text(value)
    if t == "integer":
        return str(value)
    if t == "bool":
        return "是" if value else "否"
    if t == "choice":
        return dict(field.choices).get(value, str(value))
    if t == "citation":
        return citation_text(value)
    if t == "officers":
        return f"共 {len(value)} 名：\n" + "\n".join(officer_text(o) for o in value)
    if t == "party":
        return party_text(value)
    if t == "person":
        return person_text(value)
    if t == "items":
        return items_text(value)
    if t == "file":
        return file_text(value)
    return str(value)


def em_width(label: str) -> float:
    return sum(0.5 if ord(c) < 0x2E80 else 1.0 for c in label)


def label_width_mm(rows: list[dict], size_pt: float = 10.5) -> str:
    """Width of the label column: its longest label on one line, plus the cell padding. The PDF's
    table has a fixed layout: measuring long CJK values for an automatic layout costs WeasyPrint a
    line-break trial per character."""
    ems = [em_width(f["label"]) for f in rows if f["layout"] == "side"]
    return f"{max(ems, default=4) * size_pt * 25.4 / 72 + 5:.1f}"


def _empty(v) -> bool:
    return v is None or v == "" or v == [] or v == {}


def fields(kind: catalogue.DocumentKind, values: dict) -> list[dict]:
    """Each field as label and display text, in catalogue order; optional fields left empty are
    left out, required ones always shown."""
    out = []
    for f in kind.fields:
        v = values.get(f.name)
        if _empty(v) and not f.required:
            continue
        rows = []
        if f.type == "items" and not _empty(v):
            rows = [{"n": i, **{key: it.get(key, "") for key, _ in ITEM_COLUMNS}} for i, it in enumerate(v, 1)]
        text = "" if _empty(v) else display(f, v)
        long = bool(rows) or f.type == "longtext" or "\n" in text or len(text) > INLINE_VALUE_CHARS
        out.append({
            "name": f.name, "label": f.label, "type": f.type, "required": f.required,
            "text": text, "rows": rows, "long": long,
            "layout": "side" if em_width(f.label) <= SHORT_LABEL_EM else ("stacked" if long else "inline"),
        })
    return out


# --- signatures ---------------------------------------------------------------------------------

def data_uri(mime: str, data: bytes) -> str:
    return f"data:{mime};base64,{base64.b64encode(bytes(data)).decode('ascii')}"


def signatures(version: Version, kind: catalogue.DocumentKind) -> tuple[list[dict], list[dict], list[str]]:
    sigs = list(version.signatures.order_by("signed_at", "id"))
    wanted = {s.image_sha256 for s in sigs if s.image_sha256}
    images = {i.sha256: i for i in SignatureImage.objects.filter(sha256__in=wanted)} if wanted else {}
    methods = dict(Signature.METHODS)
    out = []
    for s in sigs:
        img = images.get(s.image_sha256)
        out.append({
            "role": s.role, "role_label": ROLE_LABELS.get(s.role, s.role), "name": s.name,
            "method": s.method, "method_label": methods.get(s.method, s.method),
            "signed_at": datetime_text(s.signed_at),
            "image_mime": img.mime if img else "", "image_data": bytes(img.data) if img else b"",
            "image_uri": data_uri(img.mime, img.data) if img else "",
        })
    refusals = []
    for r in version.refusals.select_related("recorded_by").order_by("recorded_at", "id"):
        try:
            witnesses = [str(w) for w in json.loads(r.witnesses or "[]")]
        except ValueError:
            witnesses = [r.witnesses]
        refusals.append({
            "role": r.role, "role_label": ROLE_LABELS.get(r.role, r.role), "name": r.name, "reason": r.reason,
            "witnesses": witnesses, "witnesses_text": "、".join(witnesses), "av_record": r.av_record,
            "recorded_by": r.recorded_by.name, "recorded_at": datetime_text(r.recorded_at),
        })
    # Roles the form needs that have neither a signature nor a refusal: a line to sign on paper.
    signed: dict[str, int] = {}
    for s in sigs:
        signed[s.role] = signed.get(s.role, 0) + 1
    refused = {r["role"] for r in refusals}
    pending = []
    for role in required_signers(kind):
        need = 2 if role == "handlers" else 1
        if role not in refused:
            pending += [ROLE_LABELS.get(role, role)] * max(0, need - signed.get(role, 0))
    return out, refusals, pending


# --- the whole document -------------------------------------------------------------------------

def context(version: Version) -> dict:
    version = (Version.objects.select_related("document", "document__case", "document__case__bureau", "finalised_by")
               .get(pk=version.pk))
    doc, case = version.document, version.document.case
    kind = catalogue.get(doc.kind)
    numbered = bool(kind.numbered and doc.number)
    sigs, refusals, pending = signatures(version, kind)
    rows = fields(kind, version.values)
    sha_short = version.sha256[:16]
    return {
        "bureau": case.bureau.name,
        "bureau_abbr": case.bureau.abbr,
        "kind": kind.code,
        "title": kind.title,
        "numbered": numbered,
        "number": doc.number if numbered else case.number,
        "number_label": "文号" if numbered else "案号",
        "case_number": case.number,
        "case_title": case.title,
        "fields": rows,
        "label_width_mm": label_width_mm(rows),
        "signatures": sigs,
        "refusals": refusals,
        "pending": pending,
        "version": version.version,
        "corrected": version.version > 1,
        "correction_reason": version.correction_reason,
        "finalised_by": version.finalised_by.name,
        "finalised_at": datetime_text(version.finalised_at),
        "ledger_seq": version.ledger_seq,
        "sha256": version.sha256,
        "sha256_short": sha_short,
        "sm3": version.sm3,
        "footer": f"账本条目 #{version.ledger_seq} · SHA-256 {sha_short}",
    }


def draft_context(doc) -> dict:
    """A draft shown as it would print: its current values, no signatures, a footer that says it
    is not a finalised document (no 文号 yet, no ledger entry)."""
    case, kind = doc.case, catalogue.get(doc.kind)
    rows = fields(kind, doc.draft_values)
    pending = []
    for role in required_signers(kind):
        pending += [ROLE_LABELS.get(role, role)] * (2 if role == "handlers" else 1)
    return {
        "bureau": case.bureau.name, "bureau_abbr": case.bureau.abbr, "kind": kind.code, "title": kind.title,
        "numbered": kind.numbered, "number": "（定稿时编号）" if kind.numbered else case.number,
        "number_label": "文号" if kind.numbered else "案号", "case_number": case.number, "case_title": case.title,
        "fields": rows, "label_width_mm": label_width_mm(rows), "signatures": [], "refusals": [],
        "pending": pending, "version": 0, "corrected": False, "correction_reason": "", "draft": True,
        "footer": "草稿预览 · 未定稿，不作为执法文书使用",
    }
