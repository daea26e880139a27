"""lawtrail demo: a realistic, clickable demo — the 文旅局 (seed 000) and the 司法局 (seed 004), staff
in every role, complaints, and about 30 cases across act types, procedures and stages. Loaded once;
every row goes through the same actions as real use, so the demo's ledger verifies too."""

import random
import secrets
import tempfile
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from lawtrail.access import actions as access
from lawtrail.access.models import Bureau, Staff
from lawtrail.media import actions as media, examples
from lawtrail.media.models import Device
from lawtrail.cases import actions as cases
from lawtrail.cases.identifiers import credit_code_check_char, resident_id_check_char
from lawtrail.ledger import checkpoints
from lawtrail.records import actions as records
from lawtrail.records import catalogue
from lawtrail.records.examples import sample_values

LOGINS_FILE = "demo-logins.txt"

BUREAUS = [
    {"code": "wenlv", "name": "大连金普新区文化旅游局", "abbr": "金普文旅", "profile": "000",
     "units": [("文化市场综合行政执法队一中队", "team"), ("文化市场综合行政执法队二中队", "team"), ("政策法规科", "section")]},
    {"code": "sifa", "name": "金普新区司法局", "abbr": "金普司法", "profile": "004",
     "units": [("行政执法监督科", "section"), ("法律服务管理科", "section")]},
]
# username, name, role, unit index (None: none), certificate (None: none, "expired")
STAFF = {
    "wenlv": [
        ("wl.admin", "王建国", "administrator", None, None),
        ("wl.auditor", "周敏", "auditor", None, None),
        ("sys.auditor", "韩审", "installation_auditor", None, None),  # every bureau's audit trail (系统审计员)
        ("wl.zhang", "张伟", "officer", 0, "valid"), ("wl.li", "李娜", "officer", 0, "valid"),
        ("wl.liu", "刘洋", "officer", 1, "valid"), ("wl.chen", "陈静", "officer", 1, "valid"),
        ("wl.yang", "杨磊", "officer", 1, "expired"),
        ("wl.head1", "赵强", "unit_head", 0, "valid"), ("wl.head2", "孙丽", "unit_head", 1, "valid"),
        ("wl.legal", "吴法", "legal_reviewer", 2, None), ("wl.chief", "郑明", "agency_head", None, None),
        ("wl.records", "冯档", "records_custodian", None, None), ("wl.supervisor", "钱督", "supervisor", None, None),
    ],
    "sifa": [
        ("sf.admin", "韩管", "administrator", None, None),
        ("sf.auditor", "朱审", "auditor", None, None),
        ("sf.ma", "马超", "officer", 0, "valid"), ("sf.hu", "胡雪", "officer", 0, "valid"),
        ("sf.guo", "郭峰", "officer", 1, "valid"), ("sf.he", "何平", "officer", 1, "valid"),
        ("sf.head1", "林海", "unit_head", 0, "valid"), ("sf.head2", "高原", "unit_head", 1, "valid"),
        ("sf.legal", "罗正", "legal_reviewer", 0, None), ("sf.chief", "梁栋", "agency_head", None, None),
        ("sf.records", "宋卷", "records_custodian", None, None), ("sf.supervisor", "谢查", "supervisor", None, None),
    ],
}
CASES = {  # bureau -> (procedure, source, title, party kind, party name)
    "wenlv": [
        ("penalty_general", "ex_officio", "未经许可擅自从事营业性演出", "legal_person", "大连星海文化传媒有限公司"),
        ("penalty_general", "complaint", "网吧接纳未成年人", "legal_person", "金普新区极速网络会所"),
        ("penalty_general", "ex_officio", "歌舞娱乐场所播放禁止内容曲目", "legal_person", "大连欢唱娱乐有限公司"),
        ("penalty_general", "referral", "出版物经营单位销售非法出版物", "other_org", "金普新区书香阁书店"),
        ("penalty_simple", "ex_officio", "旅行社未按规定悬挂许可证", "legal_person", "大连海之旅国际旅行社有限公司"),
        ("penalty_simple", "ex_officio", "导游未佩戴导游证", "person", "孙导"),
        ("inspection", "ex_officio", "娱乐场所日常检查", "legal_person", "大连金石滩娱乐有限公司"),
        ("inspection", "complaint", "旅游景区安全检查", "other_org", "金普新区海滨景区管理处"),
        ("inspection", "ex_officio", "互联网上网服务营业场所年度检查", "legal_person", "金普新区网星网吧"),
        ("licence", "application", "营业性演出许可申请", "legal_person", "大连乐声演艺有限公司"),
        ("licence", "application", "娱乐场所经营许可申请", "legal_person", "大连夜色娱乐有限公司"),
        ("licence", "application", "旅行社设立许可申请", "legal_person", "大连远航旅行社有限公司"),
        ("coercive_measure", "ex_officio", "扣押非法出版物", "person", "王某某"),
        ("coercive_measure", "complaint", "查封无证经营场所设备", "person", "李某某"),
        ("compulsory_execution", "ex_officio", "逾期不缴纳罚款强制执行", "legal_person", "大连星海文化传媒有限公司"),
        ("penalty_general", "ex_officio", "擅自变更演出内容", "legal_person", "大连云端演出经纪有限公司"),
        ("penalty_general", "ex_officio", "文物保护单位内违规施工", "legal_person", "大连宏基建设工程有限公司"),
    ],
    "sifa": [
        ("penalty_general", "complaint", "律师事务所违规执业", "legal_person", "辽宁某某律师事务所大连分所"),
        ("penalty_general", "ex_officio", "司法鉴定机构超范围鉴定", "legal_person", "大连正信司法鉴定所"),
        ("penalty_general", "referral", "基层法律服务所违规收费", "other_org", "金普新区某街道法律服务所"),
        ("penalty_simple", "ex_officio", "法律服务工作者未亮证执业", "person", "赵某"),
        ("inspection", "ex_officio", "律师事务所年度检查", "legal_person", "辽宁明法律师事务所"),
        ("inspection", "ex_officio", "公证处执业活动检查", "other_org", "大连市金普公证处"),
        ("inspection", "complaint", "司法鉴定机构执业检查", "legal_person", "大连华安司法鉴定所"),
        ("licence", "application", "基层法律服务工作者执业核准", "person", "钱某"),
        ("licence", "application", "司法鉴定机构变更登记", "legal_person", "大连正信司法鉴定所"),
        ("penalty_general", "ex_officio", "律师以不正当手段承揽业务", "person", "孙某某"),
        ("penalty_general", "ex_officio", "法律援助人员违规收取财物", "person", "周某某"),
        ("expropriation", "ex_officio", "应急征用场所设施", "legal_person", "大连金普会展中心有限公司"),
        ("penalty_general", "ex_officio", "公证员违规出具公证书", "person", "吴某某"),
    ],
}
COMPLAINTS = {
    "wenlv": [
        ("phone", False, "市民刘先生", "13800000001", "金普新区极速网络会所", "反映该网吧夜间接纳未成年人上网。", "start"),
        ("hotline", True, "", "", "海滨景区", "反映景区游乐设施安全隐患。", "start"),
        ("online", False, "市民陈女士", "13800000002", "某KTV", "反映KTV噪音扰民。", "decline"),
        ("letter", True, "", "", "某书店", "举报书店销售盗版图书。", "decline"),
        ("visit", False, "市民王先生", "13800000003", "某演出场所", "反映演出内容低俗。", "pending"),
        ("phone", False, "市民赵女士", "13800000004", "某培训机构", "反映培训机构虚假宣传。", "proposed"),
    ],
    "sifa": [
        ("phone", False, "市民张女士", "13900000001", "辽宁某某律师事务所大连分所", "反映律师收费后不提供服务。", "start"),
        ("hotline", False, "市民黄先生", "13900000002", "大连华安司法鉴定所", "反映鉴定意见书出具不规范。", "start"),
        ("online", True, "", "", "某法律服务所", "反映法律服务所乱收费。", "pending"),
    ],
}


