"""Media objects as read-only files: ``<root>/objects/ab/cd/<sha256>`` (root: the data dir's ``media``).

A new object is copied into ``objects/.incoming/`` (inside ``objects`` so it is on the same
filesystem even when ``objects`` is a mount point), made read-only and fsync'ed — its SHA-256
checked meanwhile, on the copy itself — then hard-linked to its final name. ``link`` never
replaces an existing name, so two writers of the same bytes cannot clobber each other and the
final name only ever points at a complete, durable file; the directory is then fsync'ed so the
name survives a power cut. A crash leaves at most a ``*.part`` file in ``.incoming`` — never a
partial object.

An upload is staged in ``objects/.incoming/uploads/`` (``staging_dir``) and ``adopt``ed: the
staged file itself — fsync'ed chunk by chunk and hashed by the server as it was written — is made
read-only, fsync'ed and hard-linked to its final name the same way, so its bytes are written once
and read by nobody in between (a 2 GB clip is not copied and hashed a second time).
"""

from __future__ import annotations

import errno
import io
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from ..digests import CHUNK_SIZE, Digests, background
from .base import (LimitedReader, ObjectMissing, RangeNotSatisfiable, Store, StoredObject, StoreError, already_stored,
                   check_bytes, check_range, check_sha256, is_sha256, sha256_and_size, verify_file)

_HEX2 = frozenset(f"{i:02x}" for i in range(256))
# Evidence is read by lawtrail's own user only: read-only for it, nothing for other local users
# (the ``objects`` dir may be a mount whose own mode lawtrail does not set).
OBJECT_MODE = 0o400
DIR_MODE = 0o700


class FilesystemStore(Store):
    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)
        self.objects = self.root / "objects"
        self.incoming = self.objects / ".incoming"

    def __repr__(self) -> str:
        return f"FilesystemStore({str(self.root)!r})"

    def path(self, sha256: str) -> Path:
        check_sha256(sha256)
        return self.objects / sha256[:2] / sha256[2:4] / sha256

    # -- writing ---------------------------------------------------------------------------------

    def put_file(self, path, digests: Digests) -> bool:
        final = self.path(digests.sha256)
        if (size := self._stored_size(digests.sha256)) is not None:
            verify_file(path, digests)  # wrong digests are the caller's bug: say so even when deduplicated
            return already_stored(digests, size)
        _make_dirs(self.incoming)
        fd, tmp = tempfile.mkstemp(dir=self.incoming, prefix=digests.sha256[:16] + ".", suffix=".part")
        try:
            try:
                _copy(path, fd)
                os.fchmod(fd, OBJECT_MODE)  # read-only before it has a name anyone else opens
                # Hash the copy — the very bytes that will carry the name — while the disk syncs it.
                check = background(sha256_and_size, tmp)
                os.fsync(fd)
                size, sha256 = check.result()
            finally:
                os.close(fd)
            check_bytes(size, sha256, digests)
            _make_dirs(final.parent)
            try:
                os.link(tmp, final)  # refuses an existing name: never replaces an object
            except FileExistsError:  # another writer stored it since we looked
                return already_stored(digests, self._stored_size(digests.sha256))
            _fsync_dir(final.parent)
            return True
        finally:
            os.unlink(tmp)

    def staging_dir(self) -> Path:
        return self.incoming / "uploads"  # inside objects: the same filesystem, so adopting is a link

    def adopt(self, path, digests: Digests) -> bool:
        """Make the file at ``path`` the object itself (contract, promise 6): no copy, no re-read —
        ``digests`` are the server's own, computed as the file was written. Its size is checked
        (free); an existing object is left alone (``False``) and the file is not touched."""
        final = self.path(digests.sha256)
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                raise StoreError(f"{os.fspath(path)} 不是普通文件，未存储")
            if st.st_size != digests.size:
                check_bytes(st.st_size, digests.sha256, digests)  # DigestMismatch: the sizes differ
            if (size := self._stored_size(digests.sha256)) is not None:
                return already_stored(digests, size)
            os.fchmod(fd, OBJECT_MODE)  # read-only before it has a name anyone else opens
            os.fsync(fd)  # the mode, and any byte not yet durable (an upload fsyncs every chunk: cheap)
            _make_dirs(final.parent)
            try:
                _link_open_file(fd, path, final)  # refuses an existing name: never replaces an object
            except FileExistsError:  # another writer stored it since we looked
                return already_stored(digests, self._stored_size(digests.sha256))
            except OSError as e:
                if e.errno != errno.EXDEV:
                    raise
                return self.put_file(path, digests)  # staged on another filesystem after all: copy
            _fsync_dir(final.parent)
            return True
        finally:
            os.close(fd)

    def _stored_size(self, sha256: str) -> int | None:
        try:
            return self.path(sha256).stat().st_size
        except FileNotFoundError:
            return None

    # -- reading ---------------------------------------------------------------------------------

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def size(self, sha256: str) -> int:
        if (size := self._stored_size(sha256)) is None:
            raise ObjectMissing(sha256)
        return size

    def open(self, sha256: str) -> BinaryIO:
        try:
            return open(self.path(sha256), "rb")
        except FileNotFoundError:
            raise ObjectMissing(sha256) from None

    def read_range(self, sha256: str, start: int, end: int) -> BinaryIO:
        check_range(start, end)
        try:
            raw = open(self.path(sha256), "rb", buffering=0)
        except FileNotFoundError:
            raise ObjectMissing(sha256) from None
        try:
            size = os.fstat(raw.fileno()).st_size
            if start >= size:
                raise RangeNotSatisfiable(sha256, start, size)
            raw.seek(start)
        except BaseException:
            raw.close()
            raise
        return io.BufferedReader(LimitedReader(raw, min(end, size) - start), CHUNK_SIZE)

    def iter_objects(self) -> Iterator[StoredObject]:
        # Only names where put_file puts objects (ab/cd/abcd…): ".incoming" and anything else
        # someone dropped here are not objects.
        for a in _hex2_dirs(self.objects):
            for b in _hex2_dirs(self.objects / a):
                with os.scandir(self.objects / a / b) as entries:
                    for e in entries:
                        if e.name.startswith(a + b) and is_sha256(e.name) and e.is_file(follow_symlinks=False):
                            yield StoredObject(e.name, e.stat(follow_symlinks=False).st_size)


