"""append(): one entry per call, inside the caller's transaction, canonical and chained."""

import hashlib
import json
import uuid
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from django.db import connection, transaction

from lawtrail.ledger import merkle, store
from lawtrail.ledger.canonical import EncodingError
from lawtrail.ledger.models import Entry, Node, Tile

pytestmark = pytest.mark.django_db


def test_an_appended_entry_exists_once_the_transaction_commits():
    a = store.append(actor="user:1", action="cases.case_filed", subject="case:1", payload={"案号": "金普文旅罚〔2026〕12号"})
    e = Entry.objects.get(seq=a.seq)
    assert (e.actor, e.action, e.subject) == ("user:1", "cases.case_filed", "case:1")
    assert json.loads(e.body)["payload"] == {"案号": "金普文旅罚〔2026〕12号"}


def test_an_entry_appended_in_a_rolled_back_transaction_never_existed():
    store.append(actor="user:1", action="cases.case_filed", payload=1)
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            store.append(actor="user:1", action="cases.case_filed", payload=2)
            raise RuntimeError("the caller's own write failed")
    assert store.size() == 1
    after = store.append(actor="user:1", action="cases.case_filed", payload=3)
    assert after.seq == 1, "the rolled-back entry's sequence number is reused, leaving no gap"


def test_each_entry_is_chained_to_the_previous_one_and_carries_sha256_and_sm3():
    first = store.append(actor="system", action="ledger.test_entry", payload={"n": 1})
    second = store.append(actor="system", action="ledger.test_entry", payload={"n": 2})
    e0, e1 = Entry.objects.get(seq=0), Entry.objects.get(seq=1)
    assert json.loads(e0.body)["prev"] == "0" * 64
    assert json.loads(e1.body)["prev"] == first.hash == bytes(e0.hash).hex()
    raw = e1.body.encode("utf-8")
    assert bytes(e1.hash) == hashlib.sha256(raw).digest() and second.hash == bytes(e1.hash).hex()
    assert bytes(e1.sm3) == hashlib.new("sm3", raw).digest()


def test_entry_bytes_follow_the_documented_canonical_encoding():
    store.append(actor="user:7", action="records.document_finalised", subject="doc:9", payload={
        "罚款": Decimal("1250.00"), "served_at": datetime(2026, 11, 22, 15, 41, 2, 123, tzinfo=timezone.utc),
        "due": date(2026, 12, 7), "file": b"\x00\xff", "id": uuid.UUID(int=1), "z": None, "a": [True, 3]})
    body = Entry.objects.get(seq=0).body
    payload = body[body.index('"payload":') + 10:body.index(',"prev":')]
    assert payload == ('{"a":[true,3],"due":"2026-12-07","file":{"$base64":"AP8="},'
                       '"id":"00000000-0000-0000-0000-000000000001","served_at":"2026-11-22T15:41:02.000123Z",'
                       '"z":null,"罚款":"1250.00"}')
    assert body.startswith('{"action":"records.document_finalised","actor":"user:7","bureau":null,"payload":')
    assert body.endswith(',"seq":0,"subject":"doc:9","time":"' + Entry.objects.get(seq=0).time + '","v":2}')


@pytest.mark.parametrize("payload, words", [
    ({"amount": 12.5}, "浮点数"),
    ({"when": datetime(2026, 1, 1)}, "时区"),
    ({"x": object()}, "无法写入账本的类型"),
    ({"text": "bad \udcff byte"}, "UTF-8"),
    ({"$base64": "AA=="}, "保留"),
    ({1: "x"}, "不是字符串"),
    ({"n": 1 << 64}, "2⁵³"),
    ({"n": 2**53}, "请改用字符串"),
    ({"big": "字" * 30000}, "超过上限"),
])
def test_a_payload_the_ledger_cannot_store_exactly_is_refused_and_nothing_is_appended(payload, words):
    store.append(actor="user:1", action="cases.case_filed", payload={"ok": 1})
    with transaction.atomic():
        with pytest.raises(EncodingError, match=words):
            store.append(actor="user:1", action="cases.case_filed", payload=payload)
        # the caller's transaction is still usable: the refusal happened before any write
        store.append(actor="user:1", action="cases.case_filed", payload={"ok": 2})
    assert store.size() == 2


@pytest.mark.parametrize("field, value", [("action", "Cases Filed"), ("action", "nodot"), ("actor", ""),
                                          ("subject", "x" * 201), ("actor", "a\nb")])
