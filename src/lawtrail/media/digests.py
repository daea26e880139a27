"""SHA-256 and SM3 of a byte stream, computed in the same pass that writes or reads it.

An upload is hashed while it is written (``StagedHasher`` across its chunks; ``HashingWriter`` for
a file copied in one go), so a multi-GB file is never read again from disk just to learn its
digests; fixity re-hashes a stored object with ``hash_stream``. Both algorithms come from OpenSSL
through ``hashlib`` (SM3 is GB/T 32905), which releases the GIL while it hashes.

SM3 is the slow one (~180 MB/s on the 2-core development VM, against ~1.4 GB/s for SHA-256 with
SHA-NI), so it gets a thread of its own. ``Hasher``/``HashingWriter``: for pieces of 1 MiB or more,
SHA-256 — and the write itself — run on a second thread while the caller's thread computes SM3;
``hash_file`` reaches 0.95x ``openssl dgst -sm3`` (which computes SM3 alone). ``StagedHasher``
(uploads): SM3 trails the writes on a helper thread, reading the bytes back from the page cache,
so it never waits for the network between chunks — the upload path's ceiling is SM3 itself
(``bench/media_bench.py``).

``CHUNK_SIZE`` is 4 MiB: ``bench/media_bench.py`` sweeps 1, 4 and 16 MiB for ``hash_file``; in
every run 4 and 16 MiB were level (within 5%) and up to 40% ahead of 1 MiB, and 4 MiB costs less memory.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from os import PathLike
from typing import BinaryIO

CHUNK_SIZE = 4 << 20
_PARALLEL_MIN = 1 << 20  # below this, handing a piece to another thread costs more than it saves
TRAIL = 128 << 20  # how far SM3 may trail an upload's writes: two of the API's largest chunks
_SHARE = 32 << 20  # what one helper job hashes of a trailing SM3 before queueing itself again

_HEX64 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Digests:
    """What identifies a file's bytes: lower-case hex SHA-256 (its address in the store), SM3 and size."""

    sha256: str
    sm3: str
    size: int

    def __post_init__(self):
        if not isinstance(self.sha256, str) or not _HEX64.fullmatch(self.sha256):
            raise ValueError(f"SHA-256 {self.sha256!r} 无效：应为 64 位小写十六进制")
        if not isinstance(self.sm3, str) or not _HEX64.fullmatch(self.sm3):
            raise ValueError(f"SM3 {self.sm3!r} 无效：应为 64 位小写十六进制")
        if isinstance(self.size, bool) or not isinstance(self.size, int) or self.size < 0:
            raise ValueError(f"文件大小 {self.size!r} 无效：应为非负整数")


