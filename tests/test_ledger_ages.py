"""Schema 11: the ledger's totals kept per month keyed and invoice due date (``ledger_month_due``)
follow every entry written (postings, payments, adjustments, voids and their reversals) and a due
date that changes; the ledger check finds a kept total that differs from the entries; a version 10
file gains the table filled from its ledger."""

from __future__ import annotations

import datetime as dt

import pytest
from old_files import BARE_ACCOUNT, BARE_INVOICE, BARE_USER, older_file, upgraded

from billing_desk.models import Invoice, database
from billing_desk.services.books import adjustments, invoices, payments
from billing_desk.services.books.ledger import check_ledger

pytestmark = pytest.mark.both_engines

DAY = dt.date(2026, 3, 30)
_FILL = ("SELECT substr(le.entry_date, 1, 7) AS month, i.due_date AS due_date, SUM(le.amount) AS amount, "
         "COUNT(*) AS entries FROM ledger_entry le JOIN invoice i ON i.id = le.invoice_id GROUP BY 1, 2")


def _key(month, due) -> tuple[str, str]:
    return str(month), str(due)[:10]


def _kept() -> dict:
    return {_key(m, d): (a, n) for m, d, a, n in database.execute_sql(
        "SELECT month, due_date, amount, entries FROM ledger_month_due") if (a, n) != (0, 0)}


def _kept_kinds() -> dict:
    return {(str(m), k): (a, n) for m, k, a, n in database.execute_sql(
        "SELECT month, kind, amount, entries FROM ledger_month_kind")}


def _kinds_from_entries() -> dict:
    sums: dict = {}
    for on, kind, amount in database.execute_sql("SELECT entry_date, kind, amount FROM ledger_entry"):
        total, count = sums.get((str(on)[:7], kind), (0, 0))
        sums[(str(on)[:7], kind)] = (total + amount, count + 1)
    return sums


def _from_entries() -> dict:
    """The same sums, the slow way: each entry on an invoice with its invoice's due date."""
    sums: dict = {}
    for on, due, amount in database.execute_sql(
            "SELECT le.entry_date, i.due_date, le.amount FROM ledger_entry le "
            "JOIN invoice i ON i.id = le.invoice_id"):
        key = (str(on)[:7], str(due)[:10] if due else "0001-01-01")
        total, count = sums.get(key, (0, 0))
        sums[key] = (total + amount, count + 1)
    return sums


def test_the_kept_totals_follow_postings_payments_voids_and_reversals(db, admin, catalogue, make_account):
    account, other = make_account(), make_account()
    first = invoices.quick_invoice(account.id, DAY, [("99213", 1), ("36415", 2)], admin, entry_date=DAY)
    later = [DAY + dt.timedelta(days=n) for n in (3, 5, 40, 41, 62)]
    second = invoices.quick_invoice(other.id, DAY, [("99213", 1)], admin, entry_date=later[0])
    paid = payments.record_payment(account.id, "40.00", admin, method="check", reference="101",
                                   received_on=later[1], entry_date=later[1])
    line = invoices.invoice_lines(first)[0]
    adjustments.adjust_line(line.id, "discount", "5.00", "courtesy", admin, entry_date=later[2])
    payments.void_payment(paid.id, "the check bounced", admin, entry_date=later[3])
    invoices.void_invoice(second.id, "keyed twice", admin, entry_date=later[4])
    assert len(_kept()) >= 4  # March, April (two due dates) and May
    assert _kept() == _from_entries()
    kinds = _kept_kinds()
    assert kinds == _kinds_from_entries()
    assert {"charge", "payment", "adjustment", "payment_void", "void"} <= {k for _, k in kinds}
    assert check_ledger() == []


def test_a_due_date_changed_moves_its_invoices_entries(db, admin, catalogue, make_account):
    account = make_account()
    invoice = invoices.quick_invoice(account.id, DAY, [("99213", 1)], admin, entry_date=DAY)
    paid_on = DAY + dt.timedelta(days=35)
    payments.record_payment(account.id, "20.00", admin, method="cash", received_on=paid_on,
                            entry_date=paid_on)
    Invoice.update(due_date=dt.date(2026, 6, 1)).where(Invoice.id == invoice.id).execute()
    assert _kept() == _from_entries() == {("2026-03", "2026-06-01"): (12000, 1),
                                          ("2026-05", "2026-06-01"): (-2000, 1)}
    assert check_ledger() == []


def test_a_kept_total_changed_outside_the_program_is_found(db, admin, catalogue, make_account):
    invoice = invoices.quick_invoice(make_account().id, DAY, [("99213", 1)], admin, entry_date=DAY)
    due = f"{invoice.due_date:%m/%d/%Y}"
    database.execute_sql("UPDATE ledger_month_due SET amount = amount + 100")
    assert check_ledger() == [f"the totals of 03/2026 for invoices due {due} say $121.00 in 1 entry; "
                              "the ledger holds $120.00 in 1 entry"]
    database.execute_sql("DELETE FROM ledger_month_due")
    assert check_ledger() == [f"the totals of 03/2026 for invoices due {due} say $0.00 in 0 entries; "
                              "the ledger holds $120.00 in 1 entry"]
    database.execute_sql("INSERT INTO ledger_month_due (month, due_date, amount, entries) "
                          f"SELECT month, due_date, amount, entries FROM ({_FILL}) AS sums")
    database.execute_sql("UPDATE ledger_month_kind SET entries = 2")
    assert check_ledger() == ["the charge totals of 03/2026 say $120.00 in 2 entries; the ledger holds "
                              "$120.00 in 1 entry"]


@pytest.mark.sqlite_only  # a file's upgrade
def test_a_version_10_file_gains_the_totals_filled_from_its_ledger(tmp_path):
    path = tmp_path / "office.sqlite"
    charges = [("INSERT INTO ledger_entry (account_id, invoice_id, kind, party, amount, entry_date, "
                "posting_date, memo, created_by_id, created_at) VALUES (1, 1, 'charge', 'patient', "
                "?, ?, ?, '', 1, '2026-01-05')", (amount, day, day))
               for day, amount in (("2026-01-05", 500), ("2026-02-10", -300))]
    older_file(path, 10, "DROP TRIGGER ledger_entry_month_due", "DROP TRIGGER invoice_due_date_month_due",
               "DROP TABLE ledger_month_due", "DROP TRIGGER ledger_entry_month_kind",
               "DROP TABLE ledger_month_kind", BARE_USER, BARE_ACCOUNT, BARE_INVOICE, *charges)
    with upgraded(path, 10):
        assert _kept() == {("2026-01", "2026-02-04"): (500, 1), ("2026-02", "2026-02-04"): (-300, 1)}
        assert _kept_kinds() == {("2026-01", "charge"): (500, 1), ("2026-02", "charge"): (-300, 1)}
