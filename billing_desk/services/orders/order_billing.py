"""Invoice what was delivered on orders and not yet billed: no quantity billed twice, none left out.

Each order becomes one invoice (drafted and posted through ``services.invoices``, so the ledger
moves the one way money moves); ``OrderLineInvoice`` says which invoice line billed how much of
which order line. Quantities on voided invoices count as not billed, so they can be billed again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import fn

from ...errors import RuleError
from ...models import (
    Account,
    Fulfilment,
    Invoice,
    InvoiceLine,
    Order,
    OrderLine,
    OrderLineInvoice,
    User,
)
from ..books import invoices
from ..office import audit
from ..office.transactions import in_transaction, today
from .order_forms import _restatus

BILLABLE_STATUSES = ("in_progress", "partly_filled", "filled")


@dataclass
class Billable:
    line: OrderLine
    quantity: int
    last_delivery: dt.date


def billed_quantities(line_ids: list[int]) -> dict[int, int]:
    """Quantities billed per order line on invoices that still stand (posted, not void)."""
    if not line_ids:
        return {}
    rows = (OrderLineInvoice.select(OrderLineInvoice.order_line, fn.SUM(OrderLineInvoice.quantity))
            .join(InvoiceLine).join(Invoice)
            .where(OrderLineInvoice.order_line.in_(line_ids), Invoice.status == "posted")
            .group_by(OrderLineInvoice.order_line).tuples())
    return {line_id: int(qty or 0) for line_id, qty in rows}


def billable_lines(order: Order) -> list[Billable]:
    """What was delivered on the order and is not yet on a standing invoice."""
    lines = list(order.lines.order_by(OrderLine.position))
    billed = billed_quantities([l.id for l in lines])
    last = dict(Fulfilment.select(Fulfilment.line, fn.MAX(Fulfilment.fulfilled_on))
                .where(Fulfilment.line.in_([l.id for l in lines])).group_by(Fulfilment.line).tuples())
    result = []
    for line in lines:
        if billed.get(line.id, 0) != line.invoiced:  # an invoice was voided since: bill it again
            OrderLine.update(invoiced=billed.get(line.id, 0)).where(OrderLine.id == line.id).execute()
            line.invoiced = billed.get(line.id, 0)
        quantity = line.filled - line.invoiced
        if quantity > 0:
            last_day = last[line.id]
            if isinstance(last_day, str):
                last_day = dt.date.fromisoformat(last_day)
            result.append(Billable(line, quantity, last_day))
    return result


def invoice_order(order_id: int, by: User, *, entry_date: dt.date | None = None) -> Invoice | None:
    """Bill one order's delivered, unbilled quantities on one posted invoice (None: nothing to bill)."""
    with in_transaction():
        order = Order.get_by_id(order_id)
        billable = billable_lines(order)
        if not billable:
            _restatus(order, by, "invoiced")
            return None
        service_date = max(b.last_delivery for b in billable)
        note = f"Order {order.number}" + (f", your PO {order.po_number}" if order.po_number else "")
        draft = invoices.InvoiceDraft(
            account_id=order.account_id, service_date=service_date, notes=note,
            lines=[invoices.LineInput(code=b.line.item.code, quantity=b.quantity,
                                      unit_price=b.line.unit_price, service_date=b.last_delivery)
                   for b in billable])
        invoice = invoices.save_draft(draft, by)
        Invoice.update(order=order.id).where(Invoice.id == invoice.id).execute()
        invoice = invoices.post_invoice(invoice.id, by, entry_date=entry_date)
        for b, inv_line in zip(billable, invoice.lines.order_by(InvoiceLine.position)):
            OrderLineInvoice.create(order_line=b.line, invoice_line=inv_line, quantity=b.quantity)
            OrderLine.update(invoiced=OrderLine.invoiced + b.quantity).where(
                OrderLine.id == b.line.id).execute()
        audit.record(by, "invoice", order, summary=f"order {order.number} billed on invoice "
                     f"{invoice.number}: " + ", ".join(f"line {b.line.position} x{b.quantity}"
                                                        for b in billable))
        _restatus(order, by, f"invoice {invoice.number}")
    return invoice


def invoice_account(account_id: int, by: User, *, entry_date: dt.date | None = None) -> list[Invoice]:
    """Bill every order of the account with delivered, unbilled quantities, all in one go."""
    account = Account.get_by_id(account_id)
    if account.status != "active":
        raise RuleError(f"Account {account.number} is {account.status}; only active accounts can "
                        "be invoiced.")
    done = []
    with in_transaction():
        for order in (Order.select().where(Order.account == account_id,
                                           Order.status.in_(BILLABLE_STATUSES + ("invoiced",)))
                      .order_by(Order.number)):
            invoice = invoice_order(order.id, by, entry_date=entry_date or today())
            if invoice is not None:
                done.append(invoice)
    return done


def unbilled_quantity(order_id: int) -> int:
    return sum(b.quantity for b in billable_lines(Order.get_by_id(order_id)))


def check_orders() -> list[str]:
    """Each line's filled and invoiced counts against its deliveries and invoice links."""
    problems = []
    delivered = dict(Fulfilment.select(Fulfilment.line, fn.SUM(Fulfilment.quantity))
                     .group_by(Fulfilment.line).tuples())
    for line in OrderLine.select(OrderLine, Order).join(Order):
        where = f"order {line.order.number} line {line.position}"
        if line.filled != int(delivered.get(line.id, 0) or 0):
            problems.append(f"{where}: filled {line.filled}, deliveries add up to "
                            f"{delivered.get(line.id, 0)}")
        if line.filled + line.cancelled > line.quantity:
            problems.append(f"{where}: filled and cancelled exceed the {line.quantity} ordered")
        billed = billed_quantities([line.id]).get(line.id, 0)
        if billed > line.filled:
            problems.append(f"{where}: billed {billed}, more than the {line.filled} delivered")
    return problems
