"""The ledger's one write path, and reads of tree nodes.

``append`` runs inside the caller's transaction (or opens one): if the caller rolls back, the
entry never existed; once the caller commits, it exists together with the rows it describes.

How appends stay a single chain when several processes write at once:
1. Take the ledger lock for the rest of the transaction. PostgreSQL: a transaction-level
   advisory lock (released at commit or rollback). SQLite: the connection runs every
   transaction as BEGIN IMMEDIATE (settings.py), so the transaction already holds the
   database's single write lock.
2. Read the head entry (highest seq and its hash). If this process appended that very head,
   it still has the tree's frontier (the perfect nodes covering [0, size)); otherwise it reads
   the frontier with one indexed query. Nothing cached is used without this check.
3. Seal the new entries (canonical bytes, SHA-256, SM3, leaf hash), extend the frontier in
   memory, and insert the entries, their leaves and the interior nodes they complete.
4. The caller's commit makes all of it durable at once. ``seq`` is the primary key, so even a
   misconfigured database that let two appenders in would fail the second one, not fork the chain.

The hot paths use the DB-API cursor directly (Django's wrapper costs more than the query) and
count their statements in ``STATEMENTS`` so tests can pin them.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

from . import attribution, merkle
from .canonical import format_time
from .entry import prepare, seal

LOCK_KEY = int.from_bytes(b"lawtrail", "big") & ((1 << 63) - 1)
CACHE_MAX = 500_000


class LedgerError(Exception):
    """The ledger cannot do what was asked; the message is for the operator, in Chinese."""


@dataclass(frozen=True)
class Appended:
    seq: int
    time: str
    hash: str  # hex SHA-256 of the entry's bytes


class _Counter(threading.local):
    n = 0


STATEMENTS = _Counter()
_frontiers: dict[str, tuple[int, bytes, list[bytes]]] = {}  # alias -> (size, head hash, frontier)
_nodes_cache: dict[int, bytes] = {}  # committed nodes: the right edge, those read from upper tiles
_tiles_cache: dict[int, bytes] = {}  # committed tiles of level 8 and above
TILE_CACHE_MAX = 50_000  # ~50 MB


def _run(using: str, sql: str, params=(), many: bool = False, stream: str | None = None, conn=None):
    """Execute on the raw DB-API cursor; ``sql`` uses %s placeholders.

    ``stream``: a name for a server-side cursor on PostgreSQL (inside a transaction), so that
    reading millions of rows keeps memory flat; SQLite cursors stream by themselves.
    """
    conn = conn or connections[using]
    conn.ensure_connection()
    if conn.vendor == "sqlite":
        sql = sql.replace("%s", "?")
        cur = conn.connection.cursor()
    elif stream:
        cur = conn.connection.cursor(name=stream)
        cur.itersize = 5000
    else:
        cur = conn.connection.cursor()
    STATEMENTS.n += 1
    if many:
        cur.executemany(sql, params)
    else:
        cur.execute(sql, params)
    return cur


def lock(using: str = DEFAULT_DB_ALIAS, conn=None) -> None:
    """Step 1: serialise ledger writers until the current transaction ends."""
    conn = conn or connections[using]
    if not conn.in_atomic_block:
        raise LedgerError("账本锁只能在事务中获取")
    if conn.vendor == "postgresql":
        _run(using, "SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY], conn=conn)
    elif conn.vendor == "sqlite":
        if conn.settings_dict.get("OPTIONS", {}).get("transaction_mode") != "IMMEDIATE":
            raise LedgerError("SQLite 必须以 transaction_mode=IMMEDIATE 运行，否则并发追加会冲突")
    else:
        raise LedgerError(f"不支持的数据库 {conn.vendor}")


def _head(using: str, conn=None) -> tuple[int, bytes | None]:
    """Size of the log and hash of its last entry."""
    row = _run(using, "SELECT seq, hash FROM ledger_entry ORDER BY seq DESC LIMIT 1", conn=conn).fetchone()
    return (0, None) if row is None else (row[0] + 1, bytes(row[1]))


def size(using: str = DEFAULT_DB_ALIAS) -> int:
    return _head(using)[0]


def get_nodes(ids: Iterable[merkle.NodeId], using: str = DEFAULT_DB_ALIAS,
              size: int | None = None) -> dict[merkle.NodeId, bytes]:
    """Hashes of perfect nodes (leaves included), with one query for those not cached.

    With ``size`` (the tree the caller proves against), nodes whose whole tile lies within it are
    read from tiles: a proof then reads a few rows instead of one per level.
    """
    return _lookup(ids, using, size)[0]


def _lookup(ids: Iterable[merkle.NodeId], using: str, size: int | None,
            tile_keys: Iterable[int] = ()) -> tuple[dict[merkle.NodeId, bytes], dict[int, bytes]]:
    """Nodes ``ids`` and whole tiles ``tile_keys``, from the caches or else one UNION query."""
    out: dict[merkle.NodeId, bytes] = {}
    tiles: dict[int, bytes] = {}
    want_nodes: dict[int, merkle.NodeId] = {}
    want_tiles: dict[int, list[tuple[merkle.NodeId, int]]] = {}
    for key in tile_keys:
        blob = _tiles_cache.get(key)
        if blob is None:
            want_tiles.setdefault(key, [])
        else:
            tiles[key] = blob
    for n in ids:
        key = (((n[1] + 1) << n[0]) - 1) * 64 + n[0]  # merkle.node_key, inlined: this is the hot path
        h = _nodes_cache.get(key)
        if h is not None:
            out[n] = h
            continue
        if size is not None:  # merkle.tile_root, inlined
            top = n[0] - n[0] % 4 + 4
            last = (((n[1] >> (top - n[0])) + 1) << top) - 1
            if last < size:
                want_tiles.setdefault(last * 64 + top, []).append((n, key))
                continue
        want_nodes[key] = n
    if not (want_nodes or want_tiles):
        return out, tiles
    conn = connections[using]
    # Only committed rows are permanent: inside a transaction a row may yet be rolled back.
    cacheable = not conn.in_atomic_block
    parts, params = [], []
    if want_nodes:
        parts.append(f"SELECT key, hash, 0 FROM ledger_node WHERE key IN ({','.join(['%s'] * len(want_nodes))})")
        params += list(want_nodes)
    if want_tiles:
        parts.append(f"SELECT key, hashes, 1 FROM ledger_tile WHERE key IN ({','.join(['%s'] * len(want_tiles))})")
        params += list(want_tiles)
    for key, h, is_tile in _run(using, " UNION ALL ".join(parts), params, conn=conn).fetchall():
        h = bytes(h)
        if is_tile:
            tiles[key] = h
            # Keep tiles of level 8 and above (n / 256 of them, ~1 KB each); bottom tiles are as
            # many as the leaves / 16 and rarely asked for twice.
            if cacheable and key % 64 >= 2 * merkle.TILE_HEIGHT and len(_tiles_cache) < TILE_CACHE_MAX:
                _tiles_cache[key] = h
            for n, node_key in want_tiles.pop(key):
                off = merkle.tile_offset(n)
                out[n] = h[off:off + 32]
                if cacheable and key % 64 >= 2 * merkle.TILE_HEIGHT and len(_nodes_cache) < CACHE_MAX:
                    _nodes_cache[node_key] = out[n]
        else:  # the tree's right edge: shared by every proof against this size
            n = want_nodes.pop(key)
            out[n] = h
            if cacheable and len(_nodes_cache) < CACHE_MAX:
                _nodes_cache[key] = h
    if want_nodes or want_tiles:
        missing = sorted(want_nodes.values()) + sorted(want_tiles)
        raise LedgerError(f"默克尔树节点缺失：{missing[:5]}")
    return out, tiles


_ROW_START = (0, 16, 24, 28, 30)


def inclusion_path(index: int, size: int, using: str = DEFAULT_DB_ALIAS) -> list[bytes]:
    """The RFC 9162 inclusion proof of leaf ``index`` in the tree of ``size`` leaves.

    Equal to resolve_covers(inclusion_nodes(index, size), get_nodes), but the siblings below the
    fork (all but a few elements) are sliced out of the tiles along the leaf's path — at most one
    tile per 4 levels — so a proof costs one query and little Python.
    """
    covers = merkle.inclusion_nodes(index, size)
    below = max((index ^ (size - 1)).bit_length() - 1, 0)  # covers[:below] are siblings at level = position
    from_tiles: list[tuple[int, int, int]] = []  # (level, tile key, byte offset)
    others: list[merkle.NodeId] = []
    for level in range(below):
        top = level - level % 4 + 4
        last = (((index >> top) + 1) << top) - 1
        if last < size:
            r = level % 4
            from_tiles.append((level, last * 64 + top,
                               (_ROW_START[r] + (((index >> level) ^ 1) & ((1 << (4 - r)) - 1))) * 32))
        else:
            others.append(covers[level][0])
    for cover in covers[below:]:
        others.extend(cover)
    found, tiles = _lookup(others, using, size, {key for _, key, _ in from_tiles})
    path = [tiles[key][off:off + 32] for _, key, off in from_tiles]
    path += [found[covers[level][0]] for level in range(len(path), below)]
    path += [found[c[0]] if len(c) == 1 else merkle.fold([found[n] for n in c]) for c in covers[below:]]
    return path


def frontier(tree_size: int, using: str = DEFAULT_DB_ALIAS) -> list[bytes]:
    """Hashes of range_nodes(0, tree_size): enough to append to the tree or compute its root."""
    if tree_size == 0:
        return []
    ids = merkle.range_nodes(0, tree_size)
    found = get_nodes(ids, using)
    return [found[n] for n in ids]


def root(tree_size: int, using: str = DEFAULT_DB_ALIAS) -> bytes:
    return merkle.fold(frontier(tree_size, using)) if tree_size else merkle.EMPTY_ROOT


def forget_cached_tree() -> None:
    """Drop this process's cached frontier and nodes (tests; after a restore from backup)."""
    _frontiers.clear()
    _nodes_cache.clear()
    _tiles_cache.clear()


