"""Shared scaffolding: a throwaway data directory on the project's disk, Django set up on it."""

import os
import shutil
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


def row(name: str, ours: float, unit: str, base: float, base_name: str, goal: str, met: bool) -> str:
    return (f"{name:<44} {ours:>12,.0f} {unit:<10} | {base_name:<34} {base:>12,.0f} {unit:<10} "
            f"| {goal:<14} {'达标' if met else '未达标'}")
