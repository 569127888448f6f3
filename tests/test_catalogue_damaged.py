"""A catalogue workbook whose second sheet is damaged: one clear message, nothing saved."""

from __future__ import annotations

import zipfile

import pytest
from openpyxl import Workbook

from billing_desk.exchange.importing import ImportFileError
from billing_desk.models import CatalogueItem
from billing_desk.services.books import catalogue as cat
from tests.test_import_accounts import office, run_cli  # noqa: F401 (fixture)


def damaged_workbook(tmp_path):
    book = Workbook()
    book.active.title = cat.ITEM_SHEET
    book.active.append(list(cat.ITEM_COLUMNS))
    book.active.append(["NEW1", "service", "A visit", "", "10.00", "1.00", "no", "yes", "no"])
    fees = book.create_sheet(cat.FEE_SHEET)
    fees.append(list(cat.FEE_COLUMNS))
    good = tmp_path / "good.xlsx"
    book.save(good)
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(broken, "w") as out:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet2.xml":
                data = data[: len(data) // 2] + b"<row><c r=\"A2\"><v>1</c></row"
            out.writestr(item, data)
    return broken


def test_a_damaged_second_sheet_gives_one_clear_message_and_saves_nothing(db, admin, tmp_path):
    path = damaged_workbook(tmp_path)
    with pytest.raises(ImportFileError, match=f"sheet '{cat.FEE_SHEET}' of broken.xlsx is damaged"):
        cat.import_file(path, admin)
    assert CatalogueItem.select().count() == 0


def test_the_command_line_says_so_without_a_traceback(tmp_path, office):
    result = run_cli("import", "catalogue", str(damaged_workbook(tmp_path)), "--db", str(office),
                     home=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert f"sheet '{cat.FEE_SHEET}' of broken.xlsx is damaged" in result.stderr
