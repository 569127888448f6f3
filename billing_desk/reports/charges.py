"""Charges: the billing report (by code, provider or month) and the profit report.

Both go by date of service (``reports_data.BASIS``, printed on each as "Basis"): what practices
compare month to month, the services performed in the month whenever they were keyed, a voided
invoice left out of its month. The day sheet, for the closed books, stays by entry date.
The "Invoices" subtotals and total count invoices (an invoice of three codes is one), not the
sum of the per-code counts.
Profit is revenue less the catalogue cost of what was billed (each line keeps its unit cost),
then the month's adjustment entries (allowances, discounts, write-offs, late fees) give net.
"""

from __future__ import annotations

from collections import defaultdict

from ..printing.report import Column, Group, Report
from ..services.books import reports_data
from .common import Params, money, share

BILLING_VIEWS = (("code", "By code"), ("provider", "By provider"), ("month", "By month"))
PROFIT_VIEWS = (("code", "By month and code"), ("kind", "By month, services and products"))

KIND_NAMES = {"procedure": "Services", "service": "Services", "product": "Products", "fee": "Fees"}


def _month_title(month: str) -> str:
    year, number = month.split("-")
    names = ("January February March April May June July August September October November "
             "December").split()
    return f"{names[int(number) - 1]} {year}"


def billing(params: Params) -> Report:
    view = params.view or "code"
    start, end = params.period(month=True)
    buckets: dict = defaultdict(lambda: defaultdict(lambda: [None, 0, 0, 0]))
    for row in reports_data.charge_rows(start, end):
        outer = {"code": "", "provider": row.provider or "(no provider)",
                 "month": row.month}[view]
        cell = buckets[outer][row.code]
        cell[0] = cell[0] or row.description
        cell[1] += row.invoices
        cell[2] += row.units
        cell[3] += row.cents
    grand = sum(c[3] for inner in buckets.values() for c in inner.values())
    groups = []
    for outer in sorted(buckets):
        rows = [{"code": code, "description": desc, "invoices": invoices, "units": units,
                 "amount": money(cents), "share": share(money(cents), money(grand))}
                for code, (desc, invoices, units, cents) in sorted(buckets[outer].items())]
        title = _month_title(outer) if view == "month" else outer
        groups.append(Group(title, rows))
    columns = [Column("code", "Code", width=0.8), Column("description", "Description", width=3.0),
               Column("invoices", "Invoices", "int", 0.7, total=True),
               Column("units", "Units", "int", 0.6, total=True),
               Column("amount", "Amount", "money", 1.0), Column("share", "Share", "percent", 0.7)]
    report = Report("billing", f"Billing Report \u2014 {dict(BILLING_VIEWS)[view]}",
                    [("From", start), ("To", end), ("Basis", reports_data.BASIS)], columns, groups,
                    landscape=False)
    report.compute_totals(subtotals=view != "code")
    total, counts = reports_data.invoice_counts(start, end, "" if view == "code" else view)
    for outer, group in zip(sorted(buckets), groups):
        if group.subtotals is not None:
            group.subtotals["invoices"] = counts.get("" if outer == "(no provider)" else outer, 0)
    report.totals["invoices"] = total
    return report


PROFIT_COLUMNS = [Column("kind", "Kind", width=0.8), Column("code", "Code", width=0.7),
                  Column("description", "Description", width=2.2),
                  Column("units", "Units", "int", 0.55, total=True),
                  Column("revenue", "Revenue", "money", 0.95), Column("cost", "Cost", "money", 0.95),
                  Column("margin", "Gross margin", "money", 0.95),
                  Column("margin_pct", "Margin %", "percent", 0.7),
                  Column("adjustments", "Adjustments", "money", 0.95),
                  Column("net", "Net", "money", 0.95)]


def profit(params: Params) -> Report:
    view = params.view or "code"
    start, end = params.period(month=True)
    months: dict = defaultdict(lambda: defaultdict(lambda: ["", 0, 0, 0]))
    for row in reports_data.charge_rows(start, end):
        kind = KIND_NAMES.get(row.item_kind, row.item_kind.title())
        key = (kind, row.code) if view == "code" else (kind, "")
        cell = months[row.month][key]
        cell[0] = row.description if view == "code" else ""
        cell[1] += row.units
        cell[2] += row.cents
        cell[3] += row.cost_cents
    adjustments = reports_data.adjustments_by_month(start, end)
    groups = []
    for month in sorted(set(months) | set(adjustments)):
        rows = [_profit_row(kind, code, *cell) for (kind, code), cell in sorted(months[month].items())]
        if adjustments.get(month):
            amount = money(adjustments[month])
            rows.append({"kind": "Adjustments", "description": "allowances, discounts, write-offs, "
                         "late fees", "adjustments": amount, "net": amount})
        groups.append(Group(_month_title(month), rows))
    report = Report("profit", f"Profit Report \u2014 {dict(PROFIT_VIEWS)[view]}",
                    [("From", start), ("To", end), ("Basis", reports_data.BASIS)], PROFIT_COLUMNS,
                    groups, landscape=True)
    report.compute_totals(subtotals=True)
    for sums in [g.subtotals for g in groups if g.subtotals is not None] + [report.totals]:
        sums["margin_pct"] = share(sums["margin"], sums["revenue"])
    return report


def _profit_row(kind: str, code: str, description: str, units: int, cents: int, cost: int) -> dict:
    revenue, spent = money(cents), money(cost)
    return {"kind": kind, "code": code, "description": description, "units": units,
            "revenue": revenue, "cost": spent, "margin": revenue - spent,
            "margin_pct": share(revenue - spent, revenue), "adjustments": None,
            "net": revenue - spent}


__all__ = ["BILLING_VIEWS", "PROFIT_VIEWS", "billing", "profit"]
