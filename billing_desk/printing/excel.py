"""Render a ``Report`` to an .xlsx workbook with openpyxl in write-only mode.

Layout of the one sheet: the title, the parameters, a blank row, then the bold column header
(frozen, with an autofilter over the data), the rows (group headings and subtotal rows where
the report has them) and a bold totals row. Cells are typed: money is written as a number
with a dollar format, dates as dates, counts as integers, percentages as fractions with a %
format; the parameters above the table are typed the same way (an amount among them is a number
in the currency format, a date a date). An .xlsx number is a binary double: openpyxl writes
each Decimal with "%.16g" (the one place money becomes a float), which is exact to the cent for
any amount the program allows (under 10**11), and reading it back and quantizing to the cent
gives the same Decimal.

Text that starts with = + - @ (or a tab / carriage return) is written as a string cell with
Excel's quote prefix, so it can never run as a formula, not even after a clerk edits it; control
characters a workbook cannot hold are shown as U+FFFD (both by exchange.exporting's guard).
"""

from __future__ import annotations

import datetime as _dt
import io
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from ..exchange.exporting import FORMULA_STARTS, excel_text, guarded_value
from .excel_rows import RowWriter, splice
from .report import Group, Report

MONEY_FORMAT = '"$"#,##0.00'
DATE_FORMAT = "mm/dd/yyyy"
INT_FORMAT = "#,##0"
PERCENT_FORMAT = "0.0%"
FORMATS = {"money": MONEY_FORMAT, "date": DATE_FORMAT, "int": INT_FORMAT,
           "percent": PERCENT_FORMAT}
SHEET_TITLE_MAX = 31
PROGRESS_EVERY = 1000
_BAD_SHEET_CHARS = str.maketrans({c: " " for c in "[]:*?/\\"})

ProgressFn = Callable[[int, int], None]


def safe_text(cell: WriteOnlyCell, text: str) -> WriteOnlyCell:
    """Put ``text`` in ``cell`` as a plain string, guarded if it looks like a formula."""
    return guarded_value(cell, text)


class _CellMaker:
    """Text cells for the lines above the table (title, parameters, column header)."""

    def __init__(self, sheet):
        self.sheet = sheet
        self.bold = Font(bold=True)

    def text(self, text: str, bold: bool = False) -> Any:
        """A text cell; plain ``str`` (fast) unless it needs bold or the formula guard."""
        if not bold and not text.startswith(FORMULA_STARTS):
            return excel_text(text)
        cell = WriteOnlyCell(self.sheet)
        if bold:
            cell.font = self.bold
        return safe_text(cell, text)


def _parameter_cell(sheet, value: Any, shown: str, maker: _CellMaker) -> Any:
    """A parameter's value typed like a table cell: an amount a number in the currency format,
    a date a date, a count a number; anything else the text the PDF prints."""
    if isinstance(value, bool) or not isinstance(value, (Decimal, int, _dt.date)):
        return maker.text(shown)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, _dt.datetime):
        cell.number_format = DATE_FORMAT + " hh:mm"
    elif isinstance(value, _dt.date):
        cell.number_format = DATE_FORMAT
    else:
        cell.number_format = MONEY_FORMAT if isinstance(value, Decimal) else INT_FORMAT
    return cell


def _sheet_title(report: Report) -> str:
    title = (report.title or report.name or "Report").translate(_BAD_SHEET_CHARS).strip()
    return title[:SHEET_TITLE_MAX] or "Report"


def _column_widths(report: Report) -> list[float]:
    """Widths in characters from the header and the first rows (write-only can't measure)."""
    widths = [max(len(c.title) + 2, {"money": 14, "date": 12}.get(c.kind, 8))
              for c in report.columns]
    for n, row in enumerate(report.all_rows()):
        if n >= 500:
            break
        for i, column in enumerate(report.columns):
            widths[i] = max(widths[i], len(column.format(row.get(column.key))) + 2)
    return [min(w, 60) for w in widths]


