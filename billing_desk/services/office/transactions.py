"""The one way services open a write, and the one place that says what day it is."""

from __future__ import annotations

import datetime as dt

from ...models import database


def today() -> dt.date:
    return dt.date.today()


def close_thread_connection() -> None:
    """A worker thread's last act: close its own connection to the database (others keep theirs)."""
    if not database.is_closed():
        database.close()


def in_transaction():
    """The one way services open a write: ``with in_transaction(): ...``."""
    return database.atomic()
