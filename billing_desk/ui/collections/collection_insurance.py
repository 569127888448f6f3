"""Insurance balances unpaid past N days, per payer, with the claims of the chosen payer."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...services.collections import collection_reports as reports
from ...services.office.settings import get_setting
from ..table_model import Column, PagedTableModel

PAYERS = [Column("Payer", lambda r: r.payer, width=200), Column("Phone", lambda r: r.phone, width=110),
          Column("Claims", lambda r: r.claims, width=60), Column("Unpaid", lambda r: r.unpaid, width=100),
          Column("Oldest posted", lambda r: r.oldest, width=100)]
CLAIMS = [Column("Invoice", lambda r: r["invoice"], width=70),
          Column("Account", lambda r: r["account"], width=70),
          Column("Name", lambda r: r["name"], width=160),
          Column("Service", lambda r: r["service_date"], width=90),
          Column("Posted", lambda r: r["posted_on"], width=90), Column("Days", lambda r: r["days"], width=50),
          Column("Unpaid", lambda r: r["unpaid"], width=90)]


def _table(columns) -> tuple[QTableView, PagedTableModel]:
    model = PagedTableModel(columns)
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().setVisible(False)
    view.setAlternatingRowColors(True)
    for i, column in enumerate(columns):
        view.setColumnWidth(i, column.width)
    return view, model


class InsurancePage(QWidget):
    def __init__(self, clock, parent=None):
        super().__init__(parent)
        self.clock = clock
        self.days = QLineEdit(str(get_setting("insurance_unpaid_days")), objectName="days")
        self.days.setMaximumWidth(60)
        self.stale = True  # the lists are read when the page is first shown
        self.claims_read = 0  # how often the chosen payer's claims were read (once per load)
        self.days.returnPressed.connect(self.refresh)
        self.total = QLabel()
        self.payers, self.payer_model = _table(PAYERS)
        self.claims, self.claim_model = _table(CLAIMS)
        top = QHBoxLayout()
        caption = QLabel("Unpaid by insurance &more than")
        caption.setBuddy(self.days)
        top.addWidget(caption)
        top.addWidget(self.days)
        top.addWidget(QLabel("days after posting (Enter to refresh)"))
        top.addStretch(1)
        top.addWidget(self.total)
        split = QSplitter()
        split.addWidget(self.payers)
        split.addWidget(self.claims)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        self.payers.selectionModel().currentRowChanged.connect(lambda _c, _p: self._show_claims())

    def _days(self) -> int:
        text = self.days.text().strip()
        return int(text) if text.isdigit() else int(get_setting("insurance_unpaid_days"))

    def refresh(self) -> None:
        """Read the lists again now when the page shows, else when it is next shown: the
        Collections tab refreshes on every switch and search, and this page's lists are its own."""
        self.stale = True
        if self.isVisible():
            self._load()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if getattr(self, "stale", True):
            self._load()

    def _load(self) -> None:
        self.stale = False
        rows = reports.insurance_unpaid(days=self._days(), today=self.clock())
        self.payer_model.set_source(lambda o, n: rows[o:o + n], lambda: len(rows))
        self.total.setText(f"{len(rows)} payer(s) · {sum(r.claims for r in rows)} claim(s)")
        shown = self.claims_read
        if rows:
            self.payers.selectRow(0)  # shows the first payer's claims (currentRowChanged)
        if self.claims_read == shown:  # the list was empty, or the row was current already
            self._show_claims()

    def _show_claims(self) -> None:
        self.claims_read += 1
        index = self.payers.currentIndex()
        payer = self.payer_model.row_object(index.row()) if index.isValid() else None
        claims = reports.insurance_unpaid_claims(payer.payer_id, days=self._days(), today=self.clock()) \
            if payer else []
        self.claim_model.set_source(lambda o, n: claims[o:o + n], lambda: len(claims))
