"""Cases walked through their whole procedure the way the regulations say, through the apps' own
actions, on a timeline in the past: each act is recorded at its own moment (the actions' clock is
set there, ``Timeline``), so the statutory clocks see real intervals — the hearing notified seven
working days before, the decision served within seven, the fine paid within fifteen days, the file
archived within thirty — and the stored findings are computed now, with the case long closed.

A walk does what every profile asks of its procedure: the documents each step names, the records
signed by two officers and the party, AV of the acts the seeds name (现场检查、听证、询问、调取证据、
查封扣押、排除妨碍), uploaded within the hour. ``breaks`` leave out or change exactly one of them
(the names are the keys of ``Walk.BREAKS``, or ``without:<document kind>``), so a test can show
which rule that one thing breaks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone as dj_timezone

from lawtrail.cases import actions as cases
from lawtrail.media import actions as media
from lawtrail.media import retention
from lawtrail.records import actions as records
from lawtrail.records import catalogue
from lawtrail.records.examples import handwriting_png
from lawtrail.rules.calendar import BEIJING, Calendar
from tests.clock import ShiftedTime

from . import helpers

CLOCKED = (cases, records, media, retention)  # the modules whose ``timezone`` the timeline sets
SPAN = 60  # calendar days before today where a walk's first day lies: room for ~30 working days


class Timeline:
    """The actions' clock on working days of the past: ``day(n, "10:00")`` sets it to that time of
    the n-th working day after the walk's first day (0: the first day itself) and returns it."""

    def __init__(self, monkeypatch, span: int = SPAN):
        self.monkeypatch, self.calendar = monkeypatch, Calendar.from_db()
        first = dj_timezone.localdate() - timedelta(days=span)
        while not self.calendar.is_workday(first):
            first += timedelta(days=1)
        self.first = first
        self.now = None

    def date(self, n: int) -> date:
        return self.calendar.add_working_days(self.first, n) if n else self.first

    def day(self, n: int, at: str = "10:00") -> datetime:
        hour, minute = map(int, at.split(":"))
        return self.set(datetime.combine(self.date(n), time(hour, minute), tzinfo=BEIJING))

    def stop(self) -> None:
        """The actions' own clock again (the walk is over: the findings are computed now)."""
        for module in CLOCKED:
            self.monkeypatch.setattr(module, "timezone", dj_timezone)

    def set(self, when: datetime) -> datetime:
        assert when < dj_timezone.now() - timedelta(hours=1), f"{when} is not in the past"
        shifted = ShiftedTime(when)
        for module in CLOCKED:
            self.monkeypatch.setattr(module, "timezone", shifted)
        self.now = when
        return when

    def later(self, **delta) -> datetime:
        return self.set(self.now + timedelta(**delta))


