"""A/R aging: summary or detail, by account or by payer, as of any date.

Buckets run by days past the invoices' due dates (services/aging.py). By account, every
account shows its patient and insurance parts, the unapplied credit, the six buckets with the
credit taken off the oldest first (``aging.take_credit_oldest_first``, the rule statements and
the collections worklist use too), and the balance net of credit, which the buckets add up to.
The detail view shows the credit as its own row, in the buckets it came off. The share of the
total in each bucket is a parameter line.
"""

from __future__ import annotations

from decimal import Decimal
from itertools import groupby

from ..printing.report import Column, Group, Report, format_percent, group_rows
from ..services.books import reports_data
from ..services.books.aging import (
    BUCKETS,
    AgingRow,
    aging_by_account,
    aging_by_payer,
    bucket_for,
    take_credit_oldest_first,
)
from .common import Params, money, share

VIEWS = (("summary", "Summary by account"), ("detail", "Detail by account"),
         ("payer", "Summary by payer"), ("payer-detail", "Detail by payer"))

BUCKET_TITLES = ("Current", "1-30", "31-60", "61-90", "91-120", "Over 120")
BUCKET_KEYS = tuple(f"b{i}" for i in range(6))
BUCKET_COLUMNS = [Column(key, title, "money", 0.95) for key, title in zip(BUCKET_KEYS, BUCKET_TITLES)]


def _share_line(total: dict) -> tuple[str, str]:
    whole = sum((total[k] for k in BUCKET_KEYS), Decimal("0.00"))
    parts = [f"{title} {format_percent(share(total[key], whole)) or '-'}"
             for key, title in zip(BUCKET_KEYS, BUCKET_TITLES)]
    return "Share by bucket", " \u00b7 ".join(parts)


def _finish(report: Report, subtotals: bool) -> Report:
    report.compute_totals(subtotals=subtotals)
    for group in report.groups:  # one invoice is its own subtotal: save the line (and paper)
        if len(group.rows) == 1:
            group.subtotals = None
    report.parameters.append(_share_line(report.totals))
    return report


def build(params: Params) -> Report:
    view = params.view or "summary"
    as_of = params.today()
    account_id = params.account_id()
    head = [("As of", as_of)] + ([("Account", params.account)] if account_id else [])
    title = dict(VIEWS)[view]
    if view == "summary":
        return _summary(as_of, account_id, head, title)
    if view == "detail":
        return _detail(as_of, account_id, head, title)
    if view == "payer":
        return _payer_summary(as_of, account_id, head, title)
    return _payer_detail(as_of, account_id, head, title)


def _net_buckets(row: AgingRow) -> list:
    """The six buckets, patient and insurance, with the credit taken off the oldest first."""
    patient = take_credit_oldest_first(row.patient_cents, row.credit_cents)
    return [money(p + i) for p, i in zip(patient, row.insurance_cents)]


def _credit_by_bucket(row: AgingRow) -> list:
    """What the credit took off each bucket, as minus amounts (the detail's credit row)."""
    patient = take_credit_oldest_first(row.patient_cents, row.credit_cents)
    return [money(after - before) if after != before else None
            for before, after in zip(row.patient_cents, patient)]


def _summary(as_of, account_id, head, title) -> Report:
    aging = aging_by_account(as_of, account_id, apply_credits=False)
    names = reports_data.account_names(aging)
    rows = []
    for key in sorted(aging, key=lambda k: (names[k][2], names[k][0])):
        row = aging[key]
        values = {"account": names[key][0], "name": names[key][1],
                  "patient": money(sum(row.patient_cents)),
                  "insurance": money(sum(row.insurance_cents)), "credit": row.credit,
                  "balance": money(sum(row.patient_cents) + sum(row.insurance_cents)
                                   - row.credit_cents)}
        values.update(zip(BUCKET_KEYS, _net_buckets(row)))
        rows.append(values)
    columns = [Column("account", "Account", width=0.9), Column("name", "Name", width=1.9),
               Column("patient", "Patient", "money", 0.95),
               Column("insurance", "Insurance", "money", 0.95), *BUCKET_COLUMNS,
               Column("credit", "Credit", "money", 0.9), Column("balance", "Balance", "money", 1.0)]
    report = Report("aging", f"A/R Aging \u2014 {title}", head, columns, [Group("", rows)],
                    landscape=True)
    return _finish(report, subtotals=False)


def _number(invoice: int | None) -> str:
    return "" if invoice is None else str(invoice)


