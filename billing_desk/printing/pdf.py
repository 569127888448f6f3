"""Render a ``Report`` to PDF with reportlab.

The layout: the office letterhead on the first page and a running header after it, the title
and the parameters, then the table. Rows go into the document in blocks of ``CHUNK_ROWS``
(one huge platypus table re-splits itself on every page and slows to a crawl); each block is
realised as a small ``Table`` per page, with the column header at the top of the table and of
every later page. Group headings are bold rows; subtotals and the grand totals are bold rows
under a rule. The footer reads "Page X of Y" (a two-pass canvas that numbers the pages on save).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Callable

from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    NextPageTemplate,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from .fonts import BOLD, FONT
from .office import UNNAMED_OFFICE, OfficeInfo
from .report import Column, Report

SIZE = 8
ROW_HEIGHT, HEADING_HEIGHT = 11.0, 16.0
CHUNK_ROWS = 200
MARGIN = 0.5 * inch
FOOTER_SPACE = 0.35 * inch
HEADER_FILL = colors.HexColor("#E6E6E6")

ProgressFn = Callable[[int, int], None]


@dataclass
class _Row:
    """One printed row: ``kind`` is heading, header, data, subtotal or total."""

    kind: str
    cells: list[str]

    @property
    def height(self) -> float:
        return HEADING_HEIGHT if self.kind == "heading" else ROW_HEIGHT


class _Layout:
    """Column widths and per-row table styles, shared by every block of one report."""

    def __init__(self, columns: list[Column], width: float):
        self.columns = columns
        total = sum(c.relative_width for c in columns) or 1.0
        self.widths = [width * c.relative_width / total for c in columns]
        self.header = _Row("header", [self._fit(c.title, w, BOLD)
                                      for c, w in zip(columns, self.widths)])
        self.base: list[tuple[Any, ...]] = [("FONT", (0, 0), (-1, -1), FONT, SIZE),
                     ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                     ("TOPPADDING", (0, 0), (-1, -1), 0),
                     ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                     ("LEFTPADDING", (0, 0), (-1, -1), 3),
                     ("RIGHTPADDING", (0, 0), (-1, -1), 3)]
        self.base += [("ALIGN", (i, 0), (i, -1), "RIGHT")
                      for i, c in enumerate(columns) if c.numeric]

    def data_row(self, row: dict, kind: str = "data") -> _Row:
        """Format (and clip to its column) every cell of a row."""
        cells = []
        for column, width in zip(self.columns, self.widths):
            text = column.format(row.get(column.key))
            if column.kind == "text":
                text = self._fit(text, width, BOLD if kind != "data" else FONT)
            cells.append(text)
        return _Row(kind, cells)

    def label_row(self, label: str, values: dict, kind: str) -> _Row:
        """A subtotal or total row: the label in the first non-summed column."""
        row = _Row(kind, self.data_row(values, kind).cells)
        for i, column in enumerate(self.columns):
            if not column.summed:
                row.cells[i] = self._fit(label, sum(self.widths[i:i + 2]), BOLD)
                break
        return row

    def style(self, rows: list[_Row]) -> TableStyle:
        """The table style for one realised block of rows."""
        cmds = list(self.base)
        for i, row in enumerate(rows):
            if row.kind == "heading":
                cmds += [("SPAN", (0, i), (-1, i)), ("ALIGN", (0, i), (-1, i), "LEFT"),
                         ("FONT", (0, i), (-1, i), BOLD, SIZE + 2),
                         ("VALIGN", (0, i), (-1, i), "BOTTOM")]
            elif row.kind == "header":
                cmds += [("FONT", (0, i), (-1, i), BOLD, SIZE),
                         ("BACKGROUND", (0, i), (-1, i), HEADER_FILL),
                         ("LINEBELOW", (0, i), (-1, i), 0.75, colors.black)]
            elif row.kind in ("subtotal", "total"):
                weight = 1.0 if row.kind == "total" else 0.5
                cmds += [("FONT", (0, i), (-1, i), BOLD, SIZE),
                         ("LINEABOVE", (0, i), (-1, i), weight, colors.black)]
        return TableStyle(cmds)

    @staticmethod
    def _fit(text: str, width: float, font: str) -> str:
        """Clip ``text`` with an ellipsis so it fits ``width`` (less the cell padding)."""
        return _clip(text, width - 6, font)


_CHAR_WIDTHS: dict[str, dict[str, float]] = {}
_CLIPPED: dict[tuple[str, float, str], str] = {}


def _clip(text: str, room: float, font: str) -> str:
    """``text`` cut (with an ellipsis) to ``room`` points; cached, as names repeat down a page."""
    if len(text) * SIZE * 0.3 < room:
        return text
    key = (text, room, font)
    clipped = _CLIPPED.get(key)
    if clipped is None:
        if len(_CLIPPED) > 50_000:
            _CLIPPED.clear()
        clipped = _CLIPPED[key] = _clip_uncached(text, room, font)
    return clipped


def _clip_uncached(text: str, room: float, font: str) -> str:
    widths = _CHAR_WIDTHS.setdefault(font, {})
    used, limit = 0.0, room - stringWidth("\u2026", font, SIZE)
    cut = None
    for i, char in enumerate(text):
        w = widths.get(char)
        if w is None:
            w = widths[char] = stringWidth(char, font, SIZE)
        used += w
        if cut is None and used > limit:
            cut = i
        if used > room:
            return text[:cut].rstrip() + "\u2026"
    return text


class _Block(Flowable):
    """A run of rows that shows the column header whenever it starts a page.

    Rows have fixed heights, so the block splits itself exactly: as many rows as fit go on
    this page (never ending on a group heading), the rest become a new block that, being at
    the top of the next page, shows the header again. ``full_height`` is the frame height, to
    tell "at the top of a page" from "mid-page".
    """

    def __init__(self, layout: _Layout, rows: list[_Row], full_height: float,
                 header: bool = False, counter: list | None = None):
        super().__init__()
        self.layout, self.rows, self.full_height = layout, rows, full_height
        self.force_header, self.counter = header, counter
        self._lead: list[_Row] = []

    def _lead_rows(self, avail_height: float) -> list[_Row]:
        if self.force_header or avail_height >= self.full_height - 0.5:
            return [self.layout.header]
        return []

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self._lead = self._lead_rows(avail_height)
        self.width = sum(self.layout.widths)
        self.height = sum(r.height for r in self._lead) + sum(r.height for r in self.rows)
        return self.width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        room = avail_height - sum(r.height for r in self._lead_rows(avail_height)) + 0.01
        fits = 0
        for row in self.rows:
            room -= row.height
            if room < 0:
                break
            fits += 1
        while fits and self.rows[fits - 1].kind == "heading":
            fits -= 1
        if fits == 0:
            return []
        if fits >= len(self.rows):
            return [self]
        return [_Block(self.layout, self.rows[:fits], self.full_height, self.force_header,
                       self.counter),
                _Block(self.layout, self.rows[fits:], self.full_height, counter=self.counter)]

    def draw(self) -> None:
        rows = self._lead + self.rows
        table = Table([r.cells for r in rows], colWidths=self.layout.widths,
                      rowHeights=[r.height for r in rows], style=self.layout.style(rows))
        table.wrapOn(self.canv, self.width, self.height)
        table.drawOn(self.canv, 0, 0)
        if self.counter is not None:
            self.counter[0] += sum(1 for r in self.rows if r.kind == "data")


def _numbered_canvas(report_title: str, result: dict) -> type[Canvas]:
    """A canvas class that keeps each page until save, then writes "Page X of Y" on all."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            count = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._footer(count)
                super().showPage()
            result["pages"] = count
            super().save()

        def _footer(self, count: int) -> None:
            width = self._pagesize[0]
            self.setFont(FONT, SIZE)
            self.setFillColor(colors.black)
            self.drawString(MARGIN, MARGIN * 0.6, report_title)
            self.drawRightString(width - MARGIN, MARGIN * 0.6,
                                 f"Page {self._pageNumber} of {count}")

    return NumberedCanvas


