"""The insurance follow-up list and the payers' payment speed.

A claim that went out (submitted or accepted) is due for follow-up once the payer's follow-up
days (``Payer.follow_up_days``, 30 unless set) have passed since it was submitted with no answer;
a call or an appeal with a follow-up date moves that day (``Claim.follow_up_on``), and an
appealed denial comes back on the list on its follow-up date. Oldest first, with the last call.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from statistics import median

from peewee import JOIN, fn

from ...models import Account, Claim, ClaimEvent, Invoice, Payer, PayerCall
from ..office import transactions
from ..office.transactions import today as office_today
from . import claim_history
from .claim_status import NAMES
from .denials import APPEALED

WAITING = ("submitted", "accepted")
PAID = ("paid", "partly_paid")


def _submissions():
    """Each claim's latest submission (a subquery: claim_id, at)."""
    return (ClaimEvent.select(ClaimEvent.claim, fn.MAX(ClaimEvent.at).alias("at"))
            .where(ClaimEvent.status == "submitted").group_by(ClaimEvent.claim).alias("s"))


@dataclass(frozen=True)
class FollowUpRow:
    claim_id: int
    control_number: str
    payer_claim_number: str
    status: str
    payer: str
    payer_phone: str
    account: str
    patient: str
    invoice: int | None
    submitted_on: dt.date
    days_waiting: int
    total: Decimal
    due_on: dt.date  # the next follow-up
    last_call_on: dt.date | None
    last_call: str  # who answered and what, in short


def follow_up_list(*, payer: str = "", show: str = "due", today: dt.date | None = None,
                   limit: int | None = None) -> list[FollowUpRow]:
    """Claims waiting for the payer's answer (and appealed denials), oldest submission first.
    ``show`` "due": only those whose follow-up day has come; "all": every one waiting. As of a
    day before today: the claims waiting at the end of that day, as they stood then."""
    day = today or office_today()
    if day < transactions.today():
        return _follow_up_then(payer, show, day, limit)
    sent = _submissions()
    due = fn.COALESCE(Claim.follow_up_on, fn.date(sent.c.at, fn.printf("+%d days", Payer.follow_up_days)))
    query = (Claim.select(Claim, Invoice, Account, Payer)
             .join(Invoice).join(Account).switch(Claim).join(Payer).switch(Claim)
             .join(sent, on=(sent.c.claim_id == Claim.id))
             .where(Claim.status.in_(WAITING)
                    | ((Claim.status == "denied") & Claim.appealed_on.is_null(False))))
    if payer.strip():
        query = query.where(fn.LOWER(Payer.name) == payer.strip().lower())
    if show == "due":
        query = query.where(due <= day.isoformat())
    query = query.order_by(sent.c.at, Claim.id)
    if limit:
        query = query.limit(limit)
    claims = list(query)
    ids = [c.id for c in claims]
    submitted = {claim_id: _day(at) for claim_id, at in ClaimEvent.select(
        ClaimEvent.claim, fn.MAX(ClaimEvent.at)).where(ClaimEvent.claim.in_(ids),
                                                      ClaimEvent.status == "submitted")
        .group_by(ClaimEvent.claim).tuples()}
    calls = last_calls(ids)
    rows = []
    for c in claims:
        sent_on = submitted[c.id]
        call = calls.get(c.id)
        rows.append(FollowUpRow(
            c.id, c.control_number, c.payer_claim_number,
            NAMES[c.status] + (" (appealed)" if c.appealed_on else ""), c.payer.name, c.payer.phone,
            c.invoice.account.number, c.invoice.account.display_name, c.invoice.number, sent_on,
            (day - sent_on).days, c.total_charge,
            c.follow_up_on or sent_on + dt.timedelta(days=c.payer.follow_up_days),
            call.called_on if call else None, _call_words(call)))
    return rows


def _follow_up_then(payer: str, show: str, day: dt.date, limit: int | None) -> list[FollowUpRow]:
    """``follow_up_list`` at the end of a past day (``claim_history``)."""
    then = claim_history.claims_on(day)
    waiting = [k for k, c in then.items() if c.submitted_on is not None and (
        c.status in WAITING or (c.status == "denied" and c.appealed_on is not None))]
    query = (Claim.select(Claim, Invoice, Account, Payer).join(Invoice).join(Account)
             .switch(Claim).join(Payer).where(Claim.id.in_(waiting)))
    if payer.strip():
        query = query.where(fn.LOWER(Payer.name) == payer.strip().lower())
    claims = list(query)
    calls = claim_history.last_calls_on([c.id for c in claims], day)
    rows = []
    for c in claims:
        was = then[c.id]
        sent_on = was.submitted_on
        assert sent_on is not None  # only submitted claims are waiting
        due = (claim_history.follow_up_on(was, calls.get(c.id))
               or sent_on + dt.timedelta(days=c.payer.follow_up_days))
        if show == "due" and due > day:
            continue
        call = calls.get(c.id)
        rows.append(FollowUpRow(
            c.id, c.control_number, c.payer_claim_number,
            NAMES[was.status] + (" (appealed)" if was.appealed_on else ""), c.payer.name,
            c.payer.phone, c.invoice.account.number, c.invoice.account.display_name,
            c.invoice.number, sent_on, (day - sent_on).days, c.total_charge, due,
            call.called_on if call else None, _call_words(call)))
    rows.sort(key=lambda r: (r.submitted_on, r.claim_id))
    return rows[:limit] if limit else rows


