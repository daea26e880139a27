"""Issue signed checkpoints, hand each to the witnesses (witness.py), and build proofs against them."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, transaction
from django.utils import timezone

from . import keys, merkle, note, store, witness
from .canonical import format_time
from .models import Checkpoint

log = logging.getLogger(__name__)


def issue(using: str = DEFAULT_DB_ALIAS, *, only_if_grown: bool = False) -> Checkpoint | None:
    """Sign the current tree and write it to every witness. With only_if_grown, do nothing when the
    latest checkpoint is current (but write it to a witness that lacks it).

    Holds the ledger lock, so the size and root it signs are those of a committed prefix and two
    workers issuing at once produce one checkpoint per size, not a race. The witnesses are written
    after the commit, outside the lock (an S3 witness that hangs must not stop every append); a
    witness that fails raises ``witness.WitnessError`` — the checkpoint stays in the database, and
    the next round of the worker writes it again.
    """
    ring = keys.current()
    row = current = None
    with transaction.atomic(using=using):
        store.lock(using)
        n = store.size(using)
        if only_if_grown:
            current = Checkpoint.objects.using(using).order_by("-id").first()
            if current is not None and current.size != n:
                current = None
        if current is None:
            cp = note.Checkpoint(settings.LAWTRAIL_LOG_ORIGIN, n, store.root(n, using), format_time(timezone.now()))
            row = Checkpoint.objects.using(using).create(size=n, root=cp.root, time=cp.time,
                                                         note=note.sign(cp, ring.signers))
            log.info("checkpoint issued: size %d root %s", n, cp.root.hex())
    target = row or current
    if target is not None:
        if transaction.get_connection(using).in_atomic_block:
            # Inside a caller's transaction: only what it commits may be witnessed.
            transaction.on_commit(lambda: publish(target, using), using=using, robust=True)
        else:
            publish(target, using, only_missing=row is None)
    return row


def publish(row: Checkpoint, using: str = DEFAULT_DB_ALIAS, *, only_missing: bool = False) -> None:
    """Write checkpoint ``row`` to every configured witness, create-once.

    First it must extend the newest checkpoint the witness holds (an RFC 9162 consistency proof
    from the stored tree): after a rollback or a rewrite, issuing refuses loudly instead of handing
    the witness a history that contradicts it. ``only_missing``: skip a witness that has it already
    (the worker's idle rounds: one exists() call instead of a listing).
    """
    root = bytes(row.root)
    wanted = witness.name(row.size, root)
    failures = []
    for w in witness.configured():
        try:
            if only_missing and w.exists(wanted):
                continue
            held = w.newest()
            why = None if held is None else _contradicts(held, row.size, root, using)
            if why:
                raise witness.WitnessError(f"{w.label}：{why}，拒绝写入。请立即运行 lawtrail verify")
            if w.create(wanted, row.note):
                log.info("checkpoint of size %d written to %s", row.size, w.label)
        except witness.WitnessError as e:
            log.error("checkpoint of size %d not witnessed: %s", row.size, e)
            failures.append(str(e))
    if failures:
        raise witness.WitnessError("；".join(failures))


def _contradicts(held: witness.Witnessed, size: int, root: bytes, using: str) -> str | None:
    """Why a checkpoint (size, root) cannot follow the witnessed one, or None if it extends it."""
    if held.size > size:
        return (f"见证处已有 {held.size} 条时的检查点，而账本现在只有 {size} 条：账本被回滚"
                "（恢复了旧的数据库副本，或删除了最新的条目）")
    if held.size == size:
        return None if held.root == root else f"见证处 {size} 条时的根哈希与账本不同：账本被改写"
    if held.size == 0:
        return None
    try:
        proof = consistency(held.size, size, using)
        ok = merkle.verify_consistency(held.size, size, held.root, root, proof)
    except Exception:  # a node missing from the stored tree is itself a sign of tampering
        ok = False
    return None if ok else f"账本现在的 {size} 条不是见证处 {held.size} 条时的延续（一致性证明失败）：账本被改写"


def latest(using: str = DEFAULT_DB_ALIAS) -> Checkpoint | None:
    return Checkpoint.objects.using(using).order_by("-id").first()


def inclusion(seq: int, using: str = DEFAULT_DB_ALIAS) -> dict:
    """An inclusion proof of entry ``seq`` against the latest checkpoint that covers it.

    If no checkpoint covers the entry yet, one is issued first. Returns the proof document that
    proofs.check() verifies without a database.
    """
    from .models import Entry
    from .proofs import build

    entry = Entry.objects.using(using).filter(seq=seq).values_list("body", flat=True).first()
    if entry is None:
        raise store.LedgerError(f"账本中没有序号为 {seq} 的条目")
    cp = latest(using)
    if cp is None or cp.size <= seq:
        try:
            cp = issue(using)
        except witness.WitnessError:  # logged; the proof holds all the same, and the worker retries the witness
            cp = latest(using)
    path = store.inclusion_path(seq, cp.size, using)
    ring = keys.current()
    return build(seq=seq, body=entry, tree_size=cp.size, proof=path, checkpoint=cp.note,
                 public_keys={v.name: v.pem() for v in ring.verifiers})


def consistency(size1: int, size2: int, using: str = DEFAULT_DB_ALIAS) -> list[bytes]:
    if size1 == size2:
        return []
    return merkle.resolve(merkle.consistency_proof(size1, size2), lambda ids: store.get_nodes(ids, using, size2))
