"""What the stored findings' engine digest covers (rules/stored.py): every source file whose change can
change a finding, derived from the imports of the rule code rather than listed by hand, so a rule
kind that starts reading another module (a procedure table, the document catalogue, the continuity
of a camera's clips, the 24-hour clock of AV…) is covered the day it imports it.

The walk starts at the rule code (``ROOTS``) and reads each file's imports, including those inside
functions, with ``ast`` (nothing is imported to find them):

- every module of ``lawtrail.rules`` it reaches is followed further;
- every other ``lawtrail`` module it names is covered, and followed further only if it is pure
  (imports no Django): the tables the rules read (procedures, catalogue, roles) import only other
  tables, while a module with Django (models, actions) imports the ledger, storage and the like,
  whose changes judge nothing — following those would re-check every case on every deploy;
- a third-party package it names (chinese-calendar's holidays, Django…) is covered by its
  installed version.

The profiles (``profiles/*.yaml``) are added by stored.py."""

from __future__ import annotations

import ast
import sys
from functools import lru_cache
from importlib import metadata
from pathlib import Path

SRC = Path(__file__).resolve().parents[2]   # the directory holding the lawtrail package
ROOTS = ("lawtrail.rules.kinds", "lawtrail.rules.facts", "lawtrail.rules.calendar", "lawtrail.rules.profiles",
         "lawtrail.rules.refs", "lawtrail.rules.stored", "lawtrail.rules.engine")


def path_of(module: str) -> Path | None:
    base = SRC.joinpath(*module.split("."))
    for p in (base.with_suffix(".py"), base / "__init__.py"):
        if p.is_file():
            return p
    return None


def _module_of(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> tuple[set[str], set[str]]:
    """(lawtrail modules, other top-level names) that ``path`` imports anywhere in its text."""
    here = _module_of(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    ours, others = set(), set()
    for node in ast.walk(ast.parse(path.read_bytes(), str(path))):
        if isinstance(node, ast.Import):
            for name in (a.name for a in node.names):
                (ours if name.split(".")[0] == "lawtrail" else others).add(name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            if name.split(".")[0] != "lawtrail":
                others.add(name)
                continue
            ours.add(name)
            ours |= {f"{name}.{a.name}" for a in node.names if path_of(f"{name}.{a.name}")}  # from pkg import module
    return {m for m in ours if path_of(m)}, {n.split(".")[0] for n in others if n}


def _pure(others: set[str]) -> bool:
    return "django" not in others


@lru_cache(maxsize=1)
def sources() -> tuple[tuple[Path, ...], tuple[str, ...]]:
    """(the source files, "distribution==version" of the third-party packages) the digest covers."""
    todo = list(ROOTS)
    todo += [f"lawtrail.rules.kinds.{p.stem}" for p in path_of("lawtrail.rules.kinds").parent.glob("*.py")]
    seen: set[str] = set()
    third: set[str] = set()
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        seen.add(module)
        ours, others = imports(path_of(module))
        if module.startswith("lawtrail.rules"):
            third |= others
        if module.startswith("lawtrail.rules") or _pure(others):
            todo += sorted(ours - seen)
    files = tuple(sorted({path_of(m) for m in seen}))
    return files, _versions(third)


def _versions(names: set[str]) -> tuple[str, ...]:
    found = metadata.packages_distributions()
    out = set()
    for name in names - set(sys.stdlib_module_names) - {"__future__", "lawtrail"}:
        for dist in found.get(name, ()):
            out.add(f"{dist}=={metadata.version(dist)}")
    return tuple(sorted(out))
