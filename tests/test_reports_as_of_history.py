"""Statements, payment plans and unfilled orders as of a past day give the answer they gave that
day (issue 18, item 2): each is built on a small book with activity after the as-of date
(payments, invoices, deliveries, voids, cancellations, a statement sent) that must not show.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal as D

from pypdf import PdfReader
from test_reports_numbers import JAN1, MAR1, MAR15, office  # noqa: F401 (the hand-built office)

from billing_desk.models import Letter
from billing_desk.printing.statements import render_statements
from billing_desk.reports import Params, office_info, run
from billing_desk.services.books import invoices, payments
from billing_desk.services.collections import collection_actions as act
from billing_desk.services.orders import order_billing, order_forms
from billing_desk.services.orders.order_forms import OrderForm, OrderLineInput

FEB15 = dt.date(2026, 2, 15)


def _items(document):
    return [(i["code"], i["charge"], i["patient_paid"], i["insurance_paid"], i["balance"])
            for i in document["items"]]


# --- statements ---------------------------------------------------------------------------------

def test_a_statement_run_as_of_a_past_day_shows_that_days_items_and_sums(office, admin):
    """On 02/15 Bob owed the January blood draw only; the March panel, the March payment, a
    payment for February keyed in March, the statement sent on 03/15 and the dispute came later."""
    cash = office["cash"]
    payments.record_payment(cash.id, "5.00", admin, received_on=dt.date(2026, 2, 10),
                            entry_date=dt.date(2026, 3, 2))
    Letter.create(account=cash.id, kind="statement", sent_on=MAR15, by=admin)
    act.set_hold(cash.id, "dispute", "says the panel was never done", admin)  # today
    report = run("statements", Params(as_of=FEB15))
    assert [r["account"] for r in report.groups[0].rows] == [cash.number]
    (bob,) = report.documents
    assert _items(bob) == [("36415", D("15.00"), D("0.00"), D("0.00"), D("15.00"))]
    assert (bob["amount_due"], bob["credit"], bob["insurance_pending"]) == \
        (D("15.00"), D("0.00"), D("0.00"))
    assert bob["oldest"] == "1-30" and dict(bob["aging"])["1-30"] == D("15.00")
    target = io.BytesIO()
    render_statements(report.documents, target, office_info())
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(target.getvalue())).pages)
    assert "Blood draw" in text and "Metabolic panel" not in text and "$15.00" in text
    # Today: the panel is open, the blood draw paid, and the account in dispute.
    assert [(s["account"], s["note"]) for s in run("statements", Params()).groups[1].rows] == \
        [(cash.number, "in dispute")]
    today = run("statements", Params(account=cash.number)).documents[0]
    assert _items(today) == [("80053", D("45.00"), D("10.00"), D("0.00"), D("35.00"))]


def test_one_accounts_statement_as_of_a_past_day(office, admin, supervisor):
    """Ann's insurance item on 02/15 (voided in April), Cy's credit (it came in March)."""
    ins, credit = office["ins"], office["credit"]
    invoice = invoices.Invoice.get(invoices.Invoice.account == ins.id)
    invoices.void_invoice(invoice.id, "wrong patient", supervisor, entry_date=dt.date(2026, 4, 2))
    ann = run("statements", Params(as_of=FEB15, account=ins.number)).documents[0]
    assert _items(ann) == [("99213", D("120.00"), D("0.00"), D("0.00"), D("120.00"))]
    assert (ann["amount_due"], ann["insurance_pending"]) == (D("0.00"), D("120.00"))
    assert run("statements", Params(account=ins.number)).documents[0]["items"] == []
    cy = run("statements", Params(as_of=FEB15, account=credit.number)).documents[0]
    assert (cy["credit"], cy["amount_due"], cy["items"]) == (D("0.00"), D("0.00"), [])
    assert run("statements", Params(as_of=MAR15, account=credit.number)).documents[0]["credit"] \
        == D("30.00")


# --- payment plans ------------------------------------------------------------------------------

JAN5, FEB1, MAR10 = dt.date(2026, 1, 5), dt.date(2026, 2, 1), dt.date(2026, 3, 10)


def _plans(as_of=None):
    return {r["account"]: r for r in run("payment-plans", Params(as_of=as_of)).all_rows()}


def test_payment_plans_as_of_a_past_day(make_account, catalogue, clerk, supervisor):
    """Ann's plan: $40 on 02/01 (paid that day), 03/03 (paid 03/01 but keyed 03/20) and 04/02;
    Bob's plan: $25 paid 02/05, that check bounced on 03/15, the plan cancelled since; Cy's
    plan was made after the day asked about."""
    ann, bob, cy = (make_account(last=n, first="X") for n in ("Ann", "Bob", "Cy"))
    for account in (ann, bob, cy):
        invoices.quick_invoice(account.id, JAN5, [("99213", 1)], clerk, entry_date=JAN5)
    act.create_plan(ann.id, "120.00", 3, FEB1, clerk, today=dt.date(2026, 1, 10))
    bobs = act.create_plan(bob.id, "120.00", 4, FEB1, clerk, today=dt.date(2026, 1, 20))
    payments.record_payment(ann.id, "40.00", clerk, entry_date=FEB1)
    check = payments.record_payment(bob.id, "25.00", clerk, method="check", reference="77",
                                    entry_date=dt.date(2026, 2, 5))
    payments.record_payment(ann.id, "40.00", clerk, received_on=dt.date(2026, 3, 1),
                            entry_date=dt.date(2026, 3, 20))
    payments.void_payment(check.id, "bounced", supervisor, entry_date=MAR15)
    payments.record_payment(ann.id, "40.00", clerk, entry_date=dt.date(2026, 4, 1))
    act.create_plan(cy.id, "60.00", 2, dt.date(2026, 4, 1), clerk, today=dt.date(2026, 3, 25))
    act.review(today=dt.date(2026, 4, 5))
    act.cancel_plan(bobs.id, "moved away", clerk)
    then = _plans(MAR10)
    assert set(then) == {ann.number, bob.number}
    assert (then[ann.number]["paid"], then[ann.number]["missed"], then[ann.number]["next_due"],
            then[ann.number]["status"]) == (D("40.00"), 1, dt.date(2026, 3, 3), "active")
    assert (then[bob.number]["paid"], then[bob.number]["missed"], then[bob.number]["next_due"],
            then[bob.number]["status"]) == (D("25.00"), 2, FEB1, "active")
    now = _plans()
    assert (now[ann.number]["paid"], now[ann.number]["status"], now[ann.number]["next_due"]) == \
        (D("120.00"), "completed", None)
    assert (now[bob.number]["paid"], now[bob.number]["missed"], now[bob.number]["status"]) == \
        (D("0.00"), 0, "cancelled")
    assert now[cy.number]["status"] == "active"


# --- unfilled orders ----------------------------------------------------------------------------

def _line(order, position):
    return order_forms.OrderLine.get(order_forms.OrderLine.order == order.id,
                                     order_forms.OrderLine.position == position)


def test_unfilled_orders_as_of_a_past_day(make_account, catalogue, clerk):
    """On 03/10 the panel had 4 of 10 delivered (3 more came on 03/20) and the kits were still
    wanted (cancelled since); the order of 03/15 did not exist yet."""
    zed = make_account(last="Zed", first="Amy")
    order = order_forms.save_order(OrderForm(account_id=zed.id, order_date=FEB1, lines=[
        OrderLineInput("80053", "10"), OrderLineInput("PRD-KIT", "4")]), clerk)
    order_forms.record_delivery(order.id, {_line(order, 1).id: 4}, clerk, on=dt.date(2026, 2, 10))
    order_billing.invoice_order(order.id, clerk, entry_date=dt.date(2026, 2, 12))
    order_forms.record_delivery(order.id, {_line(order, 1).id: 3}, clerk, on=dt.date(2026, 3, 20))
    order_billing.invoice_order(order.id, clerk, entry_date=dt.date(2026, 3, 21))
    order_forms.cancel_line(_line(order, 2).id, "no longer needed", clerk)
    later = order_forms.save_order(OrderForm(account_id=zed.id, order_date=MAR15, lines=[
        OrderLineInput("36415", "2")]), clerk)

    def picked(as_of):
        return [(r["order"], r["code"], r["ordered"], r["cancelled"], r["filled"], r["invoiced"],
                 r["open"], r["open_value"], r["days_open"], r["status"])
                for r in run("unfilled-orders", Params(as_of=as_of)).all_rows()]

    assert picked(MAR10) == [
        (order.number, "80053", 10, 0, 4, 4, 6, D("270.00"), 37, "in progress"),
        (order.number, "PRD-KIT", 4, 0, 0, 0, 4, D("192.00"), 37, "in progress"),
    ]
    assert picked(dt.date(2026, 1, 31)) == []  # before the order was dated
    today = dt.date.today()
    assert picked(today) == [
        (order.number, "80053", 10, 0, 7, 7, 3, D("135.00"), (today - FEB1).days, "in progress"),
        (later.number, "36415", 2, 0, 0, 0, 2, D("30.00"), (today - MAR15).days, "approved"),
    ]


def test_an_order_cancelled_after_the_day_was_still_open_that_day(make_account, catalogue, clerk):
    """A whole order cancelled since, and a line cancelled before the trail kept the lines (its
    summary names the line): both were open on 03/10."""
    from billing_desk.models import OrderLine
    from billing_desk.services.office import audit
    from billing_desk.services.office.transactions import in_transaction

    zed = make_account(last="Zed", first="Amy")
    whole = order_forms.save_order(OrderForm(account_id=zed.id, order_date=FEB1, lines=[
        OrderLineInput("80053", "2"), OrderLineInput("36415", "1")]), clerk)
    order_forms.cancel_order(whole.id, "bought elsewhere", clerk)
    old = order_forms.save_order(OrderForm(account_id=zed.id, order_date=FEB1, lines=[
        OrderLineInput("PRD-KIT", "2")]), clerk)
    with in_transaction():
        OrderLine.update(cancelled=2).where(OrderLine.order == old.id).execute()
        audit.record(clerk, "cancel", old, summary=f"order {old.number} line 1: 2 cancelled: old")
    rows = run("unfilled-orders", Params(as_of=MAR10)).all_rows()
    assert [(r["order"], r["code"], r["cancelled"], r["open"]) for r in rows] == [
        (whole.number, "80053", 0, 2), (whole.number, "36415", 0, 1), (old.number, "PRD-KIT", 0, 2)]
    assert list(run("unfilled-orders", Params()).all_rows()) == []
