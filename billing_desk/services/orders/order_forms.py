"""Clients' order forms: entry with a credit check, deliveries, cancellations, invoicing what was
filled (the unfilled orders report is ``unfilled.py``).

The order's status is never typed: ``derive_status`` reads it from the lines after every change.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from peewee import fn

from ...errors import Problem, RuleError, ValidationError
from ...models import Account, CatalogueItem, Fulfilment, Invoice, Order, OrderLine, User
from ...money import ZERO, format_money, from_cents, parse_money, round_money
from ..accounts.registry import owed
from ..books.account_search import search_condition
from ..books.codes import find_item
from ..office import audit, stale
from ..office.permissions import require
from ..office.sequences import next_number
from ..office.settings import office_details
from ..office.transactions import in_transaction, today
from ..office.validation import check_texts, parse_date, parse_int

MAX_QUANTITY = 99999


@dataclass
class OrderLineInput:
    code: str
    quantity: str | int = ""
    unit_price: str | Decimal | None = None  # None or "": the catalogue price
    price_reason: str = ""


@dataclass
class OrderForm:
    account_id: int | None
    order_date: str | dt.date
    lines: list[OrderLineInput] = field(default_factory=list)
    po_number: str = ""
    requested_date: str | dt.date | None = None
    ship_to: str = ""
    contact: str = ""
    notes: str = ""


@dataclass
class CreditCheck:
    """What the clerk sees beside the order: the limit, what is owed and open, and the verdict."""

    limit: Decimal | None
    balance: Decimal
    past_due: Decimal
    open_orders: Decimal  # approved, not yet invoiced, on the account's other orders
    this_order: Decimal
    on_hold: bool

    @property
    def exposure(self) -> Decimal:
        return self.balance + self.open_orders + self.this_order

    @property
    def over_limit(self) -> bool:
        return self.limit is not None and self.exposure > self.limit

    @property
    def needs_supervisor(self) -> bool:
        return self.over_limit or self.on_hold

    def reasons(self) -> list[str]:
        said = []
        if self.on_hold:
            said.append("the account is on credit hold")
        if self.over_limit:
            said.append(f"balance {format_money(self.balance)} + open orders "
                        f"{format_money(self.open_orders)} + this order {format_money(self.this_order)}"
                        f" = {format_money(self.exposure)} is over the credit limit "
                        f"{format_money(self.limit)}")
        return said


# --- entry --------------------------------------------------------------------------------------

def validate_order(form: OrderForm) -> tuple[dict, list[dict], list[Problem]]:
    """Check the whole form; every problem names its field (``lines[2].quantity``...)."""
    problems: list[Problem] = check_texts(vars(form), ("po_number", "ship_to", "contact", "notes"),
                                          multiline=("ship_to", "notes"))
    account = Account.get_or_none(Account.id == form.account_id) if form.account_id else None
    if account is None:
        problems.append(Problem("account", "choose the client's account"))
    elif account.status != "active":
        problems.append(Problem("account", f"account {account.number} is {account.status}: only "
                                           "active accounts can order"))
    order_date, problem = parse_date(form.order_date, "order_date", required=True)
    problems += [problem] if problem else []
    requested, problem = parse_date(form.requested_date, "requested_date")
    problems += [problem] if problem else []
    if requested and order_date and requested < order_date:
        problems.append(Problem("requested_date", "is before the order date"))
    lines = []
    entered = [line for line in form.lines if (line.code or "").strip() or str(line.quantity).strip()]
    if not entered:
        problems.append(Problem("lines", "an order needs at least one line"))
    for i, line in enumerate(entered, start=1):
        clean, line_problems = _validate_line(line, i)
        lines.append(clean)
        problems += line_problems
    header = {"account": account, "order_date": order_date, "requested_date": requested,
              "po_number": form.po_number.strip(), "ship_to": form.ship_to.strip(),
              "contact": form.contact.strip(), "notes": form.notes.strip()}
    return header, lines, problems


def _validate_line(line: OrderLineInput, i: int) -> tuple[dict, list[Problem]]:
    where = f"lines[{i}]"
    problems = []
    code = (line.code or "").strip()
    item = find_item(code) if code else None
    if not code:
        problems.append(Problem(f"{where}.code", "type the item's code"))
    elif item is None:
        problems.append(Problem(f"{where}.code", f"'{code}' is not in the catalogue"))
    elif not item.active:
        problems.append(Problem(f"{where}.code", f"{item.code} is no longer in use"))
    quantity, problem = parse_int(line.quantity, f"{where}.quantity", minimum=1, maximum=MAX_QUANTITY)
    problems += [problem] if problem else []
    price, reason = None, (line.price_reason or "").strip()
    try:
        if line.unit_price not in (None, ""):
            price = parse_money(line.unit_price, f"{where}.unit_price")
    except ValidationError as exc:
        problems += exc.problems
    if item is not None and line.unit_price in (None, ""):
        price = item.unit_price
    if item is not None and price is not None and price != item.unit_price and not reason:
        problems.append(Problem(f"{where}.price_reason", f"the catalogue price is {item.unit_price}: "
                                                         "say why this line's price differs"))
    if item is not None and price == item.unit_price:
        reason = ""
    return {"item": item, "quantity": quantity, "unit_price": price, "price_reason": reason}, problems


def credit_check(account: Account, this_order: Decimal = ZERO, *, exclude_order: int | None = None,
                 on: dt.date | None = None) -> CreditCheck:
    on = on or today()
    past_due = (Invoice.select(fn.SUM(Invoice.patient_balance + Invoice.insurance_balance))
                .where(Invoice.account == account.id, Invoice.status == "posted",
                       Invoice.due_date < on).scalar() or 0)
    return CreditCheck(limit=account.credit_limit, balance=owed(account),
                       past_due=from_cents(past_due),
                       open_orders=open_order_value(account.id, exclude_order),
                       this_order=this_order, on_hold=bool(account.credit_hold))


def preview_credit(account_id: int | None, lines: list[OrderLineInput],
                   exclude_order: int | None = None) -> CreditCheck | None:
    """The credit panel while the form is typed: lines not yet valid count as nothing.
    An order already delivered on counts only what is not yet invoiced."""
    account = Account.get_or_none(Account.id == account_id) if account_id else None
    if account is None:
        return None
    if exclude_order:
        order = Order.get_by_id(exclude_order)
        if order.status not in ("received", "approved"):
            return credit_check(account, open_value(order), exclude_order=exclude_order)
    total = ZERO
    for i, line in enumerate(lines, start=1):
        clean, problems = _validate_line(line, i)
        if not problems:
            total += round_money(clean["unit_price"] * clean["quantity"])
    return credit_check(account, total, exclude_order=exclude_order)


def open_order_value(account_id: int, exclude_order: int | None = None) -> Decimal:
    """Ordered but not yet invoiced, on the account's approved and received orders."""
    left = OrderLine.quantity - OrderLine.cancelled - OrderLine.invoiced
    query = (OrderLine.select(fn.SUM(left * OrderLine.unit_price)).join(Order)
             .where(Order.account == account_id, Order.status.not_in(("cancelled", "invoiced"))))
    if exclude_order:
        query = query.where(Order.id != exclude_order)
    return from_cents(query.scalar())


