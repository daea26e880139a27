"""Contents of finalised documents that a profile requires beyond what the catalogue refuses.

The catalogue (records/catalogue.py) already refuses to finalise a document without its required
fields, so a rule here names only fields the catalogue leaves optional because they are needed in
some cases only: the witness and the reason of a refusal when a document is left at the residence,
the review of the party's statement in the simple procedure … A rule naming a required field could
never fail and is refused by the loader.
"""

from __future__ import annotations

from ..facts import CaseFacts
from . import Finding, Kind, ParamError, codes, register, require


def one_kind(params: dict, key: str):
    """The single document kind a parameter names (records.catalogue.DocumentKind)."""
    from lawtrail.records.catalogue import KINDS

    found = codes(params, key, KINDS, "文书种类")
    if len(found) != 1:
        raise ParamError(key, "只能指定一种文书")
    return KINDS[found[0]]


def document_where(kind, raw, key: str) -> dict[str, tuple]:
    """A condition on a document's values, {栏目: 值 or [值…]}, checked against the kind's fields:
    a choice field takes its choice codes, a yes/no field true or false."""
    if raw is None:
        return {}
    if not isinstance(raw, dict) or not raw:
        raise ParamError(key, "应为 {栏目: 值}")
    out = {}
    fields = {f.name: f for f in kind.fields}
    for name, value in raw.items():
        f = fields.get(name)
        if f is None:
            raise ParamError(key, f"《{kind.title}》没有栏目“{name}”")
        values = tuple(value if isinstance(value, list) else [value])
        allowed = {c for c, _ in f.choices} if f.type == "choice" else {True, False} if f.type == "bool" else None
        if allowed is None:
            raise ParamError(key, f"栏目“{f.label}”不是选项或是否栏目，不能作为条件")
        bad = [v for v in values if v not in allowed or (f.type == "choice" and isinstance(v, bool))]
        if bad:
            raise ParamError(key, f"栏目“{f.label}”没有取值“{bad[0]}”")
        out[name] = values
    return out


def matches(values: dict, where: dict[str, tuple]) -> bool:
    return all(values.get(name) in allowed for name, allowed in where.items())


def each_document(docs, problem, name: str, met: str) -> Finding:
    """Broken naming every document whose current version has a problem (``problem(values)``: why,
    or None), else met: for kinds that check each finalised document of a kind on its own."""
    problems, refs = [], []
    for d, v in docs:
        why = problem(v.values)
        if why:
            problems.append(f"{d.number or name}第{v.version}版：{why}")
            refs.append(f"version:{v.pk}")
    if problems:
        return Finding("broken", "；".join(problems), records=tuple(refs))
    return Finding("met", met, records=tuple(f"version:{v.pk}" for _, v in docs))


def empty(value) -> bool:
    return value is None or value == "" or value == [] or value == {}


@register
class RequiredFields(Kind):
    """Every finalised document of kind ``document`` whose current version matches ``where``
    ({栏目: 值}, e.g. 送达方式: 留置送达) fills each of ``fields`` — fields the catalogue leaves
    optional. A finalised version cannot change, so a missing field is broken at once (a correction
    makes a new version that can fill it)."""

    code = "required_fields"
    PARAMS = ("document", "fields", "where")

    def __init__(self, params: dict):
        self.kind = one_kind(params, "document")
        names = require(params, "fields")
        self.fields = tuple(names if isinstance(names, list) else [names])
        known = {f.name: f for f in self.kind.fields}
        for name in self.fields:
            f = known.get(name)
            if f is None:
                raise ParamError("fields", f"《{self.kind.title}》没有栏目“{name}”")
            if f.required:
                raise ParamError("fields", f"栏目“{f.label}”在文书目录中已是必填，定稿时即已检查，本规则不会不满足")
        self.where = document_where(self.kind, params.get("where"), "where")
        self.labels = {name: known[name].label for name in self.fields}

    def evaluate(self, facts: CaseFacts) -> Finding:
        docs = [(d, v) for d, v in facts.finalised(self.kind.code) if matches(v.values, self.where)]
        title = f"《{self.kind.title}》"
        if not docs:
            return Finding("not_applicable", f"本案没有需要检查的已定稿{title}")
        return each_document(docs, self._missing, title,
                             f"{len(docs)}份{title}均写明{'、'.join(self.labels.values())}")

    def _missing(self, values: dict) -> str | None:
        missing = [self.labels[n] for n in self.fields if empty(values.get(n))]
        return f"未写明{'、'.join(missing)}" if missing else None
