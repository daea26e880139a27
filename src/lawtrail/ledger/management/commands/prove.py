import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lawtrail.ledger import checkpoints
from lawtrail.ledger.store import LedgerError


class Command(BaseCommand):
    help = "生成条目 SEQ 对最新检查点的包含性证明（JSON），可在无数据库的机器上用 lawtrail verify-proof 验证"

    def add_arguments(self, parser):
        parser.add_argument("seq", type=int, help="条目序号")
        parser.add_argument("--json", action="store_true", help="（默认即为 JSON；为与其他命令一致而保留）")
        parser.add_argument("-o", "--output", type=Path, help="写入文件而不是标准输出")

    def handle(self, *args, seq, output=None, **opts):
        if seq < 0:
            raise CommandError("条目序号不能为负数")
        try:
            doc = checkpoints.inclusion(seq)
        except LedgerError as e:
            raise CommandError(str(e)) from None
        text = json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
        if output:
            output.write_text(text, encoding="utf-8")
            self.stderr.write(f"已写入 {output}")
        else:
            self.stdout.write(text, ending="")
