"""Hostile text: control characters refused at every field and import, never crashing an export;
every file written for another program formula-guarded."""

from __future__ import annotations

import csv
import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest

from billing_desk.exchange import importing
from billing_desk.exchange.exporting import csv_cell, excel_text
from billing_desk.models import Account, CatalogueItem
from billing_desk.printing.excel import render_xlsx
from billing_desk.printing.report import Column, Group, Report
from billing_desk.services.accounts import account_import
from billing_desk.services.accounts.account_checks import AccountForm, validate_account
from billing_desk.services.books import catalogue as cat
from billing_desk.services.office.validation import check_text

pytestmark = pytest.mark.both_engines

NASTY = ["=HYPERLINK(\"http://x\",\"y\")", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]
READ_BACK = sorted(t.replace("\r", "\n") for t in NASTY)  # XML reads a lone CR back as LF


@pytest.mark.parametrize("char", ["\x07", "\x1b", "\x00", "\x0b", "\x7f", "\x85", "\x9b"])
def test_control_characters_are_refused_in_any_text_field(char):
    problem = check_text(f"12 Main{char}St", "street")
    assert problem is not None and problem.field == "street"
    assert f"U+{ord(char):04X}" in problem.message
    assert check_text(f"line one{char}", "notes", multiline=True) is not None


def test_tab_and_newline_only_where_a_field_has_several_lines():
    assert check_text("first\r\nsecond\tthird", "notes", multiline=True) is None
    assert check_text("first\nsecond", "street") is not None
    assert check_text("O'Brien \u2028 Café", "street") is None


def test_the_account_form_names_the_field_with_a_control_character(db):
    form = AccountForm(first_name="Ann", last_name="Lee\x1b[31m", date_of_birth="01/02/1980",
                       city="Spring\x07field", notes="two\nlines")
    _values, problems = validate_account(form)
    fields = {p.field for p in problems}
    assert {"last_name", "city"} <= fields and "notes" not in fields


def test_an_import_with_control_characters_names_row_and_column(db, tmp_path):
    path = tmp_path / "bell.csv"
    path.write_text("First Name,Last Name,DOB,City\nAnn,Lee,01/02/1980,Spring\x07field\n"
                    "Bob,Ray,02/03/1970,Troy\n", encoding="utf-8")
    table = importing.read_rows(path)
    result = account_import.preview_accounts(table, importing.guess_mapping(
        table.headers, account_import.TARGETS))
    assert [line.split(":")[0] for line in result.lines()] == ["row 2, column City"]
    assert len(result.good) == 1


def test_a_catalogue_import_with_control_characters_saves_nothing(db, tmp_path, admin):
    path = tmp_path / "cat.csv"
    path.write_text("code,description,unit_price\nX1,Bell\x07ringer,1.00\n", encoding="utf-8")
    _items, _fees, problems = cat.check_file(path)
    assert [(p.row, p.field) for p in problems] == [(2, "Catalogue: description")]


def test_stored_control_characters_never_crash_an_excel_export(db, tmp_path, make_account):
    account = make_account()
    Account.update(street="1\x07Main\x1bSt", city="=cmd").where(Account.id == account.id).execute()
    CatalogueItem.create(code="BELL", kind="service", description="ring\x07", unit_price=1, unit_cost=0)
    out = tmp_path / "accounts.xlsx"
    account_import.export_accounts(out)
    sheet = openpyxl.load_workbook(out).active
    row = [c.value for c in sheet[2]]
    assert "1\ufffdMain\ufffdSt" in row
    cat.export_xlsx(tmp_path / "cat.xlsx")
    report = Report("t", "T", [], [Column("a", "A")], [Group("", [{"a": "x\x07y"}])])
    render_xlsx(report, tmp_path / "r.xlsx")
    assert openpyxl.load_workbook(tmp_path / "r.xlsx").active.cell(4, 1).value == "x\ufffdy"


