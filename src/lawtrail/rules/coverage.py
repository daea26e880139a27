"""Coverage of the seeds (issue #6): for every article of the five regulations, what in lawtrail
answers it. ``lawtrail rules --coverage`` prints this table; ``docs/rules-coverage.md`` is its
``--markdown`` output.

Every article of every seed has exactly one entry in ``TABLE`` (tests/rules/test_coverage.py parses
the article headings of ../shared/seeds/*.txt and fails on a missing or extra one). An entry's
``status`` is one of:

- ``rules``: encoded as profile rule(s). The rule ids are **not written here**: they are computed
  from the loaded profiles' citations (``rules_for``), and the tests fail when an article declared
  ``rules`` has none or an article with rules is declared otherwise, so the table cannot drift;
- ``product``: another part of the product covers it; ``note`` says how, ``where`` names the
  modules (the tests check that they exist);
- ``not_checkable``: software cannot check it; ``note`` says why (目的、原则、培训、考核、经费保障、
  职责分工、纪律责任、施行日期 …);
- ``todo``: checkable, but nothing checks it yet; ``todo`` says what (which rule kind) would.

Any status may carry a ``todo``: the part of the article still not checked (an article partly
encoded, or covered by the product except for one requirement). The summary counts them.

Also computed, never written here: which document kinds of ``records/catalogue.py`` and which
procedure steps of ``cases/procedures.py`` cite the article (their ``cite=`` strings).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from lawtrail.cases.procedures import PROCEDURES
from lawtrail.records.catalogue import KINDS

from . import profiles

REPOSITORY = Path(__file__).resolve().parents[3]  # where ``where`` paths start (src/lawtrail/…)

STATUSES = {"rules": "规则", "product": "产品", "not_checkable": "不可检查", "todo": "待编码"}
NUMERALS = "零〇一二三四五六七八九十百"
ARTICLES = re.compile(rf"(第[{NUMERALS}]+条)(?:至(第[{NUMERALS}]+条))?")  # 第十三条至第十六条 is a range
HEADING = re.compile(rf"^\s*(第[{NUMERALS}]+条)", re.M)


def cn_int(article: str) -> int:
    """第二十三条 → 23 (numbers up to 999)."""
    digits = {"零": 0, "〇": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
    s = article.removeprefix("第").removesuffix("条")
    total, current = 0, 0
    for ch in s:
        if ch in digits:
            current = digits[ch]
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
        else:
            raise ValueError(article)
    return total + current


def seed_articles(text: str) -> list[str]:
    """The article headings of a seed file, in order (a line that begins with 第…条)."""
    return HEADING.findall(text)


def articles_in(citation: str) -> list[str]:
    """The articles (第…条) a citation names: "第十三条第二款、第三款" → [第十三条];
    "第十三条至第十五条" → [第十三条, 第十四条, 第十五条]."""
    out = []
    for first, last in ARTICLES.findall(citation):
        if not last:
            out.append(first)
            continue
        out += [f"第{_cn(n)}条" for n in range(cn_int(first), cn_int(last) + 1)]
    return out


def _cn(n: int) -> str:
    """23 → 二十三 (1 to 99, the articles' numbers)."""
    units = "零一二三四五六七八九"
    tens, one = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else units[tens] + "十")
    return head + (units[one] if one else "") if n else "零"


def cited_seed_articles(cite: str) -> set[tuple[str, str]]:
    """(seed, article) pairs named by a catalogue or procedure ``cite`` ("004 第九条；000 第十七条")."""
    out = set()
    for part in cite.split("；"):
        m = re.match(r"\s*(\d{3})\s", part)
        if m and m.group(1) in profiles.SEEDS:
            out.update((m.group(1), a) for a in articles_in(part[m.end():]))
    return out


@dataclass(frozen=True)
class Entry:
    topic: str                  # what the article is about, in a few words
    status: str                 # a key of STATUSES
    note: str = ""              # product: how; not_checkable: why; rules/todo: remarks
    where: tuple[str, ...] = ()  # module paths (relative to the repository)
    todo: str = ""              # what would check what is not checked yet (the rule kind)

    def __post_init__(self):
        assert self.status in STATUSES, self.status


def R(topic: str, note: str = "", *where: str, todo: str = "") -> Entry:
    return Entry(topic, "rules", note, where, todo)


def P(topic: str, note: str, *where: str, todo: str = "") -> Entry:
    return Entry(topic, "product", note, where, todo)


def N(topic: str, why: str, *where: str) -> Entry:
    return Entry(topic, "not_checkable", why, where)


def T(topic: str, todo: str, note: str = "", *where: str) -> Entry:
    return Entry(topic, "todo", note, where, todo)


# --- the modules the entries point at ----------------------------------------------------------

LEDGER = "src/lawtrail/ledger/appendonly.py"
TRACKED = "src/lawtrail/ledger/tracked.py"
VERIFY = "src/lawtrail/ledger/verify.py"
PROOFS = "src/lawtrail/ledger/proofs.py"
ROLES = "src/lawtrail/access/roles.py"
POLICY = "src/lawtrail/access/policy.py"
STAFF = "src/lawtrail/access/models.py"
PROC = "src/lawtrail/cases/procedures.py"
CASES = "src/lawtrail/cases/models.py"
CASE_ACTIONS = "src/lawtrail/cases/actions.py"
CATALOGUE = "src/lawtrail/records/catalogue.py"
VALUES = "src/lawtrail/records/values.py"
RECORDS = "src/lawtrail/records/models.py"
RECORD_ACTIONS = "src/lawtrail/records/actions.py"
RENDER = "src/lawtrail/records/render/pdf.py"
MEDIA = "src/lawtrail/media/models.py"
MEDIA_ACTIONS = "src/lawtrail/media/actions.py"
MEDIA_RETENTION = "src/lawtrail/media/retention.py"
CONTINUITY = "src/lawtrail/media/continuity.py"
FIXITY = "src/lawtrail/media/fixity.py"
STORE = "src/lawtrail/media/storage/base.py"
SETTINGS = "src/lawtrail/settings.py"