def _resident_id(rng) -> str:
    born = date(1960, 1, 1) + timedelta(days=rng.randrange(365 * 40))
    first = f"210213{born:%Y%m%d}{rng.randrange(1000):03d}"
    return first + resident_id_check_char(first)


def _credit_code(rng) -> str:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    first = "912102" + "".join(rng.choice(alphabet) for _ in range(11))
    return first + credit_code_check_char(first)


class Command(BaseCommand):
    help = "加载演示数据（只加载一次），并打印演示账号；密码随机生成并保存在数据目录"

    def handle(self, *args, **opts):
        path = settings.DATA_DIR / LOGINS_FILE
        if Bureau.objects.filter(code="wenlv").exists():
            self.stdout.write("演示数据已加载。")
        else:
            self._load(path)
        if path.exists():
            self.stdout.write(path.read_text(encoding="utf-8"))

    @transaction.atomic
    def _load(self, path):
        rng = random.Random(2026)
        today = timezone.localdate()
        lines = ["演示账号（仅用于演示，请勿在正式环境使用；密码随机生成）："]
        for b in BUREAUS:
            bureau = access.create_bureau(by=None, code=b["code"], name=b["name"], abbr=b["abbr"], profile=b["profile"])
            units = [access.create_unit(by=None, bureau=bureau, name=n, kind=k) for n, k in b["units"]]
            lines.append(f"\n{bureau.name}（规则配置 {bureau.profile}）")
            people = {}
            for username, name, role, unit, cert in STAFF[b["code"]]:
                password = secrets.token_urlsafe(9)
                until = today - timedelta(days=10) if cert == "expired" else today + timedelta(days=700)
                s = access.create_staff(
                    by=None, username=username, password=password, name=name, bureau=bureau, role=role,
                    unit=units[unit] if unit is not None else None,
                    certificate_no=f"21{rng.randrange(10**9):09d}" if cert else "",
                    certificate_valid_from=today - timedelta(days=1000) if cert else None,
                    certificate_valid_until=until if cert else None)
                people[username] = s
                note = "（执法证已过期）" if cert == "expired" else ""
                lines.append(f"  {s.role_label:<8} {name:<4} 用户名 {username:<14} 密码 {password}{note}")
            self._complaints_and_cases(rng, b["code"], people)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        path.chmod(0o600)
        transaction.on_commit(lambda: checkpoints.issue())
        self.stdout.write("已加载演示数据。")

    def _complaints_and_cases(self, rng, code, people):
        staff = list(people.values())
        officers = [s for s in staff if s.role == "officer" and not s.certificate_problem(timezone.localdate())]
        now = timezone.now()
        started = []
        for i, (channel, anon, name, contact, about, content, fate) in enumerate(COMPLAINTS[code]):
            by = officers[i % len(officers)]
            c = cases.register_complaint(by=by, received_at=now - timedelta(days=10 - i, hours=i), channel=channel,
                                         content=content, anonymous=anon, reporter_name=name,
                                         reporter_contact=contact, about=about)
            if fate in ("decline", "proposed"):
                cases.propose_decline(by=by, complaint=c, reason="经核查，反映的问题不属于本机关职责范围，建议告知其向有关部门反映。")
            if fate == "decline":
                chief = next(s for s in staff if s.role == "agency_head")
                c = cases.decide_decline(by=chief, complaint=c, approve=True, opinion="同意不予启动，告知投诉举报人。")
                if not anon:
                    cases.record_notice(by=by, complaint=c, notified_how="phone", notified_at=timezone.now())
            elif fate == "start":
                started.append(c)
        for i, (procedure, source, title, kind, name) in enumerate(CASES[code]):
            by = officers[i % len(officers)]
            mates = [o for o in officers if o.unit_id == by.unit_id]
            party = cases.register_party(
                by=by, kind=kind, name=name, address="大连市金普新区" + rng.choice(["友谊街道", "站前街道", "金石滩街道"]),
                contact=f"1380411{rng.randrange(10**4):04d}",
                id_number=_resident_id(rng) if kind == "person" else "",
                credit_code="" if kind == "person" else _credit_code(rng),
                representative="" if kind == "person" else rng.choice(["张某", "李某", "王某"]))
            complaint = started.pop(0) if source == "complaint" and started else None
            emergency = procedure == "coercive_measure" and i % 2 == 0
            case = cases.open_case(
                by=by, procedure=procedure, source=source if source != "complaint" or complaint else "ex_officio",
                title=title, summary=f"{name}涉嫌{title}，经初步核查，需要启动执法程序。", handlers=mates[:2],
                parties=[party], complaint=complaint,
                source_detail="上级机关交办函〔2026〕3号" if source == "referral" else ("申请材料齐全" if source == "application" else ""),
                emergency=emergency, emergency_reason="当事人正在转移涉案物品，情况紧急" if emergency else "",
                started_at=now - timedelta(hours=5) if emergency else None)
            self._walk(rng, case, by, mates[:2], people, steps=rng.randrange(0, 9))
            if i < 3:
                self._media(case, by, people, late=i == 2)

    def _walk(self, rng, case, by, handlers, people, steps: int):
        """Carry the case through ``steps`` steps, approving each by the right person."""
        for _ in range(steps):
            case.refresh_from_db()
            pending = case.steps.filter(approval="pending").first()
            if pending is not None:
                role = pending.step_def.approver
                approver = next(s for s in people.values() if s.role == role
                                and (role != "unit_head" or s.unit_id == case.unit_id))
                cases.decide_step(by=approver, record_=pending, approve=True, opinion="同意。")
                continue
            offered = cases.available_steps(case)
            if not offered:
                return
            step = offered[0] if rng.random() < 0.8 else rng.choice(offered)
            cases.record_step(by=by, case=case, step=step.code, handlers=handlers,
                              note=f"{step.title}已完成，情况已记录。")
            if step.documents:
                self._document(case, step.documents[0], handlers)

    def _media(self, case, by, people, late: bool):
        """A body-camera clip and a photo of the scene; one of them uploaded late (shown as 逾期)."""
        custodian = next(s for s in people.values() if s.role == "records_custodian")
        camera = Device.objects.filter(bureau=by.bureau, assigned_to=by).first() or media.register_device(
            by=custodian, serial=f"DSJ-{by.bureau.code.upper()}-{by.pk:03d}", model="DSJ-V9 执法记录仪",
            unit=by.unit, assigned_to=by)
        when = timezone.now() - (timedelta(days=3) if late else timedelta(hours=2))
        with tempfile.TemporaryDirectory() as tmp:
            clip = examples.clip(Path(tmp) / f"{camera.serial}_{when:%Y%m%d%H%M%S}.mp4", when)
            media.ingest_file(by=by, source=clip, case=case, facts={"source": "body_camera", "device": camera,
                                                                    "place": "当事人经营场所门口"})
            shot = examples.photo(Path(tmp) / f"IMG_{when:%Y%m%d_%H%M%S}.jpg", when + timedelta(minutes=5),
                                  f"CASE {case.pk}")
            media.ingest_file(by=by, source=shot, case=case, facts={"source": "camera", "place": "现场检查"})

    def _document(self, case, code, handlers):
        """The step's document, filled, finalised and signed by the officers who handled it."""
        kind = catalogue.get(code)
        own = {"officers", "party"}  # these come from the case itself (records.actions.prefill)
        values = {k: v for k, v in sample_values(kind).items() if kind.field(k).type not in own}
        doc = records.create_draft(by=handlers[0], case=case, kind=code, values=values)
        try:
            version = records.finalise(by=handlers[0], document=doc)
        except ValidationError:
            return  # a kind whose required people the demo case lacks stays a draft, as in real work
        if "handlers" in kind.signers:
            for h in handlers:
                records.sign(by=h, version=version, role="handlers", method="electronic")
        if kind.served:  # delivered in person; its 送达回证 waits as a draft for the officers to check
            party = case.parties.first()
            service = records.record_service(by=handlers[0], version=version, method="direct",
                                             served_at=timezone.now(), recipient=party.name,
                                             place=party.address or "当事人住所")
            records.draft_service_receipt(by=handlers[0], service=service)
