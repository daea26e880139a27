"""The catalogue of document kinds (文书种类): for each kind its fields, who signs, whether it is served
and numbered, and where in the seeds it comes from.

Pure Python, no Django import. ``KINDS`` holds exactly the codes that the procedure steps name
(``lawtrail.cases.procedures.DOCUMENT_KINDS``) plus nothing else; ``values.clean`` checks a
document's values against its kind's fields.

Conventions of the tables:

- A field is ``required`` when the form cannot be finalised without it; a content the seeds name
  is a required field whose ``cite`` names the article (seed files by number, ``000`` is
  000_7020ab165d466204.txt, see seeds/README.md; statutes by name; several sources separated by
  "；"). Contents needed only in some cases (the witness of 留置送达, the carrier of 邮寄送达, a fine
  amount) are optional fields; whether the case needed them is for the rule profiles to check.
- ``signers`` are the roles whose signature the form itself must carry. A document issued in the
  agency's name (决定书、通知书) carries its seal; its signer is the role that approves the issue
  (``agency_head``), or ``handlers`` for notices the officers issue on their own authority.
  Approval opinions lower in the chain (承办人意见、承办机构意见) are fields of the approval form,
  and the roles giving them sign it. The party's signature (or a recorded refusal with witnesses)
  is ``party_signs``.
- ``served``: delivered to the party (or another addressee) and so proved by a 送达回证.
  ``numbered``: carries a 文号 allocated per bureau, kind and year, written with ``number_word``
  (金普文旅罚决〔2026〕3号). Internal forms, 笔录 and 清单 carry the 案号 only.
- The field groups below (OFFICERS, TIME_PLACE, RIGHTS_TOLD, START, DECISION, …) are shared by
  the kinds, so one seed article is written down once.
"""

from __future__ import annotations

from dataclasses import dataclass

from lawtrail.cases.procedures import PROCEDURES, STAGES  # pure Python too

FIELD_TYPES: dict[str, str] = {
    "text": "单行文字",
    "longtext": "多行文字",
    "date": "日期",
    "datetime": "日期时间",
    "money": "金额（元，精确到分）",
    "integer": "整数",
    "bool": "是/否",
    "choice": "选项",
    "citation": "法律依据（法律名称+条款）",
    "officers": "执法人员（姓名、执法证号、是否出示证件；至少两名）",
    "party": "当事人",
    "person": "其他人员（姓名、身份、联系方式）",
    "items": "物品清单（名称、规格、数量、单位、备注）",
    "file": "附件（外部文件）",
}

# Who must sign, by role code. The party is not a role here (DocumentKind.party_signs).
SIGNERS: dict[str, str] = {
    "handlers": "执法人员（承办人，至少两名）",
    "unit_head": "承办机构负责人",
    "legal_reviewer": "法制审核人员",
    "agency_head": "机关负责人",
    "recorder": "记录人",
    "server": "送达人",
    "witness": "见证人",
}


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    type: str
    required: bool = True
    choices: tuple[tuple[str, str], ...] = ()
    cite: str = ""
    help: str = ""

    def __post_init__(self):
        if self.type not in FIELD_TYPES:
            raise ValueError(f"栏目“{self.label}”的类型“{self.type}”不存在")
        if (self.type == "choice") != bool(self.choices):
            raise ValueError(f"栏目“{self.label}”：只有选项类栏目有选项，且必须有选项")


@dataclass(frozen=True)
class DocumentKind:
    code: str
    title: str
    stage: str
    fields: tuple[Field, ...]
    signers: tuple[str, ...] = ()
    party_signs: bool = False
    served: bool = False
    numbered: bool = True
    number_word: str = ""
    external: bool = False
    cite: str = ""

    def __post_init__(self):
        if self.stage not in STAGES:
            raise ValueError(f"文书“{self.title}”的阶段“{self.stage}”不存在")
        names = [f.name for f in self.fields]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"文书“{self.title}”中栏目重复：{'、'.join(duplicates)}")
        unknown = [s for s in self.signers if s not in SIGNERS]
        if unknown:
            raise ValueError(f"文书“{self.title}”的签名人身份不存在：{'、'.join(unknown)}")
        if self.numbered != bool(self.number_word):
            raise ValueError(f"文书“{self.title}”：编文号的文书须有文号用字，不编文号的不得有")
        if self.served and not self.numbered:
            raise ValueError(f"文书“{self.title}”需要送达，应编文号")

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise ValueError(f"文书“{self.title}”没有栏目“{name}”")


def req(name: str, label: str, type: str = "text", *, cite: str = "", help: str = "",
        choices: tuple[tuple[str, str], ...] = ()) -> Field:
    """A required field."""
    return Field(name, label, type, True, choices, cite, help)


def opt(name: str, label: str, type: str = "text", *, cite: str = "", help: str = "",
        choices: tuple[tuple[str, str], ...] = ()) -> Field:
    """An optional field."""
    return Field(name, label, type, False, choices, cite, help)


# --- citations used by several groups ------------------------------------------------------------

CITE_OFFICERS = "000 第十一条；001 第九条；002 第十一条(二)；004 第七条第一项、第十八条第一项"
CITE_RIGHTS = "000 第十二条；001 第十条"
CITE_START = "000 第九条；001 第七条"
CITE_REASONED = "000 第十七条；001 第十五条；003 第十二条"
CITE_REMEDIES = "003 第十二条；000 第十二条；行政处罚法 第五十九条第一款第五项"
CITE_HEAD = "000 第十八条第四款；001 第十六条第四款"
CITE_PRESERVATION = "000 第十五条；004 第八条"
CITE_REPORT = "003 第十条；004 第九条"
CITE_AV = "000 第十四条；001 第十二条"

# 案件来源: the codes of cases.models.SOURCES (司法建议、上级交办 are 移送/交办, 004 第六条第一款).
SOURCE_CHOICES = (("ex_officio", "依职权（监督检查发现）"), ("complaint", "投诉举报"),
                  ("application", "依申请"), ("referral", "移送/交办"))

# --- reusable field groups ----------------------------------------------------------------------

# The officers' number, names, certificate numbers and whether the certificates were shown.
OFFICERS = (req("officers", "执法人员", "officers", cite=CITE_OFFICERS,
                help="执法人员人数、姓名、执法证号及是否出示执法证件"),)


def party(label: str = "当事人", cite: str = "", help: str = "") -> tuple[Field, ...]:
    return (req("party", label, "party", cite=cite,
                help=help or "姓名或名称、身份证件号码或统一社会信用代码、住所、联系方式、法定代表人"),)


PARTY = party()
APPLICANT = party("申请人")

TIME_PLACE = (
    req("started_at", "开始时间", "datetime"),
    req("ended_at", "结束时间", "datetime"),
    req("place", "地点"),
)

# The rights told to the party and how (000 第十二条).
RIGHTS_TOLD = (
    req("rights_told", "告知的权利", "longtext", cite=CITE_RIGHTS,
        help="陈述、申辩、申请回避、听证、申请行政复议、提起行政诉讼等"),
    req("rights_told_how", "告知方式", "choice", cite=CITE_RIGHTS,
        choices=(("oral", "口头告知"), ("written", "书面告知"), ("oral_and_written", "口头及书面告知"))),
)


def av(cite: str = CITE_AV) -> tuple[Field, ...]:
    """Whether the act was recorded on AV, or the written reason why not (000 第十四条)."""
    return (
        req("av_recorded", "是否同步进行音像记录", "bool", cite=cite),
        opt("av_not_recorded_reason", "未进行音像记录的原因", "longtext", cite=cite,
            help="不适宜音像记录的，书面写明原因"),
    )


