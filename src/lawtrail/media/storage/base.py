"""The contract of a media object store (issue #5, "Upload and storage").

A store keeps originals — body-camera clips, photos, recordings — as immutable objects named by
the SHA-256 of their bytes. Every backend (``filesystem``, ``s3``) implements ``Store`` and
keeps these promises; ``tests/media/test_storage.py`` holds each backend to them:

1. **Content-addressed.** An object's name is the lower-case hex SHA-256 of its bytes, nothing
   else. ``put_file`` checks the file's size and SHA-256 against the ``Digests`` it is given and
   refuses a mismatch (``DigestMismatch``), because a wrongly named object could never be
   removed. SM3 is recorded as given (computed as the bytes were written: ``digests.StagedHasher``
   for uploads, ``digests.HashingWriter`` for copies); fixity re-hashes both.
2. **Stored once.** ``put_file`` of bytes the store already holds returns ``False`` and leaves
   the existing object alone (no write at all); the first store returns ``True``. Two writers of
   the same bytes at once: one creates, the other gets ``False``.
3. **Write-once.** No method deletes, renames, truncates or replaces an object: the interface has
   none. A write that finds its name taken never overwrites it; when the object already there
   cannot be the same bytes (its size differs) ``put_file`` raises ``OverwriteRefused`` rather
   than "repairing" it — an original is only ever examined, by fixity, never rewritten.
4. **All or nothing.** An object appears under its name only complete and durable (on disk:
   fsync'ed data and directory; on S3: a completed upload whose size was confirmed). A crash or
   error in the middle leaves nothing under the final name.
5. **Streaming.** Files of many GB go in and out in bounded memory: ``put_file`` streams from
   the local file, ``open`` and ``read_range`` return file-like objects to read in chunks.
6. **Adopting.** ``adopt`` stores a file this server wrote and hashed itself as it wrote it
   (an upload's staging file, hashed by ``digests.StagedHasher`` as its chunks arrived) — never digests a client sent. It answers as
   ``put_file`` does and keeps promises 2–4, but may skip ``put_file``'s re-reading: the
   filesystem store makes the file itself the object (read-only, fsync'ed, hard-linked to its
   final name — a link never replaces a name, and the file is complete before it is linked), so
   the bytes are written once and hashed once; a store that must send the bytes elsewhere (S3)
   does ``put_file``. Staging under ``staging_dir()`` (when the store names one) is what makes
   adopting a link rather than a copy. After ``adopt`` the caller never writes to the file
   again; it may only remove its own name for it.

Reads raise ``ObjectMissing`` for a name the store does not hold, and ``ValueError`` for a
string that is not a SHA-256 (so no caller can reach outside the store with a crafted name).
Messages are Chinese: they reach the operator as they are.
"""

from __future__ import annotations

import abc
import hashlib
import io
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, NamedTuple

from ..digests import CHUNK_SIZE, Digests

_HEX64 = re.compile(r"[0-9a-f]{64}")


class StoreError(Exception):
    """The store could not do what was asked; the message is for the operator as is."""


class OverwriteRefused(StoreError):
    """A write found its object name already taken by different content and did not touch it."""

    def __init__(self, sha256: str, detail: str):
        self.sha256 = sha256
        super().__init__(f"拒绝覆盖：存储中已有对象 {sha256}（{detail}）。原件只写一次，不会被覆盖或修复；"
                         "请运行 lawtrail verify 核查该对象")


class DigestMismatch(StoreError):
    """The file's bytes are not those its digests describe; nothing was stored."""


class ObjectMissing(StoreError):
    def __init__(self, sha256: str):
        self.sha256 = sha256
        super().__init__(f"存储中没有对象 {sha256}")


class RangeNotSatisfiable(StoreError):
    """The requested range starts at or beyond the object's end (HTTP 416)."""

    def __init__(self, sha256: str, start: int, size: int):
        super().__init__(f"请求的范围无法满足：对象 {sha256} 共 {size} 字节，起点 {start} 超出末尾")


class StoredObject(NamedTuple):
    sha256: str
    size: int


