"""The media store's contract (lawtrail/media/storage/base.py), held against every backend: the local
filesystem and S3 (a real SeaweedFS server on loopback, see conftest.py)."""

from __future__ import annotations

import errno
import hashlib
import os
import signal
import stat
import subprocess
import sys
import threading
import time
import tracemalloc

import pytest
from botocore.exceptions import ClientError

from lawtrail.media.digests import Digests, HashingWriter, hash_stream
from lawtrail.media.storage import (DigestMismatch, ObjectMissing, OverwriteRefused, RangeNotSatisfiable, Store,
                                    StoreError, get_store)
from lawtrail.media.storage.filesystem import FilesystemStore
from lawtrail.media.storage.s3 import PROBE_KEY, S3Store

MiB = 1 << 20
INTERFACE = {"put_file", "adopt", "staging_dir", "exists", "size", "open", "read_range", "iter_objects"}


def write(path, data: bytes, piece: int = 100_003) -> Digests:
    """Write ``data`` the way an upload arrives (in pieces, hashed on the way); check the digests
    against hashlib's one-shot results."""
    with open(path, "wb") as f:
        w = HashingWriter(f)
        for i in range(0, len(data), piece):
            w.write(data[i:i + piece])
    d = w.digests()
    assert d == Digests(hashlib.sha256(data).hexdigest(), hashlib.new("sm3", data).hexdigest(), len(data))
    return d


def sample(tmp_path, data: bytes, name: str = "upload.bin"):
    path = tmp_path / name
    return path, write(path, data)


def read_all(f) -> bytes:
    with f:
        return f.read()


def s3_calls(store: S3Store, *operations: str) -> list[str]:
    """Record the S3 operations this store's client sends from now on."""
    seen = []
    for op in operations:
        store._client.meta.events.register(f"before-call.s3.{op}", lambda op=op, **_: seen.append(op))
    return seen


@pytest.fixture(params=["filesystem", "s3"])
def store(request, tmp_path):
    """An empty store of each backend: a directory of its own, or a bucket of its own."""
    if request.param == "filesystem":
        return FilesystemStore(tmp_path / "media")
    server = request.getfixturevalue("seaweedfs")
    return server.store(server.new_bucket())


# -- the contract, on both backends --------------------------------------------------------------


def test_round_trip_gives_back_the_same_bytes(store, tmp_path):
    data = os.urandom(300_000)
    path, d = sample(tmp_path, data)
    assert store.put_file(path, d) is True
    assert store.exists(d.sha256) and store.size(d.sha256) == len(data)
    assert read_all(store.open(d.sha256)) == data
    with store.open(d.sha256) as f:
        assert hash_stream(f, chunk_size=65536) == d
    assert path.read_bytes() == data  # put_file only reads the caller's file


def test_the_same_bytes_are_stored_once_and_left_alone(store, tmp_path):
    data = os.urandom(50_000)
    first, d = sample(tmp_path, data, "first.bin")
    second, d2 = sample(tmp_path, data, "second.bin")  # another upload of the same bytes
    assert d2 == d
    assert store.put_file(first, d) is True
    if isinstance(store, FilesystemStore):
        before = os.stat(store.path(d.sha256))
        assert stat.S_IMODE(before.st_mode) == 0o400
    else:
        before = store._client.head_object(Bucket=store.bucket, Key=f"objects/{d.sha256}")
        writes = s3_calls(store, "PutObject", "CreateMultipartUpload", "UploadPart")
    assert store.put_file(second, d) is False
    assert list(store.iter_objects()) == [(d.sha256, len(data))]
    if isinstance(store, FilesystemStore):
        after = os.stat(store.path(d.sha256))
        assert (after.st_ino, after.st_mtime_ns, after.st_nlink) == (before.st_ino, before.st_mtime_ns, 1)
        assert os.listdir(store.incoming) == []
    else:
        assert writes == []  # not even a conditional write was sent
        after = store._client.head_object(Bucket=store.bucket, Key=f"objects/{d.sha256}")
        assert (after["ETag"], after["LastModified"]) == (before["ETag"], before["LastModified"])


