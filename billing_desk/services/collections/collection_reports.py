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

from ...models import Account, PaymentPlan, PlanInstallment, database
from ...money import ZERO, from_cents
from ...names import SQL_COLUMNS, listed
from ..books.aging import insurance_owed_sql
from ..office import audit
from ..office.settings import get_setting
from ..office.transactions import today as ledger_today
from .plan_payments import known_payments, paid_in, spread
from .worklist import _date


@dataclass
class PayerRow:
    payer_id: int
    payer: str
    phone: str
    claims: int
    unpaid: Decimal
    oldest: dt.date | None


# The invoices whose insurance part is open, posted by the cutoff: read off their own partial
# index (invoice_insurance_open), then each one's part summed per payer who owes it.
_OWED = insurance_owed_sql(True, False, invoices="oi.insurance_balance > 0 AND oi.posted_on <= ?",
                           index="invoice_insurance_open")


def insurance_unpaid(*, days: int | None = None, today: dt.date | None = None) -> list[PayerRow]:
    """Per payer who owes it (a secondary's part under the secondary): invoices whose insurance
    part is still open ``days`` after posting."""
    today = today or ledger_today()
    days = int(get_setting("insurance_unpaid_days")) if days is None else days
    cutoff = (today - dt.timedelta(days=days)).isoformat()
    rows = database.execute_sql(
        f"""SELECT p.id, p.name, p.phone, COUNT(*), SUM(w.cents), MIN(i.posted_on)
           FROM {_OWED} JOIN invoice i ON i.id = w.invoice_id
           JOIN payer p ON p.id = w.payer_id
           WHERE w.cents > 0
           GROUP BY p.id, p.name, p.phone ORDER BY SUM(w.cents) DESC""", (cutoff,)).fetchall()
    return [PayerRow(r[0], r[1], r[2] or "", r[3], from_cents(r[4]), _date(r[5])) for r in rows]


def insurance_unpaid_claims(payer_id: int, *, days: int | None = None,
                            today: dt.date | None = None) -> list[dict]:
    today = today or ledger_today()
    days = int(get_setting("insurance_unpaid_days")) if days is None else days
    cutoff = (today - dt.timedelta(days=days)).isoformat()
    rows = database.execute_sql(
        f"""SELECT i.number, a.number, {SQL_COLUMNS}, i.service_date, i.posted_on, w.cents
           FROM {_OWED} JOIN invoice i ON i.id = w.invoice_id
           JOIN account a ON a.id = i.account_id
           WHERE w.payer_id = ? AND w.cents > 0
           ORDER BY i.posted_on, i.number""", (cutoff, payer_id)).fetchall()
    return [{"invoice": r[0], "account": r[1], "name": listed(*r[2:8]),
             "service_date": _date(r[8]), "posted_on": _date(r[9]),
             "days": (today - _date(r[9])).days, "unpaid": from_cents(r[10])} for r in rows]


def promises_due(*, start: dt.date, end: dt.date) -> list[dict]:
    rows = database.execute_sql(
        f"""SELECT p.due_date, a.number, {SQL_COLUMNS}, p.amount, p.status, u.username
           FROM promise p JOIN account a ON a.id = p.account_id JOIN "user" u ON u.id = p.by_id
           WHERE p.due_date BETWEEN ? AND ? ORDER BY p.due_date, a.number""",
        (start.isoformat(), end.isoformat())).fetchall()
    return [{"due": _date(r[0]), "account": r[1], "name": listed(*r[2:8]),
             "amount": from_cents(r[8]), "status": r[9], "by": r[10]} for r in rows]


def payment_plans(*, today: dt.date | None = None) -> list[dict]:
    """Every plan made by ``today``, as it stood that day: what was paid toward it (payments
    received and keyed by then, spread over the installments in order), installments missed,
    the next one due and its status (completed once paid in full; cancelled or defaulted from
    the day the trail recorded it; up to the cancelling, payments count toward it)."""
    today = today or ledger_today()
    ended = {key: changed[0].on for key, changed in
             audit.changes("payment_plan", ("cancel", "default")).items()}
    schedules: dict[int, list] = {}
    for installment in PlanInstallment.select().order_by(PlanInstallment.due_date, PlanInstallment.id):
        schedules.setdefault(installment.plan_id, []).append(installment)
    known = known_payments(today)
    rows = []
    for plan in PaymentPlan.select(PaymentPlan, Account).join(Account):
        made = plan.made_on or plan.created_at.date()
        if made > today:
            continue
        status, end = plan.status, today
        if status in ("cancelled", "defaulted"):
            if plan.id in ended and ended[plan.id] > today:
                status = "active"
            else:
                end = min(today, ended.get(plan.id, today))
        schedule = schedules.get(plan.id, [])
        shares = spread([i.amount for i in schedule],
                        paid_in(known.get(plan.account_id, []), plan.made_on or plan.first_due, end))
        owing = [i for i, share in zip(schedule, shares) if share < i.amount]
        if status in ("active", "completed"):
            status = "active" if owing else "completed"
        account = plan.account
        rows.append({"account": account.number,
                     "name": listed(account.last_name, account.first_name, account.middle_name,
                                    account.suffix, account.organization, account.kind),
                     "total": plan.total, "installments": plan.installments,
                     "first_due": plan.first_due, "status": status, "paid": sum(shares, ZERO),
                     "missed": sum(1 for i in owing if i.due_date < today) if status == "active" else 0,
                     "next_due": owing[0].due_date if owing else None})
    rows.sort(key=lambda r: (r["status"], r["account"]))
    return rows


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