def _tiles_completed(nodes: list[tuple[int, bytes]], using: str) -> list[tuple[int, bytes]]:
    """Tile rows for every tile whose root the new ``nodes`` (key, hash) complete.

    Hashes come from this batch, or else from the stored nodes (one query): a tile completing
    after a single append needs the 30 nodes written by earlier appends.
    """
    roots = [key for key, _ in nodes if key % 64 and key % 64 % merkle.TILE_HEIGHT == 0]
    if not roots:
        return []
    have = dict(nodes)
    layout = {}
    for key in roots:
        level, last = key % 64, key // 64
        layout[key] = [merkle.node_key(n) for n in merkle.tile_nodes((level, last >> level))]
    missing = {k for keys in layout.values() for k in keys if k not in have}
    if missing:
        rows = _run(using, f"SELECT key, hash FROM ledger_node WHERE key IN ({','.join(['%s'] * len(missing))})",
                    list(missing)).fetchall()
        have.update((k, bytes(h)) for k, h in rows)
    return [(key, b"".join(have[k] for k in keys)) for key, keys in layout.items()]


DERIVE: Any = object()  # bureau not given: attribution.derive decides from the subject and actor


def append(*, actor: str, action: str, subject: str = "", payload: Any = None, bureau: int | None = DERIVE,
           using: str = DEFAULT_DB_ALIAS) -> Appended:
    """Append one entry in the current transaction. Raises EncodingError for bad input.

    ``bureau``: the id of the bureau the entry belongs to, None for the installation; left out, it
    is derived from the subject (ledger/attribution.py) — pass it only where that is wrong.
    """
    return append_many([{"actor": actor, "action": action, "subject": subject, "payload": payload,
                         "bureau": bureau}], using)[0]


