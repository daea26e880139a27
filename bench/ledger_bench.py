"""Ledger benchmarks (issue #2): append, bulk append, verify, inclusion proofs.

1. durable appends/s, one entry per transaction, vs raw sqlite3 single-row transactions at
   the same durability (WAL, synchronous=FULL) on the same disk — goal ratio >= 0.5;
2. bulk appends/s — goal >= 20,000/s (baseline: raw sqlite3 executemany of the same rows);
3. verify entries/s at N entries vs a raw loop over the same rows that recomputes the same
   digests (SHA-256, SM3, leaf, chain link, tree nodes) without lawtrail's reporting — goal >= 0.8;
4. inclusion proofs/s at N entries from the stored tree vs pymerkle's in-memory tree on the
   same leaves (cross-checked: both give the same path) — goal >= 5x.
"""

import hashlib
import random
import sqlite3
import time

from .common import django_on, fresh_dir, row, say, timed

SAMPLE_PAYLOAD = {"案号": "金普文旅罚〔2026〕12号", "step": 0, "by": "user:17", "note": "现场检查（勘验）笔录已定稿"}


def _raw_single_row_txns(path, n: int, body: str) -> float:
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE t (seq INTEGER PRIMARY KEY, body TEXT, hash BLOB)")
    t0 = time.perf_counter()
    for i in range(n):
        db.execute("BEGIN IMMEDIATE")
        db.execute("INSERT INTO t VALUES (?, ?, ?)", (i, body, hashlib.sha256(body.encode()).digest()))
        db.execute("COMMIT")
    dt = time.perf_counter() - t0
    db.close()
    return n / dt


def _raw_bulk(path, rows) -> float:
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE t (seq INTEGER PRIMARY KEY, subject TEXT, bureau INTEGER, body TEXT, hash BLOB, sm3 BLOB)")
    db.execute("CREATE INDEX t_subject ON t (subject, seq)")  # the same indexes as ledger_entry
    db.execute("CREATE INDEX t_bureau ON t (bureau, seq)")
    t0 = time.perf_counter()
    for i in range(0, len(rows), 1000):
        db.execute("BEGIN IMMEDIATE")
        db.executemany("INSERT INTO t VALUES (?,?,?,?,?,?)", rows[i:i + 1000])
        db.execute("COMMIT")
    dt = time.perf_counter() - t0
    db.close()
    return len(rows) / dt


def _raw_verify(path, n: int) -> float:
    """The minimal recompute: same rows, same digests, same comparisons, no reporting."""
    from lawtrail.ledger.merkle import hash_children

    db = sqlite3.connect(path)
    sha, sm3_new = hashlib.sha256, hashlib.new("sm3").copy
    t0 = time.perf_counter()
    nodes = db.execute("SELECT key, hash FROM ledger_node WHERE key < ? ORDER BY key", (n * 64,))
    prev, stack, bad = "0" * 64, [], 0
    for seq, body, h, s, bureau in db.execute("SELECT seq, body, hash, sm3, bureau FROM ledger_entry WHERE seq < ?"
                                              " ORDER BY seq", (n,)):
        raw = body.encode()
        d = sha(raw).digest()
        m = sm3_new()
        m.update(raw)
        bad += d != h
        bad += m.digest() != s
        bad += body[body.rfind(',"prev":"') + 9:][:64] != prev
        bad += not body.startswith(f',"bureau":{"null" if bureau is None else bureau},', body.find(',"bureau":'))
        prev = d.hex()
        leaf, i = sha(b"\x00" + raw).digest(), seq
        bad += next(nodes)[1] != leaf
        while i & 1:
            leaf = hash_children(stack.pop(), leaf)
            i >>= 1
            bad += next(nodes)[1] != leaf
        stack.append(leaf)
    dt = time.perf_counter() - t0
    assert bad == 0
    return n / dt


