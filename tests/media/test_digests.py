"""SHA-256 and SM3 in one pass: the same answers as independent tools, whatever the chunking."""

from __future__ import annotations

import hashlib
import io
import os
import random
import shutil
import subprocess

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tongsuopy.crypto import hashes

from lawtrail.media.digests import Digests, Hasher, HashingWriter, StagedHasher, hash_file, hash_stream

# GB/T 32905-2016 appendix A: the standard's own examples.
SM3_VECTORS = [
    (b"abc", "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"),
    (b"abcd" * 16, "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"),
]


def tongsuo_sm3(data: bytes) -> str:
    """SM3 from Tongsuo (tongsuopy's own library), not the system OpenSSL behind hashlib."""
    h = hashes.Hash(hashes.SM3())
    h.update(data)
    return h.finalize().hex()


@pytest.mark.parametrize("data, expected", SM3_VECTORS)
def test_sm3_matches_the_standards_examples(data, expected):
    h = Hasher()
    h.update(data[:1])
    h.update(data[1:])
    assert h.digests().sm3 == expected == tongsuo_sm3(data)


def test_a_file_hashes_as_sha256sum_and_an_independent_sm3_say(tmp_path):
    data = os.urandom(3 * 1024 * 1024 + 12345)  # not a multiple of any chunk size
    path = tmp_path / "clip.mp4"
    with open(path, "wb") as f:
        w = HashingWriter(f)
        for i in range(0, len(data), 65537):
            w.write(data[i:i + 65537])
    written = w.digests()
    sha256sum = subprocess.run(["sha256sum", str(path)], capture_output=True, text=True, check=True).stdout.split()[0]
    assert written == Digests(sha256sum, tongsuo_sm3(data), len(data))
    for chunk in (1 << 20, 4 << 20, 65536, 1000):
        assert hash_file(path, chunk_size=chunk) == written
    if shutil.which("openssl"):  # scripts/run-tests installs it; tongsuopy above is the required check
        out = subprocess.run(["openssl", "dgst", "-sm3", str(path)], capture_output=True, text=True, check=True)
        assert out.stdout.strip().endswith("= " + written.sm3)


@settings(max_examples=60, deadline=None)
@given(data=st.binary(max_size=3000), cuts=st.lists(st.integers(0, 3000), max_size=8))
def test_the_chunking_never_changes_the_digests(data, cuts):
    bounds = sorted({0, len(data), *(c for c in cuts if c <= len(data))})
    out = io.BytesIO()
    w = HashingWriter(out)
    for a, b in zip(bounds, bounds[1:]):
        w.write(data[a:b])
    expected = Digests(hashlib.sha256(data).hexdigest(), hashlib.new("sm3", data).hexdigest(), len(data))
    assert w.digests() == expected and out.getvalue() == data
    assert hash_stream(io.BytesIO(data), chunk_size=7) == expected


def test_sm3_trailing_the_writes_of_a_staged_file_still_sees_every_byte_in_order(tmp_path):
    """StagedHasher (the upload path): SM3 reads the pieces back from the file behind the writer,
    never more than ``trail`` behind (here the writer has to wait for it), and the digests are
    hashlib's and Tongsuo's over everything written, small and large pieces mixed."""
    rng = random.Random(5)
    pieces = [rng.randbytes(n) for n in (3 << 20, 10, 1 << 20, (1 << 20) - 1, 5 << 20, 1, 2 << 20)]
    path = tmp_path / "upload.part"
    h = StagedHasher(path, trail=1 << 20)
    with open(path, "wb") as f:
        for piece in pieces:
            f.write(piece)
            f.flush()
            h.extend(piece)
            assert h.behind <= 1 << 20
    data = b"".join(pieces)
    assert h.digests() == Digests(hashlib.sha256(data).hexdigest(), tongsuo_sm3(data), len(data))
    assert h.behind == 0


def test_a_staged_file_cut_short_behind_the_hashers_back_gives_no_digests(tmp_path):
    """SM3 reads back what the writer said it wrote; if the file holds less, the hash state never
    answers with digests of bytes it did not see."""
    data = os.urandom(3 << 20)
    path = tmp_path / "upload.part"
    path.write_bytes(data[:1 << 20])
    h = StagedHasher(path)
    h.extend(data)
    with pytest.raises(OSError, match="暂存文件短于已写入的字节数"):
        h.digests()


class Trickle(io.RawIOBase):
    """A raw file that takes at most ``per_call`` bytes per write, and nothing after ``limit``."""

    def __init__(self, per_call: int, limit: int):
        self.data, self.per_call, self.limit = bytearray(), per_call, limit

    def writable(self):
        return True

    def write(self, b):
        n = min(len(b), self.per_call, self.limit - len(self.data))
        self.data += bytes(b[:n])
        return n


@pytest.mark.parametrize("size", [1000, 3 << 20])  # hashed in the writer's thread / beside it
def test_short_writes_are_completed_and_only_written_bytes_are_hashed(size):
    data = os.urandom(size)
    f = Trickle(per_call=size // 7 + 1, limit=10 * size)
    w = HashingWriter(f)
    assert w.write(data) == size and bytes(f.data) == data
    assert w.digests() == Digests(hashlib.sha256(data).hexdigest(), hashlib.new("sm3", data).hexdigest(), size)

    cut = size * 3 // 10
    w = HashingWriter(Trickle(per_call=size // 10, limit=cut))
    with pytest.raises(OSError, match=f"{cut} / {size}"):
        w.write(data)
    assert w.digests() == Digests(hashlib.sha256(data[:cut]).hexdigest(), hashlib.new("sm3", data[:cut]).hexdigest(),
                                  cut)


@pytest.mark.parametrize("sha256, sm3, size", [
    ("A" * 64, "0" * 64, 1),       # upper case: the store's names are lower case
    ("0" * 63, "0" * 64, 1),
    ("0" * 64, "0" * 65, 1),
    ("0" * 64, "g" * 64, 1),
    ("0" * 64, "0" * 64, -1),
    ("0" * 64, "0" * 64, True),
    ("0" * 64, "0" * 64, "1"),
])
def test_malformed_digests_are_refused(sha256, sm3, size):
    with pytest.raises(ValueError, match="无效"):
        Digests(sha256, sm3, size)
