"""Spreadsheets and files as they come from outside: what other programs write, read in full."""

from __future__ import annotations

import zipfile

import pytest
from claims_fixtures import office  # noqa: F401
from openpyxl import Workbook
from remit_fixtures import acme, patient  # noqa: F401

from billing_desk.exchange import importing
from billing_desk.services.books import catalogue as cat


def understated(path, rows, title="Sheet"):
    """A workbook whose <dimension> claims only the first two rows, as some programs write it."""
    book = Workbook()
    book.active.title = title
    for row in rows:
        book.active.append(row)
    plain = path.with_suffix(".plain.xlsx")
    book.save(plain)
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                start = data.index(b"<dimension ref=\"")
                end = data.index(b"\"", start + 16)
                data = data[:start] + b"<dimension ref=\"A1:C2\"" + data[end + 1:]
            out.writestr(item, data)
    return path


def test_a_workbook_that_understates_its_size_is_read_to_its_last_row(tmp_path):
    rows = [["Last name", "First name", "Date of birth"]] + [[f"Row{i}", "Ann", "03/04/1970"]
                                                            for i in range(2, 8)]
    table = importing.read_rows(understated(tmp_path / "a.xlsx", rows))
    assert [cells[0] for _, cells in table.rows] == [f"Row{i}" for i in range(2, 8)]


def test_the_catalogue_reads_every_row_of_a_workbook_that_understates_its_size(tmp_path):
    rows = [["Code", "Description", "Price"]] + [[f"X{i:04d}", "Thing", "1.00"] for i in range(2, 8)]
    sheets = cat.read_rows(understated(tmp_path / "c.xlsx", rows, title="Catalogue"))
    assert [values["code"] for _, values in sheets["Catalogue"]] == [f"X{i:04d}" for i in range(2, 8)]


def test_a_catalogue_workbook_longer_than_the_limit_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(importing, "MAX_ROWS", 5)
    rows = [["Code", "Description", "Price"]] + [[f"X{i:04d}", "Thing", "1.00"] for i in range(2, 12)]
    with pytest.raises(importing.ImportFileError, match="more than 5 rows"):
        cat.read_rows(understated(tmp_path / "c.xlsx", rows, title="Catalogue"))


def test_a_workbook_swollen_with_text_is_refused_before_it_fills_the_memory(tmp_path, monkeypatch):
    monkeypatch.setattr(importing, "MAX_TEXT", 1000)
    rows = [["Last name", "First name"]] + [["x" * 300, "Ann"] for _ in range(5)]
    with pytest.raises(importing.ImportFileError, match="more text than an import takes"):
        importing.read_rows(understated(tmp_path / "a.xlsx", rows))
    with pytest.raises(importing.ImportFileError, match="more text than an import takes"):
        cat.read_rows(understated(tmp_path / "c.xlsx", rows, title="Catalogue"))


def test_a_workbook_that_unpacks_to_more_than_the_limit_is_refused_before_it_is_opened(
        tmp_path, monkeypatch):
    monkeypatch.setattr(importing, "MAX_UNPACKED", 20_000)
    rows = [["Last name", "First name"]] + [["Ann", "Smith"] for _ in range(5)]
    path = understated(tmp_path / "a.xlsx", rows)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as book:
        book.writestr("xl/sharedStrings.xml", "<sst>" + "<si><t>y</t></si>" * 5000 + "</sst>")
    with pytest.raises(importing.ImportFileError, match="unpacks to"):
        importing.read_rows(path)
    with pytest.raises(importing.ImportFileError, match="unpacks to"):
        cat.read_rows(path)


def test_a_check_held_for_several_reasons_says_each_of_them(patient, admin):
    from remit_fixtures import ERA, billed

    from billing_desk.services.books import era_import, insurance_money

    billed(patient(), admin, "INV1008-1", [("99212", 1, "80.00")])
    era_import.import_era(ERA / "three_claims.835", admin)  # INV1009-1 and INV1010-1: none of ours
    (row,) = insurance_money.unapplied_list()
    assert "INV1009-1" in row.reason and "INV1010-1" in row.reason


