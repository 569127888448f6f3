"""What an invoice will come to before it is saved: each line's amount, the total and the estimate.

The one place a line's amount is computed (``line_amount``): the invoice form shows the preview,
and saving a draft stores the same amounts and estimates, so the screen never multiplies money.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Sequence

from ...money import ZERO, round_money, total
from ..office.transactions import today
from ..office.validation import parse_date
from .estimate import ChargeLine, Estimate, LineEstimate, estimate_for


@dataclass(frozen=True)
class PricedLine:
    """A line as the form holds it once typed: the code found, a whole quantity, an exact price."""

    code: str
    quantity: int
    unit_price: Decimal
    description: str = ""
    modifiers: str = ""
    pointers: str = ""  # the diagnoses' letters as typed ("A,B")


@dataclass(frozen=True)
class InvoicePreview:
    amounts: list[Decimal]  # one per line, in order
    total: Decimal
    estimate: Estimate

    @property
    def lines(self) -> list[LineEstimate]:
        return self.estimate.lines

    @property
    def insurance_pays(self) -> Decimal:
        return self.estimate.total("insurance_pays")

    @property
    def patient_pays(self) -> Decimal:
        return self.estimate.total("patient_pays")


def line_amount(quantity: int, unit_price: Decimal) -> Decimal:
    """A line's amount: quantity x unit price, rounded half up to the cent."""
    return round_money(unit_price * quantity)


def preview_invoice(account_id: int | None, service_date: dt.date | str | None,
                    lines: Sequence[PricedLine]) -> InvoicePreview:
    """Amounts, total and estimate for ``lines`` billed to ``account_id`` on ``service_date``.

    No account yet estimates as uninsured; a date not (yet) readable estimates as of today.
    """
    on = service_date if isinstance(service_date, dt.date) else None
    if isinstance(service_date, str):
        on, _problem = parse_date(service_date, "service_date")
    amounts = [line_amount(line.quantity, line.unit_price) for line in lines]
    charges = [ChargeLine(line.code, line.quantity, amount, line.description)
               for line, amount in zip(lines, amounts)]
    estimate = estimate_for(account_id or 0, on or today(), charges)
    return InvoicePreview(amounts, total(amounts) if amounts else ZERO, estimate)
