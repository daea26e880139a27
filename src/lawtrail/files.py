"""Small file helpers shared by settings and the ledger's key store."""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

from lawtrail.config import ConfigError

PRIVATE_UMASK = 0o077


def make_private(data_dir: Path) -> None:
    """Keep everything lawtrail writes to other local users' eyes: the process umask drops every
    group and other bit, and the data dir is 0700 (tightened if an older install left it wider).

    The umask is the only rule that reaches every file — SQLite creates the database, its WAL and
    SHM itself, the media store, exports and collectstatic write theirs —; setting modes file by
    file once missed the database whenever LAWTRAIL_SECRET_KEY spared the secret file that used to
    create the data dir. Called by settings, before anything touches the data dir.
    """
    os.umask(PRIVATE_UMASK)
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    st = data_dir.stat()
    if stat.S_IMODE(st.st_mode) & 0o077:
        try:
            data_dir.chmod(0o700)
        except OSError as e:
            raise ConfigError(f"数据目录 {data_dir} 的权限为 {stat.S_IMODE(st.st_mode):04o}，其他本机用户可以读取其中的"
                              f"数据库、密钥和音像文件，且无法改为 0700（{e.strerror}）：请以该目录所有者的身份运行，"
                              "或由管理员执行 chmod 700") from None


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
