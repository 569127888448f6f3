"""The invoice preview the form shows is what saving and posting store, to the cent."""

import datetime as dt
from decimal import Decimal as D

import pytest

from billing_desk.models import Coverage, FeeSchedule, Payer, Plan
from billing_desk.services.books import invoices
from billing_desk.services.books.invoice_preview import PricedLine, line_amount, preview_invoice

pytestmark = pytest.mark.both_engines

DAY = dt.date(2026, 3, 2)


@pytest.fixture
def insured(catalogue, make_account):
    """Copay 15, coinsurance 17 % (so the shares need rounding), a fee schedule for the visit."""
    payer = Payer.create(name="Acme Health")
    plan = Plan.create(payer=payer, name="PPO", copay=D("15"), coinsurance=D("17"))
    FeeSchedule.create(payer=payer, item=catalogue["99213"], allowed=D("97.13"))
    account = make_account(last="Nguyen", first="Mai")
    Coverage.create(account=account, plan=plan, member_id="AC123")
    return account


def test_a_line_amount_is_quantity_times_price_to_the_cent():
    assert line_amount(3, D("33.33")) == D("99.99")
    assert line_amount(7, D("0.01")) == D("0.07")
    assert line_amount(1, D("120.00")) == D("120.00")


def test_the_preview_is_what_posting_stores(insured, clerk):
    lines = [PricedLine("99213", 3, D("33.37"), "Visit"), PricedLine("36415", 7, D("2.19")),
             PricedLine("PRD-KIT", 1, D("48.00"), modifiers="", pointers="")]
    preview = preview_invoice(insured.id, DAY, lines)
    assert preview.amounts == [D("100.11"), D("15.33"), D("48.00")]
    assert preview.total == D("163.44")

    draft = invoices.InvoiceDraft(
        account_id=insured.id, service_date=DAY,
        lines=[invoices.LineInput(l.code, l.quantity, l.unit_price) for l in lines])
    saved = invoices.save_draft(draft, clerk)
    posted = invoices.post_invoice(saved.id, clerk)
    stored = invoices.invoice_lines(posted)
    assert posted.total == preview.total
    assert [l.amount for l in stored] == preview.amounts
    assert [(l.estimated_insurance, l.estimated_patient) for l in stored] == \
        [(e.insurance_pays, e.patient_pays) for e in preview.lines]
    assert sum(l.estimated_insurance + l.estimated_patient for l in stored) <= preview.total
    assert preview.insurance_pays == sum(l.estimated_insurance for l in stored)
    assert preview.patient_pays == sum(l.estimated_patient for l in stored)


def test_the_preview_reads_a_typed_date_and_waits_for_an_account(catalogue):
    lines = [PricedLine("99213", 2, D("120.00"))]
    typed = preview_invoice(None, "03/02/2026", lines)
    assert typed.total == D("240.00") and typed.patient_pays == D("240.00")  # nobody insures it
    assert preview_invoice(None, "not a date", lines).total == D("240.00")
    assert preview_invoice(None, None, []).total == D("0.00")