def _letterhead_height(office: OfficeInfo) -> float:
    return 18 + 11 * len(office.lines()) + 10


def _draw_letterhead(canvas: Canvas, office: OfficeInfo) -> None:
    """The office name, address and contact lines, the logo at the right, a rule below."""
    width, height = canvas._pagesize
    top = height - MARGIN
    canvas.setFont(BOLD, 14)
    canvas.drawString(MARGIN, top - 14, office.name)
    canvas.setFont(FONT, 9)
    for i, line in enumerate(office.lines()):
        canvas.drawString(MARGIN, top - 27 - 11 * i, line)
    if office.logo:
        box = _letterhead_height(office) - 10
        canvas.drawImage(str(office.logo), width - MARGIN - 2 * box, top - box, 2 * box, box,
                         preserveAspectRatio=True, anchor="ne", mask="auto")
    y = top - _letterhead_height(office) + 4
    canvas.setLineWidth(0.75)
    canvas.line(MARGIN, y, width - MARGIN, y)


def _draw_running_header(canvas: Canvas, office: OfficeInfo, title: str) -> None:
    width, height = canvas._pagesize
    y = height - MARGIN - 9
    canvas.setFont(FONT, 8)
    canvas.drawString(MARGIN, y, office.name)
    canvas.drawRightString(width - MARGIN, y, title)
    canvas.setLineWidth(0.5)
    canvas.line(MARGIN, y - 4, width - MARGIN, y - 4)


