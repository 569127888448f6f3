"""What SQLite or the server said when a write or a read failed, in the clerk's words: a damaged
file, a read-only folder, a full disk, another program holding the file, a server gone away."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from peewee import (
    DatabaseError as PeeweeDatabaseError,
    IntegrityError as PeeweeIntegrityError,
    InterfaceError as PeeweeInterfaceError,
)

from ..errors import (
    DatabaseBusyError,
    DatabaseDamagedError,
    DatabaseError,
    DatabaseReadOnlyError,
    DatabaseUnavailable,
    DiskFullError,
)

# What SQLite (directly or through peewee) raises when a file is damaged, read-only or busy.
DATABASE_ERRORS = (sqlite3.Error, PeeweeDatabaseError)
# What a rollback raises when the connection it needs is already gone (after a failed write).
LOST_CONNECTION_ERRORS = (PeeweeInterfaceError,)
_DAMAGE_WORDS = ("malformed", "not a database", "decode", "corrupt", "integrity")
_READ_ONLY_WORDS = ("readonly", "read-only", "unable to open", "permission", "access")
# What the server's driver says when the connection went away (the server stopped or restarted,
# the network dropped, an administrator ended the session).
_SERVER_GONE_WORDS = ("terminating connection", "server closed the connection", "connection is closed",
                      "connection is lost", "consuming input failed", "connection refused", "shutting down",
                      "ssl syscall", "could not receive data", "could not send data", "connection timed out",
                      "connection failed")

def plain_failure(exc: BaseException, path: str | Path | None = None, *,
                  at_commit: bool = False) -> DatabaseError | None:
    """SQLite's complaint about the file at ``path`` in plain words, or None when the complaint
    is not about the file or its disk (a constraint or a trigger refused a row: the caller's).
    ``at_commit``: the failure came at a server's COMMIT, which the server may have carried out."""
    if isinstance(exc, (sqlite3.IntegrityError, PeeweeIntegrityError)):
        return None
    where = str(path) if path else "the database"
    folder = str(Path(path).parent) if path else "its folder"
    text = str(exc).strip() or type(exc).__name__
    lowered = text.lower()
    if any(word in lowered for word in _SERVER_GONE_WORDS):
        return _server_gone(where, text, at_commit)
    if "disk is full" in lowered or "disk full" in lowered:
        return DiskFullError(f"The disk holding {where} is full: nothing was saved. Free some space "
                             f"on that disk (the folder {folder}), then do it again.")
    if any(word in lowered for word in _DAMAGE_WORDS):
        return DatabaseDamagedError(f"{path or 'The database'} is damaged ({text}). Restore a "
                                    "backup (File > Restore…, or `billing-desk restore`); nothing was "
                                    "saved.")
    if any(word in lowered for word in _READ_ONLY_WORDS):
        return DatabaseReadOnlyError(f"{where} is read-only here: nothing was saved. The file or its "
                                     f"folder {folder} cannot be written, or this account may not change "
                                     f"it: copy it to a folder you can write to, or ask whoever looks "
                                     f"after the PC ({text}).")
    if "locked" in lowered or "busy" in lowered:
        return DatabaseBusyError(f"another program is using {where} and did not let go: nothing was "
                                 "saved. Close the other program (or wait a moment), then try again.")
    return None


def _server_gone(where: str, text: str, at_commit: bool) -> DatabaseUnavailable:
    if at_commit:
        return DatabaseUnavailable(
            f"The connection to the server {where} was lost while it confirmed the save ({text}): it "
            "may have been saved. Look first (reload the account or the list) so nothing is entered "
            "twice; check that the server is running and this PC is on the office's network.")
    return DatabaseUnavailable(f"The connection to the server {where} was lost ({text}): nothing was "
                               "saved. Check that the server is running and this PC is on the "
                               "office's network, then do it again.")


def database_failure(exc: BaseException, path: str | Path | None = None) -> DatabaseError:
    """One clear message for an error SQLite raised about the file at ``path``."""
    plain = plain_failure(exc, path)
    if plain is not None:
        return plain
    text = str(exc).strip() or type(exc).__name__
    return DatabaseError(f"{path or 'The database'} could not be used: {text}.")
