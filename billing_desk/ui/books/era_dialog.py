"""Import 835…: the remittance file previewed (what will be posted, what cannot be matched, why
it would be refused), then posted whole in the background (services/books/era_import.py)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from ...money import ZERO, format_money
from ...services.books import era_import
from ..prompts import Prompter
from ..work import BackgroundJob, run_in_background
from .invoice_models import RowsModel

HEADERS = ["Payment", "Claim", "Patient", "Status", "Charge", "Paid", "Posted to"]


class EraDialog(QDialog):
    posted = Signal()

    def __init__(self, session, path: str, *, prompter=None, parent=None):
        super().__init__(parent)
        self.session, self.path = session, path
        self.prompter = prompter or Prompter(self)
        self.setWindowTitle(f"Import 835: {path}")
        self.resize(900, 420)
        self.summary = QLabel(wordWrap=True, objectName="era_summary")
        self.model = RowsModel(HEADERS, parent=self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.message = QLabel(wordWrap=True, objectName="era_message")
        self.message.setStyleSheet("color: #b00020")
        self.payer_box = QComboBox(objectName="era_payer")
        self.payer_label = QLabel("Pa&yer the file is from:")
        self.payer_label.setBuddy(self.payer_box)
        self.post_button = QPushButton("&Post the file", autoDefault=False)
        close = QPushButton("Close", autoDefault=False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.payer_label)
        buttons.addWidget(self.payer_box)
        buttons.addStretch(1)
        buttons.addWidget(self.post_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.post_button.clicked.connect(self.post)
        close.clicked.connect(self.reject)
        self.preview = era_import.preview_era(path)
        choices = sorted({name for r in self.preview.remittances for name in r.choices})
        self.payer_box.addItems(["(choose the payer)", *choices])
        self.payer_label.setVisible(bool(choices))
        self.payer_box.setVisible(bool(choices))
        self.payer_box.currentIndexChanged.connect(self._chosen)
        self._fill()

    @property
    def payer(self) -> str:
        """The payer the clerk chose, for a file whose payer id several payers share ('' none)."""
        return self.payer_box.currentText() if self.payer_box.currentIndex() > 0 else ""

    def _chosen(self) -> None:
        self.preview = era_import.preview_era(self.path, payer=self.payer)
        self._fill()

    def _fill(self) -> None:
        rows = []
        for r in self.preview.remittances:
            payment = f"{r.payer} {r.reference} {format_money(r.amount)}"
            for c in r.claims:
                rows.append([payment, c.claim_number, c.patient, c.status, c.charge, c.paid,
                             c.matched or "NOT MATCHED: unmatched worklist, money held unapplied"])
        self.model.set_rows(rows)
        unmatched = sum(len(r.unmatched) for r in self.preview.remittances)
        skipped = sum(1 for r in self.preview.remittances if r.skipped)
        self.summary.setText(f"{len(self.preview.remittances)} payment(s), {len(rows)} claim(s)"
                             + (f"; {unmatched} cannot be matched" if unmatched else "")
                             + (f"; {skipped} already on the books, not posted again" if skipped else ""))
        problems, warnings = self.preview.problems, self.preview.warnings
        self.message.setText("Nothing can be posted: " + "; ".join(problems) if problems
                             else "Please note: " + "; ".join(warnings) if warnings else "")
        self.post_button.setEnabled(not problems)

    def post(self) -> BackgroundJob | None:
        if self.preview.problems:
            return None
        self.post_button.setEnabled(False)
        user, path, payer = self.session.user, self.path, self.payer
        return run_in_background(self, lambda progress: era_import.import_era(path, user, payer=payer),
                                 title="Posting the 835…", on_error=self._failed, on_done=self._done)

    def _failed(self, text: str) -> None:
        self.message.setText(text)

    def _done(self, posted) -> None:
        claims = sum(len(p.claims) for p in posted)
        held = sum((p.held for p in posted), ZERO)
        self.message.setStyleSheet("")
        self.message.setText(f"Posted {len(posted)} payment(s), {claims} claim(s)"
                             + (f"; {format_money(held)} held unapplied on the payer" if held else "")
                             + "".join(f"; {r.skipped}" for r in self.preview.remittances if r.skipped)
                             + "".join(f"; {note}" for p in posted for note in p.notes))
        self.posted.emit()
