"""lawtrail verify re-hashes the stored originals and names each one whose bytes changed or that
is gone (issue #5, "Fixity"); --sample checks part of them."""

import io
import os

import pytest
from django.core.management import call_command

from lawtrail.ledger import verify
from lawtrail.media.models import Blob
from lawtrail.media.storage import get_store

from .samples import samples, write_jpeg  # noqa: F401 (fixture)
from .test_ingest import upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_in_tmp")]


def stored_file(av):
    return get_store().path(av.blob.sha256)


def test_intact_originals_pass_and_are_counted(org, samples):
    av, _ = upload(org.zhang, org.case(), samples.photo)
    report = verify.run()
    assert report.ok and report.counts["media_objects"] == 2  # the photo and its thumbnail
    assert report.counts["media_bytes"] >= av.blob.size


def test_bytes_no_record_names_are_counted_not_called_tampering(org, samples, tmp_path):
    from lawtrail.media.digests import hash_file

    upload(org.zhang, org.case(), samples.photo)
    stray = write_jpeg(tmp_path / "stray.jpg", when="2024:06:01 08:00:00")
    get_store().put_file(stray, hash_file(stray))  # as if a completion crashed before its commit
    report = verify.run()
    assert report.ok and report.counts["media_unrecorded"] == 1
    assert report.notes["media_unrecorded"] == [hash_file(stray).sha256]


def test_a_changed_original_is_named_with_what_differs(org, samples):
    av, _ = upload(org.zhang, org.case(), samples.photo)
    path = stored_file(av)
    os.chmod(path, 0o644)
    data = bytearray(path.read_bytes())
    data[-3] ^= 0xFF  # one byte flipped, same size
    path.write_bytes(bytes(data))
    report = verify.run()
    [p] = report.problems
    assert p.kind == "object_changed" and av.blob.sha256 in p.where and "SHA-256、SM3" in p.message


def test_a_missing_original_is_named(org, samples):
    av, _ = upload(org.zhang, org.case(), samples.photo)
    os.unlink(stored_file(av))
    [p] = verify.run().problems
    assert p.kind == "object_missing" and av.blob.sha256 in p.where


def test_a_sample_checks_that_many_objects_and_says_so(org, samples, tmp_path):
    case = org.case()
    for i in range(3):
        upload(org.zhang, case, write_jpeg(tmp_path / f"p{i}.jpg", when=f"2024:05:0{i + 1} 08:00:00"))
    out = io.StringIO()
    call_command("verify", "--sample", "2", stdout=out)
    assert "音像原件复核：2 个对象" in out.getvalue() and "（抽查）" in out.getvalue()
    blobs = Blob.objects.count()  # three photos; their identical thumbnails are stored once
    assert blobs == 4 and verify.run(options={"media_sample": 0.5}).counts["media_objects"] == 2
    assert "media_objects" not in verify.run(options={"media": False}).counts