def order_total(lines: list[dict]) -> Decimal:
    return sum((round_money(l["unit_price"] * l["quantity"]) for l in lines
                if l["unit_price"] is not None and l["quantity"]), ZERO)


def order_version(order_id: int | None) -> str:
    """What a screen showing the order (its header and lines) hands back when it saves."""
    if order_id is None:
        return ""
    return stale.version_of(Order.get_or_none(Order.id == order_id), *order_lines(order_id))


def save_order(form: OrderForm, by: User, order_id: int | None = None, *,
               approve_over_limit: bool = False, loaded_as: str = "") -> Order:
    """Save a new order (or change one nothing was delivered on yet). ``loaded_as``
    (``order_version``): a save over a change made since is refused (StaleRecordError).

    Within the credit limit it is approved at once; over the limit or on credit hold it waits as
    *received* until a supervisor approves it (``approve_over_limit`` when the saver is one).
    """
    header, lines, problems = validate_order(form)
    if problems:
        raise ValidationError(problems)
    check = credit_check(header["account"], order_total(lines), exclude_order=order_id)
    if check.needs_supervisor and approve_over_limit:
        require(by, "override_credit_limit")
    with in_transaction():
        if order_id:
            order = Order.get_by_id(order_id)
            if loaded_as:
                stale.refuse_if_changed(loaded_as, order_version(order_id), f"Order {order.number}",
                                        table="order", record_id=order_id)
            if order.status not in ("received", "approved"):
                raise RuleError(f"Order {order.number} is {words(order.status)}: change it by "
                                "cancelling what is still open, not by editing it.")
            before = _snapshot(order)
            for key, value in header.items():
                setattr(order, key, value)
            OrderLine.delete().where(OrderLine.order == order).execute()
        else:
            before = None
            order = Order(number=next_number("order"), created_by=by, **header)
        approved = not check.needs_supervisor or approve_over_limit
        order.approved_by = by if approved else None
        order.save()
        for position, values in enumerate(lines, start=1):
            OrderLine.create(order=order, position=position, **values)
        order.status = derive_status(order)
        order.save()
        summary = f"order {order.number} for {order.account.number}"
        if check.needs_supervisor:
            summary += ("; approved over credit: " if approved else "; awaits a supervisor: ") + \
                "; ".join(check.reasons())
        audit.record(by, "update" if before else "create", order, summary=summary, before=before,
                     after=_snapshot(order))
    return order