class _ReportDoc(BaseDocTemplate):
    """Two page templates: the first with the letterhead, the rest with a running header."""

    RUNNING_HEADER = 20.0

    def __init__(self, target, report: Report, office: OfficeInfo, progress: ProgressFn | None):
        pagesize = landscape(LETTER) if report.is_landscape else LETTER
        super().__init__(target, pagesize=pagesize, leftMargin=MARGIN, rightMargin=MARGIN,
                         topMargin=MARGIN, bottomMargin=MARGIN + FOOTER_SPACE,
                         title=report.title, author=office.name, creator="Billing Desk")
        self.report, self.office, self.progress = report, office, progress
        self.rows_drawn = [0]
        first_top = _letterhead_height(office)
        self.frame_height = self.height - self.RUNNING_HEADER
        self.addPageTemplates([
            PageTemplate("first", [self._frame(first_top)], onPage=self._first_page),
            PageTemplate("later", [self._frame(self.RUNNING_HEADER)], onPage=self._later_page),
        ])

    def _frame(self, top_space: float) -> Frame:
        return Frame(self.leftMargin, self.bottomMargin, self.width, self.height - top_space,
                     leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)

    def _first_page(self, canvas: Canvas, doc) -> None:
        _draw_letterhead(canvas, self.office)

    def _later_page(self, canvas: Canvas, doc) -> None:
        _draw_running_header(canvas, self.office, self.report.title)
        if self.progress is not None:
            self.progress(self.rows_drawn[0], self.report.row_count())


def build_story(report: Report, doc: _ReportDoc) -> list[Flowable]:
    """The flowables: title, parameters, then every row in blocks of ``CHUNK_ROWS``."""
    layout = _Layout(report.columns, doc.width)
    story: list[Flowable] = [NextPageTemplate("later"), *_title_flowables(report, doc.width)]
    rows = _printed_rows(report, layout)
    for start in range(0, len(rows), CHUNK_ROWS):
        story.append(_Block(layout, rows[start:start + CHUNK_ROWS], doc.frame_height,
                            header=start == 0, counter=doc.rows_drawn))
    if report.row_count() == 0:
        story.append(Paragraph("No rows for these parameters.", _STYLES["param"]))
    return story


def _printed_rows(report: Report, layout: _Layout) -> list[_Row]:
    """Group headings, data rows, subtotals and the totals, in printing order."""
    blank = [""] * (len(report.columns) - 1)
    rows: list[_Row] = []
    for group in report.groups:
        if group.title:
            rows.append(_Row("heading", [group.title, *blank]))
        rows += [layout.data_row(r) for r in group.rows]
        if group.subtotals is not None:
            rows.append(layout.label_row(f"Subtotal {group.title}".strip(), group.subtotals,
                                         "subtotal"))
    if report.totals:
        rows.append(layout.label_row("Total", report.totals, "total"))
    return rows


_STYLES = {
    "title": ParagraphStyle("title", fontName=BOLD, fontSize=14, leading=17, spaceAfter=4),
    "param": ParagraphStyle("param", fontName=FONT, fontSize=9, leading=11),
}


def _title_flowables(report: Report, width: float) -> list[Flowable]:
    items: list[Flowable] = [Paragraph(_escape(report.title), _STYLES["title"])]
    params = report.formatted_parameters()
    if params:
        data = [[f"{label}:", value] for label, value in params]
        table = Table(data, colWidths=[1.4 * inch, width - 1.4 * inch], hAlign="LEFT")
        table.setStyle(TableStyle([("FONT", (0, 0), (0, -1), BOLD, 9),
                                   ("FONT", (1, 0), (1, -1), FONT, 9),
                                   ("TOPPADDING", (0, 0), (-1, -1), 0),
                                   ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                                   ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
        items.append(table)
    items.append(Spacer(1, 8))
    return items


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render_pdf(report: Report, path_or_file: str | Path | IO[bytes], office: OfficeInfo | None = None,
               *, progress: ProgressFn | None = None) -> int:
    """Write ``report`` as a PDF to a path or binary file; returns the number of pages.

    ``progress(rows_done, rows_total)`` is called at each page; raising from it (for
    instance on a cancel button) abandons the render.
    """
    office = office or UNNAMED_OFFICE
    target = str(path_or_file) if not hasattr(path_or_file, "write") else path_or_file
    doc = _ReportDoc(target, report, office, progress)
    result: dict = {}
    doc.build(build_story(report, doc), canvasmaker=_numbered_canvas(report.title, result))
    if progress is not None:
        progress(report.row_count(), report.row_count())
    return result["pages"]


__all__ = ["CHUNK_ROWS", "render_pdf"]
