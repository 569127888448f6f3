"""The account page: header with balances and aging, ledger with drill-down, coverages,
invoices, orders, cases and history; status changes and printouts."""

from __future__ import annotations

import tempfile
from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ...errors import BillingError
from ...money import format_money
from ...services.accounts import account_page, registry
from ..buttons import add_buttons
from ..keys import unless_popup
from ..refusals import KeptAnswers
from ..table_model import Column, PagedTableModel, table_view
from .account_cases import CasesPanel, static_model
from .account_coverages import CoveragesPanel

LEDGER_COLUMNS = [
    Column("Entered", lambda r: r.entry.entry_date, width=90),
    Column("Service date", lambda r: r.entry.posting_date, width=90),
    Column("Description", lambda r: r.description, width=330),
    Column("Party", lambda r: r.entry.party, width=80),
    Column("Amount", lambda r: r.entry.amount, width=100),
    Column("Balance", lambda r: r.balance, width=100),
]
INVOICE_COLUMNS = [
    Column("Invoice", lambda i: i.number or f"draft {i.id}", width=90),
    Column("Service date", lambda i: i.service_date, width=90),
    Column("Due", lambda i: i.due_date, width=90),
    Column("Status", lambda i: i.status, width=70),
    Column("Total", lambda i: i.total, width=100),
    Column("Patient owes", lambda i: i.patient_balance, width=100),
    Column("Insurance owes", lambda i: i.insurance_balance, width=110),
]
ORDER_COLUMNS = [
    Column("Order", lambda o: o.number, width=80),
    Column("Date", lambda o: o.order_date, width=90),
    Column("PO", lambda o: o.po_number, width=100),
    Column("Status", lambda o: o.status.replace("_", " "), width=100),
    Column("Notes", lambda o: o.notes, width=200),
]
HISTORY_COLUMNS = [
    Column("When", lambda e: e.at, width=130),
    Column("Who", lambda e: e.username, width=80),
    Column("What", lambda e: e.action, width=80),
    Column("Change", lambda e: account_page.describe_change(e), width=500),
]


