"""lawtrail verify: every kind of tampering an attacker with database access could try is named.

Each test first drops the append-only triggers (as an attacker with DDL rights would), then
tampers with raw SQL; the test's transaction undoes it all afterwards.
"""

import json

import pytest
from django.core.management import call_command

from lawtrail.ledger import checkpoints, note, verify
from lawtrail.ledger.entry import prepare, seal
from lawtrail.ledger.models import Checkpoint, Entry

from .helpers import drop_triggers, fill, issue_witnessed, sql

pytestmark = pytest.mark.django_db


@pytest.fixture
def log():
    """37 entries, checkpoints at 20 and at 37 entries, both also in the witness directory."""
    fill(20)
    issue_witnessed()
    fill(17, subject="case:demo-2")
    issue_witnessed()
    drop_triggers()


def problems():
    report = verify.run()
    return report, {(p.kind, p.seq) for p in report.problems}


def test_an_untouched_log_verifies_clean(log):
    report, found = problems()
    assert report.ok, report.problems
    ledger_counts = {k: report.counts[k] for k in ("entries", "nodes", "tiles", "checkpoints")}
    assert report.size == 37 and ledger_counts == {"entries": 37, "nodes": 2 * 37 - bin(37).count("1"), "tiles": 2,
                                                   "checkpoints": 2}


def test_an_edited_payload_is_named_by_its_sequence_number(log):
    sql("UPDATE ledger_entry SET body = replace(body, '第 5 步', '第 6 步') WHERE seq = 5")
    report, found = problems()
    assert {("hash_mismatch", 5), ("sm3_mismatch", 5)} <= found
    assert ("chain_broken", 6) in found, "the next entry no longer points at entry 5"
    assert any(p.kind == "checkpoint_root" for p in report.problems), "signed roots no longer match"
    assert not any(p.kind == "node_mismatch" for p in report.problems), "nodes above entry 5 are not noise"


def test_an_edited_stored_hash_is_named(log):
    sql("UPDATE ledger_entry SET hash = %s WHERE seq = 7", [b"\x01" * 32])
    report, found = problems()
    assert ("hash_mismatch", 7) in found
    assert len(report.problems) == 1


def test_an_edited_indexed_column_is_named_even_though_the_body_is_intact(log):
    sql("UPDATE ledger_entry SET subject = 'case:other' WHERE seq = 3")
    report, found = problems()
    assert found == {("columns_mismatch", 3)}


def test_a_deleted_entry_is_named(log):
    sql("DELETE FROM ledger_entry WHERE seq = 9")
    report, found = problems()
    assert ("entry_missing", 9) in found
    assert not any(p.seq == 10 for p in report.problems), "entry 10 itself is intact"


def test_two_swapped_entries_are_both_named(log):
    sql("UPDATE ledger_entry SET seq = -1 WHERE seq = 11")
    sql("UPDATE ledger_entry SET seq = 11 WHERE seq = 12")
    sql("UPDATE ledger_entry SET seq = 12 WHERE seq = -1")
    report, found = problems()
    assert {("columns_mismatch", 11), ("columns_mismatch", 12)} <= found


def test_an_entry_inserted_in_the_middle_is_detected(log):
    # Shift entries 15.. up by one and forge a well-formed entry 15 chained to entry 14.
    sql("UPDATE ledger_entry SET seq = seq + 1000 WHERE seq >= 15")
    sql("UPDATE ledger_entry SET seq = seq - 999 WHERE seq >= 1000")
    prev = bytes(Entry.objects.get(seq=14).hash)
    forged = seal(prepare(actor="user:1", action="cases.step_recorded", subject="case:demo-1", bureau=None,
                          payload={"step": 99}, max_bytes=65536), seq=15, time="2026-01-01T00:00:00.000000Z", prev=prev)
    sql("INSERT INTO ledger_entry (seq, subject, bureau, body, hash, sm3) VALUES (%s,%s,%s,%s,%s,%s)",
        [15, forged.subject, forged.bureau, forged.body, forged.hash, forged.sm3])
    report, found = problems()
    assert ("columns_mismatch", 16) in found, "the entry that was 15 now sits at 16 and says so"
    assert any(p.kind == "checkpoint_root" for p in report.problems)


