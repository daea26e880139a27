"""Media ingest benchmark (issue #5), every figure beside a baseline measured in the same run.

1. Ingest through the real upload path: a 2 GiB file (a real 3-second MP4 whose trailing ``free``
   box is filled with random bytes, so the server probes it and makes its poster like any clip)
   uploaded over HTTP to ``lawtrail serve`` (waitress, each chunk's body streamed to the upload
   code as it arrives — web/streaming.py —, its own data directory and SQLite database, started
   here as a subprocess, 4 threads: 2 streaming slots) with an API token:
   ``POST /api/v1/cases/{id}/media/uploads``, ``PUT /api/v1/media/uploads/{id}?offset=N`` for every
   chunk (64 MiB, the API's largest: one after another, then two at a time on two connections;
   then 8 MiB, what the browser's uploader sends), ``POST
   …/complete`` (probe, store — the staged file is adopted by the store —, poster, Blob, AvRecord and
   ledger entries in one transaction). Timed from the first request to the last answer; the client
   sends each chunk with sendfile from the page cache. Beside ``openssl dgst -sm3`` on the same file,
   run just before each upload (the issue's yardstick, goal >= 0.8x for 64 MiB chunks sent one
   after another) and ``sha256sum``; the server's SHA-256 and SM3 are checked against theirs. The
   server's CPU seconds are shown beside openssl's: on a shared machine they say more than the
   wall clock (SM3 alone costs the server what it costs openssl; it trails the writes on a thread
   of its own, digests.StagedHasher, so the wall-clock ceiling is SM3's own time).
2. Peak RSS of the server process (``VmHWM`` in /proc, reset just before via ``clear_refs``)
   during a 4 GiB upload (the same MP4 head, 4 GiB of padding, 64 MiB chunks): goal under 200 MB,
   and flat — the peak of the first half beside the peak of the whole.
3. ``hash_file`` (fixity, derivatives) alone beside ``openssl dgst -sm3``; ``put_file`` (a copy,
   as S3 and derivatives still need) beside ``cp`` + ``sync``; chunk sizes 1, 4 and 16 MiB for
   ``hash_file`` (``digests.CHUNK_SIZE`` is 4 MiB) — on a 512 MiB file, best of 2 rounds.

Everything generated lives under bench/out/media and is removed at the end.

    python -m bench --only media
"""

from __future__ import annotations

import http.client
import json
import os
import random
import resource
import shutil
import socket
import struct
import subprocess
import time
from datetime import datetime, timezone
from pathlib import Path

from .common import django_on, fresh_dir, row, say, free_port, start_server, stop_server

MiB = 1 << 20
GiB = 1 << 30
GOAL_RATIO = 0.8
GOAL_RSS_MB = 200


# ---- the files ----------------------------------------------------------------------------------

def _clip_head(d: Path) -> bytes:
    """A real 3-second H.264 MP4 (with its creation time), followed by the header of a ``free`` box
    whose payload is whatever comes next: players, PyAV and the server's probe skip it."""
    from lawtrail.media import examples

    clip = examples.clip(d / "clip.mp4", datetime(2024, 5, 1, 0, 30, tzinfo=timezone.utc))
    head = clip.read_bytes()
    clip.unlink()
    return head


def _free_box(payload: int) -> bytes:
    return struct.pack(">I4sQ", 1, b"free", 16 + payload)  # size 1: a 64-bit size follows


def _generate(path: Path, head: bytes, size: int) -> None:
    rng = random.Random(2026)  # incompressible enough, and far quicker than os.urandom
    with open(path, "wb") as f:
        f.write(head + _free_box(size - len(head) - 16))
        left = size - len(head) - 16
        while left:
            n = min(64 * MiB, left)
            f.write(rng.randbytes(n))
            left -= n


class Body:
    """The bytes of an upload as pieces — (bytes) or (file, offset, length) — so a 4 GiB
    upload can repeat a 2 GiB file's padding without a 4 GiB file on disk."""

    def __init__(self, pieces):
        self.pieces = pieces
        self.size = sum(len(p) if isinstance(p, bytes) else p[2] for p in pieces)

    def send(self, sock: socket.socket, start: int, length: int) -> None:
        at = 0
        for p in self.pieces:
            n = len(p) if isinstance(p, bytes) else p[2]
            lo, hi = max(start, at), min(start + length, at + n)
            if lo < hi:
                if isinstance(p, bytes):
                    sock.sendall(p[lo - at:hi - at])
                else:
                    f, offset, _ = p
                    sock.sendfile(f, offset + lo - at, hi - lo)  # from the page cache, in the kernel
            at += n