# --- recurring wordings -------------------------------------------------------------------------

PURPOSE = "制定目的和依据，没有可检查的义务"
PRINCIPLE = "原则性规定；其具体要求由其他各条规定，见各条"
EFFECTIVE = "施行日期"
INTERPRET = "解释权归属"
DISCIPLINE = "纪律和法律责任由人作出追究，软件不能检查；所列行为中的删改、毁损由账本和存储的核验发现（见禁止删改的条文）"
ASSESSMENT = "考核评价是管理活动，软件不能检查"
EQUIPMENT = "经费、装备保障，软件不能检查；配备的执法记录仪在设备台账中登记（media/models.py Device）"
SCOPE_ACTS = "每类执法行为是一个程序（cases/procedures.py），案件按程序逐环节记录"
STAGES_NOTE = ("五个阶段即 procedures.STAGES，每个环节属于一个阶段；文字记录是文书（records），"
               "音像记录是音像记录（media），二者都写入账本")
CONFIDENTIAL = ("谁能看到哪些案件只由 access/policy.py 决定（本单位、本机关，不跨机关；系统管理员和审计员看不到案件）；"
                "每次查看、下载音像原件都写入账本（media/actions.py log_access）。定密和保密审批是组织措施")
NO_TAMPER = ("账本只增不删：数据库触发器拒绝 UPDATE/DELETE（ledger/appendonly.py），文书定稿版本不可更改、更正为新版本；"
             "案件等记录由 verify 与账本逐行核对（ledger/tracked.py check_rows）；音像存储只写一次、无删除（media/storage/base.py），"
             "fixity 重新计算原件哈希（media/fixity.py）")
ACCESS_REQUESTS = "src/lawtrail/access/requests.py"
ACCESS_KINDS = "src/lawtrail/rules/kinds/access_reply.py"
ACCESS_REQUEST = ("查阅、复制申请登记在案件下（access/models.py AccessRequest：申请人、是否当事人、查阅或复制、范围、方式、"
                  "收到时间），征求第三方意见、延长、答复（同意、部分同意、不予提供及依据）各是一个记入账本的操作"
                  "（access/requests.py）；答复期限由全国规则 access-request-reply-20-working-days 检查"
                  "（政府信息公开条例 第三十三条：20个工作日，经机关负责人同意并告知申请人可延长20个，征求意见期间不计入）")
LIAONING_TODO = "《辽宁省行政执法程序规定》中查阅、复制的具体要求：本系统没有其条文，取得文本后写入规则配置"
ACCESS_APPROVED = ("复制须经负责人同意：答复同意或部分同意复制的，须先有机关负责人的同意（AccessRequest.copy_consent_at），"
                   "否则登记答复被拒绝（access/requests.py）；“依法应当保密的除外”：不予提供须选择依据（国家秘密、商业秘密、"
                   "个人隐私、其他法定理由）并写明理由，是否确属应当保密由人判断；申请的登记和答复期限同 000 第二十六条")
ARCHIVE_NOTE = "每个程序以“立卷归档”环节结束，该环节列出卷内目录和备考表（cases/procedures.py _archive）"
OFFICERS_NOTE = "每种笔录、报告的“执法人员”栏必填，至少两名，写明姓名、执法证号、是否出示证件（records/values.py），不填不能定稿"
RIGHTS_NOTE = "权利告知书、笔录等的“告知的权利”“告知方式”栏必填（catalogue RIGHTS_TOLD）"
REASONED_NOTE = "决定类文书必填法律依据和理由、证据、考虑因素等栏（catalogue REASONED），制作人、签名随版本记录"
REVIEW_NOTE = ("法制审核意见、专家论证意见、集体讨论记录是文书种类，负责人意见为审批表必填栏并由机关负责人签名；"
               "法制审核、集体讨论环节由相应角色批准（cases/procedures.py approver）")
SIMPLE_NOTE = ("行政处罚简易程序（penalty_simple）的环节逐项对应本条各项：出示证件、听取陈述申辩、当场决定、交付、收缴罚款、备案；"
               "适用条件中的罚款限额由全国规则 simple-procedure-limits 检查（行政处罚法 第五十一条）。"
               "“容易引起行政争议”的须音像记录，是否容易引起争议是现场判断，不能检查")
COMPLAINT_NOTE = ("投诉举报登记（cases/models.py Complaint）：不予启动须写理由并经审批，实名投诉须记录告知方式和时间，"
                  "未告知的在投诉页面标出（Complaint.awaits_notice）")
APPLICATION_NOTE = "行政许可程序的申请登记、一次性告知补正、受理或不予受理各是一个环节，各有文书（申请登记表、补正材料告知书 …）"
SERVICE_NOTE = ("送达记录（records/models.py Service）记载方式、承运方式、受送达人、时间、见证人和凭证（回执、邮件号、公告载体）；"
                "送达回证由送达记录生成（ServiceReceipt）")
RETENTION_NOTE = ("每条音像记录有保存期限（随案卷、永久、长期、一般不少于1年），另定期限须写明理由（media/actions.py）；"
                  "档案管理员或承办人在音像记录或案件上记录条文所列的情形（阻碍执法、突发事件、重大复杂等），"
                  "并可变更保存期限（media/retention.py），规则检查记录这些情形的音像记录的保存期限")