def test_two_writers_of_the_same_bytes_at_once_store_one_object(store, tmp_path):
    data = os.urandom(2 * MiB)
    paths = [tmp_path / f"w{i}.bin" for i in range(2)]
    d = [write(p, data) for p in paths][0]
    start, results = threading.Barrier(2), []

    def writer(p):
        start.wait()
        results.append(store.put_file(p, d))

    threads = [threading.Thread(target=writer, args=(p,)) for p in paths]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False, True]
    assert list(store.iter_objects()) == [(d.sha256, len(data))]
    assert read_all(store.open(d.sha256)) == data


@pytest.mark.parametrize("backend", ["filesystem", "s3"])
def test_a_writer_that_looked_too_early_is_refused_by_the_storage_itself(backend, tmp_path, request):
    """Between put_file's existence check and its write, another writer stores the object: the
    final step (link, or PUT with If-None-Match) finds the name taken and does not replace it."""
    if backend == "filesystem":
        store = FilesystemStore(tmp_path / "media")
    else:
        server = request.getfixturevalue("seaweedfs")
        store = server.store(server.new_bucket())
    data = os.urandom(100_000)
    path, d = sample(tmp_path, data)
    assert store.put_file(path, d) is True
    before = read_all(store.open(d.sha256))
    looks = []
    real = store._stored_size

    def stale_first_look(sha256):
        looks.append(sha256)
        return None if len(looks) == 1 else real(sha256)

    store._stored_size = stale_first_look
    if backend == "s3":
        assert store.conditional_writes is True  # SeaweedFS honours If-None-Match
        refused = s3_calls(store, "PutObject")
    assert store.put_file(path, d) is False
    assert len(looks) == 2  # it wrote, was refused, looked again
    if backend == "s3":
        assert refused == ["PutObject"]
    assert read_all(store.open(d.sha256)) == before
    assert list(store.iter_objects()) == [(d.sha256, len(data))]


def test_wrong_digests_are_refused_and_nothing_is_stored(store, tmp_path):
    data = os.urandom(10_000)
    path, d = sample(tmp_path, data)
    other = hashlib.sha256(b"other").hexdigest()
    with pytest.raises(DigestMismatch, match="SHA-256 不符"):
        store.put_file(path, Digests(other, d.sm3, d.size))
    with pytest.raises(DigestMismatch, match="大小与所给摘要不符"):
        store.put_file(path, Digests(d.sha256, d.sm3, d.size + 1))
    assert not store.exists(other) and not store.exists(d.sha256)
    assert list(store.iter_objects()) == []
    if isinstance(store, FilesystemStore):
        assert os.listdir(store.incoming) == []
    # Deduplication does not skip the check: a file claiming to be a stored object must be it.
    assert store.put_file(path, d) is True
    impostor, _ = sample(tmp_path, os.urandom(10_000), "impostor.bin")
    with pytest.raises(DigestMismatch):
        store.put_file(impostor, d)
    assert read_all(store.open(d.sha256)) == data


def test_an_existing_object_is_never_overwritten_even_to_repair_it(store, tmp_path):
    data = os.urandom(20_000)
    path, d = sample(tmp_path, data)
    damaged = data[:5000]  # say a truncated copy got there first, behind the store's back
    if isinstance(store, FilesystemStore):
        target = store.path(d.sha256)
        target.parent.mkdir(parents=True)
        target.write_bytes(damaged)
    else:
        store._client.put_object(Bucket=store.bucket, Key=f"objects/{d.sha256}", Body=damaged)
    with pytest.raises(OverwriteRefused) as refused:
        store.put_file(path, d)
    assert "拒绝覆盖" in str(refused.value) and d.sha256 in str(refused.value)
    assert read_all(store.open(d.sha256)) == damaged  # left for fixity to report, not rewritten
    assert list(store.iter_objects()) == [(d.sha256, len(damaged))]


