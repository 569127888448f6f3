"""The ledger: the one place money moves, and the check that recomputes every balance.

Every entry updates the cached open-item balances (line, invoice, account) in the same
transaction; ``check_ledger`` recomputes them all from the entries and reports any difference.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from peewee import fn

from ...choices import LEDGER_KINDS
from ...models import Account, Invoice, InvoiceLine, LedgerEntry, Payment, User, database, now
from ...models.migration_ages import NO_DUE_DATE, from_entries, kinds_from_entries
from ...money import ZERO, format_money, from_cents, to_cents
from ..office import steady
from ..office.transactions import today
from .reports_data import as_date


def post_entry(*, account_id: int, amount: Decimal, kind: str, party: str, by: User,
               line: InvoiceLine | None = None, payer_id: int | None = None,
               payment: Payment | None = None, adjustment=None, reverses: LedgerEntry | None = None,
               posting_date: dt.date | None = None, entry_date: dt.date | None = None,
               memo: str = "") -> int:
    """Write one ledger entry and move the cached balances with it; returns its id.

    The caller holds the transaction. Plain SQL here: this runs for every cent that moves.
    """
    if amount == 0:
        raise ValueError("a ledger entry of zero")
    posting_date = posting_date or entry_date or today()
    entry_date = open_entry_date(entry_date or today())
    invoice_id = line.invoice_id if line is not None else None
    cents = to_cents(amount)
    cursor = database.execute_sql(
        "INSERT INTO ledger_entry (account_id, invoice_id, line_id, kind, party, payer_id, amount, "
        "entry_date, posting_date, payment_id, adjustment_id, reverses_id, memo, created_by_id, "
        "created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id",
        (account_id, invoice_id, _id(line), _kind(kind), _party(party), payer_id, cents,
         entry_date.isoformat(), posting_date.isoformat(), _id(payment),
         _id(adjustment), _id(reverses), memo, by.id, str(now())))
    entry_id = cursor.fetchone()[0]
    if line is None:
        database.execute_sql("UPDATE account SET unapplied_credit = unapplied_credit - ? WHERE id = ?",
                             (cents, account_id))
        return entry_id
    column = "patient_balance" if party == "patient" else "insurance_balance"
    for table, key in (("invoice_line", line.id), ("invoice", invoice_id), ("account", account_id)):
        database.execute_sql(f"UPDATE {table} SET {column} = {column} + ? WHERE id = ?", (cents, key))
    setattr(line, column, getattr(line, column) + amount)
    return entry_id


def open_entry_date(day: dt.date) -> dt.date:
    """The day an entry keyed for ``day`` goes on: itself, or the first day after the closed books.

    A supervisor closes the days up to a date (services/reports_close.py); an entry dated into a
    closed day is moved to the next open day, so a printed day sheet never changes. The
    posting date (the service or received date it stands for) keeps the date asked for.
    """
    through = steady.kept("books_closed_through", None, _closed_through)
    if not through:
        return day
    return max(day, dt.date.fromisoformat(through) + dt.timedelta(days=1))


def _closed_through() -> str | None:
    row = database.execute_sql("SELECT value FROM setting WHERE key = 'books_closed_through'"
                               ).fetchone()
    return json.loads(row[0]) if row and row[0] else None


def _id(record) -> int | None:
    if record is None or isinstance(record, int):
        return record
    return record.get_id()


def _kind(kind: str) -> str:
    if kind not in LEDGER_KINDS:
        raise ValueError(f"unknown ledger kind {kind!r}")
    return kind


def _party(party: str) -> str:
    if party not in ("patient", "insurance"):
        raise ValueError(f"unknown party {party!r}")
    return party


def line_balance(line_id: int, party: str) -> Decimal:
    column = InvoiceLine.patient_balance if party == "patient" else InvoiceLine.insurance_balance
    return InvoiceLine.select(column).where(InvoiceLine.id == line_id).scalar(convert=True) or ZERO


def account_entries(account_id: int):
    """The account's ledger in the order it happened, oldest first (the ledger screen)."""
    return (LedgerEntry.select().where(LedgerEntry.account == account_id)
            .order_by(LedgerEntry.entry_date, LedgerEntry.id))


