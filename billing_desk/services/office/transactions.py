"""The one way services open a write, and the one place that says what day it is.

A write that the database refuses (a full disk, a file another program holds, a read-only or
damaged file) leaves here as a ``DatabaseError`` in plain words, never as SQLite's own.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ...errors import BillingError
from ...models import database
from ...models.db import DATABASE_ERRORS, LOST_CONNECTION_ERRORS, database_failure, plain_failure
from ...models.server import OfficeServer
from . import steady

__all__ = ["DATABASE_ERRORS", "database_failure", "explain_database_error", "in_transaction",
           "on_commit", "today"]
# What SQLite says after a failed write, which is only an echo of the first cause.
_ECHOES = ("cannot rollback", "no transaction is active", "cannot commit")


#: Called (with no arguments, on the thread that wrote) after each outermost write is committed,
#: so a window can refresh the counts and totals it shows. A listener must not raise.
_COMMIT_LISTENERS: list[Callable[[], None]] = []


def on_commit(listener: Callable[[], None]) -> Callable[[], None]:
    """Call ``listener`` after every committed write; returns the function that stops it."""
    _COMMIT_LISTENERS.append(listener)

    def stop() -> None:
        if listener in _COMMIT_LISTENERS:
            _COMMIT_LISTENERS.remove(listener)

    return stop


def _committed() -> None:
    for listener in list(_COMMIT_LISTENERS):
        try:
            listener()
        except Exception:  # a listener's failure never turns a saved write into an error
            logging.getLogger("billing_desk.database").exception("a commit listener failed")


#: What day it is. Tests pin the day here, never by replacing ``today``: a module that imported
#: ``today`` while it was replaced would keep the replacement after the test.
_clock: Callable[[], dt.date] = dt.date.today


def today() -> dt.date:
    return _clock()


def close_thread_connection(opened: object | None = None) -> None:
    """A worker thread's last act: close its own connection to the database (others keep theirs);
    ``opened``: to a database opened before (``opened_database()``), not the one open now."""
    if opened is not None:
        if not opened.is_closed():  # type: ignore[attr-defined]
            opened.close()  # type: ignore[attr-defined]
        return
    if database.obj is not None and not database.is_closed():  # None: no database opened yet
        database.close()


def opened_database() -> object | None:
    """The database the program has open now (each open makes a new one: a restore, another
    office); a thread that keeps its connection compares it to see it must read the new one."""
    return database.obj


@contextmanager
def in_transaction() -> Iterator[object]:
    """The one way services open a write: ``with in_transaction(): ...``.

    All of it is saved or none of it; a refusal from the database becomes a ``DatabaseError``.
    """
    outermost = database.transaction_depth() == 0
    if not outermost and steady.whole():  # one whole build: no savepoint (see steady.py)
        with _without_savepoint() as transaction:
            yield transaction
        return
    try:
        with database.atomic() as transaction:
            yield transaction
    except BaseException as exc:
        steady.forget()  # rolled back: nothing kept from inside it (the audit chain's head) stays
        if not isinstance(exc, DATABASE_ERRORS) and not _lost_rollback(exc):
            raise
        plain = explain_database_error(exc)
        if plain is None:
            raise  # a rule of the schema (a constraint, a trigger): the caller's to handle
        logging.getLogger("billing_desk.database").warning("a write was refused: %s", plain,
                                                            exc_info=first_cause(exc))
        raise plain from exc
    if outermost:
        _committed()


def _lost_rollback(exc: BaseException) -> bool:
    """The rollback after a failed write could not run (the connection was gone): the write's
    own failure, earlier in the chain, is the one to explain."""
    return isinstance(exc, LOST_CONNECTION_ERRORS) and any(
        isinstance(link, DATABASE_ERRORS) for link in _chain(exc)[1:])


@contextmanager
def _without_savepoint() -> Iterator[object]:
    """A nested write inside a whole build; one that fails after changing a row breaks the build."""
    before = _changes()
    try:
        yield database.top_transaction()
    except BaseException as exc:
        if before is None or _changes() != before:
            steady.broke(exc)
        raise


def _changes() -> int | None:
    """Rows changed so far on this connection (SQLite), or None when the engine cannot tell."""
    return getattr(database.connection(), "total_changes", None)


def _chain(exc: BaseException) -> list[BaseException]:
    """``exc`` and what it came from, the first cause last."""
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def first_cause(exc: BaseException) -> BaseException:
    """The failure that started it: a failed rollback after a failed write hides the write's error."""
    for link in reversed(_chain(exc)):
        if isinstance(link, (BillingError, *DATABASE_ERRORS)) and not _is_echo(link):
            return link
    return exc


def _is_echo(exc: BaseException) -> bool:
    return any(words in str(exc).lower() for words in _ECHOES)


def database_path() -> Path | None:
    if isinstance(database.obj, OfficeServer):
        return database.obj.address.place()
    name = getattr(database.obj, "database", None) if database.obj is not None else None
    if not name:
        return None
    return Path(str(name).removeprefix("file:").split("?", 1)[0])


def explain_database_error(exc: BaseException, path: Path | None = None) -> BillingError | None:
    """The plain message for a database failure (the first cause in ``exc``'s chain), or None
    when the cause is not the file or its disk (a constraint or trigger refused the row)."""
    cause = first_cause(exc)
    if isinstance(cause, BillingError):
        return cause
    if path is None and isinstance(database.obj, OfficeServer):  # named by its address
        return plain_failure(cause, str(database.obj.address), at_commit=database.obj.lost_at_commit())
    return plain_failure(cause, path or database_path())
