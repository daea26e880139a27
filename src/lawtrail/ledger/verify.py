"""``lawtrail verify``: recompute the whole ledger and name every discrepancy.

One streaming pass in sequence order, O(log n) memory:
1. every entry: SHA-256 and SM3 of its bytes against the stored digests; its columns (seq,
   subject, bureau) and its ``prev`` against the body's frame (entry.frame), so no JSON is parsed;
   gaps in ``seq``;
2. the Merkle tree rebuilt from the bodies, each completed node and tile compared with the
   stored one; both arrive in the order they were completed (merkle.node_key);
3. every checkpoint: its signatures, its fields against its row, and its root against the root
   recomputed at its size;
4. with ``against``: a checkpoint kept outside the system must be extended by today's log —
   checked with an RFC 9162 consistency proof built from the stored nodes;
5. with ``witnesses`` (what ``lawtrail verify`` does by default): every checkpoint a witness holds
   (witness.py) — a log shorter than one is a rollback, a root recomputed at its size that differs
   is a rewrite; the newest witnessed file must also carry this log's valid signature.
Checks that other apps register with ``register`` run afterwards (record rows, stored files).

A problem caused by one already reported (a node above an altered entry) is not reported again.
"""

from __future__ import annotations

import hashlib
from collections import deque
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field

from django.db import DEFAULT_DB_ALIAS, connections, transaction

from . import checkpoints, keys, merkle, note, store, witness
from .entry import GENESIS_PREV, bureau_text, quote
from .models import Checkpoint

MAX_PROBLEMS = 1000
_UNKNOWN_LEAF = b"\xff" * 32


@dataclass
class Problem:
    kind: str
    where: str
    message: str
    seq: int | None = None

    def as_dict(self) -> dict:
        return {"kind": self.kind, "where": self.where, "seq": self.seq, "message": self.message}


@dataclass
class Report:
    size: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    more: int = 0  # problems beyond MAX_PROBLEMS, counted but not kept
    notes: dict = field(default_factory=dict)  # what observers gathered during the pass, for their checkers
    options: dict = field(default_factory=dict)  # what the caller asked of the checkers (e.g. a media sample)

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, kind: str, where: str, message: str, seq: int | None = None) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(kind, where, message, seq))
        else:
            self.more += 1

    def as_dict(self) -> dict:
        return {"ok": self.ok, "size": self.size, "counts": self.counts,
                "problems": [p.as_dict() for p in self.problems], "more_problems": self.more}


Checker = Callable[[Report, str], None]
_checkers: list[Checker] = []


Observer = Callable[[Report, int, str], None]
_observers: list[tuple[str, Observer]] = []


def register(checker: Checker) -> Checker:
    """Add a check that runs after the ledger's own (e.g. record rows against their entries)."""
    _checkers.append(checker)
    return checker


def observe(marker: str, observer: Observer) -> None:
    """Call ``observer(report, seq, body)`` during the one pass over the entries, for each entry
    whose body contains ``marker`` — so a checker needs no second scan of the whole log."""
    _observers.append((marker, observer))


def run(*, against: str | None = None, using: str = DEFAULT_DB_ALIAS,
        progress: Callable[[int, int], None] | None = None, options: dict | None = None,
        witnesses: list | None = None) -> Report:
    conn = connections[using]
    # PostgreSQL: one snapshot for the whole pass. SQLite: no transaction (it would take the
    # write lock and stall appends); the bound n keeps the pass consistent instead.
    own = conn.vendor == "postgresql" and not conn.in_atomic_block
    with transaction.atomic(using=using) if own else nullcontext():
        if own:
            with conn.cursor() as c:
                c.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        report = Report(options=dict(options or {}))
        held = _witness_listings(report, witnesses or [])
        front = _entries_and_tree(report, using, progress, {x.size for _, found in held for x in found})
        _checkpoints(report, front, using)
        if against is not None:
            _against(report, against, front, using)
        for w, found in held:
            _witnessed(report, w, found, front)
        for checker in _checkers:
            checker(report, using)
    return report


