"""Reports checked from outside against the ledger: who owes what, counted as the books say."""

from __future__ import annotations

import datetime as dt

import pytest
from claims_fixtures import DAY, office  # noqa: F401
from remit_fixtures import ERA, D, acme, billed, patient  # noqa: F401

from billing_desk.errors import ValidationError
from billing_desk.models import Invoice
from billing_desk.reports import Params, run
from billing_desk.services.books import era_import, invoices, payments
from billing_desk.services.books.aging import aging_by_payer

pytestmark = pytest.mark.both_engines

JAN = dt.date(2026, 1, 10)
JAN_PERIOD = {"start": dt.date(2026, 1, 1), "end": dt.date(2026, 1, 31)}


def test_the_billing_reports_total_counts_every_invoice_with_or_without_a_provider(
        db, admin, catalogue, make_account):
    account = make_account()
    seen = invoices.quick_invoice(account.id, JAN, [("99213", 1)], admin, entry_date=JAN)
    for _ in range(2):
        invoices.quick_invoice(account.id, JAN, [("36415", 1)], admin, entry_date=JAN)
    Invoice.update(provider="Brandt, Elise").where(Invoice.id == seen.id).execute()
    report = run("billing", Params(**JAN_PERIOD, view="provider"))
    assert [(g.title, g.subtotals["invoices"]) for g in report.groups] == [
        ("(no provider)", 2), ("Brandt, Elise", 1)]
    assert report.totals["invoices"] == 3


@pytest.fixture
def with_secondary(patient, admin, office):
    """Acme paid its part; the rest (74.00) went to Great Lakes, the secondary."""
    account = patient(member="MEM456", last="Roe", first="Richard", secondary=office["lakes"])
    invoice, _claim = billed(account, admin, "INV1002-1",
                             [("99214", 1, "150.00"), ("36415", 2, "25.00")])
    era_import.import_era(ERA / "partial_payment.835", admin)
    return account, invoice


@pytest.mark.parametrize("keyed_later", [False, True], ids=["today's balances", "ledger sum"])
def test_the_aging_by_payer_puts_a_balance_on_the_payer_who_owes_it(with_secondary, office, admin,
                                                                    acme, keyed_later):
    lakes = office["lakes"].payer_id
    as_of = DAY + dt.timedelta(days=10)
    if keyed_later:  # an entry after the as-of day: the report sums the ledger up to that day
        account, _invoice = with_secondary
        payments.record_payment(account.id, "5.00", admin, entry_date=as_of + dt.timedelta(days=5))
    by_payer = aging_by_payer(as_of)
    assert {k: r.total for k, r in by_payer.items()} == {lakes: D("74.00")}
    summary = run("aging", Params(as_of=as_of, view="payer"))
    assert [(r["payer"], r["balance"]) for r in summary.all_rows()] == [("Great Lakes", D("74.00"))]
    detail = run("aging", Params(as_of=as_of, view="payer-detail"))
    assert [(g.title, [r["balance"] for r in g.rows]) for g in detail.groups] == [
        ("Great Lakes", [D("74.00")])]


def test_the_aging_by_payer_for_one_account_is_that_accounts(with_secondary, office, patient,
                                                            admin):
    account, _invoice = with_secondary
    other = patient(member="MEM999", last="Poe", first="Edgar")
    billed(other, admin, "INV9-1", [("99213", 1, "100.00")])
    as_of = DAY + dt.timedelta(days=10)
    everyone = run("aging", Params(as_of=as_of, view="payer"))
    assert everyone.totals["balance"] == D("174.00")
    one = run("aging", Params(as_of=as_of, view="payer", account=account.number))
    assert [(r["payer"], r["balance"]) for r in one.all_rows()] == [("Great Lakes", D("74.00"))]


@pytest.mark.parametrize("name", ["aging", "day-sheet", "billing", "collection-list"])
def test_a_minimum_is_refused_by_every_report_but_the_statements(db, admin, name):
    with pytest.raises(ValidationError, match="minimum"):
        run(name, Params(minimum=D("5.00")))


def test_the_collections_insurance_page_lists_a_balance_under_the_payer_who_owes_it(
        with_secondary, office):
    from billing_desk.services.collections import collection_reports

    today = DAY + dt.timedelta(days=10)
    rows = collection_reports.insurance_unpaid(days=0, today=today)
    assert [(r.payer, r.claims, r.unpaid) for r in rows] == [("Great Lakes", 1, D("74.00"))]
    lakes = office["lakes"].payer_id
    (claim,) = collection_reports.insurance_unpaid_claims(lakes, days=0, today=today)
    assert claim["unpaid"] == D("74.00")
