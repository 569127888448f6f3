"""The billing review on paper (PDF) and in a workbook (.xlsx), from the plain ``document`` dict
``reports/review.py`` builds: recommendations first, then the figures with their definitions,
four charts drawn with reportlab's own chart library (reportlab.graphics), the office's notes,
and the rows behind each recommendation. The workbook holds the figures and every row behind them.

document = {"title", "parameters": [(label, text)], "recommendations": [{"title", "evidence",
"step"}], "not_judged": [text], "sections": [(name, [{"title", "value", "before", "definition"}])],
"charts": {"aging": [(label, over 90 %, over 120 %)], "collections": [(label, charges, payments)],
"denials": [(code, claims)], "days_to_pay": [(payer, days)]}, "notes": text,
"tables": [{"title", "columns": [(key, title, kind)], "rows": [dict]}]}
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from ..money import from_cents, to_cents
from .fonts import BOLD, FONT
from .office import UNNAMED_OFFICE, OfficeInfo
from .pdf import MARGIN, _draw_letterhead, _draw_running_header, _letterhead_height, _numbered_canvas
from .report import format_cell

BLUE, ORANGE, GREY = colors.HexColor("#2f6db5"), colors.HexColor("#e07b24"), colors.HexColor("#888888")
STYLES = {
    "title": ParagraphStyle("t", fontName=BOLD, fontSize=15, leading=19, spaceAfter=4),
    "h": ParagraphStyle("h", fontName=BOLD, fontSize=11.5, leading=14, spaceBefore=10, spaceAfter=4),
    "rec": ParagraphStyle("r", fontName=BOLD, fontSize=9.5, leading=12, spaceBefore=5),
    "p": ParagraphStyle("p", fontName=FONT, fontSize=8.5, leading=10.5),
    "small": ParagraphStyle("s", fontName=FONT, fontSize=7.5, leading=9),
    "bullet": ParagraphStyle(
        "b", fontName=FONT, fontSize=8.5, leading=10.5, leftIndent=12, bulletIndent=3, bulletFontName=FONT
    ),
}
ROWS_PRINTED = 12  # rows behind each recommendation on paper (the workbook has them all)


def _esc(text: Any) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _p(text: Any, style: str = "p") -> Paragraph:
    return Paragraph(_esc(text), STYLES[style])


def _title_block(document: dict) -> list:
    items: list = [_p(document["title"], "title")]
    items += [_p(f"{label}: {value}") for label, value in document["parameters"]]
    return items


def _recommendations(document: dict) -> list:
    items: list = [_p("Recommendations", "h")]
    if not document["recommendations"]:
        items.append(_p("None: every figure with enough data to judge is within the office's targets."))
    for number, rec in enumerate(document["recommendations"], start=1):
        block = [_p(f"{number}. {rec['title']}", "rec")]
        block += [Paragraph(_esc(line), STYLES["bullet"], bulletText="•") for line in rec["evidence"]]
        block.append(Paragraph(f"Next step: {_esc(rec['step'])}", STYLES["bullet"], bulletText="→"))
        items.append(KeepTogether(block))
    if document["not_judged"]:
        items.append(_p("Not judged (too few data)", "rec"))
        items += [Paragraph(_esc(line), STYLES["bullet"], bulletText="•") for line in document["not_judged"]]
    return items


def _figures(document: dict, width: float) -> list:
    items: list = [_p("The figures", "h")]
    data: list = [
        [
            _p("Figure", "rec"),
            _p("This period", "rec"),
            _p("A year before", "rec"),
            _p("How it is counted", "rec"),
        ]
    ]
    style = [
        ("LINEBELOW", (0, 0), (-1, 0), 0.75, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ]
    for name, figures in document["sections"]:
        style.append(("BACKGROUND", (0, len(data)), (-1, len(data)), colors.HexColor("#eef2f7")))
        data.append([_p(name, "rec"), _p(""), _p(""), _p("")])
        for f in figures:
            data.append([_p(f["title"]), _p(f["value"]), _p(f["before"]), _p(f["definition"], "small")])
    table = Table(data, colWidths=[1.6 * inch, 1.05 * inch, 1.05 * inch, width - 3.7 * inch], repeatRows=1)
    table.setStyle(TableStyle(style))
    items.append(table)
    return items


def _frame_drawing(title: str, width: float, height: float) -> Drawing:
    drawing = Drawing(width, height)
    drawing.initialFontName, drawing.initialFontSize = FONT, 8  # never reportlab's Helvetica
    drawing.add(String(0, height - 11, title, fontName=BOLD, fontSize=9))
    return drawing


def _empty(drawing: Drawing, text: str) -> Drawing:
    drawing.add(
        String(
            drawing.width / 2,
            drawing.height / 2,
            text,
            fontName=FONT,
            fontSize=8,
            textAnchor="middle",
            fillColor=GREY,
        )
    )
    return drawing


def _axis_fonts(chart) -> None:
    for axis in (chart.categoryAxis, chart.valueAxis):
        axis.labels.fontName, axis.labels.fontSize = FONT, 6.5


def _legend(drawing: Drawing, x: float, y: float, pairs: list) -> None:
    legend = Legend()
    legend.x, legend.y, legend.fontName, legend.fontSize = x, y, FONT, 7
    legend.alignment, legend.columnMaximum, legend.dx, legend.dy = "right", 1, 8, 6
    legend.deltax = 90
    legend.colorNamePairs = pairs
    drawing.add(legend)


def aging_chart(points: list, width: float, height: float) -> Drawing:
    drawing = _frame_drawing("A/R past due, share of all A/R at month-ends", width, height)
    if not points:
        return _empty(drawing, "no A/R in these months")
    chart = HorizontalLineChart()
    chart.x, chart.y, chart.width, chart.height = 30, 34, width - 40, height - 62
    chart.data = [[float(p[1]) for p in points], [float(p[2]) for p in points]]  # shares in %, not money
    chart.categoryAxis.categoryNames = [p[0] for p in points]
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labelTextFormat = "%d %%"
    chart.lines[0].strokeColor, chart.lines[1].strokeColor = BLUE, ORANGE
    chart.lines[0].strokeWidth = chart.lines[1].strokeWidth = 1.5
    chart.categoryAxis.labels.angle, chart.categoryAxis.labels.dy = 45, -6
    _axis_fonts(chart)
    drawing.add(chart)
    _legend(drawing, 30, height - 20, [(BLUE, "over 90 days"), (ORANGE, "over 120 days")])
    return drawing


def collections_chart(months: list, width: float, height: float) -> Drawing:
    drawing = _frame_drawing("Charges and payments by month", width, height)
    if not any(m[1] or m[2] for m in months):
        return _empty(drawing, "nothing keyed in these months")
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 40, 34, width - 50, height - 62
    chart.data = [[to_cents(m[1]) for m in months], [to_cents(m[2]) for m in months]]  # money in cents
    chart.categoryAxis.categoryNames = [m[0] for m in months]
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labelTextFormat = _dollars_label
    chart.bars[0].fillColor, chart.bars[1].fillColor = colors.HexColor("#b9cde6"), BLUE
    chart.bars.strokeWidth = 0
    chart.categoryAxis.labels.angle, chart.categoryAxis.labels.dy = 45, -6
    _axis_fonts(chart)
    drawing.add(chart)
    _legend(drawing, 40, height - 20, [(colors.HexColor("#b9cde6"), "charges"), (BLUE, "payments")])
    return drawing


def _dollars_label(cents) -> str:
    """An axis mark of cents in whole dollars, thousands as "k" (rounded half up)."""
    dollars = from_cents(int(round(cents))).to_integral_value(ROUND_HALF_UP)
    if dollars >= 1000:
        return f"${(dollars / 1000).to_integral_value(ROUND_HALF_UP):,}k"
    return f"${dollars:,}"


def bar_chart(title: str, pairs: list, width: float, height: float, empty: str, unit: str = "") -> Drawing:
    drawing = _frame_drawing(title, width, height)
    if not pairs:
        return _empty(drawing, empty)
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 95, 12, width - 110, height - 32
    chart.data = [[float(p[1]) for p in reversed(pairs)]]  # counts and days, not money
    chart.categoryAxis.categoryNames = [str(p[0])[:18] for p in reversed(pairs)]
    chart.valueAxis.valueMin = 0
    chart.bars[0].fillColor = BLUE
    chart.barLabelFormat = "%d" + unit
    chart.barLabels.fontName, chart.barLabels.fontSize, chart.barLabels.dx = FONT, 6.5, 8
    _axis_fonts(chart)
    drawing.add(chart)
    return drawing


def _charts(document: dict, width: float) -> list:
    charts, half, tall = document["charts"], (width - 12) / 2, 2.45 * inch
    grid = [
        [aging_chart(charts["aging"], half, tall), collections_chart(charts["collections"], half, tall)],
        [
            bar_chart("Denials by reason code (claims)", charts["denials"], half, tall, "no denials"),
            bar_chart(
                "Days from claim to payment, by payer",
                charts["days_to_pay"],
                half,
                tall,
                "no claims paid in the period",
            ),
        ],
    ]
    table = Table(grid, colWidths=[half + 6, half + 6])
    table.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return [KeepTogether([_p("Charts", "h"), table])]


def _notes(document: dict) -> list:
    text = document["notes"].strip() or "No notes were written for this review."
    return [_p("The office's notes", "h"), *[_p(line) for line in text.splitlines() if line.strip()]]


def _rows(document: dict, width: float) -> list:
    items: list = []
    for table_data in document["tables"]:
        if not table_data["rows"]:
            continue
        columns = table_data["columns"]
        shown = table_data["rows"][:ROWS_PRINTED]
        data = [[_p(title, "rec") for _key, title, _kind in columns]]
        data += [[_p(_cell(kind, row.get(key)), "small") for key, _title, kind in columns] for row in shown]
        table = Table(data, colWidths=[width / len(columns)] * len(columns), repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black),
                    ("TOPPADDING", (0, 0), (-1, -1), 1),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                ]
            )
        )
        more = len(table_data["rows"]) - len(shown)
        items += [_p(table_data["title"], "rec"), table]
        if more > 0:
            items.append(_p(f"… and {more} more rows in the Excel workbook of this review.", "small"))
    return ([_p("The rows behind the recommendations", "h")] + items) if items else []


def _cell(kind: str, value: Any) -> str:
    if kind == "days":
        return "" if value is None else f"{value}"
    return format_cell(kind, value) if value is not None else ""


class _ReviewDoc(BaseDocTemplate):
    def __init__(self, target, document: dict, office: OfficeInfo):
        super().__init__(
            target,
            pagesize=LETTER,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN,
            bottomMargin=MARGIN + 0.35 * inch,
            title=document["title"],
            author=office.name,
            creator="Billing Desk",
        )
        self.office, self.document = office, document
        first = Frame(
            self.leftMargin,
            self.bottomMargin,
            self.width,
            self.height - _letterhead_height(office),
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )
        later = Frame(
            self.leftMargin,
            self.bottomMargin,
            self.width,
            self.height - 20,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )
        self.addPageTemplates(
            [
                PageTemplate("first", [first], onPage=lambda c, d: _draw_letterhead(c, office)),
                PageTemplate(
                    "later", [later], onPage=lambda c, d: _draw_running_header(c, office, document["title"])
                ),
            ]
        )


def render_review_pdf(
    document: dict, target: str | Path, office: OfficeInfo | None = None, progress=None
) -> int:
    """Write the review as a PDF; returns the number of pages."""
    office = office or UNNAMED_OFFICE
    doc = _ReviewDoc(target if hasattr(target, "write") else str(target), document, office)
    width = doc.width
    story: list = [
        NextPageTemplate("later"),
        *_title_block(document),
        *_recommendations(document),
        *_charts(document, width),
        *_figures(document, width),
        *_notes(document),
        *_rows(document, width),
        Spacer(1, 4),
    ]
    result: dict = {}
    doc.build(story, canvasmaker=_numbered_canvas(document["title"], result))
    if progress is not None:
        progress(1, 1)
    return result["pages"]


def render_review_xlsx(document: dict, target: str | Path) -> int:
    """The figures, the recommendations and every row behind the figures, one sheet each."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from .excel import FORMATS, safe_text, save_workbook

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    written = 0

    def cell(sheet, value: Any, kind: str = "text", strong: bool = False):
        from openpyxl.cell import WriteOnlyCell

        made = WriteOnlyCell(sheet)
        if isinstance(value, str) or kind == "text":
            safe_text(made, "" if value is None else str(value))
        else:
            made.value = value
            if kind == "days" and value is not None:
                made.number_format = "0.0"
            elif kind in FORMATS:
                made.number_format = FORMATS[kind]
        if strong:
            made.font = bold
        return made

    sheet = workbook.create_sheet("Figures")
    for label, value in [("Report", document["title"]), *document["parameters"]]:
        sheet.append([cell(sheet, label, strong=True), cell(sheet, value)])
    sheet.append([])
    sheet.append(
        [
            cell(sheet, t, strong=True)
            for t in (
                "Section",
                "Figure",
                "This period",
                "Unit",
                "Value",
                "A year before",
                "Year-before value",
                "Definition",
            )
        ]
    )
    written += len(document["parameters"]) + 3
    for name, figures in document["sections"]:
        for f in figures:
            kind = {"percent": "percent", "money": "money", "days": "days"}.get(f["unit"], "int")
            sheet.append(
                [
                    cell(sheet, name),
                    cell(sheet, f["title"]),
                    cell(sheet, f["value"]),
                    cell(sheet, f["unit"]),
                    cell(sheet, f["raw"], kind) if f["raw"] is not None else cell(sheet, ""),
                    cell(sheet, f["before"]),
                    cell(sheet, f["raw_before"], kind) if f["raw_before"] is not None else cell(sheet, ""),
                    cell(sheet, f["definition"]),
                ]
            )
            written += 1
    sheet = workbook.create_sheet("Recommendations")
    sheet.append([cell(sheet, t, strong=True) for t in ("Recommendation", "Evidence", "Next step")])
    for rec in document["recommendations"]:
        sheet.append(
            [cell(sheet, rec["title"]), cell(sheet, " ".join(rec["evidence"])), cell(sheet, rec["step"])]
        )
    for line in document["not_judged"]:
        sheet.append([cell(sheet, "Not judged"), cell(sheet, line), cell(sheet, "")])
    sheet.append([])
    sheet.append([cell(sheet, "Notes", strong=True), cell(sheet, document["notes"])])
    written += len(document["recommendations"]) + len(document["not_judged"]) + 3
    used: set[str] = set()
    for table_data in document["all_tables"]:
        title = _sheet_name(table_data["title"], used)
        sheet = workbook.create_sheet(title)
        columns = table_data["columns"]
        sheet.append([cell(sheet, t, strong=True) for _k, t, _kind in columns])
        for row in table_data["rows"]:
            sheet.append([cell(sheet, _plain(row.get(key)), kind) for key, _t, kind in columns])
        written += len(table_data["rows"]) + 1
    save_workbook(workbook, Path(target))
    return written


def _plain(value: Any) -> Any:
    if isinstance(value, (Decimal, int, dt.date)) or value is None:
        return value
    return str(value)


def _sheet_name(title: str, used: set[str]) -> str:
    base = "".join("-" if c in "/\\" else " " if c in "[]:*?" else c for c in title)[:28]
    name, n = base, 2
    while name.lower() in used:
        name, n = f"{base[:25]} {n}", n + 1
    used.add(name.lower())
    return name
