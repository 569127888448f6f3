"""Issue 14, item 7: users (role, password hash) and the ledger are sealed under the chain key,
so an edit made outside the program shows in the check."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from billing_desk.models import LedgerEntry, database
from billing_desk.models.dialect import is_server
from billing_desk.services.office import audit, users

pytestmark = pytest.mark.both_engines


@pytest.fixture(autouse=True)
def _fast_hash(monkeypatch):
    monkeypatch.setenv("BILLING_DESK_SCRYPT_N", "1024")


@pytest.fixture
def staff(db, admin):
    carla = users.add_user(admin, "carla", "Carla Clerk", "clerk", "long password 1", "long password 1")
    sid = users.add_user(admin, "sid", "Sid Supervisor", "supervisor", "long password 2", "long password 2")
    return carla, sid


def _outside(sql: str, *params) -> None:
    """A SQLite tool on the file: triggers dropped, the edit made, the triggers put back (on a
    server: its owner's psql, the triggers off for the session)."""
    if is_server():
        sql = re.sub(r"\b(FROM|UPDATE) user\b", r'\1 "user"', sql)
        database.execute_sql("SET session_replication_role = replica")
        database.execute_sql(sql, params)
        database.execute_sql("SET session_replication_role = DEFAULT")
        return
    triggers = database.execute_sql("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()
    for name, _sql in triggers:
        database.execute_sql(f'DROP TRIGGER "{name}"')
    database.execute_sql(sql, params)
    for _name, sql_text in triggers:
        database.execute_sql(sql_text)


def test_a_clean_office_verifies(staff, make_account):
    make_account()
    assert audit.verify_chain() == []


def test_a_role_raised_outside_the_program_is_caught(staff):
    _outside("UPDATE user SET role = 'administrator' WHERE username = 'carla'")
    assert any("carla was changed outside the program" in p for p in audit.verify_chain())


def test_a_password_hash_copied_into_another_row_is_caught(staff):
    _outside("UPDATE user SET password_hash = (SELECT password_hash FROM user WHERE username = 'carla') "
             "WHERE username = 'sid'")
    assert any("sid was changed outside the program" in p for p in audit.verify_chain())


def test_a_change_made_by_the_program_stays_clean(staff):
    carla, _sid = staff
    admin = users.get_user("admin")
    users.update_user(admin, carla.id, role="supervisor")
    users.reset_password(admin, carla.id, "another password 9", "another password 9")
    assert audit.verify_chain() == []


def test_a_ledger_amount_changed_outside_the_program_is_caught(staff, make_account, catalogue):
    import datetime as dt

    from billing_desk.services.books import invoices

    admin = users.get_user("admin")
    account = make_account()
    day = dt.date(2026, 1, 5)
    invoices.quick_invoice(account.id, day, [("99213", 1)], admin, entry_date=day)
    assert audit.verify_chain() == []
    entry = LedgerEntry.select().order_by(LedgerEntry.id.desc()).first()
    _outside("UPDATE ledger_entry SET amount = ? WHERE id = ?", int((entry.amount + Decimal("1000")) * 100),
             entry.id)
    assert any("ledger: entries were changed" in p for p in audit.verify_chain())


def test_the_chain_head_is_on_the_closed_day_sheet_and_in_every_backup(db, staff, tmp_path):
    import datetime as dt

    from billing_desk.models import AuditEntry
    from billing_desk.reports import Params, run
    from billing_desk.services.books.reports_close import close_day
    from billing_desk.services.office import backup

    admin = users.get_user("admin")
    day = dt.date(2026, 1, 5)
    close_day(day, admin, now=day)
    last = AuditEntry.select().order_by(AuditEntry.id.desc()).first()
    sheet = dict(run("day-sheet", Params(start=day, end=day)).parameters)
    assert sheet["Books"] == "closed"
    assert sheet["Audit trail head"] == f"entry {last.id} \u00b7 {last.hash[:16]}"
    made = backup.make_backup(db.address, tmp_path / "backups", create_folder=True)
    assert made.manifest["audit_head"] == {"entry": last.id, "hash": last.hash}
    head = f"Audit trail head: entry {last.id} \u00b7 {last.hash[:16]}"
    assert head in backup.manifest_lines(made.manifest)


def test_a_file_from_an_older_program_is_sealed_by_its_first_write(staff):
    from billing_desk.services.office import auth

    database.execute_sql("DELETE FROM setting WHERE key IN (?, ?)",
                         ("security.user_seals", "security.ledger_seal"))
    assert any("not sealed yet" in p for p in audit.verify_chain())
    auth.sign_in("carla", "long password 1")
    assert audit.verify_chain() == []
