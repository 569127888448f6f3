"""An open office: the database file and the user acting on it. The window is handed one."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..models import User
from ..models.db import OpenedDatabase, open_database
from .users import ensure_administrator


@dataclass
class Session:
    opened: OpenedDatabase
    user: User

    @property
    def path(self) -> Path:
        return self.opened.path

    def close(self) -> None:
        self.opened.close()


def open_session(path, **kwargs) -> Session:
    opened = open_database(path, **kwargs)
    try:
        user = ensure_administrator()
    except BaseException:
        opened.close()
        raise
    return Session(opened, user)
