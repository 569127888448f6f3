"""A table model over a query the services build: fetched page by page as the view scrolls."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from ..money import format_money

ROW_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2


@dataclass(frozen=True)
class Column:
    title: str
    value: Callable[[Any], Any]
    sort_key: Any = None  # a field the services may order by
    width: int | None = None


def display(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format_money(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%m/%d/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%m/%d/%Y")
    if isinstance(value, bool):
        return "yes" if value else ""
    return str(value)


class PagedTableModel(QAbstractTableModel):
    """Rows come from ``fetch(offset, limit)``; ``count()`` says how many there are in all."""

    def __init__(self, columns: list[Column], page_size: int = 200, parent=None):
        super().__init__(parent)
        self.columns = columns
        self.page_size = page_size
        self._rows: list[Any] = []
        self._total = 0
        self._fetch: Callable[[int, int], list] = lambda offset, limit: []

    def set_source(self, fetch: Callable[[int, int], list], count: Callable[[], int]) -> None:
        self.beginResetModel()
        self._fetch = fetch
        self._total = count()
        self._rows = list(fetch(0, self.page_size))
        self.endResetModel()

    @property
    def total(self) -> int:
        return self._total

    def row_object(self, row: int) -> Any:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def canFetchMore(self, parent=QModelIndex()) -> bool:
        return not parent.isValid() and len(self._rows) < self._total

    def fetchMore(self, parent=QModelIndex()) -> None:
        if parent.isValid():
            return
        more = list(self._fetch(len(self._rows), self.page_size))
        if not more:
            self._total = len(self._rows)
            return
        self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(more) - 1)
        self._rows.extend(more)
        self.endInsertRows()

    def data(self, index: QModelIndex | QPersistentModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        obj = self._rows[index.row()]
        column = self.columns[index.column()]
        if role == ROW_ROLE:
            return obj
        value = column.value(obj)
        if role == Qt.ItemDataRole.DisplayRole:
            return display(value)
        if role == SORT_ROLE:
            return value
        if role == Qt.ItemDataRole.TextAlignmentRole and isinstance(value, (Decimal, int)) \
                and not isinstance(value, bool):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and isinstance(value, Decimal) and value < 0:
            from PySide6.QtGui import QColor

            return QColor("#b00020")
        return None

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].title
        return None


def table_view(model, stretch: int | None = None) -> QTableView:
    """A read-only row table; ``stretch`` names the column that takes the spare width."""
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().setVisible(False)
    view.horizontalHeader().setStretchLastSection(stretch is None)
    view.setAlternatingRowColors(True)
    for i, column in enumerate(model.columns):
        if column.width:
            view.setColumnWidth(i, column.width)
    if stretch is not None:
        view.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return view
