"""Docking import: one body camera's dump folder into the record (issue #5, "Body cameras";
002 第十四条至第二十条; AV goes in within 24 hours and officers may not keep it, 000 第二十三条).

``import_dock(by=…, directory=…, device=…)`` records the docking (and the camera's clock offset
when its clock was read), then takes every file of the folder in name order:

1. **Walk.** Regular files only, sorted by their path inside the folder. Hidden and system files
   (``.DS_Store``, ``Thumbs.db``, ``System Volume Information``…) are skipped with a note; a
   symbolic link is followed only when its target lies inside the folder, otherwise it is refused
   (reported as failed, never read).
2. **Probe** the file in place (``probe.probe``). A file that is not a photo, audio or video, or
   that has no capture time of its own, is reported as failed and nothing of it is stored.
3. **Already imported?** The same bytes (SHA-256) from the same device are recorded already:
   skipped as 已导入, so running an import again changes nothing. (The same bytes carry the same
   capture time, so this is the brief's "same SHA-256, same device, same capture start"; it is
   keyed on the file's own bytes rather than on the corrected start so that a later docking that
   measures a slightly different clock offset does not import everything a second time.) Only a
   file whose size equals that of a record of this device is hashed for this check; the check is
   repeated under the ledger lock just before writing, so two imports running at once cannot
   both record a file.
4. **Clock.** The device's clock offset (device clock minus true time, measured at docking) is
   subtracted from the capture start and end the file states. The record keeps the corrected
   times; its notes keep the file's own times and the offset used.
5. **Case.** The cases of the device's assigned officer (a handler of the case) that were active
   when the clip started: ``case.started_at <= capture_start`` and not closed before it (a case
   is closed at the moment its final step counted as done). One case: the record is linked to it
   and labelled (004 第二十一条). Several: none is chosen (多个案件, with their numbers). None:
   未匹配. Unlinked records are linked later with ``actions.link``.
6. **Record.** Copied into staging while hashed (SHA-256 and SM3 in one pass), stored
   write-once, probed again from the stored bytes, and written as an AvRecord with its ledger
   entry in one transaction of its own. A crash leaves each file recorded entirely or not at all
   (at most an object in the store that no record names, found again by the next import).

One file's failure never stops the others. The result is a ``DockReport``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import stat
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Callable

from django.core.exceptions import ValidationError
from django.utils import timezone

from lawtrail.access.models import Staff
from lawtrail.access.policy import Denied
from lawtrail.cases import certificates
from lawtrail.cases.models import Case, StepRecord
from lawtrail.cases.procedures import PROCEDURES

from . import actions, probe as prober
from .models import AvRecord, Device

OUTCOMES = {"imported": "已导入并关联案件", "unmatched": "未匹配", "ambiguous": "多个案件", "skipped": "已跳过",
            "failed": "失败"}
SYSTEM_NAMES = frozenset({"thumbs.db", "desktop.ini", "ehthumbs.db", "system volume information", "$recycle.bin",
                          "recycler", "found.000", "lost+found"})
FUTURE_SKEW = timedelta(minutes=5)


@dataclass
class Item:
    """What became of one file of the folder."""

    path: str  # relative to the folder, with "/"
    outcome: str  # a key of OUTCOMES
    reason: str = ""  # in Chinese
    size: int = 0
    record: int | None = None  # the AvRecord's id (imported, unmatched, ambiguous)
    cases: tuple[str, ...] = ()  # the case number it was linked to, or the candidates of an ambiguous clip
    capture_start: datetime | None = None  # corrected
    file_capture_start: datetime | None = None  # as the file states it (the device's clock)

    @property
    def label(self) -> str:
        return OUTCOMES[self.outcome]


@dataclass
class DockReport:
    device: str  # serial
    directory: Path
    docked_at: datetime
    clock_offset_seconds: int | None  # the one applied (device minus true time)
    items: list[Item] = field(default_factory=list)
    seconds: float = 0.0

    def _of(self, outcome: str) -> list[Item]:
        return [i for i in self.items if i.outcome == outcome]

    @property
    def imported(self) -> list[Item]:
        return self._of("imported")

    @property
    def unmatched(self) -> list[Item]:
        return self._of("unmatched")

    @property
    def ambiguous(self) -> list[Item]:
        return self._of("ambiguous")

    @property
    def skipped(self) -> list[Item]:
        return self._of("skipped")

    @property
    def failed(self) -> list[Item]:
        return self._of("failed")

    @property
    def files(self) -> int:
        return len(self.items)

    @property
    def bytes(self) -> int:
        """Size of every file looked at (skipped and failed included)."""
        return sum(i.size for i in self.items)

    @property
    def bytes_recorded(self) -> int:
        return sum(i.size for i in self.items if i.record is not None)

    @property
    def complete(self) -> bool:
        """Every file is recorded with its case, or was skipped: nothing for a person to do."""
        return not (self.failed or self.unmatched or self.ambiguous)


@dataclass(frozen=True)
class Progress:
    files_done: int
    files_total: int
    bytes_done: int
    bytes_total: int
    current: str  # the file being read (relative path)
    finished: Item | None = None  # set when a file is done


class AlreadyImported(Exception):
    pass


# --- the import -----------------------------------------------------------------------------------

def import_dock(*, by: Staff, directory: str | os.PathLike, device: Device,
                progress: Callable[[Progress], None] | None = None, clock: datetime | None = None) -> DockReport:
    """Import ``directory`` (a dump of ``device``), acting as ``by``; ``clock`` is what the camera's
    clock read when it was docked (aware datetime), if someone read it.

    Raises ``Denied`` (``by`` may not import) or ``ValidationError`` (the folder, the device or the
    clock) before anything is written; after that, problems are per file, in the report."""
    actions.may_upload(by, None)
    certificates.require(by, timezone.localdate(), "导入执法记录仪")
    if device.bureau_id != by.bureau_id:
        raise Denied("不能导入其他机关的执法记录仪")
    root = Path(directory)
    if not root.is_dir():
        raise ValidationError({"directory": f"目录不存在或不是目录：{root}"})
    if device.assigned_to_id is None:
        raise ValidationError({"device": f"执法记录仪 {device.serial} 未配发给执法人员，无法确定拍摄人和所属案件；"
                                         "请先在设备登记中填写配发人员"})
    if clock is not None and timezone.is_naive(clock):
        raise ValidationError({"clock": "设备时钟读数须带时区"})
    started = time.monotonic()
    root = root.resolve()
    found, items = _walk(root)  # before the docking entry: an unreadable folder writes nothing
    device = actions.record_docking(by=by, device=device, device_clock=clock)
    officer = Staff.objects.get(pk=device.assigned_to_id)
    measured = (f"{_local(device.last_docked_at)} 接入时测得" if clock is not None
                else "此前接入时测得，本次接入未读取设备时钟")
    report = DockReport(device=device.serial, directory=root, docked_at=device.last_docked_at,
                        clock_offset_seconds=device.clock_offset_seconds, items=items)
    windows = _windows(officer)
    total_bytes = sum(size for _, _, size in found) + sum(i.size for i in items)
    total_files = len(found) + len(items)
    done_bytes = sum(i.size for i in items)
    done_files = len(items)

    def tell(current: str, finished: Item | None = None, read: int = 0) -> None:
        if progress is not None:
            progress(Progress(done_files, total_files, done_bytes + read, total_bytes, current, finished))

    for rel, path, size in found:
        tell(rel)
        try:
            item = _one(by, device, officer, windows, measured, rel, path, size,
                        on_read=lambda n: tell(rel, read=n))
        except Exception as e:  # noqa: BLE001 — one file's failure never stops the others
            item = Item(rel, "failed", _reason(e), size)
        report.items.append(item)
        done_files += 1
        done_bytes += size
        tell(rel, item)
    report.items.sort(key=lambda i: i.path)
    report.seconds = time.monotonic() - started
    return report


def _reason(e: Exception) -> str:
    if isinstance(e, ValidationError):
        return "；".join(e.messages)
    if isinstance(e, (Denied, prober.ProbeError)):
        return str(e)
    if isinstance(e, OSError):
        return f"无法读取文件：{e.strerror or e}"
    return f"导入出错（{type(e).__name__}）：{e}"


def _one(by: Staff, device: Device, officer: Staff, windows: list[_Window], measured: str, rel: str, path: Path,
         size: int, on_read: Callable[[int], None]) -> Item:
    try:
        seen = prober.probe(path)
    except prober.ProbeError as e:
        return Item(rel, "failed", f"不支持的文件：{e}", size)
    if seen.capture_start is None:
        return Item(rel, "failed", "文件中没有拍摄时间，无法按时间匹配案件；请通过上传页面填写拍摄时间后上传", size)
    if _recorded(device, path, size):
        return Item(rel, "skipped", "已导入", size)
    offset = device.clock_offset_seconds or 0
    outcome: dict = {}

    def decide(p: prober.Probe) -> tuple[prober.Probe, Case | None]:
        """From the stored bytes' facts: the corrected times, the case, the notes that say so."""
        start, end = _corrected(p.capture_start, offset), _corrected(p.capture_end, offset)
        notes = [f"执法记录仪接入导入：设备 {device.serial}，文件 {rel}"]
        if offset:
            notes.append(f"设备时钟偏差 {offset:+d} 秒（设备时间减标准时间，{measured}）："
                         f"文件记录的拍摄时间 {_local(p.capture_start)} 至 {_local(p.capture_end)}，"
                         f"已校正为 {_local(start)} 至 {_local(end)}")
        if start > timezone.now() + FUTURE_SKEW:
            notes.append("校正后的拍摄时间晚于导入时间：设备时钟或时区可能有误")
        if p.device_serial and p.device_serial != device.serial:
            notes.append(f"文件元数据中的设备编号为 {p.device_serial}，与接入设备 {device.serial} 不同")
        matches = [w for w in windows if w.active_at(start)]
        case = None
        numbers = tuple(w.number for w in matches)
        if len(matches) == 1:
            case = Case.objects.get(pk=matches[0].case_id)
            notes.append(f"按拍摄时间匹配到 {officer.name} 承办的案件 {numbers[0]}")
            outcome.update(outcome="imported", cases=numbers)
        elif matches:
            notes.append(f"拍摄时间在 {officer.name} 承办的多个案件期间（{'、'.join(numbers)}），未自动关联")
            outcome.update(outcome="ambiguous", cases=numbers, reason=f"多个案件：{'、'.join(numbers)}")
        else:
            notes.append(f"拍摄时间不在 {officer.name} 承办的任何案件期间，未关联案件")
            outcome.update(outcome="unmatched", reason="未匹配：拍摄时间不在配发人员承办的任何案件期间")
        outcome.update(capture_start=start, file_capture_start=p.capture_start)
        return dataclasses.replace(p, capture_start=start, capture_end=end, notes=(*p.notes, *notes)), case

    facts = {"source": "body_camera", "device": device, "recorded_by": officer}
    try:
        av = actions.ingest_file(by=by, source=path, case=None, facts=facts, decide=decide, on_read=on_read,
                                 before_write=lambda d: _not_yet_imported(device, d))
    except AlreadyImported:
        return Item(rel, "skipped", "已导入", size)
    return Item(rel, outcome["outcome"], outcome.get("reason", ""), size, av.pk, outcome.get("cases", ()),
                outcome["capture_start"], outcome["file_capture_start"])