COURT_NOTE = ("行政强制执行程序（compulsory_execution）：催告、听取陈述申辩、申请法院强制执行、记录执行结果各是一个环节；"
              "催告书送达10日后方可申请法院（行政强制法 第五十四条）、复议诉讼期限届满后3个月内申请（第五十三条）"
              "由 national 规则 court-application-10-days-after-demand、court-application-within-3-months 检查")
EVIDENCE_TODO = ("鉴定意见书：调取证据、委托鉴定是同一环节（collect_evidence），无法判断是否委托了鉴定；"
                 "抽样清单：无法判断现场检查时是否抽样（需在现场检查笔录中增加“是否抽样”栏）")
AV_REASON_NOTE = ("现场检查、听证等文书有“是否同步进行音像记录”必填栏和“未进行音像记录的原因”栏（catalogue av()）：该环节须有关联的"
                  "音像记录（AvRecord.step 或该环节的文书），或文书写明未进行音像记录及原因")
AV_MANDATORY_NOTE = "该环节须有关联的音像记录（AvRecord.step 或该环节的文书），本条不允许以书面原因代替"


TABLE: dict[str, dict[str, Entry]] = {
    "000": {
        "第一条": N("目的和依据", PURPOSE),
        "第二条": P("适用范围：许可、处罚、强制、检查", SCOPE_ACTS, PROC),
        "第三条": P("全过程记录的定义；文字和音像记录方式", STAGES_NOTE, PROC, CATALOGUE, MEDIA),
        "第四条": N("记录原则；按行为性质选择方式", PRINCIPLE),
        "第五条": P("文书格式；《音像记录事项清单》",
                   "文书目录规定每种文书的栏目、签名人和文号（records/catalogue.py），按统一版式生成 PDF、DOCX（records/render/）",
                   CATALOGUE, RENDER,
                   todo="required_av（新种类）：把本局《音像记录事项清单》写成规则配置中按环节要求音像记录的规则"),
        "第六条": P("执法信息化；配备音像记录设备",
                   "本系统即行政执法信息系统，文字和音像记录都在其中；执法记录仪在设备台账中登记（Device）。是否配足设备属装备保障，不能检查",
                   MEDIA, MEDIA_ACTIONS),
        "第七条": N("指导、协调、监督的职责分工", "职责分工"),
        "第八条": R("依申请事项的记录；受理地点可装视频监控", APPLICATION_NOTE + "；视频监控为“可”，不强制", PROC, CATALOGUE),
        "第九条": R("依职权启动：审批、紧急时24小时内补报、文书内容",
                   "启动审批表的启动原因、案件来源、基本案情、当事人、各级意见为必填栏（catalogue START）", CATALOGUE),
        "第十条": R("投诉举报的启动和不予启动的告知", "实名投诉举报不予启动的，在投诉举报页面检查是否记录了告知"
                   "（rules/complaints.py）；" + COMPLAINT_NOTE, CASES, CASE_ACTIONS, "src/lawtrail/rules/complaints.py"),
        "第十一条": P("笔录记载执法人员及出示证件；当事人签字",
                     OFFICERS_NOTE + "；当事人签字由 000 第十三条的 signatures 规则检查", CATALOGUE, VALUES),
        "第十二条": P("权利告知方式的记录", RIGHTS_NOTE, CATALOGUE),
        "第十三条": R("调查取证文书（询问、调取、检查、抽样、陈述申辩、听证、鉴定）；签字；拒绝的记录",
                     "拒绝签字记录为拒签记录（records/models.py Refusal：拒签人、理由、见证人、音像记录）", RECORDS, RECORD_ACTIONS,
                     todo=EVIDENCE_TODO),
        "第十四条": R("现场检查、抽样、听证同时音像记录，或书面记录原因", AV_REASON_NOTE, CATALOGUE),
        "第十五条": P("证据保全应记录的事项",
                     "先行登记保存证据通知书必填保全理由、标的、形式（catalogue PRESERVATION）；七日内处理由 national 规则 "
                     "provisional-registration-7-days 检查", CATALOGUE),
        "第十六条": R("查封、扣押：法定文书，同时音像记录", AV_MANDATORY_NOTE, PROC, CATALOGUE),
        "第十七条": P("文书格式及应载明的内容", REASONED_NOTE, CATALOGUE, RECORDS),
        "第十八条": P("法制审核、专家论证、集体讨论、负责人审批的记录", REVIEW_NOTE, CATALOGUE, PROC),
        "第十九条": R("简易程序应记录的内容；易引起争议的音像记录", SIMPLE_NOTE, PROC, CATALOGUE),
        "第二十条": R("送达：直接、邮寄（只用挂号信或EMS）、留置、公告、委托转交", SERVICE_NOTE, RECORDS, RECORD_ACTIONS),
        "第二十一条": R("履行情况的记录；责令改正的核查", "penalty_general.close_case、inspection.verify_correction 环节列出这些文书", PROC),
        "第二十二条": R("催告书送达；陈述申辩的复核；申请法院强制执行的记录", COURT_NOTE, PROC),
        "第二十三条": R("建立案卷；30日内归档；音像记录24小时内存储",
                       ARCHIVE_NOTE + "；连续、异地工作登记后从返回时起算24小时（media/models.py RemoteWork）", PROC, MEDIA),
        "第二十四条": P("专人负责；不得伪造、删改、销毁、擅自提供执法记录",
                       NO_TAMPER + "；档案管理员是一个角色（access/roles.py）", LEDGER, TRACKED, STORE, FIXITY, ROLES),
        "第二十五条": R("音像资料保存期限；永久保存的情形", RETENTION_NOTE + "；“原则上与该案案卷的保存期限保持一致”：默认随案卷保存",
                       MEDIA, MEDIA_RETENTION),
        "第二十六条": P("查阅、复制申请依政府信息公开条例办理", ACCESS_REQUEST, ACCESS_REQUESTS, ACCESS_KINDS,
                       todo=LIAONING_TODO),
        "第二十七条": P("国家秘密、商业秘密、个人隐私", CONFIDENTIAL, POLICY, MEDIA_ACTIONS),
        "第二十八条": N("纳入评议考核", ASSESSMENT),
        "第二十九条": N("责任追究", DISCIPLINE, VERIFY),
        "第三十条": N("施行日期", EFFECTIVE),
    },
    "001": {
        "第一条": N("目的和依据", PURPOSE),
        "第二条": N("适用范围", "适用范围，没有独立的义务（执法行为的种类见第三条）"),
        "第三条": P("行政执法的定义：许可、处罚、强制、检查、征收征用", SCOPE_ACTS + "；征收征用为 expropriation 程序", PROC),
        "第四条": P("全过程记录的定义；文字记录包括投诉举报记录、物品处理记录等",
                   STAGES_NOTE + "；投诉举报登记表、物品处理记录为文书种类", PROC, CATALOGUE, MEDIA),
        "第五条": R("记录原则；谁执法、谁记录",
                   "环节的记录人不是该环节的执法人员时提示（警示）；记录环节的人须持有效执法证，承办人须为本机关持有效"
                   "执法证的执法人员（cases/actions.py record_step）；音像记录写明拍摄人（AvRecord.recorded_by）",
                   CASE_ACTIONS, MEDIA),
        "第六条": R("依申请事项的记录", APPLICATION_NOTE, PROC, CATALOGUE),
        "第七条": R("依职权启动：审批、紧急时24小时内补报、文书内容",
                   "启动审批表的各项内容为必填栏（catalogue START）", CATALOGUE),
        "第八条": R("投诉举报的启动和不予启动的告知", "实名投诉举报不予启动的，在投诉举报页面检查是否记录了告知"
                   "（rules/complaints.py）；" + COMPLAINT_NOTE, CASES, CASE_ACTIONS, "src/lawtrail/rules/complaints.py"),
        "第九条": P("笔录记载执法人员及出示证件；当事人签字", OFFICERS_NOTE + "；当事人签字由第十一条的 signatures 规则检查",
                   CATALOGUE, VALUES),
        "第十条": P("权利告知方式的记录", RIGHTS_NOTE, CATALOGUE),
        "第十一条": R("调查取证文书；签字；拒绝的记录",
                     "拒绝签字记录为拒签记录（records/models.py Refusal）", RECORDS, todo=EVIDENCE_TODO),
        "第十二条": R("现场检查、抽样、听证同时音像记录，或书面记录原因", AV_REASON_NOTE, CATALOGUE),
        "第十三条": R("证据保全应做好证据保存清单", "preserve_evidence 环节列出证据登记保存清单", PROC),
        "第十四条": R("强制措施的法定文书；查封、扣押同时音像记录", AV_MANDATORY_NOTE, PROC, CATALOGUE),
        "第十五条": P("文书格式及应载明的内容", REASONED_NOTE, CATALOGUE, RECORDS),
        "第十六条": P("法制审核、专家论证、集体讨论、负责人审批的记录", REVIEW_NOTE, CATALOGUE, PROC),
        "第十七条": R("简易程序应记录的内容（原文第四、五项重复）", SIMPLE_NOTE, PROC, CATALOGUE),
        "第十八条": R("送达：直接、邮寄（挂号信或特快专递，不限承运方）、留置、公告、委托转交", SERVICE_NOTE, RECORDS, RECORD_ACTIONS),
        "第十九条": R("履行情况的记录；责令改正的核查", "expropriation.carry_out、inspection.verify_correction 环节列出这些文书", PROC),
        "第二十条": R("强制执行前催告；陈述申辩的复核", COURT_NOTE, PROC),
        "第二十一条": R("自行强制执行的文书；排除妨碍、恢复原状同时音像记录",
                       "执行方式是《行政强制执行决定书》的“强制执行方式”栏（排除妨碍、恢复原状）；以此方式执行的 enforce 环节须有音像记录",
                       CATALOGUE, PROC),
        "第二十二条": P("申请法院强制执行的全过程记录", COURT_NOTE, PROC),
        "第二十三条": R("建立案卷；30日内归档；音像记录24小时内存储", ARCHIVE_NOTE, PROC),
        "第二十四条": N("指定专人管理执法记录设备；培训和监督检查",
                       "指定专人、培训和监督检查是组织措施，软件不能检查；设备台账记录每台执法记录仪的使用单位和配发人员（Device）", MEDIA),
        "第二十五条": P("查阅、复制申请依政府信息公开条例办理", ACCESS_REQUEST, ACCESS_REQUESTS, ACCESS_KINDS,
                       todo=LIAONING_TODO),
        "第二十六条": P("国家秘密、商业秘密、个人隐私", CONFIDENTIAL, POLICY, MEDIA_ACTIONS),
        "第三十条": N("责任追究（原文条号从第二十六条跳至第三十条）", DISCIPLINE, VERIFY),
        "第三十一条": N("施行日期", EFFECTIVE),
    },
    "002": {
        "第一条": N("目的和依据", PURPOSE),
        "第二条": P("行政执法的定义：处罚、检查", SCOPE_ACTS, PROC),
        "第三条": P("全过程记录的定义", STAGES_NOTE, PROC, CATALOGUE, MEDIA),
        "第四条": N("记录原则", PRINCIPLE),
        "第五条": N("信息化建设；配备音像记录设备", EQUIPMENT, MEDIA),
        "第六条": N("按行为性质选择记录方式", PRINCIPLE),
        "第七条": P("三种记录方式：纸质文书、信息管理系统、执法记录仪",
                   "纸质文书由定稿文书按统一版式生成（records/render/），信息管理系统即本系统，执法记录仪的记录是来源为执法记录仪的音像记录",
                   RENDER, MEDIA),
        "第八条": P("三种记录方式的定义", "同第七条", RENDER, MEDIA),
        "第九条": P("所有执法事项都用纸质文书和信息系统记录",
                   "每个环节、每份文书都在系统中记录并写入账本，文书可打印为 PDF", PROC, RENDER, TRACKED),
        "第十条": N("可以使用执法记录仪的事项（本局执法记录仪为选用）",
                   "任意性规定（“可以”），没有可检查的义务；因此 002 没有要求音像记录的规则"),
        "第十一条": R("纸质文书：合法规范、写明执法人员、当事人签字、证件资料齐全",
                     OFFICERS_NOTE + "（第二项）", CATALOGUE, VALUES),
        "第十二条": P("规范操作信息系统，数据完整准确",
                     "文书栏目逐项校验（records/values.py：必填、类型、日期、金额），登记当事人时校验身份证号和统一社会信用代码"
                     "（cases/identifiers.py，GB 11643、GB 32100）", VALUES, CASE_ACTIONS, "src/lawtrail/cases/identifiers.py"),
        "第十三条": N("网上办理事项报送纸质资料", "当事人的义务；本系统没有网上办理"),
        "第十四条": N("执法记录仪的佩戴位置和重点摄录内容", "佩戴方式和拍摄内容是现场操作，软件不能检查（回放监督见第二十五条）"),
        "第十五条": R("使用执法记录仪：告知、亮证、记录完整、场所标志、不得断续或补录",
                     "同一台执法记录仪在同一地点的相邻片段之间不得有间断（media/continuity.py 求出间断），每段须标明地点或有 GPS 定位。"
                     "开启时告知、亮证、言行规范、不得选择取舍、补录或插入画面（第一至三项、第五项）在画面之中，软件不能检查",
                     CONTINUITY, MEDIA),
        "第十六条": R("30日内归档", ARCHIVE_NOTE, PROC),
        "第十七条": P("信息系统维护；存储安全；电子数据长期保存",
                     "数据库以 WAL、synchronous=FULL 运行（settings.py），账本只增不删并可逐项核验（ledger/verify.py），"
                     "音像原件只写一次并可复核哈希（media/fixity.py）", SETTINGS, VERIFY, FIXITY),
        "第十八条": P("执法记录仪管理平台：统计、汇总、考核、查询",
                     "音像记录台账（/media/records/）：本人可查看的全部音像记录按拍摄人、执法记录仪、类别、来源、案号、"
                     "拍摄日期和是否归入案件查询，按拍摄人汇总条数、录像/录音/照片、时长、大小、拍摄结束24小时后才上传的条数"
                     "（考核）；执法记录仪台账（/media/devices/）；每条音像记录登记设备、拍摄人、拍摄时间（media/models.py）",
                     MEDIA, "src/lawtrail/media/register.py", "src/lawtrail/web/views/av_register.py"),
        "第十九条": R("音像资料作为证据时转存媒介并制作说明附卷",
                     "音像记录页面“导出为证据”（media/evidence.py）：原件按原样写入 ZIP，附清单（SHA-256、SM3）和账本包含性证明，"
                     "记入账本，并起草《视听资料证据说明》；规则要求说明定稿", PROOFS, "src/lawtrail/media/evidence.py"),
        "第二十条": R("长期保存的情形", RETENTION_NOTE + "；刻录光盘或专门硬盘：音像存储只写一次、没有删除", MEDIA, MEDIA_RETENTION,
                     STORE),
        "第二十一条": N("音像资料管理使用制度；专门人员", "制度建设和指定专人是组织措施；档案管理员是一个角色（access/roles.py）", ROLES),
        "第二十二条": R("申请复制经单位负责人同意；依法应当保密的除外", ACCESS_APPROVED, ACCESS_REQUESTS, ACCESS_KINDS),
        "第二十三条": P("国家秘密、商业秘密、个人隐私", CONFIDENTIAL, POLICY, MEDIA_ACTIONS),
        "第二十四条": N("考核评价；表彰", ASSESSMENT),
        "第二十五条": P("监督考核方式：案卷评查、风险监控、回放",
                       "监督人员可查看本机关全部案件和音像记录（access/roles.py SEES_BUREAU_CASES），回放记入账本；"
                       "lawtrail rules-check 给出每案的规则检查结果。是否进行了监督不能检查", ROLES, MEDIA_ACTIONS,
                       "src/lawtrail/rules/check.py"),
        "第二十六条": N("未规定事项适用市办法", "引致条款，没有独立的义务"),
        "第二十七条": N("解释权", INTERPRET),
        "第二十八条": N("施行日期", EFFECTIVE),
    },
    "003": {
        "第一条": N("目的和依据", PURPOSE),
        "第二条": P("全过程记录的定义", STAGES_NOTE, PROC, CATALOGUE, MEDIA),
        "第三条": N("培训和监督检查；管理文书、影像、记录仪", "培训和监督检查是组织措施，软件不能检查"),
        "第四条": P("书面和动态记录方式", STAGES_NOTE, CATALOGUE, MEDIA),
        "第五条": R("依申请：登记、书面记录，受理地点视频监控（强制）",
                   "apply 环节须有关联的、来源为“监控录像导出”的音像记录；" + APPLICATION_NOTE, PROC, CATALOGUE),
        "第六条": R("投诉举报：登记、书面记录，接待地点同步录音录像（强制）",
                   "由来访（当面接待）投诉举报启动的案件，须有关联该投诉举报的接待录音录像（media/retention.py "
                   "attach_to_complaint）；未启动执法程序的来访投诉举报在其页面检查同一规则（rules/complaints.py：待处理时待办，"
                   "不予启动而没有录音录像的为违反，并在投诉举报登记簿中标出），未归入案件的录音录像在投诉举报页面关联；"
                   "电话、来信、网络等渠道没有接待地点，不适用；" + COMPLAINT_NOTE, CASES, MEDIA_RETENTION,
                   "src/lawtrail/rules/complaints.py"),
        "第七条": R("程序启动审批表；紧急时2日内补填", "各程序的启动环节列出立案审批表、程序启动审批表或督查立案审批表", PROC),
        "第八条": R("调查取证的书面记录（原文第四项前有“[bookmark: _GoBack]”残留）",
                   "各调查取证环节列出这些文书，证据登记保存清单的栏目引用本条第二项", PROC, CATALOGUE,
                   todo="鉴定意见书（第五项）：调取证据、委托鉴定是同一环节，无法判断是否委托了鉴定；"
                        "拒绝接受调查和行政检查的记录（第六项）：除拒签记录外没有这一事实"),
        "第九条": R("证据保全：先行登记保存文书，同时音像记录", AV_MANDATORY_NOTE),
        "第十条": R("调查报告及其内容", "调查报告的各项内容为必填栏（catalogue INVESTIGATION_REPORT）", CATALOGUE),
        "第十一条": P("决定书及负责人审批；集体讨论的记录", REVIEW_NOTE, CATALOGUE, PROC),
        "第十二条": P("决定文书的格式、说理、救济途径、法律依据", REASONED_NOTE + "；救济途径为必填栏（catalogue REMEDIES）",
                     CATALOGUE),
        "第十三条": R("直接送达：送达回证签名并载明日期", SERVICE_NOTE + "；送达回证的签名人和送达日期为必填", RECORDS, CATALOGUE),
        "第十四条": R("邮寄送达：留存凭证和签收证明；退回的记录", SERVICE_NOTE + "；是否被退回无从得知，“退回情况”栏不能要求必填",
                     RECORDS, CATALOGUE),
        "第十五条": R("留置送达：见证人签名，或拍照、录像",
                     "每次留置送达须有见证人，或有关联送达文书或送达回证的音像记录；" + SERVICE_NOTE
                     + "；拒收记录为拒签记录（Refusal：见证人、音像记录）", RECORDS, CATALOGUE),
        "第十六条": R("委托、转交、公告送达的书面记录", SERVICE_NOTE, RECORDS),
        "第十七条": R("履行情况的书面记录", "penalty_general.close_case 环节引用本条", PROC),
        "第十八条": P("申请法院强制执行的全过程记录", COURT_NOTE, PROC),
        "第十九条": R("30日内立卷归档", ARCHIVE_NOTE, PROC),
        "第二十条": R("日常影像至少保存一年；案卷年底归档；证据影像与案卷同期",
                     "保存期限的每一类都不少于一年，音像存储没有删除（日常影像不少于一年）；" + RETENTION_NOTE, MEDIA,
                     MEDIA_RETENTION, STORE),
        "第二十一条": R("长期保存的情形", RETENTION_NOTE, MEDIA, MEDIA_RETENTION),
        "第二十二条": P("查阅、复制申请依政府信息公开条例办理", ACCESS_REQUEST, ACCESS_REQUESTS, ACCESS_KINDS),
        "第二十三条": P("定期抽检、回放检查",
                       "监督人员可查看本机关全部案件和音像记录（access/roles.py），回放记入账本。是否定期抽检不能检查",
                       ROLES, MEDIA_ACTIONS),
        "第二十四条": P("严禁不记录、删改、私自复制传播、记录无关活动、毁坏",
                       NO_TAMPER + "；私自复制：查看和下载都记入账本。不记录由规则检查结果发现；记录无关活动不能检查",
                       LEDGER, STORE, FIXITY, MEDIA_ACTIONS),
        "第二十五条": N("违反规定的处理", DISCIPLINE, VERIFY),
        "第二十六条": N("施行日期", EFFECTIVE),
    },
    "004": {
        "第一条": N("目的和依据", PURPOSE),
        "第二条": P("全过程记录的定义：处罚、检查", SCOPE_ACTS + "；" + STAGES_NOTE, PROC, CATALOGUE, MEDIA),
        "第三条": P("文字和音像记录方式", STAGES_NOTE, CATALOGUE, MEDIA),
        "第四条": N("记录原则", PRINCIPLE),
        "第五条": N("法制科的监督、检查、指导职责", "职责分工"),
        "第六条": R("立案审批表；紧急时24小时内补报；不予立案审批表及告知",
                   COMPLAINT_NOTE + "；不予立案审批表的栏目引用本条第二款", CASES, CATALOGUE),
        "第七条": R("处罚中的调查取证文书；询问和听证同时音像记录；签字；拒绝时书面和音像记录",
                   "拒绝签字记录为拒签记录（Refusal：见证人、音像记录）；" + AV_MANDATORY_NOTE, RECORDS),
        "第八条": P("证据保全应记录的事项", "先行登记保存证据通知书必填保全理由、标的、形式（catalogue PRESERVATION）", CATALOGUE),
        "第九条": R("调查终结报告；事先告知书；决定审批表；法制审核", "各环节由相应角色批准（cases/procedures.py）", PROC),
        "第十条": R("不成立通知书、不予处罚决定书、处罚决定书；移送书", "这些文书在文书目录中，决定环节列出它们", PROC, CATALOGUE),
        "第十一条": R("送达回证", ""),
        "第十二条": R("各种送达方式的记录", SERVICE_NOTE, RECORDS, RECORD_ACTIONS),
        "第十三条": R("履行情况的记录；责令改正的核查", "penalty_general.close_case 环节引用本条", PROC),
        "第十四条": R("催告书送达；陈述申辩的复核", COURT_NOTE, PROC),
        "第十五条": P("申请法院强制执行的全过程记录", COURT_NOTE, PROC),
        "第十六条": R("监督检查通知书；投诉举报线索的处理（直接查处、交办、告知、不再检查）",
                     "行政检查程序的启动环节有监督检查通知书、督查立案审批表，交办为 hand_over 环节（交办函）；"
                     + COMPLAINT_NOTE, PROC, CATALOGUE, CASES),
        "第十七条": R("双随机选取检查人员", "双随机抽取记录是文书种类，栏目引用本条；是否真随机不能检查", CATALOGUE, PROC),
        "第十八条": R("检查中的调查取证文书；签字", OFFICERS_NOTE + "；各检查环节列出文书", CATALOGUE, PROC),
        "第十九条": R("监督检查报告；法制审核；启动处罚", "report、legal_review、open_penalty_case 各是一个环节，由相应角色批准", PROC,
                     CATALOGUE),
        "第二十条": N("音像记录设备的配备原则和数量", EQUIPMENT, MEDIA),
        "第二十一条": R("专人管理设备；24小时内存储并标明案号、当事人、承办人",
                       "上传或关联案件时自动标注案号、当事人、承办人（media/actions.py）；指定专人是组织措施", MEDIA_ACTIONS, MEDIA),
        "第二十二条": N("设备保障；音像记录保存和定期备份",
                       "装备保障和备份是运维工作；本系统的存储只写一次并可复核（media/fixity.py），但不做也不检查备份", FIXITY),
        "第二十三条": R("建立案卷；30日内归档", ARCHIVE_NOTE + "；本条只说行政处罚行为，规则只适用于处罚程序", PROC),
        "第二十四条": P("国家秘密、商业秘密、个人隐私", CONFIDENTIAL, POLICY, MEDIA_ACTIONS),
        "第二十五条": R("查阅、复制经本机关负责人同意，可复制使用；依法应保密的除外", ACCESS_APPROVED, ACCESS_REQUESTS,
                       ACCESS_KINDS),
        "第二十六条": N("责任追究", DISCIPLINE, VERIFY),
        "第二十七条": N("解释权", INTERPRET),
        "第二十八条": N("施行日期", EFFECTIVE),
    },
}


