"""Each report's numbers against a small office worked out by hand.

The office (entry dates in brackets):
  Ins, Ann   99213 $120.00 on 01/01 [01/01], all billed to Blue (due 01/31)
  Cash, Bob  36415  $15.00 on 01/01 [01/01]; 80053 $45.00 on 03/01 [03/01] (due 03/31);
             $20.00 cash on 03/01 [03/01]: $15.00 to the first, $5.00 to the second
  Credit, Cy $30.00 check on 03/01 [03/01], nothing to apply it to: unapplied credit
As of 03/15: Ins owes insurance $120.00 (43 days past due: 31-60), Cash owes $40.00 current,
Credit has $30.00 credit; the balance net of credit is $130.00.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from billing_desk.errors import PermissionDenied, ValidationError
from billing_desk.models import Coverage, Payer, Plan
from billing_desk.reports import REPORTS, Params, run
from billing_desk.services.books import adjustments, invoices, payments

pytestmark = pytest.mark.both_engines

JAN1, MAR1, MAR15 = dt.date(2026, 1, 1), dt.date(2026, 3, 1), dt.date(2026, 3, 15)


@pytest.fixture
def office(db, admin, catalogue, make_account):
    payer = Payer.create(name="Blue")
    plan = Plan.create(payer=payer, name="PPO")
    ins, cash, credit = (make_account(last="Ins", first="Ann"), make_account(last="Cash", first="Bob"),
                         make_account(last="Credit", first="Cy"))
    Coverage.create(account=ins, plan=plan, member_id="X1")
    invoices.quick_invoice(ins.id, JAN1, [("99213", 1)], admin, entry_date=JAN1)
    invoices.quick_invoice(cash.id, JAN1, [("36415", 1)], admin, entry_date=JAN1)
    invoices.quick_invoice(cash.id, MAR1, [("80053", 1)], admin, entry_date=MAR1)
    payments.record_payment(cash.id, "20.00", admin, entry_date=MAR1)
    payments.record_payment(credit.id, "30.00", admin, method="check", reference="101",
                            entry_date=MAR1)
    return {"ins": ins, "cash": cash, "credit": credit, "payer": payer, "admin": admin}


def rows_by(report, key):
    return {row[key]: row for row in report.all_rows() if row.get(key) is not None}


def test_every_report_is_registered_with_a_title():
    assert list(REPORTS) == ["aging", "day-sheet", "billing", "statements", "profit",
                             "unfilled-orders", "collection-list", "promises-due", "payment-plans",
                             "collections-activity", "account-ledger", "accounts", "denials",
                             "insurance-follow-up", "payer-payment-speed", "calls-log", "unapplied-insurance",
                             "billing-review",
                             "audit"]


def test_aging_summary_by_account(office):
    report = run("aging", Params(as_of=MAR15))
    rows = rows_by(report, "account")
    ins, cash, credit = (rows[office[k].number] for k in ("ins", "cash", "credit"))
    assert (ins["insurance"], ins["b2"], ins["balance"]) == (D("120.00"), D("120.00"), D("120.00"))
    assert (cash["patient"], cash["b0"], cash["balance"]) == (D("40.00"), D("40.00"), D("40.00"))
    assert (credit["credit"], credit["balance"]) == (D("30.00"), D("-30.00"))
    totals = report.totals
    assert (totals["patient"], totals["insurance"], totals["credit"], totals["balance"]) == \
        (D("40.00"), D("120.00"), D("30.00"), D("130.00"))
    # Cy's credit pays nothing open, so it stays a credit: a minus in Current.
    assert credit["b0"] == D("-30.00")
    share = dict(report.parameters)["Share by bucket"]
    assert "Current 7.7%" in share and "31-60 92.3%" in share


def test_aging_detail_and_an_earlier_as_of_date(office):
    report = run("aging", Params(as_of=MAR15, view="detail"))
    assert report.totals["balance"] == D("130.00")
    assert len(report.groups) == 3
    credit_group = next(g for g in report.groups if office["credit"].number in g.title)
    assert credit_group.rows[-1]["payer"] == "Unapplied credit"
    # On 02/15 (before the March entries) the ledger is summed up to that day.
    feb = run("aging", Params(as_of=dt.date(2026, 2, 15), view="detail"))
    assert feb.totals["balance"] == D("135.00")
    assert feb.totals["b1"] == D("135.00")  # both January invoices 1-30 days past due


def test_aging_by_payer(office):
    summary = run("aging", Params(as_of=MAR15, view="payer"))
    assert [(r["payer"], r["b2"]) for r in summary.all_rows()] == [("Blue", D("120.00"))]
    detail = run("aging", Params(as_of=MAR15, view="payer-detail"))
    assert detail.groups[0].title == "Blue" and detail.totals["balance"] == D("120.00")


def test_day_sheet_balances_start_to_end(office):
    day = run("day-sheet", Params(start=MAR1, end=MAR1))
    values = dict(day.parameters)
    assert values["Charges"] == D("45.00")
    assert values["Patient payments"] == D("-50.00")
    assert values["A/R at start"] == D("135.00")
    assert values["A/R at end"] == D("130.00")
    assert values["A/R at start"] + day.totals["net"] == values["A/R at end"]
    assert (values["Deposit: cash"], values["Deposit: checks"], values["Deposit total"]) == \
        (D("20.00"), D("30.00"), D("50.00"))
    by_type = run("day-sheet", Params(start=MAR1, end=MAR1, view="type"))
    assert [g.title for g in by_type.groups] == ["Charges", "Payments: cash", "Payments: check"]
    assert by_type.groups[1].subtotals["patient_paid"] == D("-20.00")


def test_billing_and_profit(office, admin):
    billing = run("billing", Params(start=JAN1, end=dt.date(2026, 3, 31)))
    rows = rows_by(billing, "code")
    assert (rows["99213"]["units"], rows["99213"]["amount"]) == (1, D("120.00"))
    assert billing.totals["amount"] == D("180.00") and billing.totals["units"] == 3
    by_month = run("billing", Params(start=JAN1, end=dt.date(2026, 3, 31), view="month"))
    assert [g.title for g in by_month.groups] == ["January 2026", "March 2026"]
    line = invoices.Invoice.get(invoices.Invoice.account == office["cash"].id,
                                invoices.Invoice.service_date == MAR1).lines.get()
    adjustments.adjust_line(line.id, "discount", "4.00", "courtesy", admin, entry_date=MAR1)
    profit = run("profit", Params(start=JAN1, end=dt.date(2026, 3, 31)))
    march = next(g for g in profit.groups if g.title == "March 2026")
    # 80053: revenue 45.00, cost 12.00 -> margin 33.00; the discount takes 4.00 off the net.
    assert (march.subtotals["revenue"], march.subtotals["cost"], march.subtotals["margin"]) == \
        (D("45.00"), D("12.00"), D("33.00"))
    assert march.subtotals["net"] == D("29.00")
    assert profit.totals["margin"] == D("180.00") - D("61.00")
    assert profit.totals["margin_pct"] == D("0.661")


def test_accounts_ledger_and_audit(office, admin):
    accounts = run("accounts", Params())
    assert accounts.groups[0].title == "Active" and accounts.totals["count"] == 3
    assert accounts.totals["balance"] == D("130.00")
    ledger = run("account-ledger", Params(account=office["cash"].number))
    assert [r["balance"] for r in ledger.all_rows()][-1] == D("40.00")
    with pytest.raises(ValidationError, match="one account"):
        run("account-ledger", Params())
    with pytest.raises(PermissionDenied):
        run("audit", Params())
    trail = run("audit", Params(user=admin, start=dt.date.today(), end=dt.date.today()))
    assert trail.row_count() > 5


def test_unknown_report_and_view_are_named(office):
    with pytest.raises(ValidationError, match="no report 'nope'"):
        run("nope", Params())
    with pytest.raises(ValidationError, match="no view 'sideways'"):
        run("aging", Params(view="sideways"))
    with pytest.raises(ValidationError, match="no account ZZZ"):
        run("aging", Params(account="ZZZ"))


def test_a_void_leaves_the_billing_of_its_month_of_service(office, supervisor):
    """Billing goes by date of service (issue 18): the voided visit leaves January; the day
    sheet of the day it was voided shows the void."""
    invoice = invoices.Invoice.get(invoices.Invoice.account == office["ins"].id)
    invoices.void_invoice(invoice.id, "wrong patient", supervisor, entry_date=dt.date(2026, 4, 2))
    january = run("billing", Params(start=JAN1, end=dt.date(2026, 1, 31)))
    assert january.totals["amount"] == D("15.00") and "99213" not in rows_by(january, "code")
    april = run("billing", Params(start=dt.date(2026, 4, 1), end=dt.date(2026, 4, 30)))
    assert april.row_count() == 0
    day = run("day-sheet", Params(start=dt.date(2026, 4, 2), end=dt.date(2026, 4, 2)))
    assert dict(day.parameters)["Charges"] == D("-120.00")
