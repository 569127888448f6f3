"""The collections reports as ``printing.report.Report`` objects (screen, PDF, Excel, printer).

The services give plain ``ReportData``; this is where it meets the report framework (the two
are independent layers, so the window side joins them)."""

from __future__ import annotations

import datetime as dt
import io

from ...printing.report import Column, Group, Report
from ...services.collections import collection_reports as data

COUNTED = ("int",)


def as_report(source: data.ReportData) -> Report:
    columns = [Column(key, title, kind, total=True if kind in COUNTED else None)
               for key, title, kind in source.columns]
    return Report(name=source.name, title=source.title, parameters=list(source.parameters),
                  columns=columns, groups=[Group("", rows=list(source.rows))]).compute_totals()


def all_reports(today: dt.date) -> dict[str, Report]:
    month_ago = today - dt.timedelta(days=30)
    return {
        "Collection list": as_report(data.collection_list(today=today)),
        "Promises due (next 30 days)": as_report(
            data.promises_due(start=today, end=today + dt.timedelta(days=30))),
        "Payment plans": as_report(data.payment_plans(today=today)),
        "Activity per clerk (last 30 days)": as_report(data.clerk_activity(start=month_ago, end=today)),
    }


def pdf_bytes(report: Report) -> bytes:
    from ...printing.pdf import render_pdf

    buffer = io.BytesIO()
    render_pdf(report, buffer)
    return buffer.getvalue()
