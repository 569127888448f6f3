"""The ledger check notices an invoice line whose quantity x unit price is not its amount
(issue 18, item 8): one cent added to a unit price is found, named by invoice and line."""

from __future__ import annotations

import datetime as dt

import pytest

from billing_desk.models import database
from billing_desk.services.books import invoices
from billing_desk.services.books.ledger import check_ledger

pytestmark = pytest.mark.both_engines

DAY = dt.date(2026, 3, 2)


def test_a_line_whose_quantity_times_price_is_not_its_amount_is_found(db, admin, catalogue,
                                                                     make_account):
    account = make_account()
    invoice = invoices.quick_invoice(account.id, DAY, [("99213", 1), ("36415", 3)], admin,
                                     entry_date=DAY)
    assert check_ledger() == []
    line = invoice.lines.where(invoices.InvoiceLine.position == 2).get()
    database.execute_sql("UPDATE invoice_line SET unit_price = unit_price + 1 WHERE id = ?",
                         (line.id,))
    problems = check_ledger()
    assert problems == [f"invoice {invoice.number} line 2 (36415): 3 x $15.01 is $45.03, but "
                        "the line says $45.00"]


def test_a_draft_is_not_in_the_books_and_not_checked(db, admin, catalogue, make_account):
    draft = invoices.save_draft(invoices.InvoiceDraft(
        account_id=make_account().id, service_date=DAY,
        lines=[invoices.LineInput(code="99213", quantity=2)]), admin)
    database.execute_sql("UPDATE invoice_line SET amount = 1 WHERE invoice_id = ?", (draft.id,))
    assert check_ledger() == []
