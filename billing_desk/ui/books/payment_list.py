"""Payments on the books, newest first, and voiding one (a bounced check) with a reason.

A clerk's void goes to a supervisor for sign-off (``run_with_signoff``); the payment stays in the
list marked void, and every ledger entry it made is reversed by the service.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from ...errors import BillingError
from ...money import format_money
from ...services.accounts import lists
from ...services.books import payments
from ..list_tab import ListPanel
from ..office.signoff import Ask, run_with_signoff
from ..prompts import Prompter
from ..refusals import KeptAnswers
from ..table_model import Column

COLUMNS = [
    Column("Received", lambda p: p.received_on, width=90),
    Column("Account", lambda p: p.account.number, width=80),
    Column("Name", lambda p: p.account.display_name, width=200),
    Column("Source", lambda p: p.source, width=80),
    Column("Method", lambda p: p.method, width=70),
    Column("Reference", lambda p: p.reference, width=120),
    Column("Amount", lambda p: p.amount, width=90),
    Column("Status", lambda p: p.status, width=60),
]
STATUSES = ("posted", "void")


def describe(payment) -> str:
    """"$25.00 check 1042 from 100123 Smith, Ann received 03/02/2026" — for the question."""
    how = f"{payment.method} {payment.reference}".strip()
    return (f"{format_money(payment.amount)} {how} from {payment.account.number} "
            f"{payment.account.display_name}, received {payment.received_on:%m/%d/%Y}")


class PaymentListDialog(QDialog):
    """The payments list; Void payment… asks the reason, then (for a clerk) a supervisor."""

    voided = Signal(int)  # the payment's id

    def __init__(self, session, *, prompter=None, ask: Ask | None = None, parent=None):
        super().__init__(parent)
        self.session = session
        self.prompter = prompter or Prompter(self)
        self.ask = ask  # the sign-off prompt; None uses signoff.ask_signoff
        self.kept = KeptAnswers()  # a reason whose void was refused, offered again
        self.setWindowTitle("Payments")
        self.resize(980, 560)
        self.list = ListPanel(COLUMNS, lists.payments_query, STATUSES,
                              "Search account number, name, or check / reference number")
        self.message = QLabel(wordWrap=True, objectName="payments_message")
        self.void_button = QPushButton("&Void payment…", autoDefault=False)
        self.void_button.clicked.connect(lambda _c=False: self.void_current())
        close = QPushButton("Close", autoDefault=False)
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.void_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.list.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_current())
        self.list.model.modelReset.connect(self._show_current)
        self.list.refresh()
        self.list.search.setFocus()

    def _show_current(self) -> None:
        payment = self.list.current()
        self.void_button.setEnabled(payment is not None and payment.status == "posted")
        if payment is not None and payment.status == "void":
            self.message.setText(f"Void: {payment.void_reason}")
        else:
            self.message.setText("")

    def void_current(self):
        """Void the chosen payment; the payment, or None when nothing was voided."""
        payment = self.list.current()
        if payment is None or payment.status != "posted":
            self.message.setText("Choose a posted payment to void.")
            return None
        reason = self.kept.ask(self.prompter, "Void payment", f"Void {describe(payment)}?\nReason "
                               "(required, e.g. bounced check):", [payment.id])
        if reason is None:
            return None
        user = self.session.user
        try:
            done = run_with_signoff(self, "void_payment", lambda approved_by: payments.void_payment(
                payment.id, reason, user, approved_by=approved_by), ask=self.ask)
        except BillingError as exc:  # the list as it is now; the reason typed kept
            said = self.kept.refused("Void payment", [payment.id], reason, exc)
            self.prompter.warn("Void payment", said)
            self.list.reread()
            self.message.setText(said)
            return None
        self.kept.went_in("Void payment", [payment.id])
        self.list.refresh()
        self._select(done.id)
        self.message.setText(f"Voided {describe(payment)}: {done.void_reason}")
        self.voided.emit(done.id)
        return done

    def _select(self, payment_id: int) -> None:
        model = self.list.model
        for row in range(model.rowCount()):
            found = model.row_object(row)
            if found is not None and found.id == payment_id:
                self.list.table.selectRow(row)
                return