# ---- the server ---------------------------------------------------------------------------------

def _setup(data: Path) -> tuple[int, str]:
    """A bureau, an officer, a case and an API token in ``data`` (this process's Django)."""
    django_on(data)
    from django.contrib.auth.models import User

    from lawtrail.access import actions as access
    from lawtrail.cases import actions as cases
    from lawtrail.cases.identifiers import credit_code_check_char

    today = datetime.now().date()
    b = access.create_bureau(by=None, code="bench", name="基准测试局", abbr="基准", profile="000")
    team = access.create_unit(by=None, bureau=b, name="执法一中队", kind="team")
    officers = [access.create_staff(by=None, username=f"bench.{n}", password="correct-horse-battery-9", name=name,
                                    bureau=b, role="officer", unit=team, certificate_no=f"2100000000{i}",
                                    certificate_valid_from=today.replace(year=today.year - 1),
                                    certificate_valid_until=today.replace(year=today.year + 1))
                for i, (n, name) in enumerate((("zhang", "张伟"), ("li", "李娜")))]
    code = "91210213MA0000001"
    party = cases.register_party(by=officers[0], kind="legal_person", name="大连星海文化传媒有限公司",
                                 credit_code=code + credit_code_check_char(code))
    case = cases.open_case(by=officers[0], procedure="penalty_general", source="ex_officio", title="未经许可擅自从事营业性演出",
                           summary="基准测试", handlers=officers, parties=[party])
    _, token = access.issue_token(by=None, user=User.objects.get(username="bench.zhang"), name="基准测试")
    from django.db import connection

    connection.close()
    return case.pk, token


class Client:
    def __init__(self, port: int, token: str):
        self.c = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        self.auth = {"Authorization": f"Bearer {token}"}

    def json(self, method: str, path: str, body=None, expect: int = 200) -> dict:
        data = json.dumps(body).encode() if body is not None else None
        self.c.request(method, path, body=data, headers={**self.auth, "Content-Type": "application/json"})
        r = self.c.getresponse()
        out = r.read()
        if r.status != expect:
            raise RuntimeError(f"{method} {path}: HTTP {r.status} {out[:500]!r}")
        return json.loads(out)

    def send_put(self, path: str, body: Body, start: int, length: int) -> None:
        self.c.putrequest("PUT", path, skip_accept_encoding=True)
        for k, v in {**self.auth, "Content-Type": "application/octet-stream", "Content-Length": str(length)}.items():
            self.c.putheader(k, v)
        self.c.endheaders()
        body.send(self.c.sock, start, length)

    def answer(self) -> dict:
        r = self.c.getresponse()
        out = r.read()
        if r.status != 200:
            raise RuntimeError(f"PUT: HTTP {r.status} {out[:500]!r}")
        return json.loads(out)


def _upload(clients: list[Client], case_id: int, body: Body, chunk: int, name: str) -> tuple[dict, dict]:
    """Create, every chunk, complete; the record and the seconds of each phase. With one client the
    chunks go one after another (as the browser's uploader sends them); with two, the next chunk is
    sent on the other connection while the server still works on the previous one (the server
    takes them in order: a chunk waits for the staging file's lock, then checks its offset)."""
    client = clients[0]
    t0 = time.perf_counter()
    u = client.json("POST", f"/api/v1/cases/{case_id}/media/uploads", {"filename": name, "size": body.size},
                    expect=201)
    t1 = time.perf_counter()
    in_flight = []
    for i, at in enumerate(range(0, body.size, chunk)):
        if len(in_flight) == len(clients):
            c, end = in_flight.pop(0)
            assert c.answer()["received"] == end
        c = clients[i % len(clients)]
        n = min(chunk, body.size - at)
        c.send_put(f"/api/v1/media/uploads/{u['id']}?offset={at}", body, at, n)
        in_flight.append((c, at + n))
    for c, end in in_flight:
        assert c.answer()["received"] == end
    t2 = time.perf_counter()
    record = client.json("POST", f"/api/v1/media/uploads/{u['id']}/complete", {"source": "body_camera"})
    t3 = time.perf_counter()
    return record, {"create": t1 - t0, "chunks": t2 - t1, "complete": t3 - t2, "total": t3 - t0}


def _cpu(pid: int) -> float:
    """User + system CPU seconds of a running process."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _status(pid: int, key: str) -> int:
    """A ``VmHWM``/``VmRSS`` line of /proc/<pid>/status, in bytes."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024
    raise KeyError(key)


