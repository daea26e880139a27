"""Acts that must be recorded on AV: at a step (现场检查, 听证, 查封扣押, 询问 …), or at a service by
a given method (留置送达, 公告送达).

An AV record belongs to an act when it is linked to the step record (AvRecord.step) or to a
document of the kinds the step produces (AvRecord.document); for a service, to the document served
or to that service's 送达回证. Documents are not linked to one step record, so an AV record linked
to a step's document counts for every record of that step in the case.
"""

from __future__ import annotations

import json

from django.core.exceptions import ObjectDoesNotExist

from ..facts import CaseFacts
from . import Finding, Kind, ParamError, codes, procedures_with_steps, register
from .fields import document_where, empty, matches, one_kind

AV_FIELD, REASON_FIELD = "av_recorded", "av_not_recorded_reason"  # records.catalogue.av()


def _missing(facts: CaseFacts, what: str, refs) -> Finding:
    """No AV yet: pending while the case is open (it may still be uploaded), broken once closed."""
    if facts.case.status == "closed":
        return Finding("broken", f"案件已办结，{what}", records=tuple(refs))
    return Finding("pending", what, records=tuple(refs))


@register
class RequiredAv(Kind):
    """Each record of step ``step`` has an AV record of its own (linked to it or to one of the
    step's documents). With ``reason: true`` a finalised document of the step that says no AV was
    made and writes why (是否同步进行音像记录: 否, 未进行音像记录的原因) takes its place (000 第十四条
    "不适宜音像记录的除外，但需书面记录原因"); without it a document saying no AV was made breaks the
    rule. ``sources`` limits the AV that counts (003 第五条: 监控录像导出); ``only_if``
    {document, field: value} limits the rule to cases with such a finalised document (001 第二十一条:
    the execution decision's method 排除妨碍、恢复原状)."""

    code = "required_av"
    PARAMS = ("step", "reason", "sources", "only_if")

    def __init__(self, params: dict):
        from lawtrail.cases.procedures import PROCEDURES
        from lawtrail.media.models import AvRecord
        from lawtrail.records.catalogue import KINDS

        self.steps = codes(params, "step", {s.code for p in PROCEDURES.values() for s in p.steps}, "环节")
        self.reason = params.get("reason", False)
        if not isinstance(self.reason, bool):
            raise ParamError("reason", "应为 true 或 false")
        if self.reason and not any(REASON_FIELD in {f.name for f in KINDS[k].fields}
                                   for p in PROCEDURES.values() for s in p.steps if s.code in self.steps
                                   for k in s.documents):
            raise ParamError("reason", "该环节的文书没有“未进行音像记录的原因”栏目，无法书面记录原因")
        self.sources = codes(params, "sources", AvRecord.SOURCES, "音像记录来源", required=False)
        self.only_if = None
        if params.get("only_if") is not None:
            raw = params["only_if"]
            if not isinstance(raw, dict) or "document" not in raw or len(raw) < 2:
                raise ParamError("only_if", "应为 {document: 文书种类, 栏目: 值}")
            kind = one_kind(raw, "document")
            where = document_where(kind, {k: v for k, v in raw.items() if k != "document"}, "only_if")
            self.only_if = (kind, where)

    def procedures(self) -> frozenset[str]:
        return procedures_with_steps(self.steps)

    def evaluate(self, facts: CaseFacts) -> Finding:
        if self.only_if:
            kind, where = self.only_if
            if not any(matches(v.values, where) for _, v in facts.finalised(kind.code)):
                return Finding("not_applicable", f"本案没有适用本规则的《{kind.title}》")
        records = [r for r in facts.steps if r.step in self.steps and r.approval != "rejected"]
        if not records:
            return Finding("not_applicable", "本案未记录该环节")
        procedure = facts.case.procedure_def
        kinds = {k for s in procedure.steps if s.code in self.steps for k in s.documents}
        doc_ids = {d.pk for d in facts.documents if d.kind in kinds}
        avs = [av for av in facts.av_records if not self.sources or av.source in self.sources]
        by_document = [av for av in avs if av.document_id in doc_ids]
        stated = [(d, v) for k in sorted(kinds) for d, v in facts.finalised(k) if AV_FIELD in v.values]
        said_no = [(d, v) for d, v in stated if v.values[AV_FIELD] is False]
        excused = [v for _, v in said_no if self.reason and not empty(v.values.get(REASON_FIELD))]
        refused = [v for _, v in said_no if v not in excused]
        if refused:
            why = "未写明不适宜音像记录的原因" if self.reason else "本环节须同步音像记录，不能以原因代替"
            return Finding("broken", f"文书写明未进行音像记录，{why}",
                           records=tuple(f"version:{v.pk}" for v in refused))
        refs, uncovered, by_reason = [], [], 0
        for r in records:
            own = [av for av in avs if av.step_id == r.pk] or by_document
            if own:
                refs += [f"step:{r.pk}", *(f"av:{av.pk}" for av in own)]
            elif excused:
                refs += [f"step:{r.pk}", *(f"version:{v.pk}" for v in excused)]
                by_reason += 1
            else:
                uncovered.append(r)
        if uncovered:
            sources = "（" + "、".join(self._source_labels()) + "）" if self.sources else ""
            what = f"{len(uncovered)}次{uncovered[0].step_def.title}没有关联的音像记录{sources}"
            if any(v.values[AV_FIELD] is True for _, v in stated):
                what += "；文书写明已同步音像记录，但尚未上传或未关联"
            return _missing(facts, what, [f"step:{r.pk}" for r in uncovered])
        parts = [f"{len(records) - by_reason}次有音像记录"] if by_reason < len(records) else []
        if by_reason:
            parts.append(f"{by_reason}次未进行音像记录，文书已书面记录原因")
        message = "，".join(parts)
        return Finding("met", message, records=tuple(dict.fromkeys(refs)))

    def _source_labels(self):
        from lawtrail.media.models import AvRecord

        return [AvRecord.SOURCES[s] for s in self.sources]


