"""Whether what this thread read is still what the office holds: a stamp that changes with every
row written, by this connection (its count of changes) or by any other (the data version: SQLite's
``PRAGMA data_version`` of the file; on a server, the office's own counter, moved on by every
committed write of every workstation, ``models.server``). Lists that are costly to read again (a
count of a million invoices, the whole collections worklist) keep what they read under the stamp,
so switching tabs or typing reads them once, and any saved change reads them afresh."""

from __future__ import annotations

from ...models import database
from ...models.dialect import is_server


def data_stamp() -> tuple[int, int, int]:
    """(this connection, its data version, its count of changes): equal stamps, equal data."""
    if is_server():
        server = database.obj
        return (id(server.connection()), server.execute_sql("PRAGMA data_version").fetchone()[0],
                server.changes())
    con = database.connection()
    return id(con), con.execute("PRAGMA data_version").fetchone()[0], con.total_changes
