"""Aging: bucket edges, as-of dates in the past, credits off the oldest, per payer."""

import datetime as dt
from decimal import Decimal as D

import pytest

from billing_desk.models import Coverage, Payer, Plan
from billing_desk.services.books import invoices, payments
from billing_desk.services.books.aging import (
    BUCKETS,
    aging_by_account,
    aging_by_payer,
    aging_totals,
    bucket_for,
)

pytestmark = pytest.mark.both_engines

POSTED = dt.date(2026, 1, 1)  # terms 30 days: due 2026-01-31


@pytest.mark.parametrize("days, bucket", [
    (-5, "current"), (0, "current"), (1, "1-30"), (30, "1-30"), (31, "31-60"), (60, "31-60"),
    (61, "61-90"), (90, "61-90"), (91, "91-120"), (120, "91-120"), (121, "120+"), (900, "120+"),
])
def test_bucket_edges(days, bucket):
    assert bucket_for(days) == bucket


@pytest.mark.parametrize("days_past_due, index", [
    (0, 0), (1, 1), (30, 1), (31, 2), (60, 2), (61, 3), (90, 3), (91, 4), (120, 4), (121, 5)])
def test_aging_of_a_real_invoice_at_each_edge(db, admin, catalogue, make_account, days_past_due, index):
    account = make_account()
    invoice = invoices.quick_invoice(account.id, POSTED, [("99213", 1)], admin, entry_date=POSTED)
    as_of = invoice.due_date + dt.timedelta(days=days_past_due)
    row = aging_by_account(as_of)[account.id]
    expected = [D("0.00")] * 6
    expected[index] = D("120.00")
    assert row.patient == expected
    assert row.oldest == BUCKETS[index]


def test_an_as_of_date_in_the_past_gives_the_answer_of_that_day(db, admin, catalogue, make_account):
    account = make_account()
    invoices.quick_invoice(account.id, POSTED, [("99213", 1)], admin, entry_date=POSTED)
    feb = dt.date(2026, 2, 15)
    before = aging_by_account(feb)[account.id]
    assert before.patient[1] == D("120.00")
    payments.record_payment(account.id, "120.00", admin, entry_date=dt.date(2026, 3, 1))
    invoices.quick_invoice(account.id, dt.date(2026, 3, 5), [("36415", 1)], admin,
                           entry_date=dt.date(2026, 3, 5))
    again = aging_by_account(feb)[account.id]
    assert again.patient == before.patient and again.total == D("120.00")
    now = aging_by_account(dt.date(2026, 3, 6))[account.id]
    assert now.total == D("15.00") and now.patient[0] == D("15.00")


def test_the_fast_path_and_the_ledger_sum_agree(db, admin, catalogue, make_account):
    for n in range(5):
        account = make_account(last=f"Doe{n}")
        for month in range(1, 6):
            day = dt.date(2025, month * 2, 1)
            invoices.quick_invoice(account.id, day, [("99213", 1), ("36415", n + 1)], admin, entry_date=day)
        payments.record_payment(account.id, D(40 * n + 7), admin, entry_date=dt.date(2025, 11, 1))
    fast = aging_by_account(dt.date(2026, 1, 1))
    from billing_desk.services.books import aging

    original = aging._fast_path
    aging._fast_path = lambda as_of: False
    try:
        slow = aging_by_account(dt.date(2026, 1, 1))
    finally:
        aging._fast_path = original
    assert {k: (v.patient, v.credit) for k, v in fast.items()} == \
        {k: (v.patient, v.credit) for k, v in slow.items()}


def test_credits_come_off_the_oldest_buckets(db, admin, catalogue, make_account):
    account = make_account()
    invoices.quick_invoice(account.id, POSTED, [("99213", 1)], admin, entry_date=POSTED)
    later = dt.date(2026, 3, 1)
    invoices.quick_invoice(account.id, later, [("80053", 1)], admin, entry_date=later)
    # A payment keyed to the newest invoice, plus an overpayment left as credit.
    newest_line = invoices.Invoice.select().order_by(invoices.Invoice.id.desc()).get().lines.get()
    payments.record_payment(account.id, "95.00", admin, allocations=[(newest_line.id, D("45.00"))],
                            entry_date=later)
    row = aging_by_account(dt.date(2026, 3, 15))[account.id]
    assert row.credit == D("50.00")
    assert row.patient[2] == D("70.00")  # 120 in 31-60 less the 50 credit
    assert row.total == D("70.00")


def test_per_payer_and_totals(db, admin, catalogue, make_account):
    payer = Payer.create(name="Blue")
    plan = Plan.create(payer=payer, name="PPO")
    insured, cash = make_account(last="Ins"), make_account(last="Cash")
    Coverage.create(account=insured, plan=plan, member_id="X1")
    invoices.quick_invoice(insured.id, POSTED, [("99213", 1)], admin, entry_date=POSTED)
    invoices.quick_invoice(cash.id, POSTED, [("36415", 1)], admin, entry_date=POSTED)
    by_payer = aging_by_payer(dt.date(2026, 3, 1))
    assert by_payer[payer.id].insurance[1] == D("120.00")
    assert 0 not in by_payer
    totals = aging_totals(aging_by_account(dt.date(2026, 3, 1)))
    assert totals.total == D("135.00")
    assert totals.insurance[1] == D("120.00") and totals.patient[1] == D("15.00")


def test_a_whole_books_rows_are_not_left_for_the_collector_to_trace(db, admin, catalogue, make_account):
    """The rows are built with the collector paused; left in the young generation, the next
    allocation traced every one of them (170-370 ms of the benchmark book's whole aging)."""
    import gc

    for _ in range(3):
        invoices.quick_invoice(make_account().id, POSTED, [("99213", 1)], admin, entry_date=POSTED)
    gc.collect()
    rows = aging_by_account(POSTED + dt.timedelta(days=60))
    assert len(rows) >= 3
    young = {id(obj) for generation in (0, 1) for obj in gc.get_objects(generation)}
    assert not any(id(row) in young or id(row.patient_cents) in young for row in rows.values())
    assert gc.isenabled()
