"""The supervisor's queue of pending accounts: a checklist for each, approve or return with a note."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from ...errors import BillingError
from ...services.accounts import account_page, registry
from ...services.office.permissions import can
from ...services.office.settings import get_setting
from ..office.signoff import run_with_signoff
from ..table_model import Column, PagedTableModel, table_view
from .account_cases import static_model

QUEUE_COLUMNS = [
    Column("Account", lambda a: a.number, width=80),
    Column("Name", lambda a: a.display_name, width=220),
    Column("Kind", lambda a: a.kind, width=70),
    Column("Entered", lambda a: a.created_at, width=130),
    Column("Note", lambda a: a.status_reason, width=260),
]


class ApprovalQueue(QWidget):
    open_account = Signal(object)
    acted = Signal()  # an account was approved or returned: the queue's count changed

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.count_label = QLabel(objectName="queue-count")
        self.table = table_view(static_model(QUEUE_COLUMNS, [], self))
        self.checklist = QLabel(objectName="checklist", wordWrap=True)
        self.checklist.setTextFormat(Qt.TextFormat.RichText)
        self.note = QLineEdit(objectName="approval-note",
                              placeholderText="Note (required to return: say what needs fixing)")
        self.approve_button = QPushButton("&Approve (Ctrl+Enter)")
        self.return_button = QPushButton("Return to clerk (Ctrl+R)")
        self.approve_button.clicked.connect(self.approve)
        self.return_button.clicked.connect(self.send_back)
        self.message = QLabel(objectName="approval-message", wordWrap=True)
        allowed = can(session.user, "approve_account")
        for button in (self.approve_button, self.return_button):
            button.setEnabled(allowed or bool(get_setting("supervisor_signoff")))
        if not allowed:
            self.message.setText("Only a supervisor can approve or return accounts; "
                                 + ("a supervisor signs off with their own password when you do."
                                    if get_setting("supervisor_signoff") else "you can see the queue."))
        row = QHBoxLayout()
        row.addWidget(self.note, 1)
        row.addWidget(self.approve_button)
        row.addWidget(self.return_button)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<b>Pending accounts</b> — check each against its form, then approve "
                                "or return it with a note."))
        layout.addWidget(self.count_label)
        layout.addWidget(self.table, 2)
        layout.addWidget(self.checklist, 1)
        layout.addLayout(row)
        layout.addWidget(self.message)
        for keys, slot in (("Ctrl+Return", self.approve), ("Ctrl+Enter", self.approve),
                           ("Ctrl+R", self.send_back)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        self.table.activated.connect(lambda index: self._open(index.row()))
        self.note.installEventFilter(self)  # a line edit keeps Ctrl+Enter from the shortcut

    def eventFilter(self, obj, event):
        if obj is self.note and event.type() == QEvent.Type.KeyPress \
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) \
                and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.approve()
            return True
        return super().eventFilter(obj, event)

    def refresh(self) -> None:
        rows = list(accounts_pending())
        current = self.current()
        position = max(self.table.currentIndex().row(), 0)
        self.table.setModel(static_model(QUEUE_COLUMNS, rows, self))
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_checklist())
        self.count_label.setText(f"{len(rows)} waiting for approval")
        if rows:
            ids = [a.id for a in rows]
            # the same account, or (it left the queue) the one that took its place
            self.table.selectRow(ids.index(current.id) if current and current.id in ids
                                 else min(position, len(rows) - 1))
        self._show_checklist()

    def current(self):
        model = self.table.model()
        index = self.table.currentIndex()
        return model.row_object(index.row()) if isinstance(model, PagedTableModel) and index.isValid() \
            else None

    def _open(self, row: int) -> None:
        model = self.table.model()
        account = model.row_object(row) if isinstance(model, PagedTableModel) else None
        if account is not None:
            self.open_account.emit(account)

    def _show_checklist(self) -> None:
        account = self.current()
        if account is None:
            self.checklist.setText("Nothing is waiting.")
            return
        checks = account_page.approval_checklist(account.id)
        lines = [f"<b>{escape(account.number)} {escape(account.display_name)}</b>"]
        for item in checks.items:
            mark = "<span style='color:#1b6e20'>✔</span>" if item.ok else \
                "<span style='color:#b00020'>✘</span>"
            lines.append(f"{mark} {escape(item.label)}: {escape(item.detail)}")
        self.checklist.setText("<br>".join(lines))

    def _act(self, work, done: str) -> None:
        account = self.current()
        if account is None:
            return
        try:
            work(account)
        except BillingError as exc:  # the queue as it is now; the note kept in its box
            self.refresh()
            self.message.setText(str(exc))
            return
        self.message.setText(done.format(number=account.number))
        self.note.clear()
        self.refresh()
        self.acted.emit()

    def approve(self) -> None:
        self._act(lambda a: run_with_signoff(self, "approve_account", lambda approved_by: (
            registry.approve_account(a.id, self.session.user, self.note.text(), approved_by=approved_by,
                                     loaded_as=registry.status_version(a)))), "Approved {number}.")

    def send_back(self) -> None:
        self._act(lambda a: run_with_signoff(self, "approve_account", lambda approved_by: (
            registry.return_account(a.id, self.session.user, self.note.text(), approved_by=approved_by,
                                    loaded_as=registry.status_version(a)))),
                  "Returned {number} to the clerk.")


def accounts_pending():
    return account_page.pending_accounts()
