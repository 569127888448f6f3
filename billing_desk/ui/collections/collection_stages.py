"""The office's dunning ladder: each rung's name, days past due, action and letter template.

Insert adds a rung, Ctrl+Delete removes one, Ctrl+S saves the whole ladder (a supervisor),
Esc cancels (asking first when something changed). Problems name the row and the column.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from ...errors import BillingError, StaleRecordError
from ...services.collections import worklist as col
from ..prompts import Prompter

HEADERS = ["Stage", "Days past due", "Action (letter/agency)", "Letter template"]
ID_ROLE = Qt.ItemDataRole.UserRole + 10


class StageLadderDialog(QDialog):
    saved = Signal()

    def __init__(self, user, parent=None, prompter: Prompter | None = None):
        super().__init__(parent)
        self.user = user
        self.setWindowTitle("Collection stages")
        self.prompter = prompter or Prompter(self)
        self.table = QTableWidget(0, len(HEADERS), objectName="stages")
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(True)
        self.loaded_as = col.stages_version()  # read first: a save over a newer ladder is refused
        for stage in col.stages():
            self.add_row(stage.name, str(stage.days_past_due), stage.action, stage.letter_template, stage.id)
        self.table.resizeColumnsToContents()
        self.table.setColumnWidth(3, 460)
        self.changed = False
        self.table.itemChanged.connect(lambda _i: setattr(self, "changed", True))
        help_text = ("Placeholders for the letter: " + ", ".join("{" + p + "}" for p in col.PLACEHOLDERS)
                     + ". Insert adds a stage, Ctrl+Delete removes it, Ctrl+S saves.")
        hint = QLabel(help_text, wordWrap=True)
        self.error = QLabel(wordWrap=True)
        self.error.setStyleSheet("color: #b00020")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save)
        QShortcut(QKeySequence(Qt.Key.Key_Insert), self, activated=lambda: self.add_row("", "", "letter", ""))
        QShortcut(QKeySequence("Ctrl+Delete"), self, activated=self.remove_row)
        self.resize(900, 340)

    def add_row(self, name: str, days: str, action: str, template: str, stage_id: int | None = None) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        for column, text in enumerate((name, days, action, template)):
            item = QTableWidgetItem(text)
            if column == 0:
                item.setData(ID_ROLE, stage_id)
            self.table.setItem(row, column, item)
        self.table.setCurrentCell(row, 0)
        self.changed = True

    def remove_row(self) -> None:
        if self.table.currentRow() >= 0:
            self.table.removeRow(self.table.currentRow())
            self.changed = True

    def rows(self) -> list[col.StageInput]:
        def text(r, c):
            item = self.table.item(r, c)
            return item.text().strip() if item else ""

        def stage_id(r):
            item = self.table.item(r, 0)
            return item.data(ID_ROLE) if item else None

        return [col.StageInput(text(r, 0), text(r, 1), text(r, 3), text(r, 2) or "letter", stage_id(r))
                for r in range(self.table.rowCount())]

    def save(self) -> None:
        try:
            col.save_stages(self.rows(), self.user, loaded_as=self.loaded_as)
        except StaleRecordError as exc:  # the rows typed stay; the ladder the office has now, said
            now = ", ".join(f"{s.name} ({s.days_past_due} days, {s.action})" for s in col.stages())
            self.error.setText(f"{exc}\nThe office's stages now: {now or 'none'}.")
            return
        except BillingError as exc:
            self.error.setText(str(exc).replace("; ", "\n"))
            return
        self.changed = False
        self.saved.emit()
        self.accept()

    def reject(self) -> None:
        if self.changed and not self.prompter.confirm("Collection stages", "Discard the changes to "
                                                      "the stages?", default_no=True):
            return
        super().reject()
