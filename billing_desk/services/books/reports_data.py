"""The queries behind the office's reports, as plain rows (amounts in whole cents).

``billing_desk.reports`` turns these rows into ``printing.report.Report`` objects; these
functions only read. Each runs one query (or a few), never one per row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import overload

from ...models import database
from ...names import SQL_COLUMNS, listed
from .aging import insurance_owed_sql


def display_name(last: str, first: str, middle: str, suffix: str, organization: str, kind: str) -> str:
    """The same name ``Account.display_name`` gives, from the plain columns ``names.SQL_COLUMNS``."""
    return listed(last, first, middle, suffix, organization, kind)


@overload
def as_date(value: None) -> None: ...
@overload
def as_date(value: str | dt.date) -> dt.date: ...
def as_date(value: str | dt.date | None) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def newest_entry_date() -> dt.date | None:
    return as_date(database.execute_sql("SELECT MAX(entry_date) FROM ledger_entry").fetchone()[0])


# --- aging detail: one row per open invoice --------------------------------------------------

@dataclass
class OpenInvoice:
    account_id: int
    account: str
    name: str
    invoice: int | None
    service_date: dt.date
    due_date: dt.date
    payer: str
    patient_cents: int
    insurance_cents: int


_NAME_COLUMNS = f"a.id, a.number, {SQL_COLUMNS}"
_INVOICE_COLUMNS = "i.number, i.service_date, COALESCE(i.due_date, i.service_date), COALESCE(p.name, '')"


def open_invoices(as_of: dt.date, account_id: int | None = None) -> list[OpenInvoice]:
    """Every invoice open on ``as_of`` (by entry date), by account name then due date.

    On or after the newest entry the cached open-item balances answer (a partial index holds
    them); an earlier date sums the ledger up to that day.
    """
    newest = newest_entry_date()
    params: list = []
    if newest is None or as_of >= newest:
        where = "(i.patient_balance != 0 OR i.insurance_balance != 0)"
        amounts, source = "i.patient_balance, i.insurance_balance", "invoice i"
    else:
        account = "AND le.account_id = ?" if account_id is not None else ""
        source = f"""(SELECT le.invoice_id AS iid,
                        SUM(CASE WHEN le.party = 'patient' THEN le.amount ELSE 0 END) AS pc,
                        SUM(CASE WHEN le.party = 'insurance' THEN le.amount ELSE 0 END) AS ic
                      FROM ledger_entry le
                      WHERE le.entry_date <= ? AND le.invoice_id IS NOT NULL {account}
                      GROUP BY le.invoice_id
                      HAVING SUM(CASE WHEN le.party = 'patient' THEN le.amount ELSE 0 END) != 0
                          OR SUM(CASE WHEN le.party = 'insurance' THEN le.amount ELSE 0 END) != 0) o
                     JOIN invoice i ON i.id = o.iid"""
        params += [as_of.isoformat()] + ([account_id] if account_id is not None else [])
        where, amounts = "TRUE", "o.pc, o.ic"
    if account_id is not None:
        where += " AND a.id = ?"
        params.append(account_id)
    sql = (f"SELECT {_NAME_COLUMNS}, {_INVOICE_COLUMNS}, {amounts} FROM {source} "
           "JOIN account a ON a.id = i.account_id LEFT JOIN payer p ON p.id = i.payer_id "
           f"WHERE {where} ORDER BY a.sort_name, a.number, 11, i.number")  # 11: the due date
    return [OpenInvoice(r[0], r[1], display_name(*r[2:8]), r[8], as_date(r[9]), as_date(r[10]),
                        r[11], r[12], r[13])
            for r in database.execute_sql(sql, params).fetchall()]


def insurance_owed(as_of: dt.date, account_id: int | None = None) -> list[OpenInvoice]:
    """Every invoice's insurance part open on ``as_of``, one row per payer who owes it (a
    secondary's part under the secondary), by payer, due date and invoice."""
    fast = (newest_entry_date() or as_of) <= as_of
    params: list = [] if fast else [as_of.isoformat()]
    if account_id is not None:
        params.append(account_id)
    sql = (f"SELECT {_NAME_COLUMNS}, {_INVOICE_COLUMNS}, 0, w.cents "
           f"FROM {insurance_owed_sql(fast, account_id is not None)} "
           "JOIN invoice i ON i.id = w.invoice_id JOIN account a ON a.id = i.account_id "
           "LEFT JOIN payer p ON p.id = w.payer_id ORDER BY LOWER(COALESCE(p.name, '')), 11, i.number")
    return [OpenInvoice(r[0], r[1], display_name(*r[2:8]), r[8], as_date(r[9]), as_date(r[10]),
                        r[11], r[12], r[13])
            for r in database.execute_sql(sql, params).fetchall()]


