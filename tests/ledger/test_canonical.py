"""The entry text lawtrail builds piece by piece is exactly the documented canonical JSON."""

import json

from hypothesis import given, settings, strategies as st

from lawtrail.ledger import canonical
from lawtrail.ledger.entry import GENESIS_PREV, parse, prepare, quote, seal

text = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=40)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=canonical.INT_MIN, max_value=canonical.INT_MAX) | text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text.filter(lambda k: not k.startswith("$")),
                                                                inner, max_size=4),
    max_leaves=12)


@given(text)
def test_quote_writes_a_string_exactly_as_json_does(s):
    assert quote(s) == json.dumps(s, ensure_ascii=False)


@settings(max_examples=200)
@given(actor=text.filter(lambda s: s and all(ord(c) >= 0x20 for c in s)),
       subject=text.filter(lambda s: all(ord(c) >= 0x20 for c in s)), payload=json_values,
       seq=st.integers(min_value=0, max_value=2**63 - 1))
def test_an_entry_body_is_the_canonical_json_of_its_fields(actor, subject, payload, seq):
    p = prepare(actor=actor, action="cases.case_filed", subject=subject, payload=payload, max_bytes=1 << 20)
    s = seal(p, seq=seq, time="2026-11-22T07:41:02.123456Z", prev=None)
    doc = {"action": "cases.case_filed", "actor": actor, "payload": payload, "prev": GENESIS_PREV, "seq": seq,
           "subject": subject, "time": "2026-11-22T07:41:02.123456Z", "v": 1}
    assert s.body == json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    assert parse(s.body) == doc
