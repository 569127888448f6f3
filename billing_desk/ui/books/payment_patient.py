"""A patient's payment: cash, check or card, applied oldest first or to the lines the clerk
chooses; what is left over is kept as credit (used on the next charge, or refunded)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QTableView,
    QVBoxLayout,
)

from ...errors import BillingError, Problem
from ...money import ZERO, format_money, parse_money
from ...services.books import payments
from ..field_errors import FieldErrors, check_date_on_leave, with_error
from ..keys import saving, show_focus
from ..prompts import Prompter
from .invoice_entry import attach_completer
from .invoice_models import RowsModel

HEADERS = ["Invoice", "Service date", "Due", "Code", "Patient owes", "Apply"]
CAPTIONS = {"account": "Account", "amount": "Amount", "method": "Method", "reference": "Reference",
            "received_on": "Received on", "Apply": "Apply"}


def account_labels(text: str) -> list[str]:
    return [f"{a.number} {a.display_name}" for a in payments.accounts_matching(text)]


class PatientPaymentDialog(QDialog):
    posted = Signal(int)  # the payment id
    said = Signal(str)  # "Payment of $205.00 posted to 100148 Allen, Andrew (check 4417)."

    def __init__(self, session, account_id: int | None = None, *, prompter=None, parent=None):
        super().__init__(parent)
        self.session = session
        self.prompter = prompter or Prompter(self)
        self.account_id = None
        self.lines: list = []
        self.chosen: dict[int, Decimal] = {}
        self.setWindowTitle("Patient payment")
        self.resize(760, 480)
        show_focus(self)
        self._build()
        if account_id:
            account = payments.get_account(account_id)
            self.account.setText(f"{account.number} {account.display_name}")
            self._load_account()

    def _build(self) -> None:
        self.account = QLineEdit(objectName="pay_account", placeholderText="Account number or name")
        self.amount = QLineEdit(objectName="pay_amount", placeholderText="0.00")
        self.method = QComboBox(objectName="pay_method")
        for method in ("cash", "check", "card"):
            self.method.addItem(method.capitalize(), method)
        self.reference = QLineEdit(objectName="pay_reference", placeholderText="check no. / card slip")
        self.received = QLineEdit(dt.date.today().strftime("%m/%d/%Y"), objectName="pay_received")
        self.oldest = QRadioButton("&Oldest open items first", checked=True)
        self.choose = QRadioButton("C&hosen lines (type in Apply)")
        self.model = RowsModel(HEADERS, editable=(5,), on_edit=self._edit, parent=self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.AnyKeyPressed
                                   | QAbstractItemView.EditTrigger.DoubleClicked)
        self.table.horizontalHeader().setStretchLastSection(True)  # Apply reaches the right edge
        self.summary = QLabel(objectName="pay_summary")
        self.message = QLabel(wordWrap=True)
        self.message.setStyleSheet("color: #b00020")
        self.post_button = QPushButton("&Post payment (Ctrl+S)", autoDefault=False)
        cancel = QPushButton("Cancel", autoDefault=False)
        self.errors = FieldErrors(self.message, CAPTIONS)
        form = QFormLayout()
        for caption, key, box in (("&Account", "account", self.account), ("A&mount", "amount", self.amount),
                                  ("M&ethod", "method", self.method),
                                  ("&Reference", "reference", self.reference),
                                  ("Received o&n", "received_on", self.received)):
            form.addRow(caption, with_error(box, self.errors.under(key, box)))
        check_date_on_leave(self.received, "received_on", self.errors, not_future=True)
        apply_row = QHBoxLayout()
        apply_row.addWidget(self.oldest)
        apply_row.addWidget(self.choose)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.post_button)
        buttons.addWidget(cancel)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(apply_row)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        attach_completer(self.account, account_labels, self._account_chosen)
        self.account.returnPressed.connect(self._load_account)
        for this, after in ((self.amount, self.method), (self.reference, self.received)):
            this.returnPressed.connect(after.setFocus)
        self.received.returnPressed.connect(self.post)
        self.amount.textEdited.connect(lambda _t: self._update_summary())
        self.choose.toggled.connect(lambda _on: self._update_summary())
        self.post_button.clicked.connect(self.post)
        cancel.clicked.connect(self.reject)
        QShortcut(QKeySequence.StandardKey.Save, self, saving(self.post))

    def _account_chosen(self, text: str) -> None:
        self.account.setText(text)
        self._load_account()

    def _load_account(self) -> None:
        account = payments.find_account(self.account.text())
        if account is None:
            self.errors.show([Problem("account", "choose the account that pays")])
            return
        self.account_id = account.id
        self.account_label = f"{account.number} {account.display_name}"
        self.lines = list(payments.open_lines(account.id, "patient"))
        self.chosen = {}
        self._fill()
        self.errors.clear()
        self.amount.setFocus()

    def _fill(self) -> None:
        self.model.set_rows([[l.invoice.number, l.service_date, l.invoice.due_date, l.code,
                              l.patient_balance, self.chosen.get(l.id, "")] for l in self.lines])
        self._update_summary()

    def _edit(self, row: int, _column: int, text: str) -> str | None:
        try:
            value = parse_money(text, "Apply") if text.strip() else ZERO
        except BillingError as exc:
            self.message.setText(str(exc))
            return str(exc)
        self.chosen[self.lines[row].id] = value
        self.model.rows[row][5] = value or ""
        self.choose.setChecked(True)
        self._update_summary()
        return None

    def _update_summary(self) -> None:
        try:
            amount = parse_money(self.amount.text(), "Amount") if self.amount.text().strip() else ZERO
        except BillingError:
            self.summary.setText("")
            return
        owed = sum((l.patient_balance for l in self.lines), ZERO)
        applied = (sum(self.chosen.values(), ZERO) if self.choose.isChecked()
                   else min(amount, owed))
        left = amount - applied
        text = f"Owed {format_money(owed)} · applied {format_money(applied)}"
        if left > 0:
            text += f" · {format_money(left)} kept as credit (used on the next charge, or refunded)"
        self.summary.setText(text)

    def post(self) -> bool:
        if self.account_id is None:
            self._load_account()
            if self.account_id is None:
                return False
        allocations = ([(k, v) for k, v in self.chosen.items() if v]
                       if self.choose.isChecked() else None)
        from ...services.office.validation import parse_date

        received, problem = parse_date(self.received.text(), "received_on", required=True,
                                       not_future=True)
        try:
            if problem:
                raise payments.ValidationError([problem])
            payment = payments.record_payment(
                self.account_id, self.amount.text(), self.session.user,
                method=self.method.currentData(), reference=self.reference.text(),
                received_on=received, allocations=allocations)
        except BillingError as exc:
            self.errors.say(exc)
            return False
        self.posted.emit(payment.id)
        how = " ".join(p for p in (self.method.currentText().lower(), self.reference.text().strip()) if p)
        self.said.emit(f"Payment of {format_money(payment.amount)} posted to "
                       f"{getattr(self, 'account_label', self.account.text())} ({how}).")
        self.accept()
        return True

    def reject(self) -> None:
        """Esc / Cancel: ask before throwing away a typed amount."""
        if self.amount.text().strip() and self.result() != QDialog.DialogCode.Accepted:
            if not self.prompter.confirm("Discard payment", "Discard the payment typed here?",
                                         default_no=True):
                return
        super().reject()