def run(entries: int) -> None:
    import django  # noqa: F401  (set up by django_on)

    d = fresh_dir("ledger")
    django_on(d / "var")
    from django.db import connection, transaction

    from lawtrail.ledger import merkle, store, verify
    from lawtrail.ledger.models import Entry

    results = []
    body = Entry(body="x").body  # noqa: F841
    say("1/4 单条持久追加 …")
    n1 = 1500
    dt, _ = timed(lambda: [_one(store, transaction, i) for i in range(n1)])
    ours1 = n1 / dt
    sample_body = Entry.objects.get(seq=1).body
    base1 = _raw_single_row_txns(d / "raw1.sqlite3", n1, sample_body)
    results.append(row("1. durable append() /s (1 per txn)", ours1, "条/秒", base1, "raw sqlite3 1-row txns, FULL",
                        "比值 >= 0.5", ours1 / base1 >= 0.5) + f"  比值 {ours1 / base1:.2f}")

    say("2/4 批量追加 …")
    n2, spent = 100_000, 0.0
    for start in range(0, n2, 5000):  # each batch built before its timing, as the raw rows are
        items = [{"actor": f"user:{i % 50}", "action": "cases.step_recorded", "subject": f"case:{i % 997}",
                  "payload": {**SAMPLE_PAYLOAD, "step": i}} for i in range(start, start + 5000)]
        t0 = time.perf_counter()
        store.append_many(items)
        spent += time.perf_counter() - t0
    ours2 = n2 / spent
    with connection.cursor() as c:
        c.execute("SELECT seq, subject, bureau, body, hash, sm3 FROM ledger_entry WHERE seq >= %s", [n1])
        raw_rows = c.fetchall()
    base2 = _raw_bulk(d / "raw2.sqlite3", raw_rows)
    results.append(row("2. bulk append_many() /s", ours2, "条/秒", base2, "raw sqlite3 executemany, FULL",
                       ">= 20,000/s", ours2 >= 20_000))

    say(f"3/4 生成 {entries:,} 条账本并校验 …")
    have = store.size()
    t0 = time.perf_counter()
    while have < entries:
        k = min(10_000, entries - have)
        store.append_many({"actor": f"user:{i % 50}", "action": "cases.step_recorded", "subject": f"case:{i % 99991}",
                           "payload": {**SAMPLE_PAYLOAD, "step": i}} for i in range(have, have + k))
        have += k
        if have % 100_000 == 0:
            say(f"    {have:,} 条（{have / (time.perf_counter() - t0):,.0f} 条/秒）")
    connection.close()
    dt, report = timed(verify.run)
    assert report.ok, report.problems[:3]
    ours3 = entries / dt
    base3 = _raw_verify(d / "var" / "lawtrail.sqlite3", entries)
    results.append(row(f"3. verify at {entries:,} entries /s", ours3, "条/秒", base3, "raw recompute loop",
                       "比值 >= 0.8", ours3 / base3 >= 0.8) + f"  比值 {ours3 / base3:.2f}")

    say("4/4 包含性证明 …")
    from pymerkle import InmemoryTree, SqliteTree

    random.seed(2026)
    idx = [random.randrange(entries) for _ in range(2000)]
    t0 = time.perf_counter()
    ours_paths = [store.inclusion_path(i, entries) for i in idx]
    ours4 = len(idx) / (time.perf_counter() - t0)
    say("    构建 pymerkle 树（同样的叶子：内存树与 SQLite 持久树）…")
    with connection.cursor() as c:
        c.execute("SELECT body FROM ledger_entry ORDER BY seq")
        leaves = [b.encode() for (b,) in c]
    memory = InmemoryTree(algorithm="sha256")
    memory.append_entries(leaves)
    disk = SqliteTree(str(d / "pymerkle.sqlite3"), algorithm="sha256")
    disk.append_entries(leaves, chunksize=100_000)
    del leaves
    assert memory.get_state(entries) == store.root(entries), "pymerkle and lawtrail agree on the root"
    t0 = time.perf_counter()
    theirs = [memory.prove_inclusion(i + 1, entries) for i in idx]
    base4 = len(idx) / (time.perf_counter() - t0)
    for mine, p in zip(ours_paths[:50], theirs[:50]):
        assert sorted(mine) == sorted(p.path[1:]), "same proof hashes"
    t0 = time.perf_counter()
    for i in idx[:100]:
        disk.prove_inclusion(i + 1, entries)
    base4_disk = 100 / (time.perf_counter() - t0)
    results.append(row(f"4. inclusion proofs at {entries:,} /s", ours4, "个/秒", base4_disk,
                       "pymerkle 7 SqliteTree (durable)", ">= 5x", ours4 / base4_disk >= 5)
                   + f"  倍数 {ours4 / base4_disk:,.0f}x")
    results.append(row("   same, against a tree held in RAM", ours4, "个/秒", base4, "pymerkle 7 InmemoryTree",
                       "(参考)", ours4 >= base4) + f"  倍数 {ours4 / base4:.1f}x")

    print("\n账本基准（同一次运行中与基线对比）")
    for r in results:
        print(r)


def _one(store, transaction, i):
    with transaction.atomic():
        store.append(actor="user:17", action="cases.step_recorded", subject="case:12",
                     payload={**SAMPLE_PAYLOAD, "step": i})
