"""Only ASCII digits in money (and in whole numbers and ZIP codes): full-width or Arabic-Indic
digits are refused with the field named, never read as 123.00."""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from billing_desk.errors import ValidationError
from billing_desk.money import parse_money
from billing_desk.services.office.validation import check_zip, parse_int

pytestmark = pytest.mark.both_engines

# Every decimal digit that is not 0-9: full-width, Arabic-Indic, Devanagari, Bengali, ...
OTHER_DIGITS = st.characters(categories=("Nd",)).filter(lambda c: c not in "0123456789")


@pytest.mark.parametrize("text", ["１２３", "١٢٣", "$１,２３４.５０", "12.٥0", "(１２)"])
def test_money_in_other_digits_is_refused_with_the_field_named(text):
    with pytest.raises(ValidationError) as caught:
        parse_money(text, "unit_price", allow_negative=True)
    problem = caught.value.problems[0]
    assert problem.field == "unit_price" and "0-9" in problem.message


@given(st.integers(0, 10**9), st.integers(0, 99), OTHER_DIGITS, st.data())
def test_any_non_ascii_digit_anywhere_in_an_amount_is_refused(whole, cents, digit, data):
    text = f"{whole}.{cents:02d}"
    assert parse_money(text) == parse_money(text)  # the ASCII amount itself is fine
    at = data.draw(st.integers(0, len(text) - 1))
    forged = text[:at] + digit + text[at + 1:] if text[at] != "." else text[:at] + digit + text[at:]
    with pytest.raises(ValidationError) as caught:
        parse_money(forged, "amount")
    assert caught.value.problems[0].field == "amount"


def test_whole_numbers_and_zip_codes_take_only_ascii_digits():
    assert parse_int("１２", "billing_cycle_day")[1].field == "billing_cycle_day"
    assert check_zip("１２３４５") is not None and check_zip("12345") is None
