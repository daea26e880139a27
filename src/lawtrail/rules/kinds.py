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
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from lawtrail.media.actions import timeliness

from .calendar import CalendarUnknown, Duration, parse_duration
from .facts import CaseFacts, fact_name_problem

STATUSES = {"met": "符合", "pending": "待办", "overdue": "逾期", "broken": "违反", "not_applicable": "不适用"}


@dataclass
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


def _require(params: dict, key: str):
    if key not in params or params[key] in (None, "", []):
        raise ParamError(key, f"缺少参数“{key}”")
    return params[key]


def _codes(params: dict, key: str, known, what: str, required: bool = True) -> tuple[str, ...]:
    value = params.get(key) if not required else _require(params, key)
    if value is None:
        return ()
    items = value if isinstance(value, list) else [value]
    for v in items:
        if v not in known:
            raise ParamError(key, f"未知的{what}“{v}”")
    return tuple(items)


class Kind:
    """Base class. ``PARAMS`` are the parameter names a profile may give (besides the common
    id, kind, severity, cite, text, procedures, when)."""

    code = ""
    PARAMS: tuple[str, ...] = ()

    def evaluate(self, facts: CaseFacts) -> Finding:
        raise NotImplementedError


class Deadline(Kind):
    """Between two facts: ``from`` (one fact) and ``to`` (one fact, or a list: the first that
    happened), ``within`` a duration ("24 hours", "90 days", "7 working days"). The case's
    suspensions extend it. An optional ``extension`` {fact, by} adds ``by`` when that fact exists
    (e.g. an approved extension: 行政强制法 第二十五条)."""

    code = "deadline"
    PARAMS = ("from", "to", "within", "extension")

    def __init__(self, params: dict):
        self.start = _require(params, "from")
        to = _require(params, "to")
        self.ends = tuple(to if isinstance(to, list) else [to])
        for key, names in (("from", [self.start]), ("to", self.ends)):
            for n in names:
                problem = fact_name_problem(str(n))
                if problem:
                    raise ParamError(key, problem)
        try:
            self.within: Duration = parse_duration(_require(params, "within"))
        except ValueError as e:
            raise ParamError("within", str(e)) from None
        self.extension = None
        if params.get("extension") is not None:
            ext = params["extension"]
            if not isinstance(ext, dict) or set(ext) != {"fact", "by"}:
                raise ParamError("extension", "应为 {fact: 事实, by: 期限}")
            problem = fact_name_problem(str(ext["fact"]))
            if problem:
                raise ParamError("extension", problem)
            try:
                by = parse_duration(ext["by"])
            except ValueError as e:
                raise ParamError("extension", str(e)) from None
            if by.unit != self.within.unit:
                raise ParamError("extension", "延长期限的单位须与期限相同")
            self.extension = (ext["fact"], by)

    def evaluate(self, facts: CaseFacts) -> Finding:
        started, start_ref = facts.value(self.start)
        if started is None:
            return Finding("not_applicable", "期限尚未起算")
        within, refs = self.within, [start_ref]
        if self.extension:
            extended, ext_ref = facts.value(self.extension[0])
            if extended is not None:
                within = Duration(within.amount + self.extension[1].amount, within.unit)
                refs.append(ext_ref)
        try:
            due = facts.calendar.due(started, within, facts.suspensions)
        except CalendarUnknown as e:
            return Finding("pending", f"无法计算期限：{e}", records=tuple(refs))
        done = [(t, ref) for t, ref in (facts.value(n) for n in self.ends) if t is not None]
        if done:
            when, ref = min(done)
            refs.append(ref)
            if when <= due:
                return Finding("met", f"在{within}期限内完成", due, tuple(refs))
            return Finding("broken", f"超过{within}期限完成（迟 {_late(when - due)}）", due, tuple(refs))
        if facts.now <= due:
            return Finding("pending", f"须在{within}内完成", due, tuple(refs))
        return Finding("overdue", f"已超过{within}期限，尚未完成", due, tuple(refs))


