"""Documents a step must produce, and who must sign them."""

from __future__ import annotations

from ..facts import CaseFacts
from . import Finding, Kind, ParamError, codes, procedures_with_steps, register


@register
class RequiredDocument(Kind):
    """When step ``step`` is recorded, a finalised document of (one of) ``document`` must exist.
    Missing while the case is open: pending; missing in a closed case: broken."""

    code = "required_document"
    PARAMS = ("step", "document")

    def __init__(self, params: dict):
        from lawtrail.cases.procedures import PROCEDURES
        from lawtrail.records.catalogue import KINDS

        steps = {s.code for p in PROCEDURES.values() for s in p.steps}
        self.steps = codes(params, "step", steps, "环节")
        self.kinds = codes(params, "document", KINDS, "文书种类")
        self.titles = "或".join(f"《{KINDS[k].title}》" for k in self.kinds)

    def procedures(self) -> frozenset[str]:
        return procedures_with_steps(self.steps)

    def evaluate(self, facts: CaseFacts) -> Finding:
        latest = facts.latest_steps  # the commonest kind of a profile: kept to dictionary lookups
        records = [latest[s] for s in self.steps if s in latest]
        if not records:
            return Finding("not_applicable", "本案未记录该环节")
        found = [d for k in self.kinds for d, _ in facts.finalised(k)]
        refs = tuple(f"step:{r.pk}" for r in records)
        if found:
            return Finding("met", f"已制作{self.titles}", records=refs + tuple(f"document:{d.pk}" for d in found))
        if facts.case.status == "closed":
            return Finding("broken", f"案件已办结，缺少已定稿的{self.titles}", records=refs)
        return Finding("pending", f"尚缺已定稿的{self.titles}", records=refs)


@register
class Signatures(Kind):
    """The current version of every finalised document of the kinds in ``documents`` carries
    ``officers`` (default 2) signatures of different officers whose 执法证 was valid when they
    signed, and, with ``party: true``, the party's signature or a recorded refusal."""

    code = "signatures"
    PARAMS = ("documents", "officers", "party")
    OFFICER_ROLES = ("handlers", "recorder", "server")

    def __init__(self, params: dict):
        from lawtrail.records.catalogue import KINDS

        self.kinds = codes(params, "documents", KINDS, "文书种类")
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


@register
class DraftsFinalised(Kind):
    """Every document of ``document`` the case has is finalised: one drafted for a reason the
    system saw (the evidence export drafts 视听资料证据说明, 002 第十九条 制作说明附卷) must not stay a
    draft. None: not applicable; a draft while the case is open: pending; in a closed case: broken."""

    code = "drafts_finalised"
    PARAMS = ("document",)

    def __init__(self, params: dict):
        from lawtrail.records.catalogue import KINDS

        self.kinds = codes(params, "document", KINDS, "文书种类")
        self.titles = "或".join(f"《{KINDS[k].title}》" for k in self.kinds)

    def evaluate(self, facts: CaseFacts) -> Finding:
        docs = [d for d in facts.documents if d.kind in self.kinds]
        if not docs:
            return Finding("not_applicable", f"本案没有{self.titles}")
        drafts = [d for d in docs if not facts.versions.get(d.pk)]
        refs = tuple(f"document:{d.pk}" for d in (drafts or docs))
        if not drafts:
            return Finding("met", f"{self.titles}均已定稿（{len(docs)}份）", records=refs)
        if facts.case.status == "closed":
            return Finding("broken", f"案件已办结，{len(drafts)}份{self.titles}尚未定稿", records=refs)
        return Finding("pending", f"{len(drafts)}份{self.titles}尚未定稿", records=refs)
