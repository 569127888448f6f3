"""The lists behind each tab: paged, searched and counted in SQL, never loaded whole."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

from peewee import JOIN, SQL, fn

from ...models import Account, Invoice, Order, Payment, database
from ...money import from_cents
from ..books.account_search import search_condition
from ..office.freshness import data_stamp

_COUNTS: dict[tuple, tuple] = {}  # (SQL, parameters) -> (data stamp, count)


def invoices_query(text: str = "", status: str | None = None):
    """Invoices newest first, with their accounts; counted without them (``count_query``: every
    invoice has its account, and the bare table counts in a millisecond where the join takes
    a pass over a million rows)."""
    conds = []
    if status:
        conds.append(Invoice.status == status)
    text = (text or "").strip()
    if text:
        cond = Invoice.account.in_(Account.select(Account.id).where(search_condition(text)))
        if text.isdigit():
            cond = cond | (Invoice.number == int(text))
        conds.append(cond)
    query = Invoice.select(Invoice, Account).join(Account)
    counted = Invoice.select(Invoice.id)
    for cond in conds:
        query, counted = query.where(cond), counted.where(cond)
    query = query.order_by(Invoice.id.desc())
    setattr(query, "count_query", counted)  # noqa: B010 - peewee's query takes any attribute
    setattr(query, "page_ids", counted.order_by(Invoice.id.desc()))  # noqa: B010 - see page()
    return query


def payments_query(text: str = "", status: str | None = None):
    """Payments newest first (date received), by account number or name, or the check/reference."""
    query = Payment.select(Payment, Account).join(Account)
    if status:
        query = query.where(Payment.status == status)
    text = (text or "").strip()
    if text:
        query = query.where(
            Payment.account.in_(Account.select(Account.id).where(search_condition(text)))
            | Payment.reference.in_(sorted({text, text.upper(), text.lower()})))
    return query.order_by(Payment.received_on.desc(), Payment.id.desc())


def orders_query(text: str = "", status: str | None = None, *, date_from: dt.date | None = None,
                 date_to: dt.date | None = None, item: str = ""):
    """Orders by client, PO number, order number, item code or order date (typed MM/DD/YYYY)."""
    from ...models import CatalogueItem, OrderLine
    from ..office.validation import parse_date

    query = Order.select(Order, Account).join(Account)
    if status:
        query = query.where(Order.status == status)
    if date_from:
        query = query.where(Order.order_date >= date_from)
    if date_to:
        query = query.where(Order.order_date <= date_to)

    def with_item(code: str):
        items = CatalogueItem.select(CatalogueItem.id).where(CatalogueItem.code == code.upper())
        return Order.id.in_(OrderLine.select(OrderLine.order).where(OrderLine.item.in_(items)))

    if (item or "").strip():
        query = query.where(with_item(item.strip()))
    text = (text or "").strip()
    if text:
        cond = (Order.account.in_(Account.select(Account.id).where(search_condition(text)))
                | (fn.LOWER(Order.po_number) == text.lower()) | with_item(text))
        if text.isdigit():
            cond = cond | (Order.number == int(text))
        day, problem = parse_date(text, "date") if any(c in text for c in "/-") else (None, True)
        if day and not problem:
            cond = cond | (Order.order_date == day)
        query = query.where(cond)
    return query.order_by(Order.order_date.desc(), Order.number.desc(), Order.id.desc())  # newest first


def past_due_query(as_of: dt.date, text: str = ""):
    """Accounts whose patient balance is past due: oldest due date and amount past due."""
    past_due = fn.SUM(Invoice.patient_balance).alias("past_due")
    query = (Account.select(Account, past_due, fn.MIN(Invoice.due_date).alias("oldest_due"))
             .join(Invoice, JOIN.INNER, on=(Invoice.account == Account.id))
             .where(Invoice.patient_balance > SQL("0"), Invoice.due_date < as_of)
             .group_by(Account.id))
    text = (text or "").strip()
    if text:
        query = query.where(search_condition(text))
    return query.order_by(fn.MIN(Invoice.due_date), Account.id)


def page(query, offset: int, limit: int) -> list:
    """Rows ``offset`` to ``offset + limit`` of ``query``. A query with ``page_ids`` (its ids in
    its order, from an index) finds the page's ids first and reads only their rows: a search
    that matches 70,000 invoices sorts 70,000 ids, not 70,000 rows of two tables."""
    ids = getattr(query, "page_ids", None)
    if ids is not None:
        return list(query.where(query.model.id.in_(ids.limit(limit).offset(offset))))
    return list(query.limit(limit).offset(offset))


def count(query) -> int:
    """How many rows ``query`` finds (its ``count_query`` when it has one). Counted in SQL once
    per state of the data: a tab switched to again, or a search box cleared, counts nothing."""
    counted = getattr(query, "count_query", None)  # (never `or`: a query's truth runs it)
    if counted is None:
        counted = query.order_by()
    if counted._group_by is None and counted._having is None and counted._distinct is None \
            and not counted._simple_distinct and counted._windows is None:
        counted = counted.select(SQL("1"))
    sql, params = counted.sql()
    if threading.current_thread() is not threading.main_thread():
        # A worker's connection lives for one read: its stamp says nothing about another's (a
        # new connection may even get the old one's id), so a worker counts afresh.
        return database.execute_sql(f"SELECT count(*) FROM ({sql})", params).fetchone()[0]
    key = (sql, tuple(params))
    hit = _COUNTS.get(key)
    stamp = data_stamp()
    if hit is not None and hit[0] == stamp:
        return hit[1]
    total = database.execute_sql(f"SELECT count(*) FROM ({sql}) AS counted", params).fetchone()[0]
    if len(_COUNTS) > 200:
        _COUNTS.clear()
    _COUNTS[key] = (stamp, total)
    return total


def day_totals(day: dt.date) -> dict[str, Decimal]:
    """Charges, payments and adjustments entered on one day (the status bar, the day sheet)."""

    from ...models import LedgerEntry

    rows = (LedgerEntry.select(LedgerEntry.kind, fn.SUM(LedgerEntry.amount))
            .where(LedgerEntry.entry_date == day).group_by(LedgerEntry.kind).tuples())
    sums = {kind: from_cents(total) for kind, total in rows}
    charges = sums.get("charge", Decimal("0.00")) + sums.get("void", Decimal("0.00"))
    paid = -(sums.get("payment", Decimal("0.00")) + sums.get("payment_void", Decimal("0.00")))
    adjusted = -sums.get("adjustment", Decimal("0.00"))
    return {"charges": charges, "payments": paid, "adjustments": adjusted}
