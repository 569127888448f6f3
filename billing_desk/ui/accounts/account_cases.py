"""Cases on one account (a query or an issue: notes, who holds it, status, resolution)."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...choices import CASE_KINDS
from ...errors import BillingError
from ...services.accounts import cases
from ..refusals import KeptAnswers
from ..table_model import Column, PagedTableModel, table_view

CASE_COLUMNS = [
    Column("Opened", lambda c: c.created_at, width=120),
    Column("Kind", lambda c: c.kind, width=60),
    Column("Subject", lambda c: c.subject, width=260),
    Column("Status", lambda c: c.status, width=70),
    Column("Held by", lambda c: c.held_by.username if c.held_by_id else "", width=80),
    Column("Resolution", lambda c: c.resolution, width=200),
]


def static_model(columns, rows: list, parent) -> PagedTableModel:
    model = PagedTableModel(columns, parent=parent)
    model.set_source(lambda offset, limit: rows[offset:offset + limit], lambda: len(rows))
    return model


class CasesPanel(QWidget):
    """The cases of one account: open a case, add notes, set waiting, resolve, reopen."""

    def __init__(self, session, prompter, parent=None):
        super().__init__(parent)
        self.session, self.prompter = session, prompter
        self.account_id: int | None = None
        self.kept = KeptAnswers()  # a reopening's reason refused, offered again
        self.model = static_model(CASE_COLUMNS, [], self)
        self.table = table_view(self.model)
        self.notes = QLabel(wordWrap=True, objectName="case-notes")
        self.notes.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.subject = QLineEdit(placeholderText="What is the query or issue?", objectName="case-subject")
        self.kind = QComboBox(objectName="case-kind")
        for kind in CASE_KINDS:
            self.kind.addItem(kind, kind)
        self.first_note = QLineEdit(placeholderText="First note (optional)", objectName="case-first-note")
        self.note = QLineEdit(placeholderText="Add a note to the selected case", objectName="case-note")
        self.note_status = QComboBox(objectName="case-note-status")
        for status in ("open", "waiting"):
            self.note_status.addItem(f"then {status}", status)
        self.resolution = QLineEdit(placeholderText="How it was resolved", objectName="case-resolution")
        self.message = QLabel(objectName="case-message", wordWrap=True)  # long refusals wrap
        self.message.setStyleSheet("color: #b00020")
        grid = QGridLayout()
        grid.addWidget(QLabel("New case:"), 0, 0)
        grid.addWidget(self.kind, 0, 1)
        grid.addWidget(self.subject, 0, 2)
        grid.addWidget(self.first_note, 0, 3)
        grid.addWidget(self._button("Open case", self.open_case), 0, 4)
        grid.addWidget(QLabel("Note:"), 1, 0)
        grid.addWidget(self.note_status, 1, 1)
        grid.addWidget(self.note, 1, 2, 1, 2)
        grid.addWidget(self._button("Add note", self.add_note), 1, 4)
        grid.addWidget(QLabel("Resolve:"), 2, 0)
        grid.addWidget(self.resolution, 2, 2, 1, 2)
        grid.addWidget(self._button("Resolve", self.resolve), 2, 4)
        grid.addWidget(self._button("Reopen…", self.reopen), 2, 1)
        grid.setColumnStretch(2, 2)
        grid.setColumnStretch(3, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 2)
        layout.addWidget(self.notes, 1)
        layout.addLayout(grid)
        layout.addWidget(self.message)
        self.subject.returnPressed.connect(self.first_note.setFocus)
        self.first_note.returnPressed.connect(self.open_case)
        self.note.returnPressed.connect(self.add_note)
        self.resolution.returnPressed.connect(self.resolve)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_notes())

    def _button(self, text: str, slot) -> QPushButton:
        button = QPushButton(text)
        button.clicked.connect(slot)
        return button

    def show_account(self, account_id: int, select_case: int | None = None) -> None:
        self.account_id = account_id
        rows = cases.account_cases(account_id)
        self.model = static_model(CASE_COLUMNS, rows, self)
        self.table.setModel(self.model)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_notes())
        row = next((i for i, c in enumerate(rows) if c.id == select_case), 0)
        if rows:
            self.table.selectRow(row)
        self._show_notes()

    def current(self):
        index = self.table.currentIndex()
        return self.model.row_object(index.row()) if index.isValid() else None

    def _show_notes(self) -> None:
        case = self.current()
        if case is None:
            self.notes.setText("No cases on this account." if self.model.total == 0 else "")
            return
        lines = [f"<b>{escape(case.subject)}</b> — {case.kind}, {case.status}"]
        lines += [f"{n.created_at:%m/%d/%Y %H:%M} {escape(n.by.username)}: {escape(n.text)}"
                  for n in cases.case_notes(case.id)]
        if case.resolution:
            lines.append(f"<i>Resolved: {escape(case.resolution)}</i>")
        self.notes.setText("<br>".join(lines))

    def _run(self, work, clear: QLineEdit | None = None, select=None, *,
             asked: tuple[str, int, str] | None = None) -> None:
        """Do ``work``; ``asked``: (the question, the case, the answer typed into it)."""
        assert self.account_id is not None  # actions run on the account shown
        shown = self.current()
        try:
            result = work()
        except BillingError as exc:  # the cases as they are now; the boxes and the answer kept
            self.show_account(self.account_id, shown.id if shown is not None else None)
            self.message.setText(self.kept.refused(asked[0], [asked[1]], asked[2], exc) if asked
                                 else str(exc))
            return
        if asked:
            self.kept.went_in(asked[0], [asked[1]])
        self.message.setText("")
        if clear is not None:
            clear.clear()
        self.show_account(self.account_id, select or getattr(result, "id", None))

    def open_case(self) -> None:
        if self.account_id is None:
            return
        self._run(lambda: cases.open_case(self.account_id, self.subject.text(), self.session.user,
                                          kind=self.kind.currentData(), note=self.first_note.text()),
                  self.subject)
        if not self.message.text():
            self.first_note.clear()

    def add_note(self) -> None:
        case = self.current()
        if case is None:
            self.message.setText("Select a case first.")
            return
        shown = cases.case_version(case)  # the case as the list showed it
        self._run(lambda: cases.add_note(case.id, self.note.text(), self.session.user,
                                         status=self.note_status.currentData(), loaded_as=shown),
                  self.note, case.id)

    def resolve(self) -> None:
        case = self.current()
        if case is None:
            self.message.setText("Select a case first.")
            return
        shown = cases.case_version(case)  # the case as the list showed it
        self._run(lambda: cases.resolve_case(case.id, self.resolution.text(), self.session.user,
                                             loaded_as=shown), self.resolution)

    def reopen(self) -> None:
        case = self.current()
        if case is None:
            return
        shown = cases.case_version(case)  # the case as the list showed it
        reason = self.kept.ask(self.prompter, "Reopen case", "Why is the case reopened?", [case.id])
        if reason is not None:
            self._run(lambda: cases.reopen_case(case.id, reason, self.session.user, loaded_as=shown),
                      asked=("Reopen case", case.id, reason))
