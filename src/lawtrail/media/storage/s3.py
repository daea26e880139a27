"""Media objects in S3-compatible object storage (boto3): key ``objects/<sha256>`` in one bucket.

Writing: HEAD first (already stored → nothing is sent); otherwise boto3's transfer manager
streams the local file, as one PUT or, above ``multipart_threshold``, as a multipart upload whose
parts are read from the file when sent (memory stays flat whatever the file's size). Every PUT
and every CompleteMultipartUpload of this store's client carries ``If-None-Match: *`` when the
server honours it (probed once, at the first write), so the server itself refuses to replace an
existing key even when two writers race past the HEAD; servers that ignore the header get
HEAD-then-put. SHA-256 and SM3 travel as object metadata (``x-amz-meta-sha256``/``-sm3``) and a
HEAD after the upload confirms size and metadata before ``put_file`` reports success.

A multipart upload becomes an object only when completed, so an upload that fails or is killed
midway leaves no object under the key (its parts are aborted, or expire with the bucket's
lifecycle rule for incomplete uploads).

The store never deletes: the only calls it makes are HeadObject, GetObject, ListObjectsV2,
PutObject and the multipart calls. Credentials are given explicitly (never read from ``~/.aws``
or the instance) and appear in no message.
"""

from __future__ import annotations

import io
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO

import boto3
from boto3.s3.transfer import TransferConfig, create_transfer_manager
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from ..digests import CHUNK_SIZE, Digests
from .base import (LimitedReader, ObjectMissing, RangeNotSatisfiable, Store, StoredObject, StoreError,
                   already_stored, check_range, check_sha256, is_sha256, verify_file)

PREFIX = "objects/"
# Written (never changed) at the first write to learn whether the server honours If-None-Match.
PROBE_KEY = "lawtrail/if-none-match-probe"
_PROBE_BODY = b"lawtrail: probe for conditional writes (If-None-Match: *); safe to keep\n"


