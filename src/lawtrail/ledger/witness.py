"""Witnessed checkpoints: each checkpoint, as it is issued, is also kept outside the database.

Someone who can write the database — and even sign with the real key — can restore an older copy
or rewrite the history and re-sign it; either leaves a log that is consistent with itself. What he
cannot undo is what was handed to a witness outside his reach: a directory on another disk
(``LAWTRAIL_WITNESS_DIR``) and/or a bucket of its own (``LAWTRAIL_WITNESS_S3_BUCKET``). Writes are
create-once (a file is never replaced; on disk it is fsync'ed before and after it gets its name),
so the witness only grows.

A checkpoint's name is ``checkpoint-<10^19 - 1 - size, 19 digits>-<size>-<root, hex>.txt``:

* the inverted size sorts the newest first, so one LIST call on S3 finds it;
* the size and root let verify compare every witnessed checkpoint with the log from one listing,
  without reading each file. A name added by someone else can only raise an alarm; it cannot hide
  a rewrite, because the honest names stay.

Pure Python apart from ``configured()`` (Django settings), and boto3 only for the S3 witness.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

_TOP = 10 ** 19 - 1  # above any size: sizes are at most 2^63 - 1
_NAME = re.compile(r"checkpoint-([0-9]{19})-([0-9]{1,19})-([0-9a-f]{64})\.txt")
MAX_BYTES = 64 * 1024  # a checkpoint is a few hundred bytes; anything far larger is not one


class WitnessError(Exception):
    """A witness cannot be read or written; the message (Chinese) says which and why."""


@dataclass(frozen=True)
class Witnessed:
    """A checkpoint held by a witness, as its name states it."""

    size: int
    root: bytes
    name: str


def name(size: int, root: bytes) -> str:
    return f"checkpoint-{_TOP - size:019d}-{size}-{root.hex()}.txt"


def parse_name(text: str) -> Witnessed | None:
    """The size and root a witness file's name states; None for any other file (temporary files)."""
    m = _NAME.fullmatch(text)
    if not m or int(m.group(1)) + int(m.group(2)) != _TOP:
        return None
    return Witnessed(int(m.group(2)), bytes.fromhex(m.group(3)), text)


class Witness:
    """The contract of a witness location. ``label`` names it in messages."""

    label: str

    def names(self) -> Iterator[str]:
        raise NotImplementedError

    def read(self, name: str) -> str:
        raise NotImplementedError

    def _text(self, name: str, raw: bytes) -> str:
        """The bytes read for ``name`` (at most MAX_BYTES + 1 of them) as a checkpoint's text."""
        if len(raw) > MAX_BYTES:
            raise WitnessError(f"{self.label} 中的 {name} 超过 {MAX_BYTES} 字节，不是检查点")
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise WitnessError(f"{self.label} 中的 {name} 不是 UTF-8 文本，不是检查点") from None

    def create(self, name: str, text: str) -> bool:
        """Store ``text`` under ``name`` unless the name exists. True if this call created it."""
        raise NotImplementedError

    def exists(self, name: str) -> bool:
        raise NotImplementedError

    def newest(self) -> Witnessed | None:
        return next(iter(self.listing()), None)

    def listing(self) -> list[Witnessed]:
        """Every witnessed checkpoint, newest first."""
        found = (parse_name(n) for n in self.names())
        return sorted((w for w in found if w is not None), key=lambda w: w.name)


