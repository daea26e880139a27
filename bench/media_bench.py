"""Media ingest benchmark (issue #5): a 1 GiB generated file hashed and stored through the
filesystem store, beside sha256sum and openssl's SM3 on the same file in the same run.

1. ingest MB/s: the file streamed in 4 MiB pieces (as an upload arrives) through
   ``HashingWriter`` into a staging file — SHA-256 and SM3 in that one pass — then
   ``FilesystemStore.put_file`` (in-kernel copy, SHA-256 of the copy, fsync, link, fsync of the
   directory). Baselines: ``openssl dgst -sm3`` (the issue's yardstick for the upload path, goal
   >= 0.8x) and ``sha256sum``; ``sm3sum`` too when installed. The receiving half is also shown alone.
2. ``hash_file`` alone (both digests, one pass) beside ``openssl dgst -sm3``, and ``put_file``
   alone beside ``cp`` + ``sync`` of the same file (the same bytes copied and made durable, unchecked);
3. storing the same bytes again (deduplicated: a SHA-256 check, nothing written);
4. ``hash_file`` chunk sizes 1, 4 and 16 MiB (``digests.CHUNK_SIZE`` is 4 MiB).

Every step reads the source from the page cache (it was just written), the tools as well.

    python -m bench --only media
"""

from __future__ import annotations

import random
import shutil
import subprocess
import time

from .common import fresh_dir, row, say

MiB = 1 << 20


def _generate(path, size: int) -> None:
    rng = random.Random(2026)  # incompressible enough, and far quicker than os.urandom
    with open(path, "wb") as f:
        for _ in range(size // (64 * MiB)):
            f.write(rng.randbytes(64 * MiB))


def _tool(cmd: list[str]) -> tuple[float, str]:
    t0 = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return time.perf_counter() - t0, out


def run(size_mib: int = 1024, rounds: int = 3) -> None:
    from lawtrail.media.digests import CHUNK_SIZE, HashingWriter, hash_file
    from lawtrail.media.storage.filesystem import FilesystemStore

    d = fresh_dir("media")
    size = size_mib * MiB
    mb = size / 1e6
    src = d / "source.bin"
    say(f"生成 {size_mib} MiB 测试文件 …")
    _generate(src, size)  # just written, so in the page cache before anything is timed
    openssl, sm3sum = shutil.which("openssl"), shutil.which("sm3sum")
    default_mib = CHUNK_SIZE // MiB
    sweep = sorted({1, default_mib, 16})

    def receive(staging):
        """An upload arriving in 4 MiB pieces, written and hashed in one pass."""
        with open(src, "rb", buffering=0) as upload, open(staging, "wb") as out:
            w = HashingWriter(out)
            buf = bytearray(CHUNK_SIZE)
            view = memoryview(buf)
            while n := upload.readinto(buf):
                w.write(view[:n])
        return w.digests()

    # Each round measures everything once, ours and the tools side by side; the best of the rounds
    # is kept, so a neighbour's burst of load on the shared machine skews no single comparison.
    best: dict[str, float] = {}

    def keep(name: str, seconds: float) -> None:
        best[name] = min(seconds, best.get(name, seconds))

    for r in range(1, rounds + 1):
        say(f"第 {r}/{rounds} 轮：sha256sum、openssl sm3、接收 + put_file、hash_file、cp + sync、去重、分块大小 …")
        t, out = _tool(["sha256sum", str(src)])
        keep("sha256sum", t)
        sha256_tool = out.split()[0]
        if openssl:
            t, out = _tool(["openssl", "dgst", "-sm3", str(src)])
            keep("openssl", t)
            sm3_tool = out.strip().rsplit("= ", 1)[1]
        if sm3sum:
            keep("sm3sum", _tool([sm3sum, str(src)])[0])

        store, staging = FilesystemStore(d / f"media-{r}"), d / "staging.part"
        t0 = time.perf_counter()
        digests = receive(staging)
        t1 = time.perf_counter()
        assert store.put_file(staging, digests) is True
        t2 = time.perf_counter()
        staging.unlink()
        keep("receive", t1 - t0)
        keep("put", t2 - t1)
        keep("ingest", t2 - t0)
        assert digests.sha256 == sha256_tool and (not openssl or digests.sm3 == sm3_tool), "digests agree with tools"

        keep(f"hash {default_mib}", _timed(lambda: hash_file(src)))
        copy = d / "copy.bin"
        keep("cp", _timed(lambda: subprocess.run(["sh", "-c", 'cp "$1" "$2" && sync "$2"', "-", str(src), str(copy)],
                                                 check=True)))
        copy.unlink()
        keep("again", _timed(lambda: store.put_file(src, digests)))
        for chunk in sweep:
            if chunk == default_mib:
                continue
            keep(f"hash {chunk}", _timed(lambda c=chunk: hash_file(src, chunk_size=c * MiB)))
        shutil.rmtree(store.root)  # the benchmark's own scratch store, so the next round stores anew

    def line(name: str, ours: str, base: str, base_name: str, goal: str, ratio: float | None = None) -> str:
        met = best[base] / best[ours] >= ratio if ratio else best[ours] <= best[base]
        return (row(name, mb / best[ours], "MB/s", mb / best[base], base_name, goal, met)
                + f"  比值 {best[base] / best[ours]:.2f}")

    results = []
    if openssl:
        results.append(line("1. ingest: receive+hash, put_file", "ingest", "openssl", "openssl dgst -sm3",
                            "比值 >= 0.8", 0.8))
    results.append(line("1. ingest: receive+hash, put_file", "ingest", "sha256sum", "sha256sum", "(参考)"))
    if sm3sum:
        results.append(line("1. ingest: receive+hash, put_file", "ingest", "sm3sum", "sm3sum", "(参考)"))
    if openssl:
        results.append(line("   receive+hash alone (HashingWriter)", "receive", "openssl", "openssl dgst -sm3", "(参考)"))
        results.append(line("2. hash_file: SHA-256 + SM3, one pass", f"hash {default_mib}", "openssl",
                            "openssl dgst -sm3 (SM3 only)", "(参考)"))
    results.append(line("2. put_file: copy, SHA-256 check, fsync", "put", "cp", "cp + sync (unchecked)", "(参考)"))
    results.append(line("3. put_file again (deduplicated)", "again", "sha256sum", "sha256sum", "(参考)"))
    default = best[f"hash {default_mib}"]
    for chunk in sweep:
        t = best[f"hash {chunk}"]
        results.append(row(f"4. hash_file chunk {chunk} MiB", mb / t, "MB/s", mb / default,
                           f"chunk {default_mib} MiB (default)", "默认不慢 5% 以上", default <= t * 1.05))

    print(f"\n音像存储基准（{size_mib} MiB 文件，{rounds} 轮取最好，同一次运行中与基线对比）")
    for r in results:
        print(r)
    shutil.rmtree(d, ignore_errors=True)


def _timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0
