"""``lawtrail import_dock DIR --device SERIAL --as USERNAME [--device-clock TIME]``: import a body
camera's dump folder (``lawtrail.media.docking``).

Progress goes to stderr: one updating line on a terminal, plain lines otherwise (a log). The
summary, in Chinese, goes to stdout. Exit status: 0 every file recorded with its case or skipped;
1 some file failed or was recorded without a case (未匹配, 多个案件) — the summary says which;
2 bad arguments (no such folder, device or user; a user who may not import; an unreadable clock).
"""

from __future__ import annotations

import sys
import time
from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from lawtrail.access.models import Staff
from lawtrail.access.policy import Denied
from lawtrail.media import docking
from lawtrail.media.models import Device

MB = 2 ** 20


def _mb(n: int) -> str:
    return f"{n / MB:.1f}"


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "--:--"
    s = int(seconds + 0.5)
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"


class Display:
    """Files done/total, MB done/total, MB/s, ETA. On a terminal one line rewritten at most every
    ``tty_every`` seconds; otherwise a line per finished file and, inside a long file, one every
    ``log_every`` seconds."""

    def __init__(self, stream, tty: bool | None = None, tty_every: float = 0.2, log_every: float = 10.0,
                 clock=time.monotonic):
        self.stream, self.clock = stream, clock
        self.tty = stream.isatty() if tty is None else tty
        self.tty_every, self.log_every = tty_every, log_every
        self.started = clock()
        self.last = self.started
        self.drawn = False

    def figures(self, p: docking.Progress, now: float) -> str:
        elapsed = max(now - self.started, 1e-6)
        rate = p.bytes_done / elapsed
        eta = (p.bytes_total - p.bytes_done) / rate if rate > 0 else None
        return (f"{p.files_done}/{p.files_total} 个文件  {_mb(p.bytes_done)}/{_mb(p.bytes_total)} MB  "
                f"{rate / MB:.1f} MB/s  剩余约 {_duration(eta)}")

    def __call__(self, p: docking.Progress) -> None:
        now = self.clock()
        if self.tty:
            if p.finished is None and now - self.last < self.tty_every and p.files_done < p.files_total:
                return
            self.stream.write(f"\r\x1b[K导入中 {self.figures(p, now)}  {p.current}")
            self.drawn = True
        elif p.finished is not None:
            f = p.finished
            if f.outcome == "imported":
                what = f"{f.label}（{'、'.join(f.cases)}）"
            elif f.outcome in ("skipped", "failed"):
                what = f"{f.label}：{f.reason}"
            else:  # the reason starts with 未匹配 / 多个案件
                what = f.reason or f.label
            self.stream.write(f"[{p.files_done}/{p.files_total}] {f.path}：{what}  {self.figures(p, now)}\n")
        elif now - self.last >= self.log_every and p.bytes_done:
            self.stream.write(f"… 正在读取 {p.current}  {self.figures(p, now)}\n")
        else:
            return
        self.last = now
        self.stream.flush()

    def close(self) -> None:
        if self.tty and self.drawn:
            self.stream.write("\n")
            self.stream.flush()


