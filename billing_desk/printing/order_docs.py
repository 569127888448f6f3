"""Order printouts: the client's order confirmation (reportlab) and the unfilled orders report as a
``printing.report.Report`` (so it renders to PDF and Excel like every other report).

Both take plain data composed by ``services.orders`` (no database, no Qt here).
"""

from __future__ import annotations

import datetime as dt
import io
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from ..money import format_money
from .fonts import BOLD, FONT
from .report import Column, Report, format_date, group_rows

BODY = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=13)
SMALL = ParagraphStyle("small", parent=BODY, fontSize=8.5, leading=10.5,
                       textColor=colors.HexColor("#444444"))
HEAD = ParagraphStyle("head", parent=BODY, fontName=BOLD, fontSize=14, leading=18)
TITLE = ParagraphStyle("title", parent=BODY, fontName=BOLD, fontSize=12, leading=15)
LABEL = ParagraphStyle("label", parent=BODY, fontName=BOLD, fontSize=9, leading=11)


def _lines(lines: list[str]) -> Paragraph:
    return Paragraph("<br/>".join(escape(x) for x in lines) or "&nbsp;", BODY)


def _addresses(data: dict) -> Table:
    ship = data["ship_to"] or ["Same as billed"]
    cells = [[Paragraph("Client", LABEL), Paragraph("Ship to / service address", LABEL),
              Paragraph("Order", LABEL)],
             [_lines(data["bill_to"] + [f"Account {data['account']}"]), _lines(ship),
              _lines([f"Number {data['number']}", f"Date {format_date(data['order_date'])}",
                      f"Your PO {data['po_number'] or '-'}",
                      f"Requested {format_date(data['requested_date']) or '-'}",
                      f"Status {data['status']}"])]]
    table = Table(cells, colWidths=[2.4 * inch, 2.4 * inch, 1.7 * inch], hAlign="LEFT")
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return table


def _line_table(data: dict) -> Table:
    rows = [["Line", "Code", "Description", "Qty", "Unit price", "Amount"]]
    for line in data["lines"]:
        rows.append([str(line["line"]), line["code"], Paragraph(escape(line["description"]), BODY),
                     f"{line['quantity']:,}", format_money(line["unit_price"]),
                     format_money(line["amount"])])
    rows.append(["", "", "Total", "", "", format_money(data["total"])])
    table = Table(rows, colWidths=[0.45 * inch, 0.9 * inch, 2.75 * inch, 0.6 * inch, 0.9 * inch,
                                   0.9 * inch], hAlign="LEFT", repeatRows=1)
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), FONT, 9.5),
        ("FONT", (0, 0), (-1, 0), BOLD, 9.5),
        ("FONT", (0, -1), (-1, -1), BOLD, 9.5),
        ("ALIGN", (3, 0), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.black),
        ("LINEABOVE", (0, -1), (-1, -1), 0.6, colors.black),
    ]))
    return table


def render_confirmation(data: dict) -> bytes:
    """The order confirmation PDF for the client, from ``services.orders.confirmation_data``."""
    office = data["office"]
    buffer = io.BytesIO()
    pdf = SimpleDocTemplate(buffer, pagesize=LETTER, leftMargin=inch, rightMargin=inch,
                            topMargin=0.8 * inch, bottomMargin=0.8 * inch,
                            title=f"Order confirmation {data['number']}", author=office["name"])
    story = [Paragraph(escape(office["name"]), HEAD)]
    story += [Paragraph(escape(x), SMALL) for x in office.get("address_lines", [])]
    if office.get("phone"):
        story.append(Paragraph(escape(f"Phone {office['phone']}"), SMALL))
    story += [Spacer(1, 0.3 * inch), Paragraph(f"Order confirmation {data['number']}", TITLE),
              Spacer(1, 0.12 * inch), _addresses(data), Spacer(1, 0.2 * inch), _line_table(data)]
    if data.get("contact"):
        story += [Spacer(1, 0.15 * inch), Paragraph(escape(f"Contact: {data['contact']}"), BODY)]
    if data.get("notes"):
        story += [Spacer(1, 0.1 * inch), Paragraph("Notes: " + escape(data["notes"]).replace(
            "\n", "<br/>"), BODY)]
    story += [Spacer(1, 0.25 * inch),
              Paragraph("Thank you for your order. We bill what is delivered or performed; "
                        "anything on back-order stays open until it is.", SMALL)]
    pdf.build(story)
    return buffer.getvalue()


UNFILLED_COLUMNS = [
    Column("order", "Order", "text", 0.9),  # text: no thousands comma, room for subtotal labels
    Column("order_date", "Date", "date", 0.85),
    Column("client", "Client", "text", 1.9),
    Column("line", "Line", "int", 0.4, total=False),
    Column("code", "Item", "text", 0.8),
    Column("description", "Description", "text", 1.6),
    Column("ordered", "Ordered", "int", 0.65, total=False),
    Column("cancelled", "Cancelled", "int", 0.7, total=False),
    Column("filled", "Filled", "int", 0.55, total=False),
    Column("invoiced", "Invoiced", "int", 0.65, total=False),
    Column("open", "Open qty", "int", 0.65, total=True),
    Column("open_value", "Open value", "money", 0.95),
    Column("requested_date", "Requested", "date", 0.85),
    Column("days_open", "Days open", "int", 0.6, total=False),
]


def unfilled_report(rows: list[dict], as_of: dt.date, group_by: str = "client") -> Report:
    """The unfilled orders report from ``services.orders.unfilled.unfilled_rows`` (already sorted)."""
    if group_by == "client":
        groups = group_rows(rows, lambda r: (r["account"], r["client"]),
                            lambda key: f"{key[1]} ({key[0]})")
    else:
        groups = group_rows(rows, lambda r: (r["code"], r["description"]),
                            lambda key: f"{key[0]} {key[1]}")
    # the group's title already says who or what it is
    dropped = {"client"} if group_by == "client" else {"code", "description"}
    report = Report(name="unfilled-orders", title="Unfilled Orders",
                    parameters=[("As of", as_of), ("Grouped by", group_by)],
                    columns=[c for c in UNFILLED_COLUMNS if c.key not in dropped], groups=groups,
                    landscape=True)
    return report.compute_totals(subtotals=True)
