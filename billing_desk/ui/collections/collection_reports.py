"""The collections reports for the Collections tab's Reports button: the same report
definitions as the Reports window and `billing-desk report` (``billing_desk.reports``)."""

from __future__ import annotations

import datetime as dt
import io

from ... import reports
from ...printing.report import Report


def all_reports(today: dt.date) -> dict[str, Report]:
    month_ago = today - dt.timedelta(days=30)
    return {
        "Collection list": reports.run("collection-list", reports.Params()),  # always today's
        "Promises due (next 30 days)": reports.run(
            "promises-due", reports.Params(start=today, end=today + dt.timedelta(days=30))),
        "Payment plans": reports.run("payment-plans", reports.Params(as_of=today)),
        "Activity per clerk (last 30 days)": reports.run(
            "collections-activity", reports.Params(start=month_ago, end=today)),
    }


def pdf_bytes(report: Report) -> bytes:
    from ...printing.pdf import render_pdf

    buffer = io.BytesIO()
    render_pdf(report, buffer)
    return buffer.getvalue()