# --- what is computed ---------------------------------------------------------------------------

def rules_for(loaded: dict[str, profiles.Profile] | None = None) -> dict[tuple[str, str], list[dict]]:
    """(seed, article) → the profile rules that cite it: [{profile, id, article}] (the citation's
    own words, e.g. 第十三条第二款、第三款). Inherited copies are counted once."""
    loaded = profiles.load_all() if loaded is None else loaded
    by_file = {f: code for code, f in profiles.SEEDS.items()}
    out: dict[tuple[str, str], list[dict]] = {}
    seen = set()
    for name, profile in loaded.items():
        for rule in profile.rules:
            seed = by_file.get(rule.cite["file"])
            if seed is None:
                continue
            for article in articles_in(str(rule.cite["article"])):
                key = (seed, article, rule.id, rule.source)
                if key in seen:
                    continue
                seen.add(key)
                out.setdefault((seed, article), []).append(
                    {"profile": rule.source.split(".yaml")[0], "id": rule.id, "article": str(rule.cite["article"])})
    return out


def catalogue_citations() -> dict[tuple[str, str], list[str]]:
    """(seed, article) → the document kinds whose kind or field ``cite`` names it."""
    out: dict[tuple[str, str], set[str]] = {}
    for kind in KINDS.values():
        for cite in (kind.cite, *(f.cite for f in kind.fields)):
            for key in cited_seed_articles(cite):
                out.setdefault(key, set()).add(kind.code)
    return {k: sorted(v) for k, v in out.items()}


