"""The CMS-1500 (02/12) claim form with reportlab (no Qt, no database): the data alone for the
office's pre-printed red forms, an alignment test for those, and the whole form drawn.

Every output places each field's text by the one table in ``cms1500_layout.FIELDS`` (the form's
10-characters-per-inch, 6-lines-per-inch grid) in Courier 12 (exactly 10 characters an inch); the
text of each field comes from ``cms1500_values``. Each function writes a PDF to ``path`` and
returns its number of pages.

- ``data_only_pdf(claims, path, offset_x=, offset_y=)``: only the data, shifted by the office's
  alignment offset in inches (``offset_x`` to the right, ``offset_y`` down the page), one page a
  form, continuation forms for claims of more than six lines.
- ``alignment_test_pdf(path, offset_x, offset_y)``: X marks and labels in a few boxes, and the
  offset in use, so the clerk can hold the print against a form and see the shift.
- ``drawn_pdf(claims, path, cover=True)``: the form drawn (outlines, box numbers and titles in the
  red drop-out ink, data in black), after a cover list of the batch.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.units import inch
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from ..claim_form import ClaimForm
from ..money import format_money
from ..names import listed
from .cms1500_layout import (
    BOXES,
    CAPTIONS,
    CHAR,
    FIELDS,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    SERVICE_LINES,
    Box,
    baseline,
    col_x,
    line_bottom,
)
from .cms1500_values import Form, clean, form_values, forms
from .fonts import BOLD, FONT

DATA_FONT, DATA_SIZE = "Courier", 12
LABEL_FONT, LABEL_BOLD, LABEL_SIZE = FONT, BOLD, 5.0  # the embedded font, like every printout
DROP_OUT = colors.HexColor("#D6323C")  # the form's red: scanners drop it and keep the black data
SHADE = colors.HexColor("#FCE6E6")
EDGE = CHAR * 0.25  # box lines sit a quarter column left of the first character


def _canvas(path: str | Path, title: str) -> Canvas:
    canvas = Canvas(str(path), pagesize=(PAGE_WIDTH, PAGE_HEIGHT))
    canvas.setTitle(title)
    canvas.setCreator("Billing Desk")
    return canvas


def draw_data(canvas: Canvas, values: Mapping[str, str], dx: float = 0.0, dy: float = 0.0) -> None:
    """Each field's text at its grid place, moved by ``dx``/``dy`` points; clipped to its width
    (amounts, already in their width, are never cut)."""
    canvas.setFillColor(colors.black)
    canvas.setFont(DATA_FONT, DATA_SIZE)
    for field in FIELDS:
        text = values.get(field.name, "")
        if not text:
            continue
        text = text.rjust(field.width) if field.right else text[:field.width]
        canvas.drawString(field.x + dx, field.y + dy, text)


def data_only_pdf(claims: Iterable[ClaimForm], path: str | Path, *, offset_x: float = 0.0,
                  offset_y: float = 0.0) -> int:
    """The claims' data alone, for the pre-printed forms: one page a form."""
    canvas = _canvas(path, "CMS-1500 claims (data for pre-printed forms)")
    pages = 0
    for claim in claims:
        for form in forms(claim):
            draw_data(canvas, form_values(form), offset_x * inch, -offset_y * inch)
            canvas.showPage()
            pages += 1
    if pages == 0:
        canvas.showPage()
    canvas.save()
    return max(pages, 1)


ALIGNMENT_SAMPLE = {
    "type_group": "X", "insured_id": "1A INSURED ID", "patient_name": "2 PATIENT NAME",
    "patient_dob": "MM DD YYYY", "patient_sex_m": "X", "patient_sex_f": "X",
    "insured_name": "4 INSURED NAME", "rel_self": "X", "employment_no": "X",
    "another_plan_no": "X", "dx_A": "21A", "dx_D": "21D", "dx_L": "21L",
    "line1_from": "MM DD YY", "line1_code": "24D", "line1_pointer": "A", "line1_charge": "   99 99",
    "line1_units": "1", "line1_npi": "24J NPI", "line6_from": "MM DD YY", "line6_code": "24D",
    "line6_charge": "   99 99", "tax_id": "25 TAX ID", "tax_ein": "X", "account": "26 ACCOUNT",
    "assignment_yes": "X", "total": "   999 99", "billing_name": "33 BILLING PROVIDER",
    "billing_npi": "33A NPI",
}


