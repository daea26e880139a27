"""The ``lawtrail`` console command: Django's management commands with lawtrail's settings.

``lawtrail verify-proof`` is answered before Django starts: it must run on a machine that has
no lawtrail database, configuration or data directory (a court's expert, another bureau).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    if len(argv) > 1 and argv[1] == "verify-proof":
        from lawtrail.ledger.proofs import main as verify_proof

        sys.exit(verify_proof(argv[2:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lawtrail.settings")
    from lawtrail.config import ConfigError

    try:
        from django.core.management import execute_from_command_line

        args = argv[1:]
        if args and not args[0].startswith("-"):  # `lawtrail import-dock` runs Django's import_dock
            args[0] = args[0].replace("-", "_")
        execute_from_command_line(["lawtrail", *args])
    except ConfigError as e:
        print(f"lawtrail: 配置错误，未启动：{e}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
