import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lawtrail.ledger import verify, witness


def _sample(text: str):
    """``--sample 20`` (objects) or ``--sample 5%`` (of all objects)."""
    import argparse

    t = text.strip()
    try:
        if t.endswith("%"):
            p = float(t[:-1])
            if 0 < p <= 100:
                return p / 100 if p < 100 else None
        elif int(t) > 0:
            return int(t)
    except ValueError:
        pass
    raise argparse.ArgumentTypeError(f"{text!r} 无效：应为正整数（个数）或 1%–100% 之间的百分比")


class Command(BaseCommand):
    help = ("重算哈希链、默克尔树和全部检查点签名，并对照见证处（数据库以外）保存的检查点发现回滚和改写，"
            "逐项列出不一致之处（一致时退出码 0，否则 1）")

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", dest="as_json", help="以 JSON 输出")
        parser.add_argument("--against", type=Path, metavar="CHECKPOINT_FILE",
                            help="另外证明今天的账本是该外部保存的检查点的延续（一致性证明）；见证处的检查点总会对照")
        parser.add_argument("--sample", type=_sample, metavar="N|P%",
                            help="音像原件只抽查 N 个或 P%%（默认全部重算哈希）")
        parser.add_argument("--no-media", action="store_true", help="不复核音像原件（只校验账本和记录）")

    def handle(self, *args, as_json: bool = False, against: Path | None = None, sample=None, no_media=False,
               **opts):
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

        def media_progress(done, total):
            if show and total:
                sys.stderr.write(f"\r复核音像原件 {done // 2 ** 20}/{total // 2 ** 20} MB（{done * 100 // total}%）")

        witnesses = witness.configured()
        report = verify.run(against=text, progress=progress, witnesses=witnesses,
                            options={"media": not no_media, "media_sample": sample, "media_progress": media_progress})
        if show:
            sys.stderr.write("\n")
        if as_json:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        else:
            c = report.counts
            self.stdout.write(f"账本校验：{c.get('entries', 0)} 条条目，{c.get('nodes', 0)} 个树节点，"
                              f"{c.get('checkpoints', 0)} 个检查点" + ("，并对照外部检查点" if text else ""))
            held = report.notes.get("witnesses", {})
            for w in witnesses:
                h = held.get(w.label)
                self.stdout.write(f"对照{w.label}：" + (f"{h['checkpoints']} 个见证检查点，最新的记录了 {h['newest_size']} 条"
                                                        if h else "尚无见证检查点"))
            if "media_objects" in c:
                self.stdout.write(f"音像原件复核：{c['media_objects']} 个对象，{c['media_bytes'] / 2 ** 20:.1f} MB"
                                  + ("（抽查）" if sample is not None else ""))
            if c.get("media_unrecorded"):
                self.stdout.write(f"注意：存储中有 {c['media_unrecorded']} 个对象未被任何记录引用（上传在完成前中断所留，"
                                  "不是篡改；再次上传相同文件时会被沿用）")
            if report.ok:
                self.stdout.write("✓ 完整：哈希链、默克尔树、检查点签名" + ("、外部检查点一致性" if text else "")
                                  + ("、见证检查点" if c.get("witnessed") else "") + "均一致")
            for p in report.problems:
                self.stdout.write(f"✗ {p.where}：{p.message}")
            if report.more:
                self.stdout.write(f"… 另有 {report.more} 处不一致未列出")
        if not report.ok:
            sys.exit(1)