@dataclass
class Walk:
    """One case of ``org`` walked on ``timeline`` (AV files written under ``files``, recorded on the
    bureau's body camera unless said otherwise), with ``breaks`` (names of ``BREAKS``)."""

    org: object
    timeline: Timeline
    files: object
    breaks: frozenset = frozenset()
    case: object = field(init=False, default=None)
    avs: list = field(init=False, default_factory=list)

    # what a break may leave out or change: one name each, checked so a misspelt break fails
    BREAKS = {
        "late_emergency_report": "情况紧急先行启动后 26 小时才补报审批",
        "very_late_emergency_report": "情况紧急先行启动后 3 日才补报审批",
        "other_courier": "邮寄送达用了 EMS、挂号信以外的快递",
        "no_inspection_av": "现场检查没有音像记录",
        "inspection_av_excused": "现场检查没有音像记录，笔录写明不适宜录像的原因",
        "no_hearing_av": "听证没有音像记录",
        "no_interview_av": "询问没有音像记录",
        "no_preservation_av": "先行登记保存证据没有音像记录",
        "no_party_signature": "询问笔录没有当事人签名，也没有拒签记录",
        "camera_gap": "同一地点的执法记录仪记录中断后又续录",
        "obstruction_not_kept": "记录了阻碍执法的音像资料仍随案卷保存",
        "no_seizure_av": "查封扣押没有音像记录",
        "no_removal_av": "排除妨碍的强制执行没有音像记录",
        "counter_phone_only": "许可受理窗口只有手机拍摄，没有监控录像",
        "recorded_by_another": "询问由刘洋、陈静进行，却由张伟记录",
    }

    def __post_init__(self):
        # besides BREAKS, "without:<kind>" leaves out a document the walk makes and nothing depends on
        unknown = {b for b in self.breaks if b not in self.BREAKS and b.removeprefix("without:") not in catalogue.KINDS}
        assert not unknown, unknown
        self.camera = media.register_device(by=self.org.records, serial=f"DSJ-{self.org.bureau.code}", model="执法记录仪")

    def broken(self, name: str) -> bool:
        return name in self.breaks

    # --- the acts ---------------------------------------------------------------------------------

    def open(self, **kw):
        """程序启动: the case and its first step at the timeline's time (in an emergency before approval)."""
        if kw.get("emergency"):
            kw |= {"emergency_reason": "演出现场存在安全隐患，须立即制止", "started_at": self.timeline.now}
        self.case = self.org.case(**kw)
        return self.case

    def step(self, code: str, handlers=None):
        """Record step ``code`` now; one needing approval is approved by its approver half an hour later."""
        o = self.org
        if code == "interview" and self.broken("recorded_by_another"):
            handlers = [o.liu, o.chen]
        r = cases.record_step(by=o.zhang, case=self.case, step=code, handlers=handlers or [o.zhang, o.li])
        if r.approval == "pending":
            self.approve(code)
        return r

    def approve(self, code: str):
        self.timeline.later(minutes=30)
        return helpers.approve(self.org, self.case, code)

    def document(self, kind: str, **values):
        if self.broken(f"without:{kind}"):
            return None
        return helpers.document(self.org, self.case, kind, **values)

    def signed(self, kind: str, party: bool = True, **values):
        """A record signed by both officers and, when it asks for it, the party (000 第十三条)."""
        k = catalogue.get(kind)
        officers = (("zhang", "handlers"), ("li", "handlers")) if "handlers" in k.signers else ()
        return helpers.signed(self.org, self.document(kind, **values), k.party_signs and party, officers)

    def serve(self, version, with_receipt: bool = True, **kw):
        """送达 by EMS (000 第二十条), recorded when the post office says it was received the next day,
        with its 送达回证 finalised; ``method="direct"`` hands it over now."""
        kw.setdefault("carrier", "other" if self.broken("other_courier") else "ems")
        if kw.get("method", "postal") == "postal":
            self.timeline.later(days=1)
        service = helpers.serve(self.org, version, served_at=self.timeline.now, **kw)
        if with_receipt:
            receipt = records.draft_service_receipt(by=self.org.zhang, service=service)
            records.finalise(by=self.org.zhang, document=receipt)
        return service

    def av(self, *, step, minutes: int = 20, source: str = "body_camera", place: str = "星海广场"):
        """A recording of what happened now, uploaded as soon as it ends (within 24 hours: 000 第二十三条)."""
        start = self.timeline.now
        path = self.files / f"av-{self.case.pk}-{len(self.avs)}.png"
        path.write_bytes(handwriting_png(64 + len(self.avs), 40 + self.case.pk % 50))  # different bytes each
        facts = {"source": source, "capture_start": start.isoformat(), "step": step.pk, "place": place,
                 "capture_end": (start + timedelta(minutes=minutes)).isoformat()}
        if source == "body_camera":
            facts["device"] = self.camera.serial
        self.timeline.later(minutes=minutes + 5)
        av = media.ingest_file(by=self.org.zhang, source=path, case=self.case, facts=facts)
        self.avs.append(av)
        return av

    # --- procedures -------------------------------------------------------------------------------

    def penalty_general(self, emergency: bool = False):
        """行政处罚一般程序 through the five stages, form by form (004 第六条至第十三条; 000 第九条至第二十三条)."""
        o, tl = self.org, self.timeline
        # 程序启动: 立案审批表 approved; after an emergency start reported 6 hours later (补报: 24 hours, 003 第七条 2 日)
        tl.day(0, "09:00")
        self.open(emergency=emergency)
        if emergency:
            late = {"late_emergency_report": 26, "very_late_emergency_report": 72}
            tl.later(hours=next((h for k, h in late.items() if self.broken(k)), 6))
        self.document("filing_approval", emergency=emergency)
        self.approve("file_case")
        # 调查取证: 询问 on AV from its start (004 第七条), 现场检查 on AV or a written reason (000 第十四条),
        # 调取证据 on AV (004 第七条第二项), 先行登记保存 on AV (003 第九条) and decided within 7 days
        tl.day(1, "09:30")
        interview = self.step("interview")
        if not self.broken("no_interview_av"):
            self.av(step=interview, place="大连星海文化传媒有限公司会议室")
        self.interview_record()
        tl.day(1, "14:00")
        self.inspection(self.step("inspect_site"))
        tl.day(2, "10:00")
        evidence = self.step("collect_evidence")
        self.av(step=evidence, place="大连星海文化传媒有限公司财务室")
        self.signed("evidence_register")  # by the officers and the party who gave it (003 第八条第一款第二项)
        tl.day(2, "15:00")
        preserve = self.step("preserve_evidence")
        if not self.broken("no_preservation_av"):
            self.av(step=preserve, place="大连星海文化传媒有限公司仓库")
        notice = self.document("provisional_registration_notice")
        tl.day(3, "09:00")
        self.document("provisional_registration_decision", notice_number=notice.document.number)
        # 调查终结报告 (003 第十条, 004 第九条)
        tl.day(3, "10:00")
        self.step("conclude_investigation", [o.zhang])
        self.document("investigation_report")
        # 审查决定: 事先告知, 陈述申辩, 听证 asked within 5 days and notified 7 days before, 法制审核, 决定
        tl.day(4, "10:00")
        self.step("advance_notice", [o.zhang])
        self.serve(self.document("advance_notice"), with_receipt=False)
        self.serve(self.document("hearing_rights_notice"), with_receipt=False)
        tl.day(6, "10:00")
        self.step("statement_defence")
        self.document("rights_notice")
        self.signed("statement_defence_record")
        tl.day(7, "10:00")
        self.step("request_hearing", [o.zhang])
        self.serve(self.document("hearing_notice"), with_receipt=False, method="direct", carrier="", receipt="")
        tl.day(16, "09:30")
        hearing = self.step("hearing")
        if not self.broken("no_hearing_av"):
            self.av(step=hearing, minutes=90, place="听证室", source="camera")
        self.signed("hearing_record")
        self.document("hearing_report")
        tl.day(17, "10:00")
        self.step("legal_review")
        self.document("legal_review_opinion")
        tl.day(18, "10:00")
        self.step("decide_penalty", [o.zhang])
        self.document("penalty_decision_approval")
        decision = self.document("penalty_decision", fine="20000.00")
        # 送达执行: served within 7 days with its 送达回证, the fine paid within 15 days, performance recorded
        tl.day(18, "15:00")
        self.serve(decision)
        self.step("serve", [o.zhang])
        self.pay(decision, days=4)
        return self.finish("close_case", "performance_record")

    def coercive_measure(self):
        """行政强制措施 (查封、扣押): approved, carried out with 查封(扣押)决定书, 清单, 现场笔录 and AV (000
        第十六条), lifted within 30 days (行政强制法 第二十五条), served, the goods returned, archived."""
        o, tl = self.org, self.timeline
        tl.day(0, "09:00")
        self.open(procedure="coercive_measure", title="销售盗版音像制品", summary="市场检查发现盗版光盘。")
        self.document("initiation_approval")
        self.approve("approve_measure")
        tl.day(1, "10:00")
        seize = self.step("enforce_measure")
        if not self.broken("no_seizure_av"):
            self.av(step=seize, place="金马路 8 号音像店")
        self.signed("on_site_record")
        self.serve(self.document("seal_seizure_decision"), method="direct", carrier="", receipt="")
        self.signed("seal_seizure_list")
        tl.day(10, "10:00")
        self.step("lift", [o.zhang])
        release = self.document("release_decision")
        self.serve(release)
        self.step("serve", [o.zhang])
        tl.day(12, "10:00")
        returned = self.step("handle_items")
        self.av(step=returned, minutes=5, place="金普新区文旅局物品保管室")  # the goods handed back
        self.signed("return_list")
        tl.later(days=2)
        self.step("archive")
        return self.case

    def compulsory_execution(self):
        """行政强制执行 by the bureau itself: 催告 served, the party heard and the defence reviewed (001
        第二十条), 强制执行决定 served, carried out by day on a working day (行政强制法 第四十三条) — 排除妨碍、
        恢复原状 on AV (001 第二十一条) —, the result recorded, archived."""
        o, tl = self.org, self.timeline
        tl.day(0, "09:00")
        self.open(procedure="compulsory_execution", title="逾期不拆除违法设置的广告牌",
                  summary="当事人逾期未履行责令拆除决定。")
        self.approve("issue_demand")
        self.serve(self.document("demand_notice"))
        tl.day(3, "10:00")
        defence = self.step("hear_defence")
        self.av(step=defence, minutes=30, place="金普新区交通局询问室")
        self.signed("statement_defence_record", facts_reasons_evidence="当事人称广告牌已取得临时许可。",
                    review="经复核，临时许可已过期，不予采纳。")
        tl.day(12, "10:00")
        self.step("decide_execution", [o.zhang])
        self.serve(self.document("execution_decision", method="remove"))
        self.step("serve_decision", [o.zhang])
        tl.day(15, "10:00")
        enforce = self.step("enforce")
        if not self.broken("no_removal_av"):
            self.av(step=enforce, minutes=60, place="金马路 1 号楼顶")
        self.signed("on_site_record")
        tl.day(15, "15:00")
        return self.finish("record_result", "performance_record")

    def licence(self):
        """行政许可: the application registered at the counter under its video surveillance (003 第五条),
        accepted within 5 days, decided within 20, the certificate within 10 (行政许可法 第三十二条、第四十二条、
        第四十四条), served, archived."""
        o, tl = self.org, self.timeline
        tl.day(0, "09:30")
        self.open(procedure="licence", source="application", title="营业性演出许可申请", summary="申请举办营业性演出。")
        apply = self.case.steps.get(step="apply")
        self.document("application_register")
        source = "phone" if self.broken("counter_phone_only") else "surveillance"
        self.av(step=apply, source=source, place="政务服务大厅 3 号窗口")
        tl.day(2, "10:00")
        self.step("accept", [o.zhang])
        self.serve(self.document("acceptance_notice"), method="direct", carrier="", receipt="")
        tl.day(5, "10:00")
        self.step("review", [o.zhang])
        self.document("licence_approval")
        tl.day(8, "10:00")
        self.step("grant", [o.zhang])
        decision = self.document("licence_decision")
        tl.day(9, "10:00")
        self.serve(decision)
        self.step("serve", [o.zhang])
        self.document("licence_certificate")
        tl.later(days=2)
        self.step("archive")
        return self.case

    def inspection(self, site=None):
        """Without ``site``: 行政检查 as 004 第十六条至第十九条 detail it — 监督检查通知书 and 双随机 draw,
        现场检查 and 调查询问 signed and on AV, 监督检查报告, 审签检查结论 and 通报 served, archived. With
        ``site`` (a 现场检查 step of another procedure): only the inspection's AV and record."""
        if site is not None:
            if self.broken("inspection_av_excused"):
                return self.signed("inspection_record", av_recorded=False,
                                   av_not_recorded_reason="现场涉及未成年人隐私，不适宜录像")
            if not self.broken("no_inspection_av"):
                self.site_av(site)
            return self.signed("inspection_record")
        o, tl = self.org, self.timeline
        tl.day(0, "09:00")
        self.open(procedure="inspection", title="律师事务所执业活动监督检查", summary="年度双随机监督检查。")
        self.document("random_draw_record")
        self.serve(self.document("inspection_notice"))
        self.document("inspection_filing_approval")
        self.approve("start_inspection")
        tl.day(3, "10:00")
        self.inspection(self.step("inspect_site"))
        tl.day(3, "14:00")
        interview = self.step("interview")
        self.av(step=interview, place="律师事务所会议室")
        self.interview_record()
        tl.day(5, "10:00")
        self.step("report", [o.zhang])
        self.document("inspection_report")
        tl.day(6, "10:00")
        self.step("conclude", [o.zhang])
        self.serve(self.document("inspection_bulletin"))
        self.step("serve", [o.zhang])
        tl.later(days=2)
        self.step("archive")
        return self.case

    # --- pieces -----------------------------------------------------------------------------------

    def finish(self, last: str, record: str):
        """The act's last step with its record (履行情况 000 第二十一条), then 归档管理 three days later,
        within 30 days of the act's end (000 第二十三条)."""
        self.step(last, [self.org.zhang])
        self.document(record)
        self.timeline.later(days=3)
        self.step("archive")
        return self.case

    def pay(self, decision, days: int):
        """The fine paid in full ``days`` after the decision was served, recorded two hours later."""
        from lawtrail.cases.models import FinePayment

        paid = self.timeline.now + timedelta(days=days)
        self.timeline.set(paid + timedelta(hours=2))
        return cases.record_fine_payment(by=self.org.zhang, case=self.case, amount=Decimal(decision.values["fine"]),
                                         paid_at=paid, channel=next(iter(FinePayment.CHANNELS)),
                                         reference="BANK-2026-000123")

    def interview_record(self):
        return self.signed("interview_record", party=not self.broken("no_party_signature"))

    def site_av(self, site):
        """The inspection on the body camera: two clips at one place, the second from where the first
        ended (the camera splits its files); ``camera_gap`` pauses ten minutes between them (002 第十五条).
        ``obstruction_not_kept`` notes that the second records an obstruction (000 第二十五条) and leaves it
        kept with the case file."""
        self.av(step=site, minutes=10, place="星海广场演出现场")
        self.timeline.later(minutes=-5 + (10 if self.broken("camera_gap") else 0))
        av = self.av(step=site, minutes=10, place="星海广场演出现场")
        if self.broken("obstruction_not_kept"):
            retention.note_circumstance(by=self.org.records, circumstance="obstruction", record_=av,
                                        note="当事人员工阻挡执法人员进入仓库")