def account_names(ids) -> dict[int, tuple[str, str, str]]:
    """id -> (number, display name, sort name) for the given accounts (one query)."""
    ids = list(ids)
    names: dict[int, tuple[str, str, str]] = {}
    for start in range(0, len(ids), 900):
        chunk = ids[start:start + 900]
        marks = ",".join("?" * len(chunk))
        for row in database.execute_sql(
                f"SELECT {_NAME_COLUMNS}, a.sort_name FROM account a WHERE a.id IN ({marks})", chunk):
            names[row[0]] = (row[1], display_name(*row[2:8]), row[8] or "")
    return names


def payer_names() -> dict[int, str]:
    rows = database.execute_sql("SELECT id, name FROM payer").fetchall()
    return {0: "(no payer)", **{key: name for key, name in rows}}


# --- the day sheet ---------------------------------------------------------------------------

@dataclass(slots=True)  # 35,000 of them on the benchmark book's busiest day
class DayEntry:
    entry_date: dt.date
    posting_date: dt.date
    account: str
    name: str
    invoice: int | None
    code: str
    kind: str
    party: str
    cents: int
    method: str
    memo: str


def day_entries(start: dt.date, end: dt.date) -> list[DayEntry]:
    """Every ledger entry keyed from ``start`` to ``end`` (entry dates), in the order keyed."""
    sql = f"""SELECT le.entry_date, le.posting_date, a.number, {SQL_COLUMNS},
                     inv.number, COALESCE(il.code, ''), le.kind, le.party,
                     le.amount, COALESCE(pay.method, ''), le.memo
              FROM ledger_entry le JOIN account a ON a.id = le.account_id
              LEFT JOIN invoice inv ON inv.id = le.invoice_id
              LEFT JOIN invoice_line il ON il.id = le.line_id
              LEFT JOIN payment pay ON pay.id = le.payment_id
              WHERE le.entry_date BETWEEN ? AND ? ORDER BY le.entry_date, le.id"""
    dates: dict = {}  # a period has few dates: each is parsed once

    def date(value) -> dt.date:
        found = dates.get(value)
        if found is None:
            found = dates[value] = as_date(value)
        return found

    return [DayEntry(date(r[0]), date(r[1]), r[2], listed(*r[3:9]), r[9], r[10], r[11], r[12], r[13],
                     r[14], r[15] or "")
            for r in database.execute_sql(sql, (start.isoformat(), end.isoformat())).fetchall()]


def receivables_cents(before: dt.date) -> int:
    """What all accounts owed (less unapplied credit) at the start of ``before``: the sum of the
    ledger's day totals (kept by a trigger on every entry, checked by the ledger check) before it."""
    row = database.execute_sql("SELECT COALESCE(SUM(amount), 0) FROM ledger_day "
                               "WHERE entry_date < ?", (before.isoformat(),)).fetchone()
    return row[0]


# --- charges: billing and profit -------------------------------------------------------------

@dataclass
class ChargeRow:
    month: str  # "2026-01"
    provider: str
    item_kind: str
    code: str
    description: str
    invoices: int
    units: int
    cents: int
    cost_cents: int


BASIS = "date of service (voided invoices left out)"

# The lines charged with a date of service in a period: a charge entry's posting date is its
# line's date of service (indexed), and an invoice voided since is left out of its month.
_CHARGED = """(SELECT line_id, MIN(posting_date) AS day FROM ledger_entry
                WHERE kind = 'charge' AND line_id IS NOT NULL AND posting_date BETWEEN ? AND ?
                GROUP BY line_id) c
               JOIN invoice_line l ON l.id = c.line_id
               JOIN invoice i ON i.id = l.invoice_id AND i.status = 'posted'"""


def charge_rows(start: dt.date, end: dt.date) -> list[ChargeRow]:
    """Lines charged with a date of service from ``start`` to ``end``, by month, provider, code.

    By date of service (``BASIS``), as practices compare months: a visit keyed late counts in
    the month it was seen, and a voided invoice leaves its month (the day sheet, by entry date,
    shows the charge and the void on the days they were keyed). ``invoices`` counts the
    invoices with that code; invoices across codes are counted by ``invoice_counts``.
    """
    sql = f"""SELECT substr(c.day, 1, 7) AS month, i.provider, ci.kind, l.code, MIN(l.description),
                     COUNT(DISTINCT i.id), SUM(l.quantity), SUM(l.amount),
                     SUM(l.unit_cost * l.quantity)
              FROM {_CHARGED} JOIN catalogue_item ci ON ci.id = l.item_id
              GROUP BY month, i.provider, ci.kind, l.code ORDER BY month, l.code, i.provider"""
    return [ChargeRow(*row) for row in
            database.execute_sql(sql, (start.isoformat(), end.isoformat())).fetchall()]


