"""The statement layout: long statements continue with their headers, the stub only at the end,
and the numbers printed are the data's to the cent."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal as D

import pytest
from pypdf import PdfReader

from billing_desk.printing.office import OfficeInfo
from billing_desk.printing.statements import render_statements, statement_pdf
from billing_desk.services.books.reports_statements import cycle_start, message_for

pytestmark = pytest.mark.both_engines

OFFICE = OfficeInfo("Maple Street Clinic", ("12 Main St", "Springfield, IL 62701"), "(555) 010-0199")


def statement(items: int, account: str = "A-1") -> dict:
    rows = [{"service_date": dt.date(2026, 1, 1) + dt.timedelta(days=i), "code": f"C{i:03d}",
             "description": f"Service number {i} with a rather long plain description to wrap",
             "charge": D("10.00") + i, "insurance_paid": D("4.00"), "adjusted": D("1.00"),
             "patient_paid": D("0.00"), "balance": D("5.00") + i} for i in range(items)]
    return {"account_id": 1, "account": account, "name": "Lee, Ann",
            "to_lines": ["Ann Lee", "1 Elm St", "Springfield, IL 62701"],
            "as_of": dt.date(2026, 3, 15), "due_date": dt.date(2026, 4, 14), "items": rows,
            "amount_due": D("1234.56"), "credit": D("0.00"), "patient_balance": D("1234.56"),
            "insurance_pending": D("80.00"), "oldest": "31-60", "message": message_for("31-60"),
            "aging": [("current", D("0.00")), ("1-30", D("0.00")), ("31-60", D("1234.56")),
                      ("61-90", D("0.00")), ("91-120", D("0.00")), ("120+", D("0.00"))]}


def pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def test_a_long_statement_continues_with_headers_and_ends_with_the_stub():
    pages = pages_text(statement_pdf(statement(50), OFFICE))
    count = len(pages)  # each description wraps to two lines (issue 18, item 9)
    assert count >= 2
    for number, text in enumerate(pages, start=1):
        assert "Description" in text and "Balance" in text and f"{number} of {count}" in text
        assert "Maple Street Clinic" in text and "Ann Lee" in text
    for text in pages[:-1]:
        assert "continued on the next page" in text and "Please detach" not in text
    assert "Please detach and return" in pages[-1] and "Amount enclosed" in pages[-1]
    assert "Amount due $1,234.56 by 04/14/2026" in pages[-1]
    assert "Insurance pending: $80.00" in pages[-1] and "more than 30 days past due" in pages[-1]
    everything = "".join(pages)
    for i in range(50):
        assert f"C{i:03d}" in everything and f"${5 + i}.00" in everything
    assert " ".join(everything.split()).count("plain description to wrap") == 50


def test_a_batch_is_one_file_with_a_copy_per_statement():
    copies = []
    target = io.BytesIO()
    pages = render_statements([statement(3, "A-1"), statement(50, "A-2")], target, OFFICE,
                              on_each=lambda data, pdf: copies.append((data["account"], pdf)))
    long = len(PdfReader(io.BytesIO(statement_pdf(statement(50), OFFICE))).pages)
    assert pages == 1 + long and len(PdfReader(io.BytesIO(target.getvalue())).pages) == pages
    assert [a for a, _ in copies] == ["A-1", "A-2"]
    assert len(PdfReader(io.BytesIO(copies[1][1])).pages) == long
    empty = io.BytesIO()
    assert render_statements([], empty, OFFICE) == 1
    assert "No statements to send" in pages_text(empty.getvalue())[0]


def test_billing_cycles_and_messages_by_age():
    assert cycle_start(dt.date(2026, 3, 15), 10) == dt.date(2026, 3, 10)
    assert cycle_start(dt.date(2026, 3, 5), 10) == dt.date(2026, 2, 10)
    assert cycle_start(dt.date(2026, 2, 28), 31) == dt.date(2026, 2, 28)  # clamped to the month
    assert cycle_start(dt.date(2026, 1, 5), 20) == dt.date(2025, 12, 20)
    assert "Thank you" in message_for("current")
    assert "FINAL NOTICE" in message_for("120+") and "FINAL NOTICE" in message_for("91-120")