def approve_order(order_id: int, by: User) -> Order:
    """Approve a received order; over the credit limit or on hold only a supervisor may."""
    with in_transaction():
        order = Order.get_by_id(order_id)
        if order.status != "received":
            raise RuleError(f"Order {order.number} is {words(order.status)}, not waiting for approval.")
        check = credit_check(order.account, open_value(order), exclude_order=order.id)
        if check.needs_supervisor:
            require(by, "override_credit_limit")
        order.approved_by = by
        order.status = derive_status(order)
        order.save()
        audit.record(by, "approve", order, summary=f"approved order {order.number}"
                     + (": " + "; ".join(check.reasons()) if check.needs_supervisor else ""))
    return order


def open_value(order: Order) -> Decimal:
    """What the order still stands for on credit: ordered, not cancelled, not yet invoiced."""
    return sum((l.unit_price * (l.quantity - l.cancelled - l.invoiced) for l in order.lines), ZERO)


def _snapshot(order: Order) -> dict:
    data = audit.snapshot(order, "number", "account", "order_date", "po_number", "requested_date",
                          "status", "approved_by")
    data["lines"] = [f"{l.item.code} x{l.quantity} @ {l.unit_price}" + (f" ({l.price_reason})" if
                     l.price_reason else "") for l in order.lines.order_by(OrderLine.position)]
    return data


def words(status: str) -> str:
    return status.replace("_", " ")


# --- status -------------------------------------------------------------------------------------

def derive_status(order: Order) -> str:
    """received → approved → in progress → partly filled → filled → invoiced; or cancelled."""
    lines = list(OrderLine.select().where(OrderLine.order == order.id))
    return status_from([(l.quantity, l.cancelled, l.filled, l.invoiced) for l in lines],
                       order.approved_by_id is not None, order.status)