def summary(r: docking.DockReport) -> list[str]:
    lines = [f"执法记录仪 {r.device} 接入导入：{r.directory}",
             f"共 {r.files} 个文件，{_mb(r.bytes)} MB，用时 {r.seconds:.1f} 秒；入库 {_mb(r.bytes_recorded)} MB"]
    if r.clock_offset_seconds:
        lines.append(f"设备时钟偏差 {r.clock_offset_seconds:+d} 秒（设备时间减标准时间），拍摄时间已按此校正")
    elif r.clock_offset_seconds is None:
        lines.append("设备时钟偏差未测定，拍摄时间按文件记录")
    else:
        lines.append("设备时钟与标准时间一致（偏差 0 秒），拍摄时间按文件记录")
    if not r.files:
        lines.append("目录中没有文件：请确认目录是否正确")
    if r.imported:
        by_case: dict[str, list[str]] = defaultdict(list)
        for i in r.imported:
            by_case[i.cases[0]].append(i.path)
        lines.append(f"已导入并关联案件 {len(r.imported)} 个：")
        lines += [f"  {number}：{'、'.join(paths)}" for number, paths in by_case.items()]
    if r.unmatched:
        lines.append(f"未匹配 {len(r.unmatched)} 个（已入库，未关联案件，请在音像记录中人工关联）：")
        lines += [f"  {i.path}（拍摄开始 {_when(i.capture_start)}）" for i in r.unmatched]
    if r.ambiguous:
        lines.append(f"多个案件 {len(r.ambiguous)} 个（已入库，未自动关联，请人工选择案件）：")
        lines += [f"  {i.path}（拍摄开始 {_when(i.capture_start)}）：{'、'.join(i.cases)}" for i in r.ambiguous]
    if r.skipped:
        reasons = Counter(i.reason for i in r.skipped)
        lines.append(f"已跳过 {len(r.skipped)} 个（" + "，".join(f"{k} {n} 个" for k, n in reasons.items()) + "）")
        lines += [f"  {i.path}：{i.reason}" for i in r.skipped if i.reason != "已导入"]
    if r.failed:
        lines.append(f"失败 {len(r.failed)} 个（未入库）：")
        lines += [f"  {i.path}：{i.reason}" for i in r.failed]
    if r.complete:
        lines.append("结果：全部文件已导入并关联案件或已跳过")
    else:
        parts = [f"{label} {n} 个" for label, n in (("失败", len(r.failed)), ("未匹配", len(r.unmatched)),
                                                    ("多个案件", len(r.ambiguous))) if n]
        lines.append(f"结果：尚需处理（{'，'.join(parts)}），退出码 1")
    return lines


def _when(t: datetime | None) -> str:
    return timezone.localtime(t).strftime("%Y-%m-%d %H:%M:%S") if t else "未知"


class _Raw:
    """Django's OutputWrapper, writing exactly what it is given (no added newline, no colour)."""

    def __init__(self, wrapper):
        self.wrapper = wrapper

    def write(self, text: str) -> None:
        self.wrapper.write(text, style_func=lambda x: x, ending="")

    def flush(self) -> None:
        self.wrapper.flush()

    def isatty(self) -> bool:
        return self.wrapper.isatty()


def bad(message: str) -> CommandError:
    return CommandError(message, returncode=2)


class Command(BaseCommand):
    help = ("导入一台执法记录仪的转存目录：逐个文件入库，按拍摄时间匹配配发人员承办的案件，"
            "报告未匹配、多个案件和失败的文件（全部导入或跳过时退出码 0，否则 1；参数错误 2）")

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, metavar="DIR", help="执法记录仪的转存目录")
        parser.add_argument("--device", required=True, metavar="SERIAL", help="设备编号（执法记录仪登记中的）")
        parser.add_argument("--as", dest="as_user", required=True, metavar="USERNAME",
                            help="以该账号导入（音像资料管理专人、执法人员或承办机构负责人）")
        parser.add_argument("--device-clock", dest="device_clock", metavar="TIME",
                            help="接入时设备时钟的读数，如 2026-11-25T10:00:03+08:00（未带时区按北京时间）；"
                                 "用于测定并校正设备时钟偏差")

    def handle(self, *args, directory: Path, device: str, as_user: str, device_clock: str | None = None, **opts):
        by = (Staff.objects.select_related("user", "bureau")
              .filter(user__username=as_user, user__is_active=True, active=True).first())
        if by is None:
            raise bad(f"没有可用的账号“{as_user}”")
        d = Device.objects.filter(bureau_id=by.bureau_id, serial=device.strip()).first()
        if d is None:
            raise bad(f"本机关的执法记录仪登记中没有设备“{device}”")
        directory = Path(directory)
        if not directory.is_dir():
            raise bad(f"目录不存在或不是目录：{directory}")
        clock = None
        if device_clock:
            try:
                clock = datetime.fromisoformat(device_clock.strip())
            except ValueError:
                raise bad(f"设备时钟读数“{device_clock}”无效：应为 2026-11-25T10:00:03+08:00 这样的时间") from None
            if timezone.is_naive(clock):
                clock = timezone.make_aware(clock)  # Beijing time, as a person reads it off the camera
        display = Display(_Raw(self.stderr))
        try:
            report = docking.import_dock(by=by, directory=directory, device=d, progress=display, clock=clock)
        except Denied as e:
            raise bad(f"{by.name}（{as_user}）无权导入：{e}") from None
        except ValidationError as e:
            raise bad("；".join(e.messages)) from None
        finally:
            display.close()
        for line in summary(report):
            self.stdout.write(line)
        if not report.complete:
            sys.exit(1)
