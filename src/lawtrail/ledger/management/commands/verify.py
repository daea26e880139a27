import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lawtrail.ledger import verify


class Command(BaseCommand):
    help = "重算哈希链、默克尔树和全部检查点签名，逐项列出不一致之处（一致时退出码 0，否则 1）"

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", dest="as_json", help="以 JSON 输出")
        parser.add_argument("--against", type=Path, metavar="CHECKPOINT_FILE",
                            help="证明今天的账本是该外部保存的检查点的延续（一致性证明）")

    def handle(self, *args, as_json: bool = False, against: Path | None = None, **opts):
        text = None
        if against is not None:
            try:
                text = against.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as e:
                raise CommandError(f"无法读取检查点文件 {against}：{e}") from None
        show = not as_json and sys.stderr.isatty()

        def progress(done, total):
            if show and total:
                sys.stderr.write(f"\r校验中 {done}/{total}（{done * 100 // total}%）")

        report = verify.run(against=text, progress=progress)
        if show:
            sys.stderr.write("\n")
        if as_json:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        else:
            c = report.counts
            self.stdout.write(f"账本校验：{c.get('entries', 0)} 条条目，{c.get('nodes', 0)} 个树节点，"
                              f"{c.get('checkpoints', 0)} 个检查点" + ("，并对照外部检查点" if text else ""))
            if report.ok:
                self.stdout.write("✓ 完整：哈希链、默克尔树、检查点签名" + ("、外部检查点一致性" if text else "") + "均一致")
            for p in report.problems:
                self.stdout.write(f"✗ {p.where}：{p.message}")
            if report.more:
                self.stdout.write(f"… 另有 {report.more} 处不一致未列出")
        if not report.ok:
            sys.exit(1)

