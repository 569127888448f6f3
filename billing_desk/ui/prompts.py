"""Every modal question the screens ask, behind one injectable object.

Screens take a ``prompter`` and call it; the real one shows Qt's standard boxes, and tests pass
a ``ScriptedPrompter`` that answers from a list, so no test ever clicks a modal box.
"""

from __future__ import annotations

import datetime as dt
from typing import cast

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)


class Prompter:
    """The real one: Qt's standard boxes, parented to the screen that asks."""

    def __init__(self, parent: QWidget | None = None):
        self.parent = parent

    def confirm(self, title: str, text: str) -> bool:
        answer = QMessageBox.question(self.parent, title, text)
        return answer == QMessageBox.StandardButton.Yes

    def ask_text(self, title: str, label: str) -> str | None:
        text, ok = QInputDialog.getText(self.parent, title, label, QLineEdit.EchoMode.Normal)
        return text if ok else None

    def save_file(self, title: str, suggested: str, filters: str) -> str | None:
        path, _ = QFileDialog.getSaveFileName(self.parent, title, suggested, filters)
        return path or None

    def open_file(self, title: str, filters: str) -> str | None:
        path, _ = QFileDialog.getOpenFileName(self.parent, title, "", filters)
        return path or None

    def choose_printer(self, current: str | None = None) -> str | None:
        """The printer picked in the print dialog ("" for the default), None if cancelled."""
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        if current:
            printer.setPrinterName(current)
        if QPrintDialog(printer, self.parent).exec() != QDialog.DialogCode.Accepted:
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
        return cast(dt.date, edit.date().toPython())

    def info(self, title: str, text: str) -> None:
        QMessageBox.information(self.parent, title, text)

    def error(self, title: str, text: str) -> None:
        QMessageBox.warning(self.parent, title, text)

    def run(self, dialog: QDialog) -> bool:
        return dialog.exec() == QDialog.DialogCode.Accepted

    # The names some screens grew up with.
    def save_path(self, title: str, suggested: str, filters: str) -> str | None:
        return self.save_file(title, suggested, filters)

    def open_path(self, title: str, filters: str) -> str | None:
        return self.open_file(title, filters)

    def inform(self, title: str, text: str) -> None:
        self.info(title, text)

    def warn(self, title: str, text: str) -> None:
        self.error(title, text)


class ScriptedPrompter(Prompter):
    """For tests: answers from a list, and remembers every question and message."""

    def __init__(self, *answers):
        super().__init__(None)
        self.answers = list(answers)
        self.asked: list[tuple[str, str]] = []

    def _next(self, kind, title, text):
        self.asked.append((kind, f"{title}: {text}"))
        return self.answers.pop(0) if self.answers else None

    def confirm(self, title, text):
        return bool(self._next("confirm", title, text))

    def ask_text(self, title, label):
        return self._next("ask", title, label)

    def save_file(self, title, suggested, filters):
        return self._next("save", title, suggested)

    def open_file(self, title, filters):
        return self._next("open", title, filters)

    def choose_printer(self, current=None):
        return self._next("printer", "Print", "choose a printer")

    def ask_date(self, title, label, default):
        return self._next("date", title, label)

    def info(self, title, text):
        self.asked.append(("info", f"{title}: {text}"))

    def error(self, title, text):
        self.asked.append(("error", f"{title}: {text}"))

    def run(self, dialog):
        return bool(self._next("dialog", dialog.windowTitle(), ""))
