"""The fast proof and tile arithmetic used by the store agrees with the RFC-shaped definitions."""

from lawtrail.ledger import merkle


def test_the_direct_inclusion_path_equals_the_rfc_recursion_for_every_leaf_of_every_tree_up_to_300():
    for size in range(1, 301):
        for index in range(size):
            expected = [merkle.range_nodes(*r) for r in merkle.inclusion_proof(index, size)]
            assert merkle.inclusion_nodes(index, size) == expected, (index, size)


def test_every_node_of_a_tile_is_found_at_its_offset_in_that_tile():
    for root in [(4, 0), (4, 7), (8, 1), (12, 3)]:
        for position, node in enumerate(merkle.tile_nodes(root)):
            if node == root:  # a tile's root also sits in the bottom row of the tile above
                assert merkle.tile_root(node) == (root[0] + 4, root[1] >> 4)
                continue
            assert merkle.tile_root(node) == root
            assert merkle.tile_offset(node) == position * merkle.HASH_SIZE
