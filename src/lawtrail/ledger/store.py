"""The ledger's one write path, and reads of tree nodes.

``append`` runs inside the caller's transaction (or opens one): if the caller rolls back, the
entry never existed; once the caller commits, it exists together with the rows it describes.

How appends stay a single chain when several processes write at once:
1. Take the ledger lock for the rest of the transaction. PostgreSQL: a transaction-level
   advisory lock (released at commit or rollback). SQLite: the connection runs every
   transaction as BEGIN IMMEDIATE (settings.py), so the transaction already holds the
   database's single write lock.
2. Read the head entry (highest seq) and the tree's frontier — the perfect nodes covering
   [0, size) — with at most two indexed queries; nothing is cached between transactions.
3. Seal the new entries (canonical bytes, SHA-256, SM3, leaf hash), extend the frontier in
   memory, and insert the entries and the interior nodes they complete.
4. The caller's commit makes all of it durable at once. ``seq`` is the primary key, so even a
   misconfigured database that let two appenders in would fail the second one, not fork the chain.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

from . import merkle
from .canonical import format_time
from .entry import prepare, seal
from .models import Entry, Node

LOCK_KEY = int.from_bytes(b"lawtrail", "big") & ((1 << 63) - 1)


class LedgerError(Exception):
    """The ledger cannot do what was asked; the message is for the operator, in Chinese."""


@dataclass(frozen=True)
class Appended:
    seq: int
    time: str
    hash: str  # hex SHA-256 of the entry's bytes


def lock(using: str = DEFAULT_DB_ALIAS) -> None:
    """Step 1: serialise ledger writers until the current transaction ends."""
    conn = connections[using]
    if not conn.in_atomic_block:
        raise LedgerError("账本锁只能在事务中获取")
    if conn.vendor == "postgresql":
        with conn.cursor() as c:
            c.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
    elif conn.vendor == "sqlite":
        if conn.settings_dict.get("OPTIONS", {}).get("transaction_mode") != "IMMEDIATE":
            raise LedgerError("SQLite 必须以 transaction_mode=IMMEDIATE 运行，否则并发追加会冲突")
    else:
        raise LedgerError(f"不支持的数据库 {conn.vendor}")


def _head(using: str) -> tuple[int, bytes | None, str | None]:
    """Size of the log, hash of the last entry and its body."""
    with connections[using].cursor() as c:
        c.execute(f"SELECT seq, hash, body FROM {Entry._meta.db_table} ORDER BY seq DESC LIMIT 1")
        row = c.fetchone()
    if row is None:
        return 0, None, None
    return row[0] + 1, bytes(row[1]), row[2]


def size(using: str = DEFAULT_DB_ALIAS) -> int:
    return _head(using)[0]


def get_nodes(ids: Iterable[merkle.NodeId], using: str = DEFAULT_DB_ALIAS,
              known: Mapping[int, str] | None = None) -> dict[merkle.NodeId, bytes]:
    """Hashes of perfect nodes: leaves from entry bodies, the rest from stored nodes (2 queries)."""
    ids = set(ids)
    leaves = {i for lvl, i in ids if lvl == 0}
    inner = {merkle.node_key(n): n for n in ids if n[0] > 0}
    out: dict[merkle.NodeId, bytes] = {}
    bodies = dict(known or {})
    missing = [i for i in leaves if i not in bodies]
    if missing:
        bodies.update(Entry.objects.using(using).filter(seq__in=missing).values_list("seq", "body"))
    for i in leaves:
        if i not in bodies:
            raise LedgerError(f"账本条目 #{i} 缺失，无法计算默克尔树")
        out[(0, i)] = merkle.hash_leaf(bodies[i].encode("utf-8"))
    if inner:
        for key, h in Node.objects.using(using).filter(key__in=list(inner)).values_list("key", "hash"):
            out[inner.pop(key)] = bytes(h)
        if inner:
            raise LedgerError(f"默克尔树节点缺失：{sorted(inner.values())[:5]}")
    return out


def frontier(tree_size: int, using: str = DEFAULT_DB_ALIAS, head: tuple[int, str] | None = None) -> list[bytes]:
    """Hashes of range_nodes(0, tree_size): enough to append to the tree or compute its root."""
    if tree_size == 0:
        return []
    ids = merkle.range_nodes(0, tree_size)
    found = get_nodes(ids, using, known=dict([head]) if head else None)
    return [found[n] for n in ids]


def root(tree_size: int, using: str = DEFAULT_DB_ALIAS) -> bytes:
    return merkle.fold(frontier(tree_size, using)) if tree_size else merkle.EMPTY_ROOT


def append(*, actor: str, action: str, subject: str = "", payload: Any = None,
           using: str = DEFAULT_DB_ALIAS) -> Appended:
    """Append one entry in the current transaction. Raises EncodingError for bad input."""
    return append_many([{"actor": actor, "action": action, "subject": subject, "payload": payload}], using)[0]


def append_many(items: Iterable[Mapping[str, Any]], using: str = DEFAULT_DB_ALIAS) -> list[Appended]:
    """Append several entries in one transaction (imports, bulk loads); same checks as append."""
    max_bytes = settings.LAWTRAIL_LEDGER_MAX_ENTRY_BYTES
    prepared = [prepare(actor=i["actor"], action=i["action"], subject=i.get("subject", ""),
                        payload=i.get("payload"), max_bytes=max_bytes) for i in items]
    if not prepared:
        return []
    with transaction.atomic(using=using, savepoint=False):
        lock(using)
        n, prev, head_body = _head(using)
        front = frontier(n, using, head=(n - 1, head_body) if n else None)
        now = format_time(timezone.now())
        entries: list[Entry] = []
        nodes: list[Node] = []
        done: list[Appended] = []
        for p in prepared:
            s = seal(p, seq=n, time=now, prev=prev)
            front, completed = merkle.extend(front, n, s.leaf)
            entries.append(Entry(seq=s.seq, time=s.time, actor=s.actor, action=s.action, subject=s.subject,
                                 body=s.body, hash=s.hash, sm3=s.sm3))
            nodes.extend(Node(key=merkle.node_key(nid), hash=h) for nid, h in completed)
            done.append(Appended(s.seq, s.time, s.hash.hex()))
            prev, n = s.hash, n + 1
        Entry.objects.using(using).bulk_create(entries, batch_size=500)
        if nodes:
            Node.objects.using(using).bulk_create(nodes, batch_size=500)
    return done

