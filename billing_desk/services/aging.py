"""Aging: what is owed, by how long past due, as of any date.

Today's aging reads the open-item balances kept with every ledger entry (fast); an as-of date
before the newest entry sums the ledger up to that day, so it gives the answer it gave then.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from peewee import fn

from ..models import Account, Invoice, LedgerEntry, database
from ..money import ZERO

BUCKETS = ("current", "1-30", "31-60", "61-90", "91-120", "120+")


def bucket_for(days_past_due: int) -> str:
    """0 or less is current; 1-30, 31-60, 61-90, 91-120, then over 120."""
    if days_past_due <= 0:
        return "current"
    for limit, name in ((30, "1-30"), (60, "31-60"), (90, "61-90"), (120, "91-120")):
        if days_past_due <= limit:
            return name
    return "120+"


_BUCKET_SQL = """CASE
  WHEN julianday(?) - julianday(due_date) <= 0 THEN 0
  WHEN julianday(?) - julianday(due_date) <= 30 THEN 1
  WHEN julianday(?) - julianday(due_date) <= 60 THEN 2
  WHEN julianday(?) - julianday(due_date) <= 90 THEN 3
  WHEN julianday(?) - julianday(due_date) <= 120 THEN 4
  ELSE 5 END"""
_BUCKET_PARAMS = 5


@dataclass
class AgingRow:
    key: int  # account id or payer id (0: no payer)
    patient: list[Decimal] = field(default_factory=lambda: [ZERO] * 6)
    insurance: list[Decimal] = field(default_factory=lambda: [ZERO] * 6)
    credit: Decimal = ZERO

    @property
    def buckets(self) -> list[Decimal]:
        return [p + i for p, i in zip(self.patient, self.insurance)]

    @property
    def total(self) -> Decimal:
        return sum(self.buckets, ZERO)

    @property
    def oldest(self) -> str:
        for index in range(5, -1, -1):
            if self.buckets[index] > 0:
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

    Parameters: the as-of date five times for the buckets, then (slow path) the as-of date for
    the ledger, then the account id when ``account``.
    """
    if fast:
        where = "AND account_id = ?" if account else ""
        return f"""SELECT account_id, COALESCE(payer_id, 0), {_BUCKET_SQL} AS bucket,
                          SUM(patient_balance), SUM(insurance_balance)
                   FROM invoice WHERE (patient_balance != 0 OR insurance_balance != 0) {where}
                   GROUP BY account_id, payer_id, bucket"""
    where = "AND le.account_id = ?" if account else ""
    return f"""SELECT account_id, COALESCE(payer_id, 0), {_BUCKET_SQL} AS bucket, SUM(p), SUM(i)
               FROM (SELECT le.account_id AS account_id, inv.payer_id AS payer_id,
                            inv.due_date AS due_date,
                            SUM(CASE WHEN le.party = 'patient' THEN le.amount ELSE 0 END) AS p,
                            SUM(CASE WHEN le.party = 'insurance' THEN le.amount ELSE 0 END) AS i
                     FROM ledger_entry le JOIN invoice inv ON inv.id = le.invoice_id
                     WHERE le.entry_date <= ? {where}
                     GROUP BY le.invoice_id HAVING p != 0 OR i != 0)
               GROUP BY account_id, payer_id, bucket"""


def _open_items(as_of: dt.date, account_id: int | None):
    fast = _fast_path(as_of)
    params: list = [as_of.isoformat()] * _BUCKET_PARAMS
    if not fast:
        params.append(as_of.isoformat())
    if account_id is not None:
        params.append(account_id)
    return database.execute_sql(open_items_sql(fast, account_id is not None), params).fetchall()


def _credits(as_of: dt.date, account_id: int | None) -> dict[int, Decimal]:
    if _fast_path(as_of):
        query = Account.select(Account.id, Account.unapplied_credit).where(Account.unapplied_credit != 0)
        if account_id is not None:
            query = query.where(Account.id == account_id)
        return {row.id: row.unapplied_credit for row in query}
    query = (LedgerEntry.select(LedgerEntry.account, fn.SUM(LedgerEntry.amount))
             .where(LedgerEntry.line.is_null(), LedgerEntry.entry_date <= as_of)
             .group_by(LedgerEntry.account))
    if account_id is not None:
        query = query.where(LedgerEntry.account == account_id)
    return {key: -Decimal(total) / 100 for key, total in query.tuples() if total}


def aging_by_account(as_of: dt.date, account_id: int | None = None,
                     apply_credits: bool = True) -> dict[int, AgingRow]:
    """Every account with anything open or in credit; credits taken off the oldest first."""
    rows: dict[int, AgingRow] = {}
    for account, _payer, bucket, patient, insurance in _open_items(as_of, account_id):
        row = rows.setdefault(account, AgingRow(account))
        row.patient[bucket] += Decimal(patient) / 100
        row.insurance[bucket] += Decimal(insurance) / 100
    for account, credit in _credits(as_of, account_id).items():
        row = rows.setdefault(account, AgingRow(account))
        row.credit = credit
        if apply_credits:
            _apply_credit(row)
    return rows


def _apply_credit(row: AgingRow) -> None:
    """Unapplied credit reduces the patient's oldest buckets first; what is left stays a credit."""
    left = row.credit
    for index in range(5, -1, -1):
        if left <= 0:
            break
        take = min(left, max(row.patient[index], ZERO))
        row.patient[index] -= take
        left -= take
    if left > 0:
        row.patient[0] -= left


def aging_by_payer(as_of: dt.date) -> dict[int, AgingRow]:
    """Insurance balances per payer (0: none), buckets by due date."""
    rows: dict[int, AgingRow] = {}
    for _account, payer, bucket, _patient, insurance in _open_items(as_of, None):
        if insurance:
            row = rows.setdefault(payer, AgingRow(payer))
            row.insurance[bucket] += Decimal(insurance) / 100
    return rows


def aging_totals(rows: dict[int, AgingRow]) -> AgingRow:
    total = AgingRow(0)
    for row in rows.values():
        for index in range(6):
            total.patient[index] += row.patient[index]
            total.insurance[index] += row.insurance[index]
        total.credit += row.credit
    return total
