"""Signed checkpoints: issued on demand and when the log grows, verifiable with plain openssl."""

import base64
import os
import stat
import subprocess

import pytest
from django.core.management import call_command

from lawtrail.ledger import checkpoints, keys, merkle, note, store
from lawtrail.ledger.models import Checkpoint, Entry

from .helpers import fill

pytestmark = pytest.mark.django_db


def openssl_verifies(tmp_path, text: str, key_name: str, pub: str, *extra: str) -> bool:
    """The README's procedure, step by step."""
    body = text.split("\n\n")[0] + "\n"
    line = next(l for l in text.splitlines() if l.startswith(f"— {key_name} "))
    (tmp_path / "body.txt").write_bytes(body.encode())
    (tmp_path / "sig.bin").write_bytes(base64.b64decode(line.split(" ")[2])[4:])
    run = subprocess.run(["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", pub, "-rawin", *extra,
                          "-in", str(tmp_path / "body.txt"), "-sigfile", str(tmp_path / "sig.bin")],
                         capture_output=True, text=True)
    return run.returncode == 0 and "Verified Successfully" in run.stdout


def test_a_checkpoint_states_origin_size_root_and_time_and_verifies_with_openssl(settings, tmp_path):
    fill(10)
    cp = checkpoints.issue()
    parsed, sigs, _ = note.parse(cp.note)
    assert (parsed.origin, parsed.size, parsed.root) == ("lawtrail.local/ledger", 10, store.root(10))
    assert parsed.root == merkle.root([merkle.hash_leaf(b.encode()) for b in
                                       Entry.objects.order_by("seq").values_list("body", flat=True)])
    pub = str(settings.LAWTRAIL_KEYS_DIR / "ed25519.pub")
    assert openssl_verifies(tmp_path, cp.note, "lawtrail.local/ledger", pub)
    tampered = cp.note.replace("\n10\n", "\n11\n")
    assert not openssl_verifies(tmp_path, tampered, "lawtrail.local/ledger", pub)


def test_with_sm2_enabled_a_checkpoint_carries_an_sm2_signature_that_openssl_verifies(settings, tmp_path):
    settings.LAWTRAIL_SM2 = True
    fill(3)
    cp = checkpoints.issue()
    names = [s.name for s in note.parse(cp.note)[1]]
    assert names == ["lawtrail.local/ledger", "lawtrail.local/ledger#sm2"]
    pub = str(settings.LAWTRAIL_KEYS_DIR / "sm2.pub")
    assert openssl_verifies(tmp_path, cp.note, "lawtrail.local/ledger#sm2", pub,
                            "-digest", "sm3", "-pkeyopt", "distid:1234567812345678")


def test_checkpoints_from_before_sm2_was_enabled_still_verify(settings):
    fill(2)
    checkpoints.issue()
    settings.LAWTRAIL_SM2 = True
    keys.load.cache_clear()
    fill(2)
    checkpoints.issue()
    from lawtrail.ledger import verify
    assert verify.run().ok


def test_the_signing_key_is_created_once_with_owner_only_permissions(settings):
    first = keys.current()
    path = settings.LAWTRAIL_KEYS_DIR / "ed25519.key"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    keys.load.cache_clear()
    assert keys.current().verifiers[0].pem() == first.verifiers[0].pem(), "a restart reuses the key"


def test_automatic_checkpoints_are_issued_only_when_the_log_has_grown():
    fill(4)
    assert checkpoints.issue(only_if_grown=True).size == 4
    assert checkpoints.issue(only_if_grown=True) is None
    fill(1)
    assert checkpoints.issue(only_if_grown=True).size == 5
    assert list(Checkpoint.objects.values_list("size", flat=True)) == [4, 5]


def test_the_worker_issues_a_checkpoint_when_the_log_has_grown_and_not_otherwise(capsys):
    fill(3)
    call_command("worker", "--once")
    call_command("worker", "--once")
    out = capsys.readouterr().out
    rules = "规则检查：重新检查 0 件案件，发送 0 条提醒、0 份每日汇总"  # no case: nothing to re-check or remind
    assert out.splitlines() == ["已签发检查点", "已生成 0 个播放副本", rules, "账本未增长，无需签发", "已生成 0 个播放副本", rules]
    assert Checkpoint.objects.get().size == 3


def test_the_checkpoint_command_prints_the_signed_text(capsys):
    fill(6)
    call_command("checkpoint")
    out = capsys.readouterr().out
    cp, sigs = note.verify(out, keys.current().verifiers)
    assert cp.size == 6 and note.accepted(sigs, keys.current().required)


@pytest.mark.parametrize("mangle, words", [
    (lambda t: t.replace("\n\n", "\n"), "空行"),
    (lambda t: t.replace("time ", "when "), "时间"),
    (lambda t: t.split("\n\n")[0] + "\n\n", "没有签名"),
    (lambda t: t.replace("\n7\n", "\n07\n"), "条目数"),
])
def test_malformed_checkpoint_text_is_refused_with_a_reason(mangle, words):
    fill(7)
    text = checkpoints.issue().note
    with pytest.raises(note.NoteError, match=words):
        note.parse(mangle(text))
