"""Office files as an older program left them, for the schema-upgrade tests.

`older_file(path, 12, "ALTER TABLE coverage DROP COLUMN esrd_started_on")` writes a file of today's
schema (unless `path` already holds one), takes back what the later steps added, and marks it
version 12; `with upgraded(path, 12) as opened:` opens it again and checks it was upgraded from 12
to a schema with nothing missing. Each upgrade test starts from the version just before its step.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from billing_desk.models import database
from billing_desk.models.db import OpenedDatabase, open_database
from billing_desk.models.schema_check import schema_problems

# Plain SQL, an (sql, params) pair, or a function given the connection (the make_version_* undoers).
Statement = str | tuple[str, Sequence[object]] | Callable[[sqlite3.Connection], None]

BARE_USER = ("INSERT INTO user (created_at, username, full_name, role, active, failed_attempts, "
             "must_change_password) VALUES ('2025-01-01', 'x', 'X', 'clerk', 1, 0, 0)")
BARE_ACCOUNT = ("INSERT INTO account (created_at, number, kind, status, first_name, last_name, middle_name,"
                " suffix, organization, sort_name, sex, street, street2, city, state, zip_code, phone,"
                " phone_alt, email, statement_delivery, payment_terms_days, billing_cycle_day,"
                " credit_hold, preferred_contact, status_reason, notes, duplicates_reviewed,"
                " patient_balance, insurance_balance, unapplied_credit) VALUES ('2025-01-01', '100001',"
                " 'patient', 'active', 'A', 'B', '', '', '', 'b a', 'U', '', '', '', '', '', '', '', '',"
                " 'print', 30, 1, 0, 'phone', '', '', '', 0, 0, 0)")
# Invoice 1 of account 1, posted 01/05/2026, due 02/04/2026: $5.00, $2.00 of it the patient's.
BARE_INVOICE = ("INSERT INTO invoice (created_at, number, account_id, status, service_date, due_date, "
                "provider, prior_authorization, place_of_service, notes, void_reason, total, "
                "patient_balance, insurance_balance, created_by_id) VALUES ('2026-01-05', 1, 1, "
                "'posted', '2026-01-05', '2026-02-04', '', '', '11', '', '', 500, 200, 0, 1)")


def older_file(path: Path, version: int, *statements: Statement) -> None:
    """Make `path` an office file as the program of schema `version` left it."""
    if not path.exists():
        open_database(path).close()
    con = sqlite3.connect(path)
    try:
        for statement in statements:
            if isinstance(statement, str):
                con.execute(statement)
            elif isinstance(statement, tuple):
                con.execute(*statement)
            else:
                statement(con)
        con.execute(f"PRAGMA user_version = {int(version)}")
        con.commit()
    finally:
        con.close()


@contextmanager
def upgraded(path: Path, from_version: int) -> Iterator[OpenedDatabase]:
    """The file opened again: upgraded from `from_version`, its schema as today's with nothing missing."""
    opened = open_database(path)
    try:
        assert opened.upgraded_from == from_version
        assert schema_problems(database.connection()) == []
        yield opened
    finally:
        opened.close()
