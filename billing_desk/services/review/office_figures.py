"""The review's figures on patients' balances, unbilled work and the office's own work: statements
paid within 30 days, promises kept, payment plans on time, posted charges not yet billed to
anyone, unfilled orders, what each user keyed per day, the age of open cases."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ...models import database
from ...money import from_cents
from .model import COUNT, DAYS, MONEY, Drill, Figure, day, days_between, rate_figure, tenth


def _iso(value: dt.date) -> str:
    return value.isoformat()


def statement_figures(start: dt.date, cut: dt.date, as_of: dt.date) -> dict[str, Figure]:
    """Accounts sent their first statement of the period: paid within 30 days? And how long after
    the service do statements go out?"""
    sql = """WITH first AS (SELECT account_id, MIN(sent_on) AS sent FROM letter
                            WHERE kind = 'statement' AND sent_on BETWEEN ? AND ? GROUP BY account_id)
             SELECT f.account_id, a.number, f.sent,
                    (SELECT MIN(le.entry_date) FROM ledger_entry le WHERE le.account_id = f.account_id
                       AND le.kind = 'payment' AND le.party = 'patient'
                       AND le.entry_date BETWEEN f.sent AND date(f.sent, '+30 days') AND le.entry_date <= ?),
                    (SELECT MAX(i.service_date) FROM invoice i WHERE i.account_id = f.account_id
                       AND i.status = 'posted' AND i.posted_on <= f.sent)
             FROM first f JOIN account a ON a.id = f.account_id"""
    rows = []
    for _account, number, sent, paid, service in database.execute_sql(
        sql, [_iso(start), _iso(cut), _iso(as_of)]
    ):
        sent_day, service_day = day(sent), day(service)
        rows.append(
            {
                "account": number,
                "sent": sent_day,
                "paid": day(paid),
                "lag": (sent_day - service_day).days if sent_day and service_day else None,
            }
        )
    paid = rate_figure(
        "paid_within_30",
        "Statements paid within 30 days",
        rows,
        lambda r: r["paid"],
        "Accounts sent their first statement in the period that made a payment within 30 "
        "days of it ÷ accounts sent a first statement in the period.",
        empty="no statements sent in the period",
        columns=[
            ("account", "Account", "text"),
            ("sent", "Statement", "date"),
            ("paid", "First payment", "date"),
        ],
    )
    lags = [r["lag"] for r in rows if r["lag"] is not None]
    lag = Figure(
        "statement_lag",
        "Days from service to statement",
        tenth(Decimal(sum(lags)) / len(lags)) if lags else None,
        DAYS,
        "For accounts sent their first statement in the period: the days from the latest "
        "service billed before it to the statement, averaged.",
        empty="no statements sent in the period",
        count=len(lags),
        drill=Drill(
            [
                ("account", "Account", "text"),
                ("sent", "Statement", "date"),
                ("lag", "Days after service", "int"),
            ],
            sorted((r for r in rows if r["lag"] is not None), key=lambda r: -r["lag"]),
        ),
    )
    return {"paid_within_30": paid, "statement_lag": lag}


def promise_figures(start: dt.date, cut: dt.date, as_of: dt.date) -> dict[str, Figure]:
    sql = """SELECT a.number, p.due_date, p.amount, p.status
             FROM promise p JOIN account a ON a.id = p.account_id
             WHERE p.due_date BETWEEN ? AND ? AND p.status IN ('kept', 'broken')
               AND COALESCE(p.resolved_on, p.due_date) <= ?"""
    rows = [
        {"account": n, "due": day(d), "amount": from_cents(c), "status": s}
        for n, d, c, s in database.execute_sql(sql, [_iso(start), _iso(cut), _iso(as_of)])
    ]
    kept = rate_figure(
        "promises_kept",
        "Promises kept",
        rows,
        lambda r: r["status"] == "kept",
        "Promises to pay falling due in the period and settled by then: kept ÷ kept and broken.",
        empty="no promises fell due in the period",
        columns=[
            ("account", "Account", "text"),
            ("due", "Due", "date"),
            ("amount", "Promised", "money"),
            ("status", "Outcome", "text"),
        ],
    )
    sql = """SELECT a.number, pi.due_date, pi.amount, pi.paid FROM plan_installment pi
             JOIN payment_plan pp ON pp.id = pi.plan_id JOIN account a ON a.id = pp.account_id
             WHERE pi.due_date BETWEEN ? AND ? AND pp.status != 'cancelled'"""
    rows = [
        {"account": n, "due": day(d), "amount": from_cents(c), "paid": from_cents(p)}
        for n, d, c, p in database.execute_sql(sql, [_iso(start), _iso(min(cut, as_of))])
    ]
    plans = rate_figure(
        "plans_on_time",
        "Payment plans on time",
        rows,
        lambda r: r["paid"] >= r["amount"],
        "Payment plan installments due in the period that are paid in full ÷ installments due in the period.",
        empty="no installments fell due in the period",
        columns=[
            ("account", "Account", "text"),
            ("due", "Due", "date"),
            ("amount", "Installment", "money"),
            ("paid", "Paid", "money"),
        ],
    )
    return {"promises_kept": kept, "plans_on_time": plans}


def unbilled_figures(snapshot: dt.date, as_of: dt.date) -> dict[str, Figure]:
    """Posted invoices still owed in full with no claim and no statement sent since posting."""
    sql = """SELECT a.number, CASE WHEN a.kind = 'customer' AND a.organization != '' THEN a.organization
                                   ELSE a.last_name || ', ' || a.first_name END,
                    i.number, i.posted_on, i.total, i.payer_id IS NOT NULL
             FROM invoice i JOIN account a ON a.id = i.account_id
             WHERE (i.patient_balance != 0 OR i.insurance_balance != 0)
               AND +i.status = 'posted' AND +i.posted_on <= ? AND i.total > 0
               AND (i.patient_balance + i.insurance_balance) = i.total
               AND NOT EXISTS (SELECT 1 FROM claim c WHERE c.invoice_id = i.id AND c.created_at < ?)
               AND NOT EXISTS (SELECT 1 FROM letter l WHERE l.account_id = i.account_id
                               AND l.kind = 'statement' AND l.sent_on >= i.posted_on AND l.sent_on <= ?)
             ORDER BY i.posted_on, i.number"""
    next_day = _iso(as_of + dt.timedelta(days=1))
    rows = [
        {
            "account": n,
            "name": name,
            "invoice": number,
            "posted": day(posted),
            "amount": from_cents(c),
            "to": "insurance" if insured else "patient",
            "age": days_between(snapshot, day(posted)),
        }
        for n, name, number, posted, c, insured in database.execute_sql(
            sql, [_iso(snapshot), next_day, _iso(as_of)]
        )
    ]
    unbilled = Figure(
        "unbilled",
        "Unbilled charges",
        sum((r["amount"] for r in rows), Decimal("0.00")),
        MONEY,
        "Posted invoices, nothing paid or adjusted on them yet, with no claim made and "
        "no statement sent to the account since they were posted (invoices of today "
        "included).",
        count=len(rows),
        drill=Drill(
            [
                ("account", "Account", "text"),
                ("name", "Name", "text"),
                ("invoice", "Invoice", "int"),
                ("posted", "Posted", "date"),
                ("age", "Days", "int"),
                ("to", "Bill to", "text"),
                ("amount", "Amount", "money"),
            ],
            rows,
        ),
    )
    sql = """SELECT o.number, a.number, o.order_date, it.code, ol.quantity - ol.filled - ol.cancelled,
                    ol.unit_price
             FROM order_line ol JOIN "order" o ON o.id = ol.order_id JOIN account a ON a.id = o.account_id
             JOIN catalogue_item it ON it.id = ol.item_id
             WHERE o.status NOT IN ('cancelled', 'invoiced', 'filled') AND o.order_date <= ?
               AND ol.quantity - ol.filled - ol.cancelled > 0 ORDER BY o.order_date"""
    rows = [
        {
            "order": o,
            "account": n,
            "ordered": day(d),
            "code": code,
            "open": q,
            "value": from_cents(q * price),
        }
        for o, n, d, code, q, price in database.execute_sql(sql, [_iso(snapshot)])
    ]
    orders = Figure(
        "unfilled_orders",
        "Unfilled orders",
        sum((r["value"] for r in rows), Decimal("0.00")),
        MONEY,
        "Order lines still to deliver (ordered − delivered − cancelled) × their "
        "price, on orders neither cancelled nor filled (as the lines stand today).",
        count=len(rows),
        drill=Drill(
            [
                ("order", "Order", "int"),
                ("account", "Account", "text"),
                ("ordered", "Ordered", "date"),
                ("code", "Item", "text"),
                ("open", "Open", "int"),
                ("value", "Value", "money"),
            ],
            rows,
        ),
    )
    return {"unbilled": unbilled, "unfilled_orders": orders}


def work_figures(start: dt.date, cut: dt.date, as_of: dt.date) -> dict[str, Figure]:
    """What each user keyed per working day (invoices, payments, accounts); open cases' age."""
    first, after = _iso(start), _iso(cut + dt.timedelta(days=1))
    sql = """SELECT u.username, w.what, COUNT(*), COUNT(DISTINCT w.on_day) FROM (
               SELECT created_by_id AS who, 'invoices' AS what, substr(created_at, 1, 10) AS on_day
                 FROM invoice WHERE created_at >= ? AND created_at < ?
               UNION ALL SELECT created_by_id, 'payments', substr(created_at, 1, 10)
                 FROM payment WHERE created_at >= ? AND created_at < ?
               UNION ALL SELECT approved_by_id, 'accounts', substr(created_at, 1, 10)
                 FROM account WHERE created_at >= ? AND created_at < ? AND approved_by_id IS NOT NULL
             ) w JOIN "user" u ON u.id = w.who GROUP BY 1, 2"""
    per_user: dict[str, dict] = {}
    for user, what, count, days in database.execute_sql(sql, [first, after] * 3):
        row = per_user.setdefault(
            user, {"user": user, "invoices": 0, "payments": 0, "accounts": 0, "days": 0}
        )
        row[what] = count
        row["days"] = max(row["days"], days)
    rows = sorted(per_user.values(), key=lambda r: r["user"])
    for row in rows:
        row["per_day"] = tenth(
            Decimal(row["invoices"] + row["payments"] + row["accounts"]) / max(row["days"], 1)
        )
    items = sum(r["invoices"] + r["payments"] + r["accounts"] for r in rows)
    days = sum(r["days"] for r in rows)
    keyed = Figure(
        "keyed_per_day",
        "Items keyed per user per day",
        tenth(Decimal(items) / days) if days else None,
        COUNT,
        "Invoices, payments and accounts keyed in the period ÷ the days each user keyed "
        "anything (accounts count for the supervisor who approved them), per user.",
        empty="nothing keyed in the period",
        count=items,
        parts=[(r["user"], r["per_day"]) for r in rows],
        drill=Drill(
            [
                ("user", "User", "text"),
                ("invoices", "Invoices", "int"),
                ("payments", "Payments", "int"),
                ("accounts", "Accounts", "int"),
                ("days", "Days", "int"),
                ("per_day", "Per day", "days"),
            ],
            rows,
        ),
    )
    sql = """SELECT a.number, c.subject, c.kind, c.created_at
             FROM "case" c JOIN account a ON a.id = c.account_id
             WHERE c.created_at < ? AND (c.resolved_at IS NULL OR c.resolved_at >= ?)"""
    rows = []
    for number, subject, kind, created in database.execute_sql(sql, [after, after]):
        rows.append(
            {
                "account": number,
                "subject": subject,
                "kind": kind,
                "opened": day(created),
                "age": days_between(min(cut, as_of), day(created)) or 0,
            }
        )
    rows.sort(key=lambda r: -r["age"])
    cases = Figure(
        "case_age",
        "Average age of open cases",
        tenth(Decimal(sum(r["age"] for r in rows)) / len(rows)) if rows else None,
        DAYS,
        "Cases (queries and issues) open at the end of the period: the days since each was opened, averaged.",
        empty="no open cases",
        count=len(rows),
        drill=Drill(
            [
                ("account", "Account", "text"),
                ("kind", "Kind", "text"),
                ("subject", "Subject", "text"),
                ("opened", "Opened", "date"),
                ("age", "Days open", "int"),
            ],
            rows,
        ),
    )
    return {"keyed_per_day": keyed, "case_age": cases}