def _entries_and_tree(report: Report, using: str, progress, witnessed: set[int] = frozenset()) -> dict[int, bytes]:
    """Steps 1-2. Returns {size: recomputed root} for every checkpointed and witnessed size, plus the final one."""
    n = store.size(using)
    wanted = set(Checkpoint.objects.using(using).values_list("size", flat=True)) | witnessed
    roots: dict[int, bytes] = {0: merkle.EMPTY_ROOT}
    sha256, hash_children, sm3_new = hashlib.sha256, merkle.hash_children, hashlib.new("sm3").copy
    observers = list(_observers)
    bureau_texts: dict[int | None, str] = {}  # a handful of bureaus: their frame text made once
    rows = store._run(using, "SELECT seq, body, hash, sm3, subject, bureau FROM ledger_entry WHERE seq < %s"
                             " ORDER BY seq", [n], stream="verify_entries")
    nodes = store._run(using, "SELECT key, hash FROM ledger_node WHERE key < %s ORDER BY key", [n * 64],
                       stream="verify_nodes")
    tiles = store._run(using, "SELECT key, hashes FROM ledger_tile WHERE key < %s ORDER BY key", [n * 64],
                       stream="verify_tiles")
    stored_iter, tile_iter = iter(nodes), iter(tiles)
    pending, pending_tile = next(stored_iter, None), next(tile_iter, None)
    recent = [deque(maxlen=16) for _ in range(64)]  # the last hashes computed at each level, for tiles
    recent0 = recent[0]
    stack: list[bytes] = []  # the frontier: perfect subtree roots covering [0, expected)
    prev_hex: str | None = GENESIS_PREV
    expected = entries = stored_nodes = tiles_checked = 0
    last_bad = -1

    def node(key: int, h: bytes, index: int, covers_from: int) -> None:
        """Compare the recomputed node ``key`` with the stored one, reporting what is off."""
        nonlocal pending, stored_nodes
        while pending is not None and pending[0] < key:
            report.add("node_unexpected", f"树节点 {pending[0]}", "存在不应存在的默克尔树节点（被插入）")
            pending = next(stored_iter, None)
        where = f"树节点（层 {key % 64}，止于条目 #{key // 64}）"
        if pending is None or pending[0] != key:
            if last_bad < covers_from:
                report.add("node_missing", where, "默克尔树节点缺失（被删除）", seq=index)
            return
        stored_nodes += 1
        if bytes(pending[1]) != h and last_bad < covers_from:
            report.add("node_mismatch", where, "存储的默克尔树节点与重算结果不符（被改动）", seq=index)
        pending = next(stored_iter, None)

    def tile(key: int, root: bytes, index: int) -> None:
        """Compare the tile completed by node ``key`` with its stored row."""
        nonlocal pending_tile, tiles_checked
        level = key % 64
        expected = b"".join([*list(recent[level - 4])[-16:], *list(recent[level - 3])[-8:],
                             *list(recent[level - 2])[-4:], *list(recent[level - 1])[-2:], root])
        while pending_tile is not None and pending_tile[0] < key:
            report.add("tile_unexpected", f"树瓦片 {pending_tile[0]}", "存在不应存在的默克尔树瓦片（被插入）")
            pending_tile = next(tile_iter, None)
        covered = last_bad >= index + 1 - (1 << level)
        where = f"树瓦片（根在层 {level}，止于条目 #{index}）"
        if pending_tile is None or pending_tile[0] != key:
            if not covered:
                report.add("tile_missing", where, "默克尔树瓦片缺失（被删除）", seq=index)
            return
        tiles_checked += 1
        if bytes(pending_tile[1]) != expected and not covered:
            report.add("tile_mismatch", where, "存储的默克尔树瓦片与重算结果不符（被改动）", seq=index)
        pending_tile = next(tile_iter, None)

    def tree_step(h: bytes, index: int) -> None:
        """Add leaf ``index`` and check it and every node and tile it completes (keys index*64 + level)."""
        nonlocal pending, stored_nodes
        level, i = 0, index
        while True:
            recent[level].append(h)
            if level and not level % 4:
                tile(index * 64 + level, h, index)
            key = index * 64 + level
            if pending is not None and pending[0] == key and pending[1] == h:  # the common case
                stored_nodes += 1
                pending = next(stored_iter, None)
            else:
                node(key, h, index, index + 1 - (1 << level))
            if not i & 1:
                break
            h = hash_children(stack.pop(), h)
            level, i = level + 1, i >> 1
        stack.append(h)
        if index + 1 in wanted:
            roots[index + 1] = merkle.fold(stack)

    try:
        for seq, body, stored_hash, stored_sm3, subject, bureau in rows:
            while expected < seq:  # a gap: entries deleted
                report.add("entry_missing", f"条目 #{expected}", "条目缺失（被删除）", seq=expected)
                last_bad = expected
                tree_step(_UNKNOWN_LEAF, expected)
                prev_hex, expected = None, expected + 1
            raw = body.encode("utf-8")
            digest = sha256(raw).digest()
            bad = False
            if digest != stored_hash:
                report.add("hash_mismatch", f"条目 #{seq}", "条目内容与存储的 SHA-256 不符（内容或哈希被改动）", seq)
                bad = True
            m = sm3_new()
            m.update(raw)
            if m.digest() != stored_sm3:
                report.add("sm3_mismatch", f"条目 #{seq}", "条目内容与存储的 SM3 摘要不符", seq)
                bad = True
            # The body must end as its columns and the chain say (entry.frame), up to the time:
            # ,"prev":"<prev_hex>","seq":<seq>,"subject":<subject>,"time":"<27 characters>","v":2}
            # and its bureau as its column says (the first ,"bureau": of a body is the member).
            mid = ',"prev":"' + (prev_hex or "") + '","seq":' + str(seq) + ',"subject":' + quote(subject) + ',"time":"'
            if not (body.endswith(_END) and body.endswith(mid, 0, len(body) - _TAIL)):
                bad = _misframed(report, body, seq, subject, prev_hex)
            member = bureau_texts.get(bureau)
            if member is None:
                member = bureau_texts[bureau] = bureau_text(bureau)
            if not body.startswith(member, body.find(',"bureau":')):
                report.add("bureau_mismatch", f"条目 #{seq}",
                           "条目的所属机关字段与条目内容不符（条目被移入其他机关的审计范围，或字段被改动）", seq)
                bad = True
            if bad:
                last_bad = seq
            leaf = sha256(b"\x00" + raw).digest()
            if seq & 1 or pending is None or pending[0] != seq * 64 or pending[1] != leaf or expected + 1 in wanted:
                tree_step(leaf, seq)
            else:  # tree_step's common case, inlined: an even leaf completes no node
                stored_nodes += 1
                pending = next(stored_iter, None)
                recent0.append(leaf)
                stack.append(leaf)
            if observers:
                for marker, observer in observers:
                    if marker in body:
                        observer(report, seq, body)
            prev_hex, expected = digest.hex(), seq + 1
            entries += 1
            if progress and not entries % 50_000:
                progress(expected, n)
        while pending is not None:
            report.add("node_unexpected", f"树节点 {pending[0]}", "存在不应存在的默克尔树节点（被插入）")
            pending = next(stored_iter, None)
        while pending_tile is not None:
            report.add("tile_unexpected", f"树瓦片 {pending_tile[0]}", "存在不应存在的默克尔树瓦片（被插入）")
            pending_tile = next(tile_iter, None)
    finally:
        rows.close()
        nodes.close()
        tiles.close()
    if progress:
        progress(n, n)
    extra = store._run(using, "SELECT (SELECT COUNT(*) FROM ledger_node WHERE key >= %s)"
                              " + (SELECT COUNT(*) FROM ledger_tile WHERE key >= %s)", [n * 64, n * 64]).fetchone()[0]
    if extra and store.size(using) == n:  # nodes above the last entry: the tail was cut off
        report.add("tail_truncated", "账本末尾", f"存在 {extra} 个超出最后一条条目的树节点：末尾条目被删除")
    report.size = n
    roots[n] = merkle.fold(stack) if n else merkle.EMPTY_ROOT
    report.counts.update(entries=entries, nodes=stored_nodes, tiles=tiles_checked)
    return roots


