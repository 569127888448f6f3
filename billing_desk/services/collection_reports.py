"""Collections lists and reports as data: insurance balances unpaid past N days per payer, the
collection list, promises due, payment plans and their status, activity per clerk.

The report functions return ``ReportData`` (plain rows and typed columns); the window turns it
into a ``printing.report.Report`` (services and printing are independent layers).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from ..models import database
from ..money import from_cents
from .collections import _date
from .ledger import today as ledger_today
from .settings import get_setting


@dataclass
class PayerRow:
    payer_id: int
    payer: str
    phone: str
    claims: int
    unpaid: Decimal
    oldest: dt.date | None


def insurance_unpaid(*, days: int | None = None, today: dt.date | None = None) -> list[PayerRow]:
    """Per payer: invoices whose insurance part is still open ``days`` after posting."""
    today = today or ledger_today()
    days = int(get_setting("insurance_unpaid_days")) if days is None else days
    cutoff = (today - dt.timedelta(days=days)).isoformat()
    rows = database.execute_sql(
        """SELECT p.id, p.name, p.phone, COUNT(*), SUM(i.insurance_balance), MIN(i.posted_on)
           FROM invoice i JOIN payer p ON p.id = i.payer_id
           WHERE i.insurance_balance > 0 AND i.posted_on <= ?
           GROUP BY p.id ORDER BY SUM(i.insurance_balance) DESC""", (cutoff,)).fetchall()
    return [PayerRow(r[0], r[1], r[2] or "", r[3], from_cents(r[4]), _date(r[5])) for r in rows]


def insurance_unpaid_claims(payer_id: int, *, days: int | None = None,
                            today: dt.date | None = None) -> list[dict]:
    today = today or ledger_today()
    days = int(get_setting("insurance_unpaid_days")) if days is None else days
    cutoff = (today - dt.timedelta(days=days)).isoformat()
    rows = database.execute_sql(
        """SELECT i.number, a.number, a.last_name, a.first_name, i.service_date, i.posted_on,
                  i.insurance_balance
           FROM invoice i JOIN account a ON a.id = i.account_id
           WHERE i.payer_id = ? AND i.insurance_balance > 0 AND i.posted_on <= ?
           ORDER BY i.posted_on, i.number""", (payer_id, cutoff)).fetchall()
    return [{"invoice": r[0], "account": r[1], "name": ", ".join(p for p in r[2:4] if p),
             "service_date": _date(r[4]), "posted_on": _date(r[5]),
             "days": (today - _date(r[5])).days, "unpaid": from_cents(r[6])} for r in rows]
