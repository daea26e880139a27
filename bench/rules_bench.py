"""Rules benchmark (issue #6): re-check 100,000 generated cases against the rate of merely loading
their facts from the database, in one run (goal >= 0.5x).

1. Generate (once; ``--reuse`` keeps it): the case bench's generator (``cases_bench.generate``,
   imported, not copied) into a data directory of its own (``bench/out/rules``), without padding
   the ledger. Its cases carry their steps (with handlers and approvals), not documents or AV.
2. Baseline: ``facts.load_many`` over every case, ``stored.BATCH`` cases at a time: cases/s,
   measured before and after the re-check (the mean of both is the baseline).
3. Re-check: every case's stored result marked stale (``sources.mark`` over all cases: what a
   calendar override does), then ``stored.refresh_stale`` over every case (what the background round runs) — load the facts, evaluate
   every rule of the profile, name the records, store the findings by their conditional UPDATE
   and the due findings, ``stored.BATCH`` cases a transaction: cases/s beside the baseline.
4. What storing buys: the agency head's 到期与逾期 page (every open case of the bureau) from the
   stored results, beside the same list computed the way it was before (the facts of every open
   case loaded and every deadline evaluated on each view); the background round after 1% of the
   cases changed, beside the full re-check; the first round's reminders.

    python -m bench --only rules [--cases 100000] [--reuse]
"""

from __future__ import annotations

import json
import random
import time

from .common import OUT, django_on, fresh_dir, row, say, timed

SEED = 2026


def _prepare(cases: int, reuse: bool) -> tuple[dict, bool]:
    data = OUT / "rules" / "var"
    manifest_path = data / "bench-manifest.json"
    if reuse and manifest_path.exists():
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        if manifest["cases"] == cases:
            say(f"1/5 沿用已生成的数据（{cases:,} 件案件，{manifest['ledger_size']:,} 条账本）")
            django_on(data)
            return manifest, False
    from . import cases_bench

    fresh_dir("rules")
    django_on(data)
    say(f"1/5 生成 {cases:,} 件案件（案件基准的生成器，账本不补足）…")
    return cases_bench.generate(data, cases, 0), True


def _load_all(ids: list[int]) -> None:
    from lawtrail.cases.models import Case
    from lawtrail.rules import facts, stored

    for i in range(0, len(ids), stored.BATCH):
        facts.load_many(Case.objects.filter(pk__in=ids[i:i + stored.BATCH]))


def _old_due_list(cases, now) -> int:
    """The 到期与逾期 list as computed before findings were stored: the facts of every open case
    loaded and every deadline rule evaluated, on each view."""
    from lawtrail.rules import facts, profiles
    from lawtrail.rules.kinds import Deadline

    deadlines = [r for r in profiles.get("000").rules if isinstance(r.kind, Deadline)]
    found = 0
    for f in facts.load_many(cases, now):
        for rule in deadlines:
            x = rule.evaluate(f)
            if x.due_at is not None and x.status in ("overdue", "pending"):
                found += 1
    return found


def run(cases: int = 100_000, reuse: bool = False) -> None:
    manifest, fresh = _prepare(cases, reuse)
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings
    from django.utils import timezone

    from lawtrail.cases.models import Case
    from lawtrail.rules import jobs, sources, stored
    from lawtrail.rules.models import CaseCheck, DueFinding, Notification

    ids = list(Case.objects.order_by("pk").values_list("pk", flat=True))
    n = len(ids)
    say(f"2/5 载入事实（基线）：{n:,} 件，每批 {stored.BATCH} 件 …")
    _load_all(ids[:5000])  # warm the page cache and the process
    t_load1, _ = timed(_load_all, ids)
    say(f"    {n / t_load1:,.0f} 件/秒")

    say("3/5 全部标为过期，重新检查并存储 …")
    t_mark, _ = timed(sources.mark, Case.objects.all())
    t_check, _ = timed(stored.refresh_stale, Case.objects.all())
    assert not stored.stale(Case.objects.all()).exists()
    say(f"    {n / t_check:,.0f} 件/秒；再次载入事实（基线）…")
    t_load2, _ = timed(_load_all, ids)
    load_rate = 2 * n / (t_load1 + t_load2)
    check_rate = n / t_check
    with connection.cursor() as c:
        c.execute("SELECT SUM(LENGTH(findings)) FROM rules_casecheck")
        stored_bytes = c.fetchone()[0] or 0
    due_rows = DueFinding.objects.count()

    say("4/5 到期与逾期页面（机关负责人）…")
    head = User.objects.get(pk=manifest["head_user"])
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(head)
    client.get("/rules/due/")
    pages = []
    for _ in range(5):
        with CaptureQueriesContext(connection) as q:
            t, resp = timed(client.get, "/rules/due/")
        assert resp.status_code == 200
        pages.append(t)
    page_ms, page_sql = sorted(pages)[len(pages) // 2] * 1000, len(q.captured_queries)
    open_cases = Case.objects.filter(status="open")
    t_old, old_found = timed(_old_due_list, open_cases, timezone.now())

    say("5/5 后台轮次：1% 的案件有变动之后 …")
    with override_settings(LAWTRAIL_DIGEST_HOUR=None):
        t_first, first = timed(jobs.run_round)  # the first round also sends every reminder due
        changed = random.Random(SEED).sample(ids, max(1, n // 100))
        sources.mark(Case.objects.filter(pk__in=changed))
        t_round, done = timed(jobs.run_round)
    assert done["recomputed"] >= len(changed), done  # and any whose pending due time passed meanwhile

    m = manifest
    print(f"\n规则检查基准（{n:,} 件生成的案件，{Case.objects.filter(status='open').count():,} 件办理中；"
          f"同一次运行中与“仅载入事实”对比）")
    if fresh:
        print(f"生成：{m['cases']:,} 件案件、{m['step_records']:,} 条环节记录，账本 {m['ledger_size']:,} 条，"
              f"用时 {m['generation_seconds']:,.0f} 秒（案件基准的生成器）")
    else:
        print(f"数据：沿用上次生成的数据（当时用时 {m['generation_seconds']:,.0f} 秒）")
    print(f"存储：{CaseCheck.objects.count():,} 个结果共 {stored_bytes / 1e6:,.1f} MB，{due_rows:,} 条到期/逾期事项；"
          f"全部标为过期（一条 SQL，如调整工作日历）用时 {t_mark:,.1f} 秒\n")
    ratio = check_rate / load_rate
    print(row("重新检查并存储（载入+评估+存储）", check_rate, "件/秒", load_rate, "仅载入事实（前后两次平均）",
              ">= 0.5x", ratio >= 0.5) + f"  比值 {ratio:.2f}")
    speed = t_old * 1000 / page_ms
    print(row("到期与逾期页面（机关负责人，存储的结果）", page_ms, "ms", t_old * 1000, "旧做法：每次载入并评估全部办理中案件",
              "<= 0.1x", page_ms <= 0.1 * t_old * 1000) + f"  快 {speed:,.0f} 倍；页面 {page_sql} 条 SQL；旧做法得 {old_found:,} 项")
    print(row(f"后台轮次：{len(changed):,} 件（1%）有变动", t_round * 1000, "ms", t_check * 1000, "全部重新检查",
              "<= 0.05x", t_round <= 0.05 * t_check) + f"  比值 {t_round / t_check:.3f}；重新检查 {done['recomputed']:,} 件")
    print(f"第一个后台轮次：发送 {first['reminders']:,} 条提醒（数据中共 {Notification.objects.count():,} 条，"
          f"沿用数据时前一次运行已发送），用时 {t_first:,.1f} 秒")
