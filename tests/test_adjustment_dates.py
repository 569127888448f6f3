"""Issue 19 item 2, the rest of it: the date of an adjustment, a return (credit memo), a refund and
a write-off is refused in the future, and before what it belongs to (the line's date of service,
the payer's check), each named at its field ("adjusted_on": the screens' date box) with nothing
saved; a good date is kept on the adjustment and its ledger entries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from billing_desk.errors import ValidationError
from billing_desk.models import Account, Adjustment, InvoiceLine, LedgerEntry
from billing_desk.services.books import adjustments, invoices, payments
from billing_desk.services.books.ledger import check_ledger

TODAY = dt.date.today()
SERVED = TODAY - dt.timedelta(days=30)


def typed(day: dt.date) -> str:
    return day.strftime("%m/%d/%Y")


def days(n: int) -> str:
    """The date ``n`` days after the service, as typed."""
    return typed(SERVED + dt.timedelta(days=n))


@pytest.fixture
def posted(db, clerk, catalogue, make_account):
    account = make_account()
    invoice = invoices.quick_invoice(account.id, SERVED, [("99213", 1), ("PRD-KIT", 1)], clerk,
                                     entry_date=SERVED)
    return invoice


def fields_of(caught) -> dict[str, str]:
    return {p.field: p.message for p in caught.value.problems}


def nothing_saved() -> None:
    assert Adjustment.select().count() == 0 and check_ledger() == []


@pytest.mark.parametrize("when, words", [
    (31, "may not be in the future"),
    ("02/30/2026", "is not a date that exists"),
    (-1, "is before the date of service of invoice"),
])
def test_a_line_adjustment_date_is_checked(posted, supervisor, when, words):
    line = posted.lines.where(InvoiceLine.code == "99213").get()
    on = days(when) if isinstance(when, int) else when
    with pytest.raises(ValidationError) as caught:
        adjustments.adjust_line(line.id, "discount", "5.00", "courtesy", supervisor, adjusted_on=on)
    assert words in fields_of(caught)["adjusted_on"]
    assert str(caught.value).startswith("Date: ")  # in the clerk's words, never "adjusted_on"
    nothing_saved()


def test_a_good_date_is_kept_on_the_adjustment_and_its_ledger_entry(posted, supervisor):
    line = posted.lines.where(InvoiceLine.code == "99213").get()
    made = adjustments.adjust_line(line.id, "discount", "5.00", "courtesy", supervisor,
                                   adjusted_on=days(15))
    assert (made.adjusted_on, made.entered_on) == (SERVED + dt.timedelta(days=15), TODAY)
    entry = LedgerEntry.get(LedgerEntry.adjustment == made.id)
    assert (entry.posting_date, entry.entry_date) == (SERVED + dt.timedelta(days=15), TODAY)
    today = adjustments.adjust_line(line.id, "discount", "1.00", "rounding", supervisor)
    assert today.adjusted_on == TODAY  # blank: the day it is entered


def test_a_return_names_every_problem_at_once_and_saves_nothing(posted, clerk):
    kit = posted.lines.where(InvoiceLine.code == "PRD-KIT").get()
    visit = posted.lines.where(InvoiceLine.code == "99213").get()
    with pytest.raises(ValidationError) as caught:
        adjustments.credit_memo(posted.id, [(visit.id, "1e3"), (kit.id, "48.00")], "", clerk,
                                adjusted_on=days(40))
    found = fields_of(caught)
    assert set(found) == {"reason", "adjusted_on", f"lines[{visit.position}].credit"}
    assert "future" in found["adjusted_on"] and "not an amount" in found[f"lines[{visit.position}].credit"]
    assert f"Line {visit.position}, credit: " in str(caught.value)
    with pytest.raises(ValidationError) as caught:
        adjustments.credit_memo(posted.id, [(kit.id, "48.00")], "returned", clerk, adjusted_on=days(-5))
    assert f"before the invoice's date of service ({typed(SERVED)})" in fields_of(caught)["adjusted_on"]
    nothing_saved()
    made = adjustments.credit_memo(posted.id, [(kit.id, "48.00")], "returned", clerk, adjusted_on=days(2))
    assert {a.adjusted_on for a in made} == {SERVED + dt.timedelta(days=2)}


def test_a_refund_date_is_checked_and_kept(posted, clerk, supervisor):
    account = Account.get_by_id(posted.account_id)
    payments.record_payment(account.id, "200.00", clerk, method="cash")  # 32.00 left as credit
    with pytest.raises(ValidationError) as caught:
        payments.refund(account.id, "abc", "", clerk, adjusted_on=days(31))
    assert set(fields_of(caught)) == {"amount", "reason", "adjusted_on"}
    assert Adjustment.select().count() == 0
    made = payments.refund(account.id, "32.00", "overpaid", clerk, adjusted_on=days(29))
    assert made.adjusted_on == SERVED + dt.timedelta(days=29)
    assert Account.get_by_id(account.id).unapplied_credit == 0
    assert check_ledger() == []


def test_a_write_off_date_is_checked(posted, supervisor):
    from billing_desk.services.collections import collection_actions as act

    with pytest.raises(ValidationError) as caught:
        act.write_off(posted.account_id, "moved away", supervisor, written_off_on=days(31))
    assert "future" in fields_of(caught)["adjusted_on"]
    with pytest.raises(ValidationError) as caught:
        act.write_off(posted.account_id, "moved away", supervisor, written_off_on=days(-4))
    assert "before the date of service" in fields_of(caught)["adjusted_on"]
    nothing_saved()
    assert act.write_off(posted.account_id, "moved away", supervisor,
                         written_off_on=days(20)) == D("168.00")
    assert {a.adjusted_on for a in Adjustment.select()} == {SERVED + dt.timedelta(days=20)}
    assert act.standing(posted.account_id).written_off_on == SERVED + dt.timedelta(days=20)


def test_an_insurance_refund_is_not_before_its_check_nor_in_the_future(db, admin):
    from billing_desk.models import Payer
    from billing_desk.services.books import insurance_money

    payer = Payer.create(name="Blue Prairie", payer_id="BPH01")
    check = insurance_money.receive_check(payer.id, "check", "555", "100.00", admin,
                                          received_on=TODAY - dt.timedelta(days=9))
    for day, words in ((TODAY - dt.timedelta(days=10), "before Blue Prairie's payment 555 was received"),
                       (TODAY + dt.timedelta(days=1), "may not be in the future")):
        with pytest.raises(ValidationError) as caught:
            insurance_money.refund_unapplied(check.id, "10.00", "overpaid", admin, entry_date=day)
        assert words in fields_of(caught)["adjusted_on"]
    day = TODAY - dt.timedelta(days=2)
    made = insurance_money.refund_unapplied(check.id, "10.00", "overpaid", admin, entry_date=day)
    assert made.entry_date == day and insurance_money.unapplied(check.id) == D("90.00")
