"""The unfilled orders report on screen, and the same report as PDF, Excel and on the printer."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...errors import BillingError
from ...money import ZERO, format_money
from ...printing.office import OfficeInfo, office_from
from ...printing.order_docs import unfilled_report
from ...services.office.settings import office_details
from ...services.office.validation import parse_date
from ...services.orders import unfilled
from ..reports.report_model import ReportTableModel
from ..work import BackgroundJob, run_in_background

#: Widest a text column starts (the clerk may widen it); numbers and dates fit their contents.
TEXT_WIDTH = 190


class UnfilledView(QWidget):
    closed = Signal()

    def __init__(self, prompts, parent=None):
        super().__init__(parent)
        self.prompts = prompts
        self.rows: list[dict] = []
        self.job: BackgroundJob | None = None  # the last export or print, in the background
        self.as_of = QLineEdit(dt.date.today().strftime("%m/%d/%Y"))
        self.as_of.setObjectName("as_of")
        self.as_of.setMaximumWidth(110)
        self.as_of.returnPressed.connect(self.refresh)
        self.group_by = QComboBox()
        self.group_by.addItem("Grouped by client", "client")
        self.group_by.addItem("Grouped by item", "item")
        self.group_by.currentIndexChanged.connect(lambda _i: self.refresh())
        self.model = ReportTableModel(self)  # the report itself: headings, subtotals, total
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.totals = QLabel()
        self.totals.setObjectName("totals")
        top = QHBoxLayout()
        top.addWidget(QLabel("<b>Unfilled orders</b> as of"))
        top.addWidget(self.as_of)
        top.addWidget(self.group_by)
        top.addStretch(1)
        for text, slot in (("Export &PDF…", self.export_pdf), ("Export &Excel…", self.export_xlsx),
                           ("Prin&t", self.print_report), ("&Back to orders", self.closed.emit)):
            button = QPushButton(text)
            button.clicked.connect(lambda _c=False, s=slot: s())
            top.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.totals)

    def day(self) -> dt.date:
        day, problem = parse_date(self.as_of.text(), "as of", required=True)
        if problem or day is None:  # (required=True: no problem means a date)
            raise BillingError(str(problem))
        return day

    def refresh(self) -> None:
        try:
            day = self.day()
        except BillingError as exc:
            self.totals.setText(str(exc))
            return
        self.rows = unfilled.unfilled_rows(day, self.group_by.currentData())
        rows = self.rows
        self.model.set_report(unfilled_report(rows, day, self.group_by.currentData()))
        self._fit_columns()
        value = sum((r["open_value"] for r in rows), ZERO)
        self.totals.setText(f"{len(rows)} open lines on {len({r['order'] for r in rows})} orders · "
                            f"open quantity {sum(r['open'] for r in rows):,} · open value "
                            f"{format_money(value)}")

    def _fit_columns(self) -> None:
        """Every column in view at the window's size: contents decide, text columns capped."""
        report = self.model.report
        if report is None:
            return
        self.table.resizeColumnsToContents()
        for i, column in enumerate(report.columns):
            if column.kind == "text":
                self.table.setColumnWidth(i, min(self.table.columnWidth(i), TEXT_WIDTH))

    def report(self):
        return unfilled_report(self.rows, self.day(), self.group_by.currentData())

    def _office(self) -> OfficeInfo:
        return office_from(office_details())

    def export_pdf(self, path: str | None = None) -> str | None:
        """Write the PDF in the background; returns the path it is being written to."""
        from ...printing.pdf import render_pdf

        path = path or self.prompts.choose_save_file("Unfilled orders as PDF", "unfilled-orders.pdf",
                                              "PDF files (*.pdf)")
        report = self._guard(self.report) if path else None
        if report is None:
            return None
        office = self._office()
        self._in_background("Saving the unfilled orders PDF…",
                            lambda progress: render_pdf(report, path, office, progress=progress))
        return path

    def export_xlsx(self, path: str | None = None) -> str | None:
        """Write the workbook in the background; returns the path it is being written to."""
        from ...printing.excel import render_xlsx

        path = path or self.prompts.choose_save_file("Unfilled orders as Excel", "unfilled-orders.xlsx",
                                              "Excel workbooks (*.xlsx)")
        report = self._guard(self.report) if path else None
        if report is None:
            return None
        self._in_background("Saving the unfilled orders workbook…",
                            lambda progress: render_xlsx(report, path, progress=progress))
        return path

    def print_report(self) -> BackgroundJob | None:
        from ...printing.pdf import render_pdf
        from ...printing.printer import print_pdf

        report = self._guard(self.report)
        if report is None:
            return None
        office = self._office()

        def work(progress):
            with tempfile.TemporaryDirectory() as folder:
                path = str(Path(folder) / "unfilled-orders.pdf")
                render_pdf(report, path, office)
                return print_pdf(path, doc_name="Unfilled orders", progress=progress,
                                 cancelled=lambda: progress.cancelled)

        return self._in_background("Printing the unfilled orders…", work)

    def _in_background(self, title: str, work) -> BackgroundJob:
        def guarded(progress):
            try:
                return work(progress)
            except OSError as exc:
                raise BillingError(str(exc)) from exc

        self.job = run_in_background(self, guarded, title=title, cancellable=True,
                                     on_error=lambda message: self.prompts.warn("Unfilled orders", message))
        return self.job

    def _guard(self, work):
        try:
            return work()
        except (BillingError, OSError) as exc:
            self.prompts.warn("Unfilled orders", str(exc))
            return None
