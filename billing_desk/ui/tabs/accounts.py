"""Accounts tab: find an account by anything a clerk might have at hand."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from ...models.people import ACCOUNT_STATUSES
from ...services import accounts
from ..list_tab import ListPanel
from ..table_model import Column

COLUMNS = [
    Column("Account", lambda a: a.number, width=80),
    Column("Name", lambda a: a.display_name, width=220),
    Column("Status", lambda a: a.status, width=80),
    Column("Born", lambda a: a.date_of_birth, width=90),
    Column("Phone", lambda a: a.phone, width=120),
    Column("Patient owes", lambda a: a.patient_balance, width=110),
    Column("Insurance owes", lambda a: a.insurance_balance, width=110),
    Column("Credit", lambda a: a.unapplied_credit, width=90),
]


class AccountsTab(QWidget):
    title = "&Accounts"

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.list = ListPanel(COLUMNS, lambda text, status: accounts.search_accounts(text, status, limit=None),
                              ACCOUNT_STATUSES, "Search name, account number, phone, date of birth, email")
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)

    def refresh(self) -> None:
        self.list.refresh()

    def focus_search(self) -> None:
        self.list.search.setFocus()
        self.list.search.selectAll()
