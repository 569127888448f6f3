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
from .pdf_layout import text_width, wrap
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
COLUMNS = (("Date", "service_date", None, LEFT), ("Code", "code", None, LEFT + 53),
           ("Description", "description", None, LEFT + 118),
           ("Charge", "charge", LEFT + 305, 0), ("Ins. paid", "insurance_paid", LEFT + 362, 0),
           ("Adjusted", "adjusted", LEFT + 419, 0), ("You paid", "patient_paid", LEFT + 474, 0),
           ("Balance", "balance", RIGHT, 0))
DESCRIPTION_ROOM = 305 - 118 - 55
CODE_ROOM = 118 - 53 - 4
EDGE = 0.3 * inch  # nothing nearer the paper's edge: printers clip there

ProgressFn = Callable[[int, int], None]


LINE = 10.0  # a description's next line inside its row
DESCRIPTION_LINES = 3  # a longer description ends in an ellipsis


def _description(item: dict) -> list[str]:
    """An item's description wrapped to its column (a few lines, never run into the charge)."""
    return wrap(str(item["description"]).replace("\n", " "), DESCRIPTION_ROOM, FONT, 8.5,
                max_lines=DESCRIPTION_LINES)


def _height(item: dict) -> float:
    return ROW + LINE * (len(_description(item)) - 1)


def _pages(items: list[dict]) -> list[list[dict]]:
    """Split items into pages by the room their rows take: full pages first, the last one
    leaving room for the summary and the stub (and holding an item or more, never only the
    table's heading)."""
    full = TABLE_TOP - 16 - FULL_BOTTOM
    last = TABLE_TOP - 16 - LAST_BOTTOM
    pages, rest = [], list(items)
    while sum(_height(i) for i in rest) > last:
        page: list[dict] = []
        used = 0.0
        while len(rest) > 1 and (not page or used + _height(rest[0]) <= full):
            used += _height(rest[0])
            page.append(rest.pop(0))
        pages.append(page)
    pages.append(rest)
    return pages


def _clip(canvas: Canvas, text: str, room: float, font: str = FONT, size: float = 8.5) -> str:
    """``text`` on one line of ``room`` points, ending in an ellipsis when longer."""
    return wrap(text.replace("\n", " "), room, font, size, max_lines=1)[0]


def _fitted(canvas: Canvas, text: str, room: float, font: str, size: float,
            least: float = 7.0) -> float:
    """Set the largest type size down to ``least`` at which ``text`` fits ``room``; returns it."""
    width = text_width(text, font, size)
    if width > room:
        size = max(least, size * room / width)
    canvas.setFont(font, size)
    return size


def _draw_fitted(canvas: Canvas, x: float, y: float, text: str, room: float, font: str,
                 size: float, right: bool = False) -> None:
    """One line in ``room`` points: smaller type if need be, then an ellipsis."""
    size = _fitted(canvas, text, room, font, size)
    text = _clip(canvas, text, room, font, size)
    (canvas.drawRightString if right else canvas.drawString)(x, y, text)


def _block(canvas: Canvas, x: float, top: float, lines: list[str], first_bold: bool = True,
           size: float = 10, room: float = 3.4 * inch) -> None:
    y = top
    for index, line in enumerate(lines):
        _draw_fitted(canvas, x, y, line, room, BOLD if index == 0 and first_bold else FONT, size)
        y -= size + 2.5