def test_the_interface_has_no_way_to_delete_or_overwrite(store):
    def methods(cls):
        return {n for c in cls.__mro__ for n, v in vars(c).items() if not n.startswith("_") and callable(v)}

    assert methods(Store) == INTERFACE
    assert methods(type(store)) - {"path"} == INTERFACE  # FilesystemStore.path: where an object lives
    everything = {n for c in type(store).__mro__ for n in vars(c)} | set(vars(store))
    assert not [n for n in everything for word in ("delete", "remove", "unlink", "overwrite", "replace",
                                                    "rename", "truncate") if word in n.lower()]


def test_read_range_edges(store, tmp_path):
    data = bytes(range(256)) * 4  # 1024 bytes, every offset recognisable
    path, d = sample(tmp_path, data)
    store.put_file(path, d)
    sha = d.sha256
    for start, end in [(0, 1), (0, 1024), (1023, 1024), (100, 101), (10, 5000), (512, 1024), (0, 10**12)]:
        assert read_all(store.read_range(sha, start, end)) == data[start:end], (start, end)
    with store.read_range(sha, 1000, 2000) as f:  # read in pieces as an HTTP response would
        assert f.read(10) == data[1000:1010] and f.read() == data[1010:] and f.read() == b""
    for start, end in [(-1, 5), (5, 5), (6, 5), (0, 0)]:
        with pytest.raises(ValueError):
            store.read_range(sha, start, end)
    for start in (1024, 1025, 10**9):
        with pytest.raises(RangeNotSatisfiable, match="1024 字节"):
            store.read_range(sha, start, start + 10)
    with pytest.raises(ObjectMissing):
        store.read_range(hashlib.sha256(b"absent").hexdigest(), 0, 10)
    empty, e = sample(tmp_path, b"", "empty.bin")
    assert store.put_file(empty, e) is True and store.size(e.sha256) == 0
    assert read_all(store.open(e.sha256)) == b""
    with pytest.raises(RangeNotSatisfiable):
        store.read_range(e.sha256, 0, 1)


def test_iter_objects_lists_every_object_with_its_size(store, tmp_path):
    assert list(store.iter_objects()) == []
    expected = set()
    for i, n in enumerate([0, 1, 4096, 100_000]):
        path, d = sample(tmp_path, os.urandom(n), f"f{i}.bin")
        store.put_file(path, d)
        expected.add((d.sha256, n))
    if isinstance(store, FilesystemStore):  # leftovers of crashes and stray files are not objects
        (store.incoming / "0123.part").write_bytes(b"partial")
        (store.objects / "ab").mkdir(exist_ok=True)
        (store.objects / "ab" / "notes.txt").write_bytes(b"x")
    else:
        assert store.conditional_writes is True  # the probe wrote its object, outside objects/
        store._client.put_object(Bucket=store.bucket, Key="objects/not-a-hash", Body=b"x")
    assert set(store.iter_objects()) == expected
    assert len(list(store.iter_objects())) == 4


def test_missing_objects_and_bad_names(store):
    absent = hashlib.sha256(b"never stored").hexdigest()
    assert store.exists(absent) is False
    for read in (store.size, store.open):
        with pytest.raises(ObjectMissing, match="存储中没有对象"):
            read(absent)
    for bad in ("../../etc/passwd", absent.upper(), absent[:-1], absent + "0", "", None):
        with pytest.raises(ValueError, match="SHA-256"):
            store.exists(bad)
        with pytest.raises(ValueError):
            store.open(bad)


