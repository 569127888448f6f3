"""Accounts tab: find, open and keep accounts; type new ones from a stack of paper forms;
approve them; cases; import and export."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSpinBox, QStackedWidget, QVBoxLayout, QWidget

from ...choices import ACCOUNT_STATUSES
from ...errors import BillingError
from ...services.accounts import cases, registry
from ..accessibility import name_all
from ..buttons import add_buttons
from ..list_tab import ListPanel
from ..prompts import Prompter
from ..table_model import Column
from ..work import run_in_background

if TYPE_CHECKING:
    from .account_approval import ApprovalQueue
    from .account_form import AccountFormWidget
    from .account_view import AccountView

COLUMNS = [
    Column("Account", lambda a: a.number, width=80),
    Column("Name", lambda a: a.display_name, width=220),
    Column("Status", lambda a: a.status, width=80),
    Column("Born", lambda a: a.date_of_birth, width=90),
    Column("Phone", lambda a: a.phone, width=120),
    Column("Patient owes", lambda a: a.patient_balance, width=110),
    Column("Insurance owes", lambda a: a.insurance_balance, width=110),
    Column("Credit", lambda a: a.unapplied_credit, width=90),
    Column("Oldest past due", lambda a: registry.oldest_bucket(getattr(a, "oldest_due", None)), width=110),
]
CASE_COLUMNS = [
    Column("Opened", lambda c: c.created_at, width=120),
    Column("Account", lambda c: c.account.number, width=80),
    Column("Name", lambda c: c.account.display_name, width=180),
    Column("Kind", lambda c: c.kind, width=60),
    Column("Subject", lambda c: c.subject, width=260),
    Column("Status", lambda c: c.status, width=70),
    Column("From collections", lambda c: c.from_collections, width=110),
]
LIST, FORM, ACCOUNT, QUEUE, CASES = range(5)


class AccountsTab(QWidget):
    title = "&Accounts"

    def __init__(self, session, parent=None, *, prompter=None, print_pdf=None):
        super().__init__(parent)
        self.session = session
        self.prompter = prompter or Prompter(self)
        self.batch_id: int | None = None
        self.print_pdf = print_pdf
        self.list = ListPanel(COLUMNS,
                              lambda text, status: registry.search_accounts(text, status, limit=None),
                              ACCOUNT_STATUSES, "Search name, account number, phone, date of birth, "
                                                "member id, email")
        # The list shows first; the form, the account's page, the queue and the cases are built
        # when first shown or asked for (``form``, ``view``...): the window paints sooner.
        self._built: dict[int, QWidget] = {LIST: self.list}
        self.stack = QStackedWidget()
        self.stack.addWidget(self.list)
        for _page in (FORM, ACCOUNT, QUEUE, CASES):
            self.stack.addWidget(QWidget())
        self.notice = QLabel(objectName="accounts-notice", wordWrap=True)
        layout = QVBoxLayout(self)
        layout.addLayout(self._toolbar())
        layout.addWidget(self.notice)
        layout.addWidget(self.stack, 1)
        self._connect()

    def _toolbar(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.buttons = add_buttons(row, (("list", "Account li&st", self.show_list),
                                         ("new", "&New account (Ctrl+N)", self.new_account),
                                         ("queue", "Appro&val queue", self.show_queue),
                                         ("cases", "O&pen cases", self.show_open_cases),
                                         ("import", "I&mport…", self.import_accounts),
                                         ("export", "E&xport to Excel…", self.export_list)))
        row.addStretch(1)
        row.addWidget(QLabel("Forms in stack:"))
        self.stack_count = QSpinBox(objectName="stack-count", minimum=0, maximum=999)
        self.stack_count.setSpecialValueText("—")
        self.stack_count.setToolTip("Key the number of paper forms in the stack; the tab counts "
                                    "what you enter and flags a mismatch.")
        row.addWidget(self.stack_count)
        self.batch_button = QPushButton("Start &batch")
        self.batch_button.clicked.connect(self.toggle_batch)
        row.addWidget(self.batch_button)
        self.batch_label = QLabel(objectName="batch-status")
        row.addWidget(self.batch_label)
        return row

    # --- the stack's pages, each built when first needed -------------------------------------
    def _page(self, index: int) -> QWidget:
        page = self._built.get(index)
        if page is not None:
            return page
        page = self._built[index] = self._make(index)
        placeholder = cast(QWidget, self.stack.widget(index))
        showing = self.stack.currentIndex()
        self.stack.blockSignals(True)  # the same page shows: no news cleared
        self.stack.insertWidget(index, page)
        if showing == index:
            self.stack.setCurrentIndex(index)
        self.stack.removeWidget(placeholder)
        self.stack.blockSignals(False)
        placeholder.deleteLater()
        name_all(page)  # for screen readers, as the window's first show names the others
        return page

    def _make(self, index: int) -> QWidget:
        from .account_approval import ApprovalQueue
        from .account_form import AccountFormWidget
        from .account_view import AccountView

        if index == FORM:
            form = AccountFormWidget(self.session, self, prompter=self.prompter)
            form.saved.connect(self._saved)
            form.cancelled.connect(self._form_left)
            form.open_existing.connect(lambda account: self.open_account(account.id))
            return form
        if index == ACCOUNT:
            view = AccountView(self.session, self.prompter, self, print_pdf=self.print_pdf)
            view.back.connect(self.show_list)
            view.edit_requested.connect(self.edit_account)
            return view
        if index == QUEUE:
            queue = ApprovalQueue(self.session, self)
            queue.open_account.connect(lambda account: self.open_account(account.id))
            queue.acted.connect(self.update_counts)
            return queue
        open_cases = ListPanel(CASE_COLUMNS, cases.open_cases, ("open", "waiting"),
                               "Search the accounts of open cases")
        open_cases.activated.connect(lambda case: self.open_account(case.account_id, case.id))
        return open_cases

    @property
    def form(self) -> AccountFormWidget:
        return cast("AccountFormWidget", self._page(FORM))

    @property
    def view(self) -> AccountView:
        return cast("AccountView", self._page(ACCOUNT))

    @property
    def queue(self) -> ApprovalQueue:
        return cast("ApprovalQueue", self._page(QUEUE))

    @property
    def open_cases(self) -> ListPanel:
        return cast(ListPanel, self._page(CASES))

    def _show_page(self, index: int) -> None:
        self._page(index)  # built before it shows
        self.stack.setCurrentIndex(index)

    def _connect(self) -> None:
        self.list.activated.connect(lambda account: self.open_account(account.id))
        self.stack.currentChanged.connect(lambda _page: self.notice.setText(""))  # news of one screen
        shortcut = QShortcut(QKeySequence.StandardKey.New, self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.new_account)

    # --- the tab's contract with the main window -----------------------------------------
    def refresh(self) -> None:
        page = self.stack.currentIndex()
        if page == LIST:
            self.list.refresh()
        elif page == QUEUE:
            self.queue.refresh()
        elif page == CASES:
            self.open_cases.refresh()
        elif page == ACCOUNT and self.view.account is not None:
            self.view.show_account(self.view.account.id)
        self.update_counts()

    def update_counts(self) -> None:
        """The Approval queue button's count, read again after every change (main window too)."""
        pending = registry.count_accounts(status="pending")
        self.buttons["queue"].setText(f"Appro&val queue ({pending})")

    def focus_search(self) -> None:
        if self.stack.currentIndex() not in (LIST, CASES):
            self.show_list()
        panel = self.open_cases if self.stack.currentIndex() == CASES else self.list
        panel.search.setFocus()
        panel.search.selectAll()

    # --- pages ----------------------------------------------------------------------------
    def _leave_form_ok(self) -> bool:
        if self.stack.currentIndex() == FORM and self.form.is_dirty():
            return self.prompter.confirm("Discard this form?", "What you typed on this form has "
                                         "not been saved. Throw it away?", default_no=True)
        return True

    def _go(self, page: int) -> None:
        self._show_page(page)
        self.refresh()

    def show_list(self) -> None:
        if self._leave_form_ok():
            self.notice.setText("")
            self._go(LIST)
            self.list.search.setFocus()

    def show_queue(self) -> None:
        if self._leave_form_ok():
            self._go(QUEUE)
            self.queue.table.setFocus()

    def show_open_cases(self) -> None:
        if self._leave_form_ok():
            self._go(CASES)
            self.open_cases.search.setFocus()

    def new_account(self) -> None:
        """Ctrl+N: a blank form, cursor in the first field (the next form in the stack)."""
        if not self._leave_form_ok():
            return
        self._show_page(FORM)
        self.form.start_new(self.batch_id)

    def edit_account(self, account) -> None:
        self._show_page(FORM)
        self.form.edit(account)

    def open_account(self, account_id: int, case_id: int | None = None) -> None:
        self.notice.setText("")
        self._show_page(ACCOUNT)
        self.view.show_account(account_id)
        if case_id is not None:
            self.view.tabs.setCurrentWidget(self.view.cases)
            self.view.cases.show_account(account_id, case_id)
        self.view.ledger.setFocus()

    def _saved(self, account) -> None:
        if self.form.account_id is None:
            self.notice.setText(f"Saved account {account.number} {account.display_name} — pending "
                                "approval. Type the next form.")
            self.form.start_new(self.batch_id)
            self._update_batch()
        else:
            self.open_account(account.id)
            self.notice.setText(f"Saved the changes to account {account.number}.")
        self.update_counts()

    def _form_left(self) -> None:
        self._go(LIST)
        self.list.search.setFocus()

    # --- batch ----------------------------------------------------------------------------
    def toggle_batch(self) -> None:
        if self.batch_id is None:
            count = self.stack_count.value() or None
            try:
                self.batch_id = registry.start_batch(count, self.session.user).id
            except BillingError as exc:
                self.batch_label.setText(str(exc))
                return
            self.batch_button.setText("End &batch")
            self.stack_count.setEnabled(False)
            self._update_batch()
            self.new_account()
            return
        entered, expected = registry.batch_count(self.batch_id)
        self.batch_id = None
        self.batch_button.setText("Start &batch")
        self.stack_count.setEnabled(True)
        self._update_batch(final=(entered, expected))

    def _update_batch(self, final: tuple[int, int | None] | None = None) -> None:
        if final is None and self.batch_id is None:
            self.batch_label.setText("")
            return
        entered, expected = final or registry.batch_count(cast(int, self.batch_id))  # (None returned above)
        text, bad = batch_text(entered, expected, ended=final is not None)
        self.batch_label.setText(text)
        self.batch_label.setStyleSheet("color: #b00020; font-weight: 600" if bad else "")

    # --- files ----------------------------------------------------------------------------
    def import_accounts(self) -> None:
        from .account_import_dialog import AccountImportDialog

        dialog = AccountImportDialog(self.session, self.prompter, self)
        dialog.exec()
        self.refresh()

    def export_list(self) -> str | None:
        """The list as searched, to Excel, in the background (Cancel leaves no file)."""
        from ...services.accounts.account_import import export_accounts

        path = self.prompter.choose_save_file("Export the account list", "registry.xlsx", "Excel (*.xlsx)")
        if not path:
            return None
        text, status = self.list.search.text(), self.list.status.currentData()

        def export(progress) -> int:
            return export_accounts(path, text, status,
                                   progress=lambda count: progress(None, f"{count:,} accounts written"))

        self.notice.setText("Exporting…")
        say = self.notice.setText
        run_in_background(self, export, title="Exporting the account list…", cancellable=True,
                          on_done=lambda count: say(f"Exported {count:,} account(s) to {path}."),
                          on_error=lambda message: say(f"Not exported: {message}"),
                          on_cancel=lambda: say("Export cancelled; no file was written."))
        return path


def batch_text(entered: int, expected: int | None, ended: bool = False) -> tuple[str, bool]:
    """The batch line and whether it flags a mismatch."""
    if expected is None:
        return f"Batch: {entered} entered" + (" (ended)" if ended else ""), False
    if entered > expected:
        return f"Batch: {entered} entered but the stack had {expected} — check the count", True
    if ended and entered != expected:
        return (f"Batch ended: {entered} entered of {expected} — {expected - entered} "
                "form(s) not entered"), True
    return f"Batch: {entered} of {expected} entered" + (" ✔" if entered == expected else ""), False
