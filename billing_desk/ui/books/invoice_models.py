"""Small table models for the invoice screens: rows of plain values, some columns editable."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from ..table_model import display


class RowsModel(QAbstractTableModel):
    """Rows are lists of values (money as Decimal); ``editable`` columns accept typed text,
    passed to ``on_edit(row, column, text)`` which returns an error message or None."""

    def __init__(self, headers: list[str], editable: tuple[int, ...] = (),
                 on_edit: Callable[[int, int, str], str | None] | None = None, parent=None):
        super().__init__(parent)
        self.headers = headers
        self.rows: list[list[Any]] = []
        self.editable = editable
        self.on_edit = on_edit
        self.last_error: str | None = None

    def set_rows(self, rows: list[list[Any]]) -> None:
        self.beginResetModel()
        self.rows = [list(r) for r in rows]
        self.endResetModel()

    def update_rows(self, rows: list[list[Any]]) -> None:
        """New values for the same rows: the view keeps its current cell (no reset)."""
        if len(rows) != len(self.rows):
            self.set_rows(rows)
            return
        self.rows = [list(r) for r in rows]
        if rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(rows) - 1, len(self.headers) - 1))

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.headers)

    def data(self, index: QModelIndex | QPersistentModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        value = self.rows[index.row()][index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return display(value) if role == Qt.ItemDataRole.DisplayRole else (
                "" if value is None else str(value))
        if role == Qt.ItemDataRole.TextAlignmentRole and isinstance(value, (Decimal, int)) \
                and not isinstance(value, bool):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex):
        base = super().flags(index)
        if index.isValid() and index.column() in self.editable:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def setData(self, index: QModelIndex | QPersistentModelIndex, value,
                role=Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or self.on_edit is None:
            return False
        self.last_error = self.on_edit(index.row(), index.column(), str(value))
        if self.last_error:
            return False
        self.dataChanged.emit(self.index(index.row(), 0), self.index(index.row(), len(self.headers) - 1))
        return True

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None
