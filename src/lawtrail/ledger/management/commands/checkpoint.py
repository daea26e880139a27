from django.core.management.base import BaseCommand, CommandError

from lawtrail.ledger import checkpoints
from lawtrail.ledger.witness import WitnessError


class Command(BaseCommand):
    help = "签发一个签名检查点（账本条目数、默克尔根、时间），写入见证处，并打印其文本"

    def add_arguments(self, parser):
        parser.add_argument("--if-grown", action="store_true", help="账本自上一检查点以来没有增长时不签发")

    def handle(self, *args, if_grown=False, **opts):
        try:
            cp = checkpoints.issue(only_if_grown=if_grown) or checkpoints.latest()
            # Already written by issue() unless it ran inside a transaction: then it waits for the
            # commit, and the operator would not learn here that the witness failed.
            checkpoints.publish(cp, only_missing=True)
        except WitnessError as e:
            raise CommandError(f"检查点已签发并保存在数据库中，但未能写入见证：{e}") from None
        self.stdout.write(cp.note, ending="")
