"""Small file helpers shared by settings and the ledger's key store."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def read_or_create(path: Path, make: Callable[[], bytes], mode: int = 0o600) -> bytes:
    """Return the file's bytes, creating it with ``make()`` first if it does not exist.

    Safe when several processes start at once: the content is written and fsync'ed under a
    temporary name and then hard-linked into place, which fails if another process won the race;
    everyone then reads the winner's file. A reader never sees a half-written file.
    """
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as f:
            f.write(make())
            f.flush()
            os.fsync(f.fileno())
        try:
            os.link(tmp, path)
            dir_fd = os.open(path.parent, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
        except FileExistsError:
            pass
    finally:
        os.unlink(tmp)
    return path.read_bytes()