_END = '","v":2}'
_TAIL = 27 + len(_END)  # the time, then the end


def _misframed(report: Report, body: str, seq: int, subject: str, prev_hex: str | None) -> bool:
    """The body does not end as its columns say: a broken chain, or edited columns."""
    at = body.rfind(',"prev":"')
    own_prev = body[at + 9:at + 73] if at >= 0 else ""
    mid = ',"prev":"' + own_prev + '","seq":' + str(seq) + ',"subject":' + quote(subject) + ',"time":"'
    if body.endswith(_END) and body.endswith(mid, 0, len(body) - _TAIL):
        if prev_hex is not None:  # after a gap the break is already reported
            report.add("chain_broken", f"条目 #{seq}",
                       "条目记录的前一条哈希（prev）与前一条目不符：哈希链断裂（条目被插入、删除或调换）", seq)
    else:
        report.add("columns_mismatch", f"条目 #{seq}",
                   "条目的序号或对象字段与条目内容不符（被改动或调换）", seq)
    return True


def _checkpoints(report: Report, roots: dict[int, bytes], using: str) -> None:
    ring = keys.current()
    count = 0
    for cp in Checkpoint.objects.using(using).order_by("id"):
        count += 1
        where = f"检查点 #{cp.id}（{cp.size} 条，{cp.time}）"
        try:
            parsed, sigs = note.verify(cp.note, ring.verifiers)
        except note.NoteError as e:
            report.add("checkpoint_malformed", where, f"检查点文本无效：{e}")
            continue
        if not note.accepted(sigs, ring.required):
            bad = [name for name, ok in sigs.items() if ok is not True and (ok is False or name in ring.required)]
            report.add("checkpoint_signature", where, f"签名无效或缺失：{', '.join(bad)}")
        if (parsed.size, parsed.root, parsed.time) != (cp.size, bytes(cp.root), cp.time):
            report.add("checkpoint_fields", where, "检查点的数据库字段与签名文本不一致")
        if parsed.size > report.size:
            report.add("tail_truncated", where, f"检查点记录了 {parsed.size} 条，但账本只有 {report.size} 条：末尾条目被删除")
        elif roots.get(parsed.size) != parsed.root:
            report.add("checkpoint_root", where, "按现有条目重算的默克尔根与检查点签名的根不符：已签名的内容被改动")
    report.counts["checkpoints"] = count