def procedure_citations() -> dict[tuple[str, str], list[str]]:
    """(seed, article) → the procedure steps ("procedure.step") whose ``cite`` names it."""
    out: dict[tuple[str, str], list[str]] = {}
    for p in PROCEDURES.values():
        for s in p.steps:
            for key in cited_seed_articles(s.cite):
                out.setdefault(key, []).append(f"{p.code}.{s.code}")
    return out


def build(loaded: dict[str, profiles.Profile] | None = None) -> list[dict]:
    """The whole table with what is computed: one dict per seed, its articles and its summary."""
    loaded = profiles.load_all() if loaded is None else loaded
    rules, catalogue, steps = rules_for(loaded), catalogue_citations(), procedure_citations()
    seeds = []
    for seed, entries in TABLE.items():
        articles = []
        for article, e in entries.items():
            articles.append({
                "article": article, "topic": e.topic, "status": e.status, "note": e.note,
                "rules": rules.get((seed, article), []), "where": list(e.where), "todo": e.todo,
                "catalogue": catalogue.get((seed, article), []), "steps": steps.get((seed, article), []),
            })
        summary = {s: sum(1 for a in articles if a["status"] == s) for s in STATUSES}
        summary["articles"] = len(articles)
        summary["with_todo"] = sum(1 for a in articles if a["todo"] and a["status"] != "todo")
        profile = loaded.get(seed)
        seeds.append({"seed": seed, "file": profiles.SEEDS[seed], "title": profile.title if profile else seed,
                      "articles": articles, "summary": summary})
    return seeds


