"""The enforcement procedures as declarative tables: which steps a case goes through, in which order.

Pure Python, no Django import. A case follows one procedure; each procedure is a table of steps
through the five stages (程序启动 → 调查取证 → 审查决定 → 送达执行 → 归档管理, seeds/000 第三条).
A step names the document kinds it produces or expects, who approves it, how many officers must
carry it out, which steps may follow it, and where the step comes from (a seed article or a
statute). The tables say what may happen in which order; whether what happened was enough (a
required document, a deadline, AV recording, a mandatory predecessor such as 行政处罚法 第六十二条)
is for the rule profiles to check.

Conventions of the tables:

- ``next`` lists every step that may lawfully follow, so a branch (penalty, no penalty or
  referral; own execution or court; licence granted or refused) is several entries of ``next``;
  which branch a case took is told by the step done and the documents it produced. Optional
  steps are skipped by going straight to one of their successors, so whoever names an optional
  step also names what comes after it.
- ``handlers``: 2 for acts in front of the party that gather evidence, impose a measure or decide
  on the spot (行政处罚法 第四十二条、第五十五条; 行政强制法 第十八条第二项; 行政许可法 第三十四条第三款);
  1 for a step an officer drafts, signs as handler or serves; 0 for reviews and archiving done
  by people who need no enforcement certificate for them.
- ``approver`` is the one role whose signature the step needs (unit_head, legal_reviewer or
  agency_head); approvals lower in the chain (承办人 → 承办机构负责人) are fields of the document.
- A case starts at its procedure's first step whatever its source (ex officio, complaint,
  referral): a complaint that does not lead to a case (不予立案/不启动, 000 第十条, 004 第六条第二款,
  004 第十六条第二项至第四项) is decided in the complaint intake, not in a procedure.
- ``cite``: seed files by their number (``000`` is 000_7020ab165d466204.txt, see seeds/README.md),
  statutes by name; several sources are separated by "；".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from lawtrail.access.roles import APPROVES, ROLES  # pure Python; ROLES is re-exported from here

STAGES: dict[str, str] = {
    "initiation": "程序启动",
    "investigation": "调查取证",
    "decision": "审查决定",
    "service": "送达执行",
    "archiving": "归档管理",
}

ACT_TYPES: dict[str, str] = {
    "licensing": "行政许可",
    "penalty": "行政处罚",
    "coercion": "行政强制",
    "inspection": "行政检查",
    "expropriation": "行政征收征用",
}

# Who approves a step (Step.approver) must be one of the roles that approve (三员分立 keeps the
# administrator and the auditor out of it).
APPROVERS: tuple[str, ...] = tuple(r for r in ROLES if r in APPROVES)

# Every document kind a step names, plus the complaint intake's (投诉举报登记表, 不予立案审批表), roughly
# in the order a case file meets them. A later change moves this into the full catalogue of
# document kinds (fields, signatories, layout).
DOCUMENT_KINDS: dict[str, str] = {
    # 程序启动
    "initiation_approval": "程序启动审批表",
    "complaint_register": "投诉举报登记表",
    "filing_approval": "立案审批表",
    "decline_filing_approval": "不予立案审批表",
    "application_register": "申请登记表",
    "supplement_notice": "补正材料告知书",
    "acceptance_notice": "受理通知书",
    "non_acceptance_notice": "不予受理通知书",
    "random_draw_record": "双随机抽取记录",
    "inspection_notice": "监督检查通知书",
    "inspection_filing_approval": "督查立案审批表",
    "assignment_letter": "交办函",
    # 调查取证
    "interview_record": "询问(调查)笔录",
    "inspection_record": "现场检查(勘验)笔录",
    "on_site_record": "现场笔录",
    "evidence_request_notice": "调取证据通知书",
    "evidence_register": "证据登记保存清单",
    "provisional_registration_notice": "先行登记保存证据通知书",
    "provisional_registration_decision": "先行登记保存证据处理决定书",
    "sampling_list": "抽样清单",
    "expert_opinion": "鉴定意见书",
    "expert_panel_opinion": "专家论证意见",
    "rights_notice": "权利告知书",
    "statement_defence_record": "陈述申辩笔录",
    "hearing_rights_notice": "听证告知书",
    "hearing_notice": "听证通知书",
    "hearing_record": "听证笔录",
    "hearing_report": "听证报告",
    "investigation_report": "调查终结报告",
    "seal_seizure_decision": "查封(扣押)决定书",
    "seal_seizure_list": "查封(扣押)清单",
    "extension_decision": "延长查封(扣押)期限决定书",
    "inspection_report": "监督检查报告",
    "requisition_list": "征收(征用)财产清单",
    # 审查决定
    "advance_notice": "行政处罚事先告知书",
    "penalty_decision_approval": "行政处罚决定审批表",
    "legal_review_opinion": "重大行政执法决定法制审核意见表",
    "deliberation_record": "集体讨论记录",
    "penalty_decision": "行政处罚决定书",
    "on_spot_penalty_decision": "当场行政处罚决定书",
    "no_penalty_decision": "不予处罚决定书",
    "violation_not_established_notice": "违法事实不成立通知书",
    "referral_letter": "移送书",
    "correction_order": "责令改正通知书",
    "release_decision": "解除查封(扣押)决定书",
    "licence_approval": "行政许可审批表",
    "licence_decision": "行政许可决定书",
    "licence_refusal": "不予行政许可决定书",
    "inspection_bulletin": "督查通报",
    "expropriation_decision": "行政征收(征用)决定书",
    "execution_decision": "行政强制执行决定书",
    # 送达执行
    "service_receipt": "送达回证",
    "licence_certificate": "行政许可证件",
    "fine_receipt": "罚款专用票据",
    "performance_record": "履行(改正)情况核查记录",
    "demand_notice": "催告书",
    "court_enforcement_application": "强制执行申请书",
    "return_list": "退还财物清单",
    "disposal_record": "物品处理记录",
    "compensation_record": "征收(征用)补偿协议(决定)书",
    # 归档管理
    "on_spot_report": "当场行政处罚决定备案表",
    "case_closing_report": "结案报告",
    "file_catalogue": "卷内目录",
    "file_remarks": "备考表",
    "av_evidence_statement": "视听资料证据说明",
}


@dataclass(frozen=True)
class Step:
    code: str
    title: str
    stage: str
    documents: tuple[str, ...] = ()
    approver: str | None = None
    handlers: int = 0
    next: tuple[str, ...] = ()
    optional: bool = False
    cite: str = ""

    def __post_init__(self):
        if self.stage not in STAGES:
            raise ValueError(f"步骤“{self.code}”的阶段“{self.stage}”不存在")
        unknown = [d for d in self.documents if d not in DOCUMENT_KINDS]
        if unknown:
            raise ValueError(f"步骤“{self.code}”引用了未定义的文书种类：{'、'.join(unknown)}")
        if self.approver is not None and self.approver not in APPROVERS:
            raise ValueError(f"步骤“{self.code}”的审批人“{self.approver}”不是可审批的角色")
        if self.handlers < 0:
            raise ValueError(f"步骤“{self.code}”的执法人员人数不能为负数")


@dataclass(frozen=True)
class Procedure:
    code: str
    title: str
    act_type: str
    steps: tuple[Step, ...]

    def __post_init__(self):
        if self.act_type not in ACT_TYPES:
            raise ValueError(f"程序“{self.title}”的执法行为类别“{self.act_type}”不存在")
        if not self.steps:
            raise ValueError(f"程序“{self.title}”没有步骤")
        codes = [s.code for s in self.steps]
        duplicates = sorted({c for c in codes if codes.count(c) > 1})
        if duplicates:
            raise ValueError(f"程序“{self.title}”中步骤编码重复：{'、'.join(duplicates)}")
        for s in self.steps:
            missing = [n for n in s.next if n not in codes]
            if missing:
                raise ValueError(f"程序“{self.title}”的步骤“{s.code}”之后的步骤不存在：{'、'.join(missing)}")

    @property
    def first(self) -> Step:
        return self.steps[0]

    @property
    def finals(self) -> list[Step]:
        """The steps after which nothing follows (the case is archived)."""
        return [s for s in self.steps if not s.next]

    @cached_property
    def _by_code(self) -> dict[str, Step]:  # frozen, so computed once (the rules look steps up per record)
        return {s.code: s for s in self.steps}

    @cached_property
    def archive_before(self) -> frozenset[str]:
        """The steps after which the procedure may be archived: the end of the enforcement act."""
        return frozenset(s.code for s in self.steps if "archive" in s.next)

    def step(self, code: str) -> Step:
        found = self._by_code.get(code)
        if found is None:
            raise ValueError(f"程序“{self.title}”中没有步骤“{code}”")
        return found

    def stage_of(self, code: str) -> str:
        return self.step(code).stage

    def available(self, done: Iterable[str]) -> list[Step]:
        """The steps not yet done that may be done now, in table order.

        Nothing done: the first step. Otherwise every step named in ``next`` of a done step,
        unless it is done already. Unknown codes in ``done`` are refused.
        """
        done = set(done)
        for code in done:
            self.step(code)
        if not done:
            return [self.first]
        allowed = {n for s in self.steps if s.code in done for n in s.next}
        return [s for s in self.steps if s.code in allowed and s.code not in done]


def stage_index(stage: str) -> int:
    """Position of a stage in STAGES (0 = initiation … 4 = archiving)."""
    try:
        return list(STAGES).index(stage)
    except ValueError:
        raise ValueError(f"阶段“{stage}”不存在") from None


def _archive(cite: str) -> Step:
    """The last step of every procedure: the case file with its catalogue and remarks sheet."""
    return Step("archive", "立卷归档", "archiving", ("file_catalogue", "file_remarks", "av_evidence_statement"), cite=cite)


_ARCHIVE_CITE = "000 第二十三条；001 第二十三条；003 第十九条；004 第二十三条"
_EVIDENCE = ("interview", "inspect_site", "collect_evidence", "preserve_evidence")
_PENALTY_OUTCOMES = ("decide_penalty", "decide_no_penalty")


def _others(code: str, codes: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(c for c in codes if c != code)


# 行政处罚一般程序: 004 第六条–第十三条 form by form, on 行政处罚法 第五十四条–第六十五条.
PENALTY_GENERAL = Procedure("penalty_general", "行政处罚一般程序", "penalty", (
    Step("file_case", "立案", "initiation", ("filing_approval",), "agency_head", 1, _EVIDENCE,
         cite="004 第六条第一款；000 第九条、第十条；001 第七条；行政处罚法 第五十四条"),
    Step("interview", "询问当事人或证人", "investigation", ("interview_record",), None, 2,
         (*_others("interview", _EVIDENCE), "conclude_investigation"),
         cite="004 第七条第一项；000 第十一条、第十三条第一项；行政处罚法 第五十五条"),
    # 抽样 needs both 现场笔录 and 抽样清单 (000 第十三条第四项, 001 第十一条第四项).
    Step("inspect_site", "现场检查(勘验)、抽样取证", "investigation",
         ("inspection_record", "on_site_record", "sampling_list"), None, 2,
         (*_others("inspect_site", _EVIDENCE), "conclude_investigation"), optional=True,
         cite="000 第十三条第三项、第四项，第十四条；行政处罚法 第五十六条"),
    Step("collect_evidence", "调取证据、委托鉴定", "investigation",
         ("evidence_request_notice", "evidence_register", "expert_opinion"), None, 2,
         (*_others("collect_evidence", _EVIDENCE), "conclude_investigation"), optional=True,
         cite="004 第七条第二项；000 第十三条第二项、第七项"),
    Step("preserve_evidence", "先行登记保存证据", "investigation",
         ("provisional_registration_notice", "evidence_register", "provisional_registration_decision"),
         "agency_head", 2, (*_others("preserve_evidence", _EVIDENCE), "conclude_investigation"), optional=True,
         cite="004 第八条；000 第十五条；003 第九条；行政处罚法 第五十六条"),
    Step("conclude_investigation", "调查终结", "investigation", ("investigation_report",), "unit_head", 1,
         ("advance_notice", "legal_review", "decide_no_penalty", "refer"),
         cite="004 第九条；003 第十条；行政处罚法 第五十七条"),
    Step("advance_notice", "事先告知", "decision", ("advance_notice", "hearing_rights_notice"), "agency_head", 1,
         ("statement_defence", "request_hearing", "hearing", "legal_review", "deliberate", *_PENALTY_OUTCOMES),
         cite="004 第九条、第七条第四项；000 第十二条；行政处罚法 第四十四条、第六十三条"),
    Step("statement_defence", "听取陈述申辩", "decision", ("rights_notice", "statement_defence_record"), None, 2,
         ("request_hearing", "hearing", "legal_review", "deliberate", *_PENALTY_OUTCOMES), optional=True,
         cite="004 第七条第三项；000 第十三条第五项；行政处罚法 第四十五条"),
    # The party's request, recorded when it is received (occurred_at): 五日内提出 is checked from it.
    Step("request_hearing", "当事人申请听证", "decision", (), None, 1,
         ("hearing", "statement_defence", "legal_review", "deliberate", *_PENALTY_OUTCOMES), optional=True,
         cite="行政处罚法 第六十三条、第六十四条第一项；004 第七条第四项"),
    Step("hearing", "听证", "decision", ("hearing_notice", "hearing_record", "hearing_report"), None, 2,
         ("legal_review", "deliberate", *_PENALTY_OUTCOMES), optional=True,
         cite="004 第七条第四项；000 第十三条第六项、第十四条；行政处罚法 第六十四条、第六十五条"),
    Step("legal_review", "法制审核", "decision", ("legal_review_opinion",), "legal_reviewer", 0,
         ("advance_notice", "deliberate", *_PENALTY_OUTCOMES, "refer"), optional=True,
         cite="004 第九条；000 第十八条第一款；行政处罚法 第五十八条"),
    Step("deliberate", "集体讨论", "decision", ("deliberation_record",), "agency_head", 0,
         (*_PENALTY_OUTCOMES, "refer"), optional=True,
         cite="000 第十八条第三款；003 第十一条；行政处罚法 第五十七条第二款"),
    Step("decide_penalty", "作出行政处罚决定", "decision",
         ("penalty_decision_approval", "penalty_decision", "correction_order"), "agency_head", 1, ("serve",),
         cite="004 第十条第一款；000 第十八条第四款；行政处罚法 第二十八条、第五十七条、第五十九条"),
    Step("decide_no_penalty", "不予处罚或违法事实不成立", "decision",
         ("penalty_decision_approval", "no_penalty_decision", "violation_not_established_notice"),
         "agency_head", 1, ("serve",),
         cite="004 第十条第一款；行政处罚法 第五十七条第一款第二项、第三项"),
    Step("refer", "移送司法机关", "decision", ("referral_letter",), "agency_head", 1, ("close_case",),
         cite="004 第十条第二款；行政处罚法 第二十七条、第五十七条第一款第四项"),
    Step("serve", "送达", "service", ("service_receipt",), None, 1, ("close_case",),
         cite="004 第十一条、第十二条；000 第二十条；行政处罚法 第六十一条"),
    Step("close_case", "执行与结案", "service", ("performance_record", "case_closing_report"), "agency_head", 1,
         ("archive",), cite="004 第十三条；000 第二十一条；003 第十七条；行政处罚法 第六十六条"),
    _archive(_ARCHIVE_CITE),
))

# 行政处罚简易程序: 行政处罚法 第五十一条–第五十三条, recorded as 000 第十九条 / 001 第十七条 list.
PENALTY_SIMPLE = Procedure("penalty_simple", "行政处罚简易程序", "penalty", (
    Step("start_on_spot", "出示证件，确认适用简易程序", "initiation", (), None, 2, ("verify_facts", "hear_party"),
         cite="行政处罚法 第五十一条、第五十二条第一款；000 第十九条第一项；001 第十七条第一项"),
    Step("verify_facts", "当场检查，查明违法事实", "investigation", ("inspection_record",), None, 2, ("hear_party",),
         optional=True, cite="000 第十三条第三项、第十九条第一项"),
    Step("hear_party", "告知并听取陈述申辩", "decision", ("statement_defence_record",), None, 2, ("decide_on_spot",),
         cite="000 第十九条第三项、第四项；行政处罚法 第四十四条、第四十五条"),
    Step("decide_on_spot", "当场作出行政处罚决定", "decision", ("on_spot_penalty_decision",), None, 2, ("deliver",),
         cite="行政处罚法 第五十二条第一款；000 第十九条第二项"),
    Step("deliver", "当场交付决定书", "service", ("service_receipt",), None, 1, ("collect_fine", "report_to_agency"),
         cite="行政处罚法 第五十二条第一款、第六十一条；000 第二十条"),
    Step("collect_fine", "当场收缴罚款", "service", ("fine_receipt",), None, 1, ("report_to_agency",), optional=True,
         cite="行政处罚法 第六十八条、第七十条；000 第十九条第六项"),
    Step("report_to_agency", "报所属行政机关备案", "archiving", ("on_spot_report",), None, 1, ("archive",),
         cite="行政处罚法 第五十二条第三款；000 第十九条第五项；001 第十七条第五项"),
    _archive(_ARCHIVE_CITE),
))

# 行政检查: 004 第十六条–第十九条 (notice or 督查立案, 交办函, 双随机, report, 通报, hand-over to penalty).
_INSPECT = ("inspect_site", "interview", "collect_evidence", "hear_statement")
INSPECTION = Procedure("inspection", "行政检查", "inspection", (
    Step("start_inspection", "启动检查（监督检查通知书、督查立案审批）", "initiation",
         ("random_draw_record", "inspection_notice", "inspection_filing_approval"), "agency_head", 1,
         (*_INSPECT, "hand_over"), cite="004 第十六条第一款、第一项，第十七条；003 第七条"),
    Step("hand_over", "转上级机关查处（交办函）", "initiation", ("assignment_letter",), "agency_head", 1, ("archive",),
         cite="004 第十六条第一项"),
    Step("inspect_site", "现场检查、抽样", "investigation",
         ("inspection_record", "on_site_record", "sampling_list"), None, 2,
         (*_others("inspect_site", _INSPECT), "report"),
         cite="000 第十三条第三项、第四项，第十四条；001 第十一条、第十二条"),
    Step("interview", "调查询问", "investigation", ("interview_record",), None, 2,
         (*_others("interview", _INSPECT), "report"), optional=True, cite="004 第十八条第一项；000 第十一条"),
    Step("collect_evidence", "调取证据", "investigation", ("evidence_request_notice", "evidence_register"), None, 2,
         (*_others("collect_evidence", _INSPECT), "report"), optional=True, cite="004 第十八条第二项"),
    Step("hear_statement", "听取陈述申辩", "investigation", ("rights_notice", "statement_defence_record"), None, 2,
         (*_others("hear_statement", _INSPECT), "report"), optional=True, cite="004 第十八条第三项；000 第十二条"),
    Step("report", "监督检查报告", "decision", ("inspection_report",), "unit_head", 1,
         ("legal_review", "conclude", "open_penalty_case"), cite="004 第十九条第一款"),
    Step("legal_review", "法制审核", "decision", ("legal_review_opinion",), "legal_reviewer", 0,
         ("conclude", "open_penalty_case"), optional=True, cite="004 第十九条第二款"),
    Step("conclude", "审签检查结论", "decision", ("inspection_bulletin", "correction_order"), "agency_head", 1,
         ("open_penalty_case", "serve"), cite="004 第十九条第一款；000 第二十一条第二款"),
    Step("open_penalty_case", "启动行政处罚程序", "decision", (), "agency_head", 1, ("serve", "archive"),
         optional=True, cite="004 第十九条第三款"),
    Step("serve", "下发通报、告知检查结果", "service", ("service_receipt",), None, 1, ("verify_correction", "archive"),
         cite="004 第十九条第一款；000 第二十条"),
    Step("verify_correction", "整改情况核查", "service", ("performance_record", "inspection_record"), None, 2,
         ("archive",), optional=True, cite="000 第二十一条第二款；001 第十九条第二款"),
    _archive(_ARCHIVE_CITE),
))

# 行政许可: 行政许可法 第二十九条–第四十八条, recorded as 000 第八条 / 001 第六条 / 003 第五条.
LICENCE = Procedure("licence", "行政许可", "licensing", (
    Step("apply", "接收申请并登记", "initiation", ("application_register",), None, 1,
         ("request_supplement", "reject_application", "accept"),
         cite="行政许可法 第二十九条；000 第八条；001 第六条；003 第五条"),
    Step("request_supplement", "一次性告知补正材料", "initiation", ("supplement_notice",), None, 1,
         ("reject_application", "accept"), optional=True, cite="行政许可法 第三十二条第一款第四项；000 第八条第一款"),
    Step("reject_application", "不予受理", "initiation", ("non_acceptance_notice",), None, 1, ("serve",),
         cite="行政许可法 第三十二条；003 第五条"),
    Step("accept", "受理", "initiation", ("acceptance_notice",), None, 1, ("verify_on_site", "review"),
         cite="行政许可法 第三十二条第一款第五项、第二款；000 第八条第一款"),
    Step("verify_on_site", "实地核查", "investigation", ("inspection_record",), None, 2, ("review",), optional=True,
         cite="行政许可法 第三十四条第三款；000 第十三条第三项、第十四条"),
    Step("review", "审查", "decision", ("licence_approval", "expert_opinion", "expert_panel_opinion"), "unit_head", 1,
         ("hearing", "legal_review", "grant", "refuse"),
         cite="行政许可法 第三十四条、第四十五条；000 第十七条、第十八条第二款"),
    Step("hearing", "告知利害关系人、听证", "decision",
         ("hearing_rights_notice", "hearing_notice", "hearing_record", "statement_defence_record"), None, 1,
         ("legal_review", "grant", "refuse"), optional=True,
         cite="行政许可法 第三十六条、第四十六条至第四十八条；000 第十三条第六项"),
    Step("legal_review", "法制审核", "decision", ("legal_review_opinion",), "legal_reviewer", 0, ("grant", "refuse"),
         optional=True, cite="000 第十八条第一款；001 第十六条第一款"),
    Step("grant", "作出准予行政许可决定", "decision", ("licence_decision",), "agency_head", 1, ("serve",),
         cite="行政许可法 第三十七条、第三十八条第一款"),
    Step("refuse", "作出不予行政许可决定", "decision", ("licence_refusal",), "agency_head", 1, ("serve",),
         cite="行政许可法 第三十八条第二款"),
    Step("serve", "送达决定、颁发许可证件", "service", ("service_receipt", "licence_certificate"), None, 1, ("archive",),
         cite="行政许可法 第三十九条、第四十四条；000 第二十条"),
    _archive(_ARCHIVE_CITE),
))

# 行政强制措施（查封、扣押）: 行政强制法 第十八条–第二十八条; AV with the documents (000 第十六条, 001 第十四条).
COERCIVE_MEASURE = Procedure("coercive_measure", "行政强制措施：查封、扣押", "coercion", (
    Step("approve_measure", "实施前报批", "initiation", ("initiation_approval",), "agency_head", 1, ("enforce_measure",),
         cite="行政强制法 第十八条第一项、第十九条；003 第七条"),
    Step("enforce_measure", "实施查封、扣押", "investigation",
         ("on_site_record", "seal_seizure_decision", "seal_seizure_list", "service_receipt"), None, 2,
         ("investigate_facts", "extend", "lift", "confiscate"),
         cite="行政强制法 第十八条、第二十四条；000 第十六条；001 第十四条"),
    Step("investigate_facts", "查清事实（检测、检验、鉴定）", "investigation",
         ("interview_record", "inspection_record", "expert_opinion"), None, 2, ("extend", "lift", "confiscate"),
         optional=True, cite="行政强制法 第二十五条第三款、第二十七条；000 第十三条"),
    Step("extend", "延长查封、扣押期限", "investigation", ("extension_decision", "service_receipt"), "agency_head", 1,
         ("investigate_facts", "lift", "confiscate"), optional=True, cite="行政强制法 第二十五条第一款、第二款"),
    Step("lift", "解除查封、扣押", "decision", ("release_decision",), "agency_head", 1, ("serve",),
         cite="行政强制法 第二十七条、第二十八条第一款"),
    Step("confiscate", "依法没收、销毁", "decision", ("penalty_decision",), "agency_head", 1, ("serve",),
         cite="行政强制法 第二十七条"),
    Step("serve", "送达", "service", ("service_receipt",), None, 1, ("handle_items",), cite="000 第二十条；001 第十八条"),
    Step("handle_items", "退还或处理财物", "service", ("return_list", "disposal_record"), None, 2, ("archive",),
         cite="行政强制法 第二十八条第二款；001 第四条第二款"),
    _archive(_ARCHIVE_CITE),
))

# 行政强制执行: 催告 → 陈述申辩 → own execution (行政强制法 第三十五条–第四十四条) or court (第五十三条–第五十八条).
COMPULSORY_EXECUTION = Procedure("compulsory_execution", "行政强制执行", "coercion", (
    Step("issue_demand", "催告", "initiation", ("demand_notice", "service_receipt"), "agency_head", 1,
         ("hear_defence", "decide_execution", "apply_court", "record_result"),
         cite="行政强制法 第三十五条、第五十四条；000 第二十二条第一款；001 第二十条第一款；004 第十四条"),
    Step("hear_defence", "听取陈述申辩并复核", "investigation", ("statement_defence_record",), None, 2,
         ("decide_execution", "apply_court", "record_result"), optional=True,
         cite="行政强制法 第三十六条；000 第二十二条第二款；001 第二十条第二款；004 第十四条"),
    Step("decide_execution", "作出强制执行决定", "decision", ("execution_decision",), "agency_head", 1,
         ("serve_decision",), cite="行政强制法 第三十七条；001 第二十一条第一款"),
    Step("apply_court", "申请人民法院强制执行", "decision", ("court_enforcement_application",), "agency_head", 1,
         ("record_result",), cite="行政强制法 第五十三条至第五十五条；000 第二十二条第三款；001 第二十二条；004 第十五条"),
    Step("serve_decision", "送达强制执行决定", "service", ("service_receipt",), None, 1, ("enforce",),
         cite="行政强制法 第三十八条；000 第二十条"),
    Step("enforce", "实施强制执行", "service", ("on_site_record",), None, 2, ("record_result",),
         cite="001 第二十一条；行政强制法 第四十三条"),
    Step("record_result", "记录履行或执行结果", "service", ("performance_record",), None, 1, ("archive",),
         cite="000 第二十一条第一款、第二十二条第三款；003 第十八条；004 第十五条"),
    _archive(_ARCHIVE_CITE),
))

# 行政征收征用: only 001 (交通运输局) covers it; no general procedure statute, so the table follows the
# common shape (approval, survey, hearing the party, decision, service, compensation) on 宪法/民法典.
EXPROPRIATION = Procedure("expropriation", "行政征收征用", "expropriation", (
    Step("approve_start", "启动审批", "initiation", ("initiation_approval",), "agency_head", 1, ("survey",),
         cite="001 第三条、第七条；003 第七条"),
    Step("survey", "调查核实、清点登记财产", "investigation", ("inspection_record", "requisition_list"), None, 2,
         ("hear_party", "legal_review", "decide"), cite="001 第十一条第三项、第十二条"),
    Step("hear_party", "告知并听取陈述申辩", "decision", ("rights_notice", "statement_defence_record"), None, 2,
         ("legal_review", "decide"), optional=True, cite="001 第十条、第十一条第五项"),
    Step("legal_review", "法制审核", "decision", ("legal_review_opinion",), "legal_reviewer", 0, ("decide",),
         optional=True, cite="001 第十六条第一款"),
    Step("decide", "作出征收征用决定", "decision", ("expropriation_decision",), "agency_head", 1, ("serve",),
         cite="宪法 第十三条第三款；民法典 第一百一十七条；001 第十六条第四款"),
    Step("serve", "送达", "service", ("service_receipt",), None, 1, ("carry_out",), cite="001 第十八条"),
    Step("carry_out", "实施征收征用", "service", ("on_site_record", "requisition_list"), None, 2,
         ("return_property", "compensate"), cite="001 第十九条第一款"),
    Step("return_property", "返还被征用财产", "service", ("return_list",), None, 2, ("compensate",), optional=True,
         cite="民法典 第二百四十五条；突发事件应对法 第十二条"),
    Step("compensate", "给予补偿", "service", ("compensation_record",), "agency_head", 1, ("archive",),
         cite="宪法 第十三条第三款；民法典 第一百一十七条、第二百四十五条"),
    _archive(_ARCHIVE_CITE),
))

PROCEDURES: dict[str, Procedure] = {p.code: p for p in (
    PENALTY_GENERAL, PENALTY_SIMPLE, INSPECTION, LICENCE, COERCIVE_MEASURE, COMPULSORY_EXECUTION, EXPROPRIATION)}


def get(code: str) -> Procedure:
    try:
        return PROCEDURES[code]
    except KeyError:
        raise ValueError(f"没有编码为“{code}”的执法程序") from None
