"""Witnessed checkpoints: each checkpoint also goes, create-once, to a place outside the database,
and `lawtrail verify` holds the log against it — so restoring an older database, cutting the newest
entries or rewriting and re-signing the log with the real key is caught without `--against`."""

import os
import stat

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase

from lawtrail.ledger import checkpoints, store, verify, witness
from lawtrail.ledger.models import Checkpoint

from .helpers import drop_triggers, fill, issue_witnessed, sql

pytestmark = pytest.mark.django_db


def run_verify(capsys) -> tuple[int, str]:
    """The real `lawtrail verify`, as an operator runs it: no options."""
    try:
        call_command("verify", "--no-media")
        code = 0
    except SystemExit as e:
        code = e.code
    return code, capsys.readouterr().out


@pytest.fixture
def witnessed_log(settings):
    """37 entries; checkpoints at 20 and 37, each written to the witness directory as issued."""
    fill(20)
    issue_witnessed()
    fill(17, subject="case:demo-2")
    issue_witnessed()
    drop_triggers()
    return witness.DirWitness(settings.LAWTRAIL_WITNESS_DIR)


def restore_older_copy(size: int) -> None:
    """What the database looks like after restoring a backup taken at ``size`` entries."""
    sql("DELETE FROM ledger_entry WHERE seq >= %s", [size])
    sql("DELETE FROM ledger_node WHERE key >= %s", [size * 64])
    sql("DELETE FROM ledger_tile WHERE key >= %s", [size * 64])
    sql("DELETE FROM ledger_checkpoint WHERE size > %s", [size])
    store.forget_cached_tree()


def rewrite_history(entries: int) -> None:
    """An insider wipes the log and replays another history through the real code, real key included."""
    for table in ("ledger_checkpoint", "ledger_tile", "ledger_node", "ledger_entry"):
        sql(f"DELETE FROM {table}")
    store.forget_cached_tree()
    fill(entries, subject="case:rewritten")


# -- writing -------------------------------------------------------------------------------------


def test_each_checkpoint_is_written_to_the_witness_directory_as_it_is_issued(witnessed_log):
    cps = list(Checkpoint.objects.order_by("size"))
    files = sorted(os.listdir(witnessed_log.path))
    assert files == sorted(witness.name(cp.size, bytes(cp.root)) for cp in cps)
    for cp in cps:
        path = witnessed_log.path / witness.name(cp.size, bytes(cp.root))
        assert path.read_text(encoding="utf-8") == cp.note
        mode = stat.S_IMODE(os.stat(path).st_mode)
        assert mode & 0o222 == 0, "read-only once written"
        assert mode & 0o077 == 0, "like every file under the data dir, not readable by other users"
    assert witnessed_log.newest().size == 37, "the newest checkpoint is found first"


def test_a_second_checkpoint_of_the_same_size_leaves_the_witnessed_file_as_it_was(witnessed_log):
    first = (witnessed_log.path / witnessed_log.newest().name).read_text()
    issue_witnessed()  # the same 37 entries, a later time
    assert len(os.listdir(witnessed_log.path)) == 2
    assert (witnessed_log.path / witnessed_log.newest().name).read_text() == first


def test_a_witness_file_is_never_replaced(tmp_path):
    w = witness.DirWitness(tmp_path / "w")
    assert w.create("checkpoint-x.txt", "first") is True
    assert w.create("checkpoint-x.txt", "second") is False
    assert (tmp_path / "w" / "checkpoint-x.txt").read_text() == "first"
    assert os.listdir(tmp_path / "w") == ["checkpoint-x.txt"], "no temporary file is left behind"


def test_issuing_after_a_rollback_refuses_to_hand_the_witness_a_shorter_log(witnessed_log):
    restore_older_copy(20)
    fill(5)
    with pytest.raises(witness.WitnessError, match="账本被回滚"):
        issue_witnessed()
    assert witnessed_log.newest().size == 37, "nothing was written over or beside the witnessed history"
    assert len(witnessed_log.listing()) == 2


def test_issuing_after_a_rewrite_refuses_to_hand_the_witness_the_new_history(witnessed_log):
    rewrite_history(40)
    with pytest.raises(witness.WitnessError, match="一致性证明失败"):
        issue_witnessed()
    assert [x.size for x in witnessed_log.listing()] == [37, 20]


