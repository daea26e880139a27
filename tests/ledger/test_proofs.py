"""lawtrail prove / verify-proof: a proof checked on another machine with no database, and only
against keys the checker trusts — never the keys the file brings along."""

import json
import os
import subprocess
import sys

import pytest
from django.core.management import call_command

from lawtrail.ledger import checkpoints, keys, note, proofs

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
    if "PYTHONPATH" in os.environ:  # which lawtrail to run (a worktree's); not a lawtrail setting
        env["PYTHONPATH"] = os.environ["PYTHONPATH"]
    return subprocess.run([sys.executable, "-m", "lawtrail.cli", "verify-proof", *args],
                          capture_output=True, text=True, env=env, cwd=cwd)


@pytest.fixture
def trust_file(tmp_path, capsys):
    """`lawtrail keys` as the bureau publishes it, kept as is by the checker."""
    call_command("keys")
    path = tmp_path / "trusted-keys.txt"
    path.write_text(capsys.readouterr().out, encoding="utf-8")
    return path


def trusted() -> dict[str, str]:
    return {v.name: v.pem() for v in keys.current().verifiers}


def test_a_proof_verifies_offline_without_a_database_against_the_published_fingerprints(proof_file, trust_file,
                                                                                        tmp_path):
    run = verify_proof_offline(str(proof_file), "--trust", str(trust_file), cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "账本来源：lawtrail.local/ledger" in run.stdout
    assert "条目 #13" in run.stdout and "结论：证明有效" in run.stdout
    assert not (tmp_path / "var").exists(), "the offline verifier created no data directory"


def test_without_a_trusted_key_a_proof_is_not_verified_whatever_keys_it_carries(proof_file, tmp_path):
    run = verify_proof_offline(str(proof_file), cwd=tmp_path)
    assert run.returncode == 1
    assert "证明文件自带的公钥不能证明任何事" in run.stdout and "--trust" in run.stdout
    assert "证明有效" not in run.stdout
    own = json.loads(proof_file.read_text())["public_keys"]["lawtrail.local/ledger"]
    assert proofs.fingerprint(own) in run.stdout, "the file's fingerprints are shown, to compare by hand"


def test_a_proof_forged_with_another_key_fails_against_the_pinned_fingerprints(proof_file, trust_file, tmp_path):
    # The forger changes the entry, rebuilds a one-leaf tree, signs it with a key of his own and
    # embeds that key under the bureau's key name.
    doc = json.loads(proof_file.read_text())
    forger = keys.load(tmp_path / "forger", "lawtrail.local/ledger", False)
    body = doc["entry"]["body"].replace("第 13 步", "第 99 步")
    from lawtrail.ledger import merkle
    cp = note.Checkpoint("lawtrail.local/ledger", 1, merkle.hash_leaf(body.encode()), "2026-11-22T00:00:00.000000Z")
    doc.update(entry={"seq": 0, "body": body}, tree_size=1, proof=[], checkpoint=note.sign(cp, forger.signers),
               public_keys={v.name: v.pem() for v in forger.verifiers})
    proof_file.write_text(json.dumps(doc, ensure_ascii=False))
    assert proofs.check(doc, doc["public_keys"])[0], "taken with its own keys, the forgery would pass"
    run = verify_proof_offline(str(proof_file), "--trust", str(trust_file), cwd=tmp_path)
    assert run.returncode == 1 and "证明有效" not in run.stdout
    assert "指纹都不相符" in run.stderr


def test_a_proof_for_an_altered_entry_fails(proof_file, trust_file, tmp_path):
    doc = json.loads(proof_file.read_text())
    doc["entry"]["body"] = doc["entry"]["body"].replace("第 13 步", "第 14 步")
    proof_file.write_text(json.dumps(doc, ensure_ascii=False))
    run = verify_proof_offline(str(proof_file), "--trust", str(trust_file), cwd=tmp_path)
    assert run.returncode == 1 and "不包含在" in run.stdout


def test_a_proof_checked_against_a_trusted_key_file_passes_and_against_another_key_fails(proof_file, tmp_path, settings):
    pub = settings.LAWTRAIL_KEYS_DIR / "ed25519.pub"
    ok = verify_proof_offline(str(proof_file), "--key", f"lawtrail.local/ledger={pub}", cwd=tmp_path)
    assert ok.returncode == 0 and "结论：证明有效" in ok.stdout
    other = keys.load(tmp_path / "other", "lawtrail.local/ledger", False).verifiers[0]
    (tmp_path / "other.pub").write_text(other.pem())
    bad = verify_proof_offline(str(proof_file), "--key", f"lawtrail.local/ledger={tmp_path / 'other.pub'}", cwd=tmp_path)
    assert bad.returncode == 1 and "结论：证明无效" in bad.stdout


def test_a_proof_of_another_log_is_refused_even_when_its_key_is_trusted(proof_file, tmp_path, settings):
    pub = settings.LAWTRAIL_KEYS_DIR / "ed25519.pub"
    run = verify_proof_offline(str(proof_file), "--key", f"lawtrail.local/ledger={pub}",
                               "--origin", "jinpu.gov.cn/wenlv/ledger", cwd=tmp_path)
    assert run.returncode == 1 and "没有账本 jinpu.gov.cn/wenlv/ledger 的可信公钥" in run.stdout


def test_a_checkpoint_naming_another_log_is_refused_though_the_signature_is_valid(proof_file, tmp_path, settings):
    doc = json.loads(proof_file.read_text())
    real, _, _ = note.parse(doc["checkpoint"])
    elsewhere = note.Checkpoint("jinpu.gov.cn/wenlv/ledger", real.size, real.root, real.time)
    doc["checkpoint"] = note.sign(elsewhere, keys.current().signers)  # the real key, another log's name
    proof_file.write_text(json.dumps(doc, ensure_ascii=False))
    pub = settings.LAWTRAIL_KEYS_DIR / "ed25519.pub"
    run = verify_proof_offline(str(proof_file), "--key", f"lawtrail.local/ledger={pub}", cwd=tmp_path)
    assert run.returncode == 1
    assert "该证明属于另一个账本（jinpu.gov.cn/wenlv/ledger），而不是 lawtrail.local/ledger" in run.stdout


def test_the_origin_pinned_in_the_trust_file_cannot_be_contradicted(proof_file, trust_file, tmp_path):
    run = verify_proof_offline(str(proof_file), "--trust", str(trust_file), "--origin", "other.gov.cn/ledger",
                               cwd=tmp_path)
    assert run.returncode == 2 and "与信任文件中的账本来源 lawtrail.local/ledger 不一致" in run.stderr


def test_a_hand_written_trust_file_of_names_and_fingerprints_works(proof_file, tmp_path):
    pem = trusted()["lawtrail.local/ledger"]
    path = tmp_path / "pins.txt"
    path.write_text(f"origin lawtrail.local/ledger\nlawtrail.local/ledger {proofs.fingerprint(pem)}\n")
    assert verify_proof_offline(str(proof_file), "--trust", str(path), cwd=tmp_path).returncode == 0
    path.write_text("lawtrail.local/ledger 0123456789abcdef\n")  # a short, guessable fingerprint is no pin
    run = verify_proof_offline(str(proof_file), "--trust", str(path), cwd=tmp_path)
    assert run.returncode == 2 and "无法识别的行" in run.stderr


def test_proving_an_entry_newer_than_the_latest_checkpoint_issues_a_covering_checkpoint():
    fill(5)
    checkpoints.issue()
    fill(3)
    doc = checkpoints.inclusion(6)
    assert doc["tree_size"] == 8
    ok, lines = proofs.check(doc, trusted())
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
        assert proofs.check(doc, trusted())[0], seq
        doc["entry"]["seq"] = (seq + 1) % 33
        assert not proofs.check(doc, trusted())[0]
