"""Issue signed checkpoints and build proofs against them."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, transaction
from django.utils import timezone

from . import keys, merkle, note, store
from .canonical import format_time
from .models import Checkpoint

log = logging.getLogger(__name__)


def issue(using: str = DEFAULT_DB_ALIAS, *, only_if_grown: bool = False) -> Checkpoint | None:
    """Sign the current tree. With only_if_grown, do nothing when the latest checkpoint is current.

    Holds the ledger lock, so the size and root it signs are those of a committed prefix and two
    workers issuing at once produce one checkpoint per size, not a race.
    """
    ring = keys.current()
    with transaction.atomic(using=using):
        store.lock(using)
        n = store.size(using)
        if only_if_grown:
            last = Checkpoint.objects.using(using).order_by("-id").values_list("size", flat=True).first()
            if last is not None and last == n:
                return None
        cp = note.Checkpoint(settings.LAWTRAIL_LOG_ORIGIN, n, store.root(n, using), format_time(timezone.now()))
        row = Checkpoint.objects.using(using).create(size=n, root=cp.root, time=cp.time,
                                                     note=note.sign(cp, ring.signers))
    log.info("checkpoint issued: size %d root %s", n, cp.root.hex())
    return row


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
        cp = issue(using)
    path = store.inclusion_path(seq, cp.size, using)
    ring = keys.current()
    return build(seq=seq, body=entry, tree_size=cp.size, proof=path, checkpoint=cp.note,
                 public_keys={v.name: v.pem() for v in ring.verifiers})


def consistency(size1: int, size2: int, using: str = DEFAULT_DB_ALIAS) -> list[bytes]:
    if size1 == size2:
        return []
    return merkle.resolve(merkle.consistency_proof(size1, size2), lambda ids: store.get_nodes(ids, using, size2))
