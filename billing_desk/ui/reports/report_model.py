"""The screen preview of a report: a table model over its rows, group titles, subtotals, totals.

The rows are the ``Report``'s own dicts (nothing copied into item widgets); cells are formatted
by the report's columns as they scroll into view, so the screen shows what the PDF prints.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from ...printing.report import Report

DATA, GROUP, SUBTOTAL, TOTAL = "data", "group", "subtotal", "total"
ROW_ROLE = Qt.ItemDataRole.UserRole + 1  # the row's dict
SORT_ROLE = Qt.ItemDataRole.UserRole + 2  # the raw value (Decimal, date)


class ReportTableModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.report: Report | None = None
        self._rows: list[tuple[str, dict | str]] = []
        self._bold = QFont()
        self._bold.setBold(True)

    def set_report(self, report: Report | None) -> None:
        self.beginResetModel()
        self.report = report
        self._rows = _flatten(report) if report is not None else []
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() or self.report is None else len(self.report.columns)

    def row_kind(self, row: int) -> str:
        return self._rows[row][0]

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if (self.report is not None and orientation == Qt.Orientation.Horizontal
                and role == Qt.ItemDataRole.DisplayRole):
            return self.report.columns[section].title
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or self.report is None:
            return None
        kind, payload = self._rows[index.row()]
        column = self.report.columns[index.column()]
        values = payload if isinstance(payload, dict) else {}  # a group heading's payload is its title
        if role == Qt.ItemDataRole.DisplayRole:
            if kind == GROUP:
                return payload if index.column() == 0 else None
            value = values.get(column.key)
            text = column.format(value)
            if kind in (SUBTOTAL, TOTAL) and self._label_column() == index.column():
                return "Total" if kind == TOTAL else "Subtotal"
            return text
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = Qt.AlignmentFlag.AlignRight if column.numeric else Qt.AlignmentFlag.AlignLeft
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and kind != DATA:
            return self._bold
        if role == ROW_ROLE:
            return payload if kind == DATA else None
        if role == SORT_ROLE and kind != GROUP:
            return values.get(column.key)
        return None

    def _label_column(self) -> int:
        for i, column in enumerate(self.report.columns if self.report is not None else []):
            if not column.summed:
                return i
        return 0


def _flatten(report: Report) -> list[tuple[str, dict | str]]:
    rows: list[tuple[str, dict | str]] = []
    for group in report.groups:
        if group.title:
            rows.append((GROUP, group.title))
        rows.extend((DATA, row) for row in group.rows)
        if group.subtotals is not None:
            rows.append((SUBTOTAL, group.subtotals))
    if report.totals:
        rows.append((TOTAL, report.totals))
    return rows