def test_a_catalogue_sheet_the_import_does_not_read_is_said_not_dropped(db, admin, tmp_path):
    from billing_desk.errors import ValidationError
    from billing_desk.models import CatalogueItem

    book = Workbook()
    book.active.title = "Catalogue"
    book.active.append(["Code", "Description", "Unit price"])
    book.active.append(["C9", "Cast", 75])
    fees = book.create_sheet("Fees")  # not "Fee schedules": its rows would be dropped unsaid
    fees.append(["Payer", "Code", "Allowed"])
    fees.append(["Acme", "C9", 50])
    notes = book.create_sheet("Notes")  # words for people, no codes: left alone
    notes.append(["Prices from January"])
    path = tmp_path / "two.xlsx"
    book.save(path)
    with pytest.raises(ValidationError, match="Fees"):
        cat.import_file(path, admin)
    assert CatalogueItem.select().where(CatalogueItem.code == "C9").count() == 0


def test_a_workbook_whose_rows_are_on_a_later_sheet_says_which_sheet_was_read(tmp_path):
    book = Workbook()
    book.active.title = "Notes"
    book.active.append(["Our patients, typed from the January forms"])
    patients = book.create_sheet("Patients")
    patients.append(["Last name", "First name"])
    patients.append(["Smith", "Ann"])
    path = tmp_path / "two.xlsx"
    book.save(path)
    with pytest.raises(importing.ImportFileError, match="first sheet, 'Notes'.*'Patients'"):
        importing.read_rows(path)


def test_an_835_amount_too_large_is_said_to_be_too_large():
    from remit_fixtures import ERA

    from billing_desk.exchange.x12_835 import X12Error, read_835

    text = (ERA / "full_payment.835").read_text()
    huge = text.replace("BPR*I*", "BPR*I*99999999999999999999", 1)
    with pytest.raises(X12Error, match="too large"):
        read_835(huge)


def test_verify_says_a_backup_of_a_newer_program_cannot_be_restored_here(db, office, tmp_path, capsys):
    from test_backup import backup_of

    from billing_desk.cli import main as cli_main
    from billing_desk.models import database

    database.execute_sql("PRAGMA user_version = 99")
    made = backup_of(db, tmp_path / "bk").path
    assert cli_main(["verify", str(made)]) == 0  # whole and as made: only not for this program
    assert "only a newer Billing Desk can restore it" in capsys.readouterr().out


def with_saved_results(path, results):
    """Rewrite a workbook openpyxl wrote (formulas without results) as Excel saves it: each
    formula cell of ``results`` ({"B2": "text"}) gets its saved result."""
    plain = path.with_suffix(".plain.xlsx")
    path.rename(plain)
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                for cell, text in results.items():
                    start = data.index(f'<c r="{cell}"'.encode())
                    end = data.index(b"<v />", start)
                    data = (data[:start] + data[start:end].replace(b"<c r", b'<c t="str" r', 1)
                            + f"<v>{text}</v>".encode() + data[end + 5:])
            out.writestr(item, data)
    return path


def formula_book(path):
    book = Workbook()
    book.active.append(["Last name", "First name", "Email"])
    book.active.append(["Ames", "Ann", '=A2&"@example.com"'])
    book.active.append(["Bell", "Bo", "bo@example.com"])
    book.save(path)
    return path


def test_a_formula_with_no_saved_result_is_refused_naming_its_cell(tmp_path):
    """A workbook written by a script (not saved by Excel) keeps formulas without their results:
    read as blanks, an email would be lost unsaid."""
    with pytest.raises(importing.ImportFileError) as refused:
        importing.read_rows(formula_book(tmp_path / "f.xlsx"))
    assert "C2" in str(refused.value) and "row 2" in str(refused.value)
    assert "formula" in str(refused.value) and "save" in str(refused.value)


def test_a_formula_with_its_saved_result_is_read_as_that_result(tmp_path):
    path = with_saved_results(formula_book(tmp_path / "f.xlsx"), {"C2": "ames@example.com"})
    table = importing.read_rows(path)
    assert [cells[2] for _, cells in table.rows] == ["ames@example.com", "bo@example.com"]


def test_a_catalogue_formula_with_no_saved_result_is_refused_naming_sheet_and_cell(db, admin, tmp_path):
    book = Workbook()
    book.active.title = "Items"
    book.active.append(["Code", "Description", "Price"])
    book.active.append(["99213", "Office visit", "=100+25"])
    book.save(tmp_path / "c.xlsx")
    with pytest.raises(importing.ImportFileError) as refused:
        cat.read_rows(tmp_path / "c.xlsx")
    assert "'Items'" in str(refused.value) and "C2" in str(refused.value)
