"""lawtrail.ledger.merkle against every published RFC 6962/9162 test vector (transparency-dev).

The vectors are vendored unchanged in testdata/merkle-rfc6962 (Apache-2.0, see its LICENSE and
README), so a clean clone tests against them wherever it is checked out.
"""

import base64
import json
import os
from pathlib import Path

import pytest

from lawtrail.ledger import merkle

VECTORS = Path(os.environ.get("LAWTRAIL_TESTDATA") or Path(__file__).resolve().parent / "testdata" / "merkle-rfc6962")
FILES = sorted(VECTORS.rglob("*.json")) if VECTORS.is_dir() else []


def b64(value) -> bytes:
    return base64.b64decode(value) if value else b""


def test_all_196_vector_files_are_present():
    assert VECTORS.is_dir(), f"test vectors not found at {VECTORS} (set LAWTRAIL_TESTDATA)"
    assert len(FILES) == 196


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(VECTORS)))
def test_each_vector_is_accepted_or_rejected_as_published(path):
    case = json.loads(path.read_text())
    proof = [b64(p) for p in case["proof"] or []]
    if path.relative_to(VECTORS).parts[0] == "inclusion":
        ok = merkle.verify_inclusion(case["leafIdx"], case["treeSize"], b64(case["leafHash"]), proof, b64(case["root"]))
    else:
        ok = merkle.verify_consistency(case["size1"], case["size2"], b64(case["root1"]), b64(case["root2"]), proof)
    assert ok is not case["wantErr"], case["desc"]


LEAVES = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"]
ROOTS = """e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d
fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125
aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77
d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7
4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4
76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef
ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c
5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328""".split()


@pytest.mark.parametrize("size", range(9))
def test_the_known_answer_tree_has_the_published_roots(size):
    leaves = [merkle.hash_leaf(bytes.fromhex(x)) for x in LEAVES[:size]]
    assert merkle.root(leaves).hex() == ROOTS[size]
