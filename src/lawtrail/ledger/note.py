"""Signed checkpoints as text. Pure Python, no Django import.

The format follows C2SP tlog-checkpoint inside a C2SP signed-note (the format of Go's
checksum database and of transparency-dev witnesses), with one extension line for the time::

    jinpu.gov.cn/wenlv/ledger              <- origin: which log
    1234                                   <- tree size (entries 0..1233)
    3H1ZWM7qSg8Xq0m0V5C6R3q8lUoU9E7dPZ4mGz2g8gE=   <- RFC 9162 root hash, base64
    time 2026-11-22T07:41:02.123456Z       <- when it was signed (UTC)
                                           <- empty line: the signed text ends before it
    — jinpu.gov.cn/wenlv/ledger AbCd…      <- "— " key name, base64(4-byte key id || signature)
    — jinpu.gov.cn/wenlv/ledger#sm2 EfGh…  <- optional SM2 signature

The signed message is the text up to and including the newline before the empty line.
- Ed25519 (RFC 8032): key id = SHA-256(name || 0x0A || 0x01 || 32-byte public key)[:4], the
  signed-note rule, so Go's ``golang.org/x/mod/sumdb/note`` verifies it too.
- SM2 (GB/T 32918, GM/T 0009 default ID ``1234567812345678``, digest SM3, DER signature):
  key id = SHA-256(name || 0x0A || 0xFF || "SM2" || DER SubjectPublicKeyInfo)[:4].
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

SIG_PREFIX = "\u2014 "  # em dash and a space
_TIME_RE = re.compile(r"time (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z)")


class NoteError(ValueError):
    """The text is not a well-formed checkpoint."""


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes
    time: str

    def body(self) -> bytes:
        return (f"{self.origin}\n{self.size}\n{base64.b64encode(self.root).decode()}\n"
                f"time {self.time}\n").encode("utf-8")


# --- keys -----------------------------------------------------------------------------------

class Ed25519Signer:
    alg = "Ed25519"

    def __init__(self, name: str, private: Ed25519PrivateKey):
        self.name, self._private = name, private
        self.verifier = Ed25519Verifier(name, private.public_key())

    def sign(self, msg: bytes) -> bytes:
        return self._private.sign(msg)


class Ed25519Verifier:
    alg = "Ed25519"

    def __init__(self, name: str, public: Ed25519PublicKey):
        self.name, self.public = name, public
        raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        self.key_id = hashlib.sha256(name.encode() + b"\n\x01" + raw).digest()[:4]

    def verify(self, msg: bytes, sig: bytes) -> bool:
        try:
            self.public.verify(sig, msg)
            return True
        except InvalidSignature:
            return False

    def pem(self) -> str:
        return self.public.public_bytes(serialization.Encoding.PEM,
                                        serialization.PublicFormat.SubjectPublicKeyInfo).decode()


class SM2Signer:
    alg = "SM2"

    def __init__(self, name: str, private):
        from tongsuopy.crypto import hashes
        from tongsuopy.crypto.asymciphers import ec

        self.name, self._private = name, private
        self._algo = ec.ECDSA(hashes.SM3())  # tongsuopy: SM2 signature with the default ID and SM3
        self.verifier = SM2Verifier(name, private.public_key())

    def sign(self, msg: bytes) -> bytes:
        return self._private.sign(msg, self._algo)


class SM2Verifier:
    alg = "SM2"

    def __init__(self, name: str, public):
        from tongsuopy.crypto import hashes, serialization as ts
        from tongsuopy.crypto.asymciphers import ec

        self.name, self.public = name, public
        self._algo = ec.ECDSA(hashes.SM3())
        self._pem = public.public_bytes(ts.Encoding.PEM, ts.PublicFormat.SubjectPublicKeyInfo)
        der = public.public_bytes(ts.Encoding.DER, ts.PublicFormat.SubjectPublicKeyInfo)
        self.key_id = hashlib.sha256(name.encode() + b"\n\xffSM2" + der).digest()[:4]

    def verify(self, msg: bytes, sig: bytes) -> bool:
        from tongsuopy.crypto.exceptions import InvalidSignature as SM2Invalid

        try:
            self.public.verify(sig, msg, self._algo)
            return True
        except (SM2Invalid, ValueError):
            return False

    def pem(self) -> str:
        return self._pem.decode()


def load_public_pem(name: str, pem: bytes):
    """A verifier from a PEM public key: Ed25519 through cryptography, SM2 through tongsuopy."""
    try:
        key = serialization.load_pem_public_key(pem)
    except (ValueError, TypeError, Exception):
        key = None
    if isinstance(key, Ed25519PublicKey):
        return Ed25519Verifier(name, key)
    from tongsuopy.crypto import serialization as ts

    try:
        return SM2Verifier(name, ts.load_pem_public_key(pem))
    except Exception as e:  # tongsuopy raises several types for a bad PEM
        raise NoteError(f"无法识别的公钥（应为 Ed25519 或 SM2 的 PEM）：{e}") from None


# --- text -----------------------------------------------------------------------------------

def sign(cp: Checkpoint, signers) -> str:
    body = cp.body()
    lines = [
        f"{SIG_PREFIX}{s.name} {base64.b64encode(s.verifier.key_id + s.sign(body)).decode()}\n" for s in signers
    ]
    return body.decode("utf-8") + "\n" + "".join(lines)


@dataclass(frozen=True)
class Signature:
    name: str
    key_id: bytes
    sig: bytes


def parse(text: str) -> tuple[Checkpoint, list[Signature], bytes]:
    """Split a checkpoint into its fields, its signatures and the exact signed bytes."""
    if "\r" in text:
        raise NoteError("检查点含有 CR 字符（应为 LF 换行）")
    body, sep, sigs = text.partition("\n\n")
    if not sep:
        raise NoteError("检查点缺少签名之前的空行")
    lines = body.split("\n")
    if len(lines) < 4:
        raise NoteError("检查点正文应有四行：来源、条目数、根哈希、时间")
    origin, size_s, root_s, time_s = lines[:4]
    if not re.fullmatch(r"[0-9]{1,19}", size_s) or (size_s != "0" and size_s.startswith("0")):
        raise NoteError(f"检查点条目数 {size_s!r} 无效")
    try:
        root = base64.b64decode(root_s, validate=True)
    except ValueError:
        raise NoteError("检查点根哈希不是有效的 base64") from None
    if len(root) != 32:
        raise NoteError("检查点根哈希不是 32 字节")
    m = _TIME_RE.fullmatch(time_s)
    if not m:
        raise NoteError(f"检查点时间行 {time_s!r} 无效")
    signatures = []
    for line in sigs.split("\n"):
        if not line:
            continue
        if not line.startswith(SIG_PREFIX):
            raise NoteError(f"签名行格式无效：{line[:40]!r}")
        name, _, b64 = line[len(SIG_PREFIX):].partition(" ")
        try:
            raw = base64.b64decode(b64, validate=True)
        except ValueError:
            raise NoteError(f"签名 {name} 不是有效的 base64") from None
        if len(raw) < 5:
            raise NoteError(f"签名 {name} 太短")
        signatures.append(Signature(name, raw[:4], raw[4:]))
    if not signatures:
        raise NoteError("检查点没有签名")
    return Checkpoint(origin, int(size_s), root, m.group(1)), signatures, (body + "\n").encode("utf-8")


def verify(text: str, verifiers) -> tuple[Checkpoint, dict[str, bool | None]]:
    """Parse and check the signatures made by known keys: {key name: valid, or None if absent}."""
    cp, sigs, body = parse(text)
    result: dict[str, bool | None] = {}
    for v in verifiers:
        mine = [s for s in sigs if s.name == v.name and s.key_id == v.key_id]
        result[v.name] = all(v.verify(body, s.sig) for s in mine) if mine else None
    return cp, result


def accepted(result: dict[str, bool | None], required: tuple[str, ...] = ()) -> bool:
    """No known signature is invalid, at least one is valid, and every required one is present.

    SM2 is optional (a checkpoint from before SM2 was enabled has none); Ed25519 is required.
    """
    return (all(r is not False for r in result.values()) and any(result.values())
            and all(result.get(name) for name in required))