class AccountView(QWidget):
    edit_requested = Signal(object)  # the Account
    back = Signal()

    def __init__(self, session, prompter, parent=None, *, print_pdf=None):
        super().__init__(parent)
        self.session, self.prompter = session, prompter
        self._print_pdf = print_pdf
        self.account: Any = None  # the account shown (a row the services gave)
        self.status_as = ""  # its status's version (services.office.stale)
        self.kept = KeptAnswers()  # a reason whose change was refused, offered again
        self.header = QLabel(objectName="account-header", wordWrap=True)
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.message = QLabel(objectName="account-message", wordWrap=True)  # long refusals wrap
        self.message.setStyleSheet("color: #b00020")
        self.tabs = QTabWidget()
        self.ledger = table_view(static_model(LEDGER_COLUMNS, [], self), stretch=2)
        self.detail = QLabel(objectName="ledger-detail", wordWrap=True)
        ledger_page = QWidget()
        box = QVBoxLayout(ledger_page)
        box.addWidget(self.ledger, 3)
        box.addWidget(self.detail, 1)
        self.ledger.activated.connect(lambda index: self.drill_down(index.row()))
        self.coverages = CoveragesPanel(session, prompter, self)
        self.invoices = table_view(static_model(INVOICE_COLUMNS, [], self))
        self.orders = table_view(static_model(ORDER_COLUMNS, [], self))
        self.cases = CasesPanel(session, prompter, self)
        self.history = table_view(static_model(HISTORY_COLUMNS, [], self))
        for widget, title in ((ledger_page, "Ledger"), (self.coverages, "Coverages"),
                              (self.invoices, "Invoices"), (self.orders, "Orders"),
                              (self.cases, "Cases"), (self.history, "History")):
            self.tabs.addTab(widget, title)
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addLayout(self._buttons())
        layout.addWidget(self.message)
        layout.addWidget(self.tabs, 1)
        for keys, slot in ((QKeySequence.StandardKey.Print, self.print_ledger),
                           (Qt.Key.Key_Escape, unless_popup(self.back.emit)),
                           ("Ctrl+E", lambda: self.account and self.edit_requested.emit(self.account))):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

    def _buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.buttons = add_buttons(row, (("edit", "Change details (Ctrl+E)",
                                          lambda: self.edit_requested.emit(self.account)),
                                         ("deactivate", "&Deactivate…", self.deactivate),
                                         ("reactivate", "React&ivate…", self.reactivate),
                                         ("close", "C&lose account…", self.close_account)))
        printing = QToolButton(text="&Print", popupMode=QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(printing)
        menu.addAction("Print ledger (Ctrl+P)", self.print_ledger)
        menu.addAction("Ledger as PDF…", self.save_ledger_pdf)
        menu.addAction("Print registration form", self.print_registration)
        menu.addAction("Registration form as PDF…", self.save_registration_pdf)
        printing.setMenu(menu)
        row.addWidget(printing)
        row.addStretch(1)
        back = QPushButton("Back to list (Esc)")
        back.clicked.connect(self.back.emit)
        row.addWidget(back)
        return row

    # --- showing --------------------------------------------------------------------------
    def show_account(self, account_id: int) -> None:
        head = account_page.header(account_id)
        self.account = account = head.account
        self.status_as = registry.status_version(account.id)  # the status this screen shows
        self.header.setText(_header_html(head))
        self.message.setText("")
        for key, allowed in (("deactivate", account.status == "active"),
                             ("reactivate", account.status in ("inactive", "closed")),
                             ("close", account.status != "closed")):
            self.buttons[key].setEnabled(allowed)
        self.ledger_rows = account_page.ledger_rows(account_id)
        self._fill(self.ledger, LEDGER_COLUMNS, self.ledger_rows)
        if self.ledger_rows:
            self.ledger.selectRow(len(self.ledger_rows) - 1)
        self.detail.setText("Enter on a ledger line shows the invoice, payment or adjustment.")
        self.coverages.show_account(account_id)
        self._fill(self.invoices, INVOICE_COLUMNS, account_page.invoices(account_id))
        self._fill(self.orders, ORDER_COLUMNS, account_page.orders(account_id))
        self._fill(self.history, HISTORY_COLUMNS, account_page.history(account_id))
        self.cases.show_account(account_id)

    def _fill(self, view, columns, rows) -> None:
        view.setModel(static_model(columns, rows, self))

    def drill_down(self, row: int) -> None:
        model = self.ledger.model()
        item = model.row_object(row) if isinstance(model, PagedTableModel) else None
        target = item.target if item else None
        if not target:
            self.detail.setText("This line is unapplied credit: it belongs to no invoice yet.")
            return
        pairs = account_page.drill_down(target)
        self.detail.setText("<br>".join(f"<b>{escape(k)}:</b> {escape(str(v))}" for k, v in pairs if v))

    # --- status ---------------------------------------------------------------------------
    def _status_change(self, title: str, work) -> None:
        account = [self.account.id]
        reason = self.kept.ask(self.prompter, title, f"{title}: the reason (kept in the history)", account)
        if reason is None:
            return
        try:
            work(reason)
        except BillingError as exc:  # the account as it is now; the reason typed kept
            self.show_account(self.account.id)
            self.message.setText(self.kept.refused(title, account, reason, exc))
            return
        self.kept.went_in(title, account)
        self.show_account(self.account.id)

    def deactivate(self) -> None:
        self._status_change("Deactivate account", lambda r: registry.deactivate_account(
            self.account.id, r, self.session.user, loaded_as=self.status_as))

    def reactivate(self) -> None:
        self._status_change("Reactivate account", lambda r: registry.reactivate_account(
            self.account.id, r, self.session.user, loaded_as=self.status_as))

    def close_account(self) -> None:
        number = self.account.number

        def confirm(owed: str) -> bool:
            return self.prompter.confirm("Close with a balance",
                                         f"Account {number} still owes {owed}. Closing it takes it off "
                                         "statements and new invoices. Close it anyway?")

        self._status_change("Close account", lambda r: registry.close_account(
            self.account.id, r, self.session.user, confirm_balance=confirm, loaded_as=self.status_as))

    # --- printing -------------------------------------------------------------------------
    def _render(self, which: str, target) -> None:
        from ...printing import account_forms

        if which == "ledger":
            account_forms.ledger_pdf(account_page.ledger_data(self.account.id), str(target))
        else:
            account_forms.registration_pdf(account_page.registration_data(self.account.id), str(target))

    def _save_pdf(self, which: str, title: str) -> Path | None:
        path = self.prompter.choose_save_file(title, f"{which}-{self.account.number}.pdf", "PDF (*.pdf)")
        if not path:
            return None
        try:
            self._render(which, path)
        except (BillingError, OSError) as exc:
            self.message.setText(f"Could not write the PDF: {exc}")
            return None
        self.message.setText(f"Saved {path}")
        return Path(path)

    def _print(self, which: str) -> None:
        printer = self._print_pdf
        if printer is None:
            from ...printing.printer import print_pdf as printer
        path = Path(tempfile.mkdtemp(prefix="billing-desk-")) / f"{which}-{self.account.number}.pdf"
        try:
            self._render(which, path)
            pages = printer(path, doc_name=f"{which} {self.account.number}")
        except BillingError as exc:
            self.message.setText(f"Not printed: {exc}")
            return
        self.message.setText(f"Sent {pages} page(s) to the printer.")

    def save_ledger_pdf(self):
        return self._save_pdf("ledger", "Save the account ledger as PDF")

    def save_registration_pdf(self):
        return self._save_pdf("registration", "Save the registration form as PDF")

    def print_ledger(self) -> None:
        if self.account is not None:
            self._print("ledger")

    def print_registration(self) -> None:
        if self.account is not None:
            self._print("registration")


def _header_html(head) -> str:
    a = head.account
    status_colour = {"active": "#1b6e20", "pending": "#a06000"}.get(a.status, "#b00020")
    reason = f" — {escape(a.status_reason)}" if a.status_reason else ""
    buckets = " · ".join(f"{name} {format_money(value)}" for name, value in head.buckets.items())
    paid = (f"{format_money(head.last_payment.amount)} on {head.last_payment.received_on:%m/%d/%Y}"
            if head.last_payment else "none")
    statement = f"{head.last_statement:%m/%d/%Y}" if head.last_statement else "none"
    return (f"<span style='font-size:14pt'><b>{escape(a.number)} {escape(a.display_name)}</b></span> "
            f"<span style='color:{status_colour}'><b>{a.status.upper()}</b>{reason}</span><br>"
            f"{escape(a.kind)} · {escape(a.phone)} · {escape(a.email)}<br>"
            f"<b>Patient owes {format_money(head.patient)}</b> · Insurance owes "
            f"{format_money(head.insurance)} · Credit {format_money(head.credit)} · "
            f"<b>Balance {format_money(head.total)}</b><br>"
            f"Aging: {buckets}<br>Last payment: {paid} · Last statement: {statement}")
