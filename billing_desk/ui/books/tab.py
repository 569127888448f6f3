"""Invoice Entry tab: the invoices on the books, and everything the clerk does from a stack of
superbills, EOBs and patients' payments (new invoice, payments, batch, catalogue, papers)."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ...choices import INVOICE_STATUSES
from ...errors import BillingError
from ...services.accounts import lists
from ...services.books import invoice_papers, invoices, payments
from ...services.claims.identity import billing_identity, identity_problems
from ..buttons import add_buttons
from ..list_tab import ListPanel
from ..office.billing_identity_dialog import BillingIdentityDialog
from ..prompts import Prompter
from ..table_model import Column
from .catalogue_dialog import CatalogueDialog
from .catalogue_plans import PlansDialog
from .credits import RefundDialog
from .invoice_actions import deliver
from .invoice_form import InvoiceForm
from .payers_dialog import PayersDialog
from .payment_eob import EobDialog
from .payment_list import PaymentListDialog
from .payment_patient import PatientPaymentDialog

COLUMNS = [
    Column("Invoice", lambda i: i.number or "draft", width=80),
    Column("Account", lambda i: i.account.number, width=80),
    Column("Name", lambda i: i.account.display_name, width=200),
    Column("Service date", lambda i: i.service_date, width=100),
    Column("Status", lambda i: i.status, width=70),
    Column("Total", lambda i: i.total, width=100),
    Column("Patient owes", lambda i: i.patient_balance, width=100),
    Column("Insurance owes", lambda i: i.insurance_balance, width=110),
    Column("Due", lambda i: i.due_date, width=90),
]


class InvoicesTab(QWidget):
    title = "&Invoice Entry"

    def __init__(self, session, parent=None, *, prompter=None):
        super().__init__(parent)
        self.session = session
        self.prompter = prompter or Prompter(self)
        self.batch_id: int | None = None
        self.windows: list = []  # open forms and dialogs (kept alive while shown)
        self.list = ListPanel(COLUMNS, lists.invoices_query, INVOICE_STATUSES,
                              "Search invoice number, account, name", typing_off_thread=True)
        self.batch_label = QLabel(objectName="batch_label")
        self.message = QLabel(objectName="invoices_message", wordWrap=True)
        row, more = QHBoxLayout(), QHBoxLayout()  # two rows: the tab fits a 1200-pixel window
        self.buttons = add_buttons(row, (
                ("new", "&New invoice (Ctrl+N)", self.new_invoice, "Ctrl+N"),
                ("open", "O&pen", self.open_current, None),
                ("pay", "Patient pa&yment (F6)", self.patient_payment, "F6"),
                ("eob", "Ins&urance EOB (F7)", self.insurance_payment, "F7"),
                ("era", "Import &835…", self.import_era, None),
                ("refund", "Refund credit… (F9)", self.refund_credit, "F9"),
                ("payments", "Pay&ments…", self.payment_list, None),
                ("batch", "&Batch…", self.batch, None)), shortcut_owner=self)
        self.buttons.update(add_buttons(more, (
                ("catalogue", "Catalo&gue…", self.catalogue, None),
                ("plans", "Plans… (Ctrl+Shift+L)", self.plans, "Ctrl+Shift+L"),
                ("payers", "Payers… (Ctrl+Shift+Y)", self.payers, None),
                ("superbill", "&Superbill…", self.superbill, None),
                ("deposit", "&Deposit list…", self.deposit_list, None),
                ("claims", "Its claims (Ctrl+Shift+C)", self.show_claims, "Ctrl+Shift+C")),
                shortcut_owner=self))
        row.addStretch(1)
        more.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self._identity_banner())
        layout.addLayout(row)
        layout.addLayout(more)
        layout.addWidget(self.batch_label)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.message)
        self.list.activated.connect(lambda invoice: self.open_invoice(invoice.id))
        self._show_batch()
        self._show_identity()

    def _identity_banner(self) -> QFrame:
        """Shown while the office's billing identity is incomplete: no claim can go out yet."""
        self.identity_banner = QFrame(objectName="identity_banner", frameShape=QFrame.Shape.StyledPanel)
        self.identity_banner.setStyleSheet(
            "#identity_banner { background: #fff4d6; border: 1px solid #e0b000; }")
        line = QHBoxLayout(self.identity_banner)
        text = QLabel("<b>Before the first insurance claim:</b> the office's billing identity (its NPI, "
                      "tax id, taxonomy code and address, as on the NPI letter) is not complete.",
                      wordWrap=True, objectName="identity_banner_text")
        line.addWidget(text, 1)
        self.identity_button = add_buttons(line, (
            ("identity", "Fill in the billing identity… (F8)", self.billing_identity, "F8"),),
            shortcut_owner=self)["identity"]
        return self.identity_banner

    def _show_identity(self) -> None:
        self.identity_banner.setVisible(bool(identity_problems(billing_identity())))

    def billing_identity(self) -> BillingIdentityDialog:
        """The Billing identity dialog (also Tools > Billing identity…, Ctrl+Shift+B)."""
        dialog = BillingIdentityDialog(self.session, prompter=self.prompter, parent=self)
        return self._show(dialog)

    def refresh(self) -> None:
        self.list.refresh()
        self._show_batch()
        self._show_identity()

    def focus_search(self) -> None:
        self.list.search.setFocus()

    # --- invoices -------------------------------------------------------------------------------
    def _show(self, window):
        self.windows = [w for w in self.windows if w.isVisible()] + [window]
        window.finished.connect(lambda _r: self.refresh())
        window.show()
        window.activateWindow()
        return window

    def new_invoice(self) -> InvoiceForm:
        form = InvoiceForm(self.session, batch_id=self.batch_id, prompter=self.prompter, parent=self)
        form.changed_books.connect(self.refresh)
        form.account.setFocus()
        return self._show(form)

    def open_invoice(self, invoice_id: int) -> InvoiceForm:
        form = InvoiceForm(self.session, invoice_id, prompter=self.prompter, parent=self)
        form.changed_books.connect(self.refresh)
        return self._show(form)

    def show_claims(self) -> None:
        """The chosen invoice's claims, with their history, on the Claims tab."""
        invoice = self.list.current()
        if invoice is None or invoice.number is None:
            self.message.setText("Choose a posted invoice: a draft has no claims yet.")
            return
        open_tab = getattr(self.window(), "open_tab", None)  # the main window (not a test's)
        if open_tab is None:
            return
        open_tab("ClaimsTab").show_invoice(invoice.number)

    def open_current(self):
        invoice = self.list.current()
        return self.open_invoice(invoice.id) if invoice is not None else None

    # --- payments -------------------------------------------------------------------------------
    def patient_payment(self) -> PatientPaymentDialog:
        invoice = self.list.current()
        dialog = PatientPaymentDialog(self.session, invoice.account_id if invoice else None,
                                      prompter=self.prompter, parent=self)
        dialog.posted.connect(lambda _id: self.refresh())
        dialog.said.connect(self.say)  # the clerk sees it was posted, without a box to close
        dialog.account.setFocus()
        return self._show(dialog)

    def insurance_payment(self) -> EobDialog:
        dialog = EobDialog(self.session, prompter=self.prompter, parent=self)
        dialog.posted.connect(self.refresh)
        dialog.check.setFocus()
        return self._show(dialog)

    def import_era(self):
        """An 835 remittance file: previewed, then posted whole (or refused, nothing posted)."""
        from ...errors import BillingError
        from .era_dialog import EraDialog

        path = self.prompter.choose_open_file("Import 835", "835 remittance (*.835 *.txt *.edi);;All (*)")
        if not path:
            return None
        try:
            dialog = EraDialog(self.session, path, prompter=self.prompter, parent=self)
        except BillingError as exc:
            self.message.setText(str(exc))
            return None
        dialog.posted.connect(self.refresh)
        return self._show(dialog)

    def payment_list(self) -> PaymentListDialog:
        """The payments on the books; a bounced check is voided from there."""
        dialog = PaymentListDialog(self.session, prompter=self.prompter, parent=self)
        dialog.voided.connect(lambda _id: self.refresh())
        return self._show(dialog)

    def say(self, text: str) -> None:
        """News of what was just done: on the tab's message line and the window's status bar."""
        self.message.setText(text)
        window = self.window()
        if window is not self and hasattr(window, "say"):
            window.say(text)

    def refund_credit(self) -> RefundDialog | None:
        """Pay the chosen invoice's account its credit back (amount, day, check, reason)."""
        invoice = self.list.current()
        if invoice is None:
            self.message.setText("Choose an invoice of the account to refund.")
            return None
        dialog = RefundDialog(self.session, payments.get_account(invoice.account_id), parent=self)
        dialog.refunded.connect(self.message.setText)
        return self._show(dialog)

    # --- batch, catalogue, papers ---------------------------------------------------------------
    def batch(self) -> None:
        """Start a batch (count and total keyed from the stack), or close the one that is open."""
        try:
            if self.batch_id is not None:
                status = invoices.close_batch(self.batch_id, self.session.user)
                self.batch_id = None
                self.message.setText(f"Closed. {status.describe()}")
            else:
                count = self.prompter.ask_text("Batch", "How many tickets are in the stack?")
                total = None if count is None else self.prompter.ask_text(
                    "Batch", "What do they add up to (from the adding-machine tape)?")
                if total is None:
                    return
                self.batch_id = invoices.open_batch(count, total, self.session.user).id
                self.message.setText("New invoices go into this batch until it is closed.")
        except BillingError as exc:
            self.message.setText(str(exc))
        self._show_batch()

    def _show_batch(self) -> None:
        if self.batch_id is None:
            self.batch_label.setText("No batch open (Batch… keys a stack's count and total)")
            self.buttons["batch"].setText("&Batch…")
        else:
            self.batch_label.setText(invoices.batch_status(self.batch_id).describe())
            self.buttons["batch"].setText("Close &batch")

    def plans(self) -> PlansDialog:
        return self._show(PlansDialog(self.session, parent=self))

    def payers(self) -> PayersDialog:
        """The Payers screen (Tools > Payers and plans…, Ctrl+Shift+Y)."""
        return self._show(PayersDialog(self.session, prompter=self.prompter, parent=self))

    def catalogue(self) -> CatalogueDialog:
        return self._show(CatalogueDialog(self.session, prompter=self.prompter, parent=self))

    def _paper(self, name: str, draw, data) -> Path | None:
        made = draw(data, Path(tempfile.mkdtemp(prefix="billing-desk-")) / name)
        return deliver(self, self.prompter, made, report=self.message.setText)

    def superbill(self) -> Path | None:
        from ...printing import invoice_docs  # reportlab: read when the first paper is drawn

        return self._paper("superbill.pdf", invoice_docs.superbill_pdf,
                           invoice_papers.superbill_paper())

    def deposit_list(self) -> Path | None:
        from ...printing import invoice_docs

        day = dt.date.today()
        return self._paper(f"deposit-{day.isoformat()}.pdf", invoice_docs.deposit_pdf,
                           invoice_papers.deposit_paper(day))
