"""Aging: what is owed, by how long past due, as of any date.

Today's aging reads the open-item balances kept with every ledger entry (fast: a partial index
holds only open items); an as-of date before the newest entry sums the ledger up to that day,
so it gives the answer it gave then. Sums stay in whole cents until a row is read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from peewee import fn

from ...collector import collector_paused
from ...models import LedgerEntry, database
from ...money import from_cents

BUCKETS = ("current", "1-30", "31-60", "61-90", "91-120", "120+")
_EDGES = (0, 30, 60, 90, 120)  # days past due that close each bucket


def bucket_for(days_past_due: int) -> str:
    """0 or less is current; 1-30, 31-60, 61-90, 91-120, then over 120."""
    for index, limit in enumerate(_EDGES):
        if days_past_due <= limit:
            return BUCKETS[index]
    return BUCKETS[-1]


def _bucket_case(column: str = "due_date") -> str:
    """Bucket index from the due date, by comparing ISO dates (cheaper than date arithmetic)."""
    whens = " ".join(f"WHEN {column} >= ? THEN {i}" for i in range(len(_EDGES)))
    return f"CASE {whens} ELSE {len(_EDGES)} END"


def _edge_dates(as_of: dt.date) -> list[str]:
    """The oldest due date still inside each bucket: due on or after as_of - N is within N days."""
    return [(as_of - dt.timedelta(days=days)).isoformat() for days in _EDGES]


@dataclass(slots=True)  # ~100,000 of them for a whole book's aging
class AgingRow:
    """One account's (or payer's) open balances by bucket, in whole cents."""

    key: int
    patient_cents: list[int] = field(default_factory=lambda: [0] * 6)
    insurance_cents: list[int] = field(default_factory=lambda: [0] * 6)
    credit_cents: int = 0

    @property
    def patient(self) -> list[Decimal]:
        return [from_cents(c) for c in self.patient_cents]

    @property
    def insurance(self) -> list[Decimal]:
        return [from_cents(c) for c in self.insurance_cents]

    @property
    def credit(self) -> Decimal:
        return from_cents(self.credit_cents)

    @property
    def buckets(self) -> list[Decimal]:
        return [from_cents(p + i) for p, i in zip(self.patient_cents, self.insurance_cents)]

    @property
    def total(self) -> Decimal:
        return from_cents(sum(self.patient_cents) + sum(self.insurance_cents))

    @property
    def oldest(self) -> str:
        for index in range(5, -1, -1):
            if self.patient_cents[index] + self.insurance_cents[index] > 0:
                return BUCKETS[index]
        return ""


def _fast_path(as_of: dt.date) -> bool:
    newest = LedgerEntry.select(fn.MAX(LedgerEntry.entry_date)).scalar()
    if newest is None:
        return True
    newest = dt.date.fromisoformat(newest) if isinstance(newest, str) else newest
    return as_of >= newest


def open_items_sql(fast: bool, account: bool) -> str:
    """(account, payer, bucket, patient cents, insurance cents) per group of open items.

    Parameters: the five bucket edge dates, then (ledger path) the as-of date, then the account
    id when ``account``.
    """
    if fast:
        where = "AND account_id = ?" if account else ""
        return f"""SELECT account_id, COALESCE(payer_id, 0), {_bucket_case()} AS bucket,
                          SUM(patient_balance), SUM(insurance_balance)
                   FROM invoice WHERE (patient_balance != 0 OR insurance_balance != 0) {where}
                   GROUP BY account_id, payer_id, bucket"""
    return f"""SELECT o.account_id, COALESCE(inv.payer_id, 0), {_bucket_case("inv.due_date")} AS bucket,
                      SUM(o.p), SUM(o.i)
               FROM {_ledger_open_items(account)} JOIN invoice inv ON inv.id = o.invoice_id
               GROUP BY o.account_id, inv.payer_id, bucket"""


def _ledger_open_items(account: bool) -> str:
    """Each invoice's (and account's) open patient and insurance cents as of a day, summed from
    the ledger alone (``o``: invoice_id, account_id, p, i; parameters: the day, then the account
    id when ``account``).

    Summed before the invoice is joined, so the ledger is read in invoice order through its
    covering index (ledger_entry_invoice_day) and each open item's invoice is looked up once.
    Joined first, the planner walked all the invoices and searched the ledger for each: 5-6 s
    for a year-old aging on the benchmark book where this takes 1.5 s.
    """
    where = "AND account_id = ?" if account else ""
    patient = "SUM(CASE WHEN party = 'patient' THEN amount ELSE 0 END)"
    insurance = "SUM(CASE WHEN party = 'insurance' THEN amount ELSE 0 END)"
    return f"""(SELECT invoice_id, account_id, {patient} AS p, {insurance} AS i
                FROM ledger_entry
                WHERE entry_date <= ? AND invoice_id IS NOT NULL {where}
                GROUP BY invoice_id, account_id
                HAVING {patient} != 0 OR {insurance} != 0) AS o"""


def _parameters(as_of: dt.date, account_id: int | None, fast: bool) -> list:
    """The aging queries' parameters: the bucket edges, the day (ledger path), the account."""
    params: list = _edge_dates(as_of)
    if not fast:
        params.append(as_of.isoformat())
    if account_id is not None:
        params.append(account_id)
    return params


