"""The remittance reason codes: the CARC (why a payer adjusted a claim) and RARC (its remarks)
values with their short descriptions, which the denial list, the EOB screens and the appeal
letters print. The code values are public and fixed; the office may word the descriptions its
own way, and add a code it meets that is not on the list. Keys only; each change is audited.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
)

from ...errors import BillingError
from ...services.books import remit_codes
from ..prompts import Prompter
from ..refusals import KeptAnswers
from ..table_model import Column, PagedTableModel, table_view

COLUMNS = [
    Column("Kind", lambda c: c.kind, width=55),
    Column("Code", lambda c: c.code, width=60),
    Column("Description (the office's words)", lambda c: c.description, width=560),
]
DESCRIBE = "Change description"
KINDS = {"CARC": "CARC: claim adjustment reason", "RARC": "RARC: remark"}


class RemitCodesDialog(QDialog):
    def __init__(self, session, *, prompter: Prompter | None = None, parent=None):
        super().__init__(parent)
        self.session = session
        self.prompts = prompter or Prompter(self)
        self.kept = KeptAnswers()  # a description refused is offered again
        self.setWindowTitle("Remittance reason codes (CARC and RARC)")
        self.resize(780, 560)
        self.search = QLineEdit(objectName="codes_search", clearButtonEnabled=True,
                                placeholderText="A code (45, N130) or words of the description")
        self.kind = QComboBox(objectName="codes_kind")
        self.kind.addItem("All codes", "")
        for kind, text in KINDS.items():
            self.kind.addItem(text, kind)
        self.model = PagedTableModel(COLUMNS, parent=self)
        self.table = table_view(self.model, stretch=2)
        self.count = QLabel()
        self.message = QLabel(wordWrap=True, objectName="codes_message")
        self._layout()
        self._debounce = QTimer(self, singleShot=True, interval=150)
        self._debounce.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        self.search.returnPressed.connect(self.table.setFocus)
        self.kind.currentIndexChanged.connect(lambda _i: self.refresh())
        self.table.activated.connect(lambda _index: self.change())  # Enter on a code
        QShortcut(QKeySequence.StandardKey.Find, self, lambda: self.search.setFocus())
        self.refresh()
        self.search.setFocus()

    def _layout(self) -> None:
        top = QHBoxLayout()
        caption = QLabel("&Find")
        caption.setBuddy(self.search)
        top.addWidget(caption)
        top.addWidget(self.search, 1)
        kind = QLabel("&Kind")
        kind.setBuddy(self.kind)
        top.addWidget(kind)
        top.addWidget(self.kind)
        top.addWidget(self.count)
        buttons = QHBoxLayout()
        for text, slot in (("&Change description… (Enter)", self.change), ("&Add a code…", self.add)):
            button = QPushButton(text)
            button.clicked.connect(lambda _c=False, s=slot: s())
            buttons.addWidget(button)
        buttons.addStretch(1)
        close = QPushButton("Close (Esc)")
        close.clicked.connect(self.reject)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(QLabel("The code values are the public ones; the descriptions are the "
                                "office's words, printed on the denial list, the EOB and appeal "
                                "letters.", wordWrap=True))
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)

    def refresh(self, keep: tuple[str, str] | None = None) -> None:
        rows = remit_codes.codes(self.kind.currentData() or None, self.search.text())
        self.model.set_source(lambda offset, limit: rows[offset:offset + limit], lambda: len(rows))
        self.count.setText(f"{len(rows)} codes" if len(rows) != 1 else "1 code")
        where = next((i for i, c in enumerate(rows) if keep and (c.kind, c.code) == keep), 0)
        if rows:
            self.table.selectRow(where)

    def current(self):
        index = self.table.currentIndex()
        return self.model.row_object(index.row()) if index.isValid() else None

    def _save(self, kind: str, code: str, description: str | None, loaded_as: str = "", *,
              asked_in: str = DESCRIBE) -> None:
        """Save the description typed into the question ``asked_in``."""
        if not (description and description.strip()):
            return
        asked = [(kind, code.strip().upper())]
        try:
            saved = remit_codes.set_description(kind, code, description, self.session.user,
                                                loaded_as=loaded_as)
        except BillingError as exc:  # the list as the office has it now; the words typed kept
            self.refresh(keep=asked[0])
            self.message.setText(self.kept.refused(asked_in, asked, description, exc))
            return
        self.kept.went_in(asked_in, asked)
        self.message.setText(f"{saved.kind} {saved.code}: {saved.description}")
        self.refresh(keep=(saved.kind, saved.code))
        self.table.setFocus()

    def change(self) -> None:
        row = self.current()
        if row is None:
            self.message.setText("Choose a code first (arrow keys).")
            return
        text = self.kept.ask(self.prompts, DESCRIBE, f"{row.kind} {row.code}: its short description, "
                             "in the office's words:", [(row.kind, row.code)], row.description)
        self._save(row.kind, row.code, text, remit_codes.code_version(row))  # as the list shows it

    def add(self) -> None:
        picked = self.prompts.ask_choice("Add a code", "Which kind of code?", list(KINDS.values()))
        if picked is None:
            return
        kind = next(k for k, text in KINDS.items() if text == picked)
        code = self.prompts.ask_text("Add a code", f"The {kind} code, as the payer sends it "
                                     f"({'e.g. 252' if kind == 'CARC' else 'e.g. N432'}):")
        if not (code and code.strip()):
            return
        said = self.kept.ask(self.prompts, "Add a code", f"{kind} {code.strip().upper()}: its short "
                             "description:", [(kind, code.strip().upper())])
        self._save(kind, code, said, asked_in="Add a code")


def open_codes(parent, session, prompter: Prompter | None = None) -> RemitCodesDialog:
    dialog = RemitCodesDialog(session, prompter=prompter, parent=parent)
    dialog.show()
    return dialog


def install_codes_action(window) -> None:
    """Tools > Remittance reason codes… (Ctrl+Shift+K)."""
    window.add_action("&Tools", "Remittance &reason codes (CARC/RARC)…",
                      lambda: open_codes(window, window.session, window.prompter), "Ctrl+Shift+K",
                      tip="The CARC and RARC codes payers explain their remittances with, in the "
                          "office's words")
