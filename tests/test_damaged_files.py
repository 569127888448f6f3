"""Issue 14, item 2: a damaged database gets one clear message everywhere, never a traceback, and
`check` never says "ok" for a check it did not run."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest

from billing_desk.errors import DatabaseError


def run(*args):
    return subprocess.run([sys.executable, "-m", "billing_desk", *args], capture_output=True, text=True)


def _office(path):
    from billing_desk.models.db import open_database
    from billing_desk.services.office.users import ensure_administrator

    opened = open_database(path)
    ensure_administrator()
    opened.close()
    return path


@pytest.fixture
def torn(tmp_path):
    """A file with one page overwritten, as a failing disk leaves it."""
    path = _office(tmp_path / "torn.sqlite")
    con = sqlite3.connect(path)
    root, page_size = (con.execute("SELECT rootpage FROM sqlite_master WHERE name = 'user'").fetchone()[0],
                       con.execute("PRAGMA page_size").fetchone()[0])
    con.close()
    with open(path, "r+b") as fh:
        fh.seek((root - 1) * page_size)
        fh.write(b"\xff" * 64)
    return path


@pytest.fixture
def garbled(tmp_path):
    """An audit entry holding bytes that are not UTF-8 (edited outside the program)."""
    path = _office(tmp_path / "garbled.sqlite")
    con = sqlite3.connect(path)
    triggers = con.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                           "AND tbl_name = 'audit_entry'").fetchall()
    for name, _sql in triggers:
        con.execute(f'DROP TRIGGER "{name}"')
    con.execute("UPDATE audit_entry SET summary = CAST(X'41C3FF42' AS TEXT) WHERE id = 1")
    for _name, sql in triggers:
        con.execute(sql)
    con.commit()
    con.close()
    return path


def test_every_command_says_a_torn_file_is_damaged_without_a_traceback(torn, tmp_path):
    for args in (["check", str(torn)],
                 ["report", "aging", "--db", str(torn), "--format", "pdf", "--out", str(tmp_path / "r.pdf")],
                 ["backup", "--db", str(torn), "--to", str(tmp_path / "backups")]):
        result = run(*args)
        assert result.returncode == 1, (args, result.stdout)
        assert "Traceback" not in result.stderr, args
        assert "is damaged" in result.stderr and "Restore a backup" in result.stderr, (args, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_text_that_is_not_utf8_is_an_audit_problem_not_a_crash(garbled, tmp_path):
    result = run("check", str(garbled))
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert "audit trail: 1 problem(s)" in result.stdout
    assert "cannot be read" in result.stdout
    password = tmp_path / "pw"
    password.write_text("x\n")
    report = run("report", "audit", "--db", str(garbled), "--format", "pdf", "--out",
                 str(tmp_path / "a.pdf"), "--user", "admin", "--password-file", str(password))
    assert report.returncode == 1 and "Traceback" not in report.stderr, report.stderr


def test_check_says_not_run_for_what_it_did_not_run(db, admin, monkeypatch):
    from billing_desk.services import checks

    monkeypatch.setattr(checks, "integrity_check", lambda _db: ["page 7: btree damaged"])
    lines = checks.run_checks().lines()
    assert "integrity: 1 problem(s)" in lines
    assert "ledger: ok" not in lines and "audit trail: ok" not in lines
    assert any(line.startswith("ledger: not run (") for line in lines)
    assert any(line.startswith("audit trail: not run (") for line in lines)


def test_a_check_that_fails_to_run_is_said_not_run(db, admin, monkeypatch):
    from billing_desk.services import checks

    def broken():
        raise sqlite3.OperationalError("Could not decode to UTF-8 column 'memo'")

    monkeypatch.setattr(checks, "check_ledger", broken)
    result = checks.run_checks()
    assert not result.clean
    assert any(line.startswith("ledger: not run (") for line in result.lines())


def test_sqlite_errors_are_put_in_words(tmp_path):
    from billing_desk.models.db import database_failure

    con = sqlite3.connect(tmp_path / "t.sqlite")
    con.execute("CREATE TABLE t (x)")
    con.commit()
    ro = sqlite3.connect(f"{(tmp_path / 't.sqlite').as_uri()}?mode=ro", uri=True)
    with pytest.raises(sqlite3.OperationalError) as caught:
        ro.execute("INSERT INTO t VALUES (1)")
    error = database_failure(caught.value, "office.sqlite")
    assert isinstance(error, DatabaseError) and "read-only" in str(error)
    damaged = database_failure(sqlite3.DatabaseError("database disk image is malformed"), "office.sqlite")
    assert "office.sqlite is damaged" in str(damaged)


def test_the_window_says_a_torn_file_is_damaged(torn, monkeypatch, qapp):
    from billing_desk.ui import app

    said = []
    monkeypatch.setattr(app.PROMPTER, "warn", lambda _title, text: said.append(text))
    assert app.run_window(db=str(torn)) == 1
    assert said and "is damaged" in said[0]
