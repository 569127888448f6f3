"""Money: one parser, one formatter, one rounding rule, one way to split.

Amounts are ``Decimal`` with two places in Python and whole cents (int) in the database.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Iterable, Sequence

from .errors import ValidationError

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

# 1234.5 | 1,234.50 | $1,234.50 | -12.00 | (12.00) ; groups of three when commas are used.
_AMOUNT = re.compile(
    r"""^(?P<neg1>-)?\s*\$?\s*(?P<neg2>-)?
        (?P<int>\d{1,3}(?:,\d{3})+|\d+)?
        (?:\.(?P<frac>\d{0,2}))?$""",
    re.VERBOSE | re.ASCII,  # \d is 0-9 only: never full-width or Arabic-Indic digits
)
_OTHER_DIGIT = re.compile(r"(?![0-9])\d")


def parse_money(text: str | int | Decimal, field: str = "amount", *, allow_negative: bool = False) -> Decimal:
    """Parse what a clerk typed into an exact amount, or raise ValidationError naming ``field``."""
    if isinstance(text, Decimal):
        value = text
        if value != value.quantize(CENT):
            raise ValidationError(f"{text} has more than two decimals", field)
        return _check_sign(value.quantize(CENT), field, allow_negative)
    if isinstance(text, bool) or isinstance(text, float):
        raise ValidationError("amounts must be typed, not computed as floats", field)
    if isinstance(text, int):
        return _check_sign(Decimal(text).quantize(CENT), field, allow_negative)
    raw = (text or "").strip()
    if not raw:
        raise ValidationError("an amount is required", field)
    if _OTHER_DIGIT.search(raw):
        raise ValidationError(f"'{text}' has digits other than 0-9; type the amount with 0-9", field)
    negative = False
    if raw.startswith("(") and raw.endswith(")"):
        negative, raw = True, raw[1:-1].strip()
    match = _AMOUNT.match(raw)
    if not match or not (match["int"] or match["frac"]):
        if re.search(r"\.\d{3,}$", raw):
            raise ValidationError(f"'{text}' has more than two decimals", field)
        raise ValidationError(f"'{text}' is not an amount (type it like 1,234.50)", field)
    negative = negative or bool(match["neg1"] or match["neg2"])
    value = Decimal(f"{(match['int'] or '0').replace(',', '')}.{match['frac'] or '0'}")
    return _check_sign(-value if negative else value, field, allow_negative).quantize(CENT)


def _check_sign(value: Decimal, field: str, allow_negative: bool) -> Decimal:
    if value < 0 and not allow_negative:
        raise ValidationError("the amount may not be negative", field)
    if abs(value) >= Decimal("100000000000"):
        raise ValidationError("the amount is too large", field)
    return value


def round_money(value: Decimal) -> Decimal:
    """The one rounding rule: half up to the cent."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def percent_of(amount: Decimal, percent: Decimal) -> Decimal:
    """``percent`` % of ``amount`` (20 % of 80.00 -> 16.00), rounded by the one rule."""
    return round_money(amount * percent / 100)


PERCENT_PLACE = Decimal("0.001")  # a fraction to a tenth of a percent: 0.635 is 63.5 %


def share_of(part: Decimal | int, whole: Decimal | int) -> Decimal | None:
    """``part`` as a fraction of ``whole`` (a share, a margin), rounded once, half up, to a
    tenth of a percent: 126.90 of 200.00 -> 0.635 (63.5 %). None when the whole is zero.

    The one rounding of a percentage, as ``round_money`` is of an amount: the printed and the
    Excel forms show this value as it is, never rounding it again.
    """
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(PERCENT_PLACE, rounding=ROUND_HALF_UP)


def to_cents(value: Decimal) -> int:
    quantized = Decimal(value).quantize(CENT)
    if quantized != Decimal(value):
        raise ValueError(f"{value} is not a whole number of cents; round it first")
    return int(quantized * 100)


def from_cents(cents: int | None) -> Decimal:
    return (Decimal(cents or 0) / 100).quantize(CENT)


def format_money(value: Decimal | int | None, *, currency: bool = True, blank_zero: bool = False) -> str:
    """1234.5 -> '$1,234.50'; negatives in a leading minus."""
    if value is None:
        return ""
    value = Decimal(value).quantize(CENT)
    if blank_zero and value == 0:
        return ""
    sign = "-" if value < 0 else ""
    body = f"{abs(value):,.2f}"
    return f"{sign}${body}" if currency else f"{sign}{body}"


def split_largest_remainder(total: Decimal, weights: Sequence[Decimal | int]) -> list[Decimal]:
    """Split ``total`` in proportion to ``weights`` so the parts add up to the cent.

    Each part gets its floor share in cents; the cents left over go to the largest remainders
    (ties to the earliest).
    """
    cents = to_cents(total)
    weights = [Decimal(w) for w in weights]
    if not weights:
        return []
    if any(w < 0 for w in weights):
        raise ValueError("weights must not be negative")
    whole = sum(weights)
    if whole == 0:
        weights, whole = [Decimal(1)] * len(weights), Decimal(len(weights))
    sign = -1 if cents < 0 else 1
    cents = abs(cents)
    exact = [Decimal(cents) * w / whole for w in weights]
    floors = [int(e) for e in exact]
    left = cents - sum(floors)
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return [from_cents(sign * c) for c in floors]


def total(values: Iterable[Decimal]) -> Decimal:
    return sum(values, ZERO)


__all__ = [
    "CENT", "ZERO", "InvalidOperation", "format_money", "from_cents", "parse_money", "percent_of",
    "round_money", "share_of", "split_largest_remainder", "to_cents", "total",
]