def status_from(lines: list[tuple[int, int, int, int]], approved: bool, current: str) -> str:
    """The status of an order whose lines stand at (ordered, cancelled, filled, invoiced).

    In progress: deliveries begun, no line complete yet. Partly filled: some lines complete,
    others still open (back-orders). Filled: nothing open, something not yet invoiced.
    """
    wanted = [l for l in lines if l[0] > l[1]]
    if not wanted:
        return "cancelled" if lines else current
    filled = sum(l[2] for l in wanted)
    open_lines = [l for l in wanted if l[0] - l[1] - l[2] > 0]
    if not approved:
        return "received"
    if not filled:
        return "approved"
    if not open_lines:
        return "invoiced" if all(l[3] >= l[2] for l in wanted) else "filled"
    return "partly_filled" if len(open_lines) < len(wanted) else "in_progress"


def _restatus(order: Order, by: User, why: str) -> None:
    status = derive_status(order)
    if status != order.status:
        before = order.status
        Order.update(status=status).where(Order.id == order.id).execute()
        order.status = status
        audit.record(by, "status", order, summary=f"order {order.number} {words(status)} ({why})",
                     before={"status": before}, after={"status": status})


# --- deliveries and cancellations ---------------------------------------------------------------

def record_delivery(order_id: int, quantities: dict[int, str | int], by: User, *,
                    on: str | dt.date | None = None, performed_by: str = "",
                    note: str = "") -> list[Fulfilment]:
    """Record what was delivered or performed, line by line; what is left stays open (back-order)."""
    order = Order.get_by_id(order_id)
    if order.approved_by_id is None or order.status in ("received", "cancelled"):
        raise RuleError(f"Order {order.number} is {words(order.status)}: nothing can be delivered "
                        "on it" + (" until it is approved." if order.status == "received" else "."))
    day, problem = parse_date(on or today(), "delivered_on", required=True, not_future=True)
    problems = [problem] if problem else []
    if day is not None and day < order.order_date:
        problems.append(Problem("delivered_on", f"is before the order's date, "
                                                f"{order.order_date:%m/%d/%Y}"))
    lines = {l.id: l for l in order.lines}
    wanted = []
    for line_id, raw in quantities.items():
        line = lines.get(line_id)
        if line is None:
            raise RuleError(f"line #{line_id} is not on order {order.number}")
        if str(raw).strip() in ("", "0"):
            continue
        qty, problem = parse_int(raw, f"lines[{line.position}].quantity", minimum=1,
                                 maximum=max(line.open_quantity, 1))
        if line.open_quantity <= 0:
            problem = Problem(f"lines[{line.position}].quantity", "nothing is left open on this line")
        problems += [problem] if problem else []
        wanted.append((line, qty))
    if not problems and not wanted:
        problems.append(Problem("quantity", "type the quantity delivered on at least one line"))
    if problems:
        raise ValidationError(problems)
    assert day is not None  # required=True: no problem means a date
    done = []
    with in_transaction():
        for line, qty in wanted:
            done.append(Fulfilment.create(line=line, quantity=qty, fulfilled_on=day, by=by,
                                          performed_by=performed_by.strip() or by.full_name,
                                          note=note.strip()))
            OrderLine.update(filled=OrderLine.filled + qty).where(OrderLine.id == line.id).execute()
            audit.record(by, "deliver", order, summary=f"order {order.number} line {line.position}: "
                         f"{qty} delivered {day.isoformat()} by {performed_by.strip() or by.full_name}")
        _restatus(order, by, "delivery")
    return done


def cancel_line(line_id: int, reason: str, by: User) -> OrderLine:
    """Cancel what is still open on one line (what was delivered stays, and is billed)."""
    if not (reason or "").strip():
        raise ValidationError("say why the line is cancelled", "reason")
    with in_transaction():
        line = OrderLine.get_by_id(line_id)
        if line.open_quantity <= 0:
            raise RuleError(f"Line {line.position} has nothing open to cancel.")
        qty = line.open_quantity
        OrderLine.update(cancelled=OrderLine.cancelled + qty, cancel_reason=reason.strip()
                         ).where(OrderLine.id == line.id).execute()
        audit.record(by, "cancel", line.order, summary=f"order {line.order.number} line "
                     f"{line.position}: {qty} cancelled: {reason.strip()}",
                     after={"lines": {str(line.position): qty}})
        _restatus(line.order, by, "line cancelled")
    return OrderLine.get_by_id(line_id)


