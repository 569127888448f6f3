"""The day sheet's deposit slip and the Deposit list come from one place and agree (issue 18,
item 3): a closed day's deposit never changes; a payment keyed onto a closed day goes on the
next open day's deposit, as on its day sheet; a bounced (voided) payment is its own line on the
day the void was keyed, never subtracted from the day it was deposited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from billing_desk.reports import Params, run
from billing_desk.services.books import invoice_papers, invoices, payments
from billing_desk.services.books.reports_close import close_day

pytestmark = pytest.mark.both_engines

MON, TUE, WED = dt.date(2026, 3, 2), dt.date(2026, 3, 3), dt.date(2026, 3, 4)


def slip(day: dt.date) -> dict:
    values = dict(run("day-sheet", Params(start=day, end=day)).parameters)
    return {k: v for k, v in values.items() if k.startswith(("Deposit", "Returned"))}


def deposit(day: dt.date) -> dict:
    paper = invoice_papers.deposit_paper(day)
    return {"total": paper["total"], "totals": paper["totals"], "returned": paper["returned_total"],
            "lines": {m: [(r[0], r[4]) for r in rows] for m, rows in paper["groups"].items()},
            "returned_lines": [(r[0], r[4]) for r in paper["returned"]]}


@pytest.fixture
def monday(db, admin, supervisor, catalogue, make_account):
    account = make_account()
    invoices.quick_invoice(account.id, MON, [("99213", 1)], admin, entry_date=MON)
    payments.record_payment(account.id, "20.00", admin, method="cash", entry_date=MON)
    check = payments.record_payment(account.id, "30.00", admin, method="check", reference="101",
                                    entry_date=MON)
    return {"account": account, "check": check}


def test_a_days_slip_and_its_deposit_list_agree(monday):
    assert slip(MON) == {"Deposit: cash": D("20.00"), "Deposit: checks": D("30.00"),
                         "Deposit: cards": D("0.00"), "Deposit: EFT and other": D("0.00"),
                         "Deposit total": D("50.00"), "Returned payments": D("0.00")}
    listed = deposit(MON)
    assert listed["total"] == D("50.00") and listed["returned"] == D("0.00")
    assert listed["totals"] == {"cash": D("20.00"), "check": D("30.00")}


def test_a_bounced_check_is_its_own_line_on_the_day_it_was_keyed(monday, admin, supervisor,
                                                                 tmp_path):
    close_day(MON, supervisor, now=WED)
    before_slip, before_list = slip(MON), deposit(MON)
    payments.void_payment(monday["check"].id, "returned by the bank", admin, entry_date=TUE)
    assert slip(MON) == before_slip and deposit(MON) == before_list  # closed: never changes
    assert deposit(MON)["lines"]["check"] == [("101", D("30.00"))]
    tuesday = slip(TUE)
    assert tuesday["Deposit total"] == D("0.00")  # nothing deposited; the bounce is not netted
    assert tuesday["Returned payments"] == D("-30.00")
    listed = deposit(TUE)
    assert (listed["total"], listed["returned"]) == (D("0.00"), D("-30.00"))
    assert listed["returned_lines"] == [("101", D("-30.00"))]
    from pypdf import PdfReader

    from billing_desk.printing import invoice_docs

    paper = invoice_docs.deposit_pdf(invoice_papers.deposit_paper(TUE), tmp_path / "dep.pdf")
    text = "".join(p.extract_text() for p in PdfReader(paper).pages)
    assert "returned or voided" in text and "-$30.00" in text


def test_a_payment_keyed_onto_a_closed_day_is_deposited_on_the_next_open_day(monday, admin,
                                                                            supervisor):
    close_day(MON, supervisor, now=WED)
    before = deposit(MON)
    payments.record_payment(monday["account"].id, "25.00", admin, method="card", entry_date=MON)
    assert deposit(MON) == before and slip(MON)["Deposit total"] == D("50.00")
    assert deposit(TUE)["totals"] == {"card": D("25.00")}
    assert slip(TUE)["Deposit: cards"] == D("25.00") and slip(TUE)["Deposit total"] == D("25.00")
