"""Rule profiles: one YAML file per bureau (``profiles/000.yaml`` …) on top of ``national.yaml``.

A profile file::

    profile: "000"                      # the name Bureau.profile uses ("national" for the baseline)
    title: 大连金普新区文化旅游局
    extends: national                   # optional; the parent's rules come first
    rules:
      - id: postal-service-carrier      # unique in the profile (parent's rules included)
        kind: allowed_values            # a code of kinds.KINDS
        severity: error                 # error (default) or warning
        cite: {file: 000_7020ab165d466204.txt, article: 第二十条第二款}   # seed file, or a statute
        text: 邮寄送达行政执法文书应当采用挂号信或特快专递方式（EMS）……   # the article's words, quoted
        procedures: [penalty_general]   # optional: only cases of these procedures
        when: {emergency: true}         # optional: only cases whose fields have these values
        replaces: true                  # required when the id is the parent's: the difference is explicit
        ...                             # the kind's own parameters (kinds.<Kind>.PARAMS)

Every problem is refused at load time as ``ProfileError`` with the file, the line and the reason;
``RulesConfig.ready`` loads all profiles, so the application does not start on a broken one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import yaml
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .facts import CaseFacts
from .kinds import KINDS, Finding, Kind, ParamError, fixed_finding

PROFILES_DIR = Path(__file__).with_name("profiles")
SEEDS = {
    "000": "000_7020ab165d466204.txt",
    "001": "001_d71ef44a47a117ae.txt",
    "002": "002_940abe677fd0609e.txt",
    "003": "003_db3e584f1c8125e9.txt",
    "004": "004_bd12176678c1676b.txt",
}
STATUTES = ("行政处罚法", "行政强制法", "行政许可法", "政府信息公开条例")
COMMON = ("id", "kind", "severity", "cite", "text", "procedures", "when", "replaces")
SEVERITIES = {"error": "严重", "warning": "提示"}
CASE_CONDITIONS = ("emergency", "act_type", "source")


class ProfileError(ImproperlyConfigured):
    def __init__(self, path: Path, line: int | None, reason: str):
        self.path, self.line, self.reason = path, line, reason
        super().__init__(f"规则配置文件 {path.name} 第 {line} 行：{reason}" if line else f"规则配置文件 {path.name}：{reason}")


class _Map(dict):
    """A YAML mapping that remembers its own line and the line of each key (1-based)."""

    line: int = 0
    key_lines: dict


class _Loader(yaml.SafeLoader):
    def construct_mapping(self, node, deep=False):
        m = _Map(super().construct_mapping(node, deep=True))
        m.line = node.start_mark.line + 1
        m.key_lines = {self.construct_object(k, deep=True): k.start_mark.line + 1 for k, _ in node.value}
        return m


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _Loader.construct_mapping)


@dataclass
class Rule:
    id: str
    kind: Kind
    severity: str
    cite: dict
    text: str
    source: str                       # "000.yaml:12": where the rule was written
    procedures: tuple[str, ...] = ()
    when: dict = field(default_factory=dict)

    @cached_property  # read by every evaluation of every case (the re-check's hot path); a rule never changes
    def citation(self) -> str:
        f = self.cite["file"]
        name = f"{f[:3]}（{f}）" if f in SEEDS.values() else f
        return f"{name} {self.cite['article']}"

    @cached_property
    def labels(self) -> tuple[str, str, str, str, str]:
        """What names a finding of this rule: Finding's rule, kind, severity, cite and text."""
        return self.id, self.kind.code, self.severity, self.citation, self.text

    @cached_property
    def possible(self) -> frozenset[str]:
        """The procedures whose cases the rule can concern: those it names (default: every one) in
        which its kind can find anything (a step's document: the procedures with that step)."""
        from lawtrail.cases.procedures import PROCEDURES

        named = frozenset(self.procedures or PROCEDURES)
        can = self.kind.procedures()
        return named if can is None else named & can

    @cached_property
    def not_applicable(self) -> Finding:
        """The finding of every case the rule does not apply to: one, shared (read only)."""
        return fixed_finding("not_applicable", "本案不适用该规则", self.labels)

    def applies(self, facts: CaseFacts) -> bool:
        case = facts.case
        if case.procedure not in self.possible:
            return False
        return not self.when or all(getattr(case, k) == v for k, v in self.when.items())

    def evaluate(self, facts: CaseFacts) -> Finding:
        if not self.applies(facts):
            return self.not_applicable
        return self.label(self.kind.evaluate(facts))

    def label(self, f: Finding) -> Finding:
        """``f``, a finding of this rule's kind, named with the rule, its severity and citation."""
        f.rule, f.kind, f.severity, f.cite, f.text = self.labels
        return f


@dataclass
class Profile:
    name: str
    title: str
    rules: list[Rule]
    path: Path

    def rule(self, rule_id: str) -> Rule:
        return next(r for r in self.rules if r.id == rule_id)


def _line(m, key=None) -> int | None:
    if isinstance(m, _Map):
        return m.key_lines.get(key, m.line) if key is not None else m.line
    return None


