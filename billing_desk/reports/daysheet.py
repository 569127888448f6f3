"""The day sheet: every entry keyed on a day or a period (by entry date), for the binder.

Amounts keep the ledger's sign (payments and adjustments reduce what is owed, so they print
negative) and every row's Net is its effect on receivables: A/R at the start plus the Net total
is A/R at the end. The deposit slip's cash / check / card subtotals count money received on the
day, as the Deposit list does (services/books/deposits.py): a payment returned later (a bounced
check) is its own "Returned payments" line on the day the void was keyed.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Callable

from ..choices import PAYMENT_METHODS
from ..printing.report import Column, Group, Report
from ..services.books import deposits, reports_data
from ..services.books.reports_close import closed_through
from ..services.office.audit import chain_head
from .common import Params, money

VIEWS = (("account", "By account"), ("code", "By code"), ("type", "By payment type"))

COLUMNS = [Column("entry_date", "Entered", "date", 0.75), Column("account", "Account", width=0.8),
           Column("name", "Name", width=1.6), Column("invoice", "Invoice", width=0.6),
           Column("code", "Code", width=0.6), Column("what", "Entry", width=1.3),
           Column("charges", "Charges", "money", 0.9),
           Column("patient_paid", "Patient paid", "money", 0.9),
           Column("insurance_paid", "Ins. paid", "money", 0.9),
           Column("adjustments", "Adj./other", "money", 0.9), Column("net", "Net", "money", 0.9)]

KIND_WORDS = {"charge": "charge", "void": "invoice void", "payment": "payment",
              "payment_void": "payment void", "adjustment": "adjustment", "transfer": "transfer",
              "credit_applied": "credit applied", "refund": "refund"}


class _Rows:
    """The printed row of each entry. A day's entries repeat a few amounts, entry kinds and
    dates over and over: each amount's Decimal and each kind's words are made once."""

    def __init__(self) -> None:
        self.amounts: dict[int, Decimal] = {}
        self.words: dict[tuple[str, str, str], tuple[str, str]] = {}

    def row(self, entry: reports_data.DayEntry) -> dict:
        amount = self.amounts.get(entry.cents)
        if amount is None:
            amount = self.amounts[entry.cents] = money(entry.cents)
        said = self.words.get((entry.kind, entry.method, entry.party))
        if said is None:
            said = self.words[(entry.kind, entry.method, entry.party)] = (_what(entry), _column(entry))
        what, column = said
        if entry.posting_date != entry.entry_date:
            what += f", for {entry.posting_date:%m/%d/%Y}"
        row: dict[str, Any] = {
            "entry_date": entry.entry_date, "account": entry.account, "name": entry.name,
            "invoice": "" if entry.invoice is None else str(entry.invoice), "code": entry.code,
            "net": amount, "what": what, "charges": None, "patient_paid": None,
            "insurance_paid": None, "adjustments": None}
        row[column] = amount
        return row


def _what(entry: reports_data.DayEntry) -> str:
    return (KIND_WORDS[entry.kind] + (f" ({entry.method})" if entry.method else "")
            + (f", {entry.party}" if entry.kind not in ("charge", "void") else ""))


def _column(entry: reports_data.DayEntry) -> str:
    if entry.kind in ("charge", "void"):
        return "charges"
    if entry.kind in ("payment", "payment_void"):
        return "patient_paid" if entry.party == "patient" else "insurance_paid"
    return "adjustments"


def _type_of(entry: reports_data.DayEntry) -> str:
    column = _column(entry)
    if column == "charges":
        return "1 Charges"
    if column == "adjustments":
        return "3 Adjustments and other entries"
    return f"2 Payments: {entry.method or 'other'}"


def build(params: Params) -> Report:
    view = params.view or "account"
    start, end = params.period()
    entries = reports_data.day_entries(start, end)
    key: Callable[[reports_data.DayEntry], Any]
    if view == "account":
        key = lambda e: (e.name.lower(), e.account)
        title = lambda e: f"{e.account} {e.name}"
    elif view == "code":
        key = lambda e: e.code or "~"
        title = lambda e: e.code or "Not on a line (credit on account, refunds)"
    else:
        key = _type_of
        title = lambda e: _type_of(e)[2:]
    grouped: dict = {}
    titles: dict = {}
    rows = _Rows()
    for entry in entries:
        group = key(entry)
        found = grouped.get(group)
        if found is None:
            found = grouped[group] = []
            titles[group] = title(entry)
        found.append(rows.row(entry))
    groups = [Group(titles[k], grouped[k]) for k in sorted(grouped)]
    report = Report("day-sheet", "Day Sheet", [], COLUMNS, groups, landscape=True)
    report.compute_totals(subtotals=True)
    report.parameters = _parameters(start, end, report.totals, entries)
    return report


def _parameters(start, end, totals: dict, entries) -> list[tuple[str, object]]:
    opening_cents = reports_data.receivables_cents(start)  # the day totals before the period
    opening = money(opening_cents)
    slip = deposits.deposit(start, end)  # the Deposit list's own figures
    deposit: dict[str, Decimal] = {method: Decimal("0.00") for method in PAYMENT_METHODS}
    deposit.update(slip.totals())
    through = closed_through()
    state = "closed" if through and end <= through else "open (entries may still be added)"
    period = [("Day", start)] if start == end else [("From", start), ("To", end)]
    return [*period, ("Books", state), ("A/R at start", opening),
            ("Charges", totals["charges"]), ("Patient payments", totals["patient_paid"]),
            ("Insurance payments", totals["insurance_paid"]),
            ("Adjustments and other", totals["adjustments"]),
            ("A/R at end", money(opening_cents + sum(e.cents for e in entries))),
            ("Deposit: cash", deposit["cash"]), ("Deposit: checks", deposit["check"]),
            ("Deposit: cards", deposit["card"]),
            ("Deposit: EFT and other", deposit["eft"] + deposit["other"]),
            ("Deposit total", slip.total), ("Returned payments", slip.returned_total),
            ("Audit trail head", chain_head())]
