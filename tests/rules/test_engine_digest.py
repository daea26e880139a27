"""The stored findings' engine digest (rules/stored.py, rules/engine.py) covers every module the rule
kinds read, so that a deployment changing one of them re-checks every case instead of leaving
findings computed by the old code standing."""

import importlib
import inspect
import types

import pytest

from lawtrail.rules import engine, stored

TEXTS, VERSIONS = stored.engine_texts()
NAMES = [name for name, _ in TEXTS]
PROFILES = [("000.yaml", b"rules: []\n")]


def _digest(texts=TEXTS, versions=VERSIONS, profiles=PROFILES):
    return stored.digest(texts, versions, profiles)


@pytest.mark.parametrize("module", [
    "lawtrail/cases/procedures.py",   # the step tables the deadlines and documents rules walk
    "lawtrail/records/catalogue.py",  # the document kinds and their fields
    "lawtrail/media/continuity.py",   # gaps between a camera's clips
    "lawtrail/media/actions.py",      # the 24-hour clock of AV (timeliness)
    "lawtrail/rules/calendar.py",     # working days
    "lawtrail/rules/facts.py",
    "lawtrail/rules/kinds/deadline.py",
    "lawtrail/access/roles.py",       # imported by the procedures: who approves a step
])
def test_the_digest_covers_the_modules_the_rule_kinds_read(module):
    assert module in NAMES


def test_the_digest_covers_the_installed_holiday_calendar():
    assert any(v.startswith("chinese_calendar==") for v in VERSIONS)


def test_infrastructure_the_rules_do_not_read_is_left_out_so_a_deploy_of_it_rechecks_nothing():
    assert not [n for n in NAMES if n.startswith(("lawtrail/ledger/store", "lawtrail/media/storage", "lawtrail/web/"))]


def _lawtrail_modules_used_by(module: types.ModuleType) -> set[str]:
    """What a module really uses at run time, found without the ast walk: the home of each lawtrail
    function, class or module it holds a name for."""
    found = set()
    for value in vars(module).values():
        home = value if inspect.ismodule(value) else inspect.getmodule(value)
        if home is not None and home.__name__.startswith("lawtrail.") and getattr(home, "__file__", None):
            found.add(home.__file__)
    return found


def test_every_module_a_rule_kind_holds_a_name_from_is_covered():
    from lawtrail.rules.kinds import KINDS

    covered = {str(engine.SRC / n) for n in NAMES}
    kind_modules = {importlib.import_module(k.__module__) for k in KINDS.values()}
    used = set().union(*(_lawtrail_modules_used_by(m) for m in kind_modules))
    assert used - covered == set()


@pytest.mark.parametrize("module", ["lawtrail/cases/procedures.py", "lawtrail/records/catalogue.py",
                                    "lawtrail/media/continuity.py", "lawtrail/media/actions.py",
                                    "lawtrail/rules/kinds/av.py"])
def test_changing_one_covered_module_changes_the_digest(module):
    changed = [(n, data + b"\n# changed by a deployment\n" if n == module else data) for n, data in TEXTS]
    assert _digest(changed) != _digest()


def test_a_new_version_of_a_package_the_rules_read_changes_the_digest():
    newer = tuple(v if not v.startswith("chinese_calendar==") else "chinese_calendar==99.0.0" for v in VERSIONS)
    assert _digest(versions=newer) != _digest()


def test_a_changed_profile_changes_the_digest():
    assert _digest(profiles=[("000.yaml", b"rules: [x]\n")]) != _digest()


def test_the_same_code_gives_the_same_digest():
    assert _digest() == _digest() == stored.digest(list(TEXTS), tuple(VERSIONS), list(PROFILES))
