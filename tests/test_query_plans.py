"""The hot queries use indexes: EXPLAIN QUERY PLAN shows no full scan of a big table."""

import datetime as dt

import pytest

from billing_desk.models import Invoice, LedgerEntry, database
from billing_desk.services.accounts import lists, registry
from billing_desk.services.books import aging

BIG_TABLES = ("account", "invoice", "invoice_line", "ledger_entry", "payment", "audit_entry")


def plan(query) -> list[str]:
    sql, params = query.sql() if hasattr(query, "sql") else query
    return [row[3] for row in database.execute_sql("EXPLAIN QUERY PLAN " + sql, params).fetchall()]


def assert_no_full_scan(lines: list[str]) -> None:
    for line in lines:
        for table in BIG_TABLES:
            assert not (line.startswith(f"SCAN {table}") or line.startswith("SCAN t")
                        and "USING" not in line and table in line), f"full scan: {line}\n{lines}"
        if line.startswith("SCAN ") and "USING" not in line and "SUBQUERY" not in line \
                and "CONSTANT" not in line:
            pytest.fail(f"full scan: {line}\n{lines}")


@pytest.mark.parametrize("text", ["smi", "Smith, J", "100123", "217-555-1234", "01/02/1980",
                                  "ann@example.com"])
def test_account_search(db, text):
    assert_no_full_scan(plan(registry.search_accounts(text, limit=50)))


def test_account_ledger(db):
    assert_no_full_scan(plan(LedgerEntry.select().where(LedgerEntry.account == 5)
                             .order_by(LedgerEntry.entry_date, LedgerEntry.id)))


def test_days_transactions(db):
    assert_no_full_scan(plan(LedgerEntry.select().where(LedgerEntry.entry_date == dt.date(2026, 1, 5))))


def test_invoice_lists(db):
    assert_no_full_scan(plan(lists.invoices_query("1001").limit(100)))
    assert_no_full_scan(plan(Invoice.select().where(Invoice.account == 3)))


def test_aging_reads_only_open_items(db):
    sql = aging.open_items_sql(fast=True, account=False)
    steps = database.execute_sql("EXPLAIN QUERY PLAN " + sql, ["2026-01-01"] * 5).fetchall()
    lines = [row[3] for row in steps]
    assert any("invoice_open_items" in line for line in lines), lines


def test_past_due_worklist_reads_only_open_patient_items(db):
    lines = plan(lists.past_due_query(dt.date(2026, 1, 1)).limit(100))
    assert any("invoice_patient_open" in line for line in lines), lines


@pytest.mark.parametrize("text", ["1042", "Smith", "chk-77"])
def test_payment_search(db, text):
    assert_no_full_scan(plan(lists.payments_query(text).limit(100)))
