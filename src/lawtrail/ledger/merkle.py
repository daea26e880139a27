"""RFC 9162 Merkle tree hashing, proofs and their verification.

Pure Python, no Django import: a court's expert can read and run this file alone.

Spec: RFC 9162 "Certificate Transparency Version 2.0", §2.1 (same tree as RFC 6962 §2.1):
  MTH({})      = SHA-256()                                   (§2.1.1)
  MTH({d0})    = SHA-256(0x00 || d0)                          leaf hash
  MTH(D[n])    = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n]))  k = largest power of 2 < n

Vocabulary used here:
- a *node* ``(level, index)`` is the root of the perfect subtree over leaves
  ``[index << level, (index + 1) << level)``; level 0 nodes are leaf hashes.
- a *range* ``(begin, end)`` is the subtree ``MTH(D[begin:end])`` as it appears in the RFC's
  recursions. Its hash is the right-to-left fold of the perfect nodes that cover it
  (:func:`range_nodes`), so a store that keeps perfect nodes answers any proof with O(log n) reads.

Proof *shapes* (:func:`inclusion_proof`, :func:`consistency_proof`) are lists of ranges; a store
turns them into hashes with :func:`resolve`. Verification (:func:`verify_inclusion`,
:func:`verify_consistency`) follows the RFC's algorithms step by step.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence

HASH_SIZE = 32
NodeId = tuple[int, int]
Range = tuple[int, int]

EMPTY_ROOT = hashlib.sha256(b"").digest()  # RFC 9162 §2.1.1: MTH({}) = HASH()


def hash_leaf(data: bytes) -> bytes:
    """Leaf hash: SHA-256(0x00 || data)."""
    return hashlib.sha256(b"\x00" + data).digest()


def hash_children(left: bytes, right: bytes) -> bytes:
    """Interior node hash: SHA-256(0x01 || left || right)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """k: the largest power of two strictly smaller than n (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def root(leaf_hashes: Sequence[bytes]) -> bytes:
    """MTH over already leaf-hashed entries, computed with a stack in O(n) time, O(log n) space."""
    if not leaf_hashes:
        return EMPTY_ROOT
    frontier: list[bytes] = []
    for size, leaf in enumerate(leaf_hashes):
        frontier, _ = extend(frontier, size, leaf)
    return fold(frontier)


def fold(hashes: Sequence[bytes]) -> bytes:
    """Hash of a range from its covering perfect nodes, left to right (descending sizes)."""
    it = reversed(hashes)
    acc = next(it)
    for h in it:
        acc = hash_children(h, acc)
    return acc


def range_nodes(begin: int, end: int) -> list[NodeId]:
    """Perfect nodes covering the range [begin, end) as the MTH recursion splits it.

    Ranges from the RFC recursions start at a multiple of a power of two at least as large as
    their size, so the cover is the binary expansion of (end - begin), high bits first.
    """
    size = end - begin
    if size > 0 and not size & (size - 1) and not begin & (size - 1):  # a perfect subtree: one node
        level = size.bit_length() - 1
        return [(level, begin >> level)]
    if begin >= end:
        raise ValueError(f"empty range [{begin}, {end})")
    nodes: list[NodeId] = []
    pos, rest = begin, size
    while rest:  # one step per set bit of the size, highest first
        level = rest.bit_length() - 1
        if pos & ((1 << level) - 1):
            raise ValueError(f"range [{begin}, {end}) is not aligned as in an RFC 9162 tree")
        nodes.append((level, pos >> level))
        pos += 1 << level
        rest -= 1 << level
    return nodes


def extend(frontier: Sequence[bytes], size: int, leaf_hash: bytes) -> tuple[list[bytes], list[tuple[NodeId, bytes]]]:
    """Append one leaf to a tree of ``size`` leaves whose frontier is ``range_nodes(0, size)``.

    Returns the new frontier and the interior nodes the new leaf completes, lowest first.
    """
    new = list(frontier)
    completed: list[tuple[NodeId, bytes]] = []
    h, level, index = leaf_hash, 0, size
    while index & 1:
        h = hash_children(new.pop(), h)
        level += 1
        index >>= 1
        completed.append(((level, index), h))
    new.append(h)
    return new, completed


def inclusion_proof(index: int, size: int) -> list[Range]:
    """Shape of PATH(index, D[size]) (RFC 9162 §2.1.3.1), as ranges, leaf-side first."""
    if not 0 <= index < size:
        raise ValueError(f"leaf index {index} is outside a tree of size {size}")
    out: list[Range] = []
    begin, end, m = 0, size, index
    while end - begin > 1:
        k = _split(end - begin)
        if m < k:
            out.append((begin + k, end))
            end = begin + k
        else:
            out.append((begin, begin + k))
            begin, m = begin + k, m - k
    out.reverse()
    return out


def inclusion_nodes(index: int, size: int) -> list[list[NodeId]]:
    """PATH(index, D[size]) as the perfect nodes covering each element: the same proof as
    ``[range_nodes(*r) for r in inclusion_proof(index, size)]``, computed directly.

    Below ``fork`` (the level where the paths to ``index`` and to the last leaf part), every
    sibling is a perfect node, and the sibling at ``fork - 1`` is the right edge of the tree,
    possibly imperfect. Above it, a proof element exists only where the path is a right child.
    """
    if not 0 <= index < size:
        raise ValueError(f"leaf index {index} is outside a tree of size {size}")
    fork = (index ^ (size - 1)).bit_length()
    out = [[(level, (index >> level) ^ 1)] for level in range(fork - 1)]
    if fork:
        out.append(range_nodes(((index >> (fork - 1)) | 1) << (fork - 1), size))
    level = fork
    while index >> level:
        if index >> level & 1:
            out.append([(level, (index >> level) - 1)])
        level += 1
    return out


def consistency_proof(size1: int, size2: int) -> list[Range]:
    """Shape of PROOF(size1, D[size2]) (RFC 9162 §2.1.4.1), as ranges, innermost first."""
    if not 0 < size1 <= size2:
        raise ValueError(f"no consistency proof from size {size1} to size {size2}")
    out: list[Range] = []
    begin, end, m, complete = 0, size2, size1, True
    while m != end - begin:  # SUBPROOF(m, D[begin:end], complete)
        k = _split(end - begin)
        if m <= k:
            out.append((begin + k, end))
            end = begin + k
        else:
            out.append((begin, begin + k))
            begin, m, complete = begin + k, m - k, False
    if not complete:  # SUBPROOF(m, D[m], false) = {MTH(D[m])}
        out.append((begin, end))
    out.reverse()
    return out


def resolve(ranges: Sequence[Range], get: Callable[[Iterable[NodeId]], Mapping[NodeId, bytes]]) -> list[bytes]:
    """Hashes of ``ranges``; ``get`` is called once with every perfect node needed."""
    return resolve_covers([range_nodes(b, e) for b, e in ranges], get)


def resolve_covers(covers: Sequence[Sequence[NodeId]],
                   get: Callable[[Iterable[NodeId]], Mapping[NodeId, bytes]]) -> list[bytes]:
    """Hashes of proof elements given as their covering perfect nodes (see inclusion_nodes)."""
    found = get({n for cover in covers for n in cover})
    return [found[c[0]] if len(c) == 1 else fold([found[n] for n in c]) for c in covers]


def _ok(*hashes: bytes) -> bool:
    return all(isinstance(h, (bytes, bytearray)) and len(h) == HASH_SIZE for h in hashes)


def verify_inclusion(index: int, size: int, leaf_hash: bytes, proof: Sequence[bytes], root: bytes) -> bool:
    """RFC 9162 §2.1.3.2: is the leaf with ``leaf_hash`` at ``index`` in the tree (size, root)?"""
    if not (0 <= index < size) or not _ok(leaf_hash, root, *proof):
        return False
    fn, sn, r = index, size - 1, bytes(leaf_hash)  # steps 2-3
    for p in proof:  # step 4
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = hash_children(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = hash_children(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root  # step 5


def verify_consistency(size1: int, size2: int, root1: bytes, root2: bytes, proof: Sequence[bytes]) -> bool:
    """RFC 9162 §2.1.4.2: does the tree (size2, root2) extend the tree (size1, root1)?

    A proof from size 0 is refused: the empty tree is trivially extended and proves nothing.
    """
    if not 0 < size1 <= size2:
        return False
    if size1 == size2:  # the same tree: nothing to prove but equality of the roots
        return not proof and root1 == root2
    if not _ok(root1, root2, *proof):
        return False
    path = list(proof)
    if not path:  # step 1
        return False
    if size1 & (size1 - 1) == 0:  # step 2: size1 is a power of two
        path.insert(0, root1)
    fn, sn = size1 - 1, size2 - 1  # step 3
    while fn & 1:  # step 4
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]  # step 5
    for c in path[1:]:  # step 6
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = hash_children(c, fr)
            sr = hash_children(c, sr)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = hash_children(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == root1 and sr == root2 and sn == 0  # step 7


def node_key(node: NodeId) -> int:
    """Storage key of a node: its last leaf's index * 64 + level.

    Keys grow in the order an append-only tree completes its nodes, so a verifier streams
    stored nodes in key order alongside the leaves.
    """
    level, index = node
    return (((index + 1) << level) - 1) * 64 + level


# --- tiles ---------------------------------------------------------------------------------
# A tile is a perfect subtree of height TILE_HEIGHT stored as one row: its 31 node hashes, bottom
# row first (16 + 8 + 4 + 2 + 1), named by its root node. Tile rows are a read-side copy of
# nodes that already exist: they let a proof read ~log16(n) rows instead of ~log2(n).

TILE_HEIGHT = 4
_ROW_START = (0, 16, 24, 28, 30)  # where each level of a tile starts, in hashes
TILE_SIZE = 31


def tile_root(node: NodeId) -> NodeId:
    """The root of the tile that holds ``node`` (a node at a tile's top level is in the tile above)."""
    level, index = node
    r = level % TILE_HEIGHT
    return (level - r + TILE_HEIGHT, index >> (TILE_HEIGHT - r))


def tile_offset(node: NodeId) -> int:
    """Byte offset of ``node``'s hash inside its tile's row."""
    level, index = node
    r = level % TILE_HEIGHT
    return (_ROW_START[r] + (index & ((1 << (TILE_HEIGHT - r)) - 1))) * HASH_SIZE


def tile_nodes(root: NodeId) -> list[NodeId]:
    """The 31 nodes of the tile rooted at ``root``, in row order."""
    level, index = root
    base = level - TILE_HEIGHT
    return [(base + r, (index << (TILE_HEIGHT - r)) + j) for r in range(TILE_HEIGHT + 1)
            for j in range(1 << (TILE_HEIGHT - r))]
