"""X12 segments, written safely: the separators, the character set, and values as X12 spells them.

X12 has no escape character in 005010: a ``*`` in a name would end the field early and every
field after it would be read wrong. So each value from a claim passes through ``Segments.text``,
which spells it in capitals (accents dropped: JOSÉ is JOSE), and refuses, naming the claim and the
field, any character that collides with a separator or that the X12 extended character set lacks.
Amounts are written as X12 reads them (``100``, ``12.5``, ``-3.75``), dates as CCYYMMDD.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import NoReturn

from ..errors import BillingError
from ..latin import fold

ELEMENT = "*"
COMPONENT = ":"
REPETITION = "^"
TERMINATOR = "~"
SEPARATORS = (ELEMENT, COMPONENT, REPETITION, TERMINATOR)
# The X12 extended character set (as pyx12 checks it), less the four separators above.
_ALLOWED = re.compile(r"""[A-Z0-9!"&'()+,\-./;?= a-z%@\[\]_{}\\|<>#$]*""")
_SPACES = re.compile(r"\s+")


def amount(value: Decimal) -> str:
    """A money amount as an X12 decimal: cents kept, trailing zeros and a bare point dropped."""
    cents = Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    text = format(cents, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def quantity(value: int | Decimal) -> str:
    """A count (units, days) as an X12 decimal: ``1``, ``2.5``."""
    text = format(Decimal(value), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def date8(value: dt.date) -> str:
    return value.strftime("%Y%m%d")


def time4(value: dt.datetime) -> str:
    return value.strftime("%H%M")


class Segments:
    """The segments of one file, each value checked; ``where`` names the claim being written."""

    def __init__(self) -> None:
        self.rows: list[str] = []
        self.where = "the file"

    def add(self, segment_id: str, *elements: str) -> None:
        """One segment; trailing empty elements are left off as X12 requires."""
        values = list(elements)
        while values and values[-1] == "":
            values.pop()
        self.rows.append(ELEMENT.join([segment_id, *values]))

    def text(self, value: str, field: str, *, limit: int = 60, required: bool = False) -> str:
        """``value`` in capitals, or a refusal naming the field."""
        spelled = _SPACES.sub(" ", _plain(value or "")).strip().upper()
        if required and not spelled:
            self.refuse(field, "is blank; the 837P needs it")
        bad = sorted({c for c in spelled if not _ALLOWED.fullmatch(c)})
        if bad:
            shown = " ".join(repr(c) for c in bad)
            why = ("the 837P file uses it to separate its fields"
                   if any(c in SEPARATORS for c in bad) else "an 837P file cannot carry it")
            self.refuse(field, f"has {shown}, which {why}; please change it")
        if len(spelled) > limit:
            self.refuse(field, f"is {len(spelled)} characters long; the 837P allows {limit}")
        return spelled

    def digits(self, value: str, field: str, *, sizes: tuple[int, ...]) -> str:
        """A number written as digits (NPI, ZIP code, phone, tax id), of one of ``sizes``."""
        text = (value or "").replace("-", "").replace(" ", "")
        if not text.isascii() or not text.isdigit() or len(text) not in sizes:
            wanted = " or ".join(str(n) for n in sizes)
            self.refuse(field, f"must be {wanted} digits (it is {value!r})")
        return text

    def refuse(self, field: str, message: str) -> NoReturn:
        raise BillingError(f"{self.where}, {field}: {message}")

    def count_since(self, start: int) -> int:
        """Segments written from row ``start`` on (SE01 counts ST through SE)."""
        return len(self.rows) - start

    def join(self, newline: bool = True) -> str:
        end = TERMINATOR + ("\n" if newline else "")
        return "".join(row + end for row in self.rows)


def _plain(text: str) -> str:
    """Accents dropped (É -> E), Ł Ø Đ ß spelled (``latin.fold``); other characters kept for the
    check to judge."""
    return fold(text)


__all__ = ["COMPONENT", "ELEMENT", "REPETITION", "SEPARATORS", "TERMINATOR", "Segments",
           "amount", "date8", "quantity", "time4"]