def _open_items(as_of: dt.date, account_id: int | None, fast: bool | None = None):
    fast = _fast_path(as_of) if fast is None else fast
    params = _parameters(as_of, account_id, fast)
    return database.execute_sql(open_items_sql(fast, account_id is not None), params).fetchall()


def _credits(as_of: dt.date, account_id: int | None, fast: bool | None = None) -> dict[int, int]:
    """Unapplied credit per account, in cents."""
    if _fast_path(as_of) if fast is None else fast:
        sql = "SELECT id, unapplied_credit FROM account WHERE unapplied_credit != 0"
        params: list = []
        if account_id is not None:
            sql += " AND id = ?"
            params.append(account_id)
        return dict(database.execute_sql(sql, params).fetchall())
    query = (LedgerEntry.select(LedgerEntry.account, fn.SUM(LedgerEntry.amount))
             .where(LedgerEntry.line.is_null(), LedgerEntry.entry_date <= as_of)
             .group_by(LedgerEntry.account))
    if account_id is not None:
        query = query.where(LedgerEntry.account == account_id)
    return {key: -total for key, total in query.tuples() if total}


def account_buckets_sql(fast: bool, account: bool) -> str:
    """(account, bucket, patient cents, insurance cents) of the open items, in account order:
    what the aging by account reads and adds up per account and bucket.

    Today's open items come one by one off the open-items index, which is in account order
    (most accounts have one or two: grouping them in SQL sorted 87,746 items in a temporary
    B-tree for 76,687 groups on the benchmark book). A past day's are grouped per account and
    bucket after the ledger is summed per invoice. Parameters as open_items_sql's.
    """
    if fast:
        where = "AND account_id = ?" if account else ""
        return f"""SELECT account_id, {_bucket_case()}, patient_balance, insurance_balance
                   FROM invoice
                   WHERE (patient_balance != 0 OR insurance_balance != 0) {where}
                   ORDER BY account_id"""
    return f"""SELECT o.account_id, {_bucket_case("inv.due_date")} AS bucket, SUM(o.p), SUM(o.i)
               FROM {_ledger_open_items(account)} JOIN invoice inv ON inv.id = o.invoice_id
               GROUP BY o.account_id, bucket"""


def aging_by_account(as_of: dt.date, account_id: int | None = None,
                     apply_credits: bool = True) -> dict[int, AgingRow]:
    """Every account with anything open or in credit; credits taken off the oldest first."""
    fast = _fast_path(as_of)
    params = _parameters(as_of, account_id, fast)
    rows: dict[int, AgingRow] = {}
    with collector_paused():  # ~100,000 small lists: the cyclic GC would rescan them all
        rows_in = database.execute_sql(account_buckets_sql(fast, account_id is not None), params).fetchall()
        for account, bucket, patient, insurance in rows_in:
            row = rows.get(account)
            if row is None:
                row = rows[account] = AgingRow(account, [0] * 6, [0] * 6)
            row.patient_cents[bucket] += patient
            row.insurance_cents[bucket] += insurance
        del rows_in
    for account, credit in _credits(as_of, account_id, fast).items():
        row = rows.get(account) or rows.setdefault(account, AgingRow(account, [0] * 6, [0] * 6))
        row.credit_cents = credit
        if apply_credits:
            _apply_credit(row)
    return rows


