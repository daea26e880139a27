"""lawtrail.text: the one policy for typed text, as the pages and the API apply it."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lawtrail import text


def test_crlf_and_a_lone_cr_become_lf_and_nothing_else_changes():
    assert text.clean("问：\r\n答：\r好\n。\t𠮷", "询问内容") == "问：\n答：\n好\n。\t𠮷"


@pytest.mark.parametrize("ch, shown", [("\x00", "U+0000（NUL）"), ("\x1b", "U+001B（ESC）"), ("\x07", "U+0007"),
                                       ("\x7f", "U+007F（DEL）"), ("\x85", "U+0085")])
def test_control_characters_are_refused_naming_the_field_and_the_character(ch, shown):
    with pytest.raises(text.TextError) as e:
        text.clean(f"基本{ch}案情", "基本案情")
    assert str(e.value).startswith("基本案情含有不可见的控制字符") and shown in str(e.value)


@pytest.mark.parametrize("ch", ["\u202a", "\u202e", "\u2066", "\u2069", "\u200b", "\u200d", "\u2060", "\ufeff"])
def test_direction_overrides_and_zero_width_characters_are_refused_in_names_only(ch):
    with pytest.raises(text.TextError, match="^当事人姓名.*隐藏字符"):
        text.clean(f"王{ch}某", "当事人姓名", text.NAME)
    assert text.clean(f"王{ch}某", "情况记录") == f"王{ch}某"


def test_a_name_is_one_line():
    with pytest.raises(text.TextError, match="不能换行"):
        text.clean("王某\r\n李某", "当事人姓名", text.NAME)


def test_a_lone_surrogate_from_json_is_refused():
    with pytest.raises(text.TextError, match="无效的字符"):
        text.clean("王\ud800某", "当事人姓名", text.NAME)


@given(st.text(st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("\r\n\t")))
def test_clean_is_idempotent_and_leaves_no_cr(s):
    once = text.clean(s, "字段")
    assert "\r" not in once and text.clean(once, "字段") == once
