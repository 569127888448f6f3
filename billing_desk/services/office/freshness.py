"""Whether what this thread read is still what the file holds: a stamp that changes with every
row written, by this connection (its count of changes) or by any other (SQLite's data version:
another thread's connection, another program). Lists that are costly to read again (a count of a
million invoices, the whole collections worklist) keep what they read under the stamp, so
switching tabs or typing reads them once, and any saved change reads them afresh."""

from __future__ import annotations

from ...models import database


def data_stamp() -> tuple[int, int, int]:
    """(this connection, its data version, its count of changes): equal stamps, equal data."""
    con = database.connection()
    return id(con), con.execute("PRAGMA data_version").fetchone()[0], con.total_changes
