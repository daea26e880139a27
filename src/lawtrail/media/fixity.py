"""Fixity: are the stored originals still the bytes that were recorded? (issue #5; 003 第二十四条(二)
forbids deleting or editing originals, and this is how a change would be found.)

Registered with ``lawtrail verify``, which runs it after the ledger's own checks:

1. Choose the objects: every Blob (originals and derivatives alike), or a random sample when the
   caller asks for one (``options["media_sample"]``: a count, or a fraction below 1).
2. For each, ask the store whether it holds the object; a missing one is ``object_missing``.
3. Re-read it in chunks, hashing SHA-256 and SM3 in one pass; a size or digest that differs from
   the Blob row (whose state is itself proved against its ledger entry by ``check_rows``) is
   ``object_changed``, naming the file and what differs.

4. On a full check, count the objects the store holds that no Blob names: bytes stored by an
   upload whose completion crashed before its commit. They are not evidence of tampering (no
   record ever named them) and the store never deletes; they are counted and listed for the
   operator, and a later upload of the same bytes adopts them.

``options["media_progress"](done_bytes, total_bytes)`` is called as bytes are read.
``options["media"] = False`` skips the whole check (a quick ledger-only verify).
"""

from __future__ import annotations

import random

from .digests import Hasher
from .storage import ObjectMissing, StoreError, get_store

READ = 4 * 1024 * 1024


def chosen(using: str, sample) -> list:
    from .models import Blob

    blobs = list(Blob.objects.using(using).order_by("pk").only("pk", "sha256", "sm3", "size"))
    if sample is None or not blobs:
        return blobs
    n = max(1, round(len(blobs) * sample)) if isinstance(sample, float) and sample < 1 else int(sample)
    return sorted(random.SystemRandom().sample(blobs, min(n, len(blobs))), key=lambda b: b.pk)


def check_objects(report, using: str) -> None:
    opts = report.options
    if opts.get("media") is False:
        return
    blobs = chosen(using, opts.get("media_sample"))  # step 1
    progress = opts.get("media_progress")
    total, done = sum(b.size for b in blobs), 0
    store = get_store()
    for b in blobs:
        where = f"原件 {b.sha256}"
        try:
            f = store.open(b.sha256)  # step 2
        except ObjectMissing:
            report.add("object_missing", where, "存储中找不到该对象（被删除或移走）")
            done += b.size
            continue
        except StoreError as e:
            report.add("object_unreadable", where, f"无法读取：{e}")
            done += b.size
            continue
        h = Hasher()  # step 3
        with f:
            while block := f.read(READ):
                h.update(block)
                if progress:
                    progress(done + h.size, total)
        done += b.size
        d = h.digests()
        differs = [name for name, now, want in (("大小", d.size, b.size), ("SHA-256", d.sha256, b.sha256),
                                                 ("SM3", d.sm3, b.sm3)) if now != want]
        if differs:
            report.add("object_changed", where, f"存储的字节与记录不符（{'、'.join(differs)}不同）：原件被改动或损坏")
    report.counts["media_objects"] = len(blobs)
    report.counts["media_bytes"] = total
    if opts.get("media_sample") is None:  # step 4, on a full check only
        known = set(_recorded_sha256s(using))
        stray = [o.sha256 for o in store.iter_objects() if o.sha256 not in known]
        report.counts["media_unrecorded"] = len(stray)
        if stray:
            report.notes["media_unrecorded"] = stray[:100]


def _recorded_sha256s(using: str):
    from .models import Blob

    return Blob.objects.using(using).values_list("sha256", flat=True).iterator()