def test_the_worker_writes_the_latest_checkpoint_to_a_witness_that_lacks_it(settings):
    fill(4)
    checkpoints.issue()  # inside this test's transaction: never committed, so never witnessed
    w = witness.DirWitness(settings.LAWTRAIL_WITNESS_DIR)
    assert w.newest() is None
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert checkpoints.issue(only_if_grown=True) is None, "the log has not grown: no new checkpoint"
    assert w.newest().size == 4


def test_the_checkpoint_command_fails_saying_the_witness_could_not_be_written(settings, tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    settings.LAWTRAIL_WITNESS_DIR = blocker
    fill(2)
    with pytest.raises(CommandError, match="检查点已签发并保存在数据库中，但未能写入见证") as e:
        call_command("checkpoint")
    assert f"见证目录 {blocker} 无法读取" in str(e.value)
    assert Checkpoint.objects.count() == 1


# -- lawtrail verify against the witness ---------------------------------------------------------


def test_an_intact_log_with_its_witnesses_verifies_with_exit_0(witnessed_log, capsys):
    fill(3)  # grown since the last checkpoint: still the continuation of what was witnessed
    code, out = run_verify(capsys)
    assert code == 0, out
    assert "2 个见证检查点，最新的记录了 37 条" in out and "✓ 完整" in out and "见证检查点均一致" in out


def test_restoring_an_older_copy_of_the_database_is_reported_as_a_rollback(witnessed_log, capsys):
    restore_older_copy(20)
    assert verify.run().ok, "on its own the restored copy is a consistent, properly signed log"
    code, out = run_verify(capsys)
    assert code == 1
    assert "见证处保存的检查点记录了 37 条，但账本只有 20 条：账本被回滚（恢复了旧的数据库副本，或删除了最新的条目）" in out


def test_deleting_the_newest_entries_is_reported_as_a_rollback(witnessed_log, capsys):
    sql("DELETE FROM ledger_entry WHERE seq >= 30")
    code, out = run_verify(capsys)
    assert code == 1
    assert "记录了 37 条，但账本只有 30 条：账本被回滚" in out


def test_deleting_the_newest_entries_and_every_trace_of_them_is_still_a_rollback(witnessed_log, capsys):
    restore_older_copy(30)  # entries, their tree nodes and the checkpoint at 37: all gone from the database
    code, out = run_verify(capsys)
    assert code == 1
    assert "记录了 37 条，但账本只有 30 条：账本被回滚" in out


def test_a_log_rewritten_and_resigned_with_the_real_key_is_reported_as_rewritten(witnessed_log, capsys):
    rewrite_history(40)
    with pytest.raises(witness.WitnessError):
        issue_witnessed()  # the honest path refuses; the insider then adds his own file to the witness
    cp = Checkpoint.objects.get()
    assert witnessed_log.create(witness.name(cp.size, bytes(cp.root)), cp.note)
    assert verify.run().ok, "on its own the rewritten log is self-consistent and properly signed"
    code, out = run_verify(capsys)
    assert code == 1
    assert "按现有条目重算的 20 条时的默克尔根与见证处保存的不同" in out and "账本被改写" in out
    assert "回滚" not in out


def test_a_witness_directory_that_cannot_be_read_is_reported_not_a_crash(witnessed_log, settings, tmp_path, capsys):
    blocker = tmp_path / "blocker"
    blocker.write_text("")
    settings.LAWTRAIL_WITNESS_DIR = blocker
    code, out = run_verify(capsys)
    assert code == 1
    assert f"✗ 见证目录 {blocker}：见证处无法读取" in out


def test_a_newest_witness_file_that_is_not_a_checkpoint_is_reported(witnessed_log, capsys):
    newest = witnessed_log.path / witnessed_log.newest().name
    newest.chmod(0o644)
    newest.write_text("这不是检查点\n", encoding="utf-8")
    code, out = run_verify(capsys)
    assert code == 1 and "见证检查点文本无效" in out


def test_a_witness_that_holds_nothing_while_the_database_has_checkpoints_is_reported(witnessed_log, settings,
                                                                                     tmp_path, capsys):
    settings.LAWTRAIL_WITNESS_DIR = tmp_path / "emptied"
    code, out = run_verify(capsys)
    assert code == 1
    assert "见证处没有任何检查点，而数据库中有 2 个" in out and "lawtrail checkpoint" in out


def test_a_new_log_with_no_checkpoint_yet_needs_no_witness(capsys):
    fill(3)
    code, out = run_verify(capsys)
    assert code == 0, out
    assert "尚无见证检查点" in out