class DirWitness(Witness):
    """A directory, ideally on another disk or a mount the database's administrators cannot write."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.label = f"见证目录 {self.path}"

    def names(self) -> Iterator[str]:
        try:
            with os.scandir(self.path) as it:
                return iter([e.name for e in it])
        except FileNotFoundError:
            return iter(())
        except OSError as e:
            raise WitnessError(f"{self.label} 无法读取：{e.strerror or e}") from None

    def read(self, name: str) -> str:
        try:
            with open(self.path / name, "rb") as f:
                raw = f.read(MAX_BYTES + 1)
        except OSError as e:
            raise WitnessError(f"{self.label} 中的 {name} 无法读取：{e.strerror or e}") from None
        return self._text(name, raw)

    def exists(self, name: str) -> bool:
        return (self.path / name).exists()

    def create(self, name: str, text: str) -> bool:
        # The bytes go to a temporary name first and are fsync'ed; link() then gives them the final
        # name only if it is free — a crash never leaves a half-written checkpoint under it.
        try:
            self.path.mkdir(mode=0o700, parents=True, exist_ok=True)
            tmp = self.path / f".incoming-{secrets.token_hex(8)}"
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o444)
            try:
                os.write(fd, text.encode("utf-8"))
                os.fsync(fd)
            finally:
                os.close(fd)
            try:
                os.link(tmp, self.path / name)
                created = True
            except FileExistsError:
                created = False
            finally:
                os.unlink(tmp)
            dfd = os.open(self.path, os.O_RDONLY | os.O_DIRECTORY)
            try:
                os.fsync(dfd)
            finally:
                os.close(dfd)
        except OSError as e:
            raise WitnessError(f"{self.label} 无法写入：{e.strerror or e}") from None
        return created


class S3Witness(Witness):
    """A bucket of its own (``LAWTRAIL_WITNESS_S3_*``). Writes carry ``If-None-Match: *`` so the server
    refuses to replace a name; a server that does not know the header still gets HEAD first.
    Give this key PutObject, GetObject and ListBucket only, and turn on versioning or object lock."""

    PREFIX = "checkpoint-"

    def __init__(self, *, endpoint: str, bucket: str, access_key: str, secret_key: str, region: str = "us-east-1"):
        import boto3
        from botocore.config import Config

        self.bucket, self.endpoint = bucket, endpoint
        self.label = f"见证存储桶 {bucket}（{endpoint}）"
        session = boto3.session.Session(aws_access_key_id=access_key, aws_secret_access_key=secret_key,
                                        region_name=region)
        self._client = session.client("s3", endpoint_url=endpoint, config=Config(
            s3={"addressing_style": "path"}, retries={"mode": "standard", "max_attempts": 3},
            connect_timeout=5, read_timeout=30))

    def __repr__(self) -> str:
        return f"S3Witness(endpoint={self.endpoint!r}, bucket={self.bucket!r})"

    def names(self) -> Iterator[str]:
        pages = self._client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self.PREFIX)
        return iter([o["Key"] for page in self._call("列出", lambda: list(pages)) for o in page.get("Contents", ())])

    def newest(self) -> Witnessed | None:
        # Inverted sizes: the newest is the first key. Keys that are not ours sort after "checkpoint-0".
        r = self._call("列出", lambda: self._client.list_objects_v2(Bucket=self.bucket, Prefix=self.PREFIX, MaxKeys=1))
        first = [parse_name(o["Key"]) for o in r.get("Contents", ())]
        return first[0] if first and first[0] else super().newest()

    def read(self, name: str) -> str:
        def get():
            body = self._client.get_object(Bucket=self.bucket, Key=name)["Body"]
            with body:
                return body.read(MAX_BYTES + 1)

        raw = self._call(f"读取 {name}", get)
        return self._text(name, raw)

    def exists(self, name: str) -> bool:
        from botocore.exceptions import ClientError

        def head():
            try:
                self._client.head_object(Bucket=self.bucket, Key=name)
                return True
            except ClientError as e:
                if e.response.get("ResponseMetadata", {}).get("HTTPStatusCode") == 404:
                    return False
                raise

        return self._call("查询", head)

    def create(self, name: str, text: str) -> bool:
        from botocore.exceptions import ClientError

        if self.exists(name):
            return False

        def put():
            try:
                self._client.put_object(Bucket=self.bucket, Key=name, Body=text.encode("utf-8"),
                                        ContentType="text/plain; charset=utf-8", IfNoneMatch="*")
                return True
            except ClientError as e:
                if e.response.get("ResponseMetadata", {}).get("HTTPStatusCode") == 412:
                    return False  # written by another issuer since we looked: the server kept theirs
                raise

        return self._call("写入", put)

    def _call(self, what: str, fn):
        """boto3's errors as WitnessError, in Chinese and without credentials."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return fn()
        except ClientError as e:
            code = str(e.response.get("Error", {}).get("Code", "")) or "未知错误"
            status = e.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            if code == "NoSuchBucket":
                msg = f"{self.label} 不存在：请先创建，或检查 LAWTRAIL_WITNESS_S3_BUCKET"
            elif status == 403:
                msg = f"{self.label} 拒绝访问（{code}）：请检查见证存储的密钥及其权限"
            else:
                msg = f"{self.label} {what}失败：{code}（HTTP {status}）"
            raise WitnessError(msg) from None
        except BotoCoreError as e:
            raise WitnessError(f"{self.label} {what}失败：无法通信（{type(e).__name__}）") from None


def configured() -> list[Witness]:
    """The witnesses the settings name: the directory, the bucket, or both."""
    from django.conf import settings

    found: list[Witness] = []
    if getattr(settings, "LAWTRAIL_WITNESS_DIR", None):
        found.append(DirWitness(Path(settings.LAWTRAIL_WITNESS_DIR)))
    s3 = getattr(settings, "LAWTRAIL_WITNESS_S3", None)
    if s3 is not None:
        found.append(S3Witness(endpoint=s3.endpoint, bucket=s3.bucket, access_key=s3.access_key,
                               secret_key=s3.secret_key, region=s3.region))
    return found
