"""Hypothesis: the module agrees with a naive recursive reference written from RFC 9162 §2.1."""

import hashlib

from hypothesis import given, settings, strategies as st

from lawtrail.ledger import merkle


# --- the reference: RFC 9162 §2.1.1, §2.1.3.1 and §2.1.4.1, word for word, over leaf data -----
def H(b: bytes) -> bytes:
    return hashlib.sha256(b).digest()


def k_of(n: int) -> int:  # the largest power of two smaller than n
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def MTH(D: list[bytes]) -> bytes:
    n = len(D)
    if n == 0:
        return H(b"")
    if n == 1:
        return H(b"\x00" + D[0])
    k = k_of(n)
    return H(b"\x01" + MTH(D[:k]) + MTH(D[k:]))


def PATH(m: int, D: list[bytes]) -> list[bytes]:
    n = len(D)
    if n == 1:
        return []
    k = k_of(n)
    return PATH(m, D[:k]) + [MTH(D[k:])] if m < k else PATH(m - k, D[k:]) + [MTH(D[:k])]


def SUBPROOF(m: int, D: list[bytes], b: bool) -> list[bytes]:
    n = len(D)
    if m == n:
        return [] if b else [MTH(D)]
    k = k_of(n)
    return SUBPROOF(m, D[:k], b) + [MTH(D[k:])] if m <= k else SUBPROOF(m - k, D[k:], False) + [MTH(D[:k])]


def PROOF(m: int, D: list[bytes]) -> list[bytes]:
    return SUBPROOF(m, D, True)


# --- the module, with a store of every perfect node built through extend() -----------------
def store_of(D: list[bytes]):
    nodes, frontier = {}, []
    for i, d in enumerate(D):
        leaf = merkle.hash_leaf(d)
        nodes[(0, i)] = leaf
        frontier, completed = merkle.extend(frontier, i, leaf)
        nodes.update(completed)
    calls = []

    def get(ids):
        calls.append(ids)
        return {n: nodes[n] for n in ids}
    return get, calls


trees = st.lists(st.binary(max_size=8), min_size=1, max_size=70, unique=True)


def flip(b: bytes, bit: int) -> bytes:
    return bytes([b[0] ^ (1 << (bit % 8))]) + b[1:]


@settings(max_examples=60, deadline=None)
@given(trees, st.data())
def test_inclusion_proofs_equal_the_rfc_path_verify_and_resist_tampering(D, data):
    n, get, calls = len(D), *store_of(D)
    m = data.draw(st.integers(0, n - 1))
    root, leaf = MTH(D), merkle.hash_leaf(D[m])
    assert merkle.root([merkle.hash_leaf(d) for d in D]) == root
    proof = merkle.resolve(merkle.inclusion_proof(m, n), get)
    assert proof == PATH(m, D)
    assert len(calls) == 1, "all nodes of a proof are fetched at once"
    assert merkle.inclusion_nodes(m, n) == [merkle.range_nodes(*r) for r in merkle.inclusion_proof(m, n)]
    assert merkle.verify_inclusion(m, n, leaf, proof, root)
    bit = data.draw(st.integers(0, 255))
    assert not merkle.verify_inclusion(m, n, leaf, proof, flip(root, bit))
    assert not merkle.verify_inclusion(m, n, flip(leaf, bit), proof, root)
    if proof:
        i = data.draw(st.integers(0, len(proof) - 1))
        assert not merkle.verify_inclusion(m, n, leaf, proof[:i] + [flip(proof[i], bit)] + proof[i + 1:], root)
        assert not merkle.verify_inclusion(m, n, leaf, proof[:-1], root)
    assert not merkle.verify_inclusion(m, n, leaf, proof + [root], root)
    if n > 1:
        assert not merkle.verify_inclusion((m + 1) % n, n, leaf, proof, root), "a leaf proven at another index"


@settings(max_examples=60, deadline=None)
@given(trees, st.data())
def test_consistency_proofs_equal_the_rfc_proof_verify_and_resist_tampering(D, data):
    n, get, calls = len(D), *store_of(D)
    m = data.draw(st.integers(1, n))
    proof = merkle.resolve(merkle.consistency_proof(m, n), get)
    assert proof == PROOF(m, D)
    r1, r2 = MTH(D[:m]), MTH(D)
    assert merkle.verify_consistency(m, n, r1, r2, proof)
    bit = data.draw(st.integers(0, 255))
    assert not merkle.verify_consistency(m, n, flip(r1, bit), r2, proof)
    assert not merkle.verify_consistency(m, n, r1, flip(r2, bit), proof)
    if proof:
        i = data.draw(st.integers(0, len(proof) - 1))
        assert not merkle.verify_consistency(m, n, r1, r2, proof[:i] + [flip(proof[i], bit)] + proof[i + 1:])
    assert not merkle.verify_consistency(0, n, merkle.EMPTY_ROOT, r2, proof), "a proof from size 0 proves nothing"


@given(st.integers(1, 5000))
def test_extend_stores_one_node_per_completed_subtree_in_increasing_key_order(n):
    frontier, keys = [], []
    for i in range(n):
        frontier, completed = merkle.extend(frontier, i, i.to_bytes(32, "big"))
        keys += [merkle.node_key(nid) for nid, _ in completed]
    assert len(keys) == n - bin(n).count("1")
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    assert [merkle.range_nodes(0, n)[j][0] for j in range(len(frontier))] == \
        [lvl for lvl in range(n.bit_length() - 1, -1, -1) if n >> lvl & 1]


def test_malformed_requests_are_refused():
    import pytest
    for bad in [(0, 0), (5, 5), (-1, 3)]:
        with pytest.raises(ValueError):
            merkle.inclusion_proof(*bad)
    for bad in [(0, 5), (6, 5)]:
        with pytest.raises(ValueError):
            merkle.consistency_proof(*bad)
    for bad in [(3, 3), (1, 3), (2, 6)]:  # empty, and not aligned as RFC subtrees are
        with pytest.raises(ValueError):
            merkle.range_nodes(*bad)


@settings(deadline=None, max_examples=5)
@given(st.sampled_from([1023, 1024, 1025]), st.data())
def test_larger_trees_agree_with_the_reference_too(n, data):
    D = [i.to_bytes(2, "big") for i in range(n)]
    get, _ = store_of(D)
    m = data.draw(st.integers(0, n - 1))
    assert merkle.resolve(merkle.inclusion_proof(m, n), get) == PATH(m, D)
    s = data.draw(st.integers(1, n))
    assert merkle.resolve(merkle.consistency_proof(s, n), get) == PROOF(s, D)
