"""The entry text lawtrail builds piece by piece is exactly RFC 8785 (JCS) canonical JSON.

Checked against an independent implementation (the ``rfc8785`` package) on generated payloads:
any JCS implementation in any language must re-create an entry's bytes from its fields.
"""

import json

import pytest
import rfc8785
from hypothesis import given, settings, strategies as st

from lawtrail.ledger import canonical
from lawtrail.ledger.canonical import EncodingError
from lawtrail.ledger.entry import GENESIS_PREV, parse, prepare, quote, seal

# Keys and text from the three ranges whose orders differ: ASCII, the rest of the BMP (with the
# private-use and compatibility block U+E000–U+FFFF, which code-point order puts *below* astral
# characters and UTF-16 order puts *above* them), astral characters such as 𠮷 — and every C0
# control character, which JCS escapes in two ways (\n … or \u00xx).
chars = st.one_of(
    st.characters(min_codepoint=0, max_codepoint=0x7F),
    st.characters(min_codepoint=0x80, max_codepoint=0xFFFF, exclude_categories=("Cs",)),
    st.characters(min_codepoint=0xE000, max_codepoint=0xFFFF),
    st.characters(min_codepoint=0x10000, max_codepoint=0x10FFFF),
)
text = st.text(alphabet=chars, max_size=12)
keys = text.filter(lambda k: not k.startswith("$"))
ints = st.integers(min_value=canonical.INT_MIN, max_value=canonical.INT_MAX)
json_values = st.recursive(
    st.none() | st.booleans() | ints | text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=6),
    max_leaves=20)


@settings(max_examples=400)
@given(json_values)
def test_canonical_bytes_are_exactly_what_an_independent_rfc8785_implementation_writes(value):
    assert canonical.encode(value) == rfc8785.dumps(value)


@settings(max_examples=200)
@given(st.dictionaries(keys, ints, min_size=2, max_size=8))
def test_object_keys_are_ordered_by_utf16_code_units_like_rfc8785(d):
    assert canonical.encode(d) == rfc8785.dumps(d)


def test_an_astral_key_sorts_before_a_key_in_the_upper_bmp_as_utf16_says():
    # 𠮷 is U+20BB7, written in UTF-16 as D842 DFB7; ｆ is U+FF46. By code point ｆ comes first;
    # by UTF-16 code units (RFC 8785 §3.2.3) 𠮷 does.
    assert canonical.encode({"ｆ": 1, "𠮷": 2, "a": 3}) == '{"a":3,"𠮷":2,"ｆ":1}'.encode()
    assert canonical.encode({"ｆ": 1, "𠮷": 2, "a": 3}) == rfc8785.dumps({"ｆ": 1, "𠮷": 2, "a": 3})


def test_control_characters_are_escaped_as_ecmascript_json_stringify_does():
    s = "".join(chr(c) for c in range(0x20)) + '"\\\x7f\u2028'
    assert canonical.encode(s) == (
        b'"\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\n\\u000b\\f\\r\\u000e\\u000f'
        b'\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018\\u0019\\u001a\\u001b\\u001c'
        b'\\u001d\\u001e\\u001f\\"\\\\\x7f\xe2\x80\xa8"')
    assert canonical.encode(s) == rfc8785.dumps(s)


@pytest.mark.parametrize("n", [2**53 - 1, -(2**53 - 1)])
def test_the_largest_integers_jcs_holds_exactly_are_written_as_digits(n):
    assert canonical.encode({"n": n}) == rfc8785.dumps({"n": n}) == f'{{"n":{n}}}'.encode()


@pytest.mark.parametrize("n", [2**53, -(2**53), 2**63 - 1, 10**30])
def test_a_larger_integer_is_refused_with_a_chinese_message_to_use_a_string(n):
    with pytest.raises(EncodingError, match="超出 ±\\(2⁵³−1\\) 的范围.*请改用字符串"):
        canonical.encode({"文件": {"编号": n}})
    with pytest.raises(rfc8785.IntegerDomainError):
        rfc8785.dumps(n)  # the reference refuses it too: a double cannot hold it exactly


def test_a_refused_integer_is_located_in_the_payload():
    with pytest.raises(EncodingError, match=r"payload\.文件\.编号 的整数超出"):
        canonical.encode({"文件": {"编号": 2**60}})


@given(text)
def test_quote_writes_a_string_exactly_as_canonical_json_does(s):
    assert quote(s) == canonical.dumps(s) == rfc8785.dumps(s).decode()


@settings(max_examples=200)
@given(actor=text.filter(lambda s: s and all(ord(c) >= 0x20 for c in s)),
       subject=text.filter(lambda s: all(ord(c) >= 0x20 for c in s)), payload=json_values,
       bureau=st.none() | st.integers(min_value=1, max_value=canonical.INT_MAX),
       seq=st.integers(min_value=0, max_value=canonical.INT_MAX))
def test_an_entry_body_is_the_rfc8785_form_of_its_fields(actor, subject, payload, bureau, seq):
    p = prepare(actor=actor, action="cases.case_filed", subject=subject, bureau=bureau, payload=payload,
                max_bytes=1 << 20)
    s = seal(p, seq=seq, time="2026-11-22T07:41:02.123456Z", prev=None)
    doc = {"action": "cases.case_filed", "actor": actor, "bureau": bureau, "payload": payload, "prev": GENESIS_PREV,
           "seq": seq, "subject": subject, "time": "2026-11-22T07:41:02.123456Z", "v": 2}
    assert s.body.encode() == rfc8785.dumps(doc)
    assert parse(s.body) == doc


@pytest.mark.parametrize("bureau", [0, -1, True, "3", 2**53])
def test_an_entry_whose_bureau_is_not_a_bureau_id_or_none_is_refused(bureau):
    with pytest.raises(EncodingError, match="所属机关"):
        prepare(actor="user:1", action="cases.case_filed", bureau=bureau, payload=None, max_bytes=1 << 20)


def test_python_key_order_is_not_used_when_it_differs_from_jcs():
    # The same payload given with its keys in any insertion order gives the same bytes.
    a = canonical.encode({"𠮷": 1, "ｆ": 2})
    b = canonical.encode({"ｆ": 2, "𠮷": 1})
    assert a == b == rfc8785.dumps({"ｆ": 2, "𠮷": 1})
    assert json.loads(a) == {"𠮷": 1, "ｆ": 2}


def test_the_ledger_core_modules_run_without_django():
    # A court's expert re-creates and checks entry bytes with these alone (docs/ledger.md §5).
    import subprocess
    import sys

    code = ("import sys; import lawtrail.ledger.canonical, lawtrail.ledger.entry, lawtrail.ledger.merkle, "
            "lawtrail.ledger.note, lawtrail.ledger.proofs; print(sorted(m for m in sys.modules if m.startswith('django')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
