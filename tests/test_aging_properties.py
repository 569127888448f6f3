"""For random small books (hypothesis), the aging by account adds up to the ledger and agrees with
what statements and the collections worklist say is owed (issue 18, "Must hold").

Each example opens a few accounts (some insured), posts invoices on random days, moves part of
some insured lines to the patient, and takes payments, some applied to the oldest items and some
kept as unapplied credit. Then, as of a day after the last entry and as of a day in between:

- every account's aging (buckets net of credit) is the sum of its ledger entries, and all the
  accounts together are the sum of the whole ledger;
- the aging report's balance column and its bucket columns say the same;
- a statement's amount due is what the aging leaves the patient owing after credit;
- the worklist's past due is the aging's past-due patient buckets after credit.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from hypothesis import HealthCheck, given, settings, strategies as st

from billing_desk.models import Coverage, Payer, Plan, database
from billing_desk.money import ZERO, from_cents
from billing_desk.reports import Params, run
from billing_desk.services.books import adjustments, invoices, payments
from billing_desk.services.books.aging import aging_by_account
from billing_desk.services.books.ledger import check_ledger
from billing_desk.services.books.reports_statements import statement_data
from billing_desk.services.collections import worklist as col

BASE = dt.date(2025, 1, 6)
LAST = BASE + dt.timedelta(days=300)
AFTER = LAST + dt.timedelta(days=45)  # after every entry: the cached balances answer
BETWEEN = BASE + dt.timedelta(days=150)  # the ledger summed up to that day answers

day = st.integers(min_value=0, max_value=300)
invoice = st.tuples(day, st.lists(st.sampled_from(["99213", "36415", "80053", "PRD-KIT"]),
                                  min_size=1, max_size=3))
payment = st.tuples(day, st.integers(min_value=1, max_value=30_000), st.booleans())
transfer = st.tuples(day, st.integers(min_value=1, max_value=100))
account = st.tuples(st.booleans(), st.lists(invoice, min_size=0, max_size=4),
                    st.lists(payment, max_size=3), st.lists(transfer, max_size=2))

PROPERTY = settings(max_examples=20, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


def on(offset: int) -> dt.date:
    return BASE + dt.timedelta(days=offset)


def open_books(spec, make_account, admin, plan):
    """Replay one account's work day by day; returns the account."""
    insured, bills, paid, moved = spec
    account = make_account(last="Prop")
    if insured:
        Coverage.create(account=account, plan=plan, member_id="M1")
    work = ([(d, 0, ("invoice", codes)) for d, codes in bills]
            + [(d, 1, ("transfer", pct)) for d, pct in moved]
            + [(d, 2, ("payment", (cents, keep))) for d, cents, keep in paid])
    for offset, _order, (kind, what) in sorted(work, key=lambda w: (w[0], w[1])):
        if kind == "invoice":
            invoices.quick_invoice(account.id, on(offset), [(c, 1) for c in what], admin,
                                   entry_date=on(offset))
        elif kind == "transfer":
            line = (invoices.InvoiceLine.select().join(invoices.Invoice)
                    .where(invoices.Invoice.account == account.id,
                           invoices.InvoiceLine.insurance_balance > 0).first())
            if line is not None:
                part = (line.insurance_balance * what / 100).quantize(D("0.01"))
                if part > 0:
                    adjustments.transfer_to_patient(line.id, part, admin, entry_date=on(offset))
        else:
            cents, keep = what
            first = payments.open_lines(account.id, "patient").first()
            allocations = [(first.id, ZERO)] if keep and first is not None else None
            payments.record_payment(account.id, from_cents(cents), admin, method="cash",
                                    allocations=allocations, entry_date=on(offset))
    return account


def ledger_sums(as_of: dt.date) -> dict[int, D]:
    rows = database.execute_sql("SELECT account_id, SUM(amount) FROM ledger_entry "
                                "WHERE entry_date <= ? GROUP BY account_id", (as_of.isoformat(),))
    return {key: from_cents(cents) for key, cents in rows}


def row_total(row) -> D:
    """An aging row with the credit taken off: patient buckets net of credit plus insurance."""
    return from_cents(sum(row.patient_cents) + sum(row.insurance_cents))


@PROPERTY
@given(books=st.lists(account, min_size=1, max_size=3))
def test_aging_adds_up_to_the_ledger_and_agrees_with_statements_and_the_worklist(
        db, admin, catalogue, make_account, books):
    plan = Plan.get_or_none(Plan.name == "PPO") or Plan.create(
        payer=Payer.create(name="Blue"), name="PPO")
    opened = [open_books(spec, make_account, admin, plan) for spec in books]
    assert check_ledger() == []
    whole_ledger = from_cents(database.execute_sql(
        "SELECT COALESCE(SUM(amount), 0) FROM ledger_entry").fetchone()[0])
    assert sum(ledger_sums(AFTER).values(), ZERO) == whole_ledger
    for as_of in (AFTER, BETWEEN):
        aging, truth = aging_by_account(as_of), ledger_sums(as_of)
        for key in set(aging) | set(truth):
            assert (row_total(aging[key]) if key in aging else ZERO) == truth.get(key, ZERO)
        assert sum((row_total(r) for r in aging.values()), ZERO) == sum(truth.values(), ZERO)
        report = run("aging", Params(as_of=as_of))
        assert report.totals["balance"] == sum(truth.values(), ZERO)
        assert sum((report.totals[f"b{i}"] for i in range(6)), ZERO) == report.totals["balance"]
        shown = {r["account"]: r for r in report.all_rows()}
        for account in opened:
            row = shown.get(account.number)
            assert (row["balance"] if row else ZERO) == truth.get(account.id, ZERO)
            if row:
                assert sum((row[f"b{i}"] for i in range(6)), ZERO) == row["balance"]
    aging = aging_by_account(AFTER)
    shown = {r["account"]: r for r in run("aging", Params(as_of=AFTER)).all_rows()}
    worklist = {w.account_id: w for w in col.worklist(today=AFTER, limit=None)}
    for account in opened:
        row = aging.get(account.id)
        patient = row.patient_cents if row else [0] * 6
        due = statement_data(account.id, AFTER)["amount_due"]
        assert due == max(from_cents(sum(patient)), ZERO)
        report_row = shown.get(account.number)
        if report_row:
            assert due == max(report_row["patient"] - report_row["credit"], ZERO)
        listed = worklist.get(account.id)
        assert (listed.past_due if listed else ZERO) == from_cents(sum(patient[1:]))