def test_a_truncated_tail_is_detected(log):
    sql("DELETE FROM ledger_entry WHERE seq >= 30")
    report, found = problems()
    kinds = {p.kind for p in report.problems}
    assert "tail_truncated" in kinds
    assert any("37 条" in p.message for p in report.problems), "the checkpoint that saw 37 entries says so"


def test_an_edited_tree_node_is_named(log):
    sql("UPDATE ledger_node SET hash = %s WHERE key = (SELECT MIN(key) FROM ledger_node)", [b"\x02" * 32])
    report, found = problems()
    assert [p.kind for p in report.problems] == ["node_mismatch"]


def test_an_edited_tile_is_named(log):
    sql("UPDATE ledger_tile SET hashes = %s WHERE key = (SELECT MAX(key) FROM ledger_tile)", [b"\x03" * 992])
    report, found = problems()
    assert [p.kind for p in report.problems] == ["tile_mismatch"]


def test_a_deleted_tile_is_named(log):
    sql("DELETE FROM ledger_tile WHERE key = (SELECT MIN(key) FROM ledger_tile)")
    report, found = problems()
    assert [p.kind for p in report.problems] == ["tile_missing"]


def test_a_checkpoint_with_a_bad_signature_is_named(log):
    cp = Checkpoint.objects.order_by("id").first()
    forged = cp.note.replace("\n20\n", "\n21\n")
    sql("UPDATE ledger_checkpoint SET note = %s WHERE id = %s", [forged, cp.id])
    report, found = problems()
    assert any(p.kind == "checkpoint_signature" and f"#{cp.id}" in p.where for p in report.problems)


def test_a_checkpoint_signed_by_another_key_is_refused(log, tmp_path):
    from lawtrail.ledger import keys

    stranger = keys.load(tmp_path / "stranger", "lawtrail.local/ledger", False)
    cp = note.Checkpoint("lawtrail.local/ledger", 37, Checkpoint.objects.last().root, "2026-11-22T00:00:00.000000Z")
    Checkpoint.objects.create(size=37, root=cp.root, time=cp.time, note=note.sign(cp, stranger.signers))
    report, found = problems()
    assert [p.kind for p in report.problems] == ["checkpoint_signature"]


def test_a_log_rewritten_and_resigned_with_the_real_key_fails_against_an_outside_checkpoint(log):
    outside = Checkpoint.objects.order_by("id").last().note  # kept on paper by the superior bureau
    assert verify.run(against=outside).ok
    # The attacker wipes everything and replays a different history through the real code path.
    for table in ("ledger_checkpoint", "ledger_tile", "ledger_node", "ledger_entry"):
        sql(f"DELETE FROM {table}")
    fill(40, subject="case:rewritten")
    checkpoints.issue()
    assert verify.run().ok, "on its own the rewritten log is self-consistent and properly signed"
    report = verify.run(against=outside)
    assert [p.kind for p in report.problems] == ["against_inconsistent"]


def test_an_outside_checkpoint_with_more_entries_than_the_log_is_reported(log):
    outside = Checkpoint.objects.order_by("id").last().note
    sql("DELETE FROM ledger_entry WHERE seq >= 36")
    report = verify.run(against=outside)
    assert "against_truncated" in {p.kind for p in report.problems}


def test_the_command_exits_1_and_lists_problems_as_json(log, capsys):
    sql("UPDATE ledger_entry SET body = replace(body, '第 2 步', '第 3 步') WHERE seq = 2")
    with pytest.raises(SystemExit) as exit_:
        call_command("verify", "--json")
    assert exit_.value.code == 1
    out = json.loads(capsys.readouterr().out)
    assert out["ok"] is False and {"kind": "hash_mismatch", "seq": 2} .items() <= out["problems"][0].items()


def test_the_command_exits_0_when_intact_and_accepts_an_outside_checkpoint_file(log, tmp_path, capsys):
    path = tmp_path / "kept.txt"
    path.write_text(Checkpoint.objects.order_by("id").first().note, encoding="utf-8")
    fill(3)
    call_command("verify", "--against", str(path))
    assert "✓ 完整" in capsys.readouterr().out
