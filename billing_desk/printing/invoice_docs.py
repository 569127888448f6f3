"""Invoice printouts drawn with reportlab (no Qt, no database): the invoice with its breakdown
and a tear-off remittance stub, "Explain this bill", the blank superbill, the deposit list.

Each takes the plain data built by services.invoice_papers and writes a PDF to ``path``.
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .fonts import BOLD, FONT
from .report import format_date, format_value

BODY = ParagraphStyle("ib", fontName=FONT, fontSize=9.5, leading=12)
SMALL = ParagraphStyle("is", parent=BODY, fontSize=8, leading=10, textColor=colors.HexColor("#444444"))
HEAD = ParagraphStyle("ih", parent=BODY, fontName=BOLD, fontSize=14, leading=18)
TITLE = ParagraphStyle("it", parent=BODY, fontName=BOLD, fontSize=11, leading=14)
GRID = [("FONT", (0, 0), (-1, -1), FONT, 8.5), ("FONT", (0, 0), (-1, 0), BOLD, 8.5),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2), ("TOPPADDING", (0, 0), (-1, -1), 2)]
STUB_HEIGHT = 2.3 * inch


def money(value) -> str:
    return format_value(value) if value is not None else ""


def _office(data: dict) -> list:
    office = data["office"]
    lines = list(office.get("address_lines") or ())
    contact = " · ".join(p for p in (office.get("phone") and f"Phone {office['phone']}",
                                      office.get("tax_id") and f"Tax ID {office['tax_id']}") if p)
    return ([Paragraph(escape(office["name"]), HEAD)]
            + [Paragraph(escape(l), SMALL) for l in lines + ([contact] if contact else [])])


def _table(rows: list[list], widths: list[float], right: tuple[int, ...] = (), extra=()) -> Table:
    table = Table(rows, colWidths=[w * inch for w in widths], repeatRows=1, hAlign="LEFT")
    style = list(GRID) + [("ALIGN", (c, 0), (c, -1), "RIGHT") for c in right] + list(extra)
    table.setStyle(TableStyle(style))
    return table


def _doc(path, title: str, bottom: float = 0.7 * inch) -> SimpleDocTemplate:
    return SimpleDocTemplate(str(path), pagesize=LETTER, leftMargin=0.7 * inch,
                             rightMargin=0.7 * inch, topMargin=0.6 * inch, bottomMargin=bottom,
                             title=title)


def _header(data: dict, title: str) -> list:
    who = [f"Account {data['account']}", data["name"], *data["address"]]
    facts = [f"Date of service: {format_date(data['service_date'])}",
             f"Invoice date: {format_date(data['posted_on'])}" if data["posted_on"] else "Draft",
             f"Due: {format_date(data['due_date'])}" if data["due_date"] else "",
             f"Provider: {data['provider']}" if data["provider"] else "",
             f"Place of service: {data['place_of_service']}" if data["place_of_service"] else "",
             f"Insurance: {data['primary']}" if data["primary"] else "No insurance on file",
             f"Second insurance: {data['secondary']}" if data["secondary"] else ""]
    number = f"Invoice {data['number']}" if data["number"] else "Draft invoice"
    status = " (VOID)" if data["status"] == "void" else ""
    top = Table([[[Paragraph(escape(l), BODY) for l in who],
                  [Paragraph(escape(f), BODY) for f in facts if f]]],
                colWidths=[3.5 * inch, 3.5 * inch], hAlign="LEFT")
    top.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story = _office(data) + [Spacer(1, 8), Paragraph(escape(f"{title} — {number}{status}"), TITLE),
                             Spacer(1, 4), top, Spacer(1, 6)]
    if data["diagnoses"]:
        story.append(Paragraph("Diagnoses: " + escape("; ".join(
            f"{l}. {c} {d}" for l, c, d in data["diagnoses"])), SMALL))
        story.append(Spacer(1, 6))
    return story


def invoice_pdf(data: dict, path: str | Path) -> Path:
    """The invoice: lines, the estimate breakdown, payments so far, and a remittance stub."""
    rows = [["Code", "Description", "Mod", "Dx", "Qty", "Charge", "Allowed", "Ins. est.",
             "You est.", "Paid", "Adjusted", "Balance"]]
    for line in data["lines"]:
        est = line["estimate"]
        rows.append([Paragraph(escape(line["code"]), SMALL),
                     Paragraph(escape(line["description"]), SMALL), line["modifiers"],
                     line["pointers"], line["quantity"], money(line["amount"]), money(est.allowed),
                     money(est.insurance_pays), money(est.patient_pays), money(line["paid"]),
                     money(line["adjusted"]), money(line["balance"])])
    t = data["totals"]
    rows.append(["", "Totals", "", "", "", money(t["charges"]), "", money(t["insurance_estimate"]),
                 money(t["patient_estimate"]), money(t["paid"]), money(t["adjusted"]),
                 money(t["balance"])])
    table = _table(rows, [0.8, 1.35, 0.35, 0.35, 0.3, 0.6, 0.6, 0.6, 0.6, 0.55, 0.6, 0.6],
                   right=tuple(range(4, 12)),
                   extra=[("FONT", (0, -1), (-1, -1), BOLD, 8.5),
                          ("LINEABOVE", (0, -1), (-1, -1), 0.6, colors.black)])
    due = [f"Insurance still owes {money(t['insurance_balance'])}.",
           f"Amount due from you now: {money(t['patient_balance'])}."]
    if t["credit"]:
        due.append(f"You have {money(t['credit'])} of credit on your account.")
    story = _header(data, "Invoice") + [table, Spacer(1, 8)]
    story += [Paragraph(escape(d), TITLE if "due" in d else BODY) for d in due]
    if data["notes"]:
        story += [Spacer(1, 6), Paragraph(escape(data["notes"]), SMALL)]
    doc = _doc(path, f"Invoice {data['number']}", bottom=STUB_HEIGHT + 0.4 * inch)
    doc.build(story, onFirstPage=lambda c, d: _stub(c, data))
    return Path(path)


def _stub(canvas, data: dict) -> None:
    """The tear-off remittance stub at the foot of the first page."""
    width = LETTER[0]
    top = STUB_HEIGHT + 0.3 * inch
    canvas.saveState()
    canvas.setDash(4, 3)
    canvas.line(0.5 * inch, top, width - 0.5 * inch, top)
    canvas.setDash()
    canvas.setFont(FONT, 7.5)
    canvas.drawCentredString(width / 2, top + 3, "Detach and return this part with your payment")
    y = top - 0.3 * inch
    canvas.setFont(BOLD, 10)
    canvas.drawString(0.7 * inch, y, f"Remit to: {data['office']['name']}")
    canvas.setFont(FONT, 9)
    for i, line in enumerate(list(data["office"].get("address_lines") or ())[:3], start=1):
        canvas.drawString(0.7 * inch, y - 12 * i, line)
    facts = [("Account", data["account"]), ("Name", data["name"]),
             ("Invoice", str(data["number"] or "draft")),
             ("Due date", format_date(data["due_date"]) if data["due_date"] else ""),
             ("Amount due", money(data["totals"]["patient_balance"])),
             ("Amount enclosed", "$ ______________")]
    for i, (label, value) in enumerate(facts):
        canvas.drawString(4.2 * inch, y - 14 * i, f"{label}:")
        canvas.drawString(5.4 * inch, y - 14 * i, value)
    canvas.drawString(0.7 * inch, y - 14 * 5, "Cash  [ ]   Check  [ ] no. ________   Card  [ ]")
    canvas.restoreState()


def explain_pdf(data: dict, path: str | Path) -> Path:
    """"Explain this bill": every line in plain words, then the totals, for the patient."""
    story = _header(data, "Your bill, explained")
    for line in data["lines"]:
        story += [Paragraph(escape(line["explain"]), BODY), Spacer(1, 5)]
    t = data["totals"]
    story += [Spacer(1, 6), Paragraph(escape(
        f"In all: charges {money(t['charges'])}; your insurance should pay "
        f"{money(t['insurance_estimate'])}; your estimated part is {money(t['patient_estimate'])}. "
        "This is an estimate: your insurer decides what it pays, and we will send you a statement "
        "once it has."), TITLE)]
    _doc(path, "Explain this bill").build(story)
    return Path(path)


def superbill_pdf(data: dict, path: str | Path) -> Path:
    """The blank superbill: patient boxes, the common codes to tick, diagnosis boxes A-L."""
    blank = "_" * 28
    story = _office(data) + [Spacer(1, 6), Paragraph("Superbill / encounter form", TITLE),
                             Spacer(1, 4)]
    header = [["Account", blank, "Date of service", blank],
              ["Patient", blank, "Provider", blank],
              ["Date of birth", blank, "Place of service", blank]]
    story += [_table(header, [1.0, 2.4, 1.2, 2.4], extra=[("LINEBELOW", (0, 0), (-1, 0), 0, colors.white),
                                                          ("FONT", (0, 0), (-1, 0), FONT, 8.5)]),
              Spacer(1, 8)]
    for category, items in data["groups"].items():
        rows = [["", category, "Code", "Fee", "Units", "Modifiers"]]
        rows += [["[  ]", Paragraph(escape(d), SMALL), c, money(p), "____", "______"] for c, d, p in items]
        story += [_table(rows, [0.4, 3.2, 0.9, 0.8, 0.6, 0.8], right=(3,)), Spacer(1, 6)]
    dx = [[f"{l}. ____________" for l in "ABCD"], [f"{l}. ____________" for l in "EFGH"],
          [f"{l}. ____________" for l in "IJKL"]]
    story += [Paragraph("Diagnoses (ICD-10-CM), most important first", TITLE),
              _table([["", "", "", ""]] + dx, [1.7] * 4), Spacer(1, 10),
              Paragraph("Provider signature ______________________________   Date ____________", BODY)]
    _doc(path, "Superbill").build(story)
    return Path(path)


def deposit_pdf(data: dict, path: str | Path) -> Path:
    """The day's deposit list: payments by method, a subtotal each, the day's total."""
    story = _office(data) + [Spacer(1, 6), Paragraph(
        f"Deposit list for {format_date(data['day'])}", TITLE), Spacer(1, 6)]
    if not data["groups"]:
        story.append(Paragraph("No payments were entered on this day.", BODY))
    for method, rows in data["groups"].items():
        table = [[method.capitalize(), "Account", "Name", "From", "Amount"]]
        table += [[ref, acct, name, source, money(amount)] for ref, acct, name, source, amount in rows]
        table.append(["", "", f"{len(rows)} item(s)", "Subtotal", money(data["totals"][method])])
        story += [_table(table, [1.3, 0.9, 2.6, 0.9, 1.0], right=(4,),
                         extra=[("FONT", (0, -1), (-1, -1), BOLD, 8.5)]), Spacer(1, 8)]
    story.append(Paragraph(f"Total deposit: {money(data['total'])}", TITLE))
    if data.get("returned"):  # bounced or voided payments keyed this day: not netted above
        table = [["Returned", "Account", "Name", "Method", "Amount"]]
        table += [[ref, acct, name, method, money(amount)]
                  for ref, acct, name, _source, amount, method in data["returned"]]
        table.append(["", "", f"{len(data['returned'])} item(s)", "Total",
                      money(data["returned_total"])])
        story += [Spacer(1, 8), Paragraph("Payments returned or voided this day", TITLE),
                  _table(table, [1.3, 0.9, 2.6, 0.9, 1.0], right=(4,),
                         extra=[("FONT", (0, -1), (-1, -1), "Helvetica-Bold", 8.5)])]
    _doc(path, f"Deposit {data['day']}").build(story)
    return Path(path)


__all__ = ["deposit_pdf", "explain_pdf", "invoice_pdf", "superbill_pdf"]
