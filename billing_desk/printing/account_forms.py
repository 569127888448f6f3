"""Printouts of one account: the pre-filled registration form and the account ledger (PDF)."""

from __future__ import annotations

from typing import IO

from reportlab.lib.pagesizes import LETTER
from reportlab.lib.units import inch
from reportlab.pdfgen.canvas import Canvas

from .fonts import BOLD, FONT, ITALIC
from .office import office_from
from .report import Column, Group, Report

MARGIN = 0.6 * inch
ROW = 0.33 * inch
COLUMNS = 3


_office = office_from


def registration_pdf(data: dict, target: str | IO[bytes]) -> int:
    """Draw the registration form: each section a box of labelled fields, pre-filled, to sign.

    ``data``: office, account, name, sections [(title, [(label, value), ...]), ...].
    Returns the number of pages.
    """
    canvas = Canvas(target if hasattr(target, "write") else str(target), pagesize=LETTER)
    canvas.setTitle(f"Registration form {data['account']}")
    width, height = LETTER
    y = _form_heading(canvas, data, height)
    pages = 1
    for title, fields in data["sections"]:
        needed = ROW * (1 + -(-len(fields) // COLUMNS)) + 0.15 * inch
        if y - needed < 1.25 * inch:
            canvas.showPage()
            pages += 1
            y = height - MARGIN
        y = _section(canvas, title, fields, y, width)
    _signature(canvas, y, width)
    canvas.save()
    return pages


def _form_heading(canvas: Canvas, data: dict, height: float) -> float:
    office = _office(data["office"])
    y = height - MARGIN
    canvas.setFont(BOLD, 14)
    canvas.drawString(MARGIN, y, office.name)
    canvas.setFont(FONT, 9)
    for line in office.lines():
        y -= 12
        canvas.drawString(MARGIN, y, line)
    y -= 26
    canvas.setFont(BOLD, 13)
    canvas.drawString(MARGIN, y, "Registration form")
    canvas.setFont(FONT, 10)
    canvas.drawRightString(LETTER[0] - MARGIN, y, f"Account {data['account']}")
    y -= 16
    canvas.setFont(ITALIC, 9)
    canvas.drawString(MARGIN, y, "Please check every box. Cross out anything wrong and write the "
                                 "correct detail beside it, then sign at the bottom.")
    return y - 14


def _section(canvas: Canvas, title: str, fields: list[tuple[str, str]], y: float, width: float) -> float:
    inner = width - 2 * MARGIN
    rows = -(-len(fields) // COLUMNS)
    top = y
    canvas.setFont(BOLD, 10)
    canvas.drawString(MARGIN, y - 12, title)
    y -= ROW * 0.5
    cell = inner / COLUMNS
    for index, (label, value) in enumerate(fields):
        column, row = index % COLUMNS, index // COLUMNS
        x = MARGIN + column * cell
        box_y = y - (row + 1) * ROW
        canvas.setLineWidth(0.5)
        canvas.rect(x, box_y, cell - 4, ROW - 3)
        canvas.setFont(FONT, 6.5)
        canvas.drawString(x + 3, box_y + ROW - 10, label.upper())
        canvas.setFont(FONT, 10)
        canvas.drawString(x + 3, box_y + 3, _fit(canvas, str(value or ""), cell - 10))
    bottom = y - rows * ROW - 0.15 * inch
    canvas.setLineWidth(0.8)
    canvas.line(MARGIN, top, width - MARGIN, top)
    return bottom


def _fit(canvas: Canvas, text: str, room: float) -> str:
    while text and canvas.stringWidth(text, FONT, 10) > room:
        text = text[:-2] + "…"
    return text


def _signature(canvas: Canvas, y: float, width: float) -> None:
    y = max(y - 0.4 * inch, 0.9 * inch)
    canvas.setFont(FONT, 9)
    canvas.drawString(MARGIN, y + 0.25 * inch, "I confirm these details are correct and accept "
                                               "responsibility for charges not paid by my insurance.")
    canvas.line(MARGIN, y, MARGIN + 3.6 * inch, y)
    canvas.line(width - MARGIN - 2 * inch, y, width - MARGIN, y)
    canvas.drawString(MARGIN, y - 11, "Signature")
    canvas.drawString(width - MARGIN - 2 * inch, y - 11, "Date")


LEDGER_COLUMNS = [
    Column("entry_date", "Entered", "date"),
    Column("service_date", "Service date", "date"),
    Column("description", "Description", "text", 4.4),
    Column("party", "Party", "text", 1.0),
    Column("charge", "Charge", "money"),
    Column("credit", "Credit", "money"),
    Column("balance", "Balance", "money", total=False),
]


def ledger_report(data: dict) -> Report:
    """The account ledger as a report (so the screen, the PDF and Excel agree)."""
    params = [("Account", f"{data['account']} {data['name']}"), ("As of", data["as_of"]),
              ("Patient owes", data["patient"]), ("Insurance owes", data["insurance"])]
    if data.get("credit"):
        params.append(("Unapplied credit", data["credit"]))
    if data.get("address"):
        params.insert(1, ("Address", data["address"]))
    return Report(name="account-ledger", title="Account ledger", parameters=params,
                  columns=LEDGER_COLUMNS, groups=[Group("", rows=list(data["rows"]))],
                  landscape=False).compute_totals(subtotals=False)


def ledger_pdf(data: dict, target: str | IO[bytes]) -> int:
    from .pdf import render_pdf

    return render_pdf(ledger_report(data), target, _office(data["office"]))
