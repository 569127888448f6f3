"""Rows out to Excel and CSV, safely: the one formula guard every writer of files uses.

A name such as ``=HYPERLINK(...)`` or ``+1 555 0100`` typed into an account must never run as a
formula when the office (or an agency) opens the exported file. In a workbook such cells are
stored as text with Excel's quote prefix (``guarded_value``); in a CSV they get a leading
apostrophe (``csv_cell``). Characters a workbook cannot hold (control characters that older
data may carry) are shown as U+FFFD instead of stopping the export (``excel_text``).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Iterable

from ..errors import BillingError

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMATS = {"money": "#,##0.00;[Red]-#,##0.00", "date": "mm/dd/yyyy", "int": "0", "text": "@"}


@dataclass(frozen=True)
class ExportColumn:
    title: str
    value: Callable[[Any], Any]
    kind: str = "text"  # text, money, date, int
    width: float = 14


# What openpyxl refuses (IllegalCharacterError): C0 controls other than tab, LF and CR.
_ILLEGAL_IN_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
REPLACEMENT = "\ufffd"


def is_risky(text: Any) -> bool:
    """True for text a spreadsheet would take as a formula (or a DDE command)."""
    return isinstance(text, str) and text.startswith(FORMULA_STARTS)


def excel_text(text: str) -> str:
    """``text`` with every character a workbook cannot hold replaced by U+FFFD."""
    return _ILLEGAL_IN_XLSX.sub(REPLACEMENT, text)


def csv_cell(value: Any) -> Any:
    """A CSV field: text that starts like a formula gets a leading apostrophe."""
    return "'" + value if is_risky(value) else value


def csv_row(values: Iterable[Any]) -> list[Any]:
    return [csv_cell(v) for v in values]


def export_rows(path: str | Path, columns: list[ExportColumn], rows: Iterable[Any], *,
                sheet_title: str = "Export", progress: Callable[[int], None] | None = None) -> int:
    """Write a header row and one row per item; returns the number of rows written.

    The file is written beside the target and moved into place, so a failure never leaves a
    half-written workbook under the chosen name.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    path = Path(path)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title[:31])
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=None)
        guarded_value(cell, column.title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    count = 0
    for item in rows:
        sheet.append([_cell(sheet, column, column.value(item)) for column in columns])
        count += 1
        if progress and count % 1000 == 0:
            progress(count)
    _save(workbook, path)
    return count


def guarded_value(cell, value: Any):
    """Put ``value`` in ``cell``; text that starts like a formula stays text."""
    if isinstance(value, str):
        value = excel_text(value)
    cell.value = value
    if is_risky(value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def _cell(sheet, column: ExportColumn, value: Any):
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=None)
    if value is None or value == "":
        return cell
    if column.kind == "money" and isinstance(value, (Decimal, int)):
        cell.value = Decimal(value)
    elif column.kind == "date" and isinstance(value, dt.date):
        cell.value = value
    elif column.kind == "int" and isinstance(value, int):
        cell.value = value
    else:
        return guarded_value(cell, str(value))
    cell.number_format = FORMATS[column.kind]
    return cell


def _save(workbook, path: Path) -> None:
    folder = path.parent if str(path.parent) else Path(".")
    handle, temp = tempfile.mkstemp(suffix=".xlsx", dir=folder)
    os.close(handle)
    try:
        workbook.save(temp)
        os.replace(temp, path)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise BillingError(f"could not write {path}: {exc.strerror or exc}") from None
