"""The denial worklist: denied claims (and partly paid ones insurance still owes on) by payer,
reason code and age, searched as the claims list is and filtered by code ("16", "CO16", or a
group "PR"); oldest denial first.
The reason codes come from ``services.claims.denials.denial_reasons_for`` (one query for the page).
(Beside claim_lists.py: it searches accounts as the other lists do.)"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from peewee import fn

from ...models import Account, Claim, ClaimEvent, ClaimLine, Invoice, InvoiceLine, Payer
from ...money import ZERO, from_cents
from ..books.account_search import search_condition
from ..claims import claim_history
from ..claims.claim_status import version_of_claim
from ..claims.denials import DENIED, GROUPS, DenialReason, denial_event, denial_reasons_for
from ..office import transactions
from ..office.transactions import today as office_today


@dataclass(frozen=True)
class DenialRow:
    claim_id: int
    control_number: str
    payer_claim_number: str
    status: str
    payer: str
    account: str
    patient: str
    invoice: int | None
    service_date: dt.date | None
    denied_on: dt.date
    age_days: int  # since the denial
    total: Decimal
    insurance_owes: Decimal
    reasons: tuple[DenialReason, ...]
    appealed_on: dt.date | None
    follow_up_on: dt.date | None
    version: str = ""  # as read: an action hands it back (claim_status.claim_version)

    @property
    def codes(self) -> str:
        return ", ".join(f"{r.group}{r.code}" for r in self.reasons if r.code) or "none"

    @property
    def reason(self) -> str:
        return "; ".join(str(r) for r in self.reasons)


@dataclass
class DenialFilter:
    text: str = ""  # claim or payer's claim number, invoice number, patient name, account, phone
    payer: str = ""  # a payer's name
    code: str = ""  # "16", "CO16", "PR" (a group), as typed
    min_age: int | None = None
    max_age: int | None = None


def worklist(which: DenialFilter | None = None, *, today: dt.date | None = None) -> list[DenialRow]:
    """Denied (and partly paid) claims, oldest denial first; as of a day before today, the
    claims denied at the end of that day, as they stood then (``claims.claim_history``)."""
    which = which or DenialFilter()
    day = today or office_today()
    then = claim_history.claims_on(day) if day < transactions.today() else None
    query = (Claim.select(Claim, Invoice, Account, Payer)
             .join(Invoice).join(Account).switch(Claim).join(Payer))
    if then is None:
        query = query.where(Claim.status.in_(DENIED))
    else:
        query = query.where(Claim.id.in_([k for k, c in then.items() if c.status in DENIED]))
    if which.payer.strip():
        query = query.where(fn.LOWER(Payer.name) == which.payer.strip().lower())
    text = which.text.strip()
    if text:
        cond = ((Claim.control_number == text) | (Claim.payer_claim_number == text)
                | Invoice.account.in_(Account.select(Account.id).where(search_condition(text))))
        if text.isdigit():
            cond = cond | (Invoice.number == int(text))
        query = query.where(cond)
    claims = list(query)
    ids = [c.id for c in claims]
    if then is None:
        when, owes = denied_on(ids), _insurance_owes(ids)
        reasons = denial_reasons_for(ids)
        status = {c.id: (c.status, c.appealed_on, c.follow_up_on) for c in claims}
    else:
        when = {k: then[k].denied_on or day for k in ids}
        owes = {k: claim_history.owed(c) for k, c in claim_history.insurance_owed_on(ids, day).items()}
        reasons = denial_reasons_for(ids, through=day)
        calls = claim_history.last_calls_on(ids, day)
        status = {k: (then[k].status, then[k].appealed_on,
                      claim_history.follow_up_on(then[k], calls.get(k))) for k in ids}
    claims.sort(key=lambda c: (when[c.id], c.id))
    rows = []
    for claim in claims:
        denied = when[claim.id]
        state, appealed, follow_up = status[claim.id]
        row = DenialRow(claim.id, claim.control_number, claim.payer_claim_number, state,
                        claim.payer.name, claim.invoice.account.number,
                        claim.invoice.account.display_name, claim.invoice.number,
                        claim.invoice.service_date, denied, (day - denied).days,
                        claim.total_charge, owes.get(claim.id, ZERO), tuple(reasons[claim.id]),
                        appealed, follow_up, version_of_claim(claim))
        if row.status == "partly_paid" and not row.insurance_owes:
            continue  # its unpaid lines were settled already: nothing left to work
        if _wanted(row, which):
            rows.append(row)
    return rows


def denied_on(claim_ids: list[int]) -> dict[int, dt.date]:
    """The day each claim was (last) denied, in one query."""
    query = (ClaimEvent.select(ClaimEvent.claim, fn.MAX(ClaimEvent.at))
             .where(ClaimEvent.claim.in_(claim_ids), denial_event()).group_by(ClaimEvent.claim))
    return {claim_id: _day(at) for claim_id, at in query.tuples()}


def _day(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.datetime.fromisoformat(str(value)).date()


def _wanted(row: DenialRow, which: DenialFilter) -> bool:
    if which.min_age is not None and row.age_days < which.min_age:
        return False
    if which.max_age is not None and row.age_days > which.max_age:
        return False
    code = which.code.strip().upper().replace(" ", "").replace("-", "")
    if not code:
        return True
    if code in GROUPS:
        return any(r.group == code for r in row.reasons)
    return any(code in (r.code, f"{r.group}{r.code}") for r in row.reasons)


def _insurance_owes(claim_ids: list[int]) -> dict[int, Decimal]:
    query = (ClaimLine.select(ClaimLine.claim, fn.SUM(InvoiceLine.insurance_balance).alias("owes"))
             .join(InvoiceLine).where(ClaimLine.claim.in_(claim_ids)).group_by(ClaimLine.claim))
    return {row.claim_id: from_cents(row.owes or 0) for row in query}


def payer_names() -> list[str]:
    """The payers with denied claims, for the worklist's payer box."""
    return [p.name for p in Payer.select(Payer.name).join(Claim, on=(Claim.payer == Payer.id))
            .where(Claim.status.in_(DENIED)).distinct().order_by(Payer.name)]