def append_many(items: Iterable[Mapping[str, Any]], using: str = DEFAULT_DB_ALIAS) -> list[Appended]:
    """Append several entries in one transaction (imports, bulk loads); same checks as append.

    An item without ``"bureau"`` (or with DERIVE) has it derived, with one query per kind of
    subject for the whole batch."""
    max_bytes = settings.LAWTRAIL_LEDGER_MAX_ENTRY_BYTES
    items = list(items)
    bureaus = [i.get("bureau", DERIVE) for i in items]
    unknown = [n for n, b in enumerate(bureaus) if b is DERIVE]
    if unknown:
        for n, b in zip(unknown, attribution.derive([(items[n]["actor"], items[n].get("subject", ""))
                                                     for n in unknown], using)):
            bureaus[n] = b
    prepared = [prepare(actor=i["actor"], action=i["action"], subject=i.get("subject", ""), bureau=b,
                        payload=i.get("payload"), max_bytes=max_bytes) for i, b in zip(items, bureaus)]
    if not prepared:
        return []
    conn = connections[using]
    with transaction.atomic(using=using, savepoint=False):
        lock(using, conn)
        n, prev = _head(using, conn)
        cached = _frontiers.get(using)
        front = cached[2] if cached and cached[:2] == (n, prev) else frontier(n, using)
        now = format_time(timezone.now())
        entries, nodes, done = [], [], []
        for p in prepared:
            s = seal(p, seq=n, time=now, prev=prev)
            nodes.append((n * 64, s.leaf))
            front, completed = merkle.extend(front, n, s.leaf)
            entries.append((s.seq, s.subject, s.bureau, s.body, s.hash, s.sm3))
            nodes.extend((merkle.node_key(nid), h) for nid, h in completed)
            done.append(Appended(s.seq, s.time, s.hash.hex()))
            prev, n = s.hash, n + 1
        _run(using, "INSERT INTO ledger_entry (seq, subject, bureau, body, hash, sm3)"
                    " VALUES (%s, %s, %s, %s, %s, %s)", entries, many=True, conn=conn)
        _run(using, "INSERT INTO ledger_node (key, hash) VALUES (%s, %s)", nodes, many=True, conn=conn)
        tiles = _tiles_completed(nodes, using)
        if tiles:
            _run(using, "INSERT INTO ledger_tile (key, hashes) VALUES (%s, %s)", tiles, many=True, conn=conn)
        _frontiers[using] = (n, prev, front)
    return done