def invoice_counts(start: dt.date, end: dt.date, by: str = "") -> tuple[int, dict[str, int]]:
    """How many invoices were charged in the period in all, and per ``by`` ("provider" or
    "month"; the invoices of no provider under ""): an invoice of several codes counts once."""
    key = {"provider": "i.provider", "month": "substr(c.day, 1, 7)"}.get(by)
    period = (start.isoformat(), end.isoformat())
    total = database.execute_sql(f"SELECT COUNT(DISTINCT i.id) FROM {_CHARGED}", period).fetchone()[0]
    counts: dict[str, int] = {}
    if key:
        counts.update(database.execute_sql(
            f"SELECT {key}, COUNT(DISTINCT i.id) FROM {_CHARGED} GROUP BY 1", period).fetchall())
    return total, counts


def adjustments_by_month(start: dt.date, end: dt.date) -> dict[str, int]:
    """Signed adjustment entries (allowances, discounts, write-offs, late fees) per month of
    service: an adjustment of a line counts in the month of the line's date of service, one not
    on a line on the day it stands for."""
    sql = """SELECT substr(COALESCE(l.service_date, le.posting_date), 1, 7) AS month, SUM(le.amount)
             FROM ledger_entry le LEFT JOIN invoice_line l ON l.id = le.line_id
             LEFT JOIN invoice i ON i.id = l.invoice_id
             WHERE le.kind = 'adjustment' AND COALESCE(i.status, 'posted') = 'posted'
               AND COALESCE(l.service_date, le.posting_date) BETWEEN ? AND ?
             GROUP BY month"""
    return dict(database.execute_sql(sql, (start.isoformat(), end.isoformat())).fetchall())


# --- accounts by status ----------------------------------------------------------------------

STATUS_ORDER = ("active", "pending", "inactive", "closed")


def accounts_by_status(status: str | None = None, as_of: dt.date | None = None) -> list[dict]:
    """Accounts with their balances: today's, or (``as_of``) the ledger summed up to that day.

    As of a past day, an account opened later with nothing in the ledger by then is left out;
    the status is the account's status today (the office keeps no history of it but the audit
    trail).
    """
    balances = "a.patient_balance, a.insurance_balance, a.unapplied_credit"
    source, where, params = "account a", [], []
    if as_of is not None:
        balances = "COALESCE(b.p, 0), COALESCE(b.i, 0), COALESCE(b.c, 0)"
        source = """account a LEFT JOIN (
            SELECT account_id,
                   SUM(CASE WHEN line_id IS NOT NULL AND party = 'patient' THEN amount ELSE 0 END) AS p,
                   SUM(CASE WHEN line_id IS NOT NULL AND party = 'insurance' THEN amount ELSE 0 END)
                       AS i,
                   -SUM(CASE WHEN line_id IS NULL THEN amount ELSE 0 END) AS c
            FROM ledger_entry WHERE entry_date <= ? GROUP BY account_id) b ON b.account_id = a.id"""
        where.append("(substr(a.created_at, 1, 10) <= ? OR b.account_id IS NOT NULL)")
        params += [as_of.isoformat(), as_of.isoformat()]
    if status:
        where.append("a.status = ?")
        params.append(status)
    sql = f"""SELECT a.status, a.number, {SQL_COLUMNS},
                     a.phone, a.city, a.created_at, {balances}
              FROM {source} {"WHERE " + " AND ".join(where) if where else ""}
              ORDER BY CASE a.status WHEN 'active' THEN 0 WHEN 'pending' THEN 1
                       WHEN 'inactive' THEN 2 ELSE 3 END, a.sort_name, a.number"""
    rows = database.execute_sql(sql, params).fetchall()
    return [{"status": r[0], "account": r[1], "name": display_name(*r[2:8]),
             "kind": r[7], "phone": r[8], "city": r[9], "opened": as_date(r[10]),
             "patient_cents": r[11], "insurance_cents": r[12], "credit_cents": r[13]}
            for r in rows]
