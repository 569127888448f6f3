"""Reports and read-only opens from the command line: a locked database fails cleanly with no
unaudited file; `report audit` without --user says what it needs; --self-test checks the given
database read-only; a read-only open of a damaged file leaves no -wal/-shm behind."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys

import pytest

from billing_desk.cli import main
from billing_desk.models.db import open_database
from tests.test_import_accounts import office, run_cli  # noqa: F401 (fixture)


def audited_exports(path) -> int:
    with sqlite3.connect(path) as con:
        return con.execute("SELECT COUNT(*) FROM audit_entry WHERE action = 'export'").fetchone()[0]


def test_a_report_whose_audit_waits_on_a_locked_database_fails_cleanly(tmp_path, office):
    out = tmp_path / "aging.xlsx"
    holder = sqlite3.connect(office, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another program is writing
    try:
        result = run_cli("report", "aging", "--db", str(office), "--format", "xlsx", "--out", str(out),
                         home=tmp_path)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert "busy" in result.stderr and "not kept" in result.stderr
    assert not out.exists() and audited_exports(office) == 0  # no file that the trail lacks
    result = run_cli("report", "aging", "--db", str(office), "--format", "xlsx", "--out", str(out),
                     home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert out.exists() and audited_exports(office) == 1


def test_report_audit_without_a_user_says_what_it_needs(tmp_path, office):
    env = {"BILLING_DESK_HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([sys.executable, "-m", "billing_desk", "report", "audit", "--db", str(office),
                             "--format", "pdf", "--out", str(tmp_path / "a.pdf")],
                            capture_output=True, text=True, env=env)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "changes data" not in result.stderr
    assert "the audit report needs your user: name your user with --user NAME" in result.stderr


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_self_test_checks_the_given_database_read_only(capsys, tmp_path, office):
    before = _digest(office)
    assert main(["--self-test", "--db", str(office)]) == 0
    output = capsys.readouterr().out
    assert f"  ok   your database: {office.name} read-only" in output
    assert "checks clean" in output
    assert _digest(office) == before
    assert not (office.parent / f"{office.name}-wal").exists()
    assert not (office.parent / f"{office.name}-shm").exists()


def test_self_test_fails_on_a_missing_database(capsys, tmp_path):
    assert main(["--self-test", "--db", str(tmp_path / "nope.sqlite")]) == 1
    assert "FAIL your database" in capsys.readouterr().out
    assert not (tmp_path / "nope.sqlite").exists()


def test_a_read_only_open_of_a_damaged_file_leaves_no_wal_or_shm(tmp_path):
    path = tmp_path / "office.sqlite"
    open_database(path).close()
    data = bytearray(path.read_bytes())
    data[4096 * 3:4096 * 40] = b"A" * len(data[4096 * 3:4096 * 40])
    path.write_bytes(bytes(data))
    with pytest.raises(Exception):  # noqa: B017 (the message is another helper's item)
        open_database(path, readonly=True)
    assert not os.path.exists(f"{path}-wal") and not os.path.exists(f"{path}-shm")


def test_a_read_only_open_keeps_the_files_it_did_not_create(tmp_path):
    path = tmp_path / "office.sqlite"
    open_database(path).close()
    wal, shm = tmp_path / "office.sqlite-wal", tmp_path / "office.sqlite-shm"
    wal.write_bytes(b"")
    data = bytearray(path.read_bytes())
    data[4096 * 3:4096 * 40] = b"A" * len(data[4096 * 3:4096 * 40])
    path.write_bytes(bytes(data))
    with pytest.raises(Exception):  # noqa: B017
        open_database(path, readonly=True)
    assert wal.exists() and not shm.exists()