_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def background(fn, *args) -> Future:
    """Run ``fn(*args)`` on the shared helper threads (one per core) while the caller works on.
    A job must not itself wait for another job (they could all be waiting)."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2), thread_name_prefix="lawtrail-digests")
    return _pool.submit(fn, *args)


_local = threading.local()


def _buffer() -> memoryview:
    """A ``CHUNK_SIZE`` buffer of the calling thread's own, allocated once: the helper threads
    read many GB through it without churning the allocator (and the server's RSS)."""
    if not hasattr(_local, "buffer"):
        _local.buffer = memoryview(bytearray(CHUNK_SIZE))
    return _local.buffer


class Hasher:
    """Feeds each piece to SHA-256 and SM3 and counts its bytes."""

    def __init__(self) -> None:
        self._sha256 = hashlib.sha256()
        self._sm3 = hashlib.new("sm3")
        self.size = 0

    def update(self, data) -> None:
        view = memoryview(data).cast("B")
        self._beside_sm3(view, self._sha256.update)
        self.size += view.nbytes

    def digests(self) -> Digests:
        return Digests(self._sha256.hexdigest(), self._sm3.hexdigest(), self.size)

    def _beside_sm3(self, view: memoryview, side) -> None:
        """``side(view)``, then SM3 of ``view``; for a large piece both at once on two threads."""
        if view.nbytes < _PARALLEL_MIN:
            side(view)
            self._sm3.update(view)
            return
        job = background(side, view)
        try:
            self._sm3.update(view)
        finally:
            job.result()  # the view must outlive the job; this also raises the job's error


class HashingWriter(Hasher):
    """Wraps a binary file open for writing: every byte that reaches the file is hashed on its way.

    ``write`` writes all of ``data`` (looping over short writes of raw files). If the file refuses
    bytes (disk full, I/O error), the error propagates and the digests still describe exactly the
    bytes that reached the file.
    """

    def __init__(self, f: BinaryIO):
        super().__init__()
        self._f = f

    def write(self, data) -> int:
        view = memoryview(data).cast("B")
        done = 0

        def write_and_sha256(v: memoryview) -> None:
            nonlocal done
            while done < v.nbytes:
                n = self._f.write(v[done:])
                if not n:  # None: a non-blocking file would block; 0: nothing taken. Either way, stop.
                    raise OSError(f"写入中断：文件只接受了 {done} / {v.nbytes} 字节")
                self._sha256.update(v[done:done + n])
                done += n

        sm3_before = self._sm3.copy()
        try:
            self._beside_sm3(view, write_and_sha256)
        except BaseException:
            self._sm3 = sm3_before  # SM3 may have run over bytes the file never took
            self._sm3.update(view[:done])
            raise
        finally:
            self.size += done
        return done


class StagedHasher:
    """The digests of a file written front to back over many calls — an upload's staging file,
    chunk after chunk, its hash state kept between the chunks' requests.

    ``extend`` is called with each piece just after it was written (and flushed) at the file's end:
    SHA-256 of the piece is computed there and then, on the writer's thread. SM3 — five times
    slower — runs on a helper thread that reads the written bytes back from the file (the page
    cache: they were just written) and may trail the writer by up to ``trail`` bytes. So SM3 never
    waits for the network: it works on through a chunk's fsync, its answer and the arrival of the
    next chunk (whose first bytes may wait in the socket, or — past ``serve``'s streaming slots —
    in waitress's buffer until the whole chunk is in, web/streaming.py). The writer
    waits only while SM3 is more than ``trail`` behind; the memory is one buffer, whatever the
    trail. ``digests`` waits until SM3 has caught up.

    One writer at a time (the upload's file lock). If SM3 cannot read what it was told is in the
    file (the file was cut short behind its back), the next ``extend`` or ``digests`` raises: a
    hash state that missed bytes never gives digests.
    """

    def __init__(self, path: str | PathLike, trail: int = TRAIL):
        self.path, self.trail = path, trail
        self._sha256 = hashlib.sha256()
        self._sm3 = hashlib.new("sm3")  # touched only by the one helper job running, and after settle()
        self.size = 0     # bytes given, SHA-256'd
        self._hashed = 0  # bytes SM3 has seen
        self._job: Future | None = None
        self._stopped = False
        self._error: BaseException | None = None
        self._changed = threading.Condition()

    def extend(self, data) -> None:
        view = memoryview(data).cast("B")
        self._sha256.update(view)
        with self._changed:
            self._check()
            self.size += view.nbytes
            if self._job is None:
                self._job = background(self._follow)
            while self.size - self._hashed > self.trail and self._error is None:
                self._changed.wait()
            self._check()

    @property
    def behind(self) -> int:
        """Bytes given that SM3 has yet to see."""
        with self._changed:
            return self.size - self._hashed

    def settle(self) -> None:
        """Wait until SM3 has seen every byte given (raising its error, if it failed)."""
        with self._changed:
            while self._job is not None:
                self._changed.wait()
            self._check()

    def digests(self) -> Digests:
        self.settle()
        return Digests(self._sha256.hexdigest(), self._sm3.hexdigest(), self.size)

    def abandon(self) -> None:
        """Stop SM3 where it stands and wait until no helper holds this state (it is thrown away)."""
        with self._changed:
            self._stopped = True
            while self._job is not None:
                self._changed.wait()

    def _check(self) -> None:
        if self._stopped:
            raise RuntimeError("哈希状态已被放弃")
        if self._error is not None:
            raise self._error

    def _follow(self) -> None:
        """A helper job: SM3 of what the file holds past ``_hashed``, up to ``_SHARE`` bytes; then
        the job queues itself again behind any other job, so long uploads share the helpers."""
        view = _buffer()
        try:
            with open(self.path, "rb", buffering=0) as f:
                share = _SHARE
                while True:
                    with self._changed:
                        at, end = self._hashed, self.size
                        if at >= end or self._stopped:
                            self._job = None
                            self._changed.notify_all()
                            return
                        if share <= 0:
                            self._job = background(self._follow)
                            return
                    n = os.preadv(f.fileno(), [view[:min(view.nbytes, end - at)]], at)
                    if not n:
                        raise OSError(f"暂存文件短于已写入的字节数：第 {at} 字节处已到文件末尾（应有 {end} 字节）")
                    self._sm3.update(view[:n])
                    share -= n
                    with self._changed:
                        self._hashed += n
                        self._changed.notify_all()
        except BaseException as e:
            with self._changed:
                self._error, self._job = e, None
                self._changed.notify_all()


def hash_stream(f: BinaryIO, chunk_size: int = CHUNK_SIZE) -> Digests:
    """Digests of everything left in ``f``, read in ``chunk_size`` pieces into one reused buffer."""
    hasher = Hasher()
    buf = bytearray(chunk_size)
    view = memoryview(buf)
    while n := f.readinto(buf):
        hasher.update(view[:n])
    return hasher.digests()


def hash_file(path: str | PathLike, chunk_size: int = CHUNK_SIZE) -> Digests:
    with open(path, "rb", buffering=0) as f:
        return hash_stream(f, chunk_size)
