"""Issue 14 on the command line: what a missing, empty or damaged file does to each command."""

from __future__ import annotations

import pytest

from billing_desk.cli import main


@pytest.fixture
def import_file(tmp_path):
    path = tmp_path / "accounts.csv"
    path.write_text("first_name,last_name,date_of_birth,phone,state,zip_code\n"
                    "Ann,Lee,01/02/1980,212-555-0101,NY,10001\n", encoding="utf-8")
    password = tmp_path / "pw.txt"
    password.write_text("whatever-it-is\n", encoding="utf-8")
    return path, password


def test_a_writing_command_never_creates_an_office_at_a_missing_path(tmp_path, import_file, capsys):
    csv, password = import_file
    target = tmp_path / "not" / "there" / "office.sqlite"
    code = main(["import", "accounts", str(csv), "--db", str(target), "--user", "admin",
                 "--password-file", str(password)])
    assert code == 1
    assert "There is no database at" in capsys.readouterr().err
    assert not (tmp_path / "not").exists()


def test_a_writing_command_leaves_an_empty_file_and_its_audit_key_alone(tmp_path, import_file, capsys):
    csv, password = import_file
    target = tmp_path / "office.sqlite"
    target.write_bytes(b"")
    key = tmp_path / "office.sqlite.auditkey"
    key.write_text('{"office": "abc", "key": "00"}', encoding="utf-8")
    code = main(["import", "accounts", str(csv), "--db", str(target), "--user", "admin",
                 "--password-file", str(password)])
    assert code == 1
    assert "There is no database at" in capsys.readouterr().err
    assert target.read_bytes() == b""
    assert key.read_text(encoding="utf-8") == '{"office": "abc", "key": "00"}'


def test_a_new_office_never_overwrites_another_offices_key_file(tmp_path):
    from billing_desk.models.db import open_database
    from billing_desk.services.office import audit_keys

    target = tmp_path / "office.sqlite"
    target.write_bytes(b"")
    key = tmp_path / "office.sqlite.auditkey"
    key.write_text('{"office": "abc", "key": "00"}', encoding="utf-8")
    opened = open_database(target)  # the window's first start on an empty file
    try:
        office, chain_key = audit_keys.new_office()
        assert audit_keys.load_key(office) == chain_key
    finally:
        opened.close()
    assert key.read_text(encoding="utf-8") == '{"office": "abc", "key": "00"}'
