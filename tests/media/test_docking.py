"""Docking import of a body camera's dump folder (issue #5, "Body cameras"): every clip recorded,
its time corrected by the camera's clock offset, matched to the assigned officer's case by time,
the rest reported; running it again changes nothing; the command's summary and exit status."""

import io
import os
from datetime import UTC, timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from lawtrail.cases import actions as cases
from lawtrail.ledger import verify
from lawtrail.ledger.models import Entry
from lawtrail.media import actions, docking
from lawtrail.media.management.commands.import_dock import Display
from lawtrail.media.models import AvRecord, Blob

from .samples import write_video

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_in_tmp")]

FAST = 120  # the camera's clock runs two minutes ahead
H = timedelta(hours=1)


def clip(path: Path, true_start) -> Path:
    """A 1 s clip whose creation_time is what the fast camera's clock said at ``true_start``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    stamp = (true_start + timedelta(seconds=FAST)).astimezone(UTC)
    return write_video(path, seconds=1, size=(64, 48), audio=False,
                       metadata={"creation_time": stamp.strftime("%Y-%m-%dT%H:%M:%S.000000Z")})


class Dump:
    """The folder, made once per module; times are relative to ``now`` (whole seconds)."""

    def __init__(self, root: Path, outside: Path):
        self.now = now = timezone.now().replace(microsecond=0)
        self.root = root
        self.true = {  # relative path: true capture start
            "DCIM/100MEDIA/0001.MP4": now - 9.5 * H,  # while the closed case was open
            "DCIM/100MEDIA/0002.MP4": now - 8 * H,  # after it closed, before any other: 未匹配
            "DCIM/100MEDIA/0003.MP4": now - 5 * H,  # case A only
            "DCIM/101MEDIA/0004.MP4": now - 2 * H - timedelta(seconds=60),  # A only once corrected
            "DCIM/101MEDIA/0005.MP4": now - 1 * H,  # A and B: 多个案件
        }
        for rel, t in self.true.items():
            clip(root / rel, t)
        (root / "DCIM/notes.txt").write_text("电池电量 80%\n", encoding="utf-8")
        (root / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")
        os.symlink(outside, root / "DCIM/escape.mp4")

    def subset(self, root: Path, *names: str) -> Path:
        """A folder with some of the clips (by file name)."""
        for rel, t in self.true.items():
            if rel.rsplit("/", 1)[1] in names:
                clip(root / rel.rsplit("/", 1)[1], t)
        return root


@pytest.fixture(scope="module")
def dump(tmp_path_factory):
    outside = clip(tmp_path_factory.mktemp("elsewhere") / "secret.mp4", timezone.now() - 5 * H)
    d = Dump(tmp_path_factory.mktemp("dump"), outside)
    d.clean_root = d.subset(tmp_path_factory.mktemp("clean"), "0003.MP4")  # case A only
    d.pair_root = d.subset(tmp_path_factory.mktemp("pair"), "0003.MP4", "0004.MP4")
    return d


def walk_to_close(org, case, when):
    for _ in range(20):
        offered = cases.available_steps(case)
        if not offered:
            break
        cases.record_step(by=org.zhang, case=case, step=offered[0].code, handlers=[org.zhang, org.li], occurred_at=when)
        case.refresh_from_db()
    assert case.status == "closed"
    return case


@pytest.fixture
def setup(org, dump):
    """张伟's camera; his cases: closed X (10 h to 9 h ago), A (from 6 h ago), B (from 2 h ago); and
    李娜's case L (from 6 h ago) that he does not handle."""
    now = dump.now
    x = org.case(procedure="penalty_simple", emergency=True, emergency_reason="当场发现", started_at=now - 10 * H)
    walk_to_close(org, x, now - 9 * H)
    a = org.case(emergency=True, emergency_reason="当事人正在转移涉案物品", started_at=now - 6 * H)
    b = org.case(emergency=True, emergency_reason="现场演出正在进行", started_at=now - 2 * H)
    li = org.case(by=org.li, handlers=[org.li, org.head_a], emergency=True, emergency_reason="紧急",
                  started_at=now - 6 * H)
    device = actions.register_device(by=org.records, serial="DSJ-0001", model="DSJ-V9", unit=org.team_a,
                                     assigned_to=org.zhang)
    return {"x": x, "a": a, "b": b, "li": li, "device": device}


def run(org, dump, device, clock=True, root=None, progress=None):
    reading = timezone.now() + timedelta(seconds=FAST + 0.5) if clock else None
    return docking.import_dock(by=org.records, directory=root or dump.root, device=device, progress=progress,
                               clock=reading)


def entries(action: str) -> int:
    return sum(e.action == action for e in Entry.objects.all())


def outcomes(report):
    return {i.path: (i.outcome, i.cases) for i in report.items}


