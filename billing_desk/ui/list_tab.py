"""A searchable, filterable, paged list: the shape every tab's list shares."""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..services.accounts import lists
from .table_model import Column, PagedTableModel


class ListPanel(QWidget):
    """Search box, optional status filter, and a paged table fed by a query from the services."""

    activated = Signal(object)  # the row object the clerk opened (Enter or double-click)

    def __init__(self, columns: list[Column], make_query: Callable[[str, str | None], Any],
                 statuses: tuple[str, ...] = (), placeholder: str = "Search", parent=None):
        super().__init__(parent)
        self.make_query = make_query
        self.search = QLineEdit(placeholderText=placeholder, clearButtonEnabled=True)
        self.search.setObjectName("search")
        self.status = QComboBox()
        self.status.addItem("All statuses", None)
        for status in statuses:
            self.status.addItem(status.replace("_", " ").capitalize(), status)
        self.status.setVisible(bool(statuses))
        self.count_label = QLabel()
        self.model = PagedTableModel(columns, page_size=100, parent=self)  # more as it scrolls
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for i, column in enumerate(columns):
            if column.width:
                self.table.setColumnWidth(i, column.width)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.status)
        top.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        # Each key searches at once: the first page is a few milliseconds of indexed SQL and the
        # count is read once per state of the data (lists.count), so no key waits for a timer.
        self.search.textChanged.connect(lambda _t: self.refresh())
        self.search.returnPressed.connect(self._enter_from_search)
        self.status.currentIndexChanged.connect(lambda _i: self.refresh())
        self.table.doubleClicked.connect(lambda index: self._open(index.row()))
        self.table.activated.connect(lambda index: self._open(index.row()))

    def refresh(self) -> None:
        query = self.make_query(self.search.text(), self.status.currentData())
        self.model.set_source(lambda offset, limit: lists.page(query, offset, limit),
                              lambda: lists.count(query))
        shown = self.model.total
        self.count_label.setText(f"{shown:,} found" if shown != 1 else "1 found")
        if shown:
            self.table.selectRow(0)

    def current(self) -> Any:
        index = self.table.currentIndex()
        return self.model.row_object(index.row()) if index.isValid() else None

    def _enter_from_search(self) -> None:
        self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _open(self, row: int) -> None:
        obj = self.model.row_object(row)
        if obj is not None:
            self.activated.emit(obj)
