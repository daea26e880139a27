from django.core.management.base import BaseCommand

from lawtrail.ledger import checkpoints


class Command(BaseCommand):
    help = "签发一个签名检查点（账本条目数、默克尔根、时间）并打印其文本"

    def add_arguments(self, parser):
        parser.add_argument("--if-grown", action="store_true", help="账本自上一检查点以来没有增长时不签发")

    def handle(self, *args, if_grown=False, **opts):
        cp = checkpoints.issue(only_if_grown=if_grown)
        if cp is None:
            cp = checkpoints.latest()
        self.stdout.write(cp.note, ending="")
