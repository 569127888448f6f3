"""The CSV reader: the csv module on the raw stream (separators stay inside fields, quoted line
breaks kept), the same row limit as workbooks, rows streamed rather than held."""

from __future__ import annotations

import sqlite3

import pytest

from billing_desk.exchange import importing
from tests.test_import_accounts import office, run_cli  # noqa: F401 (fixture)

pytestmark = pytest.mark.both_engines

HEADER = "First Name,Last Name,DOB,Address,City,State,Zip,Notes\r\n"


def test_separators_stay_inside_fields_and_quoted_line_breaks_are_kept(tmp_path):
    path = tmp_path / "odd.csv"
    path.write_text(HEADER + "Ann,Lee,01/02/1980,1 Main\u2028Rear,Troy,NY,12180,"
                    "\"called\r\nleft a message\"\r\n"
                    "Bob,Ray,02/03/1970,2 Elm\u0085Apt 4,Troy,NY,12180,\r\n", encoding="utf-8", newline="")
    table = importing.read_rows(path)
    rows = list(table.rows)
    assert [n for n, _ in rows] == [2, 3] and len(table.rows) == 2
    assert rows[0][1] == ["Ann", "Lee", "01/02/1980", "1 Main\u2028Rear", "Troy", "NY", "12180",
                          "called\r\nleft a message"]
    assert rows[1][1][3:7] == ["2 Elm\u0085Apt 4", "Troy", "NY", "12180"]


def test_skip_bad_never_stores_a_street_without_its_city(tmp_path, office):
    path = tmp_path / "odd.csv"
    path.write_text(HEADER + "Ann,Lee,01/02/1980,1 Main\u2028Rear,Troy,NY,12180,"
                    "\"called\nleft a message\"\r\n"
                    "Bob,Ray,02/03/1970,2 Elm\u0085Apt 4,Troy,NY,12180,\r\n", encoding="utf-8", newline="")
    result = run_cli("import", "accounts", str(path), "--db", str(office), "--skip-bad", home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "row 3, column Address: holds a control character (U+0085)" in result.stdout
    with sqlite3.connect(office) as con:
        stored = con.execute("SELECT street, city, state, zip_code, notes FROM account").fetchall()
    assert stored == [("1 Main\u2028Rear", "Troy", "NY", "12180", "called\nleft a message")]


def test_a_csv_has_the_same_row_limit_as_a_workbook(tmp_path, monkeypatch):
    monkeypatch.setattr(importing, "MAX_ROWS", 5)
    path = tmp_path / "big.csv"
    path.write_text(HEADER + "".join(f"A{n},B,01/02/1980,,,,,\r\n" for n in range(6)), encoding="utf-8")
    with pytest.raises(importing.ImportFileError, match="more than 5 rows; split it"):
        importing.read_rows(path)
    path.write_text(HEADER + "".join(f"A{n},B,01/02/1980,,,,,\r\n" for n in range(5)), encoding="utf-8")
    assert len(importing.read_rows(path).rows) == 5


def test_csv_rows_are_read_from_the_file_when_needed_not_held(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text(HEADER + "Ann,Lee,01/02/1980,,,,,\r\n", encoding="utf-8")
    table = importing.read_rows(path)
    assert not isinstance(table.rows, list)
    assert list(table.rows) == list(table.rows)  # read again each time, the same rows
    path.write_text(HEADER + "Bob,Ray,01/02/1980,,,,,\r\n", encoding="utf-8")
    with pytest.raises(importing.ImportFileError, match="changed since it was checked"):
        list(table.rows)


def test_a_cp1252_file_is_still_read(tmp_path):
    path = tmp_path / "old.csv"
    path.write_bytes((HEADER + "Zo\u00eb,M\u00fcller,01/02/1980,,,,,\r\n").encode("cp1252"))
    assert list(importing.read_rows(path).rows)[0][1][:2] == ["Zo\u00eb", "M\u00fcller"]
