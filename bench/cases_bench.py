"""Case page benchmarks: the case list and the case page at 100,000 cases and 1,000,000 ledger entries,
each measured against the trivial authenticated view /ping/ on the same server in the same run.

1. Generate: a fresh SQLite data directory; one bureau, its units and ~20 staff through
   lawtrail.access.actions; then the cases in batches, written with bulk_create (parties,
   complaints, cases with their parties and handlers, step records with their handlers) together
   with their ledger entries through ledger.store.append_many in the same transaction. Each entry
   carries its rows' state as tracked.record() writes it (``payload["rows"]``, from
   ``row.ledger_state()`` at that point of the case's history) and every row is stamped with the
   newest entry naming it, so ``lawtrail verify`` holds on the result. The cases walk their
   procedure's step table the way the actions would (stage advances, approvals, the odd rejection,
   closed at a final step); what the walk leaves short of the requested ledger size is made up
   with login/logout entries spread through the log.
2. Serve it with ``lawtrail serve --no-worker --threads 4`` on 127.0.0.1 and log in (POST /login/
   with CSRF) as an officer whose unit holds about half the cases and as the agency head.
3. Closed-loop load from 4 client threads per target, targets interleaved in rounds (in a new
   order each round) so that noise hits all of them alike; every answer must be 200.
4. Report requests/s and p95 of each page beside /ping/ of the same round, round by round, and
   the verdict from the median of the rounds' ratios — goals: >= 0.3x its throughput, p95 <= 3x
   its p95 — and the SQL each page runs (count, slowest statement), measured in-process.

    python -m bench --only cases [--cases 100000] [--entries 1000000] [--reuse]
"""

from __future__ import annotations

import http.client
import itertools
import json
import math
import random
import re
import threading
import time
from datetime import date, datetime, timedelta, timezone as dt_timezone
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import quote, urlencode

from .common import django_on, fresh_dir, rounds_rows, say, OUT, free_port, start_server, stop_server

SEED = 2026
BATCH = 1000  # cases per transaction
THREADS = 4  # client threads, and the server's --threads
PER_TARGET = 1000  # requests per target (over all rounds) …
SECONDS_PER_TARGET = 30.0  # … or this long, whichever comes first
# Rounds, each measuring every target once: each figure is compared with /ping/ of the same round
# and the verdict is the median over the rounds (odd: one round is the median), so that one
# round hit by another process on this shared machine does not decide it.
ROUNDS = 5
MANIFEST = "bench-manifest.json"

# ---- the organisation -----------------------------------------------------------------------

UNITS = [("文化市场综合行政执法队一中队", "team"), ("文化市场综合行政执法队二中队", "team"), ("政策法规科", "section")]
CASE_UNIT_WEIGHTS = (50, 50)  # the two teams share the cases; the officer logged in sees about half
# username, name, role, unit index or None
STAFF = [
    ("wl.admin", "王建国", "administrator", None), ("wl.auditor", "周敏", "auditor", None),
    ("wl.chief", "郑明", "agency_head", None), ("wl.legal", "吴法", "legal_reviewer", 2),
    ("wl.records", "冯档", "records_custodian", None), ("wl.supervisor", "钱督", "supervisor", None),
    ("wl.head1", "赵强", "unit_head", 0), ("wl.head2", "孙丽", "unit_head", 1),
    ("wl.zhang", "张伟", "officer", 0), ("wl.li", "李娜", "officer", 0), ("wl.wang", "王磊", "officer", 0),
    ("wl.zhao", "赵敏", "officer", 0), ("wl.chenc", "陈晨", "officer", 0), ("wl.zhou", "周杰", "officer", 0),
    ("wl.liu", "刘洋", "officer", 1), ("wl.chen", "陈静", "officer", 1), ("wl.yang", "杨帆", "officer", 1),
    ("wl.huang", "黄磊", "officer", 1), ("wl.wu", "吴昊", "officer", 1), ("wl.xu", "徐丽", "officer", 1),
]
OFFICER_LOGIN, HEAD_LOGIN = "wl.zhang", "wl.chief"

# ---- what the cases are about ---------------------------------------------------------------

PROC_WEIGHTS = {"penalty_general": 22, "penalty_simple": 28, "inspection": 30, "licence": 12,
                "coercive_measure": 4, "compulsory_execution": 2, "expropriation": 2}
