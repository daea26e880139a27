"""Inclusion-proof files: what ``lawtrail prove`` writes and ``lawtrail verify-proof`` checks.

Pure Python, no Django import, no database: this module and merkle.py, entry.py's hashing
rules and note.py are all a verifier on another machine needs. The file is JSON::

    {"format": "lawtrail-inclusion-proof/1",
     "entry": {"seq": 41, "body": "<the entry's canonical JSON text, exactly as hashed>"},
     "tree_size": 1234, "proof": ["<hex SHA-256>", ...],
     "checkpoint": "<signed checkpoint text>",
     "public_keys": {"<key name>": "<PEM>"}}

Checking it (docs/ledger.md repeats this as a by-hand procedure):
1. verify the checkpoint's signatures with keys you trust (``--key``; the keys inside the file
   are only a convenience and prove nothing by themselves — compare their fingerprints with the
   ones the bureau publishes);
2. leaf hash = SHA-256(0x00 || UTF-8 bytes of entry.body);
3. RFC 9162 §2.1.3.2 with leaf index = entry.seq, the proof, and the checkpoint's size and root.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

from . import merkle, note

FORMAT = "lawtrail-inclusion-proof/1"


def build(*, seq: int, body: str, tree_size: int, proof: list[bytes], checkpoint: str,
          public_keys: dict[str, str]) -> dict:
    return {"format": FORMAT, "entry": {"seq": seq, "body": body}, "tree_size": tree_size,
            "proof": [p.hex() for p in proof], "checkpoint": checkpoint, "public_keys": public_keys}


def fingerprint(pem: str) -> str:
    return hashlib.sha256(pem.strip().encode()).hexdigest()[:16]


def check(doc: dict, trusted: dict[str, str] | None = None) -> tuple[bool, list[str]]:
    """Verify a proof document. ``trusted``: {key name: PEM}; None uses the file's own keys."""
    lines: list[str] = []
    try:
        if doc.get("format") != FORMAT:
            return False, [f"不是 lawtrail 包含性证明文件（format 应为 {FORMAT}）"]
        seq, body = int(doc["entry"]["seq"]), doc["entry"]["body"]
        proof = [bytes.fromhex(p) for p in doc["proof"]]
        keys = trusted if trusted is not None else doc.get("public_keys") or {}
        if not keys:
            return False, ["没有可用于验证签名的公钥"]
        verifiers = [note.load_public_pem(name, pem.encode()) for name, pem in keys.items()]
        cp, sigs = note.verify(doc["checkpoint"], verifiers)
    except (KeyError, TypeError, ValueError) as e:
        return False, [f"证明文件格式错误：{e}"]
    for name, valid in sigs.items():
        mark, word = {True: ("✓", "有效"), False: ("✗", "无效"), None: ("-", "检查点上没有该密钥的签名")}[valid]
        lines.append(f"{mark} 检查点签名 {name}：{word}")
    ok = note.accepted(sigs)
    if trusted is None:
        lines.append("! 使用的是文件自带的公钥；请将以下指纹与执法机关公布的公钥指纹核对：")
        lines += [f"    {name}  {fingerprint(pem)}" for name, pem in keys.items()]
    if cp.size != doc.get("tree_size"):
        lines.append("✗ 文件中的 tree_size 与检查点不一致")
        ok = False
    leaf = merkle.hash_leaf(body.encode("utf-8"))
    included = merkle.verify_inclusion(seq, cp.size, leaf, proof, cp.root)
    lines.append(f"{'✓' if included else '✗'} 条目 #{seq}（叶哈希 {leaf.hex()}）"
                 f"{'包含在' if included else '不包含在'}检查点（{cp.origin}，{cp.size} 条，{cp.time}）的默克尔树中")
    return ok and included, lines


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="lawtrail verify-proof",
                                description="离线验证 lawtrail 包含性证明（无需数据库）")
    p.add_argument("file", type=Path, help="lawtrail prove 生成的 JSON 文件")
    p.add_argument("--key", action="append", default=[], metavar="NAME=PEM_FILE",
                   help="信任的公钥：密钥名=PEM 文件（可重复）；不给则使用文件自带的公钥")
    p.add_argument("--json", action="store_true", help="以 JSON 输出结果")
    a = p.parse_args(argv)
    try:
        doc = json.loads(a.file.read_text(encoding="utf-8"))
        trusted = None
        if a.key:
            trusted = {}
            for spec in a.key:
                name, sep, path = spec.partition("=")
                if not sep:
                    p.error(f"--key 应为 密钥名=PEM文件：{spec}")
                trusted[name] = Path(path).read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        print(f"无法读取：{e}", file=sys.stderr)
        return 2
    ok, lines = check(doc, trusted)
    if a.json:
        print(json.dumps({"ok": ok, "details": lines}, ensure_ascii=False, indent=2))
    else:
        print("\n".join(lines))
        print("结论：证明有效" if ok else "结论：证明无效")
    return 0 if ok else 1
