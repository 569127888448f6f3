"""Patient statements as plain data: who gets one, what each says, and the copy kept.

A batch picks every account whose patient balance (less unapplied credit) is over the minimum,
whose billing cycle has come round since its last statement, that is not on hold (dispute,
hold, waiting for insurance) and not with an agency or written off. One account can be asked
for directly: it gets a statement whatever its cycle. ``printing.statements`` draws them;
``record_statements`` keeps each as a PDF ``Letter`` (kind "statement") on the account.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from ...models import Account, AccountCollection, Letter, User, database
from ...money import ZERO, from_cents, to_cents
from ...names import SQL_COLUMNS, listed
from ..office import audit
from ..office.settings import get_setting
from ..office.transactions import in_transaction
from .aging import BUCKETS, aging_by_account

HOLDS = {"dispute": "in dispute", "hold": "on hold", "insurance": "waiting for insurance"}

MESSAGES = (  # by the oldest bucket of what the patient owes
    ("current", "Thank you for your prompt payment. Please call us with any questions."),
    ("1-30", "Your account is past due. Please send your payment today."),
    ("31-60", "Your account is more than 30 days past due. Please pay the amount due now or "
              "call us to arrange a payment plan."),
    ("61-90", "Your account is seriously past due. Please call our billing office this week."),
    ("", "FINAL NOTICE: your account is over 90 days past due. Unless it is paid or you call us "
         "within 10 days, it may be referred for collection."),
)


@dataclass
class Skipped:
    account: str
    name: str
    reason: str


@dataclass
class Selection:
    account_ids: list[int] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def cycle_start(as_of: dt.date, cycle_day: int) -> dt.date:
    """The latest billing-cycle date on or before ``as_of`` (day clamped to the month's end)."""
    def on(year: int, month: int) -> dt.date:
        return dt.date(year, month, max(1, min(cycle_day, calendar.monthrange(year, month)[1])))
    this = on(as_of.year, as_of.month)
    if this <= as_of:
        return this
    year, month = (as_of.year, as_of.month - 1) if as_of.month > 1 else (as_of.year - 1, 12)
    return on(year, month)


def select_accounts(as_of: dt.date, minimum: Decimal | None = None,
                    account_id: int | None = None) -> Selection:
    """The accounts a statement run on ``as_of`` sends to, and the ones it leaves out, with why.

    Everything is as it stood that day: what each patient owed less credit (the ledger up to
    the day), the statements sent by then, write-offs, agency hand-offs and holds made by then.
    """
    if account_id is not None:
        return Selection([account_id])
    minimum = Decimal(str(get_setting("statement_minimum"))) if minimum is None else minimum
    owed = {key: sum(row.patient_cents) for key, row in aging_by_account(as_of).items()}
    floor = to_cents(minimum)
    rows = database.execute_sql(
        f"SELECT a.id, a.number, {SQL_COLUMNS}, a.billing_cycle_day FROM account a "
        "WHERE status != 'pending' ORDER BY zip_code, sort_name, number").fetchall()
    last_sent = dict(database.execute_sql(
        "SELECT account_id, MAX(sent_on) FROM letter WHERE kind = 'statement' AND sent_on <= ? "
        "GROUP BY account_id", (as_of.isoformat(),)).fetchall())
    standing = {r.account_id: r for r in AccountCollection.select()}
    holds = holds_as_of(as_of)
    chosen = Selection()
    for key, number, *name, cycle_day in rows:
        if owed.get(key, 0) <= floor:
            continue
        reason = _skip_reason(standing.get(key), holds, last_sent.get(key), as_of, cycle_day)
        if reason:
            chosen.skipped.append(Skipped(number, listed(*name), reason))
        else:
            chosen.account_ids.append(key)
    return chosen


def holds_as_of(as_of: dt.date) -> dict[int, str]:
    """The holds changed after ``as_of``, by account standing id: the hold each had that day."""
    held = {}
    for record_id, changed in audit.changes("account_collection", ("hold",)).items():
        later = [c for c in changed if c.on > as_of]
        if later:
            held[record_id] = str(later[0].before.get("hold") or "")
    return held


def _skip_reason(standing, holds: dict[int, str], last_sent, as_of: dt.date, cycle_day: int) -> str:
    if standing is not None:
        if standing.written_off_on and standing.written_off_on <= as_of:
            return "written off"
        if standing.handed_off_on and standing.handed_off_on <= as_of:
            return f"with the agency {standing.agency}".rstrip()
        hold = holds.get(standing.id, standing.hold)
        if hold:
            return HOLDS.get(hold, hold)
    start = cycle_start(as_of, cycle_day or 1)
    if last_sent and dt.date.fromisoformat(str(last_sent)[:10]) >= start:
        return f"already sent a statement this cycle (on {last_sent})"
    return ""


def message_for(oldest: str) -> str:
    for bucket, text in MESSAGES:
        if bucket == oldest or not bucket:
            return text
    return MESSAGES[0][1]


def bill_to(account: Account) -> list[str]:
    """The address block: the guarantor's when someone else pays, else the account's."""
    who = account.guarantor if account.guarantor_id and account.guarantor.relationship != "self" else None
    source = who or account
    name = who.written_name if who else account.display_name
    city = " ".join(p for p in (f"{source.city}," if source.city else "", source.state,
                                source.zip_code) if p)
    return [line for line in (name, source.street, source.street2, city) if line]


def statement_data(account_id: int, as_of: dt.date) -> dict:
    """Everything one statement prints, as of ``as_of``: the items open that day with what was
    paid and adjusted on them by then, and the sums (the ledger up to that day)."""
    account = Account.get_by_id(account_id)
    aging = aging_by_account(as_of, account_id).get(account_id)  # credit off the oldest first
    owed = aging.patient_cents if aging else [0] * 6
    patient = [from_cents(c) for c in owed]
    credit = aging.credit_cents if aging else 0
    oldest = next((BUCKETS[i] for i in range(5, -1, -1) if patient[i] > 0), "current")
    due = sum(patient, ZERO)
    return {
        "account_id": account.id, "account": account.number, "name": account.display_name,
        "to_lines": bill_to(account), "as_of": as_of,
        "due_date": as_of + dt.timedelta(days=account.payment_terms_days or 30),
        "items": _items(account_id, as_of), "amount_due": max(due, ZERO),
        "credit": from_cents(credit), "patient_balance": from_cents(sum(owed) + credit),
        "insurance_pending": from_cents(sum(aging.insurance_cents) if aging else 0),
        "aging": list(zip(BUCKETS, patient)), "oldest": oldest, "message": message_for(oldest),
    }


_PAID = "('payment', 'payment_void', 'credit_applied')"


def _items(account_id: int, as_of: dt.date) -> list[dict]:
    """Each invoice line open on ``as_of``: charge, insurance paid, adjusted, patient paid and
    balance, all summed from the ledger entries keyed up to that day."""
    lines = database.execute_sql(
        f"""SELECT l.service_date, l.code, l.description, l.amount, i.number,
                  SUM(CASE WHEN e.party = 'patient' THEN e.amount ELSE 0 END) AS p,
                  SUM(CASE WHEN e.party = 'insurance' THEN e.amount ELSE 0 END) AS ins,
                  SUM(CASE WHEN e.party = 'patient' AND e.kind IN {_PAID} THEN -e.amount
                      ELSE 0 END),
                  SUM(CASE WHEN e.party = 'insurance' AND e.kind IN {_PAID} THEN -e.amount
                      ELSE 0 END)
           FROM ledger_entry e JOIN invoice_line l ON l.id = e.line_id
           JOIN invoice i ON i.id = l.invoice_id
           WHERE e.account_id = ? AND e.entry_date <= ?
           GROUP BY l.id, i.id
           HAVING SUM(CASE WHEN e.party = 'patient' THEN e.amount ELSE 0 END) != 0
               OR SUM(CASE WHEN e.party = 'insurance' THEN e.amount ELSE 0 END) != 0
           ORDER BY l.service_date, i.number, l.position""",
        (account_id, as_of.isoformat())).fetchall()
    items = []
    for served, code, description, amount, number, p_bal, i_bal, pat, ins in lines:
        balance = p_bal + i_bal
        items.append({"service_date": dt.date.fromisoformat(str(served)[:10]), "code": code,
                      "description": description, "invoice": number,
                      "charge": from_cents(amount), "insurance_paid": from_cents(ins),
                      "adjusted": from_cents(amount - ins - pat - balance),
                      "patient_paid": from_cents(pat), "balance": from_cents(balance),
                      "insurance_balance": from_cents(i_bal)})
    return items


def record_statements(copies: list[tuple[int, bytes]], sent_on: dt.date, by: User) -> int:
    """Keep each statement sent as a PDF letter on its account (one transaction); returns count."""
    with in_transaction():
        for account_id, pdf in copies:
            letter = Letter.create(account=account_id, kind="statement", sent_on=sent_on, pdf=pdf,
                                   by=by)
            audit.record(by, "statement", letter, account_id=account_id,
                         summary=f"statement of {sent_on:%m/%d/%Y} sent ({len(pdf):,} bytes kept)")
    return len(copies)
