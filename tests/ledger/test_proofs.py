"""lawtrail prove / verify-proof: a proof checked on another machine with no database."""

import json
import os
import subprocess
import sys

import pytest
from django.core.management import call_command

from lawtrail.ledger import checkpoints, proofs

from .helpers import fill

pytestmark = pytest.mark.django_db


@pytest.fixture
def proof_file(tmp_path, capsys):
    fill(21)
    checkpoints.issue()
    call_command("prove", "13")
    path = tmp_path / "proof.json"
    path.write_text(capsys.readouterr().out, encoding="utf-8")
    return path


def verify_proof_offline(*args, cwd):
    """Run the verifier as a court's expert would: no lawtrail settings, database or data dir."""
    env = {"PATH": os.environ["PATH"], "HOME": str(cwd)}
    return subprocess.run([sys.executable, "-m", "lawtrail.cli", "verify-proof", *args],
                          capture_output=True, text=True, env=env, cwd=cwd)


def test_a_proof_verifies_offline_without_a_database(proof_file, tmp_path):
    run = verify_proof_offline(str(proof_file), cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "条目 #13" in run.stdout and "结论：证明有效" in run.stdout
    assert not (tmp_path / "var").exists(), "the offline verifier created no data directory"


def test_a_proof_for_an_altered_entry_fails(proof_file, tmp_path):
    doc = json.loads(proof_file.read_text())
    doc["entry"]["body"] = doc["entry"]["body"].replace("第 13 步", "第 14 步")
    proof_file.write_text(json.dumps(doc, ensure_ascii=False))
    run = verify_proof_offline(str(proof_file), cwd=tmp_path)
    assert run.returncode == 1 and "不包含在" in run.stdout


def test_a_proof_checked_against_a_trusted_key_file_passes_and_against_another_key_fails(proof_file, tmp_path, settings):
    pub = settings.LAWTRAIL_KEYS_DIR / "ed25519.pub"
    ok = verify_proof_offline(str(proof_file), "--key", f"lawtrail.local/ledger={pub}", cwd=tmp_path)
    assert ok.returncode == 0 and "文件自带的公钥" not in ok.stdout
    from lawtrail.ledger import keys
    other = keys.load(tmp_path / "other", "lawtrail.local/ledger", False).verifiers[0]
    (tmp_path / "other.pub").write_text(other.pem())
    bad = verify_proof_offline(str(proof_file), "--key", f"lawtrail.local/ledger={tmp_path / 'other.pub'}", cwd=tmp_path)
    assert bad.returncode == 1 and "结论：证明无效" in bad.stdout


def test_proving_an_entry_newer_than_the_latest_checkpoint_issues_a_covering_checkpoint():
    fill(5)
    checkpoints.issue()
    fill(3)
    doc = checkpoints.inclusion(6)
    assert doc["tree_size"] == 8
    ok, lines = proofs.check(doc)
    assert ok, lines


def test_proving_a_sequence_number_that_does_not_exist_is_a_clear_error():
    from django.core.management.base import CommandError
    fill(2)
    with pytest.raises(CommandError, match="没有序号为 9 的条目"):
        call_command("prove", "9")


def test_every_entry_of_a_tree_has_a_valid_proof_and_none_verifies_at_another_index():
    fill(33)
    for seq in range(33):
        doc = checkpoints.inclusion(seq)
        assert proofs.check(doc)[0], seq
        doc["entry"]["seq"] = (seq + 1) % 33
        assert not proofs.check(doc)[0]