def take_credit_oldest_first(patient_cents: list[int], credit_cents: int) -> list[int]:
    """The one rule for unapplied credit: it pays the patient's oldest buckets first.

    ``patient_cents`` holds the six buckets, current first; returns them with the credit taken
    off, over 120 first. What no bucket owes stays a credit, shown as a minus in current, so
    the buckets always add up to the patient part less the credit. The aging report,
    statements and (through ``CREDIT_LEFT_SQL``) the collections worklist all use this rule.
    """
    buckets = list(patient_cents)
    left = credit_cents
    for index in range(len(buckets) - 1, -1, -1):
        if left <= 0:
            break
        take = min(left, max(buckets[index], 0))
        buckets[index] -= take
        left -= take
    if left > 0:
        buckets[0] -= left
    return buckets


# The same rule in SQL, for a list of open items taken oldest first (by due date): what an item
# still owes once the account's credit has paid the items before it, then as much of it as is
# left. ``owed`` is the item's patient balance, ``before`` the sum of the items up to and
# including it, ``credit`` the account's unapplied credit.
CREDIT_LEFT_SQL = "MIN({owed}, MAX({before} - {credit}, 0))"


def _apply_credit(row: AgingRow) -> None:
    row.patient_cents = take_credit_oldest_first(row.patient_cents, row.credit_cents)


def insurance_owed_sql(fast: bool, account: bool, *, invoices: str = "", index: str = "") -> str:
    """Each invoice's insurance part still open, per payer who owes it: a subquery ``w``
    (invoice_id, account_id, payer_id, cents).

    A line's balance moves from the primary payer to the secondary by transfer entries, so what
    a secondary owes is summed from the ledger's insurance entries by their payer, never put on
    the invoice's own (primary) payer. Today's open items are found through the open-items index;
    a past day's from the ledger up to that day (the CROSS JOIN keeps SQLite on the few open
    invoices first, then their entries, rather than walking the whole ledger). ``invoices``
    (today's only) chooses the open invoices another way, on ``oi``, read off ``index``, their own
    partial index (the insurance unpaid lists: ``oi.insurance_balance > 0`` and a posting day).
    Parameters: (ledger path) the as-of date, or those of ``invoices``; then the account id when
    ``account``.
    """
    if fast:
        where = "AND oi.account_id = ?" if account else ""
        chosen = invoices or """(oi.patient_balance != 0 OR oi.insurance_balance != 0)
                      AND oi.insurance_balance != 0"""
        return f"""(SELECT le.invoice_id AS invoice_id, le.account_id AS account_id,
                           COALESCE(le.payer_id, 0) AS payer_id, SUM(le.amount) AS cents
                    FROM invoice oi{f" INDEXED BY {index}" if index else ""} CROSS JOIN ledger_entry le
                    WHERE le.invoice_id = oi.id AND {chosen} AND le.party = 'insurance' {where}
                    GROUP BY le.invoice_id, le.account_id, le.payer_id
                    HAVING SUM(le.amount) != 0) AS w"""
    where = "AND account_id = ?" if account else ""
    return f"""(SELECT invoice_id, account_id, COALESCE(payer_id, 0) AS payer_id,
                       SUM(amount) AS cents
                FROM ledger_entry
                WHERE party = 'insurance' AND entry_date <= ? AND invoice_id IS NOT NULL {where}
                GROUP BY invoice_id, account_id, payer_id
                HAVING SUM(amount) != 0) AS w"""


def aging_by_payer(as_of: dt.date, account_id: int | None = None) -> dict[int, AgingRow]:
    """Insurance balances per payer who owes them (0: none), buckets by due date; all accounts,
    or one."""
    fast = _fast_path(as_of)
    params = _parameters(as_of, account_id, fast)
    sql = f"""SELECT w.payer_id, {_bucket_case("inv.due_date")} AS bucket, SUM(w.cents)
              FROM {insurance_owed_sql(fast, account_id is not None)}
              JOIN invoice inv ON inv.id = w.invoice_id
              GROUP BY w.payer_id, bucket"""
    rows: dict[int, AgingRow] = {}
    for payer, bucket, cents in database.execute_sql(sql, params).fetchall():
        if cents:
            row = rows.setdefault(payer, AgingRow(payer))
            row.insurance_cents[bucket] += cents
    return rows


def aging_totals(rows: dict[int, AgingRow]) -> AgingRow:
    total = AgingRow(0)
    for row in rows.values():
        for index in range(6):
            total.patient_cents[index] += row.patient_cents[index]
            total.insurance_cents[index] += row.insurance_cents[index]
        total.credit_cents += row.credit_cents
    return total
