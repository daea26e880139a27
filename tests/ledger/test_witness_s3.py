"""The S3 witness against a real SeaweedFS server (the media tests' fixture): create-once writes,
the newest checkpoint found first, and `lawtrail verify` catching a rollback with only the bucket."""

import pytest

from lawtrail.config import S3Config
from lawtrail.ledger import witness
from lawtrail.ledger.models import Checkpoint
from tests.media.conftest import seaweedfs  # noqa: F401 — the session's SeaweedFS server

from .helpers import drop_triggers, fill, issue_witnessed
from .test_witness import restore_older_copy, run_verify

pytestmark = pytest.mark.django_db


@pytest.fixture
def bucket(seaweedfs):  # noqa: F811
    return S3Config(endpoint=seaweedfs.endpoint, bucket=seaweedfs.new_bucket(), region=seaweedfs.region,
                    access_key=seaweedfs.access_key, secret_key=seaweedfs.secret_key)


def s3_witness(cfg: S3Config) -> witness.S3Witness:
    return witness.S3Witness(endpoint=cfg.endpoint, bucket=cfg.bucket, access_key=cfg.access_key,
                             secret_key=cfg.secret_key, region=cfg.region)


def test_a_name_in_the_witness_bucket_is_written_once_and_never_replaced(bucket):
    w = s3_witness(bucket)
    first = witness.name(12, b"\x01" * 32)
    assert w.create(first, "第一次") is True
    assert w.create(first, "第二次") is False
    assert w.read(first) == "第一次"


def test_the_newest_checkpoint_in_the_bucket_is_found_first(bucket):
    w = s3_witness(bucket)
    for size in (5, 120, 3, 1000, 99):
        w.create(witness.name(size, bytes([size % 256]) * 32), f"{size}")
    assert w.newest().size == 1000
    assert [x.size for x in w.listing()] == [1000, 120, 99, 5, 3]


def test_with_only_a_witness_bucket_verify_catches_a_restored_older_database(bucket, settings, capsys):
    settings.LAWTRAIL_WITNESS_DIR = None
    settings.LAWTRAIL_WITNESS_S3 = bucket
    fill(20)
    issue_witnessed()
    fill(17)
    issue_witnessed()
    assert [x.size for x in s3_witness(bucket).listing()] == [37, 20]
    assert s3_witness(bucket).read(s3_witness(bucket).newest().name) == Checkpoint.objects.get(size=37).note
    code, out = run_verify(capsys)
    assert code == 0, out
    drop_triggers()
    restore_older_copy(20)
    code, out = run_verify(capsys)
    assert code == 1
    assert f"见证存储桶 {bucket.bucket}" in out and "记录了 37 条，但账本只有 20 条：账本被回滚" in out


def test_a_witness_bucket_refusing_the_key_is_reported_not_a_crash(bucket, settings, capsys):
    fill(3)
    issue_witnessed()
    settings.LAWTRAIL_WITNESS_S3 = S3Config(endpoint=bucket.endpoint, bucket=bucket.bucket, region=bucket.region,
                                            access_key=bucket.access_key, secret_key="wrong-secret-key-000000")
    code, out = run_verify(capsys)
    assert code == 1
    assert f"见证存储桶 {bucket.bucket}" in out and "拒绝访问" in out and "wrong-secret" not in out
