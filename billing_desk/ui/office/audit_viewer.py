"""The supervisor's audit trail viewer: filter by dates, user, account and action; export."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import cast

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from ...errors import BillingError
from ...printing.report import Column as ReportColumn, Group, Report
from ...services.office import audit
from ...services.office.permissions import require
from ...services.office.transactions import in_transaction
from ..prompts import Prompter
from ..table_model import Column, PagedTableModel
from ..work import BackgroundJob, run_in_background

COLUMNS = [
    Column("#", lambda e: e.id, width=60),
    Column("When", lambda e: e.at, width=130),
    Column("User", lambda e: e.username, width=80),
    Column("Action", lambda e: e.action, width=110),
    Column("Record", lambda e: f"{e.table} {e.record_id}" if e.record_id else e.table, width=110),
    Column("Account", lambda e: getattr(e, "account_number", None), width=80),
    Column("What", lambda e: e.summary, width=260),
    Column("Changes", lambda e: audit.describe_changes(e), width=300),
]
EXPORT_LIMIT = 100_000


class AuditViewer(QDialog):
    def __init__(self, by, parent=None, *, prompter: Prompter | None = None):
        require(by, "view_audit")
        super().__init__(parent)
        self.by = by
        self.prompter = prompter or Prompter(self)
        self.setWindowTitle("Audit trail")
        today = QDate.currentDate()
        self.use_dates = QCheckBox("&Dates from")
        self.start = QDateEdit(today.addDays(-30), calendarPopup=True, objectName="from")
        self.end = QDateEdit(today, calendarPopup=True, objectName="to")
        for box in (self.start, self.end):
            box.setDisplayFormat("MM/dd/yyyy")
            box.dateChanged.connect(lambda _d: self.refresh() if self.use_dates.isChecked() else None)
        self.user = QComboBox(objectName="user")
        self.user.addItem("Everyone", "")
        for name in audit.usernames():
            self.user.addItem(name, name)
        self.action = QComboBox(objectName="action")
        self.action.addItem("Every action", "")
        for name in audit.actions():
            self.action.addItem(name, name)
        self.account = QLineEdit(objectName="account", placeholderText="account number")
        self.model = PagedTableModel(COLUMNS, page_size=200, parent=self)
        self.table = self._table()
        self.count = QLabel()
        self.status = QLabel(wordWrap=True)
        buttons = QHBoxLayout()
        for text, slot in (("&Find", self.refresh), ("&Verify chain", self.verify),
                           ("E&xport to Excel…", self.export), ("Close", self.accept)):
            button = QPushButton(text)
            button.setAutoDefault(False)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.insertStretch(3, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(self._filters())
        layout.addWidget(self.count)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self.account.returnPressed.connect(self.refresh)
        for combo in (self.user, self.action):
            combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.use_dates.toggled.connect(lambda _on: self.refresh())
        self.resize(1100, 600)
        self.refresh()

    def _filters(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(self.use_dates)
        row.addWidget(self.start)
        row.addWidget(QLabel("to"))
        row.addWidget(self.end)
        form = QFormLayout()
        form.addRow("&User", self.user)
        row.addLayout(form)
        form = QFormLayout()
        form.addRow("&Account", self.account)
        row.addLayout(form)
        form = QFormLayout()
        form.addRow("Ac&tion", self.action)
        row.addLayout(form)
        row.addStretch(1)
        return row

    def _table(self) -> QTableView:
        table = QTableView()
        table.setModel(self.model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setAlternatingRowColors(True)
        table.verticalHeader().setVisible(False)
        table.horizontalHeader().setStretchLastSection(True)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for i, column in enumerate(COLUMNS):
            if column.width is not None:
                table.setColumnWidth(i, column.width)
        return table

    def filter(self) -> audit.AuditFilter:
        dates = self.use_dates.isChecked()
        return audit.AuditFilter(start=cast(dt.date, self.start.date().toPython()) if dates else None,
                                 end=cast(dt.date, self.end.date().toPython()) if dates else None,
                                 username=self.user.currentData(), account=self.account.text(),
                                 action=self.action.currentData())

    def refresh(self) -> None:
        try:
            which = self.filter()
            total = audit.count(self.by, which)
        except BillingError as exc:
            self.status.setText(str(exc))
            return
        self.status.clear()
        self.model.set_source(lambda offset, limit: audit.find(self.by, which, offset, limit),
                              lambda: total)
        self.count.setText(f"{total:,} entries" if total != 1 else "1 entry")

    def verify(self) -> BackgroundJob:
        """Walk the whole chain in the background."""
        def said(problems: list[str]) -> None:
            self.status.setText("The chain is whole: no entry was altered, removed or inserted."
                                if not problems else "\n".join(problems))

        self.status.setText("Checking the chain…")
        return run_in_background(self, lambda progress: audit.verify_chain(),
                                 title="Checking the audit trail…", on_done=said,
                                 on_error=self.status.setText)

    def export(self) -> BackgroundJob | None:
        """Up to EXPORT_LIMIT entries to Excel in the background; Cancel leaves no file."""
        name = self.prompter.choose_save_file("Export the audit trail",
                                              str(Path.home() / "audit-trail.xlsx"),
                                              "Excel workbook (*.xlsx)")
        if not name:
            return None
        try:
            which = self.filter()
        except BillingError as exc:
            self.status.setText(str(exc))
            return None
        by = self.by

        def work(progress) -> int:
            report = build_report(audit.find(by, which, 0, EXPORT_LIMIT), which)
            from ...printing.excel import render_xlsx  # openpyxl: read when the first export asks

            render_xlsx(report, Path(name), progress=progress)
            with in_transaction():
                audit.record(by, "export", table="audit_entry",
                             summary=f"audit trail exported to Excel ({report.row_count()} entries)")
            return report.row_count()

        self.status.setText("Exporting…")
        return run_in_background(
            self, work, title="Exporting the audit trail…", cancellable=True, on_error=self.status.setText,
            on_done=lambda count: self.status.setText(f"Exported {count:,} entries to {name}."),
            on_cancel=lambda: self.status.setText("Export cancelled; no file was written."))


def build_report(entries: list, which: audit.AuditFilter) -> Report:
    columns = [ReportColumn("id", "#", "int", total=False), ReportColumn("at", "When"),
               ReportColumn("user", "User", width=1.0), ReportColumn("action", "Action", width=1.0),
               ReportColumn("record", "Record", width=1.2), ReportColumn("summary", "What", width=3),
               ReportColumn("changes", "Changes", width=4)]
    rows = [{"id": e.id, "at": e.at.strftime("%m/%d/%Y %H:%M:%S"), "user": e.username,
             "action": e.action, "record": f"{e.table} {e.record_id or ''}".strip(),
             "summary": e.summary, "changes": audit.describe_changes(e)} for e in entries]
    parameters = [("From", which.start or "the beginning"), ("To", which.end or dt.date.today()),
                  ("User", which.username or "everyone"), ("Account", which.account or "every"),
                  ("Action", which.action or "every")]
    return Report(name="audit-trail", title="Audit trail", parameters=parameters, columns=columns,
                  groups=[Group("", rows)], landscape=True).compute_totals()