def _write_preamble(sheet, report: Report, maker: _CellMaker) -> int:
    """Title, parameters and a blank row; returns the number of rows written."""
    title = maker.text(report.title, bold=True)
    title.font = Font(bold=True, size=14)
    sheet.append([title])
    for (label, value), (_label, shown) in zip(report.parameters, report.formatted_parameters()):
        sheet.append([maker.text(f"{label}:", bold=True), _parameter_cell(sheet, value, shown, maker)])
    sheet.append([])
    return len(report.parameters) + 2


def _write_group(rows: RowWriter, group: Group, several: bool, tick: Callable[[int], None]) -> int:
    """A group's heading (when there are several), rows and subtotal; returns rows written."""
    written = 0
    if several and group.title:
        rows.heading(group.title)
        written += 1
    for n, row in enumerate(group.rows, start=1):
        rows.row(row)
        if n % PROGRESS_EVERY == 0:
            tick(PROGRESS_EVERY)
    tick(len(group.rows) % PROGRESS_EVERY)
    written += len(group.rows)
    if group.subtotals is not None:
        _labelled(rows, group.subtotals, f"Subtotal {group.title}".strip())
        written += 1
    return written


def _labelled(rows: RowWriter, values: dict, label: str) -> None:
    """A bold subtotal/totals row with ``label`` in the first column that is not summed."""
    first = next((i for i, column in enumerate(rows.columns) if not column.summed), None)
    rows.row(values, bold=True, label=None if first is None else (first, label))


def render_xlsx(report: Report, path: str | Path, *, progress: ProgressFn | None = None) -> int:
    """Write ``report`` to the workbook at ``path``; returns the number of sheet rows written.

    ``progress(rows_done, rows_total)`` is called every 1,000 data rows; raising from it
    abandons the export (no file is left half-written at ``path``).
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_sheet_title(report))
    columns = report.columns
    for i, width in enumerate(_column_widths(report), start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    header_row = len(report.parameters) + 3
    sheet.freeze_panes = f"A{header_row + 1}"
    sheet.print_title_rows = f"{header_row}:{header_row}"
    if report.is_landscape:
        sheet.page_setup.orientation = "landscape"
    maker = _CellMaker(sheet)
    written = _write_preamble(sheet, report, maker)
    sheet.append([maker.text(c.title, bold=True) for c in columns])
    written += 1
    total, done = report.row_count(), [0]

    def tick(rows: int) -> None:
        done[0] += rows
        if progress is not None:
            progress(done[0], total)

    with tempfile.TemporaryFile("w+", encoding="utf-8") as table:
        rows = RowWriter(sheet, list(columns), FORMATS, written + 1, table)
        for group in report.groups:
            written += _write_group(rows, group, len(report.groups) > 1, tick)
        last_data_row = written
        if report.totals:
            _labelled(rows, report.totals, "Total")
            written += 1
        last = get_column_letter(max(len(columns), 1))
        sheet.auto_filter.ref = f"A{header_row}:{last}{max(last_data_row, header_row)}"
        sheet.append([rows.marker])  # where the table's rows go (excel_rows.splice)
        _save(workbook, Path(path), rows.marker, table)
    return written


def save_workbook(workbook: Workbook, path: Path) -> None:
    """Save a workbook written cell by cell (no spliced table) beside ``path`` then move it into
    place, so a failure never leaves half a file."""
    partial = path.with_name(path.name + ".partial")
    try:
        workbook.save(partial)
        partial.replace(path)
    finally:
        if partial.exists():
            partial.unlink()


def _save(workbook: Workbook, path: Path, marker: str, table) -> None:
    """Save beside ``path`` then move into place, so a failure never leaves half a file."""
    partial = path.with_name(path.name + ".partial")
    written = io.BytesIO()  # the workbook without its table: small
    workbook.save(written)
    try:
        with open(partial, "wb") as out:
            splice(written, out, marker, table)
        partial.replace(path)
    finally:
        if partial.exists():
            partial.unlink()


__all__ = ["DATE_FORMAT", "MONEY_FORMAT", "render_xlsx", "safe_text"]
