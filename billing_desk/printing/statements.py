"""Patient statements drawn on the reportlab canvas, laid out for a double-window envelope.

The office's remit-to block sits in the upper window, the patient's address in the lower one;
the items table follows; the last page ends with the aging line, a message by age, the amount
due with its due date and a tear-off stub (its remit-to block shows through the return
envelope's window). A statement is plain data from ``services.reports_statements``. No Qt here.

    pages = render_statements(datas, "batch.pdf", office, on_each=keep_copy)
"""

from __future__ import annotations

import io
from typing import IO, Callable, Iterable

from reportlab.lib.pagesizes import LETTER
from reportlab.lib.units import inch
from reportlab.pdfgen.canvas import Canvas

from ..money import format_money
from .fonts import BOLD, FONT, ITALIC
from .office import UNNAMED_OFFICE, OfficeInfo
from .report import format_date

WIDTH, HEIGHT = LETTER
LEFT = 0.6 * inch
RIGHT = WIDTH - 0.6 * inch
ROW = 12.5
TABLE_TOP = HEIGHT - 3.45 * inch  # below the lower window
STUB_TOP = 3.4 * inch  # the tear-off line, from the bottom
LAST_BOTTOM = STUB_TOP + 1.45 * inch  # room for the summary above the stub
FULL_BOTTOM = 0.8 * inch
# (title, key, right edge or None for left-aligned at x, x)
COLUMNS = (("Date", "service_date", None, LEFT), ("Code", "code", None, LEFT + 55),
           ("Description", "description", None, LEFT + 100),
           ("Charge", "charge", LEFT + 305, 0), ("Ins. paid", "insurance_paid", LEFT + 362, 0),
           ("Adjusted", "adjusted", LEFT + 419, 0), ("You paid", "patient_paid", LEFT + 474, 0),
           ("Balance", "balance", RIGHT, 0))
DESCRIPTION_ROOM = 305 - 100 - 50

ProgressFn = Callable[[int, int], None]


