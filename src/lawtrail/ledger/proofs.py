"""Inclusion-proof files: what ``lawtrail prove`` writes and ``lawtrail verify-proof`` checks.

Pure Python, no Django import, no database: this module and merkle.py, entry.py's hashing
rules and note.py are all a verifier on another machine needs. The file is JSON::

    {"format": "lawtrail-inclusion-proof/1",
     "entry": {"seq": 41, "body": "<the entry's canonical JSON text, exactly as hashed>"},
     "tree_size": 1234, "proof": ["<hex SHA-256>", ...],
     "checkpoint": "<signed checkpoint text>",
     "public_keys": {"<key name>": "<PEM>"}}

Checking it fails closed (docs/ledger.md repeats this as a by-hand procedure):
1. trust: the keys inside the file prove nothing — whoever forged the file would have put his own
   there. A key counts only when the verifier brings it (``--key NAME=PEM``) or pins it
   (``--trust FILE``: fingerprints as ``lawtrail keys`` prints them, and the log's origin);
   without either, the answer is "not verified";
2. the checkpoint names the log it is of (its first line): it must be the expected origin, and
   only keys of that log (``origin``, ``origin#sm2``) count;
3. the checkpoint's signatures with those keys;
4. leaf hash = SHA-256(0x00 || UTF-8 bytes of entry.body);
5. RFC 9162 §2.1.3.2 with leaf index = entry.seq, the proof, and the checkpoint's size and root.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from pathlib import Path

from . import merkle, note

FORMAT = "lawtrail-inclusion-proof/1"


def build(*, seq: int, body: str, tree_size: int, proof: list[bytes], checkpoint: str,
          public_keys: dict[str, str]) -> dict:
    return {"format": FORMAT, "entry": {"seq": seq, "body": body}, "tree_size": tree_size,
            "proof": [p.hex() for p in proof], "checkpoint": checkpoint, "public_keys": public_keys}


def fingerprint(pem: str) -> str:
    """SHA-256 of the PEM text, in full: a pinned fingerprint must be as hard to forge as the key."""
    return hashlib.sha256(pem.strip().encode()).hexdigest()


def owns(name: str, origin: str) -> bool:
    """Whether a key called ``name`` signs for the log ``origin`` (its Ed25519 and its SM2 key)."""
    return name in (origin, f"{origin}#sm2")


UNTRUSTED = ("✗ 没有可信公钥：证明文件自带的公钥不能证明任何事——伪造证明的人同样可以生成密钥、签名并把公钥放进文件。"
             "请从执法机关公布的渠道取得公钥或其指纹，用 --key 密钥名=PEM文件 或 --trust 指纹文件 再验证")


def check(doc: dict, trusted: dict[str, str] | None = None, origin: str | None = None) -> tuple[bool, list[str]]:
    """Verify a proof document against ``trusted`` keys ({key name: PEM}) for the log ``origin``.

    Fails closed: no trusted key, no origin (when the keys do not name one log), a checkpoint of
    another log — each is a failure, never a fallback to the keys inside the file.
    """
    lines: list[str] = []
    try:
        if doc.get("format") != FORMAT:
            return False, [f"不是 lawtrail 包含性证明文件（format 应为 {FORMAT}）"]
        seq, body = int(doc["entry"]["seq"]), doc["entry"]["body"]
        proof = [bytes.fromhex(p) for p in doc["proof"]]
        if not trusted:
            own = doc.get("public_keys") or {}
            return False, [UNTRUSTED, "  文件自带的公钥及指纹（仅供与公布的指纹核对，本身不作数）："] + [
                f"    {name}  {fingerprint(pem)}" for name, pem in own.items()]
        if origin is None:
            origin = origin_of(trusted)
        if origin is None:
            return False, ["✗ 可信公钥属于不止一个账本：请用 --origin 指定要核验的账本来源"]
        keys = {name: pem for name, pem in trusted.items() if owns(name, origin)}
        if not keys:
            return False, [f"✗ 没有账本 {origin} 的可信公钥（给出的公钥属于其他账本）"]
        verifiers = [note.load_public_pem(name, pem.encode()) for name, pem in keys.items()]
        cp, sigs = note.verify(doc["checkpoint"], verifiers)
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        return False, [f"证明文件格式错误：{e}"]
    if cp.origin != origin:
        return False, [f"✗ 该证明属于另一个账本（{cp.origin}），而不是 {origin}：拒绝"]
    lines.append(f"✓ 账本来源：{origin}")
    for name, valid in sigs.items():
        mark, word = {True: ("✓", "有效"), False: ("✗", "无效"), None: ("-", "检查点上没有该密钥的签名")}[valid]
        lines.append(f"{mark} 检查点签名 {name}（可信公钥 {fingerprint(keys[name])}）：{word}")
    ok = note.accepted(sigs)
    if cp.size != doc.get("tree_size"):
        lines.append("✗ 文件中的 tree_size 与检查点不一致")
        ok = False
    leaf = merkle.hash_leaf(body.encode("utf-8"))
    included = merkle.verify_inclusion(seq, cp.size, leaf, proof, cp.root)
    lines.append(f"{'✓' if included else '✗'} 条目 #{seq}（叶哈希 {leaf.hex()}）"
                 f"{'包含在' if included else '不包含在'}检查点（{cp.origin}，{cp.size} 条，{cp.time}）的默克尔树中")
    return ok and included, lines


def origin_of(keys) -> str | None:
    """The one log that key names belong to (``origin`` and ``origin#sm2``), or None."""
    found = {name.removesuffix("#sm2") for name in keys}
    return found.pop() if len(found) == 1 else None


_PIN = re.compile(r"密钥名\s+(\S+)\s+指纹\s+([0-9a-f]{64})\b")
_ORIGIN = re.compile(r"账本来源(?:（origin）)?\s*[:：]?\s*(\S+)")
_PLAIN = re.compile(r"(\S+)\s+([0-9a-f]{64})")


def read_trust(text: str) -> tuple[dict[str, str], str | None]:
    """A pinned-fingerprint file: ``lawtrail keys``' output kept as is (its ``# 账本来源`` and
    ``# … 密钥名 NAME  指纹 FP`` lines; PEM blocks are ignored), or lines ``NAME FINGERPRINT`` and
    ``origin NAME`` written by hand. Returns ({key name: fingerprint}, origin or None)."""
    pins: dict[str, str] = {}
    origin = None
    in_pem = False
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("-----BEGIN"):
            in_pem = True
        if in_pem:
            in_pem = not line.startswith("-----END")
            continue
        if line.startswith("#"):
            if m := _PIN.search(line):
                pins[m.group(1)] = m.group(2)
            elif m := _ORIGIN.search(line):
                origin = m.group(1)
        elif line.startswith("origin "):
            origin = line.split(None, 1)[1].strip()
        elif m := _PLAIN.fullmatch(line):
            pins[m.group(1)] = m.group(2)
        elif line:
            raise ValueError(f"无法识别的行：{line[:60]}")
    return pins, origin


def pinned(doc: dict, pins: dict[str, str]) -> dict[str, str]:
    """The file's own keys whose fingerprint was pinned under the same name: only these are trusted."""
    own = doc.get("public_keys") or {}
    return {name: pem for name, pem in own.items()
            if isinstance(pem, str) and pins.get(name) == fingerprint(pem)}


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(
        prog="lawtrail verify-proof", description="离线验证 lawtrail 包含性证明（无需数据库）。必须给出可信公钥"
        "（--key）或公钥指纹文件（--trust）：证明文件自带的公钥不作数")
    p.add_argument("file", type=Path, help="lawtrail prove 生成的 JSON 文件")
    p.add_argument("--key", action="append", default=[], metavar="NAME=PEM_FILE",
                   help="信任的公钥：密钥名=PEM 文件（可重复），从执法机关公布的渠道取得")
    p.add_argument("--trust", type=Path, metavar="FILE",
                   help="公钥指纹文件：lawtrail keys 的输出原样保存，或每行“密钥名 指纹”，可含“origin 账本来源”一行")
    p.add_argument("--origin", help="要核验的账本来源（检查点第一行，如 jinpu.gov.cn/wenlv/ledger）；"
                                    "默认取 --trust 文件中的账本来源或可信公钥的名称")
    p.add_argument("--json", action="store_true", help="以 JSON 输出结果")
    a = p.parse_args(argv)
    try:
        doc = json.loads(a.file.read_text(encoding="utf-8"))
        if not isinstance(doc, dict):
            raise ValueError("顶层应为 JSON 对象")
        trusted: dict[str, str] = {}
        for spec in a.key:
            name, sep, path = spec.partition("=")
            if not sep or not name:
                p.error(f"--key 应为 密钥名=PEM文件：{spec}")
            trusted[name] = Path(path).read_text(encoding="ascii")
        origin = a.origin
        if a.trust:
            pins, pinned_origin = read_trust(a.trust.read_text(encoding="utf-8"))
            if not pins:
                raise ValueError(f"{a.trust} 中没有公钥指纹（应为 lawtrail keys 的输出，或“密钥名 64位十六进制指纹”）")
            if origin is not None and pinned_origin is not None and origin != pinned_origin:
                raise ValueError(f"--origin {origin} 与信任文件中的账本来源 {pinned_origin} 不一致")
            origin = origin or pinned_origin or origin_of(pins)
            trusted.update(pinned(doc, pins))
            if not trusted:
                print("✗ 证明文件中的公钥与信任文件中的指纹都不相符：不是所信任的执法机关签的", file=sys.stderr)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, ValueError) as e:
        print(f"无法读取：{e}", file=sys.stderr)
        return 2
    ok, lines = check(doc, trusted or None, origin)
    if a.json:
        print(json.dumps({"ok": ok, "details": lines}, ensure_ascii=False, indent=2))
    else:
        print("\n".join(lines))
        print("结论：证明有效" if ok else "结论：证明无效或未能验证")
    return 0 if ok else 1
