import logging
import threading
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from lawtrail.ledger import checkpoints
from lawtrail.ledger.witness import WitnessError

log = logging.getLogger("lawtrail.worker")


def every(interval: int, work, what: str, stop=None) -> None:
    """Run ``work()`` every ``interval`` seconds until ``stop`` is set (forever without one), and
    keep going through errors (a database restart) — a background loop must not die quietly."""
    while stop is None or not stop.is_set():
        try:
            work()
        except Exception:
            log.exception("%s failed; retrying in %ss", what, interval)
        finally:
            close_old_connections()
        if stop is not None:
            stop.wait(interval)
        else:
            time.sleep(interval)


def checkpoint_loop(interval: int, stop=None) -> None:
    """Issue a checkpoint every ``interval`` seconds when the log has grown.

    Safe to run in several processes: issuing holds the ledger lock and re-checks the size.
    """
    every(interval, lambda: checkpoints.issue(only_if_grown=True), "checkpoint", stop)


class Command(BaseCommand):
    help = "后台任务：账本增长时定期签发检查点（间隔由 LAWTRAIL_CHECKPOINT_INTERVAL 设置），生成长视频的播放副本，重新检查记录有变的案件并发送期限提醒和每日汇总"

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="只运行一轮")

    def handle(self, *args, once=False, **opts):
        from lawtrail.media import jobs  # the other background work: playback copies of long videos
        from lawtrail.rules import jobs as rules_jobs  # stored findings, reminders, daily digests

        if once:
            try:
                cp = checkpoints.issue(only_if_grown=True)
                self.stdout.write("已签发检查点" if cp else "账本未增长，无需签发")
            except WitnessError as e:  # the other work goes on; the message says what to do
                self.stderr.write(f"检查点未能写入见证：{e}")
            self.stdout.write(f"已生成 {jobs.run_pending()} 个播放副本")
            done = rules_jobs.run_round()
            self.stdout.write("规则检查：另一个后台进程正在运行" if done is None else
                              f"规则检查：重新检查 {done['recomputed']} 件案件，发送 {done['reminders']} 条提醒、"
                              f"{done['digests']} 份每日汇总")
            return
        threading.Thread(target=jobs.job_loop, name="media-jobs", daemon=True).start()
        threading.Thread(target=rules_jobs.job_loop, name="rules-jobs", daemon=True).start()
        checkpoint_loop(settings.LAWTRAIL_CHECKPOINT_INTERVAL)
