"""make bench: every figure printed beside a baseline measured in the same run.

    python -m bench [--entries 1000000] [--only ledger]
"""

import argparse

from . import ledger_bench


def main() -> None:
    p = argparse.ArgumentParser(prog="python -m bench")
    p.add_argument("--entries", type=int, default=1_000_000, help="log size for the verify and proof figures")
    a = p.parse_args()
    ledger_bench.run(entries=a.entries)


main()
