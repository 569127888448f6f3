"""The Billing review window's parts: the periods offered, the figures' table model (each
figure's definition its tooltip), and the cells of the rows behind a figure."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QDate, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QDateEdit

from ...services.review import format_value
from ..table_model import Column, PagedTableModel

KINDS = (("month", "Month"), ("quarter", "Quarter"), ("year", "Year"), ("range", "From / to"))


def periods(kind: str, today: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    """The periods offered for ``kind``, the latest complete one first (a year: this one first)."""
    found = []
    if kind == "month":
        for back in range(1, 25):
            index = today.year * 12 + today.month - 1 - back
            start = dt.date(index // 12, index % 12 + 1, 1)
            found.append((f"{start:%B %Y}", start, _month_end(start)))
    elif kind == "quarter":
        quarter = (today.month - 1) // 3
        for back in range(1, 9):
            index = today.year * 4 + quarter - back
            start = dt.date(index // 4, index % 4 * 3 + 1, 1)
            found.append(
                (f"Q{index % 4 + 1} {index // 4}", start, _month_end(start.replace(month=start.month + 2)))
            )
    elif kind == "year":
        for year in range(today.year, today.year - 5, -1):
            found.append(
                (
                    f"{year}" + (" to date" if year == today.year else ""),
                    dt.date(year, 1, 1),
                    min(dt.date(year, 12, 31), today),
                )
            )
    return found


def _month_end(first: dt.date) -> dt.date:
    following = first.replace(year=first.year + first.month // 12, month=first.month % 12 + 1, day=1)
    return following - dt.timedelta(days=1)


def date_edit(name: str) -> QDateEdit:
    return QDateEdit(QDate.currentDate(), objectName=name, calendarPopup=True, displayFormat="MM/dd/yyyy")


class FigureModel(PagedTableModel):
    """The figures, with each one's definition as its tooltip."""

    def __init__(self, parent=None):
        super().__init__(
            [
                Column("Figure", lambda r: r["title"], width=210),
                Column("This period", lambda r: r["value"], width=150),
                Column("A year before", lambda r: r["before"], width=150),
            ],
            parent=parent,
        )
        self.rows: list[dict] = []

    def set_rows(self, rows: list[dict]) -> None:
        self.rows = rows
        self.set_source(lambda offset, limit: rows[offset : offset + limit], lambda: len(rows))

    def data(self, index: QModelIndex | QPersistentModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.ToolTipRole and index.isValid() and index.row() < len(self.rows):
            return self.rows[index.row()]["tip"]
        if role == Qt.ItemDataRole.FontRole and index.isValid() and self.rows[index.row()]["key"] == "":
            from PySide6.QtGui import QFont

            font = QFont()
            font.setBold(True)
            return font
        return super().data(index, role)


def html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def cell(value: Any, kind: str) -> Any:
    if kind in ("percent", "days") and value is not None:
        return format_value(value, kind)
    return value
