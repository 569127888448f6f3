"""Moving an office from its file onto a server: every row, count, total and the audit trail
verified; a server database that is not empty is refused; `check` runs the same on the server."""

from __future__ import annotations

import pytest
from pg_office import new_database

from billing_desk.cli import main as cli_main


@pytest.fixture
def office_file(tmp_path):
    from billing_desk.models.db import open_database
    from billing_desk.services.demo import build_demo

    path = tmp_path / "office.sqlite"
    opened = open_database(path)
    build_demo(accounts=4, seed=3)
    opened.close()
    return path


def test_an_office_moves_onto_an_empty_server_database_whole(office_file, capsys):
    target = new_database("bd_move")
    assert cli_main(["migrate", "--from", str(office_file), "--to", target]) == 0
    out = capsys.readouterr().out
    assert "every count and total agrees; the audit trail verifies" in out
    assert cli_main(["check", target]) == 0
    assert capsys.readouterr().out.strip().endswith("clean")

    from billing_desk.models import AuditEntry, Invoice
    from billing_desk.models.db import open_database

    opened = open_database(target, create=False)
    try:
        assert AuditEntry.select().order_by(AuditEntry.id.desc()).first().action == "move"
        invoices_on_server = Invoice.select().count()
    finally:
        opened.close()
    opened = open_database(office_file, readonly=True)
    try:
        assert Invoice.select().count() == invoices_on_server > 0
    finally:
        opened.close()


def test_a_server_database_that_is_not_empty_is_refused(office_file, capsys):
    target = new_database("bd_move")
    assert cli_main(["migrate", "--from", str(office_file), "--to", target]) == 0
    capsys.readouterr()
    assert cli_main(["migrate", "--from", str(office_file), "--to", target]) == 1
    assert "is not empty: nothing was copied" in capsys.readouterr().err


def test_a_server_office_backs_up_into_a_bdbackup_and_restores_into_an_empty_server(
        office_file, tmp_path, capsys):
    target = new_database("bd_move")
    assert cli_main(["migrate", "--from", str(office_file), "--to", target]) == 0
    assert cli_main(["backup", "--db", target, "--to", str(tmp_path / "backups")]) == 0
    out = capsys.readouterr().out
    assert "backup made and verified" in out and f"From: {target}" in out
    (made,) = (tmp_path / "backups").glob("*.bdbackup")
    assert cli_main(["verify", str(made)]) == 0
    again = new_database("bd_restore")
    (tmp_path / "pw").write_text("billing-demo\n")
    assert cli_main(["restore", "--db", again, "--user", "admin", "--user-password-file",
                     str(tmp_path / "pw"), str(made)]) == 0
    assert "every count and total agrees" in capsys.readouterr().out
    assert cli_main(["check", again]) == 0
    assert cli_main(["restore", "--db", again, "--user", "admin", "--user-password-file",
                     str(tmp_path / "pw"), str(made)]) == 1
    assert "not empty: nothing was copied" in capsys.readouterr().err
    # The backup of the server is an ordinary office file: it restores into a file as well.
    assert cli_main(["restore", "--db", str(tmp_path / "back.sqlite"), "--user", "admin",
                     "--user-password-file", str(tmp_path / "pw"), str(made)]) == 0
    assert cli_main(["check", str(tmp_path / "back.sqlite")]) == 0


def test_check_on_a_server_finds_an_append_only_rule_switched_off(office_file, capsys):
    import psycopg

    target = new_database("bd_move")
    assert cli_main(["migrate", "--from", str(office_file), "--to", target]) == 0
    with psycopg.connect(target, autocommit=True) as con:
        con.execute("ALTER TABLE ledger_entry DISABLE TRIGGER ledger_entry_no_delete")
    capsys.readouterr()
    assert cli_main(["check", target]) == 1
    out = capsys.readouterr().out
    assert "the trigger ledger_entry_no_delete of ledger_entry is switched off" in out
    assert out.strip().endswith("PROBLEMS FOUND")
