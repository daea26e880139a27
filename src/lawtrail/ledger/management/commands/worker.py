import logging
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from lawtrail.ledger import checkpoints

log = logging.getLogger("lawtrail.worker")


def checkpoint_loop(interval: int, stop=None) -> None:
    """Issue a checkpoint every ``interval`` seconds when the log has grown.

    Safe to run in several processes: issuing holds the ledger lock and re-checks the size.
    """
    while stop is None or not stop.is_set():
        try:
            checkpoints.issue(only_if_grown=True)
        except Exception:  # keep the loop alive through a database restart
            log.exception("checkpoint failed; retrying in %ss", interval)
        finally:
            close_old_connections()
        if stop is not None:
            stop.wait(interval)
        else:
            time.sleep(interval)


class Command(BaseCommand):
    help = "后台任务：账本增长时定期签发检查点（间隔由 LAWTRAIL_CHECKPOINT_INTERVAL 设置）"

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="只运行一轮")

    def handle(self, *args, once=False, **opts):
        if once:
            cp = checkpoints.issue(only_if_grown=True)
            self.stdout.write("已签发检查点" if cp else "账本未增长，无需签发")
            return
        checkpoint_loop(settings.LAWTRAIL_CHECKPOINT_INTERVAL)
