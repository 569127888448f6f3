"""The collector's reports beside the collection list: promises due, payment plans and their
status, and each clerk's activity. Rows come from ``services.collections.collection_reports``."""

from __future__ import annotations

import datetime as dt

from ..errors import ValidationError
from ..printing.report import Column, Group, Report
from ..services.collections import collection_reports as rows
from .common import Params


def _report(name: str, title: str, parameters: list, columns: list[Column], data: list[dict]) -> Report:
    return Report(name, title, parameters, columns, [Group("", rows=data)]).compute_totals()


def promises_due(params: Params) -> Report:
    """Promises falling due in the period (default: the next 30 days), each with its status as
    it stands now (kept, broken or still open): a period report, so it takes no as-of date."""
    start = params.start or dt.date.today()
    end = params.end or start + dt.timedelta(days=30)
    if start > end:
        raise ValidationError("the start of the period is after its end", "from")
    columns = [Column("due", "Due", "date"), Column("account", "Account"), Column("name", "Name"),
               Column("amount", "Promised", "money"), Column("status", "Status"),
               Column("by", "Taken by")]
    return _report("promises-due", "Promises to pay", [("From", start), ("To", end)], columns,
                   rows.promises_due(start=start, end=end))


def payment_plans(params: Params) -> Report:
    today = params.today()
    columns = [Column("account", "Account"), Column("name", "Name"), Column("total", "Total", "money"),
               Column("installments", "Installments", "int", total=True),
               Column("first_due", "First due", "date"), Column("paid", "Paid", "money"),
               Column("missed", "Missed", "int", total=True), Column("next_due", "Next due", "date"),
               Column("status", "Status")]
    return _report("payment-plans", "Payment plans and their status", [("As of", today)], columns,
                   rows.payment_plans(today=today))


def clerk_activity(params: Params) -> Report:
    start, end = params.period(default_days=30)
    columns = [Column("clerk", "Clerk"), Column("call", "Calls", "int", total=True),
               Column("letter", "Letters", "int", total=True),
               Column("other", "Other contacts", "int", total=True),
               Column("promises", "Promises", "int", total=True),
               Column("promised", "Promised", "money")]
    return _report("collections-activity", "Collections activity per clerk",
                   [("From", start), ("To", end)], columns, rows.clerk_activity(start=start, end=end))