def _corrected(t: datetime | None, offset: int) -> datetime | None:
    return t - timedelta(seconds=offset) if t is not None and offset else t


def _local(t: datetime | None) -> str:
    return timezone.localtime(t).isoformat(timespec="milliseconds") if t else "（无）"


def _recorded(device: Device, path: Path, size: int) -> bool:
    """Are these bytes recorded from this device already? Hashes only when a record of the device
    has the same size (a re-run), so a first import reads each file once."""
    same_size = set(AvRecord.objects.filter(device=device, blob__size=size).values_list("blob__sha256", flat=True))
    if not same_size:
        return False
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest() in same_size


def _not_yet_imported(device: Device, digests) -> None:
    """Under the ledger lock: two imports of one dump cannot both record a file."""
    if AvRecord.objects.filter(device=device, blob__sha256=digests.sha256).exists():
        raise AlreadyImported


# --- the folder -----------------------------------------------------------------------------------

def _hidden(name: str) -> bool:
    return name.startswith((".", "~$")) or name.lower() in SYSTEM_NAMES


def _walk(root: Path) -> tuple[list[tuple[str, Path, int]], list[Item]]:
    """(relative path, path to read, size) of each file to import, sorted; and the items already
    decided (hidden, system, not regular, links leading out of the folder, unreadable folders)."""
    found: list[tuple[str, Path, int]] = []
    items: list[Item] = []

    def unreadable(e: OSError) -> None:
        items.append(Item(_rel(root, Path(e.filename)) + "/", "failed", f"无法读取目录：{e.strerror}"))

    for dirpath, dirnames, filenames in os.walk(root, onerror=unreadable, followlinks=False):
        here = Path(dirpath)
        keep = []
        for d in sorted(dirnames):
            rel = _rel(root, here / d)
            if _hidden(d):
                items.append(Item(rel + "/", "skipped", "隐藏或系统目录，未进入"))
            elif (here / d).is_symlink():
                items.append(Item(rel + "/", "skipped", "符号链接目录，未进入"))
            else:
                keep.append(d)
        dirnames[:] = keep
        for name in sorted(filenames):
            full = here / name
            rel = _rel(root, full)
            try:
                st = os.lstat(full)
                if _hidden(name):
                    items.append(Item(rel, "skipped", "隐藏或系统文件", st.st_size))
                    continue
                if stat.S_ISLNK(st.st_mode):
                    target = Path(os.path.realpath(full))
                    if not target.is_relative_to(root):
                        items.append(Item(rel, "failed", "符号链接指向导入目录之外，未读取"))
                        continue
                    full, st = target, os.stat(target)
            except OSError as e:
                items.append(Item(rel, "failed", f"无法读取文件：{e.strerror}"))
                continue
            if not stat.S_ISREG(st.st_mode):
                items.append(Item(rel, "skipped", "不是普通文件"))
            else:
                found.append((rel, full, st.st_size))
    found.sort(key=lambda f: f[0])
    return found, items