def test_a_large_file_streams_in_bounded_memory(store, tmp_path):
    """64 MiB in and out: multipart on S3, and memory far below the file's size either way."""
    path, size = tmp_path / "large.bin", 64 * MiB
    with open(path, "wb") as f:
        w = HashingWriter(f)
        for _ in range(size // MiB):
            w.write(os.urandom(MiB))
    d = w.digests()
    if isinstance(store, S3Store):
        parts = s3_calls(store, "UploadPart")
    tracemalloc.start()
    try:
        assert store.put_file(path, d) is True
        put_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.reset_peak()
        with store.open(d.sha256) as f:
            assert hash_stream(f) == d
        read_peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert put_peak < 32 * MiB, f"put_file peaked at {put_peak / MiB:.1f} MiB"
    assert read_peak < 32 * MiB, f"reading back peaked at {read_peak / MiB:.1f} MiB"
    assert store.size(d.sha256) == size
    if isinstance(store, S3Store):
        assert len(parts) == 4  # 16 MiB parts
        head = store._client.head_object(Bucket=store.bucket, Key=f"objects/{d.sha256}")
        assert head["ETag"].endswith('-4"')  # the object was assembled from a multipart upload


# -- adopt: a file the server staged and hashed itself ---------------------------------------------


def staged(store, data: bytes, name: str = "upload.part"):
    """An upload staged where the store wants it (the filesystem store: inside objects/.incoming)."""
    d = store.staging_dir()
    if d is None:
        return None, None
    d.mkdir(parents=True, exist_ok=True)
    return d / name, write(d / name, data)


def staged_anywhere(store, tmp_path, data: bytes, name: str = "upload.part"):
    path, d = staged(store, data, name)
    return (path, d) if path is not None else sample(tmp_path, data, name)


def test_adopt_stores_the_staged_file(store, tmp_path):
    data = os.urandom(300_000)
    path, d = staged_anywhere(store, tmp_path, data)
    before = os.stat(path)
    assert store.adopt(path, d) is True
    assert store.exists(d.sha256) and read_all(store.open(d.sha256)) == data
    assert list(store.iter_objects()) == [(d.sha256, len(data))]  # the staging file is not an object
    if isinstance(store, FilesystemStore):
        obj = os.stat(store.path(d.sha256))
        assert obj.st_ino == before.st_ino and obj.st_nlink == 2  # the file itself: no copy was made
        assert stat.S_IMODE(obj.st_mode) == 0o400 and stat.S_IMODE(os.stat(path).st_mode) == 0o400
        assert store.staging_dir().parent == store.incoming and obj.st_dev == os.stat(store.staging_dir()).st_dev
        os.unlink(path)  # the caller drops its own name for it; the object stays
        assert os.stat(store.path(d.sha256)).st_nlink == 1 and read_all(store.open(d.sha256)) == data
    else:
        assert path.read_bytes() == data  # S3 copies (put_file): the local file is only read


def test_adopt_stores_once_and_leaves_the_existing_object_and_the_file_alone(store, tmp_path):
    data = os.urandom(50_000)
    first, d = sample(tmp_path, data, "first.bin")
    assert store.put_file(first, d) is True
    if isinstance(store, FilesystemStore):
        before = os.stat(store.path(d.sha256))
    else:
        before = store._client.head_object(Bucket=store.bucket, Key=f"objects/{d.sha256}")
        writes = s3_calls(store, "PutObject", "CreateMultipartUpload", "UploadPart")
    second, d2 = staged_anywhere(store, tmp_path, data)  # another upload of the same bytes
    mode = stat.S_IMODE(os.stat(second).st_mode)
    assert store.adopt(second, d2) is False
    assert list(store.iter_objects()) == [(d.sha256, len(data))]
    assert stat.S_IMODE(os.stat(second).st_mode) == mode and os.stat(second).st_nlink == 1  # not touched
    if isinstance(store, FilesystemStore):
        after = os.stat(store.path(d.sha256))
        assert (after.st_ino, after.st_mtime_ns, after.st_nlink) == (before.st_ino, before.st_mtime_ns, 1)
    else:
        assert writes == []
        after = store._client.head_object(Bucket=store.bucket, Key=f"objects/{d.sha256}")
        assert (after["ETag"], after["LastModified"]) == (before["ETag"], before["LastModified"])


def test_adopt_never_replaces_an_object_even_to_repair_it(store, tmp_path):
    data = os.urandom(20_000)
    path, d = staged_anywhere(store, tmp_path, data)
    damaged = data[:5000]
    if isinstance(store, FilesystemStore):
        target = store.path(d.sha256)
        target.parent.mkdir(parents=True)
        target.write_bytes(damaged)
    else:
        store._client.put_object(Bucket=store.bucket, Key=f"objects/{d.sha256}", Body=damaged)
    with pytest.raises(OverwriteRefused):
        store.adopt(path, d)
    assert read_all(store.open(d.sha256)) == damaged
    assert list(store.iter_objects()) == [(d.sha256, len(damaged))]


def test_adopt_refuses_a_file_whose_size_is_not_the_digests(store, tmp_path):
    path, d = staged_anywhere(store, tmp_path, os.urandom(10_000))
    with pytest.raises(DigestMismatch, match="大小与所给摘要不符"):
        store.adopt(path, Digests(d.sha256, d.sm3, d.size + 1))
    assert not store.exists(d.sha256) and list(store.iter_objects()) == []
    if isinstance(store, FilesystemStore):
        assert stat.S_IMODE(os.stat(path).st_mode) & 0o200  # refused before it was made read-only


def test_two_adopters_of_the_same_bytes_at_once_store_one_object(store, tmp_path):
    data = os.urandom(2 * MiB)
    paths, digests = zip(*(staged_anywhere(store, tmp_path, data, f"w{i}.part") for i in range(2)))
    start, results = threading.Barrier(2), []

    def adopter(p):
        start.wait()
        results.append(store.adopt(p, digests[0]))

    threads = [threading.Thread(target=adopter, args=(p,)) for p in paths]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False, True]
    assert list(store.iter_objects()) == [(digests[0].sha256, len(data))]
    assert read_all(store.open(digests[0].sha256)) == data


