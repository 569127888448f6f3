"""The unfilled orders report as plain rows, as of any day (``printing.order_docs`` lays it out).

As of a day, each order dated by then is taken as it stood that day: delivered what was
delivered by that day (by the delivery's date), invoiced on invoices posted and not voided by
then, cancelled and approved only if the audit trail recorded the cancelling or the approval by
then (a line is cancelled once: by itself or with its whole order).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ...models import Account, CatalogueItem, Order, OrderLine, database
from ...money import round_money
from ..office import audit
from ..office.transactions import today
from .order_forms import status_from, words

_LINE = re.compile(r"^order \d+ line (\d+):")


@dataclass
class _Then:
    """One order line's quantities as they stood on the day."""

    quantity: int
    cancelled: int
    filled: int
    invoiced: int

    @property
    def open(self) -> int:
        return self.quantity - self.cancelled - self.filled


def unfilled_rows(as_of: dt.date | None = None, group_by: str = "client",
                  account_id: int | None = None) -> list[dict]:
    """Every order line with quantity still open on ``as_of``, sorted for grouping by
    ``client`` or ``item``.

    ordered − cancelled − filled = open; open value = open × unit price; days open since the
    order date. Orders waiting for approval are listed too (they are owed to the client).
    """
    if group_by not in ("client", "item"):
        raise ValueError(f"group_by is 'client' or 'item', not {group_by!r}")
    as_of = as_of or today()
    filled = _filled_by(as_of, account_id)
    if not filled:
        return []
    invoiced = _invoiced_by(as_of, list(filled))
    cancelled_on = _cancelled_on()
    approved_later = {key for key, changed in audit.changes("order", ("approve",)).items()
                      if any(c.on > as_of for c in changed)}
    query = (OrderLine.select(OrderLine, Order, Account, CatalogueItem)
             .join(Order).join(Account).switch(OrderLine).join(CatalogueItem)
             .where(OrderLine.id.in_(list(filled))).order_by(Order.id, OrderLine.position))
    by_order: dict[int, list[tuple[OrderLine, _Then]]] = {}
    for line in query:
        when = cancelled_on.get((line.order_id, line.position))
        then = _Then(line.quantity, line.cancelled if when is None or when <= as_of else 0,
                     filled[line.id], invoiced.get(line.id, 0))
        by_order.setdefault(line.order_id, []).append((line, then))
    rows = []
    for lines in by_order.values():
        order = lines[0][0].order
        approved = order.approved_by_id is not None and order.id not in approved_later
        status = words(status_from([(t.quantity, t.cancelled, t.filled, t.invoiced)
                                    for _l, t in lines], approved, order.status))
        rows += [_row(line, then, status, as_of) for line, then in lines if then.open > 0]
    if group_by == "client":
        rows.sort(key=lambda r: (r["client"].lower(), r["account"], r["order"], r["line"]))
    else:
        rows.sort(key=lambda r: (r["code"], r["order"], r["line"]))
    return rows


def _row(line: OrderLine, then: _Then, status: str, as_of: dt.date) -> dict:
    order, account = line.order, line.order.account
    return {
        "order": order.number, "order_date": order.order_date, "account": account.number,
        "client": account.display_name, "line": line.position, "code": line.item.code,
        "description": line.item.description, "ordered": then.quantity,
        "cancelled": then.cancelled, "filled": then.filled, "invoiced": then.invoiced,
        "open": then.open, "unit_price": line.unit_price,
        "open_value": round_money(line.unit_price * then.open),
        "requested_date": order.requested_date, "days_open": (as_of - order.order_date).days,
        "status": status}


def _filled_by(as_of: dt.date, account_id: int | None) -> dict[int, int]:
    """Delivered by ``as_of``, per line of every order dated by then that had something left
    before cancellations (all lines of such an order: its status needs them)."""
    day = as_of.isoformat()
    which = "AND o.account_id = ?" if account_id else ""
    rows = database.execute_sql(
        f"""WITH l AS (
                SELECT ol.id AS id, ol.order_id AS order_id, ol.quantity AS quantity,
                       COALESCE((SELECT SUM(f.quantity) FROM fulfilment f
                                 WHERE f.line_id = ol.id AND f.fulfilled_on <= ?), 0) AS filled
                FROM order_line ol JOIN "order" o ON o.id = ol.order_id
                WHERE o.order_date <= ? {which})
            SELECT id, filled FROM l
            WHERE order_id IN (SELECT order_id FROM l WHERE quantity > filled)""",
        [day, day] + ([account_id] if account_id else [])).fetchall()
    return {key: int(quantity) for key, quantity in rows}


def _invoiced_by(as_of: dt.date, line_ids: list[int]) -> dict[int, int]:
    """Billed per order line on invoices posted by ``as_of`` and not voided by then."""
    day = as_of.isoformat()
    found: dict[int, int] = {}
    for start in range(0, len(line_ids), 500):
        chunk = line_ids[start:start + 500]
        marks = ", ".join("?" * len(chunk))
        for key, quantity in database.execute_sql(
                f"""SELECT oli.order_line_id, SUM(oli.quantity) FROM order_line_invoice oli
                    JOIN invoice_line il ON il.id = oli.invoice_line_id
                    JOIN invoice i ON i.id = il.invoice_id
                    WHERE oli.order_line_id IN ({marks}) AND i.posted_on <= ?
                      AND (i.status = 'posted' OR i.voided_on > ?)
                    GROUP BY oli.order_line_id""", [*chunk, day, day]).fetchall():
            found[key] = int(quantity)
    return found


def _cancelled_on() -> dict[tuple[int, int], dt.date]:
    """(order id, line position) -> the day the line's open quantity was cancelled: its own
    cancelling, else its whole order's (``order_forms.cancel_line`` and ``cancel_order``)."""
    found: dict[tuple[int, int], dt.date] = {}
    whole: dict[int, dt.date] = {}
    for order_id, changed in audit.changes("order", ("cancel",)).items():
        for change in changed:
            lines = change.after.get("lines")
            if isinstance(lines, dict):
                for position in lines:
                    found.setdefault((order_id, int(position)), change.on)
            elif (match := _LINE.search(change.summary)) is not None:
                found.setdefault((order_id, int(match.group(1))), change.on)
            else:
                whole.setdefault(order_id, change.on)
    lines = OrderLine.select(OrderLine.order, OrderLine.position).where(
        OrderLine.order.in_(list(whole)), OrderLine.cancelled > 0) if whole else []
    for line in lines:
        found.setdefault((line.order_id, line.position), whole[line.order_id])
    return found
