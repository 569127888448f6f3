"""An insurance payment keyed from a paper EOB: the check once, then claim by claim the allowed,
paid, contractual allowance (computed, editable), patient responsibility and denial reason per
line. Every line of the claim's invoice can be keyed, whatever the estimate said; a line left
alone is not on the EOB. The check is recorded with the first claim posted (all of it held
unapplied on the payer), and each claim posted takes its part from it, through the same
service as an 835 (services/books/remittances.py). The count-down reaches the check total;
closing with money left asks, No by default, and says it stays unapplied on the payer."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from ...errors import BillingError, Problem, ValidationError
from ...money import ZERO, format_money, parse_money
from ...services.books import eob, insurance_money, payments, remittances
from ..field_errors import FieldErrors, check_date_on_leave, error_text, with_error
from ..keys import saving, show_focus
from ..prompts import Prompter
from .invoice_models import RowsModel

HEADERS = ["#", "Code", "Charge", "Insurance owes", "Allowed", "Paid", "Contractual",
           "Patient resp.", "Denial reason"]
ALLOWED, PAID, CONTRACTUAL, PATIENT, DENIAL = 4, 5, 6, 7, 8
INVOICE_PAYER = "(the invoice's payer)"
CAPTIONS = {"payer": "Payer", "reference": "Check / EFT no.", "check_total": "Check total",
            "received_on": "Received on", "invoice": "Invoice (claim)", "allowed": "Allowed",
            "paid": "Paid", "amount": "Paid"}


class EobDialog(QDialog):
    posted = Signal()

    def __init__(self, session, *, prompter=None, parent=None):
        super().__init__(parent)
        self.session = session
        self.prompter = prompter or Prompter(self)
        self.invoice = None
        self.lines = []
        self.applied = ZERO  # paid on the claims already posted from this check
        self.check_id: int | None = None  # the check, once its first claim is posted
        self.claim = None
        self.payer_shown = 0  # the payer box's entry the window put there itself (a claim's payer)
        self.setWindowTitle("Insurance payment (EOB)")
        self.resize(940, 460)
        show_focus(self)
        self._build()

    def _build(self) -> None:
        self.payer = QComboBox(objectName="eob_payer")
        self.payer.addItem(INVOICE_PAYER, None)  # the invoice's payer: the claim loaded tells which
        for payer in payments.active_payers():
            self.payer.addItem(payer.name, payer.id)
        self.check = QLineEdit(objectName="eob_check", placeholderText="check or EFT number")
        self.check_total = QLineEdit(objectName="eob_total", placeholderText="0.00")
        self.received = QLineEdit(dt.date.today().strftime("%m/%d/%Y"), objectName="eob_received")
        self.invoice_number = QLineEdit(objectName="eob_invoice", placeholderText="invoice number, Enter")
        self.model = RowsModel(HEADERS, editable=(ALLOWED, PAID, CONTRACTUAL, PATIENT, DENIAL),
                               on_edit=self._edit, parent=self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.AnyKeyPressed
                                   | QAbstractItemView.EditTrigger.DoubleClicked)
        for column, width in enumerate((30, 70, 85, 100, 85, 85, 85, 95, 200)):
            self.table.setColumnWidth(column, width)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemDelegate().closeEditor.connect(self._editor_closed)
        self.table.installEventFilter(self)  # Enter on a cell not being typed in moves on too
        self.claim_label = QLabel(objectName="eob_claim")
        self.left = QLabel(objectName="eob_left")
        self.left.setStyleSheet("font-weight: bold")
        self.message = QLabel(wordWrap=True)
        self.message.setStyleSheet("color: #b00020")
        self.posted_note = QLabel(objectName="eob_done", wordWrap=True)  # what the last post did
        self.posted_note.setStyleSheet("color: #1b6e20")
        self.post_button = QPushButton("&Post claim (Ctrl+S)", autoDefault=False)
        close = QPushButton("Close", autoDefault=False)
        self.errors = FieldErrors(self.message, CAPTIONS)
        form = QFormLayout()
        for caption, key, box in (("&Payer", "payer", self.payer),
                                  ("&Check / EFT no.", "reference", self.check),
                                  ("Check &total", "check_total", self.check_total),
                                  ("&Received on", "received_on", self.received),
                                  ("&Invoice (claim)", "invoice", self.invoice_number)):
            form.addRow(caption, with_error(box, self.errors.under(key, box)))
        check_date_on_leave(self.received, "received_on", self.errors, not_future=True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.left, 1)
        buttons.addWidget(self.post_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.claim_label)
        layout.addWidget(QLabel("Per line type the allowed and paid amounts; contractual and "
                                "patient responsibility are computed until you type over them."))
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.posted_note)
        layout.addLayout(buttons)
        for this, after in ((self.check, self.check_total), (self.check_total, self.received),
                            (self.received, self.invoice_number)):
            this.returnPressed.connect(after.setFocus)
        self.check_total.textEdited.connect(lambda _t: self._count_down())
        self.invoice_number.returnPressed.connect(self.load_claim)
        self.post_button.clicked.connect(self.post_claim)
        close.clicked.connect(self.reject)
        QShortcut(QKeySequence.StandardKey.Save, self, saving(self.post_claim))
        self._count_down()

    # --- a claim --------------------------------------------------------------------------------
    def load_claim(self) -> None:
        """The claim the EOB answers: the chosen payer's (or, once the check is recorded, its
        payer's) claim on the invoice; with no payer chosen, the invoice's open claim, whichever
        payer it went to (a secondary's EOB answers the secondary's claim), and the payer box
        follows it. The invoice's own (primary) payer never takes the place of the one chosen."""
        chosen = self.payer.currentIndex() != self.payer_shown  # by the clerk, not by the last claim
        payer_id = self.payer.currentData() if self.check_id or chosen else None
        try:
            self.invoice, lines, self.claim = eob.eob_claim(self.invoice_number.text(), payer_id)
        except BillingError as exc:
            self.invoice, self.claim, self.lines = None, None, []
            self.model.set_rows([])
            self.claim_label.clear()
            self.errors.show([Problem("invoice", error_text(exc, CAPTIONS))])
            return
        # A line insurance owes on starts keyed (allowed = what it owes); any other line of the
        # invoice joins the EOB once the clerk types on it.
        self.lines = [{"line": l, "allowed": l.insurance_balance, "paid": ZERO, "contractual": None,
                       "patient": None, "denial": "", "keyed": l.insurance_balance > 0} for l in lines]
        self.errors.clear()
        account = self.invoice.account
        self.claim_label.setText(f"Invoice {self.invoice.number} · {account.number} "
                                 f"{account.display_name} · service "
                                 f"{self.invoice.service_date:%m/%d/%Y} · claim "
                                 f"{self.claim.control_number} to {self.claim.payer.name} "
                                 f"({self.claim.rank})")
        index = self.payer.findData(self.claim.payer_id)
        if index >= 0 and not self.applied:
            self.payer.setCurrentIndex(index)
            self.payer_shown = index
        self._fill()
        self.table.setFocus()
        self.table.setCurrentIndex(self.model.index(0, ALLOWED))

    def _editor_closed(self, _editor, hint) -> None:
        """Enter in a line's cell moves on: allowed, paid, contractual, patient, denial reason,
        then the next line's allowed amount (Tab keeps Qt's own way)."""
        if hint == QAbstractItemDelegate.EndEditHint.SubmitModelCache:
            self._next_cell()

    def eventFilter(self, watched, event) -> bool:
        if watched is self.table and event.type() == QEvent.Type.KeyPress \
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) \
                and self.table.state() != QAbstractItemView.State.EditingState:
            self._next_cell()
            return True
        return super().eventFilter(watched, event)

    def _next_cell(self) -> None:
        current = self.table.currentIndex()
        row, column = current.row(), current.column()
        if column < ALLOWED:
            return
        row, column = (row, column + 1) if column < DENIAL else (row + 1, ALLOWED)
        if row < self.model.rowCount():
            self.table.setCurrentIndex(self.model.index(row, column))

    def _computed(self, row: dict) -> tuple[Decimal, Decimal]:
        line = row["line"]
        contractual = row["contractual"] if row["contractual"] is not None else max(
            line.amount - row["allowed"], ZERO)
        patient = row["patient"] if row["patient"] is not None else row["allowed"] - row["paid"]
        return contractual, patient

    def _fill(self) -> None:
        rows = []
        for row in self.lines:
            line = row["line"]
            contractual, patient = self._computed(row)
            rows.append([line.position, line.code, line.amount, line.insurance_balance,
                         row["allowed"], row["paid"], contractual, patient, row["denial"]])
        self.model.update_rows(rows)
        self._count_down()

    def _edit(self, row: int, column: int, text: str) -> str | None:
        target = self.lines[row]
        target["keyed"] = True
        if column == DENIAL:
            target["denial"] = text.strip()
        else:
            name = {ALLOWED: "allowed", PAID: "paid", CONTRACTUAL: "contractual",
                    PATIENT: "patient"}[column]
            try:
                target[name] = parse_money(text, HEADERS[column]) if text.strip() or name in (
                    "allowed", "paid") else None
            except ValidationError as exc:
                self.message.setText(f"Line {row + 1}: {error_text(exc, CAPTIONS)}")
                return str(exc)
        self.message.clear()
        self._fill()
        return None

    def _count_down(self) -> Decimal | None:
        try:
            total = parse_money(self.check_total.text(), "Check total")
        except ValidationError:
            self.left.setText("Type the check total")
            return None
        typed = sum((row["paid"] for row in self.lines if row["keyed"]), ZERO)
        left = total - self.applied - typed
        self.left.setText(f"Left on the check: {format_money(left)}"
                          + (" — fully applied" if left == 0 else ""))
        return left

    def post_claim(self) -> bool:
        left = self._count_down()
        if left is None or not self.lines:
            self.message.setText("Type the check total and load a claim by its invoice number")
            return False
        if left < 0:
            self.message.setText(f"The lines pay {format_money(-left)} more than is left on the check")
            return False
        remits = [eob.EobLine(line_id=r["line"].id, allowed=r["allowed"], paid=r["paid"],
                              patient_responsibility=r["patient"], contractual=r["contractual"],
                              denial_reason=r["denial"]) for r in self.lines if r["keyed"]]
        if not remits:
            self.message.setText("Type the allowed and paid amounts of the lines this EOB pays")
            return False
        from ...services.office.validation import parse_date

        received, problem = parse_date(self.received.text(), "received_on", required=True,
                                       not_future=True)
        if problem:
            self.errors.show([problem])
            return False
        assert self.claim is not None and self.invoice is not None  # a claim was loaded to post
        if self.payer.currentData() != self.claim.payer_id:
            self.errors.show([Problem("payer", f"the claim loaded is {self.claim.payer.name}'s: choose "
                                               f"{self.claim.payer.name}, or press Enter on the invoice "
                                               "number to load the chosen payer's claim")])
            return False
        try:
            if self.check_id is None:
                self.check_id = insurance_money.receive_check(
                    self.payer.currentData(), "check", self.check.text(), self.check_total.text(),
                    self.session.user, received_on=received).id
            remittance = eob.eob_remittance(self.claim, remits, reference=self.check.text().strip(),
                                            paid_on=received or dt.date.today())
            done = remittances.post_remittance(remittance, self.session.user, into=self.check_id)
        except BillingError as exc:
            self.errors.say(exc)
            return False
        for box in (self.payer, self.check, self.check_total, self.received):
            box.setEnabled(False)  # the check is on the books: its claims follow
        paid = sum((r.paid for r in remits), ZERO)
        self.applied += paid
        # A claim keyed again the same is held, not posted (claim_repeats.py): its words say so.
        held = (f" {format_money(done.held)} of it is held unapplied on {self.payer.currentText()}: "
                "the claim's lines owed less than that." if done.held else "")
        self.posted_note.setStyleSheet("color: #1b6e20" if done.claims else "color: #b00020")
        self.posted_note.setText((f"Posted: invoice {self.invoice.number}, {format_money(paid)} paid by "
                                  f"{self.payer.currentText()} on check {self.check.text().strip()}.{held}"
                                  if done.claims else "Not posted: " + "; ".join(done.notes) + ".")
                                 + " Type the next invoice number.")
        self.lines, self.invoice = [], None
        self.model.set_rows([])
        self.invoice_number.clear()
        self.invoice_number.setFocus()
        self.message.setText("")
        self._count_down()
        self.posted.emit()
        return True

    def reject(self) -> None:
        left = self._count_down()
        if self.check_id is not None and left:
            payer = self.payer.currentText()
            if not self.prompter.confirm(
                    "Check not fully applied",
                    f"{format_money(left)} of check {self.check.text().strip()} is not applied to "
                    f"claims. It will be held as unapplied insurance money on {payer} until it is "
                    "applied or refunded (Claims tab, Unapplied insurance money…, Ctrl+Shift+M). "
                    "Close?", default_no=True):
                return
            try:
                insurance_money.hold_reason(self.check_id, "left when the EOB was keyed",
                                            self.session.user)
            except BillingError as exc:
                self.message.setText(str(exc))
                return
        elif left and (self.lines or self.check.text().strip()) and not self.prompter.confirm(
                "Nothing posted", "Nothing of this check was posted. Close anyway?", default_no=True):
            return
        super().reject()