def test_adopt_that_looked_too_early_finds_the_name_taken_and_does_not_replace_it(tmp_path):
    store = FilesystemStore(tmp_path / "media")
    data = os.urandom(100_000)
    first, d = staged(store, data, "first.part")
    assert store.adopt(first, d) is True
    second, _ = staged(store, data, "second.part")
    looks, real = [], store._stored_size

    def stale_first_look(sha256):
        looks.append(sha256)
        return None if len(looks) == 1 else real(sha256)

    store._stored_size = stale_first_look
    assert store.adopt(second, d) is False
    assert len(looks) == 2  # it linked, was refused, looked again
    obj = os.stat(store.path(d.sha256))
    assert obj.st_ino == os.stat(first).st_ino != os.stat(second).st_ino  # the first file is still the object


def test_adopt_failing_before_the_link_leaves_nothing_under_the_final_name(tmp_path, monkeypatch):
    store = FilesystemStore(tmp_path / "media")
    data = os.urandom(100_000)
    path, d = staged(store, data)

    def disk_error(src, dst, **kw):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "link", disk_error)
    with pytest.raises(OSError, match="Input/output"):
        store.adopt(path, d)
    monkeypatch.undo()
    assert not store.exists(d.sha256) and list(store.iter_objects()) == []
    assert sorted(os.listdir(store.incoming)) == ["uploads"]  # no temporary file either
    assert store.adopt(path, d) is True and read_all(store.open(d.sha256)) == data


def test_adopt_of_a_file_on_another_filesystem_copies_it(tmp_path, monkeypatch):
    """A staging directory that is not on the objects' filesystem (EXDEV): put_file after all."""
    store = FilesystemStore(tmp_path / "media")
    data = os.urandom(3 * MiB + 5)
    path, d = sample(tmp_path, data)
    real, calls = os.link, []

    def cross_device(src, dst, **kw):
        calls.append(src)
        if len(calls) == 1:
            raise OSError(errno.EXDEV, "Invalid cross-device link")
        return real(src, dst, **kw)

    monkeypatch.setattr(os, "link", cross_device)
    assert store.adopt(path, d) is True
    monkeypatch.undo()
    assert len(calls) == 2  # the link refused, then put_file's own link of its copy
    assert read_all(store.open(d.sha256)) == data
    assert os.stat(store.path(d.sha256)).st_ino != os.stat(path).st_ino and os.listdir(store.incoming) == []


# -- filesystem: crashes ---------------------------------------------------------------------------

_CHILD = """
import sys
from lawtrail.media.digests import Digests
from lawtrail.media.storage.filesystem import FilesystemStore
root, source, sha256, sm3, size = sys.argv[1:]
FilesystemStore(root).put_file(source, Digests(sha256, sm3, int(size)))
"""


