"""Import accounts from Excel or CSV: choose the file, map columns, preview bad rows, import.

Checking and saving run in the background (``ui/work.py``: its own thread and database
connection) behind the dialog's progress bar and Cancel, so the window never freezes. The save is
one transaction: Cancel before it commits imports nothing; once the commit has begun, Cancel says
it is too late.
"""

from __future__ import annotations

import threading
from html import escape
from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ...errors import BillingError
from ...exchange import importing
from ...field_names import words
from ...services.accounts import account_import
from ..table_model import Column, table_view
from ..work import BackgroundJob, Cancelled, run_in_background
from .account_cases import static_model

BAD_COLUMNS = [
    Column("Row", lambda p: p.row, width=50),
    Column("Column", lambda p: words(p.field), width=140),  # the file's header, or the field's name
    Column("Why", lambda p: p.message, width=420),
]
NOT_IN_FILE = "(not in the file)"
RED = "<span style='color:#b00020'>{}</span>"


class AccountImportDialog(QDialog):
    """Nothing is saved until Import; the mapping is remembered for next time."""

    result: importing.Preview | None  # type: ignore[assignment]  # shadows QDialog.result(), unused here

    def __init__(self, session, prompter, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Import accounts from Excel or CSV")
        self.resize(900, 640)
        self.session, self.prompter = session, prompter
        self.table: importing.Table | None = None
        self.result = None
        self.imported: list = []
        self.job: BackgroundJob | None = None
        self._then: Callable[[], object] | None = None  # what runs after a clean check
        self._commit_lock = threading.Lock()
        self._committing = False
        self.path = QLineEdit(objectName="import-path", placeholderText="the .xlsx or .csv file")
        self.browse_button = browse = QPushButton("&Choose file…")
        browse.clicked.connect(self.choose_file)
        self.path.returnPressed.connect(lambda: self.load_file(self.path.text()))
        self.combos: dict[str, QComboBox] = {}
        mapping_box = QWidget()
        self.mapping_form = QFormLayout(mapping_box)
        for target in account_import.TARGETS:
            combo = QComboBox(objectName=f"map-{target.name}")
            combo.currentIndexChanged.connect(lambda _i: self._mapping_changed())
            self.combos[target.name] = combo
            self.mapping_form.addRow(target.label + (" *" if target.required else ""), combo)
        scroll = QScrollArea(widgetResizable=True)
        scroll.setWidget(mapping_box)
        self.summary = QLabel(objectName="import-summary", wordWrap=True)
        self.bad_view = table_view(static_model(BAD_COLUMNS, [], self))
        self.check_button = QPushButton("Chec&k rows")
        self.all_button = QPushButton("Import &all rows")
        self.good_button = QPushButton("Import only the &good rows")
        self.close_button = close = QPushButton("Close")
        self.progress_bar = QProgressBar(objectName="import-progress", visible=False)
        self.cancel_button = QPushButton("Cancel", objectName="import-cancel", visible=False)
        self.cancel_button.setToolTip("Stop checking or saving (Esc); nothing is saved half-way")
        self.cancel_button.clicked.connect(self.cancel)
        self.check_button.clicked.connect(self.check)
        self.all_button.clicked.connect(lambda: self.run_import(skip_bad=False))
        self.good_button.clicked.connect(lambda: self.run_import(skip_bad=True))
        close.clicked.connect(self.reject)
        top = QHBoxLayout()
        top.addWidget(QLabel("File:"))
        top.addWidget(self.path, 1)
        top.addWidget(browse)
        middle = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(QLabel("<b>Columns</b> — which column of the file fills each field"))
        left.addWidget(scroll)
        right = QVBoxLayout()
        right.addWidget(QLabel("<b>Bad rows</b> — row, column and why"))
        right.addWidget(self.bad_view, 1)
        right.addWidget(self.summary)
        middle.addLayout(left, 2)
        middle.addLayout(right, 3)
        working = QHBoxLayout()
        working.addWidget(self.progress_bar, 1)
        working.addWidget(self.cancel_button)
        buttons = QHBoxLayout()
        for button in (self.check_button, self.all_button, self.good_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(middle, 1)
        layout.addLayout(working)
        layout.addLayout(buttons)
        self._enable()

    def choose_file(self) -> None:
        path = self.prompter.choose_open_file("Import accounts", "Spreadsheets (*.xlsx *.csv);;All files (*)")
        if path:
            self.load_file(path)

    def load_file(self, path: str) -> bool:
        """Read the file and match its columns (the remembered mapping first, then by name)."""
        self.path.setText(path)
        self.result = None
        try:
            self.table = importing.read_rows(path)
        except BillingError as exc:
            self.table = None
            self.summary.setText(f"<span style='color:#b00020'>{exc}</span>")
            self._fill_combos([])
            self._enable()
            return False
        headers = self.table.headers
        remembered = {k: v for k, v in importing.remembered_mapping(account_import.KIND).items()
                      if v in headers}
        guessed = importing.guess_mapping(headers, account_import.TARGETS)
        self._fill_combos(headers, {**guessed, **remembered})
        self.summary.setText(f"{len(self.table.rows):,} rows in {self.table.path.name}. Check the "
                             "columns, then Check rows.")
        self._enable()
        return True

    def _fill_combos(self, headers: list[str], mapping: dict[str, str] | None = None) -> None:
        mapping = mapping or {}
        for name, combo in self.combos.items():
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(NOT_IN_FILE, "")
            for header in headers:
                combo.addItem(header, header)
            combo.setCurrentIndex(max(combo.findData(mapping.get(name, "")), 0))
            combo.blockSignals(False)

    def mapping(self) -> dict[str, str]:
        return {name: combo.currentData() for name, combo in self.combos.items() if combo.currentData()}

    def set_column(self, field: str, header: str) -> None:
        combo = self.combos[field]
        combo.setCurrentIndex(max(combo.findData(header), 0))

    def _mapping_changed(self) -> None:
        self.result = None
        self._enable()

    def check(self, then: Callable[[], object] | None = None) -> BackgroundJob | None:
        """Check every row in the worker; ``then`` runs once the check has finished cleanly."""
        if self.table is None or self.job is not None:
            return None
        mapping = self.mapping()
        problems = importing.check_mapping(mapping, self.table.headers, account_import.TARGETS)
        if problems:
            self.summary.setText(RED.format(escape("; ".join(p.message for p in problems))))
            return None
        self.result, self._then, table = None, then, self.table
        return self._start(lambda progress: account_import.preview_accounts(table, mapping, progress),
                           "Checking row", self._checked)

    def _checked(self, result: importing.Preview) -> None:
        self.result = result
        self.bad_view.setModel(static_model(BAD_COLUMNS, result.bad, self))
        good, bad = len(result.good), len(result.bad_rows)
        self.summary.setText(f"{good:,} good row(s), {bad:,} bad row(s)." +
                             (" Fix the file and choose it again, or import only the good rows."
                              if bad else " Ready to import."))

    def run_import(self, skip_bad: bool) -> BackgroundJob | None:
        """Save in the worker (checking first if needed); ``imported`` holds what was saved."""
        if self.job is not None:
            return None
        if self.result is None:
            return self.check(then=lambda: self._save(skip_bad))
        return self._save(skip_bad)

    def _save(self, skip_bad: bool) -> BackgroundJob:
        result, user, mapping = self.result, self.session.user, self.mapping()
        assert result is not None  # saving follows a checked file

        def work(progress):
            return account_import.import_accounts(result, user, skip_bad=skip_bad, progress=progress,
                                                  before_commit=self._point_of_no_return)

        def saved(created: list) -> None:
            self.imported, self.result = created, None
            importing.remember_mapping(account_import.KIND, mapping)
            self.summary.setText(f"Imported {len(created):,} account(s); they wait for approval.")

        self.imported = []
        return self._start(work, "Saving account", saved, failed="Nothing imported: ")

    def _point_of_no_return(self) -> None:  # in the worker, inside the transaction
        with self._commit_lock:
            if self.job is not None and self.job.cancelling:  # (the job runs this)
                raise Cancelled()
            self._committing = True

    # --- the worker -------------------------------------------------------------------------
    def _start(self, work, doing: str, on_done, failed: str = "") -> BackgroundJob:
        self._committing = False
        self.job = job = run_in_background(
            self, work, title=doing, cancellable=True, bar=self.progress_bar, label=self.summary,
            on_done=on_done,
            on_error=lambda message: self.summary.setText(RED.format(escape(failed + message))),
            on_cancel=lambda: self.summary.setText(
                "Cancelled: nothing was imported." if failed else "Checking cancelled."))
        job.ended.connect(lambda: self._finished(job))
        self._enable()
        self.cancel_button.setFocus()  # Esc cancels too
        return job

    def _finished(self, job: BackgroundJob) -> None:
        if self.job is job:
            self.job = None
        then, self._then = self._then, None
        self._enable()
        if then is not None and self.result is not None:
            then()  # Import all on a file with bad rows says which rows and imports nothing

    def cancel(self) -> None:
        """Stop the check or the save; once the save is committing it finishes instead."""
        if self.job is None:
            return
        with self._commit_lock:
            if self._committing:
                self.summary.setText("Too late to cancel: the accounts are being saved.")
                return
            self.job.cancel()
        self._then = None
        self.summary.setText("Cancelling…")

    def reject(self) -> None:  # Esc and Close: cancel running work first, close when idle
        if self.job is not None:
            self.cancel()
            return
        super().reject()

    def done(self, result: int) -> None:
        if self.job is not None:
            self.cancel()
            self.job.wait()
        super().done(result)

    def _enable(self) -> None:
        busy = self.job is not None
        loaded = self.table is not None and not busy
        checked = self.result is not None and not busy
        for widget in (self.path, self.browse_button, self.close_button, *self.combos.values()):
            widget.setEnabled(not busy)
        self.progress_bar.setVisible(busy)
        self.cancel_button.setVisible(busy)
        self.cancel_button.setEnabled(busy)
        self.check_button.setEnabled(loaded)
        good = self.result is not None and bool(self.result.good)
        bad = self.result is not None and bool(self.result.bad)
        self.all_button.setEnabled(loaded and (not checked or not bad))
        self.good_button.setEnabled(checked and good and bad)
        self.check_button.setDefault(loaded and not checked)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
