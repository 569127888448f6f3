"""Whether what this thread read is still what the file holds: a stamp that changes with every
row written, by this connection (its count of changes) or by any other (SQLite's data version:
another thread's connection, another program). Lists that are costly to read again (a count of a
million invoices, the whole collections worklist) keep what they read under the stamp, so
switching tabs or typing reads them once, and any saved change reads them afresh."""

from __future__ import annotations

from itertools import count

from ...models import database
from ...models.dialect import is_server

_never_equal = count(1)


def data_stamp() -> tuple[int, int, int]:
    """(this connection, its data version, its count of changes): equal stamps, equal data.
    A server tells no data version: every stamp there is new, so the lists are read afresh."""
    con = database.connection()
    if is_server():
        return id(con), next(_never_equal), 0
    return id(con), con.execute("PRAGMA data_version").fetchone()[0], con.total_changes