@dataclass(slots=True)
class AccountEntry:
    """One entry of an account's ledger as the account page and its printout show it: the
    entry's own values (the model's names and types) and its invoice's number, no model."""

    id: int
    entry_date: dt.date
    posting_date: dt.date
    kind: str
    party: str
    amount: Decimal
    memo: str
    invoice_id: int | None
    invoice_number: int | None
    line_id: int | None
    payment_id: int | None
    adjustment_id: int | None


def account_ledger(account_id: int, through: dt.date | None = None) -> list[tuple[AccountEntry, Decimal]]:
    """Every entry of the account (keyed up to ``through``), oldest first, each with the
    balance after it. One statement, read as plain rows: building a model instance for each
    entry (and its invoice) took ten times the query."""
    sql = """SELECT le.id, le.entry_date, le.posting_date, le.kind, le.party, le.amount, le.memo,
                    le.invoice_id, inv.number, le.line_id, le.payment_id, le.adjustment_id
             FROM ledger_entry le LEFT JOIN invoice inv ON inv.id = le.invoice_id
             WHERE le.account_id = ? {through} ORDER BY le.entry_date, le.id"""
    params: list = [account_id]
    if through is not None:
        params.append(through.isoformat())
    rows = database.execute_sql(sql.format(through="" if through is None else "AND le.entry_date <= ?"),
                                params).fetchall()
    balance = ZERO
    ledger = []
    dates: dict = {}  # an account's entries fall on a few days: each is parsed once
    for key, entered, posted, kind, party, cents, memo, invoice, number, line, payment, adjustment in rows:
        amount = from_cents(cents)
        balance += amount
        entry_date = dates.get(entered) or dates.setdefault(entered, as_date(entered))
        posting_date = dates.get(posted) or dates.setdefault(posted, as_date(posted))
        ledger.append((AccountEntry(key, entry_date, posting_date, kind, party, amount, memo,
                                    invoice, number, line, payment, adjustment), balance))
    return ledger


def running_ledger(account_id: int) -> list[tuple[AccountEntry, Decimal]]:
    return account_ledger(account_id)


def check_ledger() -> list[str]:
    """Recompute every cached balance from the entries; list every disagreement in words."""
    problems: list[str] = []
    problems += _compare_lines()
    problems += _compare_invoices()
    problems += _compare_accounts()
    problems += _check_invoice_numbers()
    problems += _check_line_amounts()
    problems += _check_payments()
    problems += _check_insurance_payments()
    problems += _check_day_totals()
    problems += _check_month_due_totals()
    return problems


def _check_day_totals() -> list[str]:
    """The totals kept per entry date (models/migration_speed: the day sheet's A/R) against the
    entries themselves (one pass over the table, grouped in memory: 730 days, not 2 M rows)."""
    entries = {day: (amount, count) for day, amount, count in database.execute_sql(
        "SELECT entry_date, SUM(amount), COUNT(*) FROM ledger_entry NOT INDEXED GROUP BY entry_date")}
    kept = {day: (amount, count) for day, amount, count in database.execute_sql(
        "SELECT entry_date, amount, entries FROM ledger_day")}
    return _kept_against_entries(
        kept, entries, lambda day: f"the day totals of {dt.date.fromisoformat(str(day)):%m/%d/%Y}")


def _check_month_due_totals() -> list[str]:
    """The totals kept per month (models/migration_ages: the billing review's A/R by age and its
    months' money) against the entries: per due date of the entries' invoices, and per kind."""
    def month(value) -> str:
        year, number = str(value).split("-")
        return f"{number}/{year}"

    def due_words(key: tuple[str, str]) -> str:
        m, due = key
        return f"the totals of {month(m)} for invoices " + (
            "with no due date" if due == NO_DUE_DATE else f"due {dt.date.fromisoformat(due):%m/%d/%Y}")

    def kind_words(key: tuple[str, str]) -> str:
        m, kind = key
        return f"the {kind.replace('_', ' ')} totals of {month(m)}"

    problems = []
    for kept_sql, entries_sql, words in (
            ("SELECT month, due_date, amount, entries FROM ledger_month_due", from_entries(database.obj),
             due_words),
            ("SELECT month, kind, amount, entries FROM ledger_month_kind", kinds_from_entries(database.obj),
             kind_words)):
        entries = {(str(m), str(k)): (a, n) for m, k, a, n in database.execute_sql(entries_sql)}
        kept = {(str(m), str(k)): (a, n) for m, k, a, n in database.execute_sql(kept_sql)}
        problems += _kept_against_entries(kept, entries, words)
    return problems