def _pages(items: list[dict]) -> list[list[dict]]:
    """Split items into pages: full pages first, the last one leaving room for the stub."""
    full = int((TABLE_TOP - 16 - FULL_BOTTOM) // ROW)
    last = int((TABLE_TOP - 16 - LAST_BOTTOM) // ROW)
    pages, rest = [], list(items)
    while len(rest) > last:
        pages.append(rest[:full])
        rest = rest[full:]
    pages.append(rest)
    return pages


def _clip(canvas: Canvas, text: str, room: float, font: str = FONT, size: float = 8.5) -> str:
    if canvas.stringWidth(text, font, size) <= room:
        return text
    while text and canvas.stringWidth(text + "…", font, size) > room:
        text = text[:-1]
    return text + "…"


def _block(canvas: Canvas, x: float, top: float, lines: list[str], first_bold: bool = True,
           size: float = 10) -> None:
    y = top
    for index, line in enumerate(lines):
        canvas.setFont(BOLD if index == 0 and first_bold else FONT, size)
        canvas.drawString(x, y, line)
        y -= size + 2.5


def _header(canvas: Canvas, data: dict, office: OfficeInfo, page: int, count: int) -> None:
    logo = office.logo
    x = LEFT + 0.15 * inch
    if logo is not None:
        canvas.drawImage(str(logo), RIGHT - 1.1 * inch, HEIGHT - 1.25 * inch, 1.1 * inch,
                         0.7 * inch, preserveAspectRatio=True, anchor="ne", mask="auto")
    # Upper window: who it is from (and where to write to).
    _block(canvas, x, HEIGHT - 0.75 * inch, [office.name, *office.lines()], size=9.5)
    canvas.setFont(BOLD, 15)
    canvas.drawRightString(RIGHT, HEIGHT - 1.55 * inch, "STATEMENT")
    facts = (("Statement date", format_date(data["as_of"])), ("Account", data["account"]),
             ("Amount due", format_money(data["amount_due"])),
             ("Please pay by", format_date(data["due_date"])), ("Page", f"{page} of {count}"))
    y = HEIGHT - 1.8 * inch
    for label, value in facts:
        canvas.setFont(FONT, 9)
        canvas.drawRightString(RIGHT - 1.2 * inch, y, label)
        canvas.setFont(BOLD, 9)
        canvas.drawRightString(RIGHT, y, value)
        y -= 12
    # Lower window: who it goes to.
    _block(canvas, LEFT + 0.4 * inch, HEIGHT - 2.2 * inch, data["to_lines"], size=10.5)


def _table(canvas: Canvas, items: list[dict], continued: bool) -> float:
    y = TABLE_TOP
    canvas.setFont(BOLD, 8.5)
    for title, _key, right, x in COLUMNS:
        if right is None:
            canvas.drawString(x, y, title)
        else:
            canvas.drawRightString(right, y, title)
    canvas.line(LEFT, y - 4, RIGHT, y - 4)
    y -= 16
    canvas.setFont(FONT, 8.5)
    for item in items:
        for _title, key, right, x in COLUMNS:
            value = item[key]
            if key == "service_date":
                canvas.drawString(x, y, format_date(value))
            elif key == "description":
                canvas.drawString(x, y, _clip(canvas, str(value), DESCRIPTION_ROOM))
            elif right is None:
                canvas.drawString(x, y, str(value))
            else:
                canvas.drawRightString(right, y, format_money(value))
        y -= ROW
    if continued:
        canvas.setFont(ITALIC, 8.5)
        canvas.drawRightString(RIGHT, y - 4, "continued on the next page")
    return y


def _summary(canvas: Canvas, data: dict) -> None:
    y = LAST_BOTTOM - 0.1 * inch
    canvas.line(LEFT, y + 8, RIGHT, y + 8)
    canvas.setFont(FONT, 8.5)
    aging = "   ".join(f"{name.title() if name == 'current' else name + ' days'}: "
                       f"{format_money(amount)}" for name, amount in data["aging"])
    canvas.drawString(LEFT, y - 4, "What you owe by age:  " + aging)
    extra = []
    if data["insurance_pending"]:
        extra.append(f"Insurance pending: {format_money(data['insurance_pending'])}")
    if data["credit"]:
        extra.append(f"Credit on account: {format_money(data['credit'])}")
    if extra:
        canvas.drawString(LEFT, y - 17, "   ".join(extra))
    canvas.setFont(BOLD, 9)
    canvas.drawString(LEFT, y - 32, _clip(canvas, data["message"], RIGHT - LEFT - 2.4 * inch,
                                          BOLD, 9))
    canvas.setFont(BOLD, 11)
    canvas.drawRightString(RIGHT, y - 32, f"Amount due {format_money(data['amount_due'])} "
                                          f"by {format_date(data['due_date'])}")
    canvas.setFont(FONT, 8)
    canvas.drawString(LEFT, y - 46, "Insurance paid, adjusted and balance are per item; "
                                    "the amount due is your share after credits.")


def _stub(canvas: Canvas, data: dict, office: OfficeInfo) -> None:
    canvas.saveState()
    canvas.setDash(4, 3)
    canvas.line(0.25 * inch, STUB_TOP, WIDTH - 0.25 * inch, STUB_TOP)
    canvas.restoreState()
    canvas.setFont(FONT, 8)
    canvas.drawCentredString(WIDTH / 2, STUB_TOP + 4,
                             "Please detach and return this part with your payment")
    top = STUB_TOP - 0.35 * inch
    fields = (("Account", data["account"]), ("Name", data["name"]),
              ("Statement date", format_date(data["as_of"])),
              ("Amount due", format_money(data["amount_due"])),
              ("Please pay by", format_date(data["due_date"])), ("Amount enclosed", "$ ____________"))
    y = top
    for label, value in fields:
        canvas.setFont(FONT, 9)
        canvas.drawString(WIDTH / 2 + 0.3 * inch, y, label)
        canvas.setFont(BOLD, 9.5)
        canvas.drawRightString(RIGHT, y, value)
        y -= 15
    # The return envelope's window: where to send it.
    canvas.setFont(FONT, 8)
    canvas.drawString(LEFT + 0.4 * inch, 1.85 * inch, "Make checks payable to and mail to:")
    _block(canvas, LEFT + 0.4 * inch, 1.65 * inch, [office.name, *office.address_lines], size=10)


def draw_statement(canvas: Canvas, data: dict, office: OfficeInfo) -> int:
    """Draw one statement (one page or more) and end its last page; returns its page count."""
    pages = _pages(data["items"])
    for number, items in enumerate(pages, start=1):
        _header(canvas, data, office, number, len(pages))
        _table(canvas, items, continued=number < len(pages))
        if number == len(pages):
            if not data["items"]:
                canvas.setFont(ITALIC, 9)
                canvas.drawString(LEFT, TABLE_TOP - 16, "No open items.")
            _summary(canvas, data)
            _stub(canvas, data, office)
        canvas.showPage()
    return len(pages)


def statement_pdf(data: dict, office: OfficeInfo | None = None) -> bytes:
    """One statement as PDF bytes (the copy kept on the account)."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=LETTER, pageCompression=1)
    canvas.setTitle(f"Statement {data['account']} {format_date(data['as_of'])}")
    draw_statement(canvas, data, office or UNNAMED_OFFICE)
    canvas.save()
    return buffer.getvalue()


def render_statements(datas: Iterable[dict], target: str | IO[bytes], office: OfficeInfo | None = None,
                      *, total: int | None = None, progress: ProgressFn | None = None,
                      on_each: Callable[[dict, bytes], None] | None = None) -> int:
    """Draw every statement into one PDF (one print job); returns the number of pages.

    ``on_each(data, pdf_bytes)`` receives each statement as its own PDF (to keep a copy);
    ``progress(done, total)`` after each statement, and raising from it abandons the run.
    """
    office = office or UNNAMED_OFFICE
    canvas = Canvas(str(target) if not hasattr(target, "write") else target, pagesize=LETTER,
                    pageCompression=1)
    canvas.setTitle("Statements")
    pages = done = 0
    for data in datas:
        pages += draw_statement(canvas, data, office)
        if on_each is not None:
            on_each(data, statement_pdf(data, office))
        done += 1
        if progress is not None:
            progress(done, total or done)
    if pages == 0:
        canvas.setFont(FONT, 11)
        canvas.drawString(LEFT, HEIGHT - inch, "No statements to send.")
        canvas.showPage()
        pages = 1
    canvas.save()
    return pages


__all__ = ["draw_statement", "render_statements", "statement_pdf"]
