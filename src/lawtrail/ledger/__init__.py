"""The ledger: append-only, hash-chained, Merkle-tree log of everything lawtrail records.

Public entry points: ``lawtrail.ledger.store.append`` (write), ``checkpoints.issue`` (sign the
tree), ``proofs`` (inclusion/consistency), ``verify.run`` (recompute everything).
"""
