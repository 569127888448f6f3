"""Claims as they stood at the end of a past day, for the denials and follow-up reports as of
that day: each claim's status from its dated events (``ClaimEvent.at``: a claim made later has
none by then), the last submission, denial and appeal by then; what insurance still owed on its
lines from the ledger up to the day; its calls with the payer by the day they were made.
From today on those reports read the claims as they stand.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ...models import PayerCall, database
from ...money import from_cents
from .denials import APPEALED, DENIED

_FOLLOW_UP = re.compile(r"; follow up (\d\d)/(\d\d)/(\d{4})$")  # denials.appeal's event note


@dataclass
class ClaimThen:
    status: str
    submitted_on: dt.date | None = None
    denied_on: dt.date | None = None
    denial_note: str = ""
    appealed_on: dt.date | None = None
    appeal_follow_up: dt.date | None = None


def _day(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else dt.date.fromisoformat(str(value)[:10])


def claims_on(day: dt.date) -> dict[int, ClaimThen]:
    """Every claim that existed at the end of ``day``, as it stood then: its events dated by
    then, in the order they were made (an event keyed for an earlier day, as a batch can be,
    still comes after the ones made before it)."""
    found: dict[int, ClaimThen] = {}
    for claim_id, status, note, at in database.execute_sql(
            "SELECT claim_id, status, note, at FROM claim_event WHERE at < ? ORDER BY id",
            ((day + dt.timedelta(days=1)).isoformat(),)):
        then = found.get(claim_id)
        if then is None:
            then = found[claim_id] = ClaimThen(status)
        then.status = status
        note = note or ""
        if status == "submitted":
            then.submitted_on = _day(at)
        if note.startswith(APPEALED):
            then.appealed_on = _day(at)
            match = _FOLLOW_UP.search(note)
            then.appeal_follow_up = (dt.date(int(match[3]), int(match[1]), int(match[2]))
                                     if match else None)
        elif status in DENIED:
            then.denied_on, then.denial_note = _day(at), note
    return found


def insurance_owed_on(claim_ids: list[int], day: dt.date) -> dict[int, int]:
    """What insurance still owed on each claim's lines at the end of ``day``, in cents."""
    if not claim_ids:
        return {}
    marks = ", ".join("?" * len(claim_ids))
    return dict(database.execute_sql(
        f"""SELECT cl.claim_id, SUM(e.amount) FROM claim_line cl
            JOIN ledger_entry e ON e.line_id = cl.line_id AND e.party = 'insurance'
            WHERE cl.claim_id IN ({marks}) AND e.entry_date <= ? GROUP BY cl.claim_id""",
        [*claim_ids, day.isoformat()]).fetchall())


def owed(cents: int | None):
    return from_cents(cents or 0)


def last_calls_on(claim_ids: list[int], day: dt.date) -> dict[int, PayerCall]:
    """Each claim's latest call made by ``day``."""
    calls: dict[int, PayerCall] = {}
    for call in (PayerCall.select().where(PayerCall.claim.in_(claim_ids), PayerCall.called_on <= day)
                 .order_by(PayerCall.called_on, PayerCall.id)):
        calls[call.claim_id] = call
    return calls


def follow_up_on(then: ClaimThen, call: PayerCall | None) -> dt.date | None:
    """The follow-up day set last by that day: by the latest call or the latest appeal."""
    setters = [(call.called_on, call.follow_up_on)] if call is not None and call.follow_up_on else []
    if then.appealed_on and then.appeal_follow_up:
        setters.append((then.appealed_on, then.appeal_follow_up))
    return max(setters)[1] if setters else None