def _copy(path, fd: int) -> None:
    """Copy the file at ``path`` into the empty file ``fd``: in the kernel when it can
    (copy_file_range: no trip through Python, a reflink on filesystems that have them), else
    through a buffer (another filesystem on older kernels, or a source that is not a regular file)."""
    with open(path, "rb", buffering=0) as src:
        if stat.S_ISREG(os.fstat(src.fileno()).st_mode):
            try:
                while os.copy_file_range(src.fileno(), fd, 1 << 30):
                    pass
                return
            except OSError as e:
                if e.errno not in (errno.EXDEV, errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
                    raise
            src.seek(0)
            os.lseek(fd, 0, os.SEEK_SET)
            os.ftruncate(fd, 0)
        buf = bytearray(CHUNK_SIZE)
        view = memoryview(buf)
        while n := src.readinto(buf):
            done = 0
            while done < n:
                done += os.write(fd, view[done:n])


def _link_open_file(fd: int, path, final: Path) -> None:
    """Hard-link the open file ``fd`` — the very file that was checked and made read-only, even if
    ``path`` was swapped meanwhile — to ``final``; by its path where /proc is not mounted."""
    proc = f"/proc/self/fd/{fd}"
    parent = os.open(final.parent, os.O_RDONLY | os.O_DIRECTORY)
    try:  # with a dir_fd os.link is linkat(AT_SYMLINK_FOLLOW): through the /proc link to the file
        os.link(proc if os.path.exists(proc) else path, final.name, dst_dir_fd=parent)
    finally:
        os.close(parent)


def _make_dirs(d: Path) -> None:
    """Create missing directories down to ``d``, fsyncing each parent so the new entries last."""
    if d.is_dir():
        return
    _make_dirs(d.parent)
    try:
        d.mkdir(mode=DIR_MODE)
    except FileExistsError:
        pass  # made meanwhile by another writer, who may not have fsync'ed its parent yet
    _fsync_dir(d.parent)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _hex2_dirs(d: Path) -> list[str]:
    try:
        with os.scandir(d) as entries:
            return sorted(e.name for e in entries if e.name in _HEX2 and e.is_dir(follow_symlinks=False))
    except FileNotFoundError:
        return []

