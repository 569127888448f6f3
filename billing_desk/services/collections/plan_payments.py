"""What a patient paid toward a promise or a payment plan, as it was known on a given day.

The day's review (``collection_actions.review``) and the payment plans report read the same
rule: payments from the patient or the agency with a received date in the window, keyed by
that day and not voided by then (by their ledger entries' dates), spread over the plan's
installments in order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from ...models import database
from ...money import ZERO, from_cents


def known_payments(known_by: dt.date, account_id: int | None = None,
                   ) -> dict[int, list[tuple[dt.date, Decimal]]]:
    """Per account (one, or every account with a plan): (received on, amount) of each payment
    from the patient or the agency keyed by ``known_by`` and not voided by then."""
    known = known_by.isoformat()
    which = "p.account_id = ?" if account_id is not None else \
        "p.account_id IN (SELECT account_id FROM payment_plan)"
    rows = database.execute_sql(
        f"""SELECT p.account_id, p.received_on, p.amount FROM payment p
           WHERE {which} AND p.source IN ('patient', 'agency')
             AND EXISTS (SELECT 1 FROM ledger_entry e WHERE e.payment_id = p.id
                         AND e.kind = 'payment' AND e.entry_date <= ?)
             AND NOT EXISTS (SELECT 1 FROM ledger_entry e WHERE e.payment_id = p.id
                             AND e.kind = 'payment_void' AND e.entry_date <= ?)""",
        ([account_id] if account_id is not None else []) + [known, known]).fetchall()
    found: dict[int, list[tuple[dt.date, Decimal]]] = {}
    for key, received, cents in rows:
        day = received if isinstance(received, dt.date) else dt.date.fromisoformat(str(received)[:10])
        found.setdefault(key, []).append((day, from_cents(cents)))
    return found


def paid_in(payments: list[tuple[dt.date, Decimal]], start: dt.date, end: dt.date) -> Decimal:
    return sum((amount for day, amount in payments if start <= day <= end), ZERO)


def paid_between(account_id: int, start: dt.date, end: dt.date,
                 known_by: dt.date | None = None) -> Decimal:
    """Received from ``start`` to ``end``, keyed by ``known_by`` (default ``end``) and not
    voided by then."""
    known = known_payments(known_by or end, account_id)
    return paid_in(known.get(account_id, []), start, end)


def spread(amounts: Sequence[Decimal], paid: Decimal) -> list[Decimal]:
    """``paid`` over installments of ``amounts`` (in due order): each is paid before the next."""
    shares = []
    left = paid
    for amount in amounts:
        share = max(min(left, amount), ZERO)
        shares.append(share)
        left -= share
    return shares