def approvals(cite: str, head_cite: str = CITE_HEAD) -> tuple[Field, ...]:
    """The chain of opinions on an internal approval form; the roles giving them sign the form."""
    return (
        req("handler_opinion", "承办人意见", "longtext", cite=cite),
        req("unit_opinion", "承办机构意见", "longtext", cite=cite),
        req("head_opinion", "负责人意见", "longtext", cite=f"{cite}；{head_cite}" if head_cite else cite),
        req("submitted_at", "时间", "datetime", cite=cite, help="报批时间；各级意见的签署时间随签名记录"),
    )


# 立案审批表 / 程序启动审批表 (000 第九条, 001 第七条; 003 第七条 names the form).
START = (
    req("start_reason", "启动原因", "longtext", cite=CITE_START),
    req("source", "案件来源", "choice", cite=CITE_START, choices=SOURCE_CHOICES),
    opt("source_detail", "来源说明", help="投诉举报登记号、移送或交办机关及文号、司法建议等"),
    req("facts", "基本案情", "longtext", cite=CITE_START),
    *party("当事人基本情况", cite=CITE_START),
    opt("emergency", "情况紧急，先行启动", "bool", cite="000 第九条；001 第七条；003 第七条；004 第六条第一款",
        help="先启动后补报：补报时限见本局规则（24小时或2日）"),
    opt("started_at", "先行启动时间", "datetime", cite="000 第九条；003 第七条"),
    *approvals(CITE_START),
)

# The reasons of a decision (000 第十七条: 法律依据和理由、证据材料、应考虑的有关因素).
REASONED = (
    req("evidence", "证据", "longtext", cite=CITE_REASONED, help="证据名称及证明的事项"),
    req("legal_basis", "法律依据", "citation", cite=CITE_REASONED, help="引用的法律依据要明确具体（名称及条、款、项）"),
    req("reasons", "理由", "longtext", cite=CITE_REASONED),
    req("factors", "考虑的裁量因素", "longtext", cite=CITE_REASONED,
        help="从轻、减轻、从重、不予处罚情节，裁量基准的适用"),
)

# Remedies and their time limits (003 第十二条): 行政复议 60 日 (行政复议法 第二十条), 行政诉讼 6 个月
# (行政诉讼法 第四十六条).
REMEDIES = (
    req("review_body", "申请行政复议的机关", cite=CITE_REMEDIES),
    req("review_days", "申请行政复议期限（日）", "integer", cite=f"{CITE_REMEDIES}；行政复议法 第二十条",
        help="自知道或者应当知道之日起六十日内"),
    req("court", "提起行政诉讼的人民法院", cite=CITE_REMEDIES),
    req("litigation_months", "提起行政诉讼期限（月）", "integer", cite=f"{CITE_REMEDIES}；行政诉讼法 第四十六条",
        help="自知道或者应当知道之日起六个月内"),
)

ISSUED = (req("issued_on", "日期", "date", help="作出文书的日期（加盖印章）"),)

# A penalty decision (000 第十七条, 003 第十二条, 行政处罚法 第五十九条).
DECISION = (
    req("facts", "违法事实", "longtext", cite="000 第十七条；行政处罚法 第五十九条第一款第二项"),
    *REASONED,
    req("penalty", "处罚内容", "longtext", cite="行政处罚法 第五十九条第一款第三项", help="处罚种类和幅度"),
    opt("fine", "罚款金额（元）", "money"),
    opt("confiscated_income", "没收违法所得（元）", "money"),
    req("performance", "履行方式和期限", "longtext", cite="行政处罚法 第五十九条第一款第四项",
        help="缴款方式、期限，逾期不缴纳的加处罚款"),
    *REMEDIES,
)

# Evidence preservation (000 第十五条, 004 第八条).
PRESERVATION = (
    req("preservation_reason", "保全理由", "longtext", cite=CITE_PRESERVATION,
        help="证据可能灭失或者以后难以取得的情况"),
    req("preservation_object", "保全标的", "longtext", cite=CITE_PRESERVATION),
    req("preservation_form", "保全形式", "choice", cite=CITE_PRESERVATION, choices=(
        ("provisional_registration", "先行登记保存"), ("copy", "复制"), ("av", "音像"),
        ("appraisal", "鉴定"), ("survey", "勘验"), ("interview", "制作询问笔录"))),
)

# The investigation report (003 第十条).
INVESTIGATION_REPORT = (
    req("source", "案件来源", "choice", cite=CITE_REPORT, choices=SOURCE_CHOICES),
    req("process", "调查过程", "longtext", cite=CITE_REPORT),
    req("facts_and_evidence", "查明的事实和证据", "longtext", cite=CITE_REPORT),
    req("proposal", "处理意见", "longtext", cite=CITE_REPORT),
    req("legal_basis", "法律依据", "citation", cite=CITE_REPORT),
)

DECISION_NO = req("decision_number", "据以执行的决定书文号")
ITEMS = req("items", "物品清单", "items")
CAUSE = req("cause", "案由")

# --- the kinds ------------------------------------------------------------------------------------