def problems(loaded: dict[str, profiles.Profile] | None = None) -> list[str]:
    """Where the declared table and the computed facts disagree (the tests require none)."""
    loaded = profiles.load_all() if loaded is None else loaded
    seeds = build(loaded)
    out = []
    known = {(s["seed"], a["article"]) for s in seeds for a in s["articles"]}
    for (seed, article), found in rules_for(loaded).items():
        if (seed, article) not in known:
            out.append(f"{seed} {article}：规则 {'、'.join(r['id'] for r in found)} 引用的条文不在覆盖表中")
    for s in seeds:
        for a in s["articles"]:
            where = f"{s['seed']} {a['article']}"
            if a["status"] == "rules" and not a["rules"]:
                out.append(f"{where}：标为“规则”，但没有规则引用该条")
            if a["status"] != "rules" and a["rules"]:
                out.append(f"{where}：标为“{STATUSES[a['status']]}”，但规则 "
                           f"{'、'.join(r['id'] for r in a['rules'])} 引用该条（请改为 rules）")
            if a["status"] == "product" and not (a["note"] and a["where"]):
                out.append(f"{where}：标为“产品”，须写明如何覆盖及模块")
            if a["status"] == "not_checkable" and not a["note"]:
                out.append(f"{where}：标为“不可检查”，须写明理由")
            if a["status"] == "todo" and not a["todo"]:
                out.append(f"{where}：标为“待编码”，须写明用哪种规则编码")
            missing = [m for m in a["where"] if not (REPOSITORY / m).exists()]
            if missing:
                out.append(f"{where}：模块不存在：{'、'.join(missing)}")
    return out


