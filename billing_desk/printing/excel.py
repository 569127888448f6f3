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
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from ..exchange.exporting import FORMULA_STARTS, excel_text, guarded_value
from .report import Column, Group, Report

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
    """Makes typed cells for one sheet, reusing one styled cell per (column, look).

    Write-only sheets serialise each row as it is appended, so a styled cell object can be
    filled and appended again and again; creating a styled cell per value is slow.
    """

    def __init__(self, sheet, columns: list[Column]):
        self.sheet, self.columns = sheet, columns
        self.bold = Font(bold=True)
        self._cells: dict[tuple[int, bool], WriteOnlyCell] = {}

    def _cell(self, index: int, bold: bool) -> WriteOnlyCell:
        key = (index, bold)
        cell = self._cells.get(key)
        if cell is None:
            cell = self._cells[key] = WriteOnlyCell(self.sheet)
            kind = self.columns[index].kind
            if kind in FORMATS:
                cell.number_format = FORMATS[kind]
            if bold:
                cell.font = self.bold
        return cell

    def row(self, values: dict, bold: bool = False) -> list:
        """One sheet row for a report row (or a subtotal / totals dict)."""
        out: list[Any] = []
        for i, column in enumerate(self.columns):
            value = values.get(column.key)
            if value is None or value == "":
                out.append(None)
            elif column.kind in ("text",) or isinstance(value, str):
                out.append(self.text(str(value), bold, i))
            else:
                cell = self._cell(i, bold)
                cell.value = _checked(column, value)
                out.append(cell)
        return out

    def text(self, text: str, bold: bool = False, index: int | None = None) -> Any:
        """A text cell; plain ``str`` (fast) unless it needs bold or the formula guard."""
        if not bold and not text.startswith(FORMULA_STARTS):
            return excel_text(text)
        cell = WriteOnlyCell(self.sheet)
        if bold:
            cell.font = self.bold
        return safe_text(cell, text)


def _checked(column: Column, value: Any) -> Any:
    if isinstance(value, float):
        raise TypeError(f"column {column.key!r}: {value!r} is a float; use Decimal")
    if column.kind == "money" and not isinstance(value, (Decimal, int)):
        raise TypeError(f"column {column.key!r}: {value!r} is not a Decimal amount")
    return value


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


def _write_group(sheet, group: Group, maker: _CellMaker, several: bool,
                 tick: Callable[[int], None]) -> int:
    """A group's heading (when there are several), rows and subtotal; returns rows written."""
    written = 0
    if several and group.title:
        sheet.append([maker.text(group.title, bold=True)])
        written += 1
    for n, row in enumerate(group.rows, start=1):
        sheet.append(maker.row(row))
        if n % PROGRESS_EVERY == 0:
            tick(PROGRESS_EVERY)
    tick(len(group.rows) % PROGRESS_EVERY)
    written += len(group.rows)
    if group.subtotals is not None:
        sheet.append(_labelled(maker, group.subtotals, f"Subtotal {group.title}".strip()))
        written += 1
    return written


def _labelled(maker: _CellMaker, values: dict, label: str) -> list:
    """A bold subtotal/totals row with ``label`` in the first column that is not summed."""
    cells = maker.row(values, bold=True)
    for i, column in enumerate(maker.columns):
        if not column.summed:
            cells[i] = maker.text(label, bold=True)
            break
    return cells


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
    maker = _CellMaker(sheet, columns)
    written = _write_preamble(sheet, report, maker)
    sheet.append([maker.text(c.title, bold=True) for c in columns])
    written += 1
    total, done = report.row_count(), [0]

    def tick(rows: int) -> None:
        done[0] += rows
        if progress is not None:
            progress(done[0], total)

    for group in report.groups:
        written += _write_group(sheet, group, maker, len(report.groups) > 1, tick)
    last_data_row = written
    if report.totals:
        sheet.append(_labelled(maker, report.totals, "Total"))
        written += 1
    last = get_column_letter(max(len(columns), 1))
    sheet.auto_filter.ref = f"A{header_row}:{last}{max(last_data_row, header_row)}"
    _save(workbook, Path(path))
    return written


def _save(workbook: Workbook, path: Path) -> None:
    """Save beside ``path`` then move into place, so a failure never leaves half a file."""
    partial = path.with_name(path.name + ".partial")
    try:
        workbook.save(partial)
        partial.replace(path)
    finally:
        if partial.exists():
            partial.unlink()


__all__ = ["DATE_FORMAT", "MONEY_FORMAT", "render_xlsx", "safe_text"]
