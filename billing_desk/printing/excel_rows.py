"""The table of a report's workbook, written as the sheet's XML rows: the same cells openpyxl
writes, without a cell object per value.

openpyxl's write-only sheet makes, binds and serialises a cell object for every value (about
20 µs each, and 100,000 rows hold about a million); here each kind of cell -- a column's number
format, bold or not, text guarded against formulas -- gets its style id from openpyxl once, and
every row is a few formatted strings. ``excel.render_xlsx`` lets openpyxl write the workbook (styles, the
title, parameters and column header, the frozen pane, filter and page setup) with one marker row
where the table goes, then puts these rows in its place (``splice``). The cells are openpyxl's:
numbers as ``%.16g`` (what it writes for a Decimal), dates as Excel serials of the workbook's
epoch, text inline with ``xml:space="preserve"`` where it starts or ends with spaces, text that
reads as an error value (``#N/A``) as an error cell, as openpyxl would type it.
"""

from __future__ import annotations

import datetime as _dt
import uuid
import zipfile
from decimal import Decimal
from typing import IO, Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.styles import Font
from openpyxl.styles.numbers import is_date_format
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel

from ..exchange.exporting import FORMULA_STARTS, excel_text
from .report import Column

MAX_TEXT = 32767  # what openpyxl keeps of a longer text (Excel's limit)
_TIME_FORMATS = {_dt.datetime: "yyyy-mm-dd h:mm:ss", _dt.date: "yyyy-mm-dd"}  # openpyxl's own


def _escape(text: str) -> str:
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


class RowWriter:
    """Writes the rows of a report's table as sheet XML, from row ``first`` on, to ``out``."""

    def __init__(self, sheet, columns: list[Column], formats: dict[str, str], first: int,
                 out: IO[str]):
        self.sheet, self.columns, self.out = sheet, columns, out
        self.formats = [formats.get(c.kind) for c in columns]
        self.letters = [get_column_letter(i) for i in range(1, len(columns) + 1)]
        self.row_number = first
        self.epoch = sheet.parent.epoch
        self._styles: dict[tuple[str | None, bool, bool], str] = {}
        self.marker = f"billing-desk-table-{uuid.uuid4().hex}"

    def _style(self, number_format: str | None, bold: bool, quoted: bool = False) -> str:
        """` s="N"` for a look (empty for the plain one), the id asked of openpyxl once."""
        key = (number_format, bold, quoted)
        attribute = self._styles.get(key)
        if attribute is None:
            cell = WriteOnlyCell(self.sheet)
            if number_format:
                cell.number_format = number_format
            if bold:
                cell.font = Font(bold=True)
            if quoted:
                cell.quotePrefix = True
            attribute = self._styles[key] = f' s="{cell.style_id}"' if cell.has_style else ""
        return attribute

    def text_cell(self, ref: str, text: str, bold: bool = False) -> str:
        text = excel_text(text)[:MAX_TEXT]
        quoted = text.startswith(FORMULA_STARTS)
        style = self._style(None, bold, quoted) if bold or quoted else ""
        if not quoted and text in ERROR_CODES:
            return f'<c r="{ref}"{style} t="e"><v>{_escape(text)}</v></c>'
        stripped = text.strip()
        space = ' xml:space="preserve"' if stripped and stripped != text else ""
        return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{_escape(text)}</t></is></c>'

    def value_cell(self, ref: str, index: int, value: Any, bold: bool) -> str:
        number_format = self.formats[index]
        if isinstance(value, bool):
            return f'<c r="{ref}"{self._style(number_format, bold)} t="b"><v>{int(value)}</v></c>'
        if isinstance(value, (int, Decimal)):
            return f'<c r="{ref}"{self._style(number_format, bold)} t="n"><v>{"%.16g" % value}</v></c>'
        if isinstance(value, _dt.date):
            if not (number_format and is_date_format(number_format)):
                number_format = _TIME_FORMATS[_dt.datetime if isinstance(value, _dt.datetime) else _dt.date]
            serial = "%.16g" % to_excel(value, self.epoch)
            return f'<c r="{ref}"{self._style(number_format, bold)} t="n"><v>{serial}</v></c>'
        raise ValueError(f"Cannot convert {value!r} to Excel")

    def row(self, values: dict, bold: bool = False, label: tuple[int, str] | None = None) -> None:
        """One sheet row for a report row (or a subtotal / totals dict); ``label`` puts a bold
        text in one column instead of its value."""
        n = self.row_number
        cells = []
        for i, column in enumerate(self.columns):
            ref = f"{self.letters[i]}{n}"
            if label is not None and label[0] == i:
                cells.append(self.text_cell(ref, label[1], True))
                continue
            value = values.get(column.key)
            if value is None or value == "":
                continue
            if column.kind == "text" or isinstance(value, str):
                cells.append(self.text_cell(ref, str(value), bold))
            else:
                cells.append(self.value_cell(ref, i, checked(column, value), bold))
        self._write(cells)

    def heading(self, title: str) -> None:
        self._write([self.text_cell(f"A{self.row_number}", title, True)])

    def _write(self, cells: list[str]) -> None:
        self.out.write(f'<row r="{self.row_number}">{"".join(cells)}</row>')
        self.row_number += 1


def checked(column: Column, value: Any) -> Any:
    if isinstance(value, float):
        raise TypeError(f"column {column.key!r}: {value!r} is a float; use Decimal")
    if column.kind == "money" and not isinstance(value, (Decimal, int)):
        raise TypeError(f"column {column.key!r}: {value!r} is not a Decimal amount")
    return value


def splice(workbook_file: IO[bytes], target: IO[bytes], marker: str, table: IO[str]) -> None:
    """Copy the workbook openpyxl wrote, the marker's row in its sheet replaced by ``table``."""
    with zipfile.ZipFile(workbook_file) as source, \
            zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as out:
        for info in source.infolist():
            data = source.read(info)
            at = data.find(marker.encode())
            if at < 0:
                out.writestr(info, data)
                continue
            start = data.rfind(b"<row ", 0, at)
            end = data.index(b"</row>", at) + len(b"</row>")
            member = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            member.compress_type = zipfile.ZIP_DEFLATED
            with out.open(member, "w", force_zip64=True) as sheet:
                sheet.write(data[:start])
                table.seek(0)
                while chunk := table.read(1 << 20):
                    sheet.write(chunk.encode("utf-8"))
                sheet.write(data[end:])


__all__ = ["RowWriter", "checked", "splice"]
