"""Identifiers of the parties (当事人) of an enforcement case, checked by their own check digits.

Pure Python, no Django import.

公民身份号码 — GB 11643-1999 《公民身份号码》: 18 characters, 6-digit address code, 8-digit
birth date YYYYMMDD, 3-digit sequence code, 1 check character (ISO 7064 MOD 11-2)::

    S = Σ a_i × W_i  (i = 1..17, left to right),  W_i = 2^(18-i) mod 11
      = 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2
    check = (12 - S mod 11) mod 11, the value 10 written "X"

统一社会信用代码 — GB 32100-2015 《法人和其他组织统一社会信用代码编码规则》: 18 characters
from the 31-character alphabet ``0-9 A-H J-N P-R T U W-Y`` (no I, O, Z, S, V); a character's
value is its index in that alphabet::

    S = Σ C_i × W_i  (i = 1..17),  W_i = 3^(i-1) mod 31
      = 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28
    check = 31 - S mod 31, where 31 means 0; the 18th character is ALPHABET[check]

Only the GB 32100 check character is verified (not the GB 11714 organisation-code check
inside characters 9-17). Both checks detect every single-character substitution and every
swap of two adjacent different characters.
"""

from __future__ import annotations

from datetime import date

__all__ = [
    "IdentifierError",
    "check_credit_code",
    "check_resident_id",
    "credit_code_check_char",
    "resident_id_check_char",
]

DIGITS = "0123456789"  # ASCII only: str.isdigit() also accepts "１", "٣", "²"…
RESIDENT_ID_WEIGHTS = tuple(pow(2, 18 - i, 11) for i in range(1, 18))
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = tuple(pow(3, i - 1, 31) for i in range(1, 18))
_VALUE = {c: v for v, c in enumerate(CREDIT_CODE_ALPHABET)}
_ASCII_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")


class IdentifierError(ValueError):
    """A party identifier is malformed; str(e) is a message for the person who typed it."""


def _is_digits(s: str) -> bool:
    return all(c in DIGITS for c in s)


def _shown(c: str) -> str:  # one offending character, quoted, or its code point if invisible
    return f"“{c}”" if c.isprintable() and not c.isspace() else f"U+{ord(c):04X}"


def resident_id_check_char(first17: str) -> str:
    """The GB 11643 check character ("0"-"9" or "X") for 17 ASCII digits."""
    if len(first17) != 17 or not _is_digits(first17):
        raise IdentifierError("身份证号码前17位应为数字")
    s = sum(int(c) * w for c, w in zip(first17, RESIDENT_ID_WEIGHTS))
    return "0123456789X"[(12 - s % 11) % 11]


def check_resident_id(value: str) -> str:
    """Return the 18-character 公民身份号码 (upper-case X), or raise IdentifierError."""
    v = value.strip()
    if len(v) != 18:
        raise IdentifierError("身份证号码应为18位")
    if v[17] == "x":
        v = v[:17] + "X"
    if not _is_digits(v[:17]):
        raise IdentifierError("身份证号码前17位应为数字")
    if v[17] not in DIGITS + "X":
        raise IdentifierError("身份证号码第18位应为数字或X")
    try:  # digits 7-14: YYYYMMDD
        born = date(int(v[6:10]), int(v[10:12]), int(v[12:14]))
    except ValueError:
        born = None
    if born is None or born.year < 1900:
        raise IdentifierError("身份证号码中的出生日期无效")
    expected = resident_id_check_char(v[:17])
    if v[17] != expected:
        raise IdentifierError(f"身份证号码校验码错误（应为{expected}）")
    return v


def credit_code_check_char(first17: str) -> str:
    """The GB 32100 check character for 17 characters of the credit-code alphabet."""
    if len(first17) != 17 or any(c not in _VALUE for c in first17):
        raise IdentifierError("统一社会信用代码前17位含有不允许的字符")
    s = sum(_VALUE[c] * w for c, w in zip(first17, CREDIT_CODE_WEIGHTS))
    return CREDIT_CODE_ALPHABET[(31 - s % 31) % 31]


def check_credit_code(value: str) -> str:
    """Return the 18-character 统一社会信用代码 in upper case, or raise IdentifierError."""
    v = value.strip().translate(_ASCII_UPPER)  # ASCII only: "ß".upper() is "SS"
    if len(v) != 18:
        raise IdentifierError("统一社会信用代码应为18位")
    for c in v:
        if c not in _VALUE:
            raise IdentifierError(f"统一社会信用代码含有不允许的字符{_shown(c)}")
    expected = credit_code_check_char(v[:17])
    if v[17] != expected:
        raise IdentifierError(f"统一社会信用代码校验码错误（应为{expected}）")
    return v
