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
from .list_refresh import ListRefresher
from .table_model import Column, PagedTableModel


class ListPanel(QWidget):
    """Search box, optional status filter, and a paged table fed by a query from the services."""

    activated = Signal(object)  # the row object the clerk opened (Enter or double-click)
    chosen = Signal(object)  # the row now current (None: none), never while the list is reread

    def __init__(self, columns: list[Column], make_query: Callable[[str, str | None], Any],
                 statuses: tuple[str, ...] = (), placeholder: str = "Search", parent=None,
                 *, typing_off_thread: bool = False):
        super().__init__(parent)
        self.make_query = make_query
        # A main tab's list over the whole book reads each key's search off the window's thread
        # (ui/list_refresh); a dialog's short list reads at once.
        self.reader = ListRefresher(self, self._read, self._show, title="Searching")
        self.search = QLineEdit(placeholderText=placeholder, clearButtonEnabled=True)
        self.search.setObjectName("search")
        self.status = QComboBox()
        self.status.addItem("All statuses", None)
        for status in statuses:
            self.status.addItem(status.replace("_", " ").capitalize(), status)
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
        # (only once it is in the panel: a box without a parent shown is a window of its own, which
        # takes the focus from the main window when a tab is built after the window shows)
        self.status.setVisible(bool(statuses))
        # Each key searches at once: the first page is a few milliseconds of indexed SQL and the
        # count is read once per state of the data (lists.count), so no key waits for a timer.
        self.search.textChanged.connect(
            (lambda _t: self.refresh_soon()) if typing_off_thread else (lambda _t: self.refresh()))
        self.search.returnPressed.connect(self._enter_from_search)
        self.status.currentIndexChanged.connect(lambda _i: self.refresh())
        self.table.doubleClicked.connect(lambda index: self._open(index.row()))
        self.table.activated.connect(lambda index: self._open(index.row()))
        self._rereading = False
        self.table.selectionModel().currentRowChanged.connect(lambda _c, _p: self._chosen())

    def refresh(self) -> None:
        """The list read now (a read typing started is dropped)."""
        self.reader.cancel()
        query = self.make_query(self.search.text(), self.status.currentData())
        self._show(query, self._read(query))

    def refresh_soon(self) -> None:
        """The list read off the window's thread; ``reader.settle()`` waits for it."""
        self.reader.start(self.make_query(self.search.text(), self.status.currentData()))

    def _read(self, query) -> tuple[list, int]:
        """The first page and the count (on either thread: nothing here touches the window)."""
        return lists.page(query, 0, self.model.page_size), lists.count(query)

    def _show(self, query, read: tuple[list, int]) -> None:
        first, counted = read

        def fetch(offset: int, limit: int) -> list:
            if offset == 0 and limit == self.model.page_size:
                return first
            return lists.page(query, offset, limit)

        self.model.set_source(fetch, lambda: counted)
        shown = self.model.total
        self.count_label.setText(f"{shown:,} found" if shown != 1 else "1 found")
        if shown:
            self.table.selectRow(0)

    def reread(self) -> None:
        """The list read again as the database holds it now, the same record still current (or
        none, if it left the list), and ``chosen`` not sent: after a refusal the list shows what
        another workstation saved while the form beside it keeps what the clerk typed."""
        keep = getattr(self.current(), "id", None)
        self._rereading = True
        try:
            self.refresh()
            if not self.select_id(keep):
                self.table.selectionModel().clear()
        finally:
            self._rereading = False

    def select_id(self, record_id: int | None) -> bool:
        """Make the row of record ``record_id`` current; False if the list does not show it."""
        for row in range(self.model.rowCount()):
            found = self.model.row_object(row)
            if record_id is not None and found is not None and found.id == record_id:
                self.table.selectRow(row)
                return True
        return False

    def _chosen(self) -> None:
        if not self._rereading:
            self.chosen.emit(self.current())

    def current(self) -> Any:
        index = self.table.currentIndex()
        return self.model.row_object(index.row()) if index.isValid() else None

    def _enter_from_search(self) -> None:
        self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _open(self, row: int) -> None:
        obj = self.model.row_object(row)
        if obj is not None:
            self.activated.emit(obj)