_KINDS = (
    # 程序启动 ------------------------------------------------------------------------------------
    DocumentKind(
        "initiation_approval", "程序启动审批表", "initiation",
        (*START, opt("act", "拟实施的执法行为", help="如查封、扣押，征收、征用")),
        signers=("handlers", "unit_head", "agency_head"), numbered=False,
        cite="003 第七条；000 第九条；001 第七条"),
    DocumentKind(
        "complaint_register", "投诉举报登记表", "initiation", (
            req("received_at", "收到时间", "datetime", cite="003 第六条"),
            req("channel", "渠道", "choice", choices=(
                ("phone", "电话"), ("letter", "来信"), ("visit", "来访"), ("online", "网络"),
                ("hotline", "12345热线"), ("assigned", "上级转办"), ("other", "其他"))),
            req("anonymous", "匿名", "bool", help="实名投诉举报不启动执法程序的，须告知投诉人、举报人（000 第十条）"),
            opt("reporter", "投诉举报人", "person"),
            opt("about", "被投诉举报对象"),
            req("content", "投诉举报内容", "longtext", cite="003 第六条；001 第四条"),
            opt("handling", "处理意见", "longtext", cite="000 第十条；001 第八条；003 第六条",
                help="启动执法程序，或不予启动（另填不予立案审批表）"),
            *av("003 第六条"),
        ),
        signers=("recorder",), numbered=False, cite="003 第六条；001 第四条、第八条；000 第十条"),
    DocumentKind(
        "filing_approval", "立案审批表", "initiation", (
            CAUSE,
            *START,
            req("incident_place", "案发地", cite="004 第六条第一款"),
            req("filing_reason", "立案理由", "longtext", cite="004 第六条第一款",
                help="涉嫌违法的事实、依法应予处罚、属本机关管辖、在追责时效内"),
        ),
        signers=("handlers", "unit_head", "agency_head"), numbered=False,
        cite="004 第六条第一款；000 第九条；001 第七条；行政处罚法 第五十四条"),
    DocumentKind(
        "decline_filing_approval", "不予立案审批表", "initiation", (
            *party("当事人基本情况", cite="004 第六条第二款"),
            req("incident_place", "案发地", cite="004 第六条第二款"),
            req("source", "案件来源", "choice", cite="004 第六条第二款", choices=SOURCE_CHOICES),
            opt("source_detail", "来源说明"),
            req("decline_reason", "不予立案理由", "longtext", cite="004 第六条第二款；000 第十条"),
            opt("reporter", "具名投诉人、举报人", "person", cite="004 第六条第二款；000 第十条",
                help="审批后将结果告知具名的投诉人、举报人"),
            *approvals("004 第六条第二款"),
        ),
        signers=("handlers", "unit_head", "agency_head"), numbered=False,
        cite="004 第六条第二款、第十六条第二项至第四项；000 第十条；001 第八条"),
    DocumentKind(
        "application_register", "申请登记表", "initiation", (
            *APPLICANT,
            req("received_at", "申请时间", "datetime", cite="000 第八条；001 第六条；003 第五条"),
            req("matter", "申请事项", cite="000 第八条；003 第五条"),
            req("channel", "申请方式", "choice", cite="000 第八条", choices=(
                ("written", "书面申请"), ("oral", "口头申请"), ("online", "网上申请"))),
            req("materials", "申请材料", "items"),
            opt("corrected_on_spot", "当场更正的申请材料错误", "longtext", cite="000 第八条；001 第六条"),
            req("receipt_issued", "已出具书面凭证或回执", "bool", cite="000 第八条；001 第六条"),
            *av("003 第五条"),
        ),
        signers=("recorder",), numbered=False, cite="000 第八条；001 第六条；003 第五条；行政许可法 第二十九条"),
    DocumentKind(
        "supplement_notice", "补正材料告知书", "initiation", (
            *APPLICANT,
            req("matter", "申请事项"),
            req("received_on", "收到申请的日期", "date"),
            req("to_supplement", "需补正的全部内容", "longtext",
                cite="000 第八条；001 第六条；003 第五条；行政许可法 第三十二条第一款第四项",
                help="一次性告知"),
            *ISSUED,
        ),
        signers=("handlers",), served=True, number_word="补正",
        cite="000 第八条；行政许可法 第三十二条第一款第四项"),
    DocumentKind(
        "acceptance_notice", "受理通知书", "initiation", (
            *APPLICANT,
            req("matter", "申请事项"),
            req("accepted_on", "受理日期", "date", cite="000 第八条；003 第五条"),
            opt("time_limit", "办理期限", help="自受理之日起二十日内作出决定（行政许可法 第四十二条）"),
            *ISSUED,
        ),
        signers=("handlers",), served=True, number_word="受",
        cite="000 第八条；003 第五条；行政许可法 第三十二条"),
    DocumentKind(
        "non_acceptance_notice", "不予受理通知书", "initiation", (
            *APPLICANT,
            req("matter", "申请事项"),
            req("reasons", "不予受理的理由", "longtext", cite="000 第八条；003 第五条；行政许可法 第三十二条"),
            req("legal_basis", "法律依据", "citation", cite=CITE_REASONED),
            opt("competent_body", "告知向有关行政机关申请", help="不属于本机关职权范围的"),
            *REMEDIES,
            *ISSUED,
        ),
        signers=("handlers",), served=True, number_word="不受",
        cite="000 第八条；003 第五条；行政许可法 第三十二条、第三十八条第二款"),
    DocumentKind(
        "random_draw_record", "双随机抽取记录", "initiation", (
            req("drawn_at", "抽取时间", "datetime", cite="004 第十七条"),
            req("matter", "检查事项", cite="004 第十七条"),
            req("object_pool", "检查对象名录（抽取范围）", "longtext", cite="004 第十七条"),
            req("inspector_pool", "执法检查人员名录（抽取范围）", "longtext", cite="004 第十七条"),
            req("method", "抽取方式", help="系统随机抽取的算法或摇号方式"),
            req("seed", "随机种子", help="记录种子以便复现抽取结果"),
            req("selected_objects", "抽中的检查对象", "longtext", cite="004 第十七条"),
            req("selected_inspectors", "抽中的执法检查人员", "longtext", cite="004 第十七条"),
            opt("supervisor", "监督人", "person"),
        ),
        signers=("unit_head", "recorder"), numbered=False, cite="004 第十七条"),
    DocumentKind(
        "inspection_notice", "监督检查通知书", "initiation", (
            *party("被检查对象"),
            req("matter", "检查事项", cite="004 第十六条第一款"),
            req("legal_basis", "检查依据", "citation"),
            req("inspect_on", "检查时间", "date"),
            opt("inspectors", "检查人员", "longtext"),
            opt("to_prepare", "需准备的材料", "longtext"),
            *ISSUED,
        ),
        signers=("agency_head",), served=True, number_word="检通", cite="004 第十六条第一款"),
    DocumentKind(
        "inspection_filing_approval", "督查立案审批表", "initiation", (
            req("matter", "督查事项", cite="004 第十六条第一项"),
            *START,
        ),
        signers=("handlers", "unit_head", "agency_head"), numbered=False,
        cite="004 第十六条第一项；000 第九条；001 第七条"),
    DocumentKind(
        "assignment_letter", "交办函", "initiation", (
            req("recipient", "接收机关", cite="004 第十六条第一项", help="上级司法行政机关"),
            *party("被投诉举报对象"),
            req("clue", "线索来源及内容", "longtext", cite="004 第十六条第一项"),
            req("reasons", "转交查处的理由", "longtext"),
            req("materials", "移交材料", "items"),
            *ISSUED,
        ),
        signers=("agency_head",), number_word="交办", cite="004 第十六条第一项"),

    # 调查取证 ------------------------------------------------------------------------------------
    DocumentKind(
        "interview_record", "询问(调查)笔录", "investigation", (
            *OFFICERS,
            *TIME_PLACE,
            req("interviewee", "被询问人", "person", cite="000 第十三条第一项；004 第七条第一项",
                help="姓名、身份（当事人、证人或其他有关人员）、联系方式"),
            opt("interviewee_details", "被询问人身份证件号码、住址、工作单位", "longtext"),
            *RIGHTS_TOLD,
            req("content", "询问内容", "longtext", help="问答记录"),
            req("checked_how", "笔录核对方式", "choice",
                choices=(("read_by_interviewee", "被询问人阅读"), ("read_aloud", "向被询问人宣读"))),
            *av("004 第七条第一项"),
        ),
        signers=("handlers", "recorder"), party_signs=True, numbered=False,
        cite="000 第十三条第一项；001 第十一条第一项；003 第八条第一项；004 第七条第一项、第十八条第一项"),
    DocumentKind(
        "inspection_record", "现场检查(勘验)笔录", "investigation", (
            *OFFICERS,
            *TIME_PLACE,
            *PARTY,
            opt("present", "在场人", "person", help="当事人不在场时的在场人或见证人"),
            opt("place_sign", "场所标志", help="标牌、门脸，或周围标志性建筑、门牌号（002 第十五条第四项）"),
            *RIGHTS_TOLD,
            req("findings", "检查（勘验）情况", "longtext"),
            *av(),
        ),
        signers=("handlers", "recorder"), party_signs=True, numbered=False,
        cite="000 第十三条第三项、第十四条；001 第十一条第三项；003 第八条第三项"),
    DocumentKind(
        "on_site_record", "现场笔录", "investigation", (
            *OFFICERS,
            *TIME_PLACE,
            *PARTY,
            req("party_present", "当事人到场", "bool", cite="行政强制法 第十八条第六项、第七项"),
            opt("witness", "见证人", "person", cite="行政强制法 第十八条第七项", help="当事人不到场的，邀请见证人到场"),
            req("legal_basis", "实施的理由和依据", "citation", cite="行政强制法 第十八条第五项"),
            *RIGHTS_TOLD,
            req("content", "现场情况及实施过程", "longtext", help="查封、扣押、抽样、强制执行或征收征用的实施经过"),
            *av("000 第十六条；001 第十四条、第二十一条第二款"),
        ),
        signers=("handlers", "recorder"), party_signs=True, numbered=False,
        cite="000 第十三条第四项、第十六条；001 第十一条第四项、第十四条；行政强制法 第十八条、第二十四条"),
    DocumentKind(
        "evidence_request_notice", "调取证据通知书", "investigation", (
            *party("被调取证据的单位或个人"),
            req("evidence", "调取的证据", "longtext", cite="000 第十三条第二项；004 第七条第二项",
                help="书证、物证、视听资料、电子数据等的名称和范围"),
            req("legal_basis", "法律依据", "citation"),
            req("deadline", "提供期限", "date"),
            opt("deliver_to", "提供地点及联系人"),
            *ISSUED,
        ),
        signers=("handlers",), served=True, number_word="调证",
        cite="000 第十三条第二项；004 第七条第二项、第十八条第二项"),
    DocumentKind(
        "evidence_register", "证据登记保存清单", "investigation", (
            *OFFICERS,
            *party("证据提供人"),
            req("purpose", "登记保存的原因", "choice", cite="000 第十三条第二项；001 第十三条",
                choices=(("collected", "调取证据"), ("preserved", "证据保全"))),
            ITEMS,
            opt("storage_place", "保存地点"),
            req("registered_on", "日期", "date", cite="003 第八条第二项"),
        ),
        signers=("handlers",), party_signs=True, numbered=False,
        cite="000 第十三条第二项；001 第十一条第二项、第十三条；003 第八条第二项；004 第七条第二项"),
    DocumentKind(
        "provisional_registration_notice", "先行登记保存证据通知书", "investigation", (
            *PARTY,
            *PRESERVATION,
            req("legal_basis", "法律依据", "citation", cite="行政处罚法 第五十六条"),
            opt("storage_place", "保存地点"),
            req("storage_until", "保存期限至", "date", help="七日内作出处理决定（行政处罚法 第五十六条）"),
            *av("003 第九条"),
            *ISSUED,
        ),
        signers=("handlers", "agency_head"), served=True, number_word="先登",
        cite="000 第十五条；003 第九条；004 第八条；行政处罚法 第五十六条"),
    DocumentKind(
        "provisional_registration_decision", "先行登记保存证据处理决定书", "investigation", (
            *PARTY,
            req("notice_number", "先行登记保存证据通知书文号"),
            req("handling", "处理方式", "choice", cite="行政处罚法 第五十六条", choices=(
                ("release", "解除先行登记保存，退还"), ("appraise", "检测、检验、检疫、鉴定"),
                ("seal_seize", "依法查封、扣押"), ("confiscate", "依法没收"), ("transfer", "移送有关部门"))),
            ITEMS,
            req("reasons", "理由", "longtext", cite=CITE_REASONED),
            req("legal_basis", "法律依据", "citation", cite=CITE_REASONED),
            *ISSUED,
        ),
        signers=("agency_head",), served=True, number_word="先处",
        cite="004 第八条；行政处罚法 第五十六条"),
    DocumentKind(
        "sampling_list", "抽样清单", "investigation", (
            *OFFICERS,
            *PARTY,
            req("sampled_at", "抽样时间", "datetime"),
            req("place", "抽样地点"),
            req("items", "样品", "items"),
            req("method", "抽样方式", help="抽样标准或方法、样品基数"),
            opt("sealing", "封样情况"),
            *av(),
        ),
        signers=("handlers",), party_signs=True, numbered=False,
        cite="000 第十三条第四项、第十四条；001 第十一条第四项、第十二条"),
    DocumentKind(
        "expert_opinion", "鉴定意见书", "investigation", (
            req("file", "鉴定意见书", "file", cite="000 第十三条第七项；001 第十一条第七项；003 第八条第五项"),
            req("institution", "鉴定机构", cite="000 第十三条第七项"),
            req("matter", "鉴定事项"),
            req("appraised_on", "鉴定日期", "date"),
            opt("conclusion", "鉴定意见（摘要）", "longtext"),
        ),
        numbered=False, external=True,
        cite="000 第十三条第七项；001 第十一条第七项；003 第八条第五项"),
    DocumentKind(
        "expert_panel_opinion", "专家论证意见", "investigation", (
            req("held_at", "论证时间", "datetime"),
            opt("place", "地点"),
            req("matter", "论证事项"),
            req("experts", "参加论证的专家", "longtext", help="姓名、单位、职称"),
            req("opinion", "专家意见", "longtext", cite="000 第十八条第二款；001 第十六条第二款"),
            opt("file", "专家意见书或会议纪要原件", "file"),
        ),
        signers=("recorder",), numbered=False,
        cite="000 第三条第二款、第十八条第二款；001 第十六条第二款；行政许可法 第四十五条"),
    DocumentKind(
        "rights_notice", "权利告知书", "investigation", (
            *PARTY,
            req("matter", "告知事项", "longtext", help="拟作出的执法行为及其事实、理由和依据"),
            *RIGHTS_TOLD,
            opt("deadline", "陈述、申辩期限"),
            *ISSUED,
        ),
        signers=("handlers",), served=True, number_word="权告",
        cite="004 第七条第三项、第十八条第三项；000 第十二条；001 第十条"),
    DocumentKind(
        "statement_defence_record", "陈述申辩笔录", "investigation", (
            *OFFICERS,
            *TIME_PLACE,
            *PARTY,
            *RIGHTS_TOLD,
            req("statement", "陈述、申辩内容", "longtext",
                cite="000 第十三条第五项、第十九条第三项；001 第十一条第五项、第十七条第三项"),
            opt("facts_reasons_evidence", "提出的事实、理由和证据", "longtext",
                cite="000 第二十二条第二款；004 第十四条"),
            opt("review", "复核及处理，是否采纳的理由", "longtext",
                cite="000 第十九条第四项、第二十二条第二款；001 第十七条第四项；004 第十四条"),
        ),
        signers=("handlers", "recorder"), party_signs=True, numbered=False,
        cite="000 第十三条第五项；001 第十一条第五项；004 第七条第三项"),
    DocumentKind(
        "hearing_rights_notice", "听证告知书", "investigation", (
            *PARTY,
            req("facts", "拟认定的违法事实", "longtext"),
            req("legal_basis", "法律依据", "citation"),
            req("proposed", "拟作出的决定", "longtext"),
            *RIGHTS_TOLD,
            req("request_days", "申请听证期限（日）", "integer", help="告知后五日内提出（行政处罚法 第六十四条）"),
            *ISSUED,
        ),
        signers=("handlers",), served=True, number_word="听告",
        cite="004 第七条第四项；行政处罚法 第六十三条、第六十四条；行政许可法 第四十七条"),
    DocumentKind(
        "hearing_notice", "听证通知书", "investigation", (
            *PARTY,
            req("hearing_at", "听证时间", "datetime", help="听证七日前通知（行政处罚法 第六十四条）"),
            req("place", "听证地点"),
            req("host", "听证主持人"),
            req("public", "公开举行", "bool"),
            *RIGHTS_TOLD,
            *ISSUED,
        ),
        signers=("handlers",), served=True, number_word="听通",
        cite="004 第七条第四项；行政处罚法 第六十四条"),
    DocumentKind(
        "hearing_record", "听证笔录", "investigation", (
            *OFFICERS,
            *TIME_PLACE,
            *PARTY,
            req("host", "听证主持人", "person", cite="004 第七条第四项"),
            opt("agent", "委托代理人", "person"),
            opt("participants", "其他参加人", "longtext"),
            req("public", "公开举行", "bool"),
            *RIGHTS_TOLD,
            req("case_presented", "调查人员提出的违法事实、证据和处罚建议", "longtext"),
            req("party_statement", "当事人陈述、申辩和质证意见", "longtext"),
            req("final_statement", "最后陈述", "longtext"),
            *av("000 第十四条；001 第十二条；004 第七条第四项"),
        ),
        signers=("legal_reviewer", "handlers", "recorder"), party_signs=True, numbered=False,
        cite="000 第十三条第六项；001 第十一条第六项；004 第七条第四项；行政处罚法 第六十四条第八项"),
    DocumentKind(
        "hearing_report", "听证报告", "investigation", (
            req("hearing_at", "听证时间", "datetime"),
            req("host", "听证主持人"),
            req("summary", "听证基本情况", "longtext"),
            req("findings", "听证认定的事实和证据", "longtext"),
            req("opinion", "处理意见和建议", "longtext", cite="004 第七条第四项"),
        ),
        signers=("legal_reviewer",), numbered=False,
        cite="000 第三条第二款；004 第三条第二款、第七条第四项；行政处罚法 第六十五条"),
    DocumentKind(
        "investigation_report", "调查终结报告", "investigation", (
            CAUSE,
            *OFFICERS,
            *PARTY,
            *INVESTIGATION_REPORT,
            req("recommendation", "建议", "choice", cite="004 第九条、第十条；行政处罚法 第五十七条", choices=(
                ("penalty", "给予行政处罚"), ("no_penalty", "不予行政处罚"),
                ("not_established", "违法事实不成立"), ("referral", "移送司法机关"))),
        ),
        signers=("handlers", "unit_head"), numbered=False, cite="003 第十条；004 第九条；002 第十一条(二)"),
    DocumentKind(
        "seal_seizure_decision", "查封(扣押)决定书", "investigation", (
            *PARTY,
            req("measure", "强制措施", "choice", choices=(("seal", "查封"), ("seize", "扣押"))),
            req("reasons", "理由", "longtext", cite="行政强制法 第二十四条第二款第二项；000 第十七条"),
            req("legal_basis", "依据", "citation", cite="行政强制法 第二十四条第二款第二项；000 第十七条"),
            ITEMS,
            req("period_days", "期限（日）", "integer", cite="行政强制法 第二十四条第二款第四项、第二十五条",
                help="不得超过三十日"),
            *REMEDIES,
            *ISSUED,
        ),
        signers=("agency_head",), served=True, number_word="查扣",
        cite="000 第十六条；001 第十四条；行政强制法 第二十四条"),
    DocumentKind(
        "seal_seizure_list", "查封(扣押)清单", "investigation", (
            *OFFICERS,
            *PARTY,
            req("decision_number", "查封(扣押)决定书文号"),
            req("done_at", "查封(扣押)时间", "datetime"),
            req("place", "地点"),
            ITEMS,
            opt("storage_place", "保管地点"),
        ),
        signers=("handlers",), party_signs=True, numbered=False, cite="000 第十六条；行政强制法 第二十四条第一款"),
    DocumentKind(
        "extension_decision", "延长查封(扣押)期限决定书", "investigation", (
            *PARTY,
            req("decision_number", "原查封(扣押)决定书文号"),
            req("reasons", "延长的理由", "longtext", cite="行政强制法 第二十五条第二款"),
            req("legal_basis", "依据", "citation"),
            req("extended_until", "延长至", "date", help="延长期限不得超过三十日（行政强制法 第二十五条第一款）"),
            *ISSUED,
        ),
        signers=("agency_head",), served=True, number_word="延期", cite="行政强制法 第二十五条"),
    DocumentKind(
        "inspection_report", "监督检查报告", "investigation", (
            *OFFICERS,
            *party("被检查对象"),
            req("matter", "检查事项"),
            req("process", "检查过程", "longtext", cite="004 第十九条第一款"),
            req("findings", "检查发现的问题和证据", "longtext", cite="004 第十九条第一款"),
            req("conclusion", "检查结论和处理意见", "longtext", cite="004 第十九条第一款"),
            opt("legal_basis", "法律依据", "citation"),
            req("penalty_proposed", "建议启动行政处罚程序", "bool", cite="004 第十九条第三款"),
            req("major", "案情重大、涉及范围广或可能造成社会影响", "bool", cite="004 第十九条第二款",
                help="是的，须交法制科进行合法性审查"),
        ),
        signers=("handlers", "unit_head"), numbered=False, cite="004 第十九条；002 第十一条(二)"),
    DocumentKind(
        "requisition_list", "征收(征用)财产清单", "investigation", (
            *OFFICERS,
            *PARTY,
            req("done_at", "清点时间", "datetime"),
            req("place", "地点"),
            ITEMS,
            opt("condition", "财产状况", "longtext"),
            opt("valuation", "评估价值（元）", "money"),
        ),
        signers=("handlers",), party_signs=True, numbered=False, cite="001 第三条、第四条"),

    # 审查决定 ------------------------------------------------------------------------------------
    DocumentKind(
        "advance_notice", "行政处罚事先告知书", "decision", (
            *PARTY,
            req("facts", "拟认定的违法事实", "longtext", cite="行政处罚法 第四十四条"),
            req("evidence", "证据", "longtext"),
            req("legal_basis", "法律依据", "citation", cite="行政处罚法 第四十四条"),
            req("proposed", "拟作出的行政处罚", "longtext", cite="行政处罚法 第四十四条", help="种类和幅度"),
            opt("proposed_fine", "拟罚款金额（元）", "money"),
            *RIGHTS_TOLD,
            req("statement_days", "陈述、申辩期限（日）", "integer"),
            req("hearing_applicable", "符合听证条件", "bool", cite="行政处罚法 第六十三条"),
            *ISSUED,
        ),
        signers=("agency_head",), served=True, number_word="罚告",
        cite="004 第九条；000 第十二条；行政处罚法 第四十四条"),
    DocumentKind(
        "penalty_decision_approval", "行政处罚决定审批表", "decision", (
            CAUSE,
            *PARTY,
            req("facts", "违法事实", "longtext"),
            *REASONED,
            req("proposal", "拟处理意见", "choice", cite="004 第九条、第十条", choices=(
                ("penalty", "给予行政处罚"), ("no_penalty", "不予行政处罚"), ("not_established", "违法事实不成立"))),
            opt("proposed_penalty", "拟处罚内容", "longtext"),
            opt("proposed_fine", "拟罚款金额（元）", "money"),
            opt("defence_adopted", "陈述申辩、听证意见的复核和采纳情况", "longtext", cite="行政处罚法 第四十五条"),
            opt("legal_review", "法制审核意见", "longtext", cite="004 第九条",
                help="未另制作法制审核意见表的，在此载明"),
            *approvals("004 第九条"),
        ),
        signers=("handlers", "unit_head", "agency_head"), numbered=False,
        cite="004 第九条；000 第十八条第四款；003 第十一条"),
    DocumentKind(
        "legal_review_opinion", "重大行政执法决定法制审核意见表", "decision", (
            req("matter", "审核事项"),
            req("submitted_on", "送审日期", "date"),
            req("reviewers", "法制机构审查人员", cite="000 第十八条第一款；001 第十六条第一款"),
            req("opinion", "审查意见", "longtext", cite="000 第十八条第一款；001 第十六条第一款；004 第九条"),
            req("conclusion", "审核结论", "choice", choices=(
                ("agree", "同意"), ("amend", "建议修改后提交"), ("disagree", "不同意"))),
            opt("suggestions", "建议", "longtext", cite="000 第十八条第一款；001 第十六条第一款"),
            req("reviewed_on", "审核日期", "date"),
        ),
        signers=("legal_reviewer",), numbered=False,
        cite="000 第十八条第一款；001 第十六条第一款；004 第九条、第十九条第二款"),
    DocumentKind(
        "deliberation_record", "集体讨论记录", "decision", (
            req("held_at", "讨论时间", "datetime"),
            req("place", "地点"),
            req("host", "主持人"),
            req("attendees", "参加人员", "longtext"),
            req("matter", "讨论事项", "longtext"),
            req("discussion", "讨论意见", "longtext", cite="000 第十八条第三款；001 第十六条第三款；003 第十一条"),
            req("conclusion", "讨论决定", "longtext", cite="003 第十一条"),
        ),
        signers=("agency_head", "recorder"), numbered=False,
        cite="000 第十八条第三款；001 第十六条第三款；003 第十一条；行政处罚法 第五十七条第二款"),
    DocumentKind(
        "penalty_decision", "行政处罚决定书", "decision", (*PARTY, *DECISION, *ISSUED),
        signers=("agency_head",), served=True, number_word="罚决",
        cite="004 第十条第一款；000 第十七条；003 第十一条、第十二条；行政处罚法 第五十九条"),
    DocumentKind(
        "on_spot_penalty_decision", "当场行政处罚决定书", "decision", (
            *OFFICERS,
            *PARTY,
            req("decided_at", "时间", "datetime"),
            req("place", "地点"),
            req("facts", "违法事实", "longtext", cite="行政处罚法 第五十二条"),
            req("simple_conditions", "适用简易程序的事实依据和法律依据", "longtext",
                cite="000 第十九条第一项；001 第十七条第一项"),
            req("legal_basis", "法律依据", "citation", cite="行政处罚法 第五十二条；000 第十七条"),
            *RIGHTS_TOLD,
            req("statement_review", "对陈述、申辩的复核及处理，是否采纳的理由", "longtext",
                cite="000 第十九条第四项；001 第十七条第四项"),
            req("penalty", "处罚内容", "longtext", cite="行政处罚法 第五十二条"),
            opt("fine", "罚款金额（元）", "money"),
            req("performance", "履行方式和期限", "longtext"),
            req("collected_on_spot", "当场收缴罚款", "bool", cite="000 第十九条第六项"),
            *REMEDIES,
        ),
        signers=("handlers",), party_signs=True, served=True, number_word="当罚",
        cite="000 第十九条；001 第十七条；行政处罚法 第五十一条、第五十二条"),
    DocumentKind(
        "no_penalty_decision", "不予处罚决定书", "decision", (
            *PARTY,
            req("facts", "查明的事实", "longtext"),
            *REASONED,
            *REMEDIES,
            *ISSUED,
        ),
        signers=("agency_head",), served=True, number_word="不罚",
        cite="004 第十条第一款；000 第十七条；行政处罚法 第五十七条第一款第二项"),
    DocumentKind(
        "violation_not_established_notice", "违法事实不成立通知书", "decision", (
            *PARTY,
            CAUSE,
            req("findings", "调查认定的情况", "longtext"),
            req("reasons", "理由", "longtext", cite=CITE_REASONED),
            *ISSUED,
        ),
        signers=("agency_head",), served=True, number_word="不成",
        cite="004 第十条第一款；行政处罚法 第五十七条第一款第三项"),
    DocumentKind(
        "referral_letter", "移送书", "decision", (
            req("recipient", "移送机关", cite="004 第十条第二款"),
            *PARTY,
            req("facts", "涉嫌犯罪的事实", "longtext", cite="004 第十条第二款"),
            req("legal_basis", "移送依据", "citation"),
            req("materials", "移送的案卷材料", "items", cite="004 第十条第二款"),
            *ISSUED,
        ),
        signers=("agency_head",), number_word="移",
        cite="004 第十条第二款；行政处罚法 第二十七条"),
    DocumentKind(
        "correction_order", "责令改正通知书", "decision", (
            *PARTY,
            req("facts", "违法事实", "longtext"),
            req("legal_basis", "法律依据", "citation", cite=CITE_REASONED),
            req("correction", "改正内容", "longtext"),
            req("deadline", "改正期限", "date", cite="000 第二十一条第二款", help="到期核查改正情况"),
            *ISSUED,
        ),
        signers=("agency_head",), served=True, number_word="责改",
        cite="000 第二十一条第二款；001 第十九条第二款；004 第十三条；行政处罚法 第二十八条"),
    DocumentKind(
        "release_decision", "解除查封(扣押)决定书", "decision", (
            *PARTY,
            req("decision_number", "原查封(扣押)决定书文号"),
            req("ground", "解除情形", "choice", cite="行政强制法 第二十八条第一款", choices=(
                ("no_violation", "当事人没有违法行为"), ("unrelated", "查封、扣押的财物与违法行为无关"),
                ("handled", "已作出处理决定，不再需要查封、扣押"), ("expired", "查封、扣押期限已经届满"),
                ("other", "其他不再需要查封、扣押的情形"))),
            req("legal_basis", "依据", "citation"),
            ITEMS,
            *ISSUED,
        ),
        signers=("agency_head",), served=True, number_word="解除", cite="行政强制法 第二十七条、第二十八条"),
    DocumentKind(
        "licence_approval", "行政许可审批表", "decision", (
            *APPLICANT,
            req("matter", "申请事项"),
            req("review", "审查情况", "longtext", help="材料审查、实地核查、听证、专家论证等情况"),
            req("legal_basis", "法律依据", "citation", cite=CITE_REASONED),
            req("proposal", "拟处理意见", "choice", choices=(("grant", "准予许可"), ("refuse", "不予许可"))),
            *approvals("000 第十七条；001 第十五条"),
        ),
        signers=("handlers", "unit_head", "agency_head"), numbered=False,
        cite="000 第三条第二款、第十七条、第十八条第四款；行政许可法 第三十四条"),
    DocumentKind(
        "licence_decision", "行政许可决定书", "decision", (
            *APPLICANT,
            req("matter", "许可事项"),
            req("content", "准予许可的内容", "longtext", help="许可范围、条件"),
            req("legal_basis", "法律依据", "citation", cite=CITE_REASONED),
            opt("valid_until", "有效期至", "date"),
            *ISSUED,
        ),
        signers=("agency_head",), served=True, number_word="许决", cite="行政许可法 第三十七条、第三十八条第一款"),
    DocumentKind(
        "licence_refusal", "不予行政许可决定书", "decision", (
            *APPLICANT,
            req("matter", "申请事项"),
            req("reasons", "不予许可的理由", "longtext", cite="行政许可法 第三十八条第二款；003 第十二条"),
            req("legal_basis", "法律依据", "citation", cite=CITE_REASONED),
            *REMEDIES,
            *ISSUED,
        ),
        signers=("agency_head",), served=True, number_word="不许", cite="行政许可法 第三十八条第二款；003 第十二条"),
    DocumentKind(
        "inspection_bulletin", "督查通报", "decision", (
            req("matter", "督查事项"),
            *party("被检查对象"),
            req("findings", "督查发现的问题", "longtext", cite="004 第十九条第一款"),
            req("conclusion", "督查结论", "longtext", cite="004 第十九条第一款"),
            opt("requirements", "整改要求", "longtext", cite="000 第二十一条第二款"),
            opt("recipients", "发送范围（告知的投诉人、举报人）"),
            *ISSUED,
        ),
        signers=("agency_head",), served=True, number_word="督通", cite="004 第十九条第一款"),
    DocumentKind(
        "expropriation_decision", "行政征收(征用)决定书", "decision", (
            *PARTY,
            req("kind", "种类", "choice", choices=(("expropriation", "征收"), ("requisition", "征用"))),
            req("purpose", "公共利益需要", "longtext", cite="宪法 第十三条第三款"),
            *REASONED,
            ITEMS,
            opt("period", "征用期限"),
            req("compensation", "补偿方式和标准", "longtext", cite="宪法 第十三条第三款；民法典 第一百一十七条"),
            *REMEDIES,
            *ISSUED,
        ),
        signers=("agency_head",), served=True, number_word="征决", cite="001 第三条、第十六条；民法典 第一百一十七条"),
    DocumentKind(
        "execution_decision", "行政强制执行决定书", "decision", (
            *PARTY,
            DECISION_NO,
            req("reasons", "强制执行的理由", "longtext", cite="行政强制法 第三十七条第二款第一项"),
            req("legal_basis", "依据", "citation", cite="行政强制法 第三十七条第二款第一项"),
            req("method", "强制执行方式", "choice", cite="行政强制法 第十二条、第三十七条第二款第二项", choices=(
                ("late_fine", "加处罚款或者滞纳金"), ("transfer", "划拨存款、汇款"),
                ("auction", "拍卖或者依法处理查封、扣押的场所、设施或者财物"),
                ("remove", "排除妨碍、恢复原状"), ("substitute", "代履行"), ("other", "其他强制执行方式"))),
            req("execute_at", "强制执行时间", "datetime", cite="行政强制法 第三十七条第二款第二项"),
            opt("amount", "执行金额（元）", "money"),
            *REMEDIES,
            *ISSUED,
        ),
        signers=("agency_head",), served=True, number_word="强执",
        cite="001 第二十一条；行政强制法 第三十七条"),

    # 送达执行 ------------------------------------------------------------------------------------
    DocumentKind(
        "service_receipt", "送达回证", "service", (
            req("document_title", "送达文书名称", cite="000 第二十条第二款"),
            req("document_number", "送达文书文号", cite="000 第二十条第二款"),
            *party("受送达人", cite="000 第二十条；003 第十三条"),
            req("method", "送达方式", "choice", cite="000 第二十条；001 第十八条；004 第十二条", choices=(
                ("direct", "直接送达"), ("postal", "邮寄送达"), ("left_at_residence", "留置送达"),
                ("public_notice", "公告送达"), ("entrusted", "委托送达"), ("forwarded", "转交送达"),
                ("electronic", "电子送达"))),
            opt("carrier", "邮寄方式", "choice", cite="000 第二十条第二款；001 第十八条第二款；004 第十二条第二项",
                choices=(("registered_mail", "挂号信"), ("ems", "特快专递（EMS）"), ("other", "其他"))),
            opt("tracking_number", "付邮凭证号（邮件号码）", cite="000 第二十条第二款；003 第十四条"),
            opt("returned", "邮件被退回的情况", "longtext", cite="003 第十四条；004 第十二条第二项"),
            req("served_at", "送达时间", "datetime", cite="003 第十三条；000 第二十条第三款"),
            req("place", "送达地点"),
            opt("receiver", "代收人（符合法定条件的签收人）", "person", cite="000 第二十条第一款"),
            opt("refusal_reason", "拒收事由", "longtext", cite="000 第二十条第三款；003 第十五条"),
            opt("witness", "见证人", "person", cite="000 第二十条第三款；003 第十五条", help="留置送达时邀请的见证人"),
            opt("entrust_reason", "委托、转交的原因", "longtext", cite="000 第二十条第五款；003 第十六条"),
            opt("public_notice", "公告送达情况", "longtext", cite="000 第二十条第四款；004 第十二条第五项",
                help="已采用其他方式均无法送达的情况，公告的方式和载体，原因和经过"),
        ),
        # "由送达人、受送达人或符合法定条件的签收人在送达回证上签名或盖章" (000 第二十条; 003 第十三条):
        # one 送达人; the 受送达人's signature, or 拒收 recorded as a refusal with its witnesses.
        signers=("server",), party_signs=True, numbered=False,
        cite="000 第二十条；001 第十八条；003 第十三条至第十六条；004 第十一条、第十二条"),
    DocumentKind(
        "licence_certificate", "行政许可证件", "service", (
            *party("持证人"),
            req("licence_name", "证件名称"),
            req("scope", "许可范围", "longtext"),
            req("valid_from", "有效期自", "date"),
            opt("valid_until", "有效期至", "date"),
            req("decision_number", "行政许可决定书文号"),
            *ISSUED,
        ),
        signers=("agency_head",), served=True, number_word="许证", cite="行政许可法 第三十九条、第四十四条"),
    DocumentKind(
        "fine_receipt", "罚款专用票据", "service", (
            req("receipt_number", "票据号码", help="财政部门统一制发的票据编号"),
            *party("缴款人"),
            req("amount", "金额（元）", "money", cite="行政处罚法 第七十条"),
            req("collected_at", "收缴时间", "datetime", cite="000 第十九条第六项"),
            req("decision_number", "行政处罚决定书文号"),
            opt("ground", "当场收缴的情形", "choice", cite="000 第十九条第六项；行政处罚法 第六十八条、第六十九条",
                choices=(("small_fine", "依法给予一百元以下罚款"), ("hard_to_execute", "不当场收缴事后难以执行"),
                         ("remote", "边远、水上、交通不便地区，当事人确有困难"))),
            opt("scan", "票据扫描件", "file"),
        ),
        signers=("handlers",), numbered=False,
        cite="000 第十九条第六项；001 第十七条第六项；行政处罚法 第六十八条至第七十条"),
    DocumentKind(
        "performance_record", "履行(改正)情况核查记录", "service", (
            *OFFICERS,
            *PARTY,
            DECISION_NO,
            req("checked_at", "核查时间", "datetime"),
            req("kind", "核查事项", "choice", cite="000 第二十一条", choices=(
                ("performance", "履行行政执法决定情况"), ("correction", "改正情况"),
                ("execution", "强制执行结果"))),
            req("result", "履行（改正、执行）情况", "longtext",
                cite="000 第二十一条、第二十二条第三款；001 第十九条；003 第十七条、第十八条；004 第十三条、第十五条"),
            req("performed", "履行程度", "choice", choices=(
                ("fully", "已全部履行"), ("partly", "部分履行"), ("not", "未履行"))),
            opt("paid", "已缴纳金额（元）", "money"),
        ),
        signers=("handlers",), numbered=False,
        cite="000 第二十一条；001 第十九条；003 第十七条；004 第十三条；002 第十一条(二)"),
    DocumentKind(
        "demand_notice", "催告书", "service", (
            *PARTY,
            DECISION_NO,
            req("obligation", "应履行的义务", "longtext", cite="行政强制法 第三十五条"),
            req("deadline", "履行期限", "date", cite="行政强制法 第三十五条第一项"),
            req("method", "履行方式", "longtext", cite="行政强制法 第三十五条第二项"),
            opt("amount", "金额（元）", "money", cite="行政强制法 第三十五条第三项", help="涉及金钱给付的，写明金额和给付方式"),
            *RIGHTS_TOLD,
            *ISSUED,
        ),
        signers=("agency_head",), served=True, number_word="催告",
        cite="000 第二十二条第一款；001 第二十条第一款；004 第十四条；行政强制法 第三十五条、第五十四条"),
    DocumentKind(
        "court_enforcement_application", "强制执行申请书", "service", (
            req("court", "受理申请的人民法院", cite="行政强制法 第五十四条"),
            *PARTY,
            DECISION_NO,
            req("facts_reasons", "作出决定的事实、理由和依据", "longtext", cite="行政强制法 第五十五条第一款第二项"),
            req("party_opinion", "当事人的意见", "longtext", cite="行政强制法 第五十五条第一款第三项"),
            req("demand", "催告情况", "longtext", cite="行政强制法 第五十五条第一款第三项；000 第二十二条"),
            req("target", "申请强制执行标的情况", "longtext", cite="行政强制法 第五十五条第一款第四项"),
            opt("amount", "申请执行金额（元）", "money"),
            *ISSUED,
        ),
        signers=("agency_head",), number_word="执申",
        cite="000 第二十二条第三款；001 第二十二条；003 第十八条；004 第十五条；行政强制法 第五十五条"),
    DocumentKind(
        "return_list", "退还财物清单", "service", (
            *OFFICERS,
            *PARTY,
            opt("decision_number", "解除或处理决定书文号"),
            req("returned_at", "退还时间", "datetime"),
            req("place", "地点"),
            ITEMS,
        ),
        signers=("handlers",), party_signs=True, numbered=False, cite="行政强制法 第二十八条第二款；001 第四条第二款"),
    DocumentKind(
        "disposal_record", "物品处理记录", "service", (
            *OFFICERS,
            opt("party", "当事人", "party"),
            req("handled_at", "处理时间", "datetime"),
            req("place", "地点"),
            ITEMS,
            req("method", "处理方式", "choice", cite="001 第四条第二款", choices=(
                ("return", "退还"), ("destroy", "销毁"), ("auction", "拍卖"), ("state_treasury", "上缴国库"),
                ("transfer", "移交有关部门"), ("other", "其他"))),
            opt("legal_basis", "依据", "citation"),
            opt("witness", "见证人", "person"),
        ),
        signers=("handlers",), numbered=False, cite="001 第四条第二款"),
    DocumentKind(
        "compensation_record", "征收(征用)补偿协议(决定)书", "service", (
            *PARTY,
            req("form", "形式", "choice", choices=(("agreement", "补偿协议"), ("decision", "补偿决定"))),
            req("expropriation_number", "征收(征用)决定书文号"),
            ITEMS,
            req("method", "补偿方式", "choice", choices=(
                ("money", "货币补偿"), ("property_swap", "产权调换"), ("other", "其他"))),
            req("standard", "补偿标准和依据", "longtext", cite="宪法 第十三条第三款；民法典 第一百一十七条、第二百四十五条"),
            opt("amount", "补偿金额（元）", "money"),
            opt("pay_by", "支付期限", "date"),
            opt("remedies", "救济途径和期限（补偿决定）", "longtext", cite="003 第十二条"),
            *ISSUED,
        ),
        signers=("agency_head",), party_signs=True, served=True, number_word="征补",
        cite="001 第三条；宪法 第十三条第三款；民法典 第一百一十七条、第二百四十五条"),

    # 归档管理 ------------------------------------------------------------------------------------
    DocumentKind(
        "on_spot_report", "当场行政处罚决定备案表", "archiving", (
            req("decision_number", "当场行政处罚决定书编号"),
            *OFFICERS,
            *PARTY,
            req("decided_at", "决定时间", "datetime"),
            req("facts", "违法事实", "longtext"),
            req("penalty", "处罚内容", "longtext"),
            opt("fine", "罚款金额（元）", "money"),
            req("reported_on", "备案日期", "date", cite="000 第十九条第五项；001 第十七条第五项；行政处罚法 第五十二条第三款"),
        ),
        signers=("handlers",), numbered=False,
        cite="000 第十九条第五项；001 第十七条第五项；行政处罚法 第五十二条第三款"),
    DocumentKind(
        "case_closing_report", "结案报告", "archiving", (
            CAUSE,
            *PARTY,
            req("outcome", "处理结果", "choice", choices=(
                ("performed", "履行完毕"), ("enforced", "强制执行完毕"), ("no_penalty", "不予处罚"),
                ("not_established", "违法事实不成立"), ("referred", "移送司法机关"), ("other", "其他"))),
            req("summary", "案件办理和执行情况", "longtext", cite="000 第二十一条；004 第十三条"),
            req("ended_on", "行政执法行为终结日期", "date",
                cite="000 第二十三条第二款；001 第二十三条第二款；003 第十九条；004 第二十三条第二款",
                help="自此日起三十日内归档"),
            *approvals("004 第十三条"),
        ),
        signers=("handlers", "unit_head", "agency_head"), numbered=False,
        cite="000 第二十三条；004 第十三条、第二十三条"),
    DocumentKind(
        "file_catalogue", "卷内目录", "archiving", (
            req("case_number", "案号"),
            req("file_title", "案卷题名"),
            req("entries", "目录条目", "longtext", help="序号、文号、责任者、题名、日期、页号、备注；由系统按卷内文件生成"),
            req("retention", "保管期限", "choice", choices=(
                ("permanent", "永久"), ("y30", "定期30年"), ("y10", "定期10年"))),
        ),
        numbered=False, cite="000 第二十三条；001 第二十三条；003 第十九条；004 第二十三条"),
    DocumentKind(
        "file_remarks", "备考表", "archiving", (
            req("notes", "本卷情况说明", "longtext", help="本卷文件件数、页数，缺损、修改、补充等情况"),
            opt("pages", "本卷页数", "integer"),
            req("filed_by", "立卷人"),
            req("checked_by", "检查人"),
            req("filed_on", "立卷时间", "date", cite="000 第二十三条第二款；001 第二十三条第二款；003 第十九条；004 第二十三条第二款"),
        ),
        numbered=False, cite="000 第二十三条；001 第二十三条；003 第十九条；004 第二十三条"),
    # 002 第十九条: 音像资料需要作为证据使用时…转化至相关存储媒介中并制作说明附卷. Drafted by the evidence
    # export (media/evidence.py), which fills in the records, their hashes and the package's.
    DocumentKind(
        "av_evidence_statement", "视听资料证据说明", "archiving", (
            req("records", "音像资料清单", "longtext", cite="002 第十九条",
                help="文件名、类别、拍摄时间、拍摄人、执法记录仪、原件 SHA-256 和 SM3"),
            req("medium", "存储媒介", "choice", cite="002 第十九条", choices=(
                ("disc", "光盘"), ("usb", "U盘"), ("hard_disk", "移动硬盘"), ("other", "其他"))),
            req("package_sha256", "导出文件包 SHA-256", cite="002 第十九条"),
            req("made_by", "制作人", cite="002 第十九条"),
            req("made_at", "制作时间", "datetime", cite="002 第十九条"),
            req("method", "制作方法", "longtext", cite="002 第十九条",
                help="从系统导出原件，未经剪辑、压缩；原件哈希值与入库时一致"),
            req("purpose", "证明对象", "longtext", cite="002 第十九条", help="该视听资料拟证明的事实"),
        ),
        numbered=False, cite="002 第十九条"),
)