def test_malformed_actor_action_or_subject_is_refused(field, value):
    fields = {"actor": "user:1", "action": "cases.case_filed", "subject": "", field: value}
    with pytest.raises(EncodingError):
        store.append(**fields)
    assert store.size() == 0


def test_bulk_appends_build_the_same_tree_as_the_rfc_root_over_all_entries():
    store.append_many({"actor": "system", "action": "ledger.test_entry", "payload": i} for i in range(100))
    store.append(actor="system", action="ledger.test_entry", payload="one more")
    bodies = list(Entry.objects.order_by("seq").values_list("body", flat=True))
    leaves = [merkle.hash_leaf(b.encode()) for b in bodies]
    assert store.root(101) == merkle.root(leaves)
    assert store.root(64) == merkle.root(leaves[:64])
    assert Node.objects.count() == 2 * 101 - bin(101).count("1"), "one stored node per leaf and per completed subtree"


def statements_for(fn) -> int:
    before = store.STATEMENTS.n
    fn()
    return store.STATEMENTS.n - before


def one_more(payload):
    return lambda: store.append(actor="system", action="ledger.test_entry", payload=payload)


def test_an_append_costs_a_fixed_handful_of_statements_whatever_the_log_size():
    # Read the head, insert the entry, insert its leaf and completed nodes (+ the advisory lock
    # on PostgreSQL); one more read of the frontier when another process wrote the head; and when
    # tiles complete (every 16th leaf), one read of their older nodes and one insert.
    # O(log n) proofs and flat append cost depend on this staying constant.
    lock = connection.vendor == "postgresql"
    store.append_many({"actor": "system", "action": "ledger.test_entry", "payload": i} for i in range(3))
    assert statements_for(one_more(3)) == 3 + lock
    store.append_many({"actor": "system", "action": "ledger.test_entry", "payload": i} for i in range(1019))
    store.forget_cached_tree()  # as if another process had appended the head
    assert statements_for(one_more("leaf 1023 completes ten nodes and two tiles")) == 6 + lock
    assert Node.objects.count() == 2 * 1024 - 1
    assert Tile.objects.count() == 1024 // 16 + 1024 // 256


def test_an_inclusion_proof_costs_one_query_even_at_a_thousand_entries():
    store.append_many({"actor": "system", "action": "ledger.test_entry", "payload": i} for i in range(1000))
    assert statements_for(lambda: merkle.resolve(merkle.inclusion_proof(517, 1000), store.get_nodes)) == 1
    assert statements_for(lambda: store.inclusion_path(517, 1000)) == 1


def test_tiles_hold_exactly_the_stored_nodes_of_their_subtree_and_give_the_same_proofs():
    # Singles and batches mixed, so tiles complete both within a batch and across transactions.
    for i in range(300):
        store.append(actor="system", action="ledger.test_entry", payload=i)
    store.append_many({"actor": "system", "action": "ledger.test_entry", "payload": i} for i in range(3000))
    nodes = dict(Node.objects.values_list("key", "hash"))
    tiles = dict(Tile.objects.values_list("key", "hashes"))
    assert len(tiles) == 3300 // 16 + 3300 // 256
    for key, blob in tiles.items():
        root = (key % 64, (key // 64) >> (key % 64))
        assert bytes(blob) == b"".join(bytes(nodes[merkle.node_key(n)]) for n in merkle.tile_nodes(root))
    for size in (3300, 3072, 17):
        for index in {0, 15, 16, 255, 256, 1234, 3071, size - 1} - set(range(size, 4000)):
            plain = merkle.resolve(merkle.inclusion_proof(index, size), store.get_nodes)
            tiled = merkle.resolve(merkle.inclusion_proof(index, size), lambda ids: store.get_nodes(ids, size=size))
            assert tiled == plain == store.inclusion_path(index, size), (index, size)
            assert merkle.verify_inclusion(index, size, store.get_nodes([(0, index)])[(0, index)], plain, store.root(size))


def test_tree_nodes_read_inside_a_transaction_are_never_cached():
    # A node read before a rollback could be replaced by a different one; only committed nodes
    # (read outside any transaction) are permanent and may be kept in memory.
    store.append_many({"actor": "system", "action": "ledger.test_entry", "payload": i} for i in range(600))
    store.forget_cached_tree()
    store.root(600)
    assert store._nodes_cache == {}


def test_a_refusal_names_where_in_the_payload_the_bad_value_is():
    with pytest.raises(EncodingError, match=r"payload\.现场\.readings\[1\] 含有浮点数 2\.5"):
        store.append(actor="user:1", action="cases.case_filed", payload={"现场": {"readings": [1, 2.5]}})