class S3Store(Store):
    def __init__(self, *, endpoint: str, bucket: str, access_key: str, secret_key: str, region: str = "us-east-1",
                 conditional_writes: bool | None = None, multipart_threshold: int = 16 << 20,
                 multipart_chunksize: int = 16 << 20, max_concurrency: int = 4):
        """``conditional_writes``: None probes the server at the first write; True/False skip the probe."""
        self.endpoint = endpoint
        self.bucket = bucket
        session = boto3.session.Session(aws_access_key_id=access_key, aws_secret_access_key=secret_key,
                                        region_name=region)
        self._client = session.client(
            "s3", endpoint_url=endpoint,
            config=Config(s3={"addressing_style": "path"},  # any endpoint, IP addresses included
                          retries={"mode": "standard", "max_attempts": 5},
                          connect_timeout=10, read_timeout=120,
                          max_pool_connections=max(10, 2 * max_concurrency)))
        self._transfer = TransferConfig(multipart_threshold=multipart_threshold,
                                        multipart_chunksize=multipart_chunksize, max_concurrency=max_concurrency,
                                        use_threads=True, preferred_transfer_client="classic")
        self._lock = threading.Lock()
        self._conditional: bool | None = None
        if conditional_writes is not None:
            self._set_conditional(conditional_writes)

    def __repr__(self) -> str:
        return f"S3Store(endpoint={self.endpoint!r}, bucket={self.bucket!r})"

    # -- writing ---------------------------------------------------------------------------------

    def put_file(self, path, digests: Digests) -> bool:
        key = _key(digests.sha256)
        verify_file(path, digests)  # the key must be the bytes' true SHA-256: it can never be undone
        with self._errors("存储对象"):
            if (size := self._stored_size(digests.sha256)) is not None:
                return already_stored(digests, size)
            self._probe_once()  # before the upload, so that the upload already carries If-None-Match
            try:
                self._upload(path, key, digests)
            except ClientError as e:
                if _status(e) != 412:
                    raise
                # If-None-Match: another writer stored it since we looked, and the server kept theirs.
                return already_stored(digests, self._stored_size(digests.sha256))
            head = self._head(key)
        meta = {k: (head or {}).get("Metadata", {}).get(k) for k in ("sha256", "sm3")}
        if head is None or head["ContentLength"] != digests.size or meta != _metadata(digests):
            found = "不存在" if head is None else f"{head['ContentLength']} 字节，元数据 {meta}"
            raise StoreError(f"S3 上传后核对不符：对象 {digests.sha256} 应为 {digests.size} 字节，实际{found}；"
                             "请运行 lawtrail verify 并检查对象存储服务")
        return True

    def _upload(self, path, key: str, digests: Digests) -> None:
        extra = {"Metadata": _metadata(digests), "ContentType": "application/octet-stream"}
        with create_transfer_manager(self._client, self._transfer) as manager:
            manager.upload(os.fspath(path), self.bucket, key, extra_args=extra).result()

    def _stored_size(self, sha256: str) -> int | None:
        head = self._head(_key(sha256))
        return None if head is None else head["ContentLength"]

    @property
    def conditional_writes(self) -> bool:
        """Whether the server refuses PUTs to existing keys (If-None-Match: *); probed once."""
        with self._errors("检测条件写入"):
            return self._probe_once()

    def _probe_once(self) -> bool:
        with self._lock:
            if self._conditional is None:
                self._set_conditional(self._probe())
            return self._conditional

    def _probe(self) -> bool:
        # Put the same small object twice with If-None-Match: *. A server that honours the header
        # answers 412 at the latest the second time; one that ignores it accepts both (rewriting
        # identical bytes under the probe's own key, never under objects/).
        for _ in range(2):
            try:
                self._client.put_object(Bucket=self.bucket, Key=PROBE_KEY, Body=_PROBE_BODY, IfNoneMatch="*")
            except ClientError as e:
                if _status(e) == 412:
                    return True
                if _status(e) == 501 or _code(e) in ("NotImplemented", "InvalidArgument"):
                    return False
                raise
        return False

    def _set_conditional(self, on: bool) -> None:
        self._conditional = on
        if on:  # every PutObject and CompleteMultipartUpload this client sends, boto3's transfers included
            for op in ("PutObject", "CompleteMultipartUpload"):
                self._client.meta.events.register(f"before-parameter-build.s3.{op}", _if_none_match,
                                                  unique_id=f"lawtrail-if-none-match-{op}")

    # -- reading ---------------------------------------------------------------------------------

    def exists(self, sha256: str) -> bool:
        with self._errors("查询对象"):
            return self._head(_key(sha256)) is not None

    def size(self, sha256: str) -> int:
        with self._errors("查询对象"):
            size = self._stored_size(sha256)
        if size is None:
            raise ObjectMissing(sha256)
        return size

    def open(self, sha256: str) -> BinaryIO:
        with self._errors("读取对象"):
            try:
                r = self._client.get_object(Bucket=self.bucket, Key=_key(sha256))
            except ClientError as e:
                if _status(e) == 404:
                    raise ObjectMissing(sha256) from None
                raise
        return io.BufferedReader(_Body(r["Body"]), CHUNK_SIZE)

    def read_range(self, sha256: str, start: int, end: int) -> BinaryIO:
        check_range(start, end)
        with self._errors("读取对象"):
            try:
                r = self._client.get_object(Bucket=self.bucket, Key=_key(sha256), Range=f"bytes={start}-{end - 1}")
            except ClientError as e:
                if _status(e) == 404:
                    raise ObjectMissing(sha256) from None
                if _status(e) == 416:
                    raise RangeNotSatisfiable(sha256, start, self.size(sha256)) from None
                raise
        body = _Body(r["Body"])
        if r["ResponseMetadata"]["HTTPStatusCode"] == 206:
            return io.BufferedReader(body, CHUNK_SIZE)
        if start == 0:  # the server ignored Range and sent the whole object: keep the front
            return io.BufferedReader(LimitedReader(body, end), CHUNK_SIZE)
        body.close()
        raise StoreError(f"S3 服务忽略了范围请求（对象 {sha256}，起点 {start}）")

    def iter_objects(self) -> Iterator[StoredObject]:
        pages = self._client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=PREFIX)
        with self._errors("列出对象"):
            for page in pages:
                for o in page.get("Contents", ()):
                    name = o["Key"][len(PREFIX):]
                    if is_sha256(name):
                        yield StoredObject(name, o["Size"])

    def _head(self, key: str) -> dict | None:
        try:
            return self._client.head_object(Bucket=self.bucket, Key=key)
        except ClientError as e:
            if _status(e) == 404:
                return None
            raise

    @contextmanager
    def _errors(self, what: str):
        """Turn boto3's errors into StoreError with a Chinese message that names no credential."""
        try:
            yield
        except ClientError as e:
            code, status = _code(e), _status(e)
            if code == "NoSuchBucket":
                msg = f"S3 存储桶 {self.bucket} 不存在（{self.endpoint}）：请先创建，或检查 LAWTRAIL_S3_BUCKET"
            elif status == 403:
                msg = (f"S3 拒绝访问（{code}）：请检查 LAWTRAIL_S3_ACCESS_KEY、LAWTRAIL_S3_SECRET_KEY "
                       f"及该密钥对存储桶 {self.bucket} 的权限")
            else:
                msg = f"S3 {what}失败：{code or '未知错误'}（HTTP {status}，{self.endpoint}，存储桶 {self.bucket}）"
            raise StoreError(msg) from e
        except BotoCoreError as e:
            raise StoreError(f"S3 {what}失败：无法与 {self.endpoint} 通信（{type(e).__name__}）") from e


class _Body(io.RawIOBase):
    """botocore's streaming body as a raw binary file, so callers can wrap, copy and close it."""

    def __init__(self, body):
        self._body = body

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        data = self._body.read(len(b))
        n = len(data)
        memoryview(b).cast("B")[:n] = data
        return n

    def close(self) -> None:
        if not self.closed:
            self._body.close()
        super().close()


def _if_none_match(params, **_):
    params["IfNoneMatch"] = "*"


def _metadata(digests: Digests) -> dict[str, str]:
    return {"sha256": digests.sha256, "sm3": digests.sm3}


def _key(sha256: str) -> str:
    return PREFIX + check_sha256(sha256)


def _code(e: ClientError) -> str:
    return str(e.response.get("Error", {}).get("Code", ""))


def _status(e: ClientError) -> int | None:
    return e.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
