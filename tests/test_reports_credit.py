"""Unapplied credit comes off the oldest open items first, by one rule, in every place that shows
what is owed: the aging report (summary and detail), statements, the collection list and the
collections worklist (issue 18, item 1)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from billing_desk.reports import Params, run
from billing_desk.services.books import invoices, payments
from billing_desk.services.books.aging import take_credit_oldest_first
from billing_desk.services.books.reports_statements import statement_data
from billing_desk.services.collections import worklist as col

pytestmark = pytest.mark.both_engines

AS_OF = dt.date(2026, 9, 1)
OLD = dt.date(2026, 1, 5)  # due 02/04: over 120 days past due on AS_OF
RECENT = dt.date(2026, 6, 20)  # due 07/20: 31-60 days past due on AS_OF


def credit_without_applying(account, amount: str, by, on: dt.date):
    """A payment kept as unapplied credit although items are open (allocated zero)."""
    line = invoices.Invoice.select().where(invoices.Invoice.account == account.id).first().lines.get()
    payments.record_payment(account.id, amount, by, allocations=[(line.id, D("0.00"))],
                            entry_date=on)


@pytest.fixture
def settled(db, admin, catalogue, make_account):
    """$15.00 over 120 days past due and a $15.00 credit: nothing is owed."""
    account = make_account(last="Settled", first="Sam")
    invoices.quick_invoice(account.id, OLD, [("36415", 1)], admin, entry_date=OLD)
    credit_without_applying(account, "15.00", admin, RECENT)
    return account


@pytest.fixture
def partly(db, admin, catalogue, make_account):
    """$120.00 over 120 days, $45.00 in 31-60, $130.00 credit: $35.00 left, 31-60 days old."""
    account = make_account(last="Partly", first="Pia")
    invoices.quick_invoice(account.id, OLD, [("99213", 1)], admin, entry_date=OLD)
    invoices.quick_invoice(account.id, RECENT, [("80053", 1)], admin, entry_date=RECENT)
    credit_without_applying(account, "130.00", admin, RECENT)
    return account


def test_the_rule_takes_credit_off_the_oldest_bucket_first():
    assert take_credit_oldest_first([0, 10, 0, 0, 0, 20], 25) == [0, 5, 0, 0, 0, 0]
    assert take_credit_oldest_first([5, 0, 0, 0, 0, 0], 8) == [-3, 0, 0, 0, 0, 0]  # rest stays
    assert take_credit_oldest_first([7, -2, 0, 0, 0, 4], 0) == [7, -2, 0, 0, 0, 4]


def test_the_aging_summary_takes_the_credit_off_the_oldest_bucket(settled, partly):
    rows = {r["account"]: r for r in run("aging", Params(as_of=AS_OF)).all_rows()}
    zero = D("0.00")
    done = rows[settled.number]
    assert (done["patient"], done["credit"], done["balance"]) == (D("15.00"), D("15.00"), zero)
    assert [done[f"b{i}"] for i in range(6)] == [zero] * 6
    part = rows[partly.number]
    assert (part["patient"], part["credit"], part["balance"]) == (D("165.00"), D("130.00"),
                                                                  D("35.00"))
    assert [part[f"b{i}"] for i in range(6)] == [zero, zero, D("35.00"), zero, zero, zero]


def test_the_aging_detail_shows_the_credit_in_the_buckets_it_came_off(settled, partly):
    report = run("aging", Params(as_of=AS_OF, view="detail"))
    group = next(g for g in report.groups if partly.number in g.title)
    credit = group.rows[-1]
    assert credit["payer"] == "Unapplied credit"
    assert (credit["b5"], credit["b2"], credit["balance"]) == (D("-120.00"), D("-10.00"),
                                                               D("-130.00"))
    assert group.subtotals["b5"] == D("0.00") and group.subtotals["b2"] == D("35.00")
    assert report.totals["b5"] == D("0.00") and report.totals["balance"] == D("35.00")


def test_statements_and_the_worklist_agree_with_the_aging(settled, partly):
    assert statement_data(settled.id, AS_OF)["amount_due"] == D("0.00")
    data = statement_data(partly.id, AS_OF)
    assert data["amount_due"] == D("35.00") and data["oldest"] == "31-60"
    rows = {r.account_id: r for r in col.worklist(today=AS_OF, limit=None)}
    assert settled.id not in rows  # nothing past due once the credit is taken off
    row = rows[partly.id]
    assert (row.past_due, row.oldest_due, row.bucket) == (D("35.00"), dt.date(2026, 7, 20), "31-60")
    assert col.worklist_row(settled.id, today=AS_OF) is None


def test_the_collection_list_does_not_chase_an_account_its_credit_pays(settled, partly):
    report = run("collection-list", Params())  # the worklist as it stands today
    rows = {r["account"]: r for r in report.all_rows()}
    assert settled.number not in rows
    assert rows[partly.number]["past_due"] == D("35.00")
