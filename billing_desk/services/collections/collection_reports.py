"""The rows behind the collections reports, in SQL: insurance balances unpaid past N days per
payer, promises due, payment plans and their status, activity per clerk.

Each function returns plain rows (dicts or dataclasses); ``reports/collections.py`` defines the
reports on them, once, for the screen, PDF, Excel and the printer. The collection list itself is
``reports.lists.collection_list`` over the worklist.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from ...models import database
from ...money import from_cents
from ..office.settings import get_setting
from ..office.transactions import today as ledger_today
from .worklist import _date


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


def promises_due(*, start: dt.date, end: dt.date) -> list[dict]:
    rows = database.execute_sql(
        """SELECT p.due_date, a.number, a.last_name, a.first_name, p.amount, p.status, u.username
           FROM promise p JOIN account a ON a.id = p.account_id JOIN "user" u ON u.id = p.by_id
           WHERE p.due_date BETWEEN ? AND ? ORDER BY p.due_date, a.number""",
        (start.isoformat(), end.isoformat())).fetchall()
    return [{"due": _date(r[0]), "account": r[1], "name": ", ".join(p for p in r[2:4] if p),
             "amount": from_cents(r[4]), "status": r[5], "by": r[6]} for r in rows]


def payment_plans(*, today: dt.date | None = None) -> list[dict]:
    today = today or ledger_today()
    rows = database.execute_sql(
        """SELECT a.number, a.last_name, a.first_name, pp.total, pp.installments, pp.first_due, pp.status,
                  SUM(pi.paid), SUM(CASE WHEN pi.due_date < ? AND pi.paid < pi.amount THEN 1 ELSE 0 END),
                  MIN(CASE WHEN pi.paid < pi.amount THEN pi.due_date END)
           FROM payment_plan pp JOIN account a ON a.id = pp.account_id
           JOIN plan_installment pi ON pi.plan_id = pp.id
           GROUP BY pp.id, a.id ORDER BY pp.status, a.number""", (today.isoformat(),)).fetchall()
    return [{"account": r[0], "name": ", ".join(p for p in r[1:3] if p), "total": from_cents(r[3]),
             "installments": r[4], "first_due": _date(r[5]), "status": r[6],
             "paid": from_cents(r[7] or 0), "missed": r[8] if r[6] == "active" else 0,
             "next_due": _date(r[9])} for r in rows]


def clerk_activity(*, start: dt.date, end: dt.date) -> list[dict]:
    """Per clerk: calls, letters, other contacts and promises taken in the period."""
    span = (start.isoformat(), end.isoformat())
    counts: dict[str, dict] = {}

    def row_of(user: str) -> dict:
        return counts.setdefault(user, {"clerk": user, "call": 0, "letter": 0, "other": 0,
                                        "promises": 0, "promised": Decimal("0.00")})

    for user, kind, n in database.execute_sql(
            """SELECT u.username, c.kind, COUNT(*) FROM contact_log c JOIN "user" u ON u.id = c.by_id
               WHERE c.contacted_on BETWEEN ? AND ? GROUP BY u.username, c.kind""", span).fetchall():
        row_of(user)[kind if kind in ("call", "letter") else "other"] += n
    for user, n, cents in database.execute_sql(
            """SELECT u.username, COUNT(*), SUM(p.amount) FROM promise p JOIN "user" u ON u.id = p.by_id
               WHERE p.made_on BETWEEN ? AND ? GROUP BY u.username""", span).fetchall():
        row_of(user).update(promises=n, promised=from_cents(cents or 0))
    return [counts[k] for k in sorted(counts)]