def _rel(root: Path, p: Path) -> str:
    return p.relative_to(root).as_posix()


# --- cases by time --------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Window:
    case_id: int
    number: str
    started_at: datetime
    closed_at: datetime | None  # None: open

    def active_at(self, t: datetime) -> bool:
        return self.started_at <= t and (self.closed_at is None or self.closed_at >= t)


def _windows(officer: Staff) -> list[_Window]:
    """The active periods of every case ``officer`` handles, in two queries. A closed case closed
    when its final step counted as done (its time, or its approval's when one was needed);
    Case has no closing time of its own."""
    cases = list(Case.objects.filter(bureau_id=officer.bureau_id, handlers=officer)
                 .values_list("pk", "number", "procedure", "status", "started_at"))
    finals = {code: {s.code for s in p.finals} for code, p in PROCEDURES.items()}
    procedure = {pk: proc for pk, _, proc, _, _ in cases}
    closed_at: dict[int, datetime] = {}
    for case_id, step, approval, occurred, approved in (
            StepRecord.objects.filter(case__bureau_id=officer.bureau_id, case__handlers=officer, case__status="closed",
                                      approval__in=("not_needed", "approved"))
            .values_list("case_id", "step", "approval", "occurred_at", "approved_at")):
        if step in finals.get(procedure.get(case_id), ()):
            at = max(occurred, approved) if approval == "approved" and approved else occurred
            closed_at[case_id] = min(at, closed_at.get(case_id, at))
    # A closed case whose final step cannot be found is treated as open: better a clip offered to
    # two cases (a person chooses) than one silently refused.
    return sorted((_Window(pk, number, started, closed_at.get(pk) if status == "closed" else None)
                   for pk, number, _, status, started in cases), key=lambda w: (w.started_at, w.number))
