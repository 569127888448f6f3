"""Questions the Accounts tab asks the clerk, behind one object so tests can answer them."""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QInputDialog, QLineEdit, QMessageBox


class Prompter:
    """Modal questions. Tests replace an instance's methods (or the whole object)."""

    def __init__(self, parent=None):
        self.parent = parent

    def ask_text(self, title: str, label: str) -> str | None:
        text, ok = QInputDialog.getText(self.parent, title, label, QLineEdit.EchoMode.Normal)
        return text if ok else None

    def confirm(self, title: str, text: str) -> bool:
        answer = QMessageBox.question(self.parent, title, text)
        return answer == QMessageBox.StandardButton.Yes

    def save_path(self, title: str, suggested: str, filter_text: str) -> str | None:
        path, _ = QFileDialog.getSaveFileName(self.parent, title, suggested, filter_text)
        return path or None

    def open_path(self, title: str, filter_text: str) -> str | None:
        path, _ = QFileDialog.getOpenFileName(self.parent, title, "", filter_text)
        return path or None

    def inform(self, title: str, text: str) -> None:
        QMessageBox.information(self.parent, title, text)

    def warn(self, title: str, text: str) -> None:
        QMessageBox.warning(self.parent, title, text)
