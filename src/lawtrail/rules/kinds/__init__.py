"""Rule kinds: small classes that read a case's facts (facts.CaseFacts) and say whether one
requirement is met. The instances, with their parameters, citation and the article's words, live
in the YAML profiles (profiles.py reads them); each kind's ``PARAMS`` says what a profile gives it.

Statuses of a finding:

- ``met``: the requirement is fulfilled (a deadline met in time, the document there, all signed);
- ``pending``: not yet fulfilled, and still can be in time (a deadline: ``due_at`` says until when);
- ``overdue``: a deadline passed and what it asks for has still not happened;
- ``broken``: what happened breaks the rule (done too late, a forbidden value, a missing signature
  on a finalised version, a required document missing from a closed case);
- ``not_applicable``: the rule does not concern this case (yet): other procedure, the clock's
  starting event has not happened, nothing of the kind was recorded.

``evaluate`` never writes and never stores anything: findings are computed on demand.

One module per family of kinds (``deadline.py``, ``documents.py`` …); a kind joins the registry
``KINDS`` with ``@register``, and every module of this package is imported below, so adding a
kind is adding a module (or a class in one) — nothing else to edit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from dataclasses import fields as dataclass_fields  # "fields" is also the kinds module fields.py
from datetime import datetime

from importlib import import_module
from pkgutil import iter_modules

from ..facts import CaseFacts

STATUSES = {"met": "符合", "pending": "待办", "overdue": "逾期", "broken": "违反", "not_applicable": "不适用"}


@dataclass(slots=True)  # some 50 per case on every re-check: slots make them cheaper to build and label
class Finding:
    status: str
    message: str
    due_at: datetime | None = None
    records: tuple[str, ...] = ()
    # filled in by the rule that ran the kind (profiles.Rule.evaluate)
    rule: str = ""
    kind: str = ""
    severity: str = ""
    cite: str = ""
    text: str = ""

    def __post_init__(self):
        assert self.status in STATUSES, self.status


class ParamError(ValueError):
    """A bad parameter: ``key`` names it so the loader can point at its line."""

    def __init__(self, key: str, reason: str):
        self.key, self.reason = key, reason
        super().__init__(f"{key}: {reason}")


def require(params: dict, key: str):
    if key not in params or params[key] in (None, "", []):
        raise ParamError(key, f"缺少参数“{key}”")
    return params[key]


def codes(params: dict, key: str, known, what: str, required: bool = True) -> tuple[str, ...]:
    value = params.get(key) if not required else require(params, key)
    if value is None:
        return ()
    items = value if isinstance(value, list) else [value]
    for v in items:
        if v not in known:
            raise ParamError(key, f"未知的{what}“{v}”")
    return tuple(items)


class FixedFinding(Finding):
    """A finding shared by every case it concerns (profiles.Rule.not_applicable), so read only."""

    __slots__ = ()

    def __setattr__(self, name, value):
        raise AttributeError(f"共享的检查结论不可修改（{name}）")


def fixed_finding(status: str, message: str, labels: tuple[str, str, str, str, str]) -> FixedFinding:
    f = object.__new__(FixedFinding)
    for each, value in zip(dataclass_fields(Finding), (status, message, None, (), *labels), strict=True):
        object.__setattr__(f, each.name, value)
    f.__post_init__()
    return f


class Kind:
    """Base class. ``PARAMS`` are the parameter names a profile may give (besides the common
    id, kind, severity, cite, text, procedures, when)."""

    code = ""
    PARAMS: tuple[str, ...] = ()

    def evaluate(self, facts: CaseFacts) -> Finding:
        raise NotImplementedError

    def procedures(self) -> frozenset[str] | None:
        """The procedures in whose cases this kind can find anything, or None for all. A rule is
        not applicable to the cases of the others and is not evaluated for them."""
        return None


def procedures_with_steps(steps) -> frozenset[str]:
    """The procedures that have one of the steps ``steps``: the only ones whose cases record them."""
    from lawtrail.cases.procedures import PROCEDURES

    return frozenset(code for code, p in PROCEDURES.items() if any(s.code in steps for s in p.steps))


def late(delta) -> str:
    hours = int(delta.total_seconds() // 3600)
    return f"{hours // 24}日{hours % 24}小时" if hours >= 24 else f"{max(hours, 0)}小时{int(delta.total_seconds() // 60) % 60}分"


KINDS: dict[str, type[Kind]] = {}


def register(cls: type[Kind]) -> type[Kind]:
    """Class decorator: make ``cls`` usable in profiles under ``cls.code``."""
    assert cls.code and cls.code not in KINDS, cls.code
    KINDS[cls.code] = cls
    return cls


for _module in sorted(m.name for m in iter_modules(__path__)):
    import_module(f"{__name__}.{_module}")

from .av import AvWithin24h  # noqa: E402  (re-exported: the kinds that existed before the package)
from .deadline import Deadline  # noqa: E402
from .documents import RequiredDocument, Signatures  # noqa: E402
from .values import AllowedValues  # noqa: E402

__all__ = ["KINDS", "STATUSES", "Finding", "FixedFinding", "Kind", "ParamError", "fixed_finding", "procedures_with_steps",
           "register", "require", "codes", "late",
           "AllowedValues", "AvWithin24h", "Deadline", "RequiredDocument", "Signatures"]