def alignment_test_pdf(path: str | Path, offset_x: float = 0.0, offset_y: float = 0.0) -> int:
    """One page: marks in boxes 1, 1a, 2, 3, 4, 6, 10a, 11d, 21, 24 (lines 1 and 6), 25-28 and
    33/33a at the offset, and a note at the very top saying which offset it was printed with."""
    canvas = _canvas(path, "CMS-1500 alignment test")
    canvas.setFont(DATA_FONT, 9)
    canvas.drawString(col_x(1) + offset_x * inch, baseline(1) - offset_y * inch,
                      f"ALIGNMENT TEST  OFFSET {offset_x:+.2f} IN RIGHT  {offset_y:+.2f} IN DOWN")
    draw_data(canvas, ALIGNMENT_SAMPLE, offset_x * inch, -offset_y * inch)
    canvas.showPage()
    canvas.save()
    return 1


def _box_edges(box: Box) -> tuple[float, float, float, float]:
    """x, y, width, height of a box's outline in points."""
    left, right = col_x(box.left) - EDGE, col_x(box.right + 1) - EDGE
    bottom, top = line_bottom(box.bottom), line_bottom(box.top - 1)
    return left, bottom, right - left, top - bottom


def _draw_title(canvas: Canvas, box: Box) -> None:
    """The box's title in its top corner, smaller where a narrow box needs it."""
    x, y, w, h = _box_edges(box)
    lines = box.title.split("\n")
    widest = max(stringWidth(text, LABEL_FONT, LABEL_SIZE) for text in lines)
    size = min(LABEL_SIZE, LABEL_SIZE * (w - 2.5) / widest) if widest else LABEL_SIZE
    canvas.setFont(LABEL_FONT, size)
    for i, text in enumerate(lines):
        canvas.drawString(x + 1.5, y + h - 5.5 * (i + 1), text)


def draw_form(canvas: Canvas) -> None:
    """The blank form in drop-out red: boxes, titles, check boxes and the words around them."""
    canvas.saveState()
    canvas.setStrokeColor(DROP_OUT)
    canvas.setFillColor(SHADE)
    canvas.setLineWidth(0.6)
    for box in BOXES:
        x, y, w, h = _box_edges(box)
        canvas.rect(x, y, w, h, stroke=1, fill=1 if box.shaded else 0)
    canvas.setFillColor(DROP_OUT)
    for box in BOXES:
        if box.title:
            _draw_title(canvas, box)
    canvas.setFont(LABEL_FONT, LABEL_SIZE)
    for text, line, col in CAPTIONS:
        canvas.drawString(col_x(col), baseline(line), text)
    for field in FIELDS:
        if field.width == 1 and field.box not in ("21",):
            canvas.rect(field.x - 0.6, line_bottom(field.line) + 1.2, CHAR + 1.2, 9, stroke=1, fill=0)
            if field.check and field.caption_right:
                canvas.drawString(field.x + CHAR + 2.2, baseline(field.line) + 0.5, field.check)
            elif field.check:
                canvas.drawRightString(field.x - 2.2, baseline(field.line) + 0.5, field.check)
    for i in range(SERVICE_LINES):
        canvas.drawRightString(col_x(1) - EDGE - 2, baseline(44 + 2 * i), str(i + 1))
    _draw_margins(canvas)
    canvas.restoreState()


def _draw_margins(canvas: Canvas) -> None:
    """The heading, the side words and the footer of the form."""
    canvas.setFont(LABEL_BOLD, 12)
    canvas.drawString(col_x(1), baseline(5), "HEALTH INSURANCE CLAIM FORM")
    canvas.setFont(LABEL_FONT, LABEL_SIZE + 0.5)
    canvas.drawString(col_x(1), baseline(6) + 2, "APPROVED BY NATIONAL UNIFORM CLAIM COMMITTEE (NUCC) 02/12")
    canvas.drawString(col_x(1), baseline(63), "NUCC Instruction Manual available at: www.nucc.org")
    canvas.drawCentredString(PAGE_WIDTH / 2, baseline(63), "PLEASE PRINT OR TYPE")
    canvas.drawRightString(col_x(80) - EDGE, baseline(63), "APPROVED OMB-0938-1197 FORM 1500 (02-12)")
    canvas.setFont(LABEL_BOLD, 6)
    for text, top, bottom in (("CARRIER", 1, 6), ("PATIENT AND INSURED INFORMATION", 7, 30),
                              ("PHYSICIAN OR SUPPLIER INFORMATION", 31, 61)):
        x = col_x(80) + 4
        canvas.line(x - 1, line_bottom(top - 1), x - 1, line_bottom(bottom))
        canvas.saveState()
        canvas.translate(x + 6, (line_bottom(top - 1) + line_bottom(bottom)) / 2)
        canvas.rotate(-90)
        canvas.drawCentredString(0, 0, text)
        canvas.restoreState()


