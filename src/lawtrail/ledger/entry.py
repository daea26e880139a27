"""What one ledger entry is, as bytes. Pure Python, no Django import.

An entry's bytes are the canonical JSON (see canonical.py) of::

    {"action": "cases.case_filed", "actor": "user:17", "bureau": 3, "payload": {...},
     "prev": "<hex SHA-256 of the previous entry's bytes; 64 zeros for entry 0>",
     "seq": 41, "subject": "case:2026-0012", "time": "2026-11-22T07:41:02.123456Z", "v": 2}

- ``bureau``: the id of the bureau the entry belongs to (its auditor reads it), or null for an
  entry of the installation as a whole (a calendar year, a bureau's creation, a system job). It is
  inside the hashed body, so an entry cannot be moved to another bureau's view unnoticed;
- ``v``: 2 since entries carry ``bureau`` and are RFC 8785 bytes (1 had neither).

- entry hash = SHA-256(bytes), and the next entry's ``prev`` — the hash chain;
- SM3 digest = SM3(bytes) (GB/T 32905), kept beside the SHA-256 for national-standard checks;
- Merkle leaf hash = SHA-256(0x00 || bytes) (RFC 9162 §2.1.1); the leaf index is ``seq``.

Because keys are sorted, the body always reads ``{"action":…,"actor":…,"bureau":…,"payload":…``
then ``,"prev":…,"seq":…,"subject":…,"time":…,"v":2}``: :func:`frame` is that text around the payload.
Entries are built this way, and verify.py checks the indexed columns against the body the same
way, without parsing the JSON.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .canonical import INT_MAX, EncodingError, dumps, normalise

VERSION = 2
GENESIS_PREV = "0" * 64
ACTION_RE = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+")
MAX_LABEL = 200

_SM3 = hashlib.new("sm3")
_CONTROL = re.compile(r"[\x00-\x1f]")


def sm3(data: bytes) -> bytes:
    h = _SM3.copy()
    h.update(data)
    return h.digest()


def _label(name: str, value: Any, required: bool) -> str:
    if not isinstance(value, str):
        raise EncodingError(f"{name} 必须是字符串")
    if required and not value:
        raise EncodingError(f"{name} 不能为空")
    if len(value) > MAX_LABEL:
        raise EncodingError(f"{name} 超过 {MAX_LABEL} 个字符")
    if _CONTROL.search(value):
        raise EncodingError(f"{name} 含有控制字符")
    return value


@dataclass(frozen=True)
class Prepared:
    """Validated, normalised fields of an entry that is not yet placed in the log."""

    actor: str
    action: str
    subject: str
    bureau: int | None
    payload: str  # canonical JSON text of the payload


@dataclass(frozen=True)
class Sealed:
    """An entry ready to store: its indexed fields, its exact text and its digests."""

    seq: int
    time: str
    actor: str
    action: str
    subject: str
    bureau: int | None
    body: str
    hash: bytes
    sm3: bytes
    leaf: bytes


_SEQ_WIDTH = len(str(INT_MAX))  # RFC 8785 numbers: seq < 2**53
_SAMPLE_TIME = "2000-01-01T00:00:00.000000Z"


def _body(p: Prepared, seq: int, time: str, prev_hex: str) -> str:
    """The canonical JSON of the whole entry, assembled around the canonical payload.

    Equal to canonical.dumps of the entry as a dict (keys in sorted order); built this way so
    the payload is encoded once and the construction is the same one verify.py checks against.
    """
    head, tail = frame(p.action, p.actor, p.bureau, prev_hex, seq, p.subject, time)
    return head + p.payload + tail


def prepare(*, actor: str, action: str, subject: str = "", bureau: int | None, payload: Any = None,
            max_bytes: int) -> Prepared:
    """Check and normalise an entry's fields; raise EncodingError for bad input.

    Runs before the ledger lock is taken, so a refused entry touches no transaction. The size
    limit counts the sequence number at its widest (16 digits), so the verdict does not depend
    on where in the log the entry lands.
    """
    if bureau is not None and (type(bureau) is not int or not 0 < bureau <= INT_MAX):
        raise EncodingError(f"bureau（所属机关）{bureau!r} 无效：应为机关编号（正整数），全系统的条目为 None")
    actor = _label("actor（操作者）", actor, True)
    action = _label("action（动作类型）", action, True)
    if not ACTION_RE.fullmatch(action):
        raise EncodingError(f"action（动作类型）{action!r} 格式无效：应为 app.verb_object 形式的小写标识")
    p = Prepared(actor, action, _label("subject（对象）", subject, False), bureau, dumps(normalise(payload)))
    size = len(_body(p, 0, _SAMPLE_TIME, GENESIS_PREV).encode("utf-8")) - 1 + _SEQ_WIDTH
    if size > max_bytes:
        raise EncodingError(f"账本条目约 {size} 字节，超过上限 {max_bytes} 字节；大内容请作为文件存储，账本只记录其哈希")
    return p


def seal(p: Prepared, *, seq: int, time: str, prev: bytes | None) -> Sealed:
    """Place a prepared entry at ``seq`` after ``prev``: its canonical bytes and digests."""
    if not 0 <= seq <= INT_MAX:
        raise EncodingError(f"序号 {seq} 超出 RFC 8785 可表示的整数范围")
    body = _body(p, seq, time, prev.hex() if prev else GENESIS_PREV)
    raw = body.encode("utf-8")
    return Sealed(seq, time, p.actor, p.action, p.subject, p.bureau, body, hashlib.sha256(raw).digest(), sm3(raw),
                  hashlib.sha256(b"\x00" + raw).digest())


@lru_cache(maxsize=65536)  # actors, actions and subjects repeat: verify quotes each per entry
def quote(s: str) -> str:
    """JSON string exactly as canonical.dumps writes it (json only escapes ", \\ and C0 controls)."""
    if s.isprintable() and '"' not in s and "\\" not in s:
        return '"' + s + '"'
    return json.dumps(s, ensure_ascii=False)


def bureau_text(bureau: int | None) -> str:
    """The ``"bureau"`` member as it appears in a body: ``,"bureau":3,"payload":`` (verify looks
    for exactly this; ``,"`` cannot occur inside the action or actor strings, whose quotes are
    escaped, so the first ``,"bureau":`` of a body is this member)."""
    return ',"bureau":' + ("null" if bureau is None else str(bureau)) + ',"payload":'


def frame(action: str, actor: str, bureau: int | None, prev_hex: str, seq: int, subject: str,
          time: str) -> tuple[str, str]:
    """The text an entry's body must start and end with, given its indexed fields."""
    head = '{"action":' + quote(action) + ',"actor":' + quote(actor) + bureau_text(bureau)
    tail = ',"prev":"' + prev_hex + '","seq":' + str(seq) + ',"subject":' + quote(subject) + ',"time":"' + time + '","v":2}'
    return head, tail


def parse(body: str) -> dict:
    """The fields of a stored entry (for display; verification never trusts this)."""
    return json.loads(body)
