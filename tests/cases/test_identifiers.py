"""Party identifiers: 公民身份号码 (GB 11643-1999) and 统一社会信用代码 (GB 32100-2015)."""

from datetime import date

import pytest
from hypothesis import assume, given, strategies as st

from lawtrail.cases.identifiers import (
    CREDIT_CODE_ALPHABET,
    IdentifierError,
    check_credit_code,
    check_resident_id,
    credit_code_check_char,
    resident_id_check_char,
)

SAMPLE_ID = "11010519491231002X"  # the sample printed in GB 11643-1999
SAMPLE_CODE = "91350100M000100Y43"
ID_CHARS = "0123456789X"


# --- strategies ------------------------------------------------------------------------------
@st.composite
def resident_ids(draw):
    area = draw(st.text("0123456789", min_size=6, max_size=6))
    born = draw(st.dates(min_value=date(1900, 1, 1), max_value=date(9999, 12, 31)))
    seq = draw(st.text("0123456789", min_size=3, max_size=3))
    first17 = area + born.strftime("%Y%m%d") + seq
    return first17 + resident_id_check_char(first17)


@st.composite
def credit_codes(draw):
    first17 = draw(st.text(CREDIT_CODE_ALPHABET, min_size=17, max_size=17))
    return first17 + credit_code_check_char(first17)


def refused(check, value, message):
    with pytest.raises(IdentifierError) as e:
        check(value)
    assert str(e.value) == message
    return e.value


# --- accepted --------------------------------------------------------------------------------
def test_the_published_sample_resident_id_is_accepted():
    assert check_resident_id(SAMPLE_ID) == SAMPLE_ID


def test_the_sample_credit_code_is_accepted():
    assert check_credit_code(SAMPLE_CODE) == SAMPLE_CODE


def test_the_check_characters_agree_with_sums_worked_by_hand():
    # 1·7+1·9+0·10+1·5+0·8+5·4+1·2+9·1+4·6+9·3+1·7+2·9+3·10+1·5+0·8+0·4+2·2 = 167; 167 mod 11 = 2
    assert resident_id_check_char("11010519491231002") == "X"  # (12 - 2) mod 11 = 10
    # 9·1+1·3+3·9+5·27+1·26+21(M)·20+1·8+30(Y)·30+4·28 = 1640; 1640 mod 31 = 28
    assert credit_code_check_char("91350100M000100Y4") == "3"  # 31 - 28


def test_a_lowercase_x_is_accepted_and_returned_in_upper_case():
    assert check_resident_id("11010519491231002x") == SAMPLE_ID


@pytest.mark.parametrize("padding", [" ", "\t", "\n", "\u3000"])
def test_surrounding_whitespace_is_ignored(padding):
    assert check_resident_id(padding + SAMPLE_ID + padding) == SAMPLE_ID
    assert check_credit_code(padding + SAMPLE_CODE + padding) == SAMPLE_CODE


def test_a_lowercase_credit_code_is_returned_in_upper_case():
    assert check_credit_code(" 91350100m000100y43 ") == SAMPLE_CODE


def test_a_resident_id_born_on_a_leap_day_is_accepted():
    first17 = "110105" + "20000229" + "001"
    value = first17 + resident_id_check_char(first17)
    assert check_resident_id(value) == value


# --- resident ID refused ---------------------------------------------------------------------
@pytest.mark.parametrize("value", ["", "1101051949123100", SAMPLE_ID + "0", "110105 19491231002X"])
def test_a_resident_id_of_the_wrong_length_is_refused(value):
    refused(check_resident_id, value, "身份证号码应为18位")


def test_a_huge_resident_id_is_refused_without_echoing_it():
    e = refused(check_resident_id, "1" * 100_000, "身份证号码应为18位")
    assert len(str(e)) < 40


@pytest.mark.parametrize("bad", ["A", "x", "-", "１", "٣", "²"])
def test_a_resident_id_with_anything_but_ascii_digits_in_the_first_17_is_refused(bad):
    refused(check_resident_id, bad + SAMPLE_ID[1:], "身份证号码前17位应为数字")
    refused(check_resident_id, SAMPLE_ID[:16] + bad + SAMPLE_ID[17], "身份证号码前17位应为数字")


@pytest.mark.parametrize("bad", ["Y", "Ｘ", "１", "-"])
def test_a_resident_id_ending_in_anything_but_a_digit_or_x_is_refused(bad):
    refused(check_resident_id, SAMPLE_ID[:17] + bad, "身份证号码第18位应为数字或X")


@pytest.mark.parametrize("born", ["19490231", "19491301", "19490001", "19491200", "19000229", "18991231", "00000000"])
def test_a_resident_id_with_an_impossible_birth_date_is_refused(born):
    first17 = "110105" + born + "002"
    refused(check_resident_id, first17 + resident_id_check_char(first17), "身份证号码中的出生日期无效")


def test_a_resident_id_with_a_wrong_check_character_is_refused():
    refused(check_resident_id, SAMPLE_ID[:17] + "0", "身份证号码校验码错误（应为X）")
    refused(check_resident_id, "110105194912310021", "身份证号码校验码错误（应为X）")


# --- credit code refused ---------------------------------------------------------------------
@pytest.mark.parametrize("value", ["", SAMPLE_CODE[:17], SAMPLE_CODE + "0", "91350100 M000100Y43"])
def test_a_credit_code_of_the_wrong_length_is_refused(value):
    refused(check_credit_code, value, "统一社会信用代码应为18位")


