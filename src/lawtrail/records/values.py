"""Checking and normalising a document's field values against its kind (catalogue.py).

Pure Python, no Django import. ``clean(kind, values, final=...)`` returns the values in their
canonical form (what is hashed and kept) or raises ``FieldErrors`` with a Chinese message per
field. Drafts may be incomplete (``final=False``); finalising requires every required field.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from lawtrail import text

from .catalogue import DocumentKind, Field

MAX_TEXT, MAX_LONGTEXT, MAX_ITEMS = 500, 20000, 500
SHA256 = re.compile(r"[0-9a-f]{64}")


class FieldErrors(ValueError):
    def __init__(self, errors: dict[str, str]):
        super().__init__("；".join(f"{k}：{v}" for k, v in errors.items()))
        self.errors = errors


def _empty(v: Any) -> bool:
    return v is None or v == "" or v == [] or v == {}


def _text(f: Field, v: Any, limit: int, kind: str = text.TEXT) -> str:
    """Typed text under the one text policy (lawtrail/text.py): line breaks kept as LF (a browser
    sends CR LF), control characters refused; ``text.NAME`` for names, numbers and file names."""
    if not isinstance(v, str):
        raise ValueError("应为文字")
    v = text.normalise(v).strip()
    if len(v) > limit:
        raise ValueError(f"过长（最多 {limit} 字）")
    if (p := text.problem(v, kind)) is not None:
        raise ValueError(p)
    return v


def _name(f: Field, v: Any, limit: int) -> str:
    return _text(f, v, limit, text.NAME)


def _date(f: Field, v: Any) -> str:
    try:
        return date.fromisoformat(str(v)).isoformat()
    except ValueError:
        raise ValueError("日期格式应为 YYYY-MM-DD") from None


def _datetime(f: Field, v: Any) -> str:
    try:
        t = datetime.fromisoformat(str(v))
    except ValueError:
        raise ValueError("时间格式应为 YYYY-MM-DDTHH:MM（带时区）") from None
    if t.tzinfo is None:
        raise ValueError("时间缺少时区")
    return t.isoformat(timespec="minutes")


def _money(f: Field, v: Any) -> str:
    if isinstance(v, float):
        raise ValueError("金额请以文字形式填写（如 \"1250.00\"），避免浮点误差")
    try:
        d = Decimal(str(v).strip().replace(",", ""))
    except InvalidOperation:
        raise ValueError("金额应为数字（元）") from None
    if not d.is_finite() or d < 0:
        raise ValueError("金额不能为负数")
    if d != d.quantize(Decimal("0.01")):
        raise ValueError("金额最多精确到分（两位小数）")
    if d > Decimal("100000000000"):
        raise ValueError("金额过大")
    return f"{d.quantize(Decimal('0.01')):f}"


def _integer(f: Field, v: Any) -> int:
    if isinstance(v, bool) or not re.fullmatch(r"-?\d{1,12}", str(v).strip()):
        raise ValueError("应为整数")
    return int(str(v).strip())


def _bool(f: Field, v: Any) -> bool:
    if isinstance(v, bool):
        return v
    raise ValueError("应为 是/否")


def _choice(f: Field, v: Any) -> str:
    codes = [c for c, _ in f.choices]
    if v not in codes:
        raise ValueError("请从选项中选择：" + "、".join(label for _, label in f.choices))
    return v


def _citation(f: Field, v: Any) -> list[dict]:
    """One or more legal bases: [{"law": "《中华人民共和国行政处罚法》", "article": "第五十一条"}]."""
    items = v if isinstance(v, list) else [v]
    out = []
    for item in items:
        if isinstance(item, str):
            item = {"law": item, "article": ""}
        if not isinstance(item, dict) or not str(item.get("law", "")).strip():
            raise ValueError("每条法律依据须写明法律、法规或规章名称")
        out.append({"law": _name(f, item["law"], 200), "article": _name(f, item.get("article", ""), 200)})
    return out


def _person(f: Field, v: Any) -> dict:
    if not isinstance(v, dict) or not str(v.get("name", "")).strip():
        raise ValueError("须写明姓名")
    return {k: _name(f, str(v.get(k, "")), 200) for k in ("name", "role", "contact")}


def _officers(f: Field, v: Any) -> list[dict]:
    """执法人员: number, names, certificate numbers and whether shown (000 第十一条)."""
    if not isinstance(v, list) or len(v) < 2:
        raise ValueError("至少两名执法人员（姓名、执法证号、是否出示证件）")
    out = []
    for o in v:
        if not isinstance(o, dict) or not str(o.get("name", "")).strip() or not str(o.get("certificate_no", "")).strip():
            raise ValueError("每名执法人员须写明姓名和执法证号")
        if not isinstance(o.get("shown"), bool):
            raise ValueError("须记录是否向当事人出示执法证件")
        out.append({"name": _name(f, o["name"], 50), "certificate_no": _name(f, o["certificate_no"], 40),
                    "shown": o["shown"]})
    return out


def _party(f: Field, v: Any) -> dict:
    if not isinstance(v, dict) or not str(v.get("name", "")).strip():
        raise ValueError("须写明当事人姓名或名称")
    keys = ("name", "kind", "identifier", "address", "contact", "representative")
    return {k: _name(f, str(v.get(k, "") or ""), 200) for k in keys} | ({"id": int(v["id"])} if v.get("id") else {})


def _items(f: Field, v: Any) -> list[dict]:
    if not isinstance(v, list) or len(v) > MAX_ITEMS:
        raise ValueError(f"物品清单应为列表（最多 {MAX_ITEMS} 项）")
    out = []
    for it in v:
        if not isinstance(it, dict) or not str(it.get("name", "")).strip():
            raise ValueError("每项物品须写明名称")
        out.append({k: _name(f, str(it.get(k, "") or ""), 200) for k in ("name", "spec", "quantity", "unit", "note")})
    return out


def _file(f: Field, v: Any) -> dict:
    if not isinstance(v, dict) or not SHA256.fullmatch(str(v.get("sha256", ""))):
        raise ValueError("附件须以其 SHA-256 引用已保存的文件")
    return {"sha256": v["sha256"], "name": _name(f, str(v.get("name", "")), 200)}


CLEANERS = {
    "text": lambda f, v: _text(f, v, MAX_TEXT), "longtext": lambda f, v: _text(f, v, MAX_LONGTEXT),
    "date": _date, "datetime": _datetime, "money": _money, "integer": _integer, "bool": _bool,
    "choice": _choice, "citation": _citation, "officers": _officers, "party": _party, "person": _person,
    "items": _items, "file": _file,
}


def clean(kind: DocumentKind, values: dict, *, final: bool) -> dict:
    if not isinstance(values, dict):
        raise FieldErrors({"__all__": "文书内容应为字段到值的映射"})
    known = {f.name: f for f in kind.fields}
    errors: dict[str, str] = {}
    for name in values:
        if name not in known:
            errors[name] = f"“{kind.title}”没有这个栏目"
    out: dict[str, Any] = {}
    for f in kind.fields:
        v = values.get(f.name)
        if _empty(v) or (isinstance(v, str) and not v.strip()):
            if final and f.required:
                errors[f.name] = f"{f.label}为必填项" + (f"（{f.cite}）" if f.cite else "")
            continue
        try:
            out[f.name] = CLEANERS[f.type](f, v)
        except ValueError as e:
            errors[f.name] = f"{f.label}：{e}"
    if errors:
        raise FieldErrors(errors)
    return out
