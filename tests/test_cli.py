"""The command line as offices script it: exit codes, messages on stderr, no tracebacks."""

import sqlite3
import subprocess
import sys

import pytest

from billing_desk import __version__
from billing_desk.cli import main


def run(*args):
    return subprocess.run([sys.executable, "-m", "billing_desk", *args], capture_output=True, text=True)


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    result = run("demo", str(path), "--accounts", "25", "--seed", "3")
    assert result.returncode == 0, result.stderr
    assert "demo office built" in result.stdout
    return path


def test_version_and_help(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["--version"])
    assert caught.value.code == 0 and __version__ in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for word in ("--db", "--demo", "demo", "check"):
        assert word in out


def test_demo_builds_a_clean_office_and_check_says_so(demo_file):
    result = run("check", str(demo_file))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ledger: ok" in result.stdout and "clean" in result.stdout
    con = sqlite3.connect(demo_file)
    statuses = {row[0] for row in con.execute("SELECT DISTINCT status FROM account")}
    assert {"pending", "active"} <= statuses
    assert con.execute("SELECT count(*) FROM invoice WHERE status = 'posted'").fetchone()[0] > 50
    con.close()


def test_check_finds_tampering_and_exits_1(demo_file, tmp_path):
    copy = tmp_path / "tampered.sqlite"
    src, dst = sqlite3.connect(demo_file), sqlite3.connect(copy)
    src.backup(dst)
    src.close()
    dst.execute("UPDATE account SET patient_balance = patient_balance + 1234 WHERE id = 3")
    dst.commit()
    dst.close()
    result = run("check", str(copy))
    assert result.returncode == 1
    assert "ledger: 1 problem" in result.stdout and "PROBLEMS FOUND" in result.stdout


def test_errors_go_to_stderr_without_a_traceback(tmp_path):
    bogus = tmp_path / "bogus.sqlite"
    bogus.write_text("hello")
    for args, words in ((["check", str(bogus)], "not a Billing Desk database"),
                        (["check", str(tmp_path / "missing.sqlite")], "There is no database"),
                        (["demo", str(bogus)], "already exists"),
                        (["demo", str(tmp_path / "x.sqlite"), "--accounts", "0"], "between 1"),
                        (["demo", str(tmp_path / "y.sqlite"), "--accounts", "ten"], "invalid int")):
        result = run(*args)
        assert result.returncode != 0
        assert words in result.stderr, result.stderr
        assert "Traceback" not in result.stderr and result.stdout == "" or "Traceback" not in result.stdout


def test_check_reads_while_the_window_holds_the_file(demo_file):
    from billing_desk.models.db import open_database

    held = open_database(demo_file)
    try:
        result = run("check", str(demo_file))
        assert result.returncode == 0, result.stderr
        assert "clean" in result.stdout
    finally:
        held.close()


def test_check_finds_a_line_whose_price_was_changed_by_a_cent(demo_file, tmp_path):
    copy = tmp_path / "price.sqlite"
    src, dst = sqlite3.connect(demo_file), sqlite3.connect(copy)
    src.backup(dst)
    src.close()
    dst.execute("UPDATE invoice_line SET unit_price = unit_price + 1 WHERE id = (SELECT MIN(l.id) "
                "FROM invoice_line l JOIN invoice i ON i.id = l.invoice_id WHERE i.status = 'posted')")
    dst.commit()
    dst.close()
    result = run("check", str(copy))
    assert result.returncode == 1
    assert "ledger: 1 problem" in result.stdout and "but the line says" in result.stdout
