"""Settings from environment variables, parsed strictly.

Every variable lawtrail reads is declared here with its default and its check. A bad value stops
the start with a message that names the variable, the value and what is expected, because a
records system silently running on a typo (a wrong database, durability off) is worse than one
that does not start.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit


class ConfigError(Exception):
    """A setting is missing or malformed; the message is shown to the operator as is."""


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _bool(name: str, raw: str) -> bool:
    v = raw.strip().lower()
    if v in _TRUE:
        return True
    if v in _FALSE:
        return False
    raise ConfigError(f"{name}={raw!r} 无效：应为 true/false（或 1/0、yes/no、on/off）")


def _int(name: str, raw: str, lo: int, hi: int) -> int:
    if not re.fullmatch(r"[0-9]+", raw.strip()):
        raise ConfigError(f"{name}={raw!r} 无效：应为 {lo}–{hi} 之间的整数")
    v = int(raw)
    if not lo <= v <= hi:
        raise ConfigError(f"{name}={raw!r} 无效：应在 {lo}–{hi} 之间")
    return v


def _database(name: str, raw: str) -> dict:
    u = urlsplit(raw.strip())
    if u.scheme not in ("postgres", "postgresql"):
        raise ConfigError(f"{name}={raw!r} 无效：只支持 postgres://用户:密码@主机:端口/数据库")
    db = unquote(u.path.lstrip("/"))
    if not db or "/" in db:
        raise ConfigError(f"{name} 无效：缺少数据库名（postgres://…/数据库名）")
    try:
        port = u.port
    except ValueError:
        raise ConfigError(f"{name} 无效：端口不是数字") from None
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": db,
        "USER": unquote(u.username or ""),
        "PASSWORD": unquote(u.password or ""),
        "HOST": u.hostname or "",
        "PORT": str(port or ""),
    }


@dataclass(frozen=True)
class Config:
    data_dir: Path
    database: dict | None  # None: embedded SQLite under data_dir
    debug: bool
    secret_key: str | None
    allowed_hosts: tuple[str, ...]
    log_origin: str
    sm2: bool
    checkpoint_interval: int
    max_entry_bytes: int
    sqlite_synchronous: str
    session_idle_minutes: int = 30

    @property
    def keys_dir(self) -> Path:
        return self.data_dir / "keys"


def load(env: dict[str, str] | None = None) -> Config:
    env = dict(os.environ if env is None else env)

    def get(name: str, default: str) -> str:
        return env.get(name, default)

    data_dir = Path(get("LAWTRAIL_DATA_DIR", "var")).expanduser().absolute()
    raw_db = env.get("LAWTRAIL_DATABASE_URL", "").strip()
    origin = get("LAWTRAIL_LOG_ORIGIN", "lawtrail.local/ledger")
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._/:-]{0,199}", origin):
        raise ConfigError(
            f"LAWTRAIL_LOG_ORIGIN={origin!r} 无效：应为不含空格的标识，例如 jinpu.gov.cn/wenlv/ledger"
        )
    hosts = tuple(h.strip() for h in get("LAWTRAIL_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip())
    if not hosts:
        raise ConfigError("LAWTRAIL_ALLOWED_HOSTS 不能为空")
    sync = get("LAWTRAIL_SQLITE_SYNCHRONOUS", "FULL").strip().upper()
    if sync not in ("FULL", "EXTRA"):
        # NORMAL in WAL mode may lose the last commits on power loss: not acceptable for records.
        raise ConfigError(f"LAWTRAIL_SQLITE_SYNCHRONOUS={sync!r} 无效：为保证数据不丢失，只允许 FULL 或 EXTRA")
    secret = env.get("LAWTRAIL_SECRET_KEY")
    if secret is not None and len(secret) < 32:
        raise ConfigError("LAWTRAIL_SECRET_KEY 太短：至少 32 个字符（不设置则自动生成并保存在数据目录）")
    return Config(
        data_dir=data_dir,
        database=_database("LAWTRAIL_DATABASE_URL", raw_db) if raw_db else None,
        debug=_bool("LAWTRAIL_DEBUG", get("LAWTRAIL_DEBUG", "false")),
        secret_key=secret,
        allowed_hosts=hosts,
        log_origin=origin,
        sm2=_bool("LAWTRAIL_SM2", get("LAWTRAIL_SM2", "false")),
        checkpoint_interval=_int("LAWTRAIL_CHECKPOINT_INTERVAL", get("LAWTRAIL_CHECKPOINT_INTERVAL", "60"), 5, 86400),
        max_entry_bytes=_int("LAWTRAIL_LEDGER_MAX_ENTRY_BYTES", get("LAWTRAIL_LEDGER_MAX_ENTRY_BYTES", "65536"), 1024, 1 << 24),
        sqlite_synchronous=sync,
        session_idle_minutes=_int("LAWTRAIL_SESSION_IDLE_MINUTES", get("LAWTRAIL_SESSION_IDLE_MINUTES", "30"), 5, 720),
    )
