"""Money given back: a return or credit memo on a posted invoice's lines, and the refund of an
account's credit. Each has its date (today unless typed; a date that does not exist is refused
when its box is left, one in the future or before the service when saving) and says every
refusal under its box. Keys only: Tab moves on, Ctrl+S (or Enter on the last box) saves, Esc
cancels."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QTableView,
    QVBoxLayout,
)

from ...choices import PAYMENT_METHODS
from ...errors import BillingError, Problem
from ...money import ZERO, format_money, parse_money
from ...services.books import adjustments, invoices, payments
from ..buttons import add_buttons
from ..form_fields import FormFields
from ..office.signoff import run_with_signoff
from .invoice_models import RowsModel

ERROR_STYLE = "color: #b00020"


def _today() -> str:
    return dt.date.today().strftime("%m/%d/%Y")


class _MoneyBackDialog(QDialog):
    """The frame both share: a form of fields, a red message line, Save and Cancel, Ctrl+S."""

    def __init__(self, title: str, prefix: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.message = QLabel(wordWrap=True, styleSheet=ERROR_STYLE)
        self.form_fields = FormFields(self.message, prefix)
        self.form = QFormLayout()
        self.button_row = QHBoxLayout()  # no default button: Enter moves along, it saves on the last box
        self.button_row.addStretch(1)
        self.buttons = add_buttons(self.button_row, (("save", "&Save (Ctrl+S)", self.apply),
                                                     ("cancel", "Cancel (Esc)", self.reject)))
        QShortcut(QKeySequence.StandardKey.Save, self, self.apply)

    def date_box(self, label: str, *, last: bool = False) -> None:
        """The day it takes effect: today unless typed."""
        self.date = self.form_fields.text(self.form, "adjusted_on", label, "MM/DD/YYYY", date=True,
                                          not_future=True, enter_moves_on=not last)
        if last:
            self.date.returnPressed.connect(self.apply)
        self.date.setText(_today())

    def apply(self) -> None:  # pragma: no cover - each says how it saves
        raise NotImplementedError

    def refused(self, exc: BillingError) -> None:
        self.form_fields.clear()
        self.form_fields.refused(exc)


class CreditMemoDialog(_MoneyBackDialog):
    """A return or credit memo: type the amount to credit on each chosen line, the reason and
    the day of the return."""

    HEADERS = ["#", "Code", "Description", "Billed", "Patient owes", "Insurance owes", "Credit"]

    def __init__(self, session, invoice_id: int, parent=None):
        invoice = invoices.get_invoice(invoice_id)
        super().__init__(f"Credit memo on invoice {invoice.number}", "credit", parent)
        self.session, self.invoice_id = session, invoice_id
        self.resize(760, 400)
        self.lines = invoices.invoice_lines(invoice)
        self.credits: dict[int, Decimal | str] = {line.id: "" for line in self.lines}
        self.model = RowsModel(self.HEADERS, editable=(6,), on_edit=self._edit, parent=self)
        self._fill()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.AnyKeyPressed
                                   | QAbstractItemView.EditTrigger.DoubleClicked)
        self.table.resizeColumnsToContents()  # the Credit column in sight
        self.table.setColumnWidth(2, 220)
        self.lines_said = QLabel(wordWrap=True, objectName="credit_lines_problem")  # under the table
        self.form_fields.errors.route("lines", self.lines_said, lambda _field: self.table)
        self.reason = self.form_fields.text(self.form, "reason", "&Reason",
                                            "Returned unopened, billed in error…", enter_moves_on=True)
        self.date_box("&Date of the return", last=True)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Type the amount to credit on each line returned (Enter after each)."))
        layout.addWidget(self.table)
        layout.addWidget(self.lines_said)
        layout.addLayout(self.form)
        layout.addWidget(self.message)
        layout.addLayout(self.button_row)
        self.form_fields.in_tab_order(self.table, after=self.buttons.values())
        self.said = self.form_fields.said

    def _fill(self) -> None:
        self.model.set_rows([[l.position, l.code, l.description, l.amount, l.patient_balance,
                              l.insurance_balance, self.credits[l.id]] for l in self.lines])

    def _edit(self, row: int, _column: int, text: str) -> str | None:
        line = self.lines[row]
        try:
            value = parse_money(text, f"lines[{line.position}].credit") if text.strip() else ZERO
        except BillingError as exc:
            self.refused(exc)
            return str(exc)
        self.credits[line.id] = value or ""
        self.model.rows[row][6] = value or ""
        self.form_fields.clear()
        return None

    def apply(self) -> None:
        chosen = [(line_id, value) for line_id, value in self.credits.items() if value]
        try:
            run_with_signoff(self, "large_credit", lambda approved_by: adjustments.credit_memo(
                self.invoice_id, chosen, self.reason.text(), self.session.user,
                adjusted_on=self.date.text(), approved_by=approved_by))
        except BillingError as exc:
            self.refused(exc)
            return
        self.accept()


class RefundDialog(_MoneyBackDialog):
    """Pay an account's credit back: how much, on what day, by check, cash or card, and why."""

    refunded = Signal(str)  # what was done, in words

    def __init__(self, session, account, parent=None):
        super().__init__(f"Refund credit of account {account.number}", "refund", parent)
        self.session, self.account = session, account
        fields, form = self.form_fields, self.form
        intro = QLabel(f"{account.number} {account.display_name} has "
                       f"{format_money(account.unapplied_credit)} of credit.", wordWrap=True)
        self.amount = fields.text(form, "amount", "A&mount", "0.00", enter_moves_on=True)
        self.amount.setText(format_money(account.unapplied_credit, currency=False))
        self.date_box("Refunded &on")
        self.method = fields.choice(form, "method", "Paid &by", [m for m in PAYMENT_METHODS if m != "eft"])
        self.reference = fields.text(form, "reference", "Chec&k number", "the number of the check sent",
                                     enter_moves_on=True)
        self.reason = fields.text(form, "reason", "&Reason", "moved away, overpaid…")
        self.reason.returnPressed.connect(self.apply)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addLayout(self.button_row)
        fields.in_tab_order(after=self.buttons.values())
        self.said = fields.said
        self.setMinimumWidth(440)
        self.amount.setFocus()

    def apply(self) -> None:
        values, user = self.form_fields.values(), self.session.user
        if values["method"] == "check" and not values["reference"].strip():
            self.form_fields.show([Problem("reference", "type the number of the check the refund goes by")])
            return
        try:
            run_with_signoff(self, "large_credit", lambda approved_by: payments.refund(
                self.account.id, values["amount"], values["reason"], user, method=values["method"],
                reference=values["reference"], adjusted_on=values["adjusted_on"],
                approved_by=approved_by))
        except BillingError as exc:
            self.refused(exc)
            return
        self.refunded.emit(f"Refunded {values['amount']} to {self.account.number} "
                           f"by {values['method']} {values['reference']}".strip())
        self.accept()