KINDS: dict[str, DocumentKind] = {k.code: k for k in _KINDS}
if len(KINDS) != len(_KINDS):
    raise ValueError("文书种类编码重复")

# A kind's ``stage`` is how the seeds class the form (000 第三条 lists 调查取证相关文书, 听证报告, 送达回证
# …; 000 第十四条 counts 听证 among the ways of 调查取证); a procedure step's stage is when in the
# procedure it happens. Where the two differ it is on purpose, and said here (tests/records check
# that every difference is listed, so a new one is a decision, not an accident):
USED_IN_OTHER_STAGES: dict[str, str] = {
    "rights_notice": "告知陈述、申辩权在作出决定前（行政处罚法 第四十四条），程序上属审查决定",
    "statement_defence_record": "陈述申辩在事先告知之后、作出决定之前（行政处罚法 第四十五条）",
    "hearing_rights_notice": "告知听证权与事先告知同时（行政处罚法 第六十三条、第六十四条）",
    "hearing_notice": "听证以调查取证的方式进行（000 第十四条），程序上在决定之前",
    "hearing_record": "同上：听证取证，程序上在决定之前",
    "hearing_report": "同上：听证报告供负责人决定（行政处罚法 第六十五条）",
    "expert_opinion": "许可审查中的鉴定，程序上属审查决定（行政许可法 第四十五条）",
    "expert_panel_opinion": "许可审查中的专家评审，程序上属审查决定（行政许可法 第四十五条）",
    "inspection_report": "监督检查报告据调查写成，是作出处理的依据",
    "inspection_record": "复查整改时再次现场检查，程序上属送达执行之后的跟进",
    "on_site_record": "执行、征收实施时的现场笔录，程序上属送达执行",
    "requisition_list": "征收（征用）实施时清点财产，程序上属送达执行",
    "service_receipt": "强制措施、催告书当场送达时即需送达回证",
    "demand_notice": "催告是强制执行程序的第一步（行政强制法 第三十五条）",
    "court_enforcement_application": "申请法院强制执行是强制执行程序中的决定（行政强制法 第五十三条）",
    "case_closing_report": "结案报告在执行完毕时写成，随后立卷归档",
}


def get(code: str) -> DocumentKind:
    try:
        return KINDS[code]
    except KeyError:
        raise ValueError(f"没有编码为“{code}”的文书种类") from None


def steps_using(code: str) -> list[tuple[str, str]]:
    """(procedure code, step code) of every procedure step that names the kind, in table order."""
    get(code)
    return [(p.code, s.code) for p in PROCEDURES.values() for s in p.steps if code in s.documents]
