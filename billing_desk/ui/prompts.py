"""Every modal question the screens ask, behind one injectable object: the only way to a dialog.

Screens are handed a ``Prompter`` (the main window's, or one the caller passes) and call it; the
real one shows Qt's standard boxes. Tests pass a ``ScriptedPrompter`` (or a fake with the same
methods) that answers from a list, so no test ever clicks a modal box. Nothing else in ui/ calls
QMessageBox, QFileDialog or QInputDialog (tests/test_architecture.py checks).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
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

    # --- telling ----------------------------------------------------------------------------
    def inform(self, title: str, text: str) -> None:
        QMessageBox.information(self.parent, title, text)

    def warn(self, title: str, text: str) -> None:
        QMessageBox.warning(self.parent, title, text)

    # --- asking -----------------------------------------------------------------------------
    def confirm(self, title: str, text: str, *, default_no: bool = False) -> bool:
        """Yes or No. ``default_no`` for anything that throws work away: Enter answers No."""
        buttons = QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
        default = QMessageBox.StandardButton.No if default_no else QMessageBox.StandardButton.Yes
        answer = QMessageBox.question(self.parent, title, text, buttons, default)
        return answer == QMessageBox.StandardButton.Yes

    def ask_text(self, title: str, label: str, text: str = "") -> str | None:
        answer, ok = QInputDialog.getText(self.parent, title, label, QLineEdit.EchoMode.Normal, text)
        return answer if ok else None

    def ask_password(self, title: str, label: str) -> str | None:
        answer, ok = QInputDialog.getText(self.parent, title, label, QLineEdit.EchoMode.Password)
        return answer if ok else None

    def ask_choice(self, title: str, label: str, options: list[str], current: int = 0) -> str | None:
        answer, ok = QInputDialog.getItem(self.parent, title, label, options, current, False)
        return answer if ok else None

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

    # --- files, folders, printers --------------------------------------------------------------
    def choose_open_file(self, title: str, filters: str, start: str = "") -> str | None:
        path, _ = QFileDialog.getOpenFileName(self.parent, title, str(start), filters)
        return path or None

    def choose_save_file(self, title: str, suggested: str, filters: str) -> str | None:
        """A save dialog; a bare file name is suggested in the office's documents folder."""
        path, _ = QFileDialog.getSaveFileName(self.parent, title, suggested_path(suggested), filters)
        return path or None

    def choose_folder(self, title: str, start: str = "") -> str | None:
        return QFileDialog.getExistingDirectory(self.parent, title, str(start)) or None

    def choose_printer(self, current: str | None = None) -> str | None:
        """The printer picked in the print dialog ("" for the default), None if cancelled."""
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        if current:
            printer.setPrinterName(current)
        if QPrintDialog(printer, self.parent).exec() != QDialog.DialogCode.Accepted:
            return None
        return printer.printerName() or ""

    # --- the program's own dialogs -----------------------------------------------------------
    def run(self, dialog: QDialog) -> bool:
        """Show one of the program's own modal dialogs; True if it was accepted."""
        return dialog.exec() == QDialog.DialogCode.Accepted


class ScriptedPrompter(Prompter):
    """For tests: answers from a list, and remembers every question and message."""

    def __init__(self, *answers):
        super().__init__(None)
        self.answers = list(answers)
        self.asked: list[tuple[str, str]] = []
        self.no_by_default: list[bool] = []  # confirm's default_no, question by question
        self.filled: list[str] = []  # the text each ask_text opened with

    def _next(self, kind, title, text):
        self.asked.append((kind, f"{title}: {text}"))
        return self.answers.pop(0) if self.answers else None

    def inform(self, title, text):
        self.asked.append(("info", f"{title}: {text}"))

    def warn(self, title, text):
        self.asked.append(("warn", f"{title}: {text}"))

    def confirm(self, title, text, *, default_no=False):
        self.no_by_default.append(default_no)
        return bool(self._next("confirm", title, text))

    def ask_text(self, title, label, text=""):
        self.filled.append(text)
        return self._next("ask", title, label)

    def ask_password(self, title, label):
        return self._next("password", title, label)

    def ask_choice(self, title, label, options, current=0):
        return self._next("choice", title, label)

    def ask_date(self, title, label, default):
        return self._next("date", title, label)

    def choose_open_file(self, title, filters, start=""):
        return self._next("open", title, filters)

    def choose_save_file(self, title, suggested, filters):
        return self._next("save", title, suggested)

    def choose_folder(self, title, start=""):
        return self._next("folder", title, str(start))

    def choose_printer(self, current=None):
        return self._next("printer", "Print", "choose a printer")

    def run(self, dialog):
        return bool(self._next("dialog", dialog.windowTitle(), ""))


def suggested_path(suggested: str) -> str:
    """``suggested`` as given when it names a folder, else inside the office's documents folder
    (setting ``office_documents_folder``; empty: Documents/Billing Desk)."""
    from ..paths import documents_dir
    from ..services.office.settings import get_setting

    if Path(str(suggested)).parent != Path("."):
        return str(suggested)
    try:
        chosen = str(get_setting("office_documents_folder") or "")
    except Exception:  # no database open (yet): the default folder
        chosen = ""
    return str(documents_dir(chosen) / str(suggested))