# --- output -------------------------------------------------------------------------------------

def _rules_text(a: dict) -> str:
    return "、".join(f"{r['id']}（{r['profile']}.yaml {r['article']}）" for r in a["rules"])


def _detail(a: dict) -> str:
    parts = []
    if a["rules"]:
        parts.append("规则：" + _rules_text(a))
    if a["note"]:
        parts.append(a["note"])
    if a["where"]:
        parts.append("模块：" + "、".join(a["where"]))
    return "。".join(p.rstrip("。") for p in parts)


def _cited(a: dict) -> str:
    parts = []
    if a["catalogue"]:
        parts.append("文书目录：" + "、".join(a["catalogue"]))
    if a["steps"]:
        parts.append("程序环节：" + "、".join(a["steps"]))
    return "；".join(parts)


SUMMARY_HEADS = ("条数", "规则", "产品", "不可检查", "待编码", "规则或产品覆盖、另有待编码部分")


def _summary_row(s: dict) -> tuple:
    n = s["summary"]
    return (n["articles"], n["rules"], n["product"], n["not_checkable"], n["todo"], n["with_todo"])


def text(seeds: list[dict]) -> str:
    lines = []
    for s in seeds:
        lines.append(f"== {s['seed']} {s['title']}（{s['file']}）")
        for a in s["articles"]:
            lines.append(f"{a['article']}  [{STATUSES[a['status']]}]  {a['topic']}")
            lines.append(f"    {_detail(a) or '—'}")
            if a["todo"]:
                lines.append(f"    待编码：{a['todo']}")
            if _cited(a):
                lines.append(f"    引用于 {_cited(a)}")
        lines.append("合计：" + "，".join(f"{h} {v}" for h, v in zip(SUMMARY_HEADS, _summary_row(s))))
        lines.append("")
    return "\n".join(lines)


