"""make bench: every figure printed beside a baseline measured in the same run.

    python -m bench [--entries 1000000] [--cases 100000] [--only ledger|cases|documents|media|rules] [--reuse]

Without --only all run, each in its own process (each sets Django up on its own data directory).
"""

import argparse
import subprocess
import sys
from pathlib import Path


def main() -> None:
    p = argparse.ArgumentParser(prog="python -m bench")
    p.add_argument("--entries", type=int, default=1_000_000,
                   help="log size for the verify and proof figures; ledger size generated for the case pages")
    p.add_argument("--cases", type=int, default=100_000, help="cases generated for the case page figures")
    p.add_argument("--only", choices=("ledger", "cases", "documents", "media", "rules"), help="run one benchmark (default: all)")
    p.add_argument("--reuse", action="store_true",
                   help="cases, rules: reuse bench/out/cases (bench/out/rules) if generated with the same --cases (and --entries)")
    a = p.parse_args()
    if a.only == "ledger":
        from . import ledger_bench

        ledger_bench.run(entries=a.entries)
    elif a.only == "cases":
        from . import cases_bench

        cases_bench.run(cases=a.cases, entries=a.entries, reuse=a.reuse)
    elif a.only == "documents":
        from . import documents_bench

        documents_bench.run()
    elif a.only == "media":
        from . import media_bench

        media_bench.run()
    elif a.only == "rules":
        from . import rules_bench

        rules_bench.run(cases=a.cases, reuse=a.reuse)
    else:
        failed = []
        for name in ("ledger", "cases", "documents", "media", "rules"):
            cmd = [sys.executable, "-m", "bench", "--only", name, "--entries", str(a.entries), "--cases", str(a.cases)]
            if a.reuse:
                cmd.append("--reuse")
            if subprocess.run(cmd, cwd=Path(__file__).resolve().parent.parent).returncode:
                failed.append(name)
        if failed:
            sys.exit(f"失败的基准：{', '.join(failed)}")


main()
