"""Statements: the run as a list (screen, Excel) and as the statements themselves (PDF).

The list shows each statement's account, amount due, due date and oldest age, then the
accounts left out and why. Its PDF is not a table: it is the statements, one or more pages
each, drawn by ``printing.statements``; saving or printing it keeps a copy on every account.
"""

from __future__ import annotations

from typing import Any

from ..printing.report import Column, Group, Report
from ..services.books import reports_statements
from .common import Params

VIEWS = (("batch", "Batch (billing cycle, over the minimum)"),)

COLUMNS = [Column("account", "Account", width=0.9), Column("name", "Name", width=2.0),
           Column("items", "Items", "int", 0.5, total=True),
           Column("insurance", "Ins. pending", "money", 1.0),
           Column("amount_due", "Amount due", "money", 1.0),
           Column("due_date", "Due", "date", 0.8), Column("oldest", "Oldest", width=0.7),
           Column("note", "Left out because", width=2.0)]


def build(params: Params) -> Report:
    as_of = params.today()
    chosen = reports_statements.select_accounts(as_of, params.minimum, params.account_id())
    documents = [reports_statements.statement_data(key, as_of) for key in chosen.account_ids]
    rows = [{"account": d["account"], "name": d["name"], "items": len(d["items"]),
             "insurance": d["insurance_pending"], "amount_due": d["amount_due"],
             "due_date": d["due_date"], "oldest": d["oldest"]} for d in documents]
    groups = [Group("Statements", rows)]
    if chosen.skipped:
        groups.append(Group("Left out", [{"account": s.account, "name": s.name, "note": s.reason}
                                         for s in chosen.skipped]))
    parameters: list[tuple[str, Any]] = [("Statement date", as_of)]
    if params.account:
        parameters.append(("Account", params.account))
    elif params.minimum is not None:
        parameters.append(("Minimum", params.minimum))
    report = Report("statements", "Statements", parameters, COLUMNS, groups, landscape=False)
    report.compute_totals(subtotals=False)
    report.documents = documents  # type: ignore[attr-defined]  # carried to the document step below
    return report


def render(report: Report, target, office, progress=None, on_each=None) -> int:
    """The statements of a built run as one PDF; returns pages."""
    from ..printing.statements import render_statements  # reportlab: read when statements print

    documents = getattr(report, "documents", [])
    return render_statements(documents, target, office, total=len(documents), progress=progress,
                             on_each=on_each)
