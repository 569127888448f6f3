"""Collection letters and payment plan agreements, drawn with reportlab (no Qt here).

A letter is plain data (``LetterDoc``); ``render`` draws one or many into a single PDF, one
letter a page (or more), so a whole dunning run goes to the printer as one file.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .fonts import BOLD, FONT
from .office import UNNAMED_OFFICE, OfficeInfo, office_from

BODY = ParagraphStyle("body", fontName=FONT, fontSize=10.5, leading=14)
SMALL = ParagraphStyle("small", parent=BODY, fontSize=9, leading=11, textColor=colors.HexColor("#444444"))
HEAD = ParagraphStyle("head", parent=BODY, fontName=BOLD, fontSize=14, leading=18)
TITLE = ParagraphStyle("title", parent=BODY, fontName=BOLD, fontSize=12, leading=16)


@dataclass
class LetterDoc:
    """One letter: who it is from and to, what it says, and an optional table."""

    office: OfficeInfo
    date: dt.date
    to_lines: list[str]
    account: str
    title: str
    paragraphs: list[str]
    table: list[list[str]] = field(default_factory=list)  # first row is the header
    signature: list[str] = field(default_factory=list)  # lines to sign on


def as_letter(data: "LetterDoc | dict") -> LetterDoc:
    """A letter from plain data (what the services compose): office as a dict, text as text."""
    if isinstance(data, LetterDoc):
        return data
    values = dict(data)
    office = values.pop("office")
    return LetterDoc(office=office_from(office), **values)


def _story(doc: LetterDoc) -> list:
    story = [Paragraph(escape(doc.office.name), HEAD)]
    story += [Paragraph(escape(line), SMALL) for line in doc.office.lines()]
    story += [Spacer(1, 0.35 * inch), Paragraph(doc.date.strftime("%B %d, %Y").replace(" 0", " "), BODY),
              Spacer(1, 0.25 * inch)]
    story += [Paragraph(escape(line), BODY) for line in doc.to_lines]
    story += [Spacer(1, 0.25 * inch),
              Paragraph(f"{escape(doc.title)} — account {escape(doc.account)}", TITLE),
              Spacer(1, 0.15 * inch)]
    for text in doc.paragraphs:
        story += [Paragraph(escape(text).replace("\n", "<br/>"), BODY), Spacer(1, 0.12 * inch)]
    if doc.table:
        widths = [0.5 * inch, 1.4 * inch, 1.4 * inch] if len(doc.table[0]) == 3 else None
        table = Table(doc.table, colWidths=widths, hAlign="LEFT")
        table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), FONT, 10),
                                   ("FONT", (0, 0), (-1, 0), BOLD, 10),
                                   ("ALIGN", (2, 0), (-1 if widths is None else 2, -1), "RIGHT"),
                                   ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black)]))
        story += [table, Spacer(1, 0.3 * inch)]
    for who in doc.signature:
        story += [Spacer(1, 0.35 * inch),
                  Paragraph("_" * 40 + "&nbsp;&nbsp;&nbsp;Date " + "_" * 14, BODY),
                  Paragraph(escape(who), SMALL)]
    return story


def render(documents: list) -> bytes:
    """Every letter (``LetterDoc`` or plain dict) in one PDF, each starting on a new page."""
    documents = [as_letter(d) for d in documents]
    buffer = io.BytesIO()
    office = documents[0].office if documents else UNNAMED_OFFICE
    pdf = SimpleDocTemplate(buffer, pagesize=LETTER, leftMargin=inch, rightMargin=inch,
                            topMargin=0.8 * inch, bottomMargin=0.8 * inch, title=f"{office.name} letters",
                            author=office.name)
    story: list = []
    for i, doc in enumerate(documents):
        if i:
            story.append(PageBreak())
        story += _story(doc)
    if not story:
        story.append(Paragraph("No letters.", BODY))
    pdf.build(story)
    return buffer.getvalue()