def _call_words(call: PayerCall | None) -> str:
    if call is None:
        return ""
    who = f"{call.representative}: " if call.representative else ""
    return (who + (call.answer or call.question)).strip() + (f" (ref {call.reference})"
                                                             if call.reference else "")


def last_calls(claim_ids: list[int]) -> dict[int, PayerCall]:
    """Each claim's latest call, in one query."""
    latest = (PayerCall.select(fn.MAX(PayerCall.id)).where(PayerCall.claim.in_(claim_ids))
              .group_by(PayerCall.claim))
    return {c.claim_id: c for c in PayerCall.select().where(PayerCall.id.in_(latest))}


def _day(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


# --- payment speed --------------------------------------------------------------------------------

@dataclass(frozen=True)
class PaidClaim:
    payer: str
    control_number: str
    account: str
    patient: str
    submitted_on: dt.date
    paid_on: dt.date
    days: int
    total: Decimal


def paid_claims(*, start: dt.date, end: dt.date) -> list[PaidClaim]:
    """Claims paid (or partly paid) in the period with the days from their first submission to
    their first payment: the paid or partly paid event, else the payment date kept on the claim."""
    first_sent = (ClaimEvent.select(ClaimEvent.claim, fn.MIN(ClaimEvent.at).alias("at"))
                  .where(ClaimEvent.status == "submitted").group_by(ClaimEvent.claim).alias("s"))
    first_paid = (ClaimEvent.select(ClaimEvent.claim, fn.MIN(ClaimEvent.at).alias("at"))
                  .where(ClaimEvent.status.in_(PAID), ~ClaimEvent.note.startswith(APPEALED))
                  .group_by(ClaimEvent.claim).alias("p"))
    query = (Claim.select(Claim, Invoice, Account, Payer)
             .join(Invoice).join(Account).switch(Claim).join(Payer).switch(Claim)
             .join(first_sent, on=(first_sent.c.claim_id == Claim.id))
             .join(first_paid, JOIN.LEFT_OUTER, on=(first_paid.c.claim_id == Claim.id))
             .where(first_paid.c.at.is_null(False) | Claim.paid_on.is_null(False))
             .order_by(Payer.name, Claim.id))
    claims = {c.id: c for c in query}
    times = (Claim.select(Claim.id, first_sent.c.at, first_paid.c.at)
             .join(first_sent, on=(first_sent.c.claim_id == Claim.id))
             .join(first_paid, JOIN.LEFT_OUTER, on=(first_paid.c.claim_id == Claim.id))
             .where(Claim.id.in_(list(claims))).tuples())
    rows = []
    for claim_id, sent_at, paid_at in times:
        c = claims[claim_id]
        sent = _day(sent_at)
        paid = _day(paid_at) if paid_at else c.paid_on
        if paid is None or paid < sent or not start <= paid <= end:
            continue  # a secondary's paid_on is the primary's payment, before it was sent
        rows.append(PaidClaim(c.payer.name, c.control_number, c.invoice.account.number,
                              c.invoice.account.display_name, sent, paid, (paid - sent).days,
                              c.total_charge))
    return rows


def payment_speed(*, start: dt.date, end: dt.date) -> list[dict]:
    """Per payer: claims paid in the period, average, median, fastest and slowest days from
    submission to payment, and the share paid within 30 days."""
    by_payer: dict[str, list[PaidClaim]] = {}
    for row in paid_claims(start=start, end=end):
        by_payer.setdefault(row.payer, []).append(row)
    result = []
    for payer, items in sorted(by_payer.items()):
        days = [i.days for i in items]
        result.append({"payer": payer, "claims": len(items),
                       "average": (Decimal(sum(days)) / len(days)).quantize(Decimal("0.1")),
                       "median": Decimal(str(median(days))).quantize(Decimal("0.1")),
                       "fastest": min(days), "slowest": max(days),
                       "within_30": (Decimal(sum(1 for d in days if d <= 30)) / len(days))
                       .quantize(Decimal("0.0001")),
                       "billed": sum((i.total for i in items), Decimal("0.00"))})
    return result
