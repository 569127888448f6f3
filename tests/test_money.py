from decimal import Decimal

import pytest
from hypothesis import given, strategies as st

from billing_desk.errors import ValidationError
from billing_desk.money import (
    format_money,
    from_cents,
    parse_money,
    round_money,
    split_largest_remainder,
    to_cents,
)


@pytest.mark.parametrize("text, expected", [
    ("1234.5", "1234.50"), ("1,234.50", "1234.50"), ("$1,234.50", "1234.50"), ("0.99", "0.99"),
    (".5", "0.50"), ("12", "12.00"), (" $ 7.05 ", "7.05"), ("1,000,000", "1000000.00"),
])
def test_accepts_what_clerks_type(text, expected):
    assert parse_money(text) == Decimal(expected)


@pytest.mark.parametrize("text, why", [
    ("1e3", "not an amount"), ("1.234,56", "not an amount"), ("1.234", "more than two decimals"),
    ("12,34", "not an amount"), ("", "required"), ("abc", "not an amount"), ("-5", "negative"),
    ("1,23,456", "not an amount"), ("NaN", "not an amount"), ("inf", "not an amount"),
])
def test_refuses_the_rest_with_the_field_named(text, why):
    with pytest.raises(ValidationError) as caught:
        parse_money(text, "copay")
    assert caught.value.problems[0].field == "copay"
    assert why in str(caught.value)


def test_floats_are_refused():
    with pytest.raises(ValidationError):
        parse_money(0.1)  # type: ignore[arg-type]


def test_negative_only_when_allowed():
    assert parse_money("-5.25", allow_negative=True) == Decimal("-5.25")
    assert parse_money("(5.25)", allow_negative=True) == Decimal("-5.25")


def test_rounding_is_half_up_in_one_place():
    assert round_money(Decimal("2.675")) == Decimal("2.68")
    assert round_money(Decimal("2.665")) == Decimal("2.67")
    assert round_money(Decimal("-2.675")) == Decimal("-2.68")


def test_format():
    assert format_money(Decimal("1234.5")) == "$1,234.50"
    assert format_money(Decimal("-3")) == "-$3.00"
    assert format_money(None) == ""


def test_cents_refuse_fractions():
    with pytest.raises(ValueError):
        to_cents(Decimal("0.001"))


def test_split_gives_the_odd_cents_to_the_largest_remainders():
    assert split_largest_remainder(Decimal("100.00"), [1, 1, 1]) == [
        Decimal("33.34"), Decimal("33.33"), Decimal("33.33")]
    assert split_largest_remainder(Decimal("10.00"), [0, 0]) == [Decimal("5.00"), Decimal("5.00")]


cents = st.integers(min_value=-10**11 + 1, max_value=10**11 - 1)


@given(cents)
def test_format_then_parse_round_trips(value):
    amount = from_cents(value)
    assert parse_money(format_money(amount), allow_negative=True) == amount
    assert to_cents(amount) == value


@given(st.integers(min_value=-10**9, max_value=10**9),
       st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=20))
def test_split_parts_always_add_up(total_cents, weights):
    total = from_cents(total_cents)
    parts = split_largest_remainder(total, weights)
    assert sum(parts) == total
    assert len(parts) == len(weights)
    if sum(weights):
        for part, weight in zip(parts, weights):
            exact = total * Decimal(weight) / Decimal(sum(weights))
            assert abs(part - exact) < Decimal("0.01")


@given(st.decimals(min_value=-10**6, max_value=10**6, allow_nan=False, allow_infinity=False, places=4))
def test_rounding_lands_on_cents_and_moves_under_a_cent(value):
    rounded = round_money(value)
    assert rounded == rounded.quantize(Decimal("0.01"))
    assert abs(rounded - value) <= Decimal("0.005")


def test_percent_of_rounds_half_up_to_the_cent():
    from billing_desk.money import percent_of

    assert percent_of(Decimal("80.00"), Decimal("20")) == Decimal("16.00")
    assert percent_of(Decimal("10.05"), Decimal("50")) == Decimal("5.03")
    assert percent_of(Decimal("33.33"), Decimal("12.5")) == Decimal("4.17")


def test_a_share_is_rounded_once_half_up_to_a_tenth_of_a_percent():
    """Issue 18, item 6: 63.45 % is 63.5 %, not 63.4 % (no banker's rounding, no rounding twice)."""
    from billing_desk.money import share_of
    from billing_desk.printing.report import format_percent

    assert share_of(Decimal("126.90"), Decimal("200.00")) == Decimal("0.635")
    assert format_percent(share_of(Decimal("126.90"), Decimal("200.00"))) == "63.5%"
    assert share_of(Decimal("1"), Decimal("8")) == Decimal("0.125")
    assert share_of(Decimal("2"), Decimal("3")) == Decimal("0.667")
    assert share_of(Decimal("-126.90"), Decimal("200.00")) == Decimal("-0.635")
    # 0.06344999... would become 0.0635 then 6.4 % if rounded twice; once, it is 6.3 %.
    assert share_of(Decimal("6344999"), Decimal("100000000")) == Decimal("0.063")
    assert share_of(Decimal("5.00"), Decimal("0.00")) is None
    assert format_percent(Decimal("0.6345")) == "63.5%"  # the printed form rounds half up too