def _tool(cmd: list[str]) -> tuple[float, str, float]:
    """Wall seconds, output and CPU seconds of a command."""
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    t = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    return t, out, (r1.ru_utime + r1.ru_stime) - (r0.ru_utime + r0.ru_stime)


def _timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


# ---- the run ------------------------------------------------------------------------------------

def run(size_mib: int = 2048, rss_mib: int = 4096) -> None:
    d = fresh_dir("media")
    try:
        _run(d, size_mib, rss_mib)
    finally:
        shutil.rmtree(d, ignore_errors=True)


def _run(d: Path, size_mib: int, rss_mib: int) -> None:
    if not shutil.which("openssl"):
        raise SystemExit("需要 openssl（openssl dgst -sm3 是本基准的对照）")
    data = d / "data"
    case_id, token = _setup(data)
    head = _clip_head(d)
    size = size_mib * MiB
    src = d / "source.mp4"
    say(f"生成 {size_mib} MiB 测试文件（真实 MP4 + 随机填充）…")
    _generate(src, head, size)  # just written: in the page cache, for the tools and the client alike
    port = free_port()
    say(f"启动 lawtrail serve（127.0.0.1:{port}，数据目录 {data}）…")
    server = start_server(data, port, d / "serve.log", 4)
    results, mb = [], size / 1e6
    try:
        clients = [Client(port, token), Client(port, token)]
        fd = open(src, "rb")
        try:
            body = Body([(fd, 0, size)])
            say("sha256sum …")
            t_sha, out, _ = _tool(["sha256sum", str(src)])
            sha256 = out.split()[0]
            for chunk_mib, connections, goal in ((64, 1, True), (64, 2, False), (8, 1, False)):
                t_sm3, out, cpu_sm3 = _tool(["openssl", "dgst", "-sm3", str(src)])  # right before: the same load
                sm3 = out.strip().rsplit("= ", 1)[1]
                how = "sequential" if connections == 1 else "2 connections"
                say(f"上传 {size_mib} MiB（分块 {chunk_mib} MiB，{how}）…")
                cpu0 = _cpu(server.pid)
                record, t = _upload(clients[:connections], case_id, body, chunk_mib * MiB, f"bench-{chunk_mib}.mp4")
                cpu = _cpu(server.pid) - cpu0
                assert (record["sha256"], record["sm3"], record["size"]) == (sha256, sm3, size), record
                assert record["kind"] == "video", record
                name = f"1. upload, {chunk_mib} MiB chunks, {how}"
                ratio = t_sm3 / t["total"]
                results.append(row(name, mb / t["total"], "MB/s", mb / t_sm3, "openssl dgst -sm3",
                                   f"比值 >= {GOAL_RATIO}" if goal else "(参考)", ratio >= GOAL_RATIO)
                               + f"  比值 {ratio:.2f}")
                if goal:
                    results.append(row(name, mb / t["total"], "MB/s", mb / t_sha, "sha256sum", "(参考)",
                                       t["total"] <= t_sha) + f"  比值 {t_sha / t['total']:.2f}")
                results.append(f"   create {t['create']:.2f} s + {size // (chunk_mib * MiB)} PUTs {t['chunks']:.1f} s"
                               f" + complete (probe, adopt, poster, ledger) {t['complete']:.2f} s = {t['total']:.1f} s"
                               f" (openssl {t_sm3:.1f} s); server CPU {cpu:.1f} s (openssl's {cpu_sm3:.1f} s);"
                               f" load {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
                _drop_objects(data)
            results.append(_leftovers(data))

            say(f"上传 {rss_mib} MiB，测服务器进程峰值内存 …")
            results += _rss(clients[0], case_id, server.pid, fd, head, rss_mib * MiB)
            _drop_objects(data)
        finally:
            fd.close()
    finally:
        stop_server(server)
    src.unlink()
    results += _store_figures(d)
    print(f"\n音像上传基准（同一次运行中与基线对比；服务器 lawtrail serve，SQLite，文件系统存储）")
    for r in results:
        print(r)


def _drop_objects(data: Path) -> None:
    """The benchmark's own scratch store: remove the big originals so disk use stays bounded."""
    for p in (data / "media" / "objects").rglob("*"):
        if p.is_file() and ".incoming" not in p.parts and p.stat().st_size > 64 * MiB:
            p.unlink()


def _leftovers(data: Path) -> str:
    incoming = data / "media" / "objects" / ".incoming"
    left = [p for p in incoming.rglob("*") if p.is_file()] if incoming.exists() else []
    return f"   staging after completion: {len(left)} file(s) left in objects/.incoming" + (
        f" {[p.name for p in left]}" if left else "")


def _rss(client: Client, case_id: int, pid: int, fd, head: bytes, size: int) -> list[str]:
    src_size = os.fstat(fd.fileno()).st_size
    pad_at = len(head) + 16  # the padding of the source file, repeated
    pieces, left = [head + _free_box(size - pad_at)], size - pad_at
    while left:
        n = min(left, src_size - pad_at)
        pieces.append((fd, pad_at, n))
        left -= n
    body = Body(pieces)
    base = _status(pid, "VmRSS")
    with open(f"/proc/{pid}/clear_refs", "w") as f:
        f.write("5")  # reset VmHWM (the peak) to the current RSS
    chunk = 64 * MiB
    t0 = time.perf_counter()
    u = client.json("POST", f"/api/v1/cases/{case_id}/media/uploads", {"filename": "bench-4g.mp4", "size": size},
                    expect=201)
    first_half = 0
    for at in range(0, size, chunk):
        n = min(chunk, size - at)
        client.send_put(f"/api/v1/media/uploads/{u['id']}?offset={at}", body, at, n)
        client.answer()
        if at + n >= size // 2 and not first_half:
            first_half = _status(pid, "VmHWM")
    record = client.json("POST", f"/api/v1/media/uploads/{u['id']}/complete", {"source": "body_camera"})
    t = time.perf_counter() - t0
    peak = _status(pid, "VmHWM")
    assert record["size"] == size and record["kind"] == "video", record
    mb = 1e6
    return [
        row(f"2. server peak RSS, {size // GiB} GiB upload", peak / mb, "MB", GOAL_RSS_MB, "goal",
            f"< {GOAL_RSS_MB} MB", peak < GOAL_RSS_MB * mb),
        f"   RSS before {base / mb:.0f} MB; peak after the first half {first_half / mb:.0f} MB, after all "
        f"{peak / mb:.0f} MB (flat: +{(peak - first_half) / mb:.0f} MB over the second {size // 2 // GiB} GiB); "
        f"{size / 1e6 / t:,.0f} MB/s",
    ]


def _store_figures(d: Path, size_mib: int = 512, rounds: int = 2) -> list[str]:
    from lawtrail.media.digests import CHUNK_SIZE, hash_file
    from lawtrail.media.storage.filesystem import FilesystemStore

    size = size_mib * MiB
    mb = size / 1e6
    src = d / "plain.bin"
    rng = random.Random(7)
    with open(src, "wb") as f:
        for _ in range(size // (64 * MiB)):
            f.write(rng.randbytes(64 * MiB))
    default_mib = CHUNK_SIZE // MiB
    sweep = sorted({1, default_mib, 16})
    best: dict[str, float] = {}

    def keep(name: str, seconds: float) -> None:
        best[name] = min(seconds, best.get(name, seconds))

    for r in range(1, rounds + 1):
        say(f"第 {r}/{rounds} 轮（{size_mib} MiB）：openssl sm3、hash_file、put_file、cp + sync …")
        keep("openssl", _tool(["openssl", "dgst", "-sm3", str(src)])[0])
        for chunk in sweep:
            keep(f"hash {chunk}", _timed(lambda c=chunk: hash_file(src, chunk_size=c * MiB)))
        digests = hash_file(src)
        store = FilesystemStore(d / f"store-{r}")
        keep("put", _timed(lambda: store.put_file(src, digests)))
        copy = d / "copy.bin"
        keep("cp", _timed(lambda: subprocess.run(["sh", "-c", 'cp "$1" "$2" && sync "$2"', "-", str(src), str(copy)],
                                                 check=True)))
        copy.unlink()
        shutil.rmtree(store.root)
    src.unlink()
    out = [row(f"3. hash_file: SHA-256 + SM3 ({size_mib} MiB)", mb / best[f"hash {default_mib}"], "MB/s",
               mb / best["openssl"], "openssl dgst -sm3 (SM3 only)", "(参考)", True)
           + f"  比值 {best['openssl'] / best[f'hash {default_mib}']:.2f}",
           row("   put_file: copy, SHA-256 check, fsync", mb / best["put"], "MB/s", mb / best["cp"],
               "cp + sync (unchecked)", "(参考)", best["put"] <= best["cp"])]
    default = best[f"hash {default_mib}"]
    for chunk in sweep:
        t = best[f"hash {chunk}"]
        out.append(row(f"   hash_file chunk {chunk} MiB", mb / t, "MB/s", mb / default,
                       f"chunk {default_mib} MiB (default)", "默认不慢 5% 以上", default <= t * 1.05))
    return out
