"""The one way services open a write, and the one place that says what day it is."""

from __future__ import annotations

import datetime as dt

from ...models import database


def today() -> dt.date:
    return dt.date.today()


def in_transaction():
    """The one way services open a write: ``with in_transaction(): ...``."""
    return database.atomic()


def close_thread_connection() -> None:
    """Close the calling thread's database connection (peewee keeps one per thread); a worker
    thread calls it when its work is done. The window's own connection is not touched."""
    if database.obj is not None and not database.is_closed():  # None: no database opened yet
        database.close()
