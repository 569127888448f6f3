"""Database trouble in plain words: a full disk, a locked or read-only file, a damaged one.

A full disk is made with ``PRAGMA max_page_count`` held at the file's current size: the first
write that needs a new page fails with SQLITE_FULL, as on a real full disk.
"""

import csv
import datetime as dt
import itertools
import sqlite3

import pytest

from billing_desk.errors import (
    DatabaseBusyError,
    DatabaseDamagedError,
    DatabaseReadOnlyError,
    DiskFullError,
)
from billing_desk.models import Account, AuditEntry, Invoice, LedgerEntry, Payment, database
from billing_desk.services.books import invoices, payments
from billing_desk.services.books.ledger import check_ledger
from billing_desk.services.office.transactions import explain_database_error, in_transaction

DAY = dt.date(2026, 1, 5)
HEADER = ["First Name", "Last Name", "DOB", "Address", "City", "State", "Zip", "Phone"]


def fill_the_disk() -> None:
    pages = database.execute_sql("PRAGMA page_count").fetchone()[0]
    database.execute_sql(f"PRAGMA max_page_count = {pages}")


def counts() -> tuple[int, ...]:
    return tuple(model.select().count() for model in (Account, Invoice, Payment, LedgerEntry, AuditEntry))


def until_it_fails(*steps, tries=400):
    """Repeat the steps (each one write) until the disk is full; the counts just before the
    failing step, and its error."""
    for _ in range(tries):
        value = None
        for step in steps:
            before = counts()
            try:
                value = step(value)
            except DiskFullError as exc:
                return before, exc
    raise AssertionError("the disk never filled")


def test_posting_on_a_full_disk_says_so_and_saves_nothing(db, admin, catalogue, make_account, caplog):
    account = make_account()
    fill_the_disk()
    lines = [invoices.LineInput("99213"), invoices.LineInput("36415", 2)]
    draft = invoices.InvoiceDraft(account.id, DAY, lines)
    before, error = until_it_fails(lambda _: invoices.save_draft(draft, admin),
                                   lambda saved: invoices.post_invoice(saved.id, admin, entry_date=DAY))
    text = str(error)
    assert "is full" in text and "nothing was saved" in text and str(db.path.parent) in text
    assert "rollback" not in text
    assert "database or disk is full" in caplog.text  # SQLite's own words stay in the log
    assert counts() == before
    assert check_ledger() == []


def test_a_payment_on_a_full_disk_says_so_and_saves_nothing(db, admin, catalogue, make_account):
    account = make_account()
    invoices.quick_invoice(account.id, DAY, [("99213", 1)], admin, entry_date=DAY)
    fill_the_disk()
    before, error = until_it_fails(lambda _: payments.record_payment(account.id, "1.00", admin))
    assert "is full" in str(error) and "nothing was saved" in str(error)
    assert counts() == before
    assert check_ledger() == []


def test_an_import_on_a_full_disk_says_so_and_imports_nothing(db, admin, tmp_path):
    from billing_desk.exchange import importing
    from billing_desk.services.accounts import account_import

    batches = itertools.count()

    def import_a_file(_):
        table = importing.read_rows(people(tmp_path / "people.csv", 20, start=20 * next(batches)))
        preview = account_import.preview_accounts(
            table, importing.guess_mapping(table.headers, account_import.TARGETS))
        assert not preview.bad
        account_import.import_accounts(preview, admin)

    fill_the_disk()
    before, error = until_it_fails(import_a_file)
    assert "is full" in str(error)
    assert counts() == before


def test_the_import_command_on_a_full_disk_prints_one_message(tmp_path, monkeypatch, capsys):
    from billing_desk.cli import main
    from billing_desk.models import db as db_module

    path = make_office(tmp_path)
    source = people(tmp_path / "people.csv", 300)
    with sqlite3.connect(path) as con:
        pages = con.execute("PRAGMA page_count").fetchone()[0]
    monkeypatch.setitem(db_module.PRAGMAS, "max_page_count", pages)
    code = main(["import", "accounts", str(source), "--db", str(path), "--user", "carla",
                 "--password-file", str(tmp_path / "pw.txt")])
    err = capsys.readouterr().err
    assert code == 1
    assert "is full" in err and "nothing was saved" in err and "Traceback" not in err
    with sqlite3.connect(path) as con:
        assert con.execute("SELECT COUNT(*) FROM account").fetchone()[0] == 0


def people(path, how_many, start=0):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([HEADER] + [
            [f"Ann{n}", f"Smith{n}", "01/02/1980", f"{n} Main St", "Springfield", "IL", "62701",
             f"217-{n // 10000 + 555}-{n % 10000:04d}"] for n in range(start, start + how_many)])
    return path


def make_office(tmp_path):
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


def test_a_locked_database_names_the_other_program(db, admin, make_account):
    other = sqlite3.connect(db.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    database.execute_sql("PRAGMA busy_timeout = 50")
    try:
        with pytest.raises(DatabaseBusyError, match="another program is using"):
            make_account()
    finally:
        other.execute("ROLLBACK")
        other.close()
    make_account()  # and it works again once the other program lets go


def test_a_read_only_database_says_so(db, admin, make_account):
    database.execute_sql("PRAGMA query_only = 1")
    with pytest.raises(DatabaseReadOnlyError, match="read-only"):
        make_account()
    database.execute_sql("PRAGMA query_only = 0")


def test_damage_and_the_first_cause_of_a_chain(db):
    damaged = explain_database_error(sqlite3.DatabaseError("file is not a database"))
    assert isinstance(damaged, DatabaseDamagedError) and "damaged" in str(damaged)
    try:
        try:
            raise sqlite3.OperationalError("database or disk is full")
        except sqlite3.OperationalError:
            raise sqlite3.OperationalError("cannot rollback - no transaction is active")  # noqa: B904 - the implicit chain, as peewee makes it
    except sqlite3.OperationalError as exc:
        assert isinstance(explain_database_error(exc), DiskFullError)
    with pytest.raises(ValueError):  # anything that is not the database passes through untouched
        with in_transaction():
            raise ValueError("not ours")


