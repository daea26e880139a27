"""Canonical JSON: the exact bytes that the ledger hashes and signs.

Pure Python, no Django import. The encoding (documented in docs/ledger.md) is the JSON
Canonicalization Scheme, RFC 8785 (JCS), applied to the JSON values that the rules below make of
Python values — so any JCS implementation in any language re-creates an entry's bytes exactly:

- UTF-8, no byte-order mark; no insignificant whitespace (separators ``,`` and ``:``); object keys
  sorted by their UTF-16 code units (RFC 8785 §3.2.3: not by code point — the two orders differ
  when a key holds a character above U+FFFF, e.g. ``𠮷``, against one in U+E000–U+FFFF).
- strings as ECMAScript's JSON.stringify writes them (RFC 8785 §3.2.2.2): non-ASCII characters as
  themselves; ``"`` and ``\\`` escaped; ``\\b \\f \\n \\r \\t`` for those five controls, every other
  character below U+0020 as ``\\u00xx`` (lower-case hex). Lone surrogates (text that is not valid
  Unicode) are refused.
- ``null``, ``true``, ``false``; integers in [-(2**53 - 1), 2**53 - 1] as decimal digits — the
  integers an IEEE 754 double, JCS's number, holds exactly (§3.2.2.3); larger ones are refused
  (write them as strings). Floating-point numbers are refused: they cannot carry money or
  measurements exactly; use ``decimal.Decimal`` or an integer.
- ``Decimal`` → a JSON string in plain notation (``"1250.00"``; never an exponent).
- aware ``datetime`` → a JSON string in UTC, RFC 3339 with microseconds: ``"2026-11-22T07:41:02.123456Z"``;
  naive datetimes are refused (their meaning depends on the server's zone).
- ``date`` → ``"2026-11-22"``; ``UUID`` → its canonical hyphenated lower-case string.
- ``bytes`` → ``{"$base64": "<RFC 4648 base64 with padding>"}``. Keys beginning with ``$`` are
  reserved for such tags and refused in caller data.
- lists and tuples → arrays; dict keys must be strings; nesting at most 32 levels.

``normalise`` returns dicts whose keys are already in JCS order, so ``dumps`` writes them as they
come (Python's ``sort_keys`` sorts by code point, which is not JCS).
"""

from __future__ import annotations

import base64
import json
import uuid
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any

MAX_DEPTH = 32
INT_MAX = (1 << 53) - 1  # RFC 8785 §3.2.2.3 / I-JSON (RFC 7493 §2.2): exact in an IEEE 754 double
INT_MIN = -INT_MAX


class EncodingError(ValueError):
    """The value cannot be written to the ledger; the message says why, in Chinese."""


def format_time(t: datetime) -> str:
    if t.tzinfo is None or t.utcoffset() is None:
        raise EncodingError("时间缺少时区（naive datetime），无法确定其含义")
    u = t.astimezone(timezone.utc)
    return (f"{u.year:04d}-{u.month:02d}-{u.day:02d}T{u.hour:02d}:{u.minute:02d}:{u.second:02d}"
            f".{u.microsecond:06d}Z")


class _Locate(Exception):
    """Raised by the fast walk on bad input: walk again, tracking where, for the message."""


def _fail(where: str | None, text: str):
    if where is None:
        raise _Locate
    raise EncodingError(where + text)


def _check_text(s: str, where: str | None) -> str:
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        _fail(where, " 含有无效的 UTF-8 字符（孤立代理项）")
    return s


def normalise(value: Any, where: str = "payload") -> Any:
    """Turn ``value`` into plain JSON types under the rules above, or raise EncodingError.

    The first walk keeps no location (formatting one per value costs more than the walk); only
    when something is refused does a second walk find where, for the message.
    """
    try:
        return _walk(value, None, 0)
    except _Locate:
        _walk(value, where, 0)
        raise AssertionError("the located walk must fail where the fast one did") from None


def _walk(value: Any, where: str | None, depth: int) -> Any:
    if depth > MAX_DEPTH:
        _fail(where, f" 嵌套超过 {MAX_DEPTH} 层")
    t = type(value)
    if t is str:  # fast paths for the common exact types; subclasses take the general route
        return _check_text(value, where)
    if t is int and INT_MIN <= value <= INT_MAX:
        return value
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        if not INT_MIN <= value <= INT_MAX:
            _fail(where, " 的整数超出 ±(2⁵³−1) 的范围（RFC 8785 只能精确表示这些整数），请改用字符串记录")
        return int(value)
    if isinstance(value, str):
        return _check_text(value, where)
    if isinstance(value, float):
        _fail(where, f" 含有浮点数 {value!r}：浮点数不能精确表示，请使用 Decimal 或整数")
    if isinstance(value, Decimal):
        if not value.is_finite():
            _fail(where, " 的 Decimal 不是有限数")
        return format(value, "f")
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            _fail(where, " 的时间缺少时区（naive datetime），无法确定其含义")
        return format_time(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"$base64": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, (list, tuple)):
        return [_walk(v, None if where is None else f"{where}[{i}]", depth + 1) for i, v in enumerate(value)]
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if type(k) is not str and not isinstance(k, str):
                _fail(where, f" 的键 {k!r} 不是字符串")
            if k.startswith("$"):
                _fail(where, f" 的键 {k!r} 以 $ 开头：该前缀保留给类型标记")
            out[str(k)] = _walk(v, None if where is None else f"{where}.{k}", depth + 1)
        keys = list(out)
        joined = "".join(keys)  # one pass over all the keys, for both checks below
        _check_text(joined, where)
        ordered = jcs_order(keys, joined)
        return out if ordered == keys else {k: out[k] for k in ordered}
    _fail(where, f" 含有无法写入账本的类型 {type(value).__name__}")


def jcs_order(keys, joined: str | None = None) -> list[str]:
    """``keys`` sorted by UTF-16 code units (RFC 8785 §3.2.3); ``joined``: the keys concatenated,
    when the caller has it.

    Code-point order (Python's) is the same unless a key holds a character above U+FFFF: only
    then is each key compared as UTF-16, big-endian bytes comparing as code units do.
    """
    out = sorted(keys)
    if joined is None:
        joined = "".join(out)
    if not joined.isascii() and max(joined) > "\uffff":
        out.sort(key=_utf16)
    return out


def _utf16(k: str) -> bytes:
    return k.encode("utf-16-be", "surrogatepass")


def dumps(normalised: Any) -> str:
    """Canonical text of a value that ``normalise`` returned (or that was parsed from canonical
    text): its dicts are already in JCS key order, which ``sort_keys`` would undo."""
    return json.dumps(normalised, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def encode(value: Any) -> bytes:
    """Canonical UTF-8 bytes of ``value``."""
    return dumps(normalise(value)).encode("utf-8")
