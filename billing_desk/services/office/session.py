"""An open office: the database file and the user acting on it. The window is handed one."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ...models import User
from ...models.db import FileLock, OpenedDatabase, open_database
from ...models.dialect import is_server_url
from ...models.migrations import SCHEMA_VERSION
from ...models.server import (
    ChangeWatcher,
    OfficeServer,
    set_password_file,
    set_password_prompt,
    terminal_password,
)
from .users import ensure_administrator

# The door to the office's file for the layers above (ui, cli): SCHEMA_VERSION is what this program
# writes; open_database and FileLock serve the command line's read-only and maintenance opens.
__all__ = ["SCHEMA_VERSION", "ChangeWatcher", "FileLock", "OpenedDatabase", "Session", "is_server_url",
           "open_database", "open_session", "server_password_from", "watch_changes"]


def watch_changes(opened: OpenedDatabase) -> ChangeWatcher | None:
    """For an office on a server: what tells a window that another workstation saved something
    (None for a file, which only this program writes)."""
    return ChangeWatcher(opened.db) if isinstance(opened.db, OfficeServer) else None


def server_password_from(*, file: str | None = None, prompt=terminal_password) -> None:
    """Where a server's password comes from when the server asks: ``file`` (its first line), else
    the PGPASSFILE the driver reads, else ``prompt(address)`` (the terminal's, or the window's)."""
    set_password_file(file)
    set_password_prompt(prompt)


@dataclass
class Session:
    opened: OpenedDatabase
    user: User | None  # None until someone signs in (see open_session's ``choose_user``)

    @property
    def path(self) -> Path:
        return self.opened.path

    def close(self) -> None:
        self.opened.close()


def open_session(path, *, choose_user: bool = True, **kwargs) -> Session:
    """Open the office; ``choose_user=False`` leaves ``user`` None for the sign-in to set."""
    opened = open_database(path, **kwargs)
    if opened.lock is not None:
        _clean_leftovers(opened.path)
    if not choose_user:
        return Session(opened, None)
    try:
        user = ensure_administrator()
    except BaseException:
        opened.close()
        raise
    return Session(opened, user)


def _clean_leftovers(db_path: Path) -> None:
    """What killed backups and restores left beside the file and in the backup folder; backups
    complete but not in the audit trail (the program was stopped first) are recorded."""
    from .backup import backup_folder, record_unrecorded
    from .leftovers import clean_leftovers

    try:
        clean_leftovers(db_path, backup_folder(), holding_lock=True)
        record_unrecorded(backup_folder(), db_path.stem)
    except OSError:
        pass  # a folder that cannot be read now is cleaned at the next start or backup
