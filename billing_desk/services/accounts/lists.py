"""The lists behind each tab: paged, searched and counted in SQL, never loaded whole."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from peewee import JOIN, SQL, fn

from ...models import Account, Invoice, Order, Payment
from ...money import from_cents
from ..books.account_search import search_condition


def invoices_query(text: str = "", status: str | None = None):
    query = Invoice.select(Invoice, Account).join(Account)
    if status:
        query = query.where(Invoice.status == status)
    text = (text or "").strip()
    if text:
        cond = Invoice.account.in_(Account.select(Account.id).where(search_condition(text)))
        if text.isdigit():
            cond = cond | (Invoice.number == int(text))
        query = query.where(cond)
    return query.order_by(Invoice.id.desc())


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
    return list(query.limit(limit).offset(offset))


def count(query) -> int:
    return query.order_by().count()


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
