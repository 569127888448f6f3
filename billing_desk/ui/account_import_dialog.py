"""Import accounts from Excel or CSV: choose the file, map columns, preview bad rows, import."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QApplication, QComboBox, QDialog, QFormLayout, QHBoxLayout, QLabel,
                               QLineEdit, QPushButton, QScrollArea, QVBoxLayout, QWidget)

from ..errors import BillingError
from ..services import account_import, importing
from .account_cases import static_model, table_view
from .table_model import Column

BAD_COLUMNS = [
    Column("Row", lambda p: p.row, width=50),
    Column("Column", lambda p: p.field, width=140),
    Column("Why", lambda p: p.message, width=420),
]
NOT_IN_FILE = "(not in the file)"


class AccountImportDialog(QDialog):
    """Nothing is saved until Import; the mapping is remembered for next time."""

    def __init__(self, session, prompter, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Import accounts from Excel or CSV")
        self.resize(900, 640)
        self.session, self.prompter = session, prompter
        self.table: importing.Table | None = None
        self.result: importing.Preview | None = None
        self.imported: list = []
        self.path = QLineEdit(objectName="import-path", placeholderText="the .xlsx or .csv file")
        browse = QPushButton("&Choose file…")
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
        close = QPushButton("Close")
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
        buttons = QHBoxLayout()
        for button in (self.check_button, self.all_button, self.good_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(middle, 1)
        layout.addLayout(buttons)
        self._enable()

    def choose_file(self) -> None:
        path = self.prompter.open_path("Import accounts", "Spreadsheets (*.xlsx *.csv);;All files (*)")
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

    def check(self) -> importing.Preview | None:
        if self.table is None:
            return None
        problems = importing.check_mapping(self.mapping(), self.table.headers, account_import.TARGETS)
        if problems:
            self.summary.setText("<span style='color:#b00020'>" + "; ".join(
                p.message for p in problems) + "</span>")
            return None

        def progress(done, total):
            self.summary.setText(f"Checking row {done:,} of {total:,}…")
            QApplication.processEvents()

        self.result = account_import.preview_accounts(self.table, self.mapping(), progress)
        self.bad_view.setModel(static_model(BAD_COLUMNS, self.result.bad, self))
        good, bad = len(self.result.good), len(self.result.bad_rows)
        self.summary.setText(f"{good:,} good row(s), {bad:,} bad row(s)." +
                             (" Fix the file and choose it again, or import only the good rows."
                              if bad else " Ready to import."))
        self._enable()
        return self.result

    def run_import(self, skip_bad: bool) -> list:
        if self.result is None and self.check() is None:
            return []
        def progress(done, total):
            self.summary.setText(f"Saving account {done:,} of {total:,}…")
            QApplication.processEvents()

        try:
            self.imported = account_import.import_accounts(self.result, self.session.user,
                                                           skip_bad=skip_bad, progress=progress)
        except BillingError as exc:
            self.summary.setText(f"<span style='color:#b00020'>Nothing imported: {exc}</span>")
            return []
        importing.remember_mapping(account_import.KIND, self.mapping())
        self.summary.setText(f"Imported {len(self.imported):,} account(s); they wait for approval.")
        self.result = None
        self._enable()
        return self.imported

    def _enable(self) -> None:
        loaded = self.table is not None
        checked = self.result is not None
        self.check_button.setEnabled(loaded)
        self.all_button.setEnabled(loaded and (not checked or not self.result.bad))
        self.good_button.setEnabled(checked and bool(self.result.good) and bool(self.result.bad))
        self.check_button.setDefault(loaded and not checked)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