def test_a_huge_credit_code_is_refused_without_echoing_it():
    e = refused(check_credit_code, "9" * 100_000, "统一社会信用代码应为18位")
    assert len(str(e)) < 40


@pytest.mark.parametrize("letter", ["I", "O", "Z", "S", "V"])
def test_a_credit_code_with_a_letter_the_standard_leaves_out_is_refused(letter):
    for value in (SAMPLE_CODE[:8] + letter + SAMPLE_CODE[9:], SAMPLE_CODE[:17] + letter):
        refused(check_credit_code, value, f"统一社会信用代码含有不允许的字符“{letter}”")
    refused(check_credit_code, SAMPLE_CODE[:8] + letter.lower() + SAMPLE_CODE[9:],
            f"统一社会信用代码含有不允许的字符“{letter}”")


@pytest.mark.parametrize("bad, shown", [("Ｍ", "“Ｍ”"), ("ß", "“ß”"), ("-", "“-”"), ("\x00", "U+0000")])
def test_a_credit_code_with_a_character_outside_the_alphabet_is_refused_and_named(bad, shown):
    refused(check_credit_code, SAMPLE_CODE[:8] + bad + SAMPLE_CODE[9:], f"统一社会信用代码含有不允许的字符{shown}")


def test_a_credit_code_with_a_wrong_check_character_is_refused():
    refused(check_credit_code, SAMPLE_CODE[:17] + "4", "统一社会信用代码校验码错误（应为3）")
    refused(check_credit_code, SAMPLE_CODE[:17] + "Y", "统一社会信用代码校验码错误（应为3）")


# --- helpers ---------------------------------------------------------------------------------
@pytest.mark.parametrize("first17", ["", SAMPLE_ID[:16], SAMPLE_ID, "1101051949123100１"])
def test_the_resident_id_helper_refuses_anything_but_17_ascii_digits(first17):
    with pytest.raises(IdentifierError):
        resident_id_check_char(first17)


@pytest.mark.parametrize("first17", ["", SAMPLE_CODE[:16], SAMPLE_CODE, "91350100m000100Y4", "91350100I000100Y4"])
def test_the_credit_code_helper_refuses_anything_but_17_alphabet_characters(first17):
    with pytest.raises(IdentifierError):
        credit_code_check_char(first17)


def test_identifier_errors_are_value_errors():
    assert issubclass(IdentifierError, ValueError)


# --- every single substitution is detected, checked exhaustively on the samples -------------
def test_every_single_substitution_in_the_sample_resident_id_is_refused():
    for i, old in enumerate(SAMPLE_ID):
        for new in (ID_CHARS if i == 17 else "0123456789"):
            if new != old:
                with pytest.raises(IdentifierError):
                    check_resident_id(SAMPLE_ID[:i] + new + SAMPLE_ID[i + 1:])


def test_every_single_substitution_in_the_sample_credit_code_is_refused():
    for i, old in enumerate(SAMPLE_CODE):
        for new in CREDIT_CODE_ALPHABET:
            if new != old:
                with pytest.raises(IdentifierError):
                    check_credit_code(SAMPLE_CODE[:i] + new + SAMPLE_CODE[i + 1:])


# --- Hypothesis ------------------------------------------------------------------------------
@given(resident_ids())
def test_any_17_digits_with_a_real_birth_date_and_their_check_character_are_accepted(value):
    assert check_resident_id(value) == value
    assert check_resident_id(" " + value.lower() + " ") == value


@given(credit_codes())
def test_any_17_alphabet_characters_and_their_check_character_are_accepted(value):
    assert check_credit_code(value) == value
    assert check_credit_code(value.lower()) == value


@given(resident_ids(), st.integers(0, 17), st.data())
def test_changing_any_one_character_of_a_resident_id_is_refused(value, i, data):
    new = data.draw(st.sampled_from([c for c in (ID_CHARS if i == 17 else "0123456789") if c != value[i]]))
    changed = value[:i] + new + value[i + 1:]
    assert resident_id_check_char(changed[:17]) != changed[17]  # the check digit alone catches it
    with pytest.raises(IdentifierError):
        check_resident_id(changed)


@given(credit_codes(), st.integers(0, 17), st.data())
def test_changing_any_one_character_of_a_credit_code_is_refused(value, i, data):
    new = data.draw(st.sampled_from([c for c in CREDIT_CODE_ALPHABET if c != value[i]]))
    changed = value[:i] + new + value[i + 1:]
    assert credit_code_check_char(changed[:17]) != changed[17]
    with pytest.raises(IdentifierError):
        check_credit_code(changed)


@given(resident_ids(), st.integers(0, 16))
def test_swapping_two_adjacent_different_characters_of_a_resident_id_is_refused(value, i):
    assume(value[i] != value[i + 1])
    swapped = value[:i] + value[i + 1] + value[i] + value[i + 2:]
    with pytest.raises(IdentifierError):
        check_resident_id(swapped)
    if "X" not in swapped[:17]:  # an X moved into the first 17 is refused as a non-digit
        assert resident_id_check_char(swapped[:17]) != swapped[17]


@given(credit_codes(), st.integers(0, 16))
def test_swapping_two_adjacent_different_characters_of_a_credit_code_is_refused(value, i):
    assume(value[i] != value[i + 1])
    swapped = value[:i] + value[i + 1] + value[i] + value[i + 2:]
    assert credit_code_check_char(swapped[:17]) != swapped[17]
    with pytest.raises(IdentifierError):
        check_credit_code(swapped)
