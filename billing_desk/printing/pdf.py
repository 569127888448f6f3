"""Render a ``Report`` to PDF with reportlab.

The layout: the office letterhead on the first page and a running header after it, the title
and the parameters, then the table. Rows go into the document in blocks of ``CHUNK_ROWS``
(one huge platypus table re-splits itself on every page and slows to a crawl); each block is
realised as a small ``Table`` per page, with the column header at the top of the table and of
every later page. Group headings are bold rows; subtotals and the grand totals are bold rows
under a rule. The footer reads "Page X of Y" (a two-pass canvas that numbers the pages on save).
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any, Callable

from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
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
from .pdf_layout import SIZE, Layout, Row, choose_landscape, text_width, wrap
from .report import Report

MARGIN = 0.5 * inch
FOOTER_SPACE = 0.35 * inch
CHUNK_ROWS = 200

ProgressFn = Callable[[int, int], None]


class _Block(Flowable):
    """A run of rows that shows the column header whenever it starts a page.

    Rows have fixed heights, so the block splits itself exactly: as many rows as fit go on
    this page (never ending on a group heading), the rest become a new block that, being at
    the top of the next page, shows the header again. ``full_height`` is the frame height, to
    tell "at the top of a page" from "mid-page".
    """

    def __init__(self, layout: Layout, rows: list[Row], full_height: float,
                 header: bool = False, counter: list | None = None):
        super().__init__()
        self.layout, self.rows, self.full_height = layout, rows, full_height
        self.force_header, self.counter = header, counter
        self._lead: list[Row] = []

    def _lead_rows(self, avail_height: float) -> list[Row]:
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
                      rowHeights=[r.height for r in rows], normalizedData=1,
                      cellStyles=[self.layout.cell_styles(r) for r in rows],
                      style=self.layout.table_commands(rows))
        table.wrapOn(self.canv, self.width, self.height)
        table.drawOn(self.canv, 0, 0)
        if self.counter is not None:
            self.counter[0] += sum(1 for r in self.rows if r.kind == "data")


def _as_one_string(canvas: Any) -> None:
    canvas._code = ["\n".join(canvas._code)] if canvas._code else []


def _numbered_canvas(report_title: str, result: dict) -> type[Canvas]:
    """A canvas class that keeps each page until save, then writes "Page X of Y" on all."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self) -> None:
            # The page's drawing as one string (what showPage joins it into anyway): a long
            # report keeps thousands of pages until save, and thousands of small strings each
            # would have the garbage collector walk them again and again.
            _as_one_string(self)
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
            page = f"Page {self._pageNumber} of {count}"
            room = width - 2 * MARGIN - text_width(page, FONT, SIZE) - 12
            self.drawString(MARGIN, MARGIN * 0.6, _one_line(report_title, room, FONT, SIZE))
            self.drawRightString(width - MARGIN, MARGIN * 0.6, page)

    return NumberedCanvas


def _letterhead_height(office: OfficeInfo) -> float:
    return 18 + 11 * len(office.lines()) + 10


def _draw_letterhead(canvas: Canvas, office: OfficeInfo) -> None:
    """The office name, address and contact lines, the logo at the right, a rule below."""
    width, height = canvas._pagesize
    top = height - MARGIN
    box = _letterhead_height(office) - 10
    room = width - 2 * MARGIN - (2 * box + 6 if office.logo else 0)
    canvas.setFont(BOLD, 14)
    canvas.drawString(MARGIN, top - 14, _one_line(office.name, room, BOLD, 14))
    canvas.setFont(FONT, 9)
    for i, line in enumerate(office.lines()):
        canvas.drawString(MARGIN, top - 27 - 11 * i, _one_line(line, room, FONT, 9))
    if office.logo:
        canvas.drawImage(str(office.logo), width - MARGIN - 2 * box, top - box, 2 * box, box,
                         preserveAspectRatio=True, anchor="ne", mask="auto")
    y = top - _letterhead_height(office) + 4
    canvas.setLineWidth(0.75)
    canvas.line(MARGIN, y, width - MARGIN, y)


def _draw_running_header(canvas: Canvas, office: OfficeInfo, title: str) -> None:
    width, height = canvas._pagesize
    y = height - MARGIN - 9
    canvas.setFont(FONT, 8)
    half = (width - 2 * MARGIN) / 2 - 6
    canvas.drawString(MARGIN, y, _one_line(office.name, half, FONT, 8))
    canvas.drawRightString(width - MARGIN, y, _one_line(title, half, FONT, 8))
    canvas.setLineWidth(0.5)
    canvas.line(MARGIN, y - 4, width - MARGIN, y - 4)


class _ReportDoc(BaseDocTemplate):
    """Two page templates: the first with the letterhead, the rest with a running header."""

    RUNNING_HEADER = 20.0

    def __init__(self, target, report: Report, office: OfficeInfo, progress: ProgressFn | None):
        pagesize = landscape(LETTER) if choose_landscape(report) else LETTER
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
    layout = Layout(report, doc.width)
    story: list[Flowable] = [NextPageTemplate("later"), *_title_flowables(report, doc.width)]
    rows = _printed_rows(report, layout)
    for start in range(0, len(rows), CHUNK_ROWS):
        story.append(_Block(layout, rows[start:start + CHUNK_ROWS], doc.frame_height,
                            header=start == 0, counter=doc.rows_drawn))
    if report.row_count() == 0:
        story.append(Paragraph("No rows for these parameters.", _STYLES["param"]))
    return story


def _printed_rows(report: Report, layout: Layout) -> list[Row]:
    """Group headings, data rows, subtotals and the totals, in printing order."""
    rows: list[Row] = []
    for group in report.groups:
        if group.title:
            rows.append(layout.heading_row(group.title))
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
    "label": ParagraphStyle("label", fontName=BOLD, fontSize=9, leading=11),
}


def _title_flowables(report: Report, width: float) -> list[Flowable]:
    items: list[Flowable] = [Paragraph(_escape(report.title), _STYLES["title"])]
    params = report.formatted_parameters()
    if params:
        data = [[Paragraph(_escape(f"{label}:"), _STYLES["label"]),
                 Paragraph(_escape(value), _STYLES["param"])] for label, value in params]
        table = Table(data, colWidths=[1.4 * inch, width - 1.4 * inch], hAlign="LEFT")
        table.setStyle(TableStyle([("TOPPADDING", (0, 0), (-1, -1), 0),
                                   ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                                   ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
        items.append(table)
    items.append(Spacer(1, 8))
    return items


def _one_line(text: str, room: float, font: str, size: float) -> str:
    """``text`` on one line of ``room`` points, ending in an ellipsis when it is longer."""
    return wrap(text.replace("\n", " "), room, font, size, max_lines=1)[0]


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
