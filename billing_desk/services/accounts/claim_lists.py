"""The claims list: by status, payer, age and amount, searched as typed; paged and counted in SQL.
(Beside the other lists of services/accounts/lists.py: it searches accounts as they do.)"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from peewee import fn

from ...choices import CLAIM_CLOSED_STATUSES, CLAIM_STATUSES
from ...errors import ValidationError
from ...models import Account, Claim, Invoice, Payer
from ...names import listed
from ..books.account_search import search_condition
from ..claims.claim_status import NAMES, claim_version
from ..office.transactions import today as office_today
from .lists import count as counted


def status_named(text: str) -> str:
    """A status as typed ("partly paid", "partly_paid", "Held") as the list filters it."""
    key = (text or "").strip().lower().replace(" ", "_").replace("-", "_")
    if key not in CLAIM_STATUSES:
        raise ValidationError(f"'{text}' is not a claim status; the statuses are "
                              f"{', '.join(NAMES[s] for s in CLAIM_STATUSES)}", "status")
    return key


def claims_query(text: str = "", status: str | None = None, *, payer: str = "",
                 min_age: int | None = None, max_age: int | None = None,
                 min_amount: Decimal | None = None, max_amount: Decimal | None = None,
                 today: dt.date | None = None):
    """Claims newest first. ``text``: a claim's control or payer number, an invoice number, or
    the patient's name, number or phone; age in days since the claim was made. ``status`` "open":
    every claim something is still expected of (not resubmitted, voided or closed)."""
    conds = []
    if status == "open":
        conds.append(Claim.status.not_in(CLAIM_CLOSED_STATUSES))
    elif status:
        conds.append(Claim.status == status)
    if (payer or "").strip():
        named = Payer.select(Payer.id).where(fn.LOWER(Payer.name) == payer.strip().lower())
        conds.append(Claim.payer.in_(named))
    day = today or office_today()
    if min_age is not None:
        conds.append(Claim.created_at < dt.datetime.combine(day - dt.timedelta(days=min_age - 1), dt.time()))
    if max_age is not None:
        conds.append(Claim.created_at >= dt.datetime.combine(day - dt.timedelta(days=max_age), dt.time()))
    if min_amount is not None:
        conds.append(Claim.total_charge >= min_amount)
    if max_amount is not None:
        conds.append(Claim.total_charge <= max_amount)
    text = (text or "").strip()
    if text:
        conds.append(Claim.id.in_(_claims_matching(text)))
    # Every condition is on the claim itself: it is counted and paged by its ids alone (every
    # claim has its invoice, account and payer), and only the page's rows are joined.
    query = Claim.select(Claim, Invoice, Account, Payer).join(Invoice).join(Account).switch(Claim).join(Payer)
    ids = Claim.select(Claim.id)
    for cond in conds:
        query, ids = query.where(cond), ids.where(cond)
    query = query.order_by(Claim.id.desc())
    setattr(query, "count_query", ids)  # noqa: B010 - lists.count and lists.page read them
    setattr(query, "page_ids", ids.order_by(Claim.id.desc()))  # noqa: B010
    return query


def _claims_matching(text: str):
    """The claims a typed text names, each way through its own index: the control number, the
    payer's claim number, the patient's accounts, the invoice number (an OR across the claim and
    its invoice would read every claim)."""
    on_invoices = Claim.select(Claim.id).join(Invoice)
    accounts = Account.select(Account.id).where(search_condition(text))
    found = (Claim.select(Claim.id).where(Claim.control_number == text)
             | Claim.select(Claim.id).where(Claim.payer_claim_number == text)
             | on_invoices.where(Invoice.account.in_(accounts)))
    if text.isdigit():
        found = found | on_invoices.where(Invoice.number == int(text))
    return found


@dataclass(frozen=True)
class ClaimRow:
    claim_id: int
    control_number: str
    status: str
    rank: str
    frequency: str
    payer: str
    account: str
    patient: str
    invoice: int | None
    made: dt.date
    age_days: int
    total: Decimal
    hold_reason: str
    version: str = ""  # as read: an action hands it back (claim_status.claim_version)


ROW_FIELDS = (Claim.id, Claim.control_number, Claim.status, Claim.rank, Claim.frequency, Payer.name,
              Account.number, Account.last_name, Account.first_name, Account.middle_name, Account.suffix,
              Account.organization, Account.kind, Invoice.number, Claim.created_at, Claim.total_charge,
              Claim.hold_reason, Claim.updated_at, Claim.payer_claim_number)


def rows(query, *, offset: int = 0, limit: int | None = 100, today: dt.date | None = None) -> list[ClaimRow]:
    """The page's claims, newest first. Only the columns the list shows are read, as plain
    tuples: a page of whole claims, invoices, accounts and payers took most of a tab switch."""
    day = today or office_today()
    ids = query.page_ids.limit(limit).offset(offset) if limit else query.page_ids
    found = (Claim.select(*ROW_FIELDS).join(Invoice).join(Account).switch(Claim).join(Payer)
             .where(Claim.id.in_(ids)).order_by(Claim.id.desc()).tuples())
    return [ClaimRow(claim_id, control, NAMES[status], rank, frequency, payer, account,
                     listed(last, first, middle, suffix, organization, kind), invoice,
                     made.date(), (day - made.date()).days, total, hold_reason,
                     claim_version(status, updated_at, hold_reason, payer_number))
            for (claim_id, control, status, rank, frequency, payer, account, last, first, middle, suffix,
                 organization, kind, invoice, made, total, hold_reason, updated_at, payer_number) in found]


def count(query) -> int:
    return counted(query)  # once per state of the data
