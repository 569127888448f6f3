"""The deposit: what goes to the bank for a day, and the payments returned (bounced, voided).

The one source of the day sheet's deposit slip and of the Deposit list, so the two always agree.
Both read the ledger by entry date, the date the books are closed by:

- a payment is deposited on the day its entries were keyed (a payment keyed onto a closed day
  goes on the next open day, like its day sheet line), whatever becomes of it later, so a
  closed day's deposit never changes;
- a payment voided later (a check the bank returned) is its own line, a minus amount, on the
  day the void was keyed; it is never taken off the deposit of the day it was received.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from ...choices import CHECK_MADE_FOR_A_PAYMENT, PAYMENT_METHODS
from ...models import database
from ...money import ZERO, from_cents
from ...names import SQL_COLUMNS
from .reports_data import as_date, display_name


@dataclass
class DepositLine:
    method: str
    reference: str
    account: str
    name: str
    source: str
    amount: Decimal  # received: plus; returned: minus
    entry_date: dt.date  # the day it was keyed (the deposit day, or the day of the void)


@dataclass
class Deposit:
    """Payments received in a period by method, and the payments returned in it."""

    received: list[DepositLine] = field(default_factory=list)
    returned: list[DepositLine] = field(default_factory=list)

    def by_method(self) -> dict[str, list[DepositLine]]:
        groups: dict[str, list[DepositLine]] = {}
        for line in self.received:
            groups.setdefault(line.method, []).append(line)
        return dict(sorted(groups.items(), key=lambda pair: _method_order(pair[0])))

    def totals(self) -> dict[str, Decimal]:
        return {method: sum((line.amount for line in lines), ZERO)
                for method, lines in self.by_method().items()}

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.received), ZERO)

    @property
    def returned_total(self) -> Decimal:
        return sum((line.amount for line in self.returned), ZERO)


def _method_order(method: str) -> tuple[int, str]:
    methods = list(PAYMENT_METHODS)
    return (methods.index(method) if method in methods else len(methods), method)


# A payment that is part of an insurer's check is deposited as the check (below). One recorded
# without a check record and given one later, to hold its money owed back to the payer, stays
# deposited as itself, on its day; its taking back is no payment returned by the bank.
_SQL = f"""SELECT p.method, p.reference, a.number, {SQL_COLUMNS},
                 p.source, -SUM(le.amount), le.entry_date
          FROM ledger_entry le JOIN payment p ON p.id = le.payment_id
          JOIN account a ON a.id = le.account_id
          LEFT JOIN insurance_payment c ON c.id = p.insurance_payment_id
          WHERE le.kind = ? AND le.entry_date BETWEEN ? AND ?
            AND (p.insurance_payment_id IS NULL OR (le.kind = 'payment' AND c.source = ?))
          GROUP BY p.id, le.entry_date, a.id ORDER BY le.entry_date, p.method, p.id"""


# An insurer's check or EFT is one line, as the bank sees it, however many claims it paid.
_CHECKS = """SELECT c.method, c.reference, py.name, c.amount, c.entered_on
             FROM insurance_payment c JOIN payer py ON py.id = c.payer_id
             WHERE c.amount != 0 AND c.entered_on BETWEEN ? AND ? AND c.source != ?
             ORDER BY c.entered_on, c.id"""


def deposit(start: dt.date, end: dt.date | None = None) -> Deposit:
    """The deposit of a day (or a period): payments received, and payments returned."""
    end = end or start
    found = Deposit()
    for kind, target in (("payment", found.received), ("payment_void", found.returned)):
        for row in database.execute_sql(_SQL, (kind, start.isoformat(), end.isoformat(),
                                               CHECK_MADE_FOR_A_PAYMENT)):
            target.append(DepositLine(row[0] or "other", row[1] or "", row[2],
                                      display_name(*row[3:9]), row[9], from_cents(row[10]),
                                      as_date(row[11])))
    for row in database.execute_sql(_CHECKS, (start.isoformat(), end.isoformat(), CHECK_MADE_FOR_A_PAYMENT)):
        found.received.append(DepositLine(row[0] if row[0] in ("check", "eft") else "other", row[1],
                                          "", row[2], "insurance", from_cents(row[3]), as_date(row[4])))
    found.received.sort(key=lambda line: line.entry_date)
    return found


__all__ = ["Deposit", "DepositLine", "deposit"]