# --- formula guard: one helper, a test per writer ------------------------------------------------
def test_the_guard_helpers():
    assert [csv_cell(t) for t in NASTY] == ["'" + t for t in NASTY]
    assert csv_cell("Ann") == "Ann" and csv_cell(Decimal("-1.00")) == Decimal("-1.00")
    assert excel_text("a\x07b") == "a\ufffdb"


def _assert_no_formulas(path):
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                xml = archive.read(name).decode()
                assert "<f>" not in xml and "<f " not in xml


def test_agency_export_is_formula_guarded(db, make_account, catalogue, supervisor, clerk):
    import datetime as dt

    from billing_desk.services.books.invoices import quick_invoice
    from billing_desk.services.collections import collection_actions as act

    account = make_account(last="=HYPERLINK(\"http://evil\",\"x\")", first="+cmd|' /C calc'!A0")
    quick_invoice(account.id, dt.date(2026, 1, 5), [("99213", 1)], clerk, entry_date=dt.date(2026, 1, 5))
    act.hand_off(account.id, "@Acme", "no answer", supervisor, today=dt.date(2026, 6, 1))
    rows = list(csv.reader(io.StringIO(act.agency_export())))
    assert rows[1][1] == "'=HYPERLINK(\"http://evil\",\"x\")"
    assert rows[1][2] == "'+cmd|' /C calc'!A0"
    assert rows[0][13] == "agency" and rows[1][13] == "'@Acme"
    assert rows[1][-3:] == ["120.00", "0.00", "120.00"]


def test_account_export_is_formula_guarded(db, tmp_path, make_account):
    for n, text in enumerate(NASTY):  # stored before the field checks, or by another program
        account = make_account(last=f"Lee{n}")
        Account.update(street=text).where(Account.id == account.id).execute()
    out = tmp_path / "a.xlsx"
    account_import.export_accounts(out)
    _assert_no_formulas(out)
    sheet = openpyxl.load_workbook(out).active
    street = [c.value for c in sheet[1]].index("Street")
    cells = [r[street] for r in sheet.iter_rows(min_row=2)]
    assert sorted(c.value for c in cells) == READ_BACK
    assert all(c.data_type == "s" for c in cells)


def test_catalogue_export_is_formula_guarded(db, tmp_path):
    for n, text in enumerate(NASTY):
        CatalogueItem.create(code=f"C{n}", kind="service", description=text, category=text,
                             unit_price=1, unit_cost=0)
    out = tmp_path / "cat.xlsx"
    cat.export_xlsx(out)
    _assert_no_formulas(out)
    cells = [r[2] for r in openpyxl.load_workbook(out)[cat.ITEM_SHEET].iter_rows(min_row=2)]
    assert sorted(c.value for c in cells) == READ_BACK
    assert all(c.data_type == "s" for c in cells)


def test_report_export_is_formula_guarded(tmp_path):
    report = Report("t", "=T", [("=p", "+q")], [Column("a", "A")],
                    [Group("", [{"a": text} for text in NASTY])])
    out = tmp_path / "r.xlsx"
    render_xlsx(report, out)
    _assert_no_formulas(out)
    sheet = openpyxl.load_workbook(out).active
    assert sorted(sheet.cell(5 + i, 1).value for i in range(len(NASTY))) == READ_BACK


def test_order_and_invoice_fields_refuse_control_characters(db, make_account):
    from billing_desk.services.books.invoices import InvoiceDraft, LineInput, validate_draft
    from billing_desk.services.orders.order_forms import OrderForm, validate_order

    account = make_account()
    *_rest, problems = validate_order(OrderForm(account.id, "01/05/2026", po_number="PO\x1b1",
                                                notes="ship\nfriday"))
    assert [p.field for p in problems if "control character" in p.message] == ["po_number"]
    *_rest, problems = validate_draft(InvoiceDraft(account.id, "01/05/2026", [LineInput("99213")],
                                                   provider="Dr\x07 Who", notes="two\nlines"))
    assert [p.field for p in problems if "control character" in p.message] == ["provider"]
