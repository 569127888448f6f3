"""Questions the invoice screens ask (confirm, a reason, a file name, a message), behind one
injectable object so tests answer them without clicking modal boxes."""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QWidget


class Prompter:
    """The real one: Qt's standard boxes, parented to the screen that asks."""

    def __init__(self, parent: QWidget | None = None):
        self.parent = parent

    def confirm(self, title: str, text: str) -> bool:
        answer = QMessageBox.question(self.parent, title, text)
        return answer == QMessageBox.StandardButton.Yes

    def ask_text(self, title: str, label: str) -> str | None:
        text, ok = QInputDialog.getText(self.parent, title, label)
        return text if ok else None

    def save_file(self, title: str, suggested: str, filters: str) -> str | None:
        path, _ = QFileDialog.getSaveFileName(self.parent, title, suggested, filters)
        return path or None

    def open_file(self, title: str, filters: str) -> str | None:
        path, _ = QFileDialog.getOpenFileName(self.parent, title, "", filters)
        return path or None

    def choose_printer(self) -> str | None:
        """The printer picked in the print dialog ("" for the default), None if cancelled."""
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter()
        if QPrintDialog(printer, self.parent).exec() != QPrintDialog.DialogCode.Accepted:
            return None
        return printer.printerName()

    def info(self, title: str, text: str) -> None:
        QMessageBox.information(self.parent, title, text)

    def error(self, title: str, text: str) -> None:
        QMessageBox.warning(self.parent, title, text)


class ScriptedPrompter:
    """For tests: answers from a list, and remembers every question and message."""

    def __init__(self, *answers):
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

    def choose_printer(self):
        return self._next("printer", "Print", "choose a printer")

    def info(self, title, text):
        self.asked.append(("info", f"{title}: {text}"))

    def error(self, title, text):
        self.asked.append(("error", f"{title}: {text}"))