def test_a_crash_in_the_middle_of_a_write_leaves_nothing_under_the_final_name(tmp_path):
    """A real crash: the writer is killed (SIGKILL) while it copies. The source is a FIFO we feed,
    so the kill lands mid-copy for certain."""
    store = FilesystemStore(tmp_path / "media")
    data = os.urandom(8 * MiB)
    full, d = sample(tmp_path, data)
    fifo = tmp_path / "upload.fifo"
    os.mkfifo(fifo)
    child = subprocess.Popen([sys.executable, "-c", _CHILD, str(store.root), str(fifo), d.sha256, d.sm3, str(d.size)])
    feed, deadline = None, time.monotonic() + 20
    try:
        while feed is None:  # open without blocking forever if the child never opens its end
            try:
                feed = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
            except OSError:  # ENXIO: no reader yet
                assert time.monotonic() < deadline and child.poll() is None, "the writer did not open its source"
                time.sleep(0.02)
        os.set_blocking(feed, True)
        view = memoryview(data)[: 3 * MiB]
        while view:
            view = view[os.write(feed, view):]
        while not any(p.stat().st_size >= MiB for p in store.incoming.glob("*.part")):
            assert time.monotonic() < deadline and child.poll() is None, "the writer did not start copying"
            time.sleep(0.02)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
    finally:
        if feed is not None:
            os.close(feed)
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == -signal.SIGKILL
    assert not store.path(d.sha256).exists() and not store.exists(d.sha256)
    assert list(store.iter_objects()) == []
    (partial,) = store.incoming.glob("*.part")  # what the crash left: a temporary file, not an object
    assert MiB <= partial.stat().st_size < len(data)
    assert store.put_file(full, d) is True  # and the upload can simply be done again
    assert read_all(store.open(d.sha256)) == data


def test_a_failure_before_the_object_is_named_leaves_no_trace(tmp_path, monkeypatch):
    store = FilesystemStore(tmp_path / "media")
    path, d = sample(tmp_path, os.urandom(100_000))

    def disk_error(src, dst):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "link", disk_error)
    with pytest.raises(OSError, match="Input/output"):
        store.put_file(path, d)
    monkeypatch.undo()
    assert not store.exists(d.sha256) and list(store.iter_objects()) == []
    assert os.listdir(store.incoming) == []
    assert store.put_file(path, d) is True


def test_without_an_in_kernel_copy_the_bytes_go_through_a_buffer(tmp_path, monkeypatch):
    """copy_file_range refused midway (EXDEV: another filesystem on an older kernel): start over."""
    store = FilesystemStore(tmp_path / "media")
    data = os.urandom(3 * MiB + 17)
    path, d = sample(tmp_path, data)
    real, calls = os.copy_file_range, []

    def partly_then_exdev(src, dst, count, *args):
        calls.append(count)
        if len(calls) == 1:
            return real(src, dst, 1000)
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(os, "copy_file_range", partly_then_exdev)
    assert store.put_file(path, d) is True
    assert len(calls) == 2
    assert read_all(store.open(d.sha256)) == data


# -- S3 specifics --------------------------------------------------------------------------------


def test_s3_records_both_digests_as_metadata_and_detects_conditional_writes(seaweedfs, tmp_path):
    store = seaweedfs.store(seaweedfs.new_bucket())
    path, d = sample(tmp_path, os.urandom(1000))
    store.put_file(path, d)
    head = store._client.head_object(Bucket=store.bucket, Key=f"objects/{d.sha256}")
    assert head["Metadata"] == {"sha256": d.sha256, "sm3": d.sm3} and head["ContentLength"] == 1000
    assert store.conditional_writes is True
    # The server itself now refuses a plain PUT to the key from this store's client.
    with pytest.raises(ClientError) as refused:
        store._client.put_object(Bucket=store.bucket, Key=f"objects/{d.sha256}", Body=b"replacement")
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 412
    assert read_all(store.open(d.sha256)) == path.read_bytes()
    assert store._client.head_object(Bucket=store.bucket, Key=PROBE_KEY)["ContentLength"] > 0
    assert list(store.iter_objects()) == [(d.sha256, 1000)]  # the probe is not an object