def _service_dates(claim: ClaimForm) -> str:
    days: list[dt.date] = sorted(line.service_date for line in claim.lines)
    if not days:
        return ""
    first, last = days[0].strftime("%m/%d/%Y"), days[-1].strftime("%m/%d/%Y")
    return first if first == last else f"{first} - {last}"


COVER_COLUMNS = (("Payer", 0.0), ("Claim", 1.55), ("Patient", 3.3), ("Dates of service", 4.95),
                 ("Forms", 6.6), ("Total", 7.5))  # inches from the margin (Forms, Total: right edges)
COVER_ROWS = 44  # claims listed on a cover page


def _cover_heading(canvas: Canvas, page: int, claim_count: int) -> float:
    left, top = 0.5 * inch, PAGE_HEIGHT - 0.6 * inch
    canvas.setFont(BOLD, 13)
    canvas.drawString(left, top, "CMS-1500 claims: cover list")
    canvas.setFont(FONT, 8)
    canvas.drawRightString(PAGE_WIDTH - 0.5 * inch, top, f"{claim_count} claim(s) \u00b7 cover page {page}")
    y = top - 22
    canvas.setFont(BOLD, 8.5)
    for title, at in COVER_COLUMNS:
        draw = canvas.drawRightString if title in ("Forms", "Total") else canvas.drawString
        draw(left + at * inch, y, title)
    canvas.line(left, y - 3, PAGE_WIDTH - 0.5 * inch, y - 3)
    return y - 14


def cover_rows(claims: list[ClaimForm]) -> list[tuple[str, str, str, str, str, str]]:
    """One row a claim: payer, claim number, patient, dates of service, forms, total."""
    return [(_fit(clean(c.payer.name), 1.5), _fit(c.control_number, 1.7),
             _fit(clean(listed(c.patient.last_name, c.patient.first_name, c.patient.middle_name,
                              c.patient.suffix)), 1.6), _service_dates(c),
             str(len(forms(c))), format_money(c.total_charge)) for c in claims]


def _fit(text: str, inches: float) -> str:
    """``text`` cut to ``inches`` wide in the cover list's font."""
    while text and stringWidth(text, FONT, 8.5) > inches * inch:
        text = text[:-1]
    return text


def draw_cover(canvas: Canvas, claims: list[ClaimForm]) -> int:
    """The cover list: a row a claim, then the count, the forms and the grand total."""
    rows, left, pages = cover_rows(claims), 0.5 * inch, 0
    for start in range(0, max(len(rows), 1), COVER_ROWS):
        pages += 1
        y = _cover_heading(canvas, pages, len(claims))
        canvas.setFont(FONT, 8.5)
        for row in rows[start:start + COVER_ROWS]:
            for (title, at), text in zip(COVER_COLUMNS, row):
                draw = canvas.drawRightString if title in ("Forms", "Total") else canvas.drawString
                draw(left + at * inch, y, text)
            y -= 13
        if start + COVER_ROWS >= len(rows):
            grand = sum((c.total_charge for c in claims), Decimal("0.00"))
            form_count = sum(len(forms(c)) for c in claims)
            canvas.line(left, y + 8, PAGE_WIDTH - 0.5 * inch, y + 8)
            canvas.setFont(BOLD, 9)
            canvas.drawString(left, y - 4, f"{len(claims)} claim(s), {form_count} form(s)")
            canvas.drawRightString(left + 7.5 * inch, y - 4, f"Grand total {format_money(grand)}")
        canvas.showPage()
    return pages


def drawn_pdf(claims: Iterable[ClaimForm], path: str | Path, *, cover: bool = True) -> int:
    """The whole form drawn with each claim's data, one page a form, the cover list first."""
    claims = list(claims)
    canvas = _canvas(path, "CMS-1500 claims")
    pages = draw_cover(canvas, claims) if cover else 0
    for claim in claims:
        for form in forms(claim):
            draw_page(canvas, form)
            pages += 1
    if pages == 0:
        canvas.showPage()
    canvas.save()
    return max(pages, 1)


def draw_page(canvas: Canvas, form: Form) -> None:
    draw_form(canvas)
    draw_data(canvas, form_values(form))
    canvas.showPage()


__all__ = ["alignment_test_pdf", "data_only_pdf", "drawn_pdf"]