def _kept_against_entries(kept: dict, entries: dict, words: Callable[[Any], str]) -> list[str]:
    """Totals kept per key ({key: (cents, entries)}) against the entries' own, a key missing on
    either side counting as none; each difference in words, ``words(key)`` naming the totals."""
    problems = []
    for key in sorted(set(entries) | set(kept)):
        have, want = kept.get(key, (0, 0)), entries.get(key, (0, 0))
        if have != want:
            problems.append(f"{words(key)} say {format_money(from_cents(have[0]))} in {_entries(have[1])};"
                            f" the ledger holds {format_money(from_cents(want[0]))} in {_entries(want[1])}")
    return problems


def _entries(count: int) -> str:
    return f"{count} entr{'y' if count == 1 else 'ies'}"


def _check_line_amounts() -> list[str]:
    """Each line of a posted or voided invoice: quantity x unit price is its amount, to the cent.

    A line's amount is computed once (``invoice_preview.line_amount``: a whole quantity times a
    price in cents, so exact); one cent added to a unit price afterwards shows here.
    """
    rows = database.execute_sql(
        """SELECT i.number, l.position, l.code, l.quantity, l.unit_price, l.amount
           FROM invoice_line l JOIN invoice i ON i.id = l.invoice_id
           WHERE i.status != 'draft' AND l.quantity * l.unit_price != l.amount
           ORDER BY i.number, l.position""").fetchall()
    return [f"invoice {number} line {position} ({code}): {quantity} x {format_money(from_cents(price))}"
            f" is {format_money(from_cents(quantity * price))}, but the line says "
            f"{format_money(from_cents(amount))}"
            for number, position, code, quantity, price, amount in rows]


def _sums(group_column, party: str, where=None) -> dict[int, Decimal]:
    query = (LedgerEntry.select(group_column, fn.SUM(LedgerEntry.amount).alias("total"))
             .where(LedgerEntry.party == party))
    if where is not None:
        query = query.where(where)
    rows = query.group_by(group_column).tuples()
    return {key: from_cents(total) for key, total in rows if key is not None}


def _compare(name: str, cached: dict[int, tuple[Decimal, Decimal]], truth_patient: dict,
             truth_insurance: dict, label) -> list[str]:
    problems = []
    for key in set(cached) | set(truth_patient) | set(truth_insurance):
        have_p, have_i = cached.get(key, (ZERO, ZERO))
        want_p = truth_patient.get(key, ZERO)
        want_i = truth_insurance.get(key, ZERO)
        if have_p != want_p or have_i != want_i:
            problems.append(f"{name} {label(key)}: balance says patient {format_money(have_p)} / "
                            f"insurance {format_money(have_i)}, ledger says "
                            f"{format_money(want_p)} / {format_money(want_i)}")
    return problems


def _compare_lines() -> list[str]:
    cached = {row.id: (row.patient_balance, row.insurance_balance) for row in
              InvoiceLine.select(InvoiceLine.id, InvoiceLine.patient_balance,
                                 InvoiceLine.insurance_balance)
              .where((InvoiceLine.patient_balance != 0) | (InvoiceLine.insurance_balance != 0))}
    return _compare("invoice line", cached, _sums(LedgerEntry.line, "patient"),
                    _sums(LedgerEntry.line, "insurance"), lambda k: f"#{k}")


def _compare_invoices() -> list[str]:
    cached = {row.id: (row.patient_balance, row.insurance_balance) for row in
              Invoice.select(Invoice.id, Invoice.patient_balance, Invoice.insurance_balance)
              .where((Invoice.patient_balance != 0) | (Invoice.insurance_balance != 0))}
    numbers = dict(Invoice.select(Invoice.id, Invoice.number).tuples())
    return _compare("invoice", cached, _sums(LedgerEntry.invoice, "patient"),
                    _sums(LedgerEntry.invoice, "insurance"),
                    lambda k: str(numbers.get(k) or f"draft #{k}"))