def test_s3_without_conditional_writes_uses_head_then_put(seaweedfs, tmp_path):
    store = seaweedfs.store(seaweedfs.new_bucket(), conditional_writes=False)
    headers = []
    store._client.meta.events.register("before-call.s3.PutObject",
                                       lambda params, **_: headers.append(dict(params["headers"])))
    path, d = sample(tmp_path, os.urandom(5000))
    assert store.put_file(path, d) is True
    assert store.put_file(path, d) is False
    assert len(headers) == 1  # one PUT: no probe, and the second call was answered by HEAD alone
    assert "If-None-Match" not in headers[0]
    assert read_all(store.open(d.sha256)) == path.read_bytes()


def test_s3_an_interrupted_multipart_upload_leaves_no_object(seaweedfs, tmp_path):
    bucket = seaweedfs.new_bucket()
    store = seaweedfs.store(bucket, multipart_threshold=5 * MiB, multipart_chunksize=5 * MiB, max_concurrency=1)
    path, d = sample(tmp_path, os.urandom(12 * MiB))
    parts = []

    def cable_cut(**_):
        parts.append(1)
        if len(parts) == 2:
            raise ConnectionResetError("cable cut")

    store._client.meta.events.register("before-call.s3.UploadPart", cable_cut)
    with pytest.raises((StoreError, ConnectionResetError)):
        store.put_file(path, d)
    assert not store.exists(d.sha256) and list(store.iter_objects()) == []
    assert store._client.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []  # aborted
    store._client.meta.events.unregister("before-call.s3.UploadPart", cable_cut)
    assert store.put_file(path, d) is True
    assert store.size(d.sha256) == 12 * MiB


def test_s3_access_needs_the_keys_and_errors_never_show_the_secret(seaweedfs, tmp_path):
    with pytest.raises(ClientError) as denied:
        seaweedfs.client(secret_key="wrong-secret").list_buckets()
    assert denied.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    bucket = seaweedfs.new_bucket()
    bad = S3Store(endpoint=seaweedfs.endpoint, bucket=bucket, access_key=seaweedfs.access_key,
                  secret_key="wrong-secret-value", conditional_writes=True)
    with pytest.raises(StoreError, match="拒绝访问") as e:
        bad.exists(hashlib.sha256(b"x").hexdigest())
    path, d = sample(tmp_path, b"evidence")
    with pytest.raises(StoreError) as e2:
        bad.put_file(path, d)
    for err in (e.value, e2.value):
        assert "wrong-secret-value" not in str(err) and seaweedfs.secret_key not in str(err)
    assert "wrong-secret-value" not in repr(bad)


def test_s3_a_missing_bucket_is_named(seaweedfs, tmp_path):
    store = seaweedfs.store("no-such-bucket-here", conditional_writes=True)
    path, d = sample(tmp_path, b"evidence")
    with pytest.raises(StoreError, match="no-such-bucket-here"):
        store.put_file(path, d)
    with pytest.raises(StoreError, match="存储桶 no-such-bucket-here 不存在"):
        list(store.iter_objects())


# -- the factory -----------------------------------------------------------------------------------


def test_get_store_follows_the_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.LAWTRAIL_MEDIA_STORE = "filesystem"
    s = get_store()
    assert isinstance(s, FilesystemStore) and s.root == tmp_path / "media"
    settings.LAWTRAIL_MEDIA_STORE = "s3"
    settings.LAWTRAIL_S3_ENDPOINT = "http://127.0.0.1:9"
    settings.LAWTRAIL_S3_BUCKET = "lawtrail-media"
    settings.LAWTRAIL_S3_REGION = "cn-north-1"
    settings.LAWTRAIL_S3_ACCESS_KEY = "AKEXAMPLE"
    settings.LAWTRAIL_S3_SECRET_KEY = "secret-example"
    s3 = get_store()
    assert isinstance(s3, S3Store) and (s3.endpoint, s3.bucket) == ("http://127.0.0.1:9", "lawtrail-media")
    assert s3._client.meta.region_name == "cn-north-1"
    assert get_store() is s3  # one client per configuration, reused