def _rule(path: Path, raw, known_ids: set[str], parent_ids: set[str]) -> Rule:
    from lawtrail.cases.procedures import PROCEDURES

    def fail(reason, key=None):
        raise ProfileError(path, _line(raw, key), reason)

    if not isinstance(raw, dict):
        raise ProfileError(path, None, "每条规则应为一个映射（id、kind、cite、text …）")
    rid = raw.get("id")
    if not rid or not isinstance(rid, str):
        fail("规则缺少 id")
    if rid in known_ids:
        fail(f"规则“{rid}”重复", "id")
    if rid in parent_ids and raw.get("replaces") is not True:
        fail(f"规则“{rid}”与所继承的规则同名：如要改写，须写明 replaces: true", "id")
    if rid not in parent_ids and "replaces" in raw:
        fail(f"规则“{rid}”没有可替换的同名继承规则", "replaces")
    kind = raw.get("kind")
    if kind not in KINDS:
        fail(f"规则“{rid}”的种类“{kind}”不存在（可用：{'、'.join(KINDS)}）", "kind")
    cite = raw.get("cite")
    if not isinstance(cite, dict) or not cite.get("file") or not cite.get("article"):
        fail(f"规则“{rid}”缺少出处（cite: {{file: 文件或法律, article: 条款}}）", "cite" if "cite" in raw else None)
    if cite["file"] not in SEEDS.values() and cite["file"] not in STATUTES:
        fail(f"规则“{rid}”的出处“{cite['file']}”既不是规定文件也不是已知法律（{'、'.join(STATUTES)}）", "cite")
    if not str(cite["article"]).startswith("第"):
        fail(f"规则“{rid}”的条款“{cite['article']}”应写作“第…条”", "cite")
    if not isinstance(raw.get("text"), str) or not raw["text"].strip():
        fail(f"规则“{rid}”缺少条文原文（text）", "text" if "text" in raw else None)
    severity = raw.get("severity", "error")
    if severity not in SEVERITIES:
        fail(f"规则“{rid}”的严重程度应为 error 或 warning", "severity")
    procedures = raw.get("procedures") or []
    for p in procedures:
        if p not in PROCEDURES:
            fail(f"规则“{rid}”的程序“{p}”不存在", "procedures")
    when = raw.get("when") or {}
    if not isinstance(when, dict) or any(k not in CASE_CONDITIONS for k in when):
        fail(f"规则“{rid}”的 when 只能用案件的 {'、'.join(CASE_CONDITIONS)}", "when")
    cls = KINDS[kind]
    extra = [k for k in raw if k not in COMMON and k not in cls.PARAMS]
    if extra:
        fail(f"规则“{rid}”（{kind}）没有参数“{extra[0]}”", extra[0])
    try:
        instance = cls({k: v for k, v in raw.items() if k in cls.PARAMS})
    except ParamError as e:
        fail(f"规则“{rid}”：{e.reason}", e.key)
    rule = Rule(id=rid, kind=instance, severity=severity, cite=dict(cite), text=raw["text"].strip(),
                source=f"{path.name}:{_line(raw)}", procedures=tuple(procedures), when=dict(when))
    if not rule.possible:  # e.g. a step's document required in procedures without that step
        fail(f"规则“{rid}”不可能适用于任何案件：所列程序中没有它检查的环节", "procedures" if procedures else "kind")
    return rule


def load_file(path: Path, parents: dict[str, Profile]) -> Profile:
    try:
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        raise ProfileError(path, mark.line + 1 if mark else None, f"YAML 格式错误：{e.problem}") from None
    if not isinstance(doc, dict):
        raise ProfileError(path, None, "文件应为一个映射（profile、title、rules）")
    name = str(doc.get("profile") or "")
    if name != path.stem:
        raise ProfileError(path, _line(doc, "profile"), f"profile 应与文件名一致（“{path.stem}”）")
    inherited: list[Rule] = []
    if doc.get("extends"):
        parent = parents.get(doc["extends"])
        if parent is None:
            raise ProfileError(path, _line(doc, "extends"), f"所继承的规则配置“{doc['extends']}”不存在")
        inherited = list(parent.rules)
    raw_rules = doc.get("rules")
    if not isinstance(raw_rules, list):
        raise ProfileError(path, _line(doc, "rules"), "缺少规则列表（rules）")
    parent_ids = {r.id for r in inherited}
    own: list[Rule] = []
    for raw in raw_rules:
        own.append(_rule(path, raw, {r.id for r in own}, parent_ids))
    replaced = {r.id for r in own}
    return Profile(name=name, title=str(doc.get("title") or name), path=path,
                   rules=[r for r in inherited if r.id not in replaced] + own)


_loaded: dict[str, Profile] = {}


def profiles_dir() -> Path:
    return Path(getattr(settings, "LAWTRAIL_RULES_PROFILES_DIR", None) or PROFILES_DIR)


def load_all(directory: Path | None = None) -> dict[str, Profile]:
    """Load ``national.yaml`` then every other profile; refuse the first problem (ProfileError).
    Every profile a bureau may choose (access.models.PROFILES) must exist."""
    from lawtrail.access.models import PROFILES

    default = directory is None
    directory = Path(directory or profiles_dir())
    national = directory / "national.yaml"
    if not national.exists():
        raise ProfileError(national, None, "找不到全国通用规则配置")
    out = {"national": load_file(national, {})}
    for path in sorted(directory.glob("*.yaml")):
        if path.name != "national.yaml":
            out[path.stem] = load_file(path, out)
    missing = [p for p in PROFILES if p not in out]
    if missing:
        raise ProfileError(directory / f"{missing[0]}.yaml", None, "找不到该规则配置文件")
    if default:  # a directory given explicitly (tests, tools) does not replace the running profiles
        _loaded.clear()
        _loaded.update(out)
    return out


def get(name: str) -> Profile:
    if not _loaded:
        load_all()
    try:
        return _loaded[name]
    except KeyError:
        raise ValueError(f"没有名为“{name}”的规则配置") from None