def _compare_accounts() -> list[str]:
    cached = {row.id: (row.patient_balance, row.insurance_balance) for row in
              Account.select(Account.id, Account.patient_balance, Account.insurance_balance)
              .where((Account.patient_balance != 0) | (Account.insurance_balance != 0))}
    on_lines = LedgerEntry.line.is_null(False)
    numbers = dict(Account.select(Account.id, Account.number).tuples())
    problems = _compare("account", cached, _sums(LedgerEntry.account, "patient", on_lines),
                        _sums(LedgerEntry.account, "insurance", on_lines), numbers.get)
    credit_truth = {k: -v for k, v in (_sums(LedgerEntry.account, "patient", LedgerEntry.line.is_null())
                                       ).items() if v}
    cached_credit = dict(Account.select(Account.id, Account.unapplied_credit)
                         .where(Account.unapplied_credit != 0).tuples())
    for key in set(credit_truth) | set(cached_credit):
        have = cached_credit.get(key, ZERO)
        want = credit_truth.get(key, ZERO)
        if have != want:
            problems.append(f"account {numbers.get(key)}: unapplied credit says "
                            f"{format_money(have)}, ledger says {format_money(want)}")
    return problems


def _check_invoice_numbers() -> list[str]:
    numbers = [n for (n,) in Invoice.select(Invoice.number).where(Invoice.number.is_null(False))
               .order_by(Invoice.number).tuples()]
    problems = []
    for before, after in zip(numbers, numbers[1:]):
        if after != before + 1:
            problems.append(f"invoice numbers jump from {before} to {after}")
    totals = dict(InvoiceLine.select(InvoiceLine.invoice, fn.SUM(InvoiceLine.amount))
                  .group_by(InvoiceLine.invoice).tuples())
    for inv in Invoice.select(Invoice.id, Invoice.number, Invoice.total).where(Invoice.status != "draft"):
        if inv.total != from_cents(totals.get(inv.id)):
            problems.append(f"invoice {inv.number}: total {format_money(inv.total)} is not the "
                            "sum of its lines")
    charged = _sums(LedgerEntry.invoice, "patient", LedgerEntry.kind.in_(("charge", "void")))
    insurance = _sums(LedgerEntry.invoice, "insurance", LedgerEntry.kind.in_(("charge", "void")))
    for key, value in insurance.items():
        charged[key] = charged.get(key, ZERO) + value
    for inv in Invoice.select(Invoice.id, Invoice.number, Invoice.total, Invoice.status).where(
            Invoice.status == "posted"):
        if charged.get(inv.id, ZERO) != inv.total:
            problems.append(f"invoice {inv.number}: charges in the ledger "
                            f"{format_money(charged.get(inv.id, ZERO))} differ from its total "
                            f"{format_money(inv.total)}")
    return problems


def _check_payments() -> list[str]:
    applied = dict(LedgerEntry.select(LedgerEntry.payment, fn.SUM(LedgerEntry.amount))
                   .where(LedgerEntry.payment.is_null(False),
                          LedgerEntry.kind.in_(("payment", "payment_void")))
                   .group_by(LedgerEntry.payment).tuples())
    problems = []
    for pay in Payment.select(Payment.id, Payment.amount, Payment.status, Payment.account):
        in_ledger = -from_cents(applied.get(pay.id))
        want = pay.amount if pay.status == "posted" else ZERO
        if in_ledger != want:
            problems.append(f"payment #{pay.id}: {format_money(pay.amount)} received, "
                            f"{format_money(in_ledger)} in the ledger")
    return problems


def _check_insurance_payments() -> list[str]:
    """Every insurance check is whole: its amount = applied to lines + provider adjustments +
    held unapplied on the payer + refunded to it."""
    from ...models import InsurancePayment
    from .check_sums import check_sums

    problems = []
    for check in InsurancePayment.select(InsurancePayment.id):
        sums = check_sums(check.id)
        if sums.accounted != sums.amount or sums.unapplied < 0:
            problems.append(f"insurance payment #{check.id}: {format_money(sums.amount)} received, "
                            f"{format_money(sums.applied)} applied + {format_money(sums.provider)} "
                            f"provider adjustments + {format_money(sums.unapplied)} unapplied + "
                            f"{format_money(sums.refunded)} refunded")
    return problems
