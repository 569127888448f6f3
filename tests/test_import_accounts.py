"""Accounts from a spreadsheet: reading .xlsx/.csv, bad files, mapping, preview, CLI exit codes."""

import datetime as dt
import json
import subprocess
import sys
import zipfile

import pytest
from openpyxl import Workbook

from billing_desk.errors import ValidationError
from billing_desk.exchange import importing
from billing_desk.models import Account
from billing_desk.services.accounts import account_import

pytestmark = pytest.mark.both_engines

HEADER = ["First Name", "Last Name", "DOB", "Address", "City", "State", "Zip", "Phone", "E-mail"]
GOOD = [["Ann", "Smith", "01/02/1980", "1 Main St", "Springfield", "IL", "62701", "217-555-0101",
         "ann@example.com"],
        ["Bob", "Jones", dt.datetime(1975, 3, 4), "2 Oak", "Springfield", "IL", 62701.0, "2175550102", ""]]
BAD = [["Cy", "Moss", "02/30/1990", "3 Elm", "Springfield", "ZZ", "627", "217-555-0103", "cy@"],
       ["", "", "01/01/1990", "", "", "", "", "", ""] + [],
       ["Ann", "Smith", "01/02/1980", "", "", "", "", "", ""]]


def write_xlsx(path, rows):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def write_csv(path, rows):
    import csv

    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


def test_read_rows_xlsx_and_csv_as_text(tmp_path):
    table = importing.read_rows(write_xlsx(tmp_path / "a.xlsx", [HEADER, *GOOD, [None] * 9]))
    assert table.headers == HEADER and len(table.rows) == 2
    number, cells = table.rows[1]
    assert number == 3 and cells[2] == "03/04/1975" and cells[6] == "62701"
    table = importing.read_rows(write_csv(tmp_path / "a.csv", [HEADER, *GOOD]))
    assert [n for n, _ in table.rows] == [2, 3]


@pytest.mark.parametrize("name, content, words", [
    ("notes.txt.xlsx", b"just some text", "not an Excel workbook"),
    ("old.xls", b"\xd0\xcf\x11\xe0", "old Excel 97"),
    ("picture.png", b"\x89PNG", "not an Excel workbook"),
    ("empty.csv", b"", "is empty"),
    ("blank.csv", b"\n,,\n", "is empty"),
    ("header.csv", b"a,b\n", "no data rows"),
    ("twice.csv", b"a,A\n1,2\n", "names a column twice"),
    ("binary.csv", b"\x00\x01\x02", "not a text"),
])
def test_bad_files_get_a_clear_message(tmp_path, name, content, words):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(importing.ImportFileError, match=words):
        importing.read_rows(path)