def _header(canvas: Canvas, data: dict, office: OfficeInfo, page: int, count: int) -> None:
    logo = office.logo
    x = LEFT + 0.15 * inch
    if logo is not None:
        canvas.drawImage(str(logo), RIGHT - 1.1 * inch, HEIGHT - 1.25 * inch, 1.1 * inch,
                         0.7 * inch, preserveAspectRatio=True, anchor="ne", mask="auto")
    # Upper window: who it is from (and where to write to).
    _block(canvas, x, HEIGHT - 0.75 * inch, [office.name, *office.lines()], size=9.5,
           room=RIGHT - 1.3 * inch - x if logo is not None else 3.9 * inch)
    canvas.setFont(BOLD, 15)
    canvas.drawRightString(RIGHT, HEIGHT - 1.55 * inch, "STATEMENT")
    facts = (("Statement date", format_date(data["as_of"])), ("Account", data["account"]),
             ("Amount due", format_money(data["amount_due"])),
             ("Please pay by", format_date(data["due_date"])), ("Page", f"{page} of {count}"))
    y = HEIGHT - 1.8 * inch
    for label, value in facts:
        canvas.setFont(FONT, 9)
        canvas.drawRightString(RIGHT - 1.2 * inch, y, label)
        _draw_fitted(canvas, RIGHT, y, value, 1.1 * inch, BOLD, 9, right=True)
        y -= 12
    # Lower window: who it goes to.
    _block(canvas, LEFT + 0.4 * inch, HEIGHT - 2.2 * inch, data["to_lines"], size=10.5,
           room=RIGHT - 2.5 * inch - (LEFT + 0.4 * inch))


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
                for n, line in enumerate(_description(item)):
                    canvas.drawString(x, y - LINE * n, line)
            elif key == "code":
                _draw_fitted(canvas, x, y, str(value), CODE_ROOM, FONT, 8.5)
                canvas.setFont(FONT, 8.5)
            elif right is None:
                canvas.drawString(x, y, str(value))
            else:
                canvas.drawRightString(right, y, format_money(value))
        y -= _height(item)
    if continued:
        canvas.setFont(ITALIC, 8.5)
        canvas.drawRightString(RIGHT, y - 4, "continued on the next page")
    return y


def _summary(canvas: Canvas, data: dict) -> None:
    """The aging as a row of buckets, the credits, the message (wrapped, never cut) and the
    amount due, each on its own part of the page."""
    y = LAST_BOTTOM - 0.1 * inch
    canvas.line(LEFT, y + 8, RIGHT, y + 8)
    canvas.setFont(BOLD, 8.5)
    canvas.drawString(LEFT, y - 4, "What you owe by age")
    buckets = list(data["aging"])
    start = LEFT + 1.45 * inch
    cell = (RIGHT - start) / max(len(buckets), 1)
    for i, (name, amount) in enumerate(buckets):
        label = "Current" if name == "current" else f"{name} days"
        _draw_fitted(canvas, start + cell * (i + 1), y + 1, label, cell - 4, FONT, 7.5, right=True)
        _draw_fitted(canvas, start + cell * (i + 1), y - 9, format_money(amount), cell - 4, BOLD,
                     8.5, right=True)
    extra = []
    if data["insurance_pending"]:
        extra.append(f"Insurance pending: {format_money(data['insurance_pending'])}")
    if data["credit"]:
        extra.append(f"Credit on account: {format_money(data['credit'])}")
    if extra:
        canvas.setFont(FONT, 8.5)
        canvas.drawString(LEFT, y - 22, "   ".join(extra))
    due = f"Amount due {format_money(data['amount_due'])} by {format_date(data['due_date'])}"
    canvas.setFont(BOLD, 11)
    canvas.drawRightString(RIGHT, y - 37, due)
    room = RIGHT - LEFT - text_width(due, BOLD, 11) - 14
    canvas.setFont(BOLD, 9)
    lines = wrap(data["message"], room, BOLD, 9, max_lines=4)
    for i, line in enumerate(lines):
        canvas.drawString(LEFT, y - 37 - 11 * i, line)
    canvas.setFont(FONT, 8)
    canvas.drawString(LEFT, y - 41 - 11 * max(len(lines), 1),
                      "Insurance paid, adjusted and balance are per item; "
                      "the amount due is your share after credits.")


def _stub(canvas: Canvas, data: dict, office: OfficeInfo) -> None:
    canvas.saveState()
    canvas.setDash(4, 3)
    canvas.line(EDGE, STUB_TOP, WIDTH - EDGE, STUB_TOP)
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
        room = RIGHT - (WIDTH / 2 + 0.3 * inch) - text_width(label, FONT, 9) - 8
        _draw_fitted(canvas, RIGHT, y, value, room, BOLD, 9.5, right=True)
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
