"""Schema versions. ``MIGRATIONS[n]`` upgrades a version-n file to n+1, inside one transaction.

The file's version lives in ``PRAGMA user_version``; a backup copy is taken before any upgrade.
"""

from __future__ import annotations

from typing import Callable

from peewee import Database

SCHEMA_VERSION = 2

APPEND_ONLY = ("audit_entry", "ledger_entry")


def create_triggers(db: Database) -> None:
    """The audit trail and the ledger refuse UPDATE and DELETE at the database itself."""
    for table in APPEND_ONLY:
        for verb in ("UPDATE", "DELETE"):
            db.execute_sql(
                f"CREATE TRIGGER IF NOT EXISTS {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END")


def _v1_to_v2(db: Database) -> None:
    """Version 2 added the preferred way to contact an account, and append-only triggers."""
    columns = {row[1] for row in db.execute_sql("PRAGMA table_info(account)").fetchall()}
    if "preferred_contact" not in columns:
        db.execute_sql("ALTER TABLE account ADD COLUMN preferred_contact TEXT NOT NULL DEFAULT 'phone'")
    create_triggers(db)


MIGRATIONS: dict[int, Callable[[Database], None]] = {
    1: _v1_to_v2,
}