class Store(abc.ABC):
    """A write-once, content-addressed object store; see the module docstring for the contract."""

    @abc.abstractmethod
    def put_file(self, path: str | os.PathLike, digests: Digests) -> bool:
        """Store the bytes of the local file ``path`` under ``digests.sha256``.

        Returns ``True`` if this call created the object, ``False`` if the store already held it
        (then nothing was written). The file is only read; the caller may remove it afterwards.
        Raises ``DigestMismatch`` if the file's size or SHA-256 differ from ``digests`` and
        ``OverwriteRefused`` if the name is taken by an object of another size.
        """

    def adopt(self, path: str | os.PathLike, digests: Digests) -> bool:
        """Store the local file ``path``, written and hashed by this server (``digests`` are its own,
        computed from the bytes as they were written), the cheapest way the backend can: see
        promise 6. Same answers and errors as ``put_file``; the caller must not write to ``path``
        afterwards (it may be the object itself). Here: ``put_file``, which reads the file anyway."""
        return self.put_file(path, digests)

    def staging_dir(self) -> Path | None:
        """A local directory to write files that will be ``adopt``ed, so adopting them costs no
        copy (the same filesystem as the objects); ``None``: any local directory will do."""
        return None

    @abc.abstractmethod
    def exists(self, sha256: str) -> bool:
        """Whether the store holds the object."""

    @abc.abstractmethod
    def size(self, sha256: str) -> int:
        """The object's size in bytes."""

    @abc.abstractmethod
    def open(self, sha256: str) -> BinaryIO:
        """A binary file-like object reading the whole object from its start; close it after use."""

    @abc.abstractmethod
    def read_range(self, sha256: str, start: int, end: int) -> BinaryIO:
        """A binary file-like object reading bytes ``[start, end)`` — Python's half-open slice.

        ``end`` beyond the object's end is clamped to it, like a slice and like HTTP. An HTTP
        ``Range: bytes=a-b`` is ``read_range(sha, a, b + 1)``; ``bytes=a-`` is
        ``read_range(sha, a, size)``. Raises ``ValueError`` unless ``0 <= start < end``, and
        ``RangeNotSatisfiable`` if ``start`` is at or beyond the end (an empty object has no
        satisfiable range).
        """

    @abc.abstractmethod
    def iter_objects(self) -> Iterator[StoredObject]:
        """Every stored object's SHA-256 and size, for fixity checks; the order is unspecified."""


def is_sha256(name) -> bool:
    return isinstance(name, str) and _HEX64.fullmatch(name) is not None


def check_sha256(sha256: str) -> str:
    if not is_sha256(sha256):
        raise ValueError(f"{sha256!r} 不是有效的 SHA-256（应为 64 位小写十六进制）")
    return sha256


def check_range(start: int, end: int) -> None:
    if isinstance(start, bool) or isinstance(end, bool) or not (isinstance(start, int) and isinstance(end, int)):
        raise ValueError(f"范围 [{start!r}, {end!r}) 无效：起止应为整数")
    if not 0 <= start < end:
        raise ValueError(f"范围 [{start}, {end}) 无效：应满足 0 ≤ 起点 < 终点")


def already_stored(digests: Digests, size: int | None) -> bool:
    """``put_file``'s answer when the name is taken by an object of ``size`` bytes: ``False`` (stored
    before, left alone) if it can be the same bytes, else ``OverwriteRefused``."""
    if size is None:
        raise StoreError(f"写入对象 {digests.sha256} 时被告知已存在，但随后查不到该对象；请检查存储")
    if size != digests.size:
        raise OverwriteRefused(digests.sha256, f"已有 {size} 字节，新文件 {digests.size} 字节")
    return False


def check_bytes(size: int, sha256: str, digests: Digests) -> None:
    """Refuse bytes whose size or SHA-256 are not those of ``digests``."""
    if size != digests.size:
        raise DigestMismatch(f"文件大小与所给摘要不符：实际 {size} 字节，应为 {digests.size} 字节；未存储")
    if sha256 != digests.sha256:
        raise DigestMismatch(f"文件内容与所给 SHA-256 不符：实际 {sha256}，应为 {digests.sha256}；未存储")


def verify_file(path: str | os.PathLike, digests: Digests) -> None:
    """Check a local file against ``digests``: its size first (free), then SHA-256 only — SM3 is
    several times slower and not part of the object's name."""
    size = os.stat(path).st_size
    if size != digests.size:
        check_bytes(size, "", digests)
    check_bytes(*sha256_and_size(path), digests)


def sha256_and_size(path: str | os.PathLike) -> tuple[int, str]:
    sha, size = hashlib.sha256(), 0
    buf = bytearray(CHUNK_SIZE)
    view = memoryview(buf)
    with open(path, "rb", buffering=0) as f:
        while n := f.readinto(buf):
            sha.update(view[:n])
            size += n
    return size, sha.hexdigest()


class LimitedReader(io.RawIOBase):
    """Reads at most ``limit`` bytes from a binary file, then reports end of file."""

    def __init__(self, f: BinaryIO, limit: int):
        self._f = f
        self._left = limit

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        if self._left <= 0:
            return 0
        view = memoryview(b).cast("B")[: self._left]
        n = self._f.readinto(view) or 0
        self._left -= n
        return n

    def close(self) -> None:
        if not self.closed:
            self._f.close()
        super().close()