def test_a_damaged_workbook_and_an_empty_one(tmp_path):
    good = write_xlsx(tmp_path / "good.xlsx", [HEADER, *GOOD])
    data = good.read_bytes()
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(importing.ImportFileError, match="damaged|not an Excel"):
        importing.read_rows(cut)
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(broken, "w") as target:
        for item in source.infolist():
            body = source.read(item)
            if item.filename.startswith("xl/worksheets/"):
                body = body[: len(body) // 2]
            target.writestr(item, body)
    with pytest.raises(importing.ImportFileError, match="damaged"):
        importing.read_rows(broken)
    with pytest.raises(importing.ImportFileError, match="is empty"):
        importing.read_rows(write_xlsx(tmp_path / "empty.xlsx", []))
    with pytest.raises(importing.ImportFileError, match="no such file"):
        importing.read_rows(tmp_path / "missing.xlsx")


def test_mapping_is_guessed_checked_and_remembered(tmp_path):
    mapping = importing.guess_mapping(HEADER, account_import.TARGETS)
    assert mapping["date_of_birth"] == "DOB" and mapping["zip_code"] == "Zip" and mapping["email"] == "E-mail"
    assert importing.check_mapping(mapping, HEADER, account_import.TARGETS) == []
    problems = importing.check_mapping({"first_name": "Nope"}, HEADER, account_import.TARGETS)
    assert {p.field for p in problems} == {"first_name", "last_name"}
    importing.remember_mapping("accounts", mapping)
    assert importing.remembered_mapping("accounts") == mapping
    (tmp_path / "bad.json").write_text("[1, 2]")
    with pytest.raises(importing.ImportFileError, match="mapping"):
        importing.load_mapping(tmp_path / "bad.json")


def test_preview_lists_every_bad_row_with_column_and_why(db, admin, tmp_path):
    table = importing.read_rows(write_xlsx(tmp_path / "a.xlsx", [HEADER, *GOOD, *BAD]))
    result = account_import.preview_accounts(table, importing.guess_mapping(HEADER, account_import.TARGETS))
    assert len(result.good) == 2 and result.bad_rows == [4, 5, 6]
    lines = result.lines()
    assert "row 4, column DOB: '02/30/1990' is not a date that exists (type MM/DD/YYYY)" in lines
    assert any(line.startswith("row 4, column State:") for line in lines)
    assert any(line.startswith("row 4, column Zip:") for line in lines)
    assert any(line.startswith("row 4, column E-mail:") for line in lines)
    assert any(line.startswith("row 5, column Last Name:") and "required" in line for line in lines)
    assert "row 6, column Last Name: the same person as row 2" in lines
    with pytest.raises(ValidationError):
        account_import.import_accounts(result, admin)
    assert Account.select().count() == 0
    created = account_import.import_accounts(result, admin, skip_bad=True)
    assert [a.last_name for a in created] == ["Smith", "Jones"]
    assert all(a.status == "pending" for a in created)
    again = account_import.preview_accounts(table, result.mapping)
    assert any("already on file as account" in line for line in again.lines())


def test_a_stop_raised_at_the_last_moment_rolls_every_row_back(db, admin, tmp_path):
    table = importing.read_rows(write_xlsx(tmp_path / "a.xlsx", [HEADER, *GOOD]))
    result = account_import.preview_accounts(table, importing.guess_mapping(HEADER, account_import.TARGETS))
    calls = []

    def stop():
        calls.append(Account.select().count())  # inside the transaction: both rows are there
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        account_import.import_accounts(result, admin, before_commit=stop)
    assert calls == [2] and Account.select().count() == 0
    assert len(account_import.import_accounts(result, admin, before_commit=lambda: None)) == 2


@pytest.fixture
def office(tmp_path):
    """A database with a clerk who signs in from the command line."""
    from billing_desk.models import User
    from billing_desk.models.db import open_database
    from billing_desk.services.office.auth import hash_password

    path = tmp_path / "office.sqlite"
    opened = open_database(path)
    User.create(username="carla", full_name="Carla Clerk", role="clerk", must_change_password=False,
                password_hash=hash_password("carla-pass-123", (2 ** 10, 8, 1)))
    opened.close()
    (tmp_path / "pw.txt").write_text("carla-pass-123\n")
    return path


def run_cli(*args, home):
    args = (*args, "--user", "carla", "--password-file", str(home / "pw.txt"))
    env = {"BILLING_DESK_HOME": str(home), "PATH": "/usr/bin:/bin", "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, "-m", "billing_desk", *args], capture_output=True, text=True,
                          env=env)


def count_accounts(path):
    import sqlite3

    with sqlite3.connect(path) as con:
        return con.execute("SELECT COUNT(*) FROM account").fetchone()[0]


def test_cli_import_with_bad_rows_exits_1_and_imports_nothing_unless_skip_bad(tmp_path, office):
    source = write_csv(tmp_path / "people.csv", [HEADER, *GOOD[:1], *BAD[:1]])
    db = office
    result = run_cli("import", "accounts", str(source), "--db", str(db), home=tmp_path)
    assert result.returncode == 1, result.stderr
    assert "row 3, column DOB: '02/30/1990' is not a date that exists" in result.stdout
    assert "nothing imported" in result.stderr and "Traceback" not in result.stderr
    assert count_accounts(db) == 0
    result = run_cli("import", "accounts", str(source), "--db", str(db), "--skip-bad", home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "imported 1 account(s)" in result.stdout and "row 3" in result.stdout
    assert count_accounts(db) == 1


def test_cli_import_with_a_map_file_and_bad_files(tmp_path, office):
    source = write_xlsx(tmp_path / "odd.xlsx", [["Surname", "Given", "Born"], ["Lee", "Ann", "01/02/1980"]])
    mapping = tmp_path / "map.json"
    mapping.write_text(json.dumps({"last_name": "Surname", "first_name": "Given", "date_of_birth": "Born"}))
    db = office
    result = run_cli("import", "accounts", str(source), "--db", str(db), "--map", str(mapping), home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert count_accounts(db) == 1
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"not a workbook")
    result = run_cli("import", "accounts", str(junk), "--db", str(db), home=tmp_path)
    assert result.returncode == 1 and "not an Excel workbook" in result.stderr
    mapping.write_text(json.dumps({"last_name": "Nope"}))
    result = run_cli("import", "accounts", str(source), "--db", str(db), "--map", str(mapping), home=tmp_path)
    assert result.returncode == 1 and "no column 'Nope'" in result.stderr
    assert count_accounts(db) == 1


def test_cli_import_needs_a_signed_in_user(tmp_path, office):
    source = write_csv(tmp_path / "people.csv", [HEADER, *GOOD[:1]])
    (tmp_path / "pw.txt").write_text("wrong\n")
    result = run_cli("import", "accounts", str(source), "--db", str(office), home=tmp_path)
    assert result.returncode == 1 and count_accounts(office) == 0