def _cell(value: str) -> str:
    return value.replace("|", "\\|").replace("\n", " ") or "—"


def markdown(seeds: list[dict]) -> str:
    lines = [
        "<!-- Generated by `lawtrail rules --coverage --markdown > docs/rules-coverage.md` from "
        "src/lawtrail/rules/coverage.py and the loaded rule profiles; do not edit by hand "
        "(tests/rules/test_coverage.py checks that this file equals the command's output). -->",
        "",
        "# Coverage of the seeds (规定条文覆盖情况)",
        "",
        "Generated by `lawtrail rules --coverage --markdown > docs/rules-coverage.md`. For every article of "
        "the five regulations (../shared/seeds): **规则** — encoded as profile rule(s), named with the profile "
        "and the cited paragraph (computed from the profiles' citations); **产品** — covered by another part of "
        "the product, with its module; **不可检查** — not checkable by software, and why; **待编码** — "
        "checkable but not checked yet, with the rule kind that would check it. Any article may still have a "
        "**待编码** part. “引用于” lists the document kinds (records/catalogue.py) and procedure steps "
        "(cases/procedures.py) whose citations name the article.",
        "",
        "## Summary",
        "",
        "| 规定 | " + " | ".join(SUMMARY_HEADS) + " |",
        "|---|" + "---:|" * len(SUMMARY_HEADS),
    ]
    totals = [0] * len(SUMMARY_HEADS)
    for s in seeds:
        row = _summary_row(s)
        totals = [t + v for t, v in zip(totals, row)]
        lines.append(f"| {s['seed']} {s['title']} | " + " | ".join(str(v) for v in row) + " |")
    lines.append("| 合计 | " + " | ".join(str(v) for v in totals) + " |")
    for s in seeds:
        lines += ["", f"## {s['seed']} {s['title']}（{s['file']}）", "",
                  "| 条 | 内容 | 状态 | 规则 / 产品 / 理由 | 待编码 | 引用于 |", "|---|---|---|---|---|---|"]
        for a in s["articles"]:
            lines.append("| " + " | ".join(_cell(v) for v in (
                a["article"], a["topic"], STATUSES[a["status"]], _detail(a), a["todo"], _cited(a))) + " |")
    return "\n".join(lines) + "\n"