def _late(delta) -> str:
    hours = int(delta.total_seconds() // 3600)
    return f"{hours // 24}日{hours % 24}小时" if hours >= 24 else f"{max(hours, 0)}小时{int(delta.total_seconds() // 60) % 60}分"


class RequiredDocument(Kind):
    """When step ``step`` is recorded, a finalised document of (one of) ``document`` must exist.
    Missing while the case is open: pending; missing in a closed case: broken."""

    code = "required_document"
    PARAMS = ("step", "document")

    def __init__(self, params: dict):
        from lawtrail.cases.procedures import PROCEDURES
        from lawtrail.records.catalogue import KINDS

        steps = {s.code for p in PROCEDURES.values() for s in p.steps}
        self.steps = _codes(params, "step", steps, "环节")
        self.kinds = _codes(params, "document", KINDS, "文书种类")

    def evaluate(self, facts: CaseFacts) -> Finding:
        from lawtrail.records.catalogue import KINDS

        records = [facts.step(s) for s in self.steps]
        records = [r for r in records if r is not None]
        if not records:
            return Finding("not_applicable", "本案未记录该环节")
        titles = "或".join(f"《{KINDS[k].title}》" for k in self.kinds)
        found = [d for k in self.kinds for d, _ in facts.finalised(k)]
        refs = tuple(f"step:{r.pk}" for r in records)
        if found:
            return Finding("met", f"已制作{titles}", records=refs + tuple(f"document:{d.pk}" for d in found))
        if facts.case.status == "closed":
            return Finding("broken", f"案件已办结，缺少已定稿的{titles}", records=refs)
        return Finding("pending", f"尚缺已定稿的{titles}", records=refs)


class AllowedValues(Kind):
    """Each row of ``of`` (``service``: 送达记录) matching ``where`` must have ``field`` in
    ``allowed`` (e.g. 邮寄送达只能用挂号信或 EMS). Values are checked against the model's choices."""

    code = "allowed_values"
    PARAMS = ("of", "where", "field", "allowed")
    TABLES = {"service": "records.Service", "av_record": "media.AvRecord"}

    def __init__(self, params: dict):
        from django.apps import apps

        of = _require(params, "of")
        if of not in self.TABLES:
            raise ParamError("of", f"未知的记录种类“{of}”（可用：{'、'.join(self.TABLES)}）")
        self.of, model = of, apps.get_model(self.TABLES[of])
        self.where = params.get("where") or {}
        if not isinstance(self.where, dict):
            raise ParamError("where", "应为 {栏目: 值}")
        self.field = _require(params, "field")
        allowed = _require(params, "allowed")
        self.allowed = tuple(allowed if isinstance(allowed, list) else [allowed])
        for name, values in [(self.field, self.allowed), *((k, [v]) for k, v in self.where.items())]:
            try:
                f = model._meta.get_field(name)
            except Exception:  # noqa: BLE001 — FieldDoesNotExist
                raise ParamError("field" if name == self.field else "where", f"“{of}”没有栏目“{name}”") from None
            choices = {c for c, _ in f.choices or ()}
            bad = [v for v in values if choices and v not in choices]
            if bad:
                raise ParamError("allowed" if name == self.field else "where",
                                 f"栏目“{name}”没有取值“{bad[0]}”（可用：{'、'.join(sorted(choices))}）")
        self.labels = dict(model._meta.get_field(self.field).choices or ())

    def evaluate(self, facts: CaseFacts) -> Finding:
        rows = facts.services if self.of == "service" else facts.av_records
        rows = [r for r in rows if all(getattr(r, k) == v for k, v in self.where.items())]
        if not rows:
            return Finding("not_applicable", "本案没有需要检查的记录")
        bad = [r for r in rows if getattr(r, self.field) not in self.allowed]
        allowed = "、".join(self.labels.get(a, a) for a in self.allowed)
        if bad:
            used = "、".join(sorted({self.labels.get(getattr(r, self.field), getattr(r, self.field)) or "未填写" for r in bad}))
            return Finding("broken", f"使用了{used}，只允许{allowed}",
                           records=tuple(f"{self.of}:{r.pk}" for r in bad))
        return Finding("met", f"均为{allowed}", records=tuple(f"{self.of}:{r.pk}" for r in rows))


class Signatures(Kind):
    """The current version of every finalised document of the kinds in ``documents`` carries
    ``officers`` (default 2) signatures of different officers whose 执法证 was valid when they
    signed, and, with ``party: true``, the party's signature or a recorded refusal."""

    code = "signatures"
    PARAMS = ("documents", "officers", "party")
    OFFICER_ROLES = ("handlers", "recorder", "server")

    def __init__(self, params: dict):
        from lawtrail.records.catalogue import KINDS

        self.kinds = _codes(params, "documents", KINDS, "文书种类")
        self.officers = params.get("officers", 2)
        if not isinstance(self.officers, int) or isinstance(self.officers, bool) or self.officers < 0:
            raise ParamError("officers", "执法人员人数应为非负整数")
        self.party = params.get("party", True)
        if not isinstance(self.party, bool):
            raise ParamError("party", "应为 true 或 false")
        for k in self.kinds:  # a rule no document could ever meet is a mistake in the profile
            if self.party and not KINDS[k].party_signs:
                raise ParamError("documents", f"《{KINDS[k].title}》不由当事人签名")
            if self.officers and "handlers" not in KINDS[k].signers:
                raise ParamError("documents", f"《{KINDS[k].title}》不由执法人员签名")

    def evaluate(self, facts: CaseFacts) -> Finding:
        from django.utils import timezone

        docs = [(d, v) for k in self.kinds for d, v in facts.finalised(k)]
        if not docs:
            return Finding("not_applicable", "本案没有已定稿的该类文书")
        problems, refs = [], []
        for d, v in docs:
            sigs = facts.signatures.get(v.pk, [])
            valid = {s.staff_id for s in sigs if s.role in self.OFFICER_ROLES and s.staff is not None
                     and _certificate_valid(s.staff, timezone.localdate(s.signed_at))}
            missing = []
            if len(valid) < self.officers:
                missing.append(f"执法人员签名{len(valid)}人（须至少{self.officers}人，执法证在有效期内）")
            if self.party and not any(s.role == "party" for s in sigs) \
                    and not any(r.role == "party" for r in facts.refusals.get(v.pk, [])):
                missing.append("当事人未签名，也没有拒签记录")
            if missing:
                problems.append(f"{d.number or d.kind}第{v.version}版：" + "；".join(missing))
                refs.append(f"version:{v.pk}")
        if problems:
            return Finding("broken", "。".join(problems), records=tuple(refs))
        return Finding("met", f"{len(docs)}份文书签名齐全", records=tuple(f"version:{v.pk}" for _, v in docs))


def _certificate_valid(staff, on) -> bool:
    """The 执法证 was valid on the day of signing (leaving the post later does not undo a signature)."""
    return bool(staff.certificate_no and staff.certificate_valid_until
                and (staff.certificate_valid_from is None or staff.certificate_valid_from <= on)
                and on <= staff.certificate_valid_until)


class AvWithin24h(Kind):
    """Every AV record of the case was uploaded within 24 hours of the end of recording, or of the
    return from a declared remote work (media.actions.timeliness)."""

    code = "av_within_24h"
    PARAMS = ()

    def __init__(self, params: dict):
        pass

    def evaluate(self, facts: CaseFacts) -> Finding:
        if not facts.av_records:
            return Finding("not_applicable", "本案没有音像记录")
        late = []
        for av in facts.av_records:
            t = timeliness(av, facts.remote.get(av.pk))
            if t["late"]:
                late.append((av, t))
        if late:
            return Finding("broken", "；".join(f"{av.filename} 迟 {_late(t['late_by'])}上传" for av, t in late),
                           max(t["due_at"] for _, t in late), tuple(f"av:{av.pk}" for av, _ in late))
        return Finding("met", f"{len(facts.av_records)}个音像记录均在24小时内存储",
                       records=tuple(f"av:{av.pk}" for av in facts.av_records))


KINDS: dict[str, type[Kind]] = {k.code: k for k in (Deadline, RequiredDocument, AllowedValues, Signatures, AvWithin24h)}