def test_a_dump_is_recorded_clip_by_clip_matched_by_corrected_time_and_the_rest_reported(org, dump, setup):
    x, a, b, device = setup["x"], setup["a"], setup["b"], setup["device"]
    seen = []
    report = run(org, dump, device, progress=seen.append)
    assert outcomes(report) == {
        ".DS_Store": ("skipped", ()),
        "DCIM/100MEDIA/0001.MP4": ("imported", (x.number,)),
        "DCIM/100MEDIA/0002.MP4": ("unmatched", ()),
        "DCIM/100MEDIA/0003.MP4": ("imported", (a.number,)),
        "DCIM/101MEDIA/0004.MP4": ("imported", (a.number,)),
        "DCIM/101MEDIA/0005.MP4": ("ambiguous", (a.number, b.number)),
        "DCIM/escape.mp4": ("failed", ()),
        "DCIM/notes.txt": ("failed", ()),
    }
    by_path = {i.path: i for i in report.items}
    assert by_path[".DS_Store"].reason == "隐藏或系统文件"
    assert "导入目录之外" in by_path["DCIM/escape.mp4"].reason
    assert by_path["DCIM/notes.txt"].reason.startswith("不支持的文件")
    assert "多个案件" in by_path["DCIM/101MEDIA/0005.MP4"].reason and b.number in by_path["DCIM/101MEDIA/0005.MP4"].reason
    assert by_path["DCIM/100MEDIA/0002.MP4"].reason.startswith("未匹配")
    assert not report.complete and report.files == 8 and report.bytes > 0

    # the docking and the clock offset: device minus true time
    device.refresh_from_db()
    assert device.clock_offset_seconds == FAST == report.clock_offset_seconds and device.last_docked_at
    assert entries("media.device_docked") == 1

    # five records: device, recorder, importer; corrected times, the file's own times in the notes
    records = {r.filename: r for r in AvRecord.objects.filter(device=device)}
    assert len(records) == 5
    for rel, true in dump.true.items():
        r = records[rel.rsplit("/", 1)[1]]
        assert (r.source, r.recorded_by, r.uploaded_by) == ("body_camera", org.zhang, org.records)
        assert r.capture_start == true and r.capture_end == true + timedelta(seconds=1)
        assert by_path[rel].file_capture_start == true + timedelta(seconds=FAST)
        notes = "\n".join(r.note_list)
        assert f"设备时钟偏差 +{FAST} 秒" in notes and timezone.localtime(
            true + timedelta(seconds=FAST)).isoformat(timespec="milliseconds") in notes and rel in notes
    assert records["0003.MP4"].case == a and records["0003.MP4"].label_case_number == a.number
    assert records["0001.MP4"].case == x and records["0002.MP4"].case is None and records["0005.MP4"].case is None
    assert "多个案件期间" in "".join(records["0005.MP4"].note_list)
    assert not AvRecord.objects.filter(case=setup["li"]).exists()  # 李娜's case: 张伟 is not a handler

    # progress: every file finished once, bytes counted up to the total
    finished = [p for p in seen if p.finished]
    assert [p.files_done for p in finished] == list(range(3, 9))  # hidden + escape decided while walking
    assert finished[-1].bytes_done == finished[-1].bytes_total == report.bytes
    assert verify.run().ok

    # an unmatched clip is linked to its case later, by a person
    actions.link(by=org.zhang, record_=records["0002.MP4"], case=a)
    assert AvRecord.objects.get(pk=records["0002.MP4"].pk).case == a


def test_without_the_clock_offset_the_times_are_the_files_own(org, dump, setup):
    report = run(org, dump, setup["device"], clock=False, root=dump.pair_root)
    assert report.clock_offset_seconds is None
    r = AvRecord.objects.get(filename="0004.MP4")
    assert r.capture_start == dump.true["DCIM/101MEDIA/0004.MP4"] + timedelta(seconds=FAST)
    assert r.case is None and outcomes(report)["0004.MP4"][0] == "ambiguous"  # now after B started
    assert not any("设备时钟偏差" in n for n in r.note_list)


def test_running_the_import_again_changes_nothing(org, dump, setup):
    device = setup["device"]
    run(org, dump, device)
    records, blobs = AvRecord.objects.count(), Blob.objects.count()
    recorded = entries("media.av_recorded")
    again = run(org, dump, device)
    media = [i for i in again.items if i.path.endswith(".MP4")]
    assert len(media) == 5 and all(i.outcome == "skipped" and i.reason == "已导入" for i in media)
    assert {i.path for i in again.failed} == {"DCIM/notes.txt", "DCIM/escape.mp4"}  # still not media
    assert (AvRecord.objects.count(), Blob.objects.count()) == (records, blobs)
    assert entries("media.av_recorded") == recorded
    assert entries("media.device_docked") == 2  # each docking is on record