def _against(report: Report, text: str, roots: dict[int, bytes], using: str) -> None:
    where = "外部检查点"
    ring = keys.current()
    try:
        cp, sigs = note.verify(text, ring.verifiers)
    except note.NoteError as e:
        report.add("against_malformed", where, f"外部检查点文本无效：{e}")
        return
    where = f"外部检查点（{cp.size} 条，{cp.time}）"
    if not note.accepted(sigs, ring.required):
        report.add("against_signature", where, "外部检查点的签名不是本系统的密钥签的，或已被改动")
        return
    n = report.size
    if cp.size > n:
        report.add("against_truncated", where, f"外部检查点记录了 {cp.size} 条，但账本只有 {n} 条：账本被截断或重写")
        return
    if cp.size == 0:
        return
    try:
        proof = checkpoints.consistency(cp.size, n, using)
    except Exception as e:  # a missing node is itself evidence
        report.add("against_inconsistent", where, f"无法生成一致性证明：{e}")
        return
    if not merkle.verify_consistency(cp.size, n, cp.root, roots[n], proof):
        report.add("against_inconsistent", where,
                   "一致性证明失败：今天的账本不是该外部检查点时账本的延续（账本被改写）")
    report.counts["against_proof_hashes"] = len(proof)


def _witness_listings(report: Report, witnesses: list) -> list[tuple]:
    """Each witness's checkpoints, read before the pass so that it computes the roots at their sizes."""
    held = []
    for w in witnesses:
        try:
            held.append((w, w.listing()))
        except witness.WitnessError as e:
            report.add("witness_unreadable", w.label, f"见证处无法读取，未能对照见证检查回滚和改写：{e}")
    return held


def _witnessed(report: Report, w, found: list, roots: dict[int, bytes]) -> None:
    """Step 5: the log against every checkpoint witness ``w`` holds (``found``, newest first)."""
    n = report.size
    if not found:
        if report.counts.get("checkpoints"):
            report.add("witness_missing", w.label,
                       f"见证处没有任何检查点，而数据库中有 {report.counts['checkpoints']} 个：见证位置设置有误或被清空，"
                       "无法对照见证发现回滚或改写（若是新设置的见证位置，运行 lawtrail checkpoint 写入当前检查点）")
        return
    newest = found[0]
    _newest_file(report, w, newest)
    report.counts["witnessed"] = report.counts.get("witnessed", 0) + len(found)
    report.notes.setdefault("witnesses", {})[w.label] = {"checkpoints": len(found), "newest_size": newest.size}
    if newest.size > n:
        report.add("witness_rollback", f"{w.label}（{newest.size} 条）",
                   f"见证处保存的检查点记录了 {newest.size} 条，但账本只有 {n} 条：账本被回滚"
                   "（恢复了旧的数据库副本，或删除了最新的条目）")
    differ = [x for x in found if x.size <= n and roots.get(x.size) != x.root]
    if differ:
        first = differ[-1]  # the smallest size: where the rewritten history begins at the latest
        report.add("witness_rewritten", f"{w.label}（{first.size} 条）",
                   f"按现有条目重算的 {first.size} 条时的默克尔根与见证处保存的不同（一致性证明不成立，共 {len(differ)} 个"
                   f"见证检查点不符）：账本被改写——即使改写后用真实密钥重新签名，也与见证不一致")


def _newest_file(report: Report, w, newest) -> None:
    """The newest witnessed file must be this log's checkpoint, validly signed, as its name says."""
    where = f"{w.label}（{newest.size} 条）"
    try:
        text = w.read(newest.name)
    except witness.WitnessError as e:
        report.add("witness_unreadable", where, f"见证检查点无法读取：{e}")
        return
    ring = keys.current()
    try:
        cp, sigs = note.verify(text, ring.verifiers)
    except note.NoteError as e:
        report.add("witness_malformed", where, f"见证检查点文本无效：{e}")
        return
    if not note.accepted(sigs, ring.required):
        report.add("witness_signature", where, "见证检查点的签名不是本系统的密钥签的，或已被改动")
    elif cp.origin != ring.required[0]:
        report.add("witness_origin", where, f"见证检查点属于另一个账本（{cp.origin}）：见证位置设置有误")
    elif (cp.size, cp.root) != (newest.size, newest.root):
        report.add("witness_malformed", where, "见证检查点的内容与其文件名记录的条目数或根哈希不同")