def cancel_order(order_id: int, reason: str, by: User) -> Order:
    """Cancel everything still open on the order, with one reason."""
    if not (reason or "").strip():
        raise ValidationError("say why the order is cancelled", "reason")
    with in_transaction():
        order = Order.get_by_id(order_id)
        open_lines = [l for l in order.lines if l.open_quantity > 0]
        if not open_lines:
            raise RuleError(f"Order {order.number} has nothing open to cancel.")
        for line in open_lines:
            OrderLine.update(cancelled=OrderLine.cancelled + line.open_quantity,
                             cancel_reason=reason.strip()).where(OrderLine.id == line.id).execute()
        Order.update(cancel_reason=reason.strip()).where(Order.id == order.id).execute()
        audit.record(by, "cancel", order, summary=f"order {order.number} cancelled: {reason.strip()}",
                     after={"lines": {str(l.position): l.open_quantity for l in open_lines}})
        _restatus(order, by, "cancelled")
    return Order.get_by_id(order_id)


# --- look-ups for the window --------------------------------------------------------------------

def active_accounts(text: str, limit: int = 20) -> list[Account]:
    """Active accounts matching what was typed (the client completer): only they may order."""
    query = Account.select().where(Account.status == "active")
    if (text or "").strip():
        query = query.where(search_condition(text.strip()))
    return list(query.order_by(Account.sort_name).limit(limit))


def account_by_number(number: str) -> Account | None:
    return Account.get_or_none(Account.number == (number or "").strip())


def catalogue_choices() -> list[tuple[str, str, Decimal]]:
    """(code, description, price) of every item in use, for the code completer."""
    return [(i.code, i.description, i.unit_price) for i in
            CatalogueItem.select().where(CatalogueItem.active == True).order_by(CatalogueItem.code)]  # noqa: E712


def get_order(order_id: int) -> Order:
    return Order.get_by_id(order_id)


def order_lines(order_id: int) -> list[OrderLine]:
    return list(OrderLine.select(OrderLine, CatalogueItem).join(CatalogueItem)
                .where(OrderLine.order == order_id).order_by(OrderLine.position))


def deliveries(order_id: int) -> list[Fulfilment]:
    return list(Fulfilment.select(Fulfilment, OrderLine).join(OrderLine)
                .where(OrderLine.order == order_id).order_by(Fulfilment.fulfilled_on, Fulfilment.id))


def form_from_order(order: Order) -> OrderForm:
    return OrderForm(account_id=order.account_id, order_date=order.order_date,
                     requested_date=order.requested_date, po_number=order.po_number,
                     ship_to=order.ship_to, contact=order.contact, notes=order.notes,
                     lines=[OrderLineInput(l.item.code, l.quantity, l.unit_price, l.price_reason)
                            for l in order_lines(order.id)])


# --- the order confirmation, as plain data (printing.order_docs draws it) -----------------------

def confirmation_data(order_id: int) -> dict:
    order = Order.get_by_id(order_id)
    account = order.account
    city = " ".join(p for p in (f"{account.city}," if account.city else "", account.state,
                                account.zip_code) if p)
    lines = [{"line": l.position, "code": l.item.code, "description": l.item.description,
              "quantity": l.quantity - l.cancelled, "unit_price": l.unit_price,
              "amount": round_money(l.unit_price * (l.quantity - l.cancelled))}
             for l in order_lines(order.id) if l.quantity > l.cancelled]
    return {
        "office": office_details(),
        "number": order.number, "order_date": order.order_date, "po_number": order.po_number,
        "requested_date": order.requested_date, "status": words(order.status),
        "account": account.number,
        "bill_to": [x for x in (account.display_name, account.street, account.street2, city) if x],
        "ship_to": [x for x in order.ship_to.splitlines() if x.strip()], "contact": order.contact,
        "notes": order.notes, "lines": lines, "total": sum((l["amount"] for l in lines), ZERO),
    }
