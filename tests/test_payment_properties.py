"""Allocation properties (hypothesis): allocations never exceed the payment nor the open items,
and the balance is always charges - payments - adjustments, with the ledger check clean."""

import datetime as dt
from decimal import Decimal as D

from hypothesis import HealthCheck, given, settings, strategies as st

from billing_desk.models import Account, InvoiceLine, Payment, PaymentAllocation
from billing_desk.money import ZERO, from_cents
from billing_desk.services.books import adjustments, invoices, payments
from billing_desk.services.books.ledger import check_ledger

DAY = dt.date(2026, 3, 2)
cents = st.integers(min_value=1, max_value=50_000)
line = st.tuples(st.sampled_from(["99213", "36415", "80053", "PRD-KIT"]),
                 st.integers(min_value=1, max_value=3), cents)
invoice = st.lists(line, min_size=1, max_size=3)
payment = st.tuples(st.integers(min_value=1, max_value=120_000), st.booleans(),
                    st.lists(st.integers(min_value=0, max_value=100), min_size=1, max_size=6))
discount = st.tuples(st.integers(min_value=0, max_value=20), st.integers(min_value=0, max_value=100))

PROPERTY = settings(max_examples=25, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


def post_invoices(account, bills, by):
    for bill in bills:
        draft = invoices.InvoiceDraft(account.id, DAY, [
            invoices.LineInput(code, quantity, str(from_cents(price))) for code, quantity, price in bill])
        invoices.post_invoice(invoices.save_draft(draft, by).id, by, entry_date=DAY)


def chosen_allocations(account, amount, shares):
    """Parts of the payment on open lines the clerk picked: never more than owed or left."""
    left, chosen = amount, []
    for line, share in zip(payments.open_lines(account.id, "patient"), shares):
        part = min(left, (line.patient_balance * share / 100).quantize(D("0.01")))
        if part > 0:
            chosen.append((line.id, part))
            left -= part
    return chosen


@PROPERTY
@given(bills=st.lists(invoice, min_size=1, max_size=3), paid=st.lists(payment, max_size=4),
       cut=discount)
def test_allocation_never_exceeds_and_balance_adds_up(db, admin, catalogue, make_account, bills,
                                                      paid, cut):
    account = make_account()
    post_invoices(account, bills, admin)
    charged = sum((InvoiceLine.get_by_id(l.id).amount for l in
                   InvoiceLine.select().join(invoices.Invoice)
                   .where(invoices.Invoice.account == account.id)), ZERO)
    received = ZERO
    for amount_cents, choose, shares in paid:
        amount = from_cents(amount_cents)
        chosen = chosen_allocations(account, amount, shares) if choose else None
        pay = payments.record_payment(account.id, amount, admin, method="cash",
                                      allocations=chosen or None, entry_date=DAY)
        received += amount
        allocated = sum((a.amount for a in PaymentAllocation.select()
                         .where(PaymentAllocation.payment == pay.id)), ZERO)
        assert ZERO <= allocated <= pay.amount
    credit_before = Account.get_by_id(account.id).unapplied_credit
    post_invoices(account, bills[:1], admin)  # the next charge: any credit is applied to it
    charged += sum((from_cents(price) * quantity for _code, quantity, price in bills[0]), ZERO)
    after = Account.get_by_id(account.id)
    assert after.unapplied_credit == 0 or after.patient_balance == 0
    assert after.unapplied_credit <= credit_before
    adjusted = ZERO
    index, percent = cut
    open_lines = list(payments.open_lines(account.id, "patient"))
    if open_lines and percent:
        target = open_lines[index % len(open_lines)]
        amount = min((target.patient_balance * percent / 100).quantize(D("0.01")), D("100.00"))
        if amount > 0:
            adjustments.adjust_line(target.id, "discount", amount, "prompt-pay discount", admin,
                                    entry_date=DAY)
            adjusted = amount
    fresh = Account.get_by_id(account.id)
    assert all(l.patient_balance >= 0 for l in InvoiceLine.select())
    assert fresh.patient_balance + fresh.insurance_balance - fresh.unapplied_credit == \
        charged - received - adjusted
    assert fresh.unapplied_credit >= 0
    assert sum((p.amount for p in Payment.select().where(Payment.account == account.id)), ZERO) \
        == received
    assert check_ledger() == []
