"""One policy for every piece of text a person types, on the pages and through the API.

Pure Python, no Django import. Two kinds of text:

- ``TEXT`` (free, multi-line: 基本案情, 询问笔录 answers, reasons): CR LF and a lone CR become LF
  (browsers send CR LF from a textarea, and the ledger must keep one form of a line break); the
  other C0 control characters except tab and line feed, DEL and the C1 controls are refused: they
  are invisible, NUL cannot be stored on PostgreSQL, and ESC can drive a terminal that prints them.
- ``NAME`` (one line: names, identifiers, numbers, file names, addresses — every single-line
  field): no control character at all, and no bidirectional override or isolate
  (U+202A–U+202E, U+2066–U+2069) nor zero-width character (U+200B–U+200D, U+2060, U+FEFF), which
  make one name display as another ("invoice\u202Efdp.exe" shows as "invoiceexe.pdf").

Text that is not valid Unicode (a lone surrogate, which JSON can carry as ``"\\ud800"``) is
refused in both. Nothing else is changed: no trimming, no Unicode normalisation — what is kept is
what was typed, so the ledger and the row hold the same characters.

``clean(value, label, kind)`` returns the normalised text or raises ``TextError`` whose message
names the field; ``problem`` only says what is wrong (for callers building their own errors).
"""

from __future__ import annotations

import re

TEXT, NAME = "text", "name"

_NEWLINES = re.compile(r"\r\n?")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # C0 but TAB and LF, DEL, C1
_LINE_BREAK = re.compile(r"[\t\n]")
_DISGUISE = re.compile(r"[\u202a-\u202e\u2066-\u2069\u200b-\u200d\u2060\ufeff]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")

_CONTROL_NAMES = {"\x00": "NUL", "\x1b": "ESC", "\x7f": "DEL", "\x08": "退格"}


class TextError(ValueError):
    """The message is Chinese and names the field."""


def _describe(ch: str) -> str:
    return f"U+{ord(ch):04X}" + (f"（{_CONTROL_NAMES[ch]}）" if ch in _CONTROL_NAMES else "")


def normalise(value: str) -> str:
    """Line breaks as LF; nothing else changes."""
    return _NEWLINES.sub("\n", value) if "\r" in value else value


def problem(value: str, kind: str = TEXT) -> str | None:
    """What is wrong with already normalised ``value`` under ``kind``, in Chinese, or None."""
    if _SURROGATE.search(value):
        return "含有无效的字符（不成对的代理项），请重新输入"
    if m := _CONTROL.search(value):
        return f"含有不可见的控制字符 {_describe(m.group())}，请删除后重新输入"
    if kind == NAME:
        if _LINE_BREAK.search(value):
            return "不能换行或含制表符，请写在一行内"
        if m := _DISGUISE.search(value):
            return (f"含有改变文字显示方向或不占位的隐藏字符 {_describe(m.group())}，"
                    "它会使名称显示得与实际不同，请删除后重新输入")
    return None


def clean(value: str, label: str, kind: str = TEXT) -> str:
    """``value`` normalised (line breaks as LF), or TextError “<label><what is wrong>”."""
    if not isinstance(value, str):
        raise TextError(f"{label}应为文字")
    value = normalise(value)
    if (p := problem(value, kind)) is not None:
        raise TextError(f"{label}{p}")
    return value
