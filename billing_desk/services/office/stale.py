"""Stale screens are refused, not silently overwritten (issue 22).

A screen that edits a saved record keeps the record's *version* from when it showed it: a short
fingerprint of the stored values (``version``). Its save hands that back (``loaded_as``), and
the service, inside its write transaction (the office's one writer: SQLite's write lock, the
server's advisory lock), reads the record again and refuses when it has changed since
(``refuse_if_changed``): nothing is saved, and the clerk is told which record, who changed it
(when the audit trail knows) and to reload. An empty ``loaded_as`` (a command, an import, a new
record) checks nothing.

A fingerprint, not a stored counter: it needs no column on every table, a change made by an
older program or an import counts too, and a save that changes nothing changes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable
from typing import TypeVar

from peewee import Model

from ...errors import StaleRecordError
from ...models import AuditEntry
from . import audit

M = TypeVar("M", bound=Model)


def fingerprint(values: object) -> str:
    """Sixteen hex digits that change whenever ``values`` (JSON-able data) do."""
    text = json.dumps(values, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def version_of(*rows: Model | None, fields: tuple[str, ...] = ()) -> str:
    """The version of rows as the database holds them (read them fresh: a row object a service
    changed in memory may hold values of other types than the stored ones). ``fields``: only
    these count (a user's sign-in count is no change to the user's screen); default all."""
    return fingerprint([audit.snapshot(row, *fields) for row in rows])


def version(model: type[Model], record_id: int | None, fields: tuple[str, ...] = ()) -> str:
    """The version of one saved record, read afresh ("" for none or a record not saved)."""
    if record_id is None:
        return ""
    return version_of(model.get_or_none(model._meta.primary_key == record_id), fields=fields)


def versions(rows: Iterable[Model]) -> str:
    """The version of a set of rows shown on one screen (settings, the collection stages)."""
    return version_of(*rows)


def who_changed(table: str, record_id: int | None = None, summaries: Iterable[str] = ()) -> str:
    """" (last by Dana Reyes at 14:02 on 12/04/2026)": the last audited change of the record (or,
    for rows the audit trail keeps no id of, the last entry of the table with one of
    ``summaries``); "" when the audit trail does not say."""
    if not table:
        return ""
    query = AuditEntry.select().where(AuditEntry.table == table)
    summaries = list(summaries)
    if record_id is not None:
        query = query.where(AuditEntry.record_id == record_id)
    elif summaries:
        query = query.where(AuditEntry.summary.in_(summaries))
    else:
        return ""
    entry = query.order_by(AuditEntry.id.desc()).first()
    if entry is None:
        return ""
    who = entry.user.full_name if entry.user_id and entry.user.full_name else entry.username
    day, _, clock = str(entry.at).replace("T", " ").partition(" ")
    try:
        day = f"{dt.date.fromisoformat(day[:10]):%m/%d/%Y}"
    except ValueError:
        pass
    when = f" at {clock[:5]} on {day}" if clock else f" on {day}"
    return f" (last by {who}{when})" if who else f" (last{when})"


def refuse_if_changed(loaded_as: str, now: str, what: str, *, table: str = "",
                      record_id: int | None = None, summaries: Iterable[str] = ()) -> None:
    """Call inside the write's transaction, with ``now`` read there: refuse the save when the
    record is no longer the one the screen showed. ``what`` names it in the clerk's words
    ("Payer Aetna", "The office settings")."""
    if not loaded_as or loaded_as == now:
        return
    raise StaleRecordError(
        f"{what} was changed on another screen or workstation"
        f"{who_changed(table, record_id, summaries)} after this screen showed it: nothing was "
        "saved. Anything typed into this screen's boxes is still there to copy: reload to see "
        "the other change (choose it again in the list, or close and reopen this window), then "
        "make your change again if it is still needed.")


def check_current(model: type[M], record_id: int, loaded_as: str, what: Callable[[M], str],
                  fields: tuple[str, ...] = ()) -> M:
    """Read one record inside the write's transaction and refuse when it changed since the
    screen showed it (``loaded_as``, its ``version`` with the same ``fields``); returns the
    record as it is now. ``what(row)`` names it in the clerk's words."""
    row = model.get_by_id(record_id)
    if loaded_as:
        refuse_if_changed(loaded_as, version_of(row, fields=fields), what(row), table=model._meta.table_name,
                          record_id=record_id)
    return row
