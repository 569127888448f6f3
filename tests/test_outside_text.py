"""Text files as other programs write them: Excel's "Unicode Text", a file that mixes two
encodings, a workbook or a CSV under the other one's name. Each is read right or refused naming
the line and what to do; a name is never imported garbled."""

from __future__ import annotations

import pytest
from openpyxl import Workbook

from billing_desk.exchange import importing

HEADER = "Last name\tFirst name\tDate of birth\r\n"
ROWS = "Nguyễn\tThị\t01/02/1980\r\nMüller\tJörg\t03/04/1975\r\n"


def test_excels_unicode_text_utf16_with_tabs_is_read(tmp_path):
    path = tmp_path / "people.txt"
    path.write_bytes((HEADER + ROWS).encode("utf-16"))  # with its byte-order mark, as Excel saves
    table = importing.read_rows(path)
    assert table.headers == ["Last name", "First name", "Date of birth"]
    assert [cells[:2] for _, cells in table.rows] == [["Nguyễn", "Thị"], ["Müller", "Jörg"]]


def test_a_csv_that_mixes_utf8_and_latin1_is_refused_naming_the_line(tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes("Last name,First name,Date of birth\nNguyễn,Thị,01/02/1980\n".encode()
                     + "Café,René,05/06/1990\n".encode("latin-1"))
    with pytest.raises(importing.ImportFileError) as refused:
        importing.read_rows(path)
    said = str(refused.value)
    assert "line 3" in said and "0xE9" in said and "UTF-8" in said and "mixes" in said


def test_a_plain_windows_1252_csv_is_still_read(tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes("Last name,First name,Date of birth\nCafé,René,05/06/1990\n".encode("cp1252"))
    (row,) = [cells for _, cells in importing.read_rows(path).rows]
    assert row[:2] == ["Café", "René"]


def _workbook(path):
    book = Workbook()
    book.active.append(["Last name", "First name"])
    book.active.append(["Roe", "Ann"])
    book.save(path)
    return path


def test_a_workbook_named_csv_is_said_to_be_a_workbook(tmp_path):
    path = _workbook(tmp_path / "people.xlsx").rename(tmp_path / "people.csv")
    said = r"people.csv is not a text \(CSV\) file: it is an Excel workbook \(.xlsx\)"
    with pytest.raises(importing.ImportFileError, match=said):
        importing.read_rows(path)


def test_a_csv_named_xlsx_is_said_to_be_text(tmp_path):
    path = tmp_path / "people.xlsx"
    path.write_text("Last name,First name\nRoe,Ann\n", encoding="utf-8")
    said = r"people.xlsx is not an Excel workbook: it is a text \(CSV\) file"
    with pytest.raises(importing.ImportFileError, match=said):
        importing.read_rows(path)


def test_an_old_excel_file_named_xlsx_is_said_to_be_one(tmp_path):
    path = tmp_path / "people.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    with pytest.raises(importing.ImportFileError, match=r"old Excel 97 \(.xls\) workbook"):
        importing.read_rows(path)
