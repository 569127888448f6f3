"""Invoice Entry tab: the invoices on the books, newest first."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from ...models.billing import INVOICE_STATUSES
from ...services import lists
from ..list_tab import ListPanel
from ..table_model import Column

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

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.list = ListPanel(COLUMNS, lists.invoices_query, INVOICE_STATUSES,
                              "Search invoice number, account, name")
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)

    def refresh(self) -> None:
        self.list.refresh()

    def focus_search(self) -> None:
        self.list.search.setFocus()
