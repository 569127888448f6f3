"""Questions the Reports window asks (file, printer, day), behind one object tests can answer."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDateEdit, QDialog, QDialogButtonBox, QLabel, QVBoxLayout

from .account_prompts import Prompter


class ReportPrompter(Prompter):
    def choose_printer(self, current: str | None) -> str | None:
        """The printer dialog, starting on ``current``; the chosen printer's name, None if cancelled."""
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        if current:
            printer.setPrinterName(current)
        dialog = QPrintDialog(printer, self.parent)
        dialog.setWindowTitle("Print the report")
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return printer.printerName() or ""

    def ask_date(self, title: str, label: str, default: dt.date) -> dt.date | None:
        dialog = QDialog(self.parent)
        dialog.setWindowTitle(title)
        layout = QVBoxLayout(dialog)
        layout.addWidget(QLabel(label, wordWrap=True))
        edit = QDateEdit(QDate(default), calendarPopup=True, displayFormat="MM/dd/yyyy")
        layout.addWidget(edit)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(dialog.accept)
        buttons.rejected.connect(dialog.reject)
        layout.addWidget(buttons)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return edit.date().toPython()