TITLES = {
    "penalty_general": ["未经许可擅自从事营业性演出", "网吧接纳未成年人", "歌舞娱乐场所播放禁止内容曲目",
                        "出版物经营单位销售非法出版物", "擅自变更演出内容", "文物保护单位内违规施工",
                        "旅行社未与旅游者签订旅游合同", "娱乐场所超时营业"],
    "penalty_simple": ["旅行社未按规定悬挂许可证", "导游未佩戴导游证", "网吧未悬挂禁止未成年人进入标志"],
    "inspection": ["娱乐场所日常检查", "旅游景区安全检查", "互联网上网服务营业场所年度检查",
                   "演出场所安全检查", "双随机一公开抽查"],
    "licence": ["营业性演出许可申请", "娱乐场所经营许可申请", "旅行社设立许可申请", "网络文化经营许可申请"],
    "coercive_measure": ["扣押非法出版物", "查封无证经营场所设备"],
    "compulsory_execution": ["逾期不缴纳罚款强制执行"],
    "expropriation": ["应急征用场所设施"],
}
PLACES = ["大连", "大连金普新区", "大连金州", "大连保税区"]
BRAND = "星海欢唱远航云端宏基极速网书香乐声夜色金石滩海之旅华安正信明法鸿运天成博雅聚贤新程嘉禾润泽恒通瑞丰锦绣"
TRADES = ["文化传媒有限公司", "娱乐有限公司", "国际旅行社有限公司", "网络会所", "演艺有限公司", "书店",
          "酒店管理有限公司", "影视文化有限公司", "旅游开发有限公司", "KTV"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华玉兰飞鹏辉宇浩凯"
STREETS = ["友谊街道", "站前街道", "金石滩街道", "拥政街道", "先进街道", "湾里街道", "大魏家街道"]
CHANNELS = ["phone", "letter", "visit", "online", "hotline", "assigned"]
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
# Branches most cases do not take (weights of the walk: these 0.2, optional steps 0.3, the main line 4).
RARE = {"refer", "decide_no_penalty", "hand_over", "reject_application", "refuse", "open_penalty_case",
        "apply_court", "confiscate", "extend", "request_supplement", "return_property"}


def _resident_id(i: int) -> str:
    from lawtrail.cases.identifiers import resident_id_check_char

    born = date(1960, 1, 1) + timedelta(days=i % 14600)
    first = f"210213{born:%Y%m%d}{(i // 14600) % 1000:03d}"
    return first + resident_id_check_char(first)


def _credit_code(i: int) -> str:
    from lawtrail.cases.identifiers import credit_code_check_char

    digits = []
    for _ in range(9):
        i, r = divmod(i, 31)
        digits.append(ALPHABET[r])
    first = "91210213" + "".join(reversed(digits))
    return first + credit_code_check_char(first)


# ---- 1. the generator -----------------------------------------------------------------------

class _Gen:
    """Builds the rows and the ledger items of one batch at a time, walking each case's procedure
    the way cases/actions.py would, with in-memory rows whose pks are assigned here."""

    def __init__(self, rng, bureau, units, people, cases: int, entries: int, first_ids: dict, ledger_base: int):
        from lawtrail.cases.procedures import PROCEDURES

        self.rng, self.bureau, self.units, self.people = rng, bureau, units, people
        self.procs = PROCEDURES
        self.ids = dict(first_ids)
        self.per_case = max(0.0, (entries - ledger_base) / cases)
        self.produced = 0  # ledger items produced for the cases so far (including padding)
        self.cases_done = 0
        self.counters: dict[tuple[str, int], int] = {}
        self.officers = {u: [s for s in people.values() if s.role == "officer" and s.unit_id == units[u].pk] for u in (0, 1)}
        self.heads = {units[u].pk: next(s for s in people.values() if s.role == "unit_head" and s.unit_id == units[u].pk)
                      for u in (0, 1)}
        self.by_role = {r: next(s for s in people.values() if s.role == r) for r in ("agency_head", "legal_reviewer")}
        self.all_staff = list(people.values())
        self.parties: list = []  # registered so far, for repeat parties
        self.case_unit: list[int] = []  # per generated case, in order: unit index
        self.case_ids: list[int] = []
        self.handled_by: dict[int, list[int]] = {}  # staff pk -> case ids they handle outside their unit
        self.party_names: list[tuple[int, str]] = []  # (case id, company name) for searches
        self.entries_by_action: dict[str, int] = {}

    def _next(self, kind: str) -> int:
        v = self.ids[kind]
        self.ids[kind] = v + 1
        return v

    def _name(self, kind: str) -> str:
        r = self.rng
        if kind == "person":
            return r.choice(SURNAMES) + "".join(r.choice(GIVEN) for _ in range(r.choice((1, 2))))
        return r.choice(PLACES) + r.choice(BRAND) + r.choice(BRAND) + r.choice(TRADES)

    def _party(self, items, by):
        from lawtrail.cases.models import Party

        r = self.rng
        if self.parties and r.random() < 0.35:  # a party met before (repeat offender, licence holder)
            return r.choice(self.parties[-20000:]), None
        kind = r.choices(("legal_person", "person", "other_org"), (65, 25, 10))[0]
        pk = self._next("party")
        p = Party(pk=pk, bureau_id=self.bureau.pk, kind=kind, name=self._name(kind),
                  id_number=_resident_id(pk) if kind == "person" else "",
                  credit_code="" if kind == "person" else _credit_code(pk),
                  address="大连市金普新区" + r.choice(STREETS) + f"{r.randrange(1, 300)}号",
                  contact=f"138{r.randrange(10**8):08d}",
                  representative="" if kind == "person" else r.choice(SURNAMES) + "某")
        self._item(items, by, "cases.party_registered", f"party:{pk}", [p], None)
        self.parties.append(p)
        return p, p

    @staticmethod
    def _state(x) -> dict:
        """x.ledger_state(); a case's tracked fields change only in stage and status as it moves on,
        so its state is computed once and those two are put in (the same dict ledger_state would give)."""
        base = getattr(x, "_bench_state", None)
        if base is None:
            return x.ledger_state()
        return {**base, "stage": x.stage, "status": x.status}

    def _item(self, items, by, action, subject, rows, payload):
        states = {x.ledger_key(): self._state(x) for x in rows}
        # the bureau named: the bench inserts the rows after their entries (actions derive it from them)
        items.append(({"actor": f"user:{by.user_id}", "action": action, "subject": subject, "bureau": by.bureau_id,
                       "payload": {**(payload or {}), "rows": states}}, rows))
        self.entries_by_action[action] = self.entries_by_action.get(action, 0) + 1

    def _pad(self, items, upto: float):
        """Login/logout entries, so that the ledger grows at the requested rate."""
        r = self.rng
        while self.produced + len(items) < upto:
            s = r.choice(self.all_staff)
            action = r.choice(("auth.logged_in", "auth.logged_in", "auth.logged_out"))
            items.append(({"actor": f"user:{s.user_id}", "action": action, "subject": f"user:{s.user_id}",
                           "bureau": s.bureau_id, "payload": {"username": s.user.username, "ip": f"10.20.{r.randrange(1, 30)}.{r.randrange(2, 250)}"}},
                          ()))
            self.entries_by_action[action] = self.entries_by_action.get(action, 0) + 1

    def batch(self, created: list[datetime], now: datetime):
        """Rows and ledger items for cases created at ``created`` (ascending)."""
        from lawtrail.cases import numbers
        from lawtrail.cases.models import Case, Complaint, StepRecord

        r = self.rng
        out = {"party": [], "complaint": [], "case": [], "case_parties": [], "case_handlers": [], "step": [],
               "step_handlers": []}
        items: list[tuple[dict, tuple]] = []
        for created_at in created:
            u = r.choices((0, 1), CASE_UNIT_WEIGHTS)[0]
            unit = self.units[u]
            mates = r.sample(self.officers[u], 2)
            if r.random() < 0.03:  # joint enforcement: one handler from the other team
                mates[1] = r.choice(self.officers[1 - u])
            by = mates[0]
            procedure = r.choices(list(PROC_WEIGHTS), list(PROC_WEIGHTS.values()))[0]
            proc = self.procs[procedure]
            title = r.choice(TITLES[procedure])
            parties = []
            for _ in range(2 if r.random() < 0.08 else 1):
                p, new = self._party(items, by)
                if p not in parties:
                    parties.append(p)
                if new is not None:
                    out["party"].append(new)
            emergency = procedure == "coercive_measure" and r.random() < 0.5
            started_at = created_at - timedelta(hours=r.randrange(2, 20)) if emergency else created_at
            if procedure == "licence":
                source = "application"
            else:
                source = r.choices(("ex_officio", "complaint", "referral"), (70, 20, 10))[0]
            complaint = None
            if source == "complaint":
                received = created_at - timedelta(days=r.randrange(1, 10), minutes=r.randrange(600))
                anon = r.random() < 0.3
                complaint = Complaint(
                    pk=self._next("complaint"), bureau_id=self.bureau.pk, received_at=received,
                    channel=r.choice(CHANNELS), anonymous=anon,
                    reporter_name="" if anon else "市民" + r.choice(SURNAMES) + r.choice(("先生", "女士")),
                    reporter_contact="" if anon else f"139{r.randrange(10**8):08d}", about=parties[0].name,
                    content=f"反映{parties[0].name}{title}。", status="registered", registered_by_id=by.pk,
                    registered_at=received + timedelta(minutes=r.randrange(5, 120)))
                self._item(items, by, "cases.complaint_registered", f"complaint:{complaint.pk}", [complaint], None)
                out["complaint"].append(complaint)
            year = started_at.astimezone(LOCAL).year
            key = (proc.act_type, year)
            self.counters[key] = self.counters.get(key, 0) + 1
            number = numbers.format_number(self.bureau, proc.act_type, year, self.counters[key])
            case = Case(pk=self._next("case"), bureau_id=self.bureau.pk, unit_id=unit.pk, number=number, year=year,
                        act_type=proc.act_type, procedure=procedure, source=source,
                        source_detail={"referral": "上级机关交办函〔%d〕%d号" % (year, r.randrange(1, 60)),
                                       "application": "申请材料齐全"}.get(source, ""),
                        title=title, summary=f"{parties[0].name}涉嫌{title}，经初步核查，需要启动执法程序。",
                        status="open", stage=proc.first.stage, started_at=started_at, emergency=emergency,
                        emergency_reason="当事人正在转移涉案物品，情况紧急" if emergency else "",
                        complaint_id=complaint.pk if complaint else None, created_by_id=by.pk, created_at=created_at)
            case._prefetched_objects_cache = {"parties": parties, "handlers": mates}
            case._bench_state = case.ledger_state()
            out["case"].append(case)
            out["case_parties"] += [(case.pk, p.pk) for p in parties]
            out["case_handlers"] += [(case.pk, m.pk) for m in mates]
            self.case_ids.append(case.pk)
            self.case_unit.append(u)
            for m in mates:
                if m.unit_id != unit.pk:
                    self.handled_by.setdefault(m.pk, []).append(case.pk)
            if parties[0].kind != "person":
                self.party_names.append((case.pk, parties[0].name))
            opened = [case]
            if complaint is not None:
                complaint.status, complaint.decided_by_id, complaint.decided_at = "case_started", by.pk, created_at
                opened.append(complaint)
            steps = []
            first = self._step(out, case, proc.first, by, mates, started_at, created_at, case.summary)
            steps.append(first)
            opened.append(first)
            self._item(items, by, "cases.case_opened", f"case:{case.pk}", opened, {"number": number, "step": first.step})
            self._walk(items, out, case, proc, by, mates, steps, now)
            self.cases_done += 1
            self._pad(items, self.per_case * self.cases_done)
        self.produced += len(items)
        return out, items

    def _step(self, out, case, step, by, mates, occurred, recorded, note):
        from lawtrail.cases.models import StepRecord

        hs = mates if step.handlers or step is case.procedure_def.first else []
        s = StepRecord(pk=self._next("step"), case_id=case.pk, step=step.code, stage=step.stage, occurred_at=occurred,
                       recorded_at=recorded, recorded_by_id=by.pk, note=note,
                       approval="pending" if step.approver else "not_needed")
        s._prefetched_objects_cache = {"handlers": hs}
        s._def = step
        out["step"].append(s)
        out["step_handlers"] += [(s.pk, h.pk) for h in hs]
        return s

    @staticmethod
    def _advance(case, s, stage_order):
        if s.approval in ("not_needed", "approved"):
            if stage_order.index(s.stage) > stage_order.index(case.stage):
                case.stage = s.stage
            if not s._def.next:
                case.status = "closed"

    def _walk(self, items, out, case, proc, by, mates, steps, now):
        """Carry the case on like actions.record_step / decide_step would, until it is closed,
        its next move would lie in the future, or it is left waiting."""
        from lawtrail.cases.procedures import STAGES

        r, order = self.rng, list(STAGES)
        t = steps[0].recorded_at
        stall = r.random() < 0.06  # some cases just wait (a party abroad, a court)
        moves = 0
        while True:
            pending = next((s for s in steps if s.approval == "pending"), None)
            if pending is not None:
                t = pending.recorded_at + timedelta(minutes=r.randrange(30, 72 * 60))
                if t > now:
                    return
                role = pending._def.approver
                approver = self.heads[case.unit_id] if role == "unit_head" else self.by_role[role]
                ok = r.random() > 0.03
                pending.approval = "approved" if ok else "rejected"
                pending.approved_by_id, pending.approved_at = approver.pk, t
                pending.opinion = "同意。" if ok else "证据不足，请补充调查后重新报批。"
                self._advance(case, pending, order)
                self._item(items, approver, "cases.step_approved" if ok else "cases.step_rejected",
                           f"case:{case.pk}", [pending, case], {"step": pending.step})
                continue
            if case.status == "closed" or (stall and moves >= 2):
                return
            done = {s.step for s in steps if s.approval in ("not_needed", "approved")
                    or (case.emergency and s.approval == "pending" and s.step == proc.first.code)}
            taken = {s.step for s in steps if s.approval != "rejected"}
            offered = [s for s in proc.available(done) if s.code not in taken]
            if not offered:
                return
            nxt = r.choices(offered, [0.2 if o.code in RARE else 0.3 if o.optional else 4 for o in offered])[0]
            t = t + timedelta(minutes=r.randrange(120, 10 * 24 * 60))
            if t > now:
                return
            rec = min(t + timedelta(minutes=r.randrange(5, 180)), now)
            s = self._step(out, case, nxt, by, mates, t, rec, f"{nxt.title}已完成，情况已记录。")
            steps.append(s)
            moves += 1
            self._advance(case, s, order)
            self._item(items, by, "cases.step_recorded", f"case:{case.pk}", [s, case], {"step": nxt.code, "title": nxt.title})


LOCAL = None  # Asia/Shanghai, set once Django is up


def _created_times(rng, n: int, now: datetime) -> list[datetime]:
    """n registration times over the last three years, on working days between 08:30 and 17:30."""
    start = now - timedelta(days=3 * 365)
    out = []
    span = (now - start).days
    for _ in range(n):
        while True:
            d = (start + timedelta(days=rng.randrange(span))).astimezone(LOCAL)
            if d.weekday() < 5:
                break
        local = d.replace(hour=8, minute=30, second=0, microsecond=0) + timedelta(seconds=rng.randrange(9 * 3600),
                                                                                     microseconds=rng.randrange(10**6))
        out.append(local.astimezone(dt_timezone.utc))
    out.sort()
    cutoff = now - timedelta(hours=1)
    return [min(t, cutoff) for t in out]


def generate(d: Path, cases: int, entries: int) -> dict:
    """Create the bureau and ``cases`` cases with a ledger of about ``entries`` entries in ``d``."""
    global LOCAL
    import secrets

    from django.conf import settings
    from django.db import connection, transaction
    from django.db.models import Max
    from django.test import override_settings
    from django.utils import timezone

    from lawtrail.access import actions as access
    from lawtrail.cases.models import Case, CaseNumberCounter, Complaint, Party, StepRecord
    from lawtrail.ledger import store

    LOCAL = timezone.get_default_timezone()
    rng = random.Random(SEED)
    t_start = time.perf_counter()
    today = timezone.localdate()
    logins = {}
    with transaction.atomic():
        bureau = access.create_bureau(by=None, code="wenlv", name="大连金普新区文化旅游局", abbr="金普文旅", profile="000")
        units = [access.create_unit(by=None, bureau=bureau, name=n, kind=k) for n, k in UNITS]
        people = {}
        for username, name, role, u in STAFF:
            cert = role in ("officer", "unit_head")
            password = secrets.token_urlsafe(12)
            # The two accounts the load logs in with keep the server's own hasher; the rest are made
            # with MD5 (fast, never used to log in).
            fast = username not in (OFFICER_LOGIN, HEAD_LOGIN)
            hashers = ["django.contrib.auth.hashers.MD5PasswordHasher"] if fast else settings.PASSWORD_HASHERS
            with override_settings(PASSWORD_HASHERS=hashers):
                people[username] = access.create_staff(
                    by=None, username=username, password=password, name=name, bureau=bureau, role=role,
                    unit=units[u] if u is not None else None,
                    certificate_no=f"21{rng.randrange(10**9):09d}" if cert else "",
                    certificate_valid_from=today - timedelta(days=4 * 365) if cert else None,
                    certificate_valid_until=today + timedelta(days=700) if cert else None)
            if not fast:
                logins[username] = password
    for s in people.values():
        s.user  # noqa: B018  (loaded once: the padding names the usernames)
    ledger_base = store.size()
    say(f"    机关、{len(units)} 个承办机构、{len(people)} 名工作人员已建立（{time.perf_counter() - t_start:.1f} 秒）")

    now = timezone.now() - timedelta(minutes=10)
    created = _created_times(rng, cases, now)
    first_ids = {k: (m.objects.aggregate(v=Max("pk"))["v"] or 0) + 1
                 for k, m in (("party", Party), ("complaint", Complaint), ("case", Case), ("step", StepRecord))}
    g = _Gen(rng, bureau, units, people, cases, entries, first_ids, ledger_base)
    CaseParty, CaseHandler, StepHandler = Case.parties.through, Case.handlers.through, StepRecord.handlers.through
    t0 = time.perf_counter()
    t_ledger = t_rows = 0.0
    rows_total = 0
    for start in range(0, cases, BATCH):
        out, items = g.batch(created[start:start + BATCH], now)
        with transaction.atomic():
            ta = time.perf_counter()
            appended = store.append_many(item for item, _ in items)
            tb = time.perf_counter()
            for a, (_, rows) in zip(appended, items):
                for x in rows:
                    x.ledger_seq = a.seq  # the newest entry naming the row wins, as in tracked.record
            Party.objects.bulk_create(out["party"])
            Complaint.objects.bulk_create(out["complaint"])
            Case.objects.bulk_create(out["case"])
            StepRecord.objects.bulk_create(out["step"])
            with connection.cursor() as c:  # the m2m links (most of the rows): plain two-column inserts
                for through, key in ((CaseParty, "case_parties"), (CaseHandler, "case_handlers"),
                                     (StepHandler, "step_handlers")):
                    a, b = (f.column for f in through._meta.local_fields if f.is_relation)
                    c.executemany(f'INSERT INTO "{through._meta.db_table}" ("{a}", "{b}") VALUES (%s, %s)', out[key])
            t_ledger += tb - ta
            t_rows += time.perf_counter() - tb
        rows_total += sum(len(v) for v in out.values())
        done = min(start + BATCH, cases)
        if done % 10_000 == 0 or done == cases:
            el = time.perf_counter() - t0
            say(f"    {done:,} 件案件，账本 {ledger_base + g.produced:,} 条（{done / el:,.0f} 件/秒，"
                f"{g.produced / el:,.0f} 条/秒；剩余约 {(cases - done) * el / done:,.0f} 秒）")
    with transaction.atomic():  # the 案号 counters, so a case opened later gets the next number
        CaseNumberCounter.objects.bulk_create([CaseNumberCounter(bureau=bureau, act_type=a, year=y, last=n)
                                               for (a, y), n in g.counters.items()])
    total = time.perf_counter() - t_start
    size = store.size()
    steps = StepRecord.objects.count()
    with connection.cursor() as c:
        c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()

    officer, head = people[OFFICER_LOGIN], people[HEAD_LOGIN]
    own = [cid for cid, u in zip(g.case_ids, g.case_unit) if units[u].pk == officer.unit_id]
    visible = own + g.handled_by.get(officer.pk, [])
    recent = set(own[-5000:])
    own_names = [(cid, n) for cid, n in g.party_names if cid in recent] or g.party_names
    manifest = {
        "cases": cases, "entries_requested": entries, "ledger_size": size, "step_records": steps,
        "rows_written": rows_total, "generation_seconds": round(total, 1),
        "ledger_seconds": round(t_ledger, 1), "rows_seconds": round(t_rows, 1),
        "entries_by_action": g.entries_by_action,
        "logins": {OFFICER_LOGIN: logins[OFFICER_LOGIN], HEAD_LOGIN: logins[HEAD_LOGIN]},
        "officer_visible": len(visible), "officer_cross_unit": len(g.handled_by.get(officer.pk, [])),
        "officer_sample": rng.sample(visible, min(2000, len(visible))),
        "all_sample": rng.sample(g.case_ids, min(2000, len(g.case_ids))),
        "search_officer": rng.choice(own_names)[1], "search_head": rng.choice(g.party_names)[1],
        "head_user": head.user_id,
    }
    (d / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest


# ---- 2.–3. server, logins, load -------------------------------------------------------------

def _cookies(resp) -> dict:
    jar = SimpleCookie()
    for h in resp.headers.get_all("Set-Cookie") or []:
        jar.load(h)
    return {k: m.value for k, m in jar.items()}


def _login(port: int, username: str, password: str) -> str:
    """A session cookie header for ``username``, by the login form (GET for the CSRF token, POST)."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    c.request("GET", "/login/")
    r = c.getresponse()
    page = r.read().decode()
    csrf = _cookies(r)["csrftoken"]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    body = urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token, "next": ""})
    c.request("POST", "/login/", body=body, headers={"Content-Type": "application/x-www-form-urlencoded",
                                                     "Cookie": f"csrftoken={csrf}"})
    r = c.getresponse()
    r.read()
    got = _cookies(r)
    if r.status != 302 or "sessionid" not in got:
        raise RuntimeError(f"登录 {username} 失败：HTTP {r.status}")
    c.close()
    return f"csrftoken={csrf}; sessionid={got['sessionid']}"


class Target:
    def __init__(self, name: str, cookie: str, paths):
        self.name, self.cookie, self.paths = name, cookie, paths
        self.lat: list[float] = []
        self.wall = 0.0
        self.errors: list[str] = []
        self.bytes = 0
        self.rounds: list[tuple[float, float]] = []  # (requests/s, p95 ms) of each round

    @property
    def n(self) -> int:
        return len(self.lat)

    @property
    def rps(self) -> float:
        return self.n / self.wall if self.wall else 0.0

    def pct(self, p: float) -> float:
        s = sorted(self.lat)
        return s[max(0, math.ceil(p * len(s)) - 1)] * 1000 if s else float("nan")


def _burst(port: int, t: Target, n: int, seconds: float, record: bool = True) -> None:
    """Closed loop: THREADS clients, each with its own keep-alive connection, until n requests are
    done or ``seconds`` have passed."""
    count = itertools.count()
    lock = threading.Lock()
    lat, errors = [], []
    size = [0]
    t0 = time.perf_counter()
    deadline = t0 + seconds

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while True:
            i = next(count)
            if i >= n or time.perf_counter() > deadline:
                break
            path = t.paths(i)
            a = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Cookie": t.cookie})
                resp = conn.getresponse()
                body = resp.read()
                dt = time.perf_counter() - a
                with lock:
                    lat.append(dt)
                    size[0] += len(body)
                    if resp.status != 200:
                        errors.append(f"{path} → HTTP {resp.status} {body[:120]!r}")
            except (OSError, http.client.HTTPException) as e:
                with lock:
                    lat.append(time.perf_counter() - a)
                    errors.append(f"{path} → {type(e).__name__}: {e}")
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        conn.close()

    ths = [threading.Thread(target=client) for _ in range(THREADS)]
    for th in ths:
        th.start()
    for th in ths:
        th.join()
    if record:
        wall = time.perf_counter() - t0
        t.wall += wall
        t.lat += lat
        t.errors += errors
        t.bytes += size[0]
        t.rounds.append((len(lat) / wall if wall else 0.0, _p95(lat)))
    return errors


def _p95(lat: list[float]) -> float:
    s = sorted(lat)
    return s[max(0, math.ceil(0.95 * len(s)) - 1)] * 1000 if s else float("nan")


def _load(port: int, targets: list[Target], rng) -> None:
    for t in targets:  # warm-up: templates, the process's caches, the OS page cache
        for e in _burst(port, t, 2 * THREADS, 30, record=False)[:1]:
            say(f"    预热时 {t.name} 应答异常（数字将标为无效）：{e}")
    for k in range(ROUNDS):
        order = targets[:]
        rng.shuffle(order)
        for t in order:
            _burst(port, t, PER_TARGET // ROUNDS, SECONDS_PER_TARGET / ROUNDS)
        say(f"    第 {k + 1}/{ROUNDS} 轮：" + "，".join(f"{t.name} {t.rounds[-1][0]:,.0f}/s" for t in targets))


# ---- 4. SQL per page (in-process) -----------------------------------------------------------

def _sql_per_page(pages: list[tuple[str, str, str]]) -> list[str]:
    """(label, username, path): the number of SQL statements each page runs, the time they took
    and the slowest one, by Django's test client in this process (after the server stopped)."""
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    lines = []
    clients = {}
    for label, username, path in pages:
        if username not in clients:
            c = Client(HTTP_HOST="127.0.0.1")
            c.force_login(User.objects.get(username=username))
            clients[username] = c
        c = clients[username]
        c.get(path)  # warm
        with CaptureQueriesContext(connection) as q:
            t0 = time.perf_counter()
            resp = c.get(path)
            wall = (time.perf_counter() - t0) * 1000
        assert resp.status_code == 200, (path, resp.status_code)
        qs = [(float(x["time"]) * 1000, x["sql"]) for x in q.captured_queries]
        slow_ms, slow_sql = max(qs) if qs else (0.0, "")
        lines.append(f"{label:<40} {len(qs):>3} 条 SQL，共 {sum(t for t, _ in qs):>8.1f} ms（页面 {wall:>7.1f} ms），"
                     f"最慢 {slow_ms:>7.1f} ms：{' '.join(slow_sql.split())[:240]}")
    return lines


# ---- the benchmark --------------------------------------------------------------------------

def run(cases: int = 100_000, entries: int = 1_000_000, reuse: bool = False) -> None:
    d = OUT / "cases"
    data = d / "var"
    manifest_path = data / MANIFEST
    fresh = True
    if reuse and manifest_path.exists():
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        if manifest["cases"] == cases and manifest["entries_requested"] == entries:
            fresh = False
    if fresh:
        d = fresh_dir("cases")
        django_on(data)
        say(f"1/4 生成 {cases:,} 件案件、约 {entries:,} 条账本 …")
        manifest = generate(data, cases, entries)
    else:
        say(f"1/4 沿用已生成的数据（{manifest['cases']:,} 件案件，{manifest['ledger_size']:,} 条账本）")
        django_on(data)
    from django.db import connection

    connection.close()

    port = free_port()
    say(f"2/4 启动 lawtrail serve --threads {THREADS}（127.0.0.1:{port}）…")
    server = start_server(data, port, d / "serve.log", THREADS)
    rng = random.Random(SEED + 1)
    try:
        say("3/4 登录并加压 …")
        officer = _login(port, OFFICER_LOGIN, manifest["logins"][OFFICER_LOGIN])
        head = _login(port, HEAD_LOGIN, manifest["logins"][HEAD_LOGIN])
        # Later pages: the list pages by keyset (?before=<id>), so a sample case id stands for a deep page.
        off_ids, all_ids = manifest["officer_sample"], manifest["all_sample"]
        q_off, q_all = quote(manifest["search_officer"]), quote(manifest["search_head"])
        ping = Target("/ping/", officer, lambda i: "/ping/")
        targets = [
            ping,
            Target("案件列表 第1页（执法人员）", officer, lambda i: "/cases/"),
            Target("案件列表 后页（执法人员）", officer, lambda i: f"/cases/?before={off_ids[(i * 31) % len(off_ids)]}"),
            Target("案件列表 搜索当事人（执法人员）", officer, lambda i: f"/cases/?q={q_off}"),
            Target("案件列表 第1页（机关负责人）", head, lambda i: "/cases/"),
            Target("案件列表 后页（机关负责人）", head, lambda i: f"/cases/?before={all_ids[(i * 31) % len(all_ids)]}"),
            Target("案件列表 搜索当事人（机关负责人）", head, lambda i: f"/cases/?q={q_all}"),
            Target("案件页面（执法人员，随机可见案件）", officer, lambda i: f"/cases/{off_ids[(i * 7919) % len(off_ids)]}/"),
            Target("案件页面（机关负责人，随机案件）", head, lambda i: f"/cases/{all_ids[(i * 7919) % len(all_ids)]}/"),
        ]
        t_load = time.perf_counter()
        _load(port, targets, rng)
        t_load = time.perf_counter() - t_load
    finally:
        stop_server(server)

    say("4/4 统计每个页面的 SQL …")
    sql_pages = [
        ("/ping/", OFFICER_LOGIN, "/ping/"),
        ("案件列表 第1页（执法人员）", OFFICER_LOGIN, "/cases/"),
        ("案件列表 后页（执法人员）", OFFICER_LOGIN, f"/cases/?before={off_ids[len(off_ids) // 2]}"),
        ("案件列表 搜索（执法人员）", OFFICER_LOGIN, f"/cases/?q={q_off}"),
        ("案件列表 第1页（机关负责人）", HEAD_LOGIN, "/cases/"),
        ("案件列表 搜索（机关负责人）", HEAD_LOGIN, f"/cases/?q={q_all}"),
        ("案件页面（执法人员）", OFFICER_LOGIN, f"/cases/{off_ids[0]}/"),
        ("案件页面（机关负责人）", HEAD_LOGIN, f"/cases/{all_ids[0]}/"),
    ]
    sql_lines = _sql_per_page(sql_pages)

    m = manifest
    print(f"\n案件页面基准（{m['cases']:,} 件案件，{m['ledger_size']:,} 条账本；同一服务器、同一次运行中与 /ping/ 对比）")
    if fresh:
        print(f"生成：{m['cases']:,} 件案件、{m['step_records']:,} 条环节记录、共 {m['rows_written']:,} 行，"
              f"账本 {m['ledger_size']:,} 条，用时 {m['generation_seconds']:,.0f} 秒"
              f"（{m['cases'] / m['generation_seconds']:,.0f} 件/秒，{m['ledger_size'] / m['generation_seconds']:,.0f} 条/秒；"
              f"其中 append_many {m['ledger_seconds']:,.0f} 秒，bulk_create {m['rows_seconds']:,.0f} 秒）")
    else:
        print(f"数据：沿用上次生成的数据（当时用时 {m['generation_seconds']:,.0f} 秒）")
    print("账本条目：" + "，".join(f"{k} {v:,}" for k, v in sorted(m["entries_by_action"].items(), key=lambda kv: -kv[1])))
    print(f"执法人员 {OFFICER_LOGIN} 可见 {m['officer_visible']:,} 件（其中他处承办机构、本人承办 {m['officer_cross_unit']:,} 件）；"
          f"搜索词：执法人员“{m['search_officer']}”，机关负责人“{m['search_head']}”")
    print(f"负载：{THREADS} 个客户端线程 × 闭环，每个目标至多 {PER_TARGET} 次或 {SECONDS_PER_TARGET:.0f} 秒，"
          f"分 {ROUNDS} 轮交替；服务器 lawtrail serve --threads {THREADS}；加压共 {t_load:,.0f} 秒\n")
    print(f"{'目标（各轮合计）':<36} {'请求':>6} {'次/秒':>9} {'p50 ms':>9} {'p95 ms':>9} {'错误':>5}")
    for t in targets:
        print(f"{t.name:<36} {t.n:>6} {t.rps:>9,.1f} {t.pct(0.5):>9.1f} {t.pct(0.95):>9.1f} {len(t.errors):>5}")
    print(f"\n每个页面与同一轮的 /ping/ 对比（{ROUNDS} 轮），结论取各轮比值的中位数：")
    for t in targets[1:]:
        bad = f"  （{len(t.errors) + len(ping.errors)} 个错误应答：无效）" if t.errors or ping.errors else ""
        for line in rounds_rows(t.name + " 吞吐", "次/秒", [r[0] for r in t.rounds], [r[0] for r in ping.rounds],
                                "/ping/ 吞吐", ">= 0.3x", lambda ratio: ratio >= 0.3 and not bad):
            print(line + bad)
        for line in rounds_rows(t.name + " p95", "ms", [r[1] for r in t.rounds], [r[1] for r in ping.rounds],
                                "/ping/ p95", "<= 3x", lambda ratio: ratio <= 3 and not bad, decimals=1):
            print(line + bad)
    errors = [e for t in targets for e in t.errors]
    print(f"\n非 200 应答或连接错误：{len(errors)}")
    for e in errors[:20]:
        print("  " + e)
    print("\n每个页面的 SQL（进程内 Django 测试客户端，服务器停止后测量）")
    for line in sql_lines:
        print(line)
