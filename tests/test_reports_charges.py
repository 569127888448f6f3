"""Billing and profit go by date of service, say so, and count invoices (issue 18, items 4 and 5).

The day sheet stays by entry date (what was keyed that day, for the closed books); the billing
and profit reports are what practices compare month to month: the services performed in the
month, whenever they were keyed, with voided invoices left out.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from billing_desk.reports import Params, run
from billing_desk.services.books import invoices

pytestmark = pytest.mark.both_engines

JAN, FEB, MAR = (dt.date(2026, 1, 10), dt.date(2026, 2, 3), dt.date(2026, 3, 5))
JAN_PERIOD = {"start": dt.date(2026, 1, 1), "end": dt.date(2026, 1, 31)}
FEB_PERIOD = {"start": dt.date(2026, 2, 1), "end": dt.date(2026, 2, 28)}


@pytest.fixture
def late_keyed(db, admin, catalogue, make_account):
    """A January visit keyed in February, and a February visit keyed in February."""
    account = make_account()
    january = invoices.quick_invoice(account.id, JAN, [("99213", 1), ("36415", 1)], admin,
                                     entry_date=FEB)
    invoices.quick_invoice(account.id, FEB, [("80053", 1)], admin, entry_date=FEB)
    return january


def test_billing_and_profit_go_by_date_of_service_and_say_so(late_keyed):
    january = run("billing", Params(**JAN_PERIOD))
    assert january.totals["amount"] == D("135.00")
    assert dict(january.parameters)["Basis"].startswith("date of service")
    february = run("billing", Params(**FEB_PERIOD))
    assert february.totals["amount"] == D("45.00")
    profit = run("profit", Params(**JAN_PERIOD))
    assert profit.totals["revenue"] == D("135.00")
    assert dict(profit.parameters)["Basis"].startswith("date of service")
    day = run("day-sheet", Params(start=FEB, end=FEB))  # the day sheet stays by entry date
    assert dict(day.parameters)["Charges"] == D("180.00")


def test_a_voided_invoice_leaves_its_month_of_service(late_keyed, supervisor):
    invoices.void_invoice(late_keyed.id, "wrong patient", supervisor, entry_date=MAR)
    assert run("billing", Params(**JAN_PERIOD)).row_count() == 0
    assert run("billing", Params(start=MAR, end=MAR)).row_count() == 0
    assert dict(run("day-sheet", Params(start=MAR, end=MAR)).parameters)["Charges"] == \
        D("-135.00")


def test_the_invoices_total_counts_invoices_not_codes(db, admin, catalogue, make_account):
    account = make_account()
    for _ in range(2):
        invoices.quick_invoice(account.id, JAN, [("99213", 1), ("36415", 1)], admin, entry_date=JAN)
    invoices.quick_invoice(account.id, FEB, [("99213", 1)], admin, entry_date=FEB)
    period = {"start": dt.date(2026, 1, 1), "end": dt.date(2026, 2, 28)}
    by_code = run("billing", Params(**period))
    assert {r["code"]: r["invoices"] for r in by_code.all_rows()} == {"99213": 3, "36415": 2}
    assert by_code.totals["invoices"] == 3
    by_month = run("billing", Params(**period, view="month"))
    assert [g.subtotals["invoices"] for g in by_month.groups] == [2, 1]
    assert by_month.totals["invoices"] == 3
    by_provider = run("billing", Params(**period, view="provider"))
    assert by_provider.totals["invoices"] == 3


def test_a_margin_of_63_45_percent_prints_as_63_5(db, admin, make_account):
    """Issue 18, item 6: percentages are rounded once, half up, like money."""
    from billing_desk.models import CatalogueItem
    from billing_desk.printing.report import format_cell

    CatalogueItem.create(code="PRD-X", kind="product", description="Splint",
                         unit_price=D("200.00"), unit_cost=D("73.10"))
    invoices.quick_invoice(make_account().id, JAN, [("PRD-X", 1)], admin, entry_date=JAN)
    profit = run("profit", Params(**JAN_PERIOD))
    assert profit.totals["margin"] == D("126.90") and profit.totals["margin_pct"] == D("0.635")
    assert format_cell("percent", profit.totals["margin_pct"]) == "63.5%"
    assert next(profit.all_rows())["margin_pct"] == D("0.635")
    billing = run("billing", Params(**JAN_PERIOD))
    assert next(billing.all_rows())["share"] == D("1.000")
