"""Shared scaffolding: a throwaway data directory on the project's disk, Django set up on it, and a
real `lawtrail serve` subprocess to measure against."""

import http.client
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"


def fresh_dir(name: str) -> Path:
    d = OUT / name
    shutil.rmtree(d, ignore_errors=True)
    d.mkdir(parents=True)
    return d


def django_on(data_dir: Path) -> None:
    os.environ["LAWTRAIL_DATA_DIR"] = str(data_dir)
    os.environ.pop("LAWTRAIL_DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "lawtrail.settings"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def timed(fn, *args):
    t0 = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - t0, result


def say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


INFO = "(参考)"  # the goal of a figure shown for comparison only: no verdict


def row(name: str, ours: float, unit: str, base: float, base_name: str, goal: str, met: bool) -> str:
    verdict = "" if goal == INFO else "达标" if met else "未达标"
    return (f"{name:<44} {ours:>12,.0f} {unit:<10} | {base_name:<34} {base:>12,.0f} {unit:<10} "
            f"| {goal:<14} {verdict}").rstrip()


def rounds_rows(name: str, unit: str, ours: list[float], base: list[float], base_name: str, goal: str,
                passes, decimals: int = 0) -> list[str]:
    """A figure measured in rounds, each beside the baseline of the same round: the verdict line —
    the medians of the figure and of the baseline, and ``passes(median of the rounds' ratios)`` —
    then a line per round with its ratio. One round disturbed by another process on a shared
    machine does not decide the verdict."""
    ratios = [o / b if b else float("nan") for o, b in zip(ours, base)]
    f = f"{{:>12,.{decimals}f}}"
    lines = [f"    第 {k} 轮  {f.format(o)} {unit:<6} | {base_name} {f.format(b)} {unit:<6} | 比值 {r:.2f}"
             for k, (o, b, r) in enumerate(zip(ours, base, ratios), 1)]
    ratio = statistics.median(ratios)
    ours_med, base_med = statistics.median(ours), statistics.median(base)
    lines.insert(0, f"{name + f'（{len(ours)} 轮中位数）':<44} {f.format(ours_med)} {unit:<10} | {base_name:<34} "
                 f"{f.format(base_med)} {unit:<10} | {goal:<14} {'达标' if passes(ratio) else '未达标'}"
                 f"  比值中位数 {ratio:.3f}")
    return lines


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(data: Path, port: int, log: Path, threads: int) -> subprocess.Popen:
    """`lawtrail serve` on ``data`` (SQLite, filesystem store), answering within 60 s or an error with its log."""
    env = {**os.environ, "LAWTRAIL_DATA_DIR": str(data)}
    for k in ("LAWTRAIL_DATABASE_URL", "DJANGO_SETTINGS_MODULE", "LAWTRAIL_MEDIA_STORE"):
        env.pop(k, None)
    with open(log, "wb") as fh:
        proc = subprocess.Popen([sys.executable, "-m", "lawtrail.cli", "serve", "--no-worker", "--host", "127.0.0.1",
                                 "--port", str(port), "--threads", str(threads)],
                                env=env, stdout=fh, stderr=subprocess.STDOUT, cwd=str(data.parent))
    deadline = time.time() + 60
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"lawtrail serve 退出（{proc.returncode}）：{log.read_text(errors='replace')[-2000:]}")
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            c.request("GET", "/login/")
            if c.getresponse().status == 200:
                c.close()
                return proc
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise RuntimeError("lawtrail serve 在 60 秒内没有应答")


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