@register
class ServiceAv(Kind):
    """Each service (送达记录) by one of ``methods`` is recorded on AV: an AV record linked to the
    document served or to that service's 送达回证 (000 第二十条: 留置送达 "采用音像记录等方式记录送达过程",
    公告送达 "以适当方式进行音像记录"). With ``or_witness: true`` a service that names its witnesses
    takes the AV's place (003 第十五条: 邀请…代表到场…由送达人、见证人签名, 也可以…采用拍照、录像等方式)."""

    code = "service_av"
    PARAMS = ("methods", "or_witness")

    def __init__(self, params: dict):
        from lawtrail.records.models import Service

        self.methods = codes(params, "methods", Service.METHODS, "送达方式")
        self.labels = Service.METHODS
        self.or_witness = params.get("or_witness", False)
        if not isinstance(self.or_witness, bool):
            raise ParamError("or_witness", "应为 true 或 false")

    def evaluate(self, facts: CaseFacts) -> Finding:
        services = [s for s in facts.services if s.method in self.methods]
        if not services:
            return Finding("not_applicable", "本案没有" + "或".join(self.labels[m] for m in self.methods))
        document_of = {v.pk: d.pk for d in facts.documents for v in facts.versions.get(d.pk, ())}
        refs, missing = [], []
        for s in services:
            linked = {document_of.get(s.version_id), _receipt_document(s)} - {None}
            avs = [av for av in facts.av_records if av.document_id in linked]
            if avs:
                refs += [f"service:{s.pk}", *(f"av:{av.pk}" for av in avs)]
            elif self.or_witness and json.loads(s.witnesses or "[]"):
                refs.append(f"service:{s.pk}")
            else:
                missing.append(s)
        lacking = "没有见证人，也没有关联的音像记录" if self.or_witness else "没有关联的音像记录"
        if missing:
            return _missing(facts, "；".join(f"{self.labels[s.method]}（{s.recipient}）{lacking}" for s in missing),
                            [f"service:{s.pk}" for s in missing])
        how = "均有见证人或音像记录" if self.or_witness else "均有音像记录"
        return Finding("met", f"{len(services)}次送达{how}", records=tuple(refs))


def _receipt_document(service) -> int | None:
    """The 送达回证 made from this service, if any (loaded with the service: facts.load_many)."""
    try:
        return service.receipt_link.document_id
    except ObjectDoesNotExist:
        return None