def test_each_file_is_its_own_transaction(org, dump, setup, monkeypatch):
    """A crash after the record of one file is written: that file is not recorded at all, the
    others are, and the ledger and the rows still agree."""
    write = actions._write

    def crash(**kw):
        av = write(**kw)
        if av.filename == "0003.MP4":
            raise RuntimeError("断电")
        return av

    monkeypatch.setattr(docking.actions, "_write", crash)
    report = run(org, dump, setup["device"], root=dump.pair_root)
    assert [i.path for i in report.failed] == ["0003.MP4"] and "RuntimeError" in report.failed[0].reason
    assert list(AvRecord.objects.values_list("filename", flat=True)) == ["0004.MP4"]
    assert verify.run().ok


# --- the command ------------------------------------------------------------------------------------

def command(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_dock", *map(str, args), stdout=out, stderr=err)
        status = 0
    except SystemExit as e:
        status = e.code
    except CommandError as e:
        status, err = e.returncode, io.StringIO(str(e))
    return status, out.getvalue(), err.getvalue()


def test_the_command_reports_in_chinese_and_exits_1_when_something_is_left_to_do(org, dump, setup):
    a, b = setup["a"], setup["b"]
    reading = (timezone.now() + timedelta(seconds=FAST + 0.5)).isoformat()
    status, out, err = command(dump.root, "--device", "DSJ-0001", "--as", org.records.user.username,
                               "--device-clock", reading)
    assert status == 1
    assert f"设备时钟偏差 +{FAST} 秒" in out and "已导入并关联案件 3 个" in out and f"{a.number}：" in out
    assert "未匹配 1 个" in out and "DCIM/100MEDIA/0002.MP4" in out
    assert "多个案件 1 个" in out and f"{a.number}、{b.number}" in out
    assert "失败 2 个" in out and "DCIM/notes.txt：不支持的文件" in out
    assert "已跳过 1 个（隐藏或系统文件 1 个）" in out
    assert "结果：尚需处理（失败 2 个，未匹配 1 个，多个案件 1 个），退出码 1" in out
    lines = err.splitlines()  # not a terminal: one plain line per finished file
    assert len(lines) == 6 and lines[-1].startswith("[8/8] ") and all("MB/s" in x and "剩余约" in x for x in lines)


def test_the_command_exits_0_when_everything_is_recorded_or_skipped(org, dump, setup):
    args = (dump.clean_root, "--device", "DSJ-0001", "--as", org.records.user.username)
    status, out, _ = command(*args)
    assert status == 0 and "已导入并关联案件 1 个" in out and "结果：全部文件已导入并关联案件或已跳过" in out
    assert "设备时钟偏差未测定" in out
    status, out, _ = command(*args)
    assert status == 0 and "已跳过 1 个（已导入 1 个）" in out


def test_bad_arguments_exit_2_and_record_no_docking(org, dump, setup, tmp_path):
    records = org.records.user.username
    unassigned = actions.register_device(by=org.records, serial="DSJ-0099")
    cases_ = [
        ((dump.root, "--device", "NO-SUCH", "--as", records), "执法记录仪登记中没有设备"),
        ((tmp_path / "missing", "--device", "DSJ-0001", "--as", records), "目录不存在"),
        ((dump.root, "--device", "DSJ-0001", "--as", "nobody"), "没有可用的账号"),
        ((dump.root, "--device", "DSJ-0001", "--as", org.auditor.user.username), "无权导入"),
        ((dump.root, "--device", "DSJ-0001", "--as", records, "--device-clock", "昨天"), "设备时钟读数"),
        ((dump.root, "--device", unassigned.serial, "--as", records), "未配发给执法人员"),
    ]
    for args, message in cases_:
        status, _, err = command(*args)
        assert status == 2 and message in err, (args, err)
    assert entries("media.device_docked") == 0
    assert not AvRecord.objects.exists()


def test_the_progress_line_is_rewritten_on_a_terminal():
    out = io.StringIO()
    ticks = iter([0.0, 1.0, 1.05, 2.0])
    d = Display(out, tty=True, clock=lambda: next(ticks))
    d(docking.Progress(0, 2, 1 << 20, 4 << 20, "a.mp4"))
    d(docking.Progress(0, 2, 2 << 20, 4 << 20, "a.mp4"))  # 50 ms later: not redrawn
    d(docking.Progress(1, 2, 4 << 20, 4 << 20, "a.mp4", docking.Item("a.mp4", "unmatched")))
    d.close()
    text = out.getvalue()
    assert text.count("\r\x1b[K导入中") == 2 and text.endswith("\n")
    assert "1/2 个文件  4.0/4.0 MB  2.0 MB/s  剩余约 0:00:00" in text


def test_the_command_is_spelled_with_a_dash_as_the_readme_says(tmp_path):
    import os
    import subprocess
    import sys

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "lawtrail.settings", "LAWTRAIL_DATA_DIR": str(tmp_path)}
    run = subprocess.run([sys.executable, "-m", "lawtrail.cli", "import-dock", "--help"], env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and "--device" in run.stdout
