"""Closing days: a supervisor locks the books up to a date, once its day sheet is printed.

Days are closed in order: closing a day closes every day before it too (the books are closed
*through* a date, kept in the ``books_closed_through`` setting). A ledger entry later dated
into a closed day is not refused: ``ledger.post_entry`` moves its entry date to the next open
day (its posting date keeps the date asked for), so a closed day's sheet never changes and the
correction shows on the next open day's sheet. Closed days are not reopened.
"""

from __future__ import annotations

import datetime as dt

from ...errors import RuleError
from ...models import Setting, User
from ..office import audit, steady
from ..office.permissions import require
from ..office.transactions import in_transaction, today

KEY = "books_closed_through"


def closed_through() -> dt.date | None:
    """The last closed day, or None when no day was ever closed."""
    row = Setting.get_or_none(Setting.key == KEY)
    return dt.date.fromisoformat(row.value) if row is not None and row.value else None


def is_closed(day: dt.date) -> bool:
    through = closed_through()
    return through is not None and day <= through


def next_open_day() -> dt.date:
    """The first day entries can still be dated on (today if nothing is closed past it)."""
    through = closed_through()
    return max(today(), through + dt.timedelta(days=1)) if through else today()


def close_day(day: dt.date, by: User, *, now: dt.date | None = None) -> dt.date:
    """Close ``day`` (and every day before it). Supervisors only; returns the day closed.

    A day that has not ended yet may be closed (the office closes at the end of the day); a
    day after today may not, and a day already closed says so.
    """
    require(by, "close_day")
    if day > (now or today()):
        raise RuleError(f"{day:%m/%d/%Y} has not come yet: only today or an earlier day can be "
                        "closed.")
    with in_transaction():
        before = closed_through()
        if before is not None and day <= before:
            raise RuleError(f"{day:%m/%d/%Y} is already closed (the books are closed through "
                            f"{before:%m/%d/%Y}).")
        Setting.insert(key=KEY, value=day.isoformat()).on_conflict_replace().execute()
        steady.forget()  # a kept setting is read afresh
        audit.record(by, "close_day", table="setting",
                     summary=f"closed the books through {day:%m/%d/%Y}",
                     before={KEY: before.isoformat() if before else None},
                     after={KEY: day.isoformat()})
    return day
