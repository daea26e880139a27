"""Settings from environment variables, parsed strictly.

Every variable lawtrail reads is declared here with its default and its check. A bad value stops
the start with a message that names the variable, the value and what is expected, because a
records system silently running on a typo (a wrong database, durability off) is worse than one
that does not start.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
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


_S3_VARS = ("LAWTRAIL_S3_ENDPOINT", "LAWTRAIL_S3_BUCKET", "LAWTRAIL_S3_REGION", "LAWTRAIL_S3_ACCESS_KEY",
            "LAWTRAIL_S3_SECRET_KEY")


@dataclass(frozen=True)
class S3Config:
    """Where media originals go when LAWTRAIL_MEDIA_STORE=s3. The keys stay out of repr(), so a
    printed or logged config never shows them."""

    endpoint: str
    bucket: str
    region: str
    access_key: str = field(repr=False)
    secret_key: str = field(repr=False)


def _endpoint(name: str, raw: str) -> str:
    u = urlsplit(raw.strip())
    if "@" in u.netloc:
        # The value may hold a password: do not echo it.
        raise ConfigError(f"{name} 无效：地址中不能含用户名或密码（密钥请放在 LAWTRAIL_S3_ACCESS_KEY 和 "
                          "LAWTRAIL_S3_SECRET_KEY）")
    bad = ConfigError(f"{name}={raw!r} 无效：应为 http(s)://主机[:端口]，例如 https://s3.example.gov.cn 或 "
                      "http://127.0.0.1:8333")
    if u.scheme not in ("http", "https") or not u.hostname or u.path not in ("", "/") or u.query or u.fragment:
        raise bad
    try:
        u.port
    except ValueError:
        raise bad from None
    return f"{u.scheme}://{u.netloc}"


def _secret(name: str, env: dict[str, str]) -> str:
    # Messages about keys never contain the value.
    v = env.get(name, "")
    if not v.strip():
        raise ConfigError(f"{name} 未设置：LAWTRAIL_MEDIA_STORE=s3 时必须提供")
    if re.search(r"\s", v) or len(v) > 256:
        raise ConfigError(f"{name} 无效：含空白字符或超过 256 个字符（出于安全不显示其值）")
    return v


def _media_store(env: dict[str, str]) -> tuple[str, S3Config | None]:
    raw = env.get("LAWTRAIL_MEDIA_STORE", "filesystem")
    store = raw.strip().lower()
    if store not in ("filesystem", "s3"):
        raise ConfigError(f"LAWTRAIL_MEDIA_STORE={raw!r} 无效：应为 filesystem（数据目录下，默认）或 s3")
    if store == "filesystem":
        stray = [n for n in _S3_VARS if env.get(n, "").strip()]
        if stray:
            # Evidence silently kept on the local disk while the operator believes it is in S3.
            raise ConfigError(f"{stray[0]} 已设置，但 LAWTRAIL_MEDIA_STORE 不是 s3，音像文件会存到本地数据目录："
                              "请设置 LAWTRAIL_MEDIA_STORE=s3，或删除 LAWTRAIL_S3_* 变量")
        return store, None
    raw_endpoint = env.get("LAWTRAIL_S3_ENDPOINT", "")
    if not raw_endpoint.strip():
        raise ConfigError("LAWTRAIL_S3_ENDPOINT 未设置：LAWTRAIL_MEDIA_STORE=s3 时必须提供，例如 https://s3.example.gov.cn")
    raw_bucket = env.get("LAWTRAIL_S3_BUCKET", "")
    bucket = raw_bucket.strip()
    if not bucket:
        raise ConfigError("LAWTRAIL_S3_BUCKET 未设置：LAWTRAIL_MEDIA_STORE=s3 时必须提供")
    if (not re.fullmatch(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]", bucket) or ".." in bucket
            or re.fullmatch(r"[0-9.]+", bucket)):
        raise ConfigError(f"LAWTRAIL_S3_BUCKET={raw_bucket!r} 无效：存储桶名应为 3–63 个小写字母、数字、点或连字符，"
                          "以字母或数字开头和结尾")
    raw_region = env.get("LAWTRAIL_S3_REGION", "us-east-1")
    region = raw_region.strip()
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,62}", region):
        raise ConfigError(f"LAWTRAIL_S3_REGION={raw_region!r} 无效：应为区域名，例如 us-east-1 或 cn-north-1")
    return store, S3Config(
        endpoint=_endpoint("LAWTRAIL_S3_ENDPOINT", raw_endpoint),
        bucket=bucket,
        region=region,
        access_key=_secret("LAWTRAIL_S3_ACCESS_KEY", env),
        secret_key=_secret("LAWTRAIL_S3_SECRET_KEY", env),
    )


_WITNESS_S3_VARS = ("LAWTRAIL_WITNESS_S3_ENDPOINT", "LAWTRAIL_WITNESS_S3_REGION", "LAWTRAIL_WITNESS_S3_ACCESS_KEY",
                    "LAWTRAIL_WITNESS_S3_SECRET_KEY")


def _witness(env: dict[str, str], data_dir: Path, media_s3: S3Config | None) -> tuple[Path | None, S3Config | None]:
    """Where each checkpoint is also written, outside the database (ledger/witness.py).

    The S3 witness takes its endpoint, region and keys from LAWTRAIL_WITNESS_S3_* and, for each one
    not set, from the media store's LAWTRAIL_S3_* (when the media are in S3). A key of its own
    that may write but not delete is better: see the README.
    """
    raw_bucket = env.get("LAWTRAIL_WITNESS_S3_BUCKET", "")
    bucket = raw_bucket.strip()
    s3 = None
    if not bucket:
        stray = [n for n in _WITNESS_S3_VARS if env.get(n, "").strip()]
        if stray:
            raise ConfigError(f"{stray[0]} 已设置，但没有设置 LAWTRAIL_WITNESS_S3_BUCKET：检查点不会写入见证存储桶。"
                              "请设置 LAWTRAIL_WITNESS_S3_BUCKET，或删除该变量")
    else:
        if (not re.fullmatch(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]", bucket) or ".." in bucket
                or re.fullmatch(r"[0-9.]+", bucket)):
            raise ConfigError(f"LAWTRAIL_WITNESS_S3_BUCKET={raw_bucket!r} 无效：存储桶名应为 3–63 个小写字母、数字、"
                              "点或连字符，以字母或数字开头和结尾")

        def inherit(own: str, media: str | None, what: str) -> str:
            v = env.get(own, "")
            if v.strip():
                return v
            if media is not None:
                return media
            raise ConfigError(f"{own} 未设置：设置了 LAWTRAIL_WITNESS_S3_BUCKET 时必须提供{what}"
                              "（音像文件也存在 S3 时可沿用 LAWTRAIL_S3_* 的设置）")

        endpoint = _endpoint("LAWTRAIL_WITNESS_S3_ENDPOINT",
                             inherit("LAWTRAIL_WITNESS_S3_ENDPOINT", media_s3 and media_s3.endpoint, "见证存储的地址"))
        raw_region = env.get("LAWTRAIL_WITNESS_S3_REGION", "").strip() or (media_s3.region if media_s3 else "us-east-1")
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,62}", raw_region):
            raise ConfigError(f"LAWTRAIL_WITNESS_S3_REGION={raw_region!r} 无效：应为区域名，例如 us-east-1")
        keys = []
        for own, media in (("LAWTRAIL_WITNESS_S3_ACCESS_KEY", media_s3 and media_s3.access_key),
                           ("LAWTRAIL_WITNESS_S3_SECRET_KEY", media_s3 and media_s3.secret_key)):
            v = inherit(own, media, "密钥")
            if re.search(r"\s", v) or len(v) > 256:  # the value is never shown: it is a credential
                raise ConfigError(f"{own} 无效：含空白字符或超过 256 个字符（出于安全不显示其值）")
            keys.append(v)
        if media_s3 is not None and (media_s3.endpoint, media_s3.bucket) == (endpoint, bucket):
            # The witness is there to survive what happens to the system's own storage.
            raise ConfigError(f"LAWTRAIL_WITNESS_S3_BUCKET={bucket!r} 无效：不能与音像文件的存储桶相同，"
                              "见证应另用一个存储桶（最好另一台服务器）")
        s3 = S3Config(endpoint=endpoint, bucket=bucket, region=raw_region, access_key=keys[0], secret_key=keys[1])
    raw_dir = env.get("LAWTRAIL_WITNESS_DIR", "")
    if raw_dir.strip().lower() == "off":
        if s3 is None:
            # Without any witness a restored old database or a re-signed rewrite would pass verify.
            raise ConfigError("LAWTRAIL_WITNESS_DIR=off 无效：只有设置了 LAWTRAIL_WITNESS_S3_BUCKET 时才能关闭见证目录，"
                              "检查点必须至少写入一个数据库以外的见证位置")
        return None, s3
    if not raw_dir.strip():
        return data_dir / "witness", s3
    if "\0" in raw_dir or raw_dir != raw_dir.strip():
        raise ConfigError(f"LAWTRAIL_WITNESS_DIR={raw_dir!r} 无效：应为一个目录路径（首尾不能有空白）")
    return Path(raw_dir).expanduser().absolute(), s3


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
    media_store: str = "filesystem"
    s3: S3Config | None = None
    digest_hour: int | None = 8  # None: no daily digest
    witness_dir: Path | None = None  # load() defaults it to data_dir/witness; None only beside an S3 witness
    witness_s3: S3Config | None = None
    https: bool = False  # served behind a TLS proxy: secure cookies, HSTS, X-Forwarded-Proto trusted

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
    media_store, s3 = _media_store(env)
    raw_digest = get("LAWTRAIL_DIGEST_HOUR", "8")
    if raw_digest.strip().lower() == "off":
        digest_hour = None
    elif re.fullmatch(r"[0-9]{1,2}", raw_digest.strip()) and int(raw_digest) <= 23:
        digest_hour = int(raw_digest)
    else:
        raise ConfigError(f"LAWTRAIL_DIGEST_HOUR={raw_digest!r} 无效：应为 0–23 之间的整数（北京时间几点发送每日提醒汇总），"
                          "或 off（不发送）")
    witness_dir, witness_s3 = _witness(env, data_dir, s3)
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
        media_store=media_store,
        s3=s3,
        digest_hour=digest_hour,
        witness_dir=witness_dir,
        witness_s3=witness_s3,
        https=_bool("LAWTRAIL_HTTPS", get("LAWTRAIL_HTTPS", "false")),
    )