def _invoice_row(item, as_of) -> dict:
    amount = money(item.patient_cents + item.insurance_cents)
    row = {"invoice": _number(item.invoice), "service_date": item.service_date, "due_date": item.due_date,
           "payer": item.payer, "patient": money(item.patient_cents),
           "insurance": money(item.insurance_cents), "credit": None, "balance": amount,
           **dict.fromkeys(BUCKET_KEYS)}
    row[BUCKET_KEYS[BUCKETS.index(bucket_for((as_of - item.due_date).days))]] = amount
    return row


DETAIL_COLUMNS = [Column("invoice", "Invoice", width=0.6),
                  Column("service_date", "Service", "date", 0.75),
                  Column("due_date", "Due", "date", 0.75), Column("payer", "Payer", width=1.2),
                  Column("patient", "Patient", "money", 0.9),
                  Column("insurance", "Insurance", "money", 0.9), *BUCKET_COLUMNS,
                  Column("credit", "Credit", "money", 0.85), Column("balance", "Balance", "money", 0.95)]


def _detail(as_of, account_id, head, title) -> Report:
    items = reports_data.open_invoices(as_of, account_id)
    credits = {k: r for k, r in aging_by_account(as_of, account_id, apply_credits=False).items()
               if r.credit_cents}
    keyed: list[tuple[int, Group]] = []
    for key, entries in groupby(items, key=lambda i: i.account_id):
        run = list(entries)
        keyed.append((key, Group(f"{run[0].account} {run[0].name}",
                                 [_invoice_row(item, as_of) for item in run])))
    rest = [key for key in credits if key not in {k for k, _ in keyed}]  # credit, nothing open
    names = reports_data.account_names(rest)
    keyed += [(key, Group(f"{names[key][0]} {names[key][1]}")) for key in rest]
    if rest:
        sort = reports_data.account_names(k for k, _ in keyed)
        keyed.sort(key=lambda pair: (sort[pair[0]][2], sort[pair[0]][0]))
    for key, group in keyed:
        if credits.get(key):
            row = credits[key]
            group.rows.append({"invoice": None, "payer": "Unapplied credit", "credit": row.credit,
                               "balance": -row.credit,
                               **dict(zip(BUCKET_KEYS, _credit_by_bucket(row)))})
    report = Report("aging", f"A/R Aging \u2014 {title}", head, DETAIL_COLUMNS,
                    [group for _, group in keyed], landscape=True)
    return _finish(report, subtotals=True)


def _payer_summary(as_of, account_id, head, title) -> Report:
    aging = aging_by_payer(as_of, account_id)
    names = reports_data.payer_names()
    rows = []
    for key in sorted(aging, key=lambda k: names.get(k, "").lower()):
        row = aging[key]
        rows.append({"payer": names.get(key, f"payer #{key}"), "balance": row.total,
                     **dict(zip(BUCKET_KEYS, row.insurance))})
    columns = [Column("payer", "Payer", width=2.4), *BUCKET_COLUMNS,
               Column("balance", "Balance", "money", 1.1)]
    report = Report("aging", f"A/R Aging \u2014 {title} (insurance part)", head, columns,
                    [Group("", rows)], landscape=True)
    return _finish(report, subtotals=False)


def _payer_detail(as_of, account_id, head, title) -> Report:
    items = reports_data.insurance_owed(as_of, account_id)  # by payer, due date, invoice
    rows = []
    for item in items:
        amount = money(item.insurance_cents)
        row = {"payer": item.payer or "(no payer)", "account": item.account, "name": item.name,
               "invoice": _number(item.invoice), "service_date": item.service_date,
               "due_date": item.due_date, "balance": amount, **dict.fromkeys(BUCKET_KEYS)}
        row[BUCKET_KEYS[BUCKETS.index(bucket_for((as_of - item.due_date).days))]] = amount
        rows.append(row)
    columns = [Column("account", "Account", width=0.8), Column("name", "Name", width=1.6),
               Column("invoice", "Invoice", width=0.6),
               Column("service_date", "Service", "date", 0.75), Column("due_date", "Due", "date", 0.75),
               *BUCKET_COLUMNS, Column("balance", "Balance", "money", 1.0)]
    groups = group_rows(rows, "payer")
    report = Report("aging", f"A/R Aging \u2014 {title} (insurance part)", head, columns, groups,
                    landscape=True)
    return _finish(report, subtotals=True)
