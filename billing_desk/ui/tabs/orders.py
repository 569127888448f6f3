"""Order Forms tab: clients' orders and where each stands."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from ...models.orders import ORDER_STATUSES
from ...services import lists
from ..list_tab import ListPanel
from ..table_model import Column

COLUMNS = [
    Column("Order", lambda o: o.number, width=70),
    Column("Date", lambda o: o.order_date, width=90),
    Column("Client", lambda o: o.account.display_name, width=220),
    Column("PO number", lambda o: o.po_number, width=110),
    Column("Requested", lambda o: o.requested_date, width=90),
    Column("Status", lambda o: o.status.replace("_", " "), width=100),
]


class OrdersTab(QWidget):
    title = "&Order Forms"

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.list = ListPanel(COLUMNS, lists.orders_query, ORDER_STATUSES,
                              "Search order number, PO number, client")
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)

    def refresh(self) -> None:
        self.list.refresh()

    def focus_search(self) -> None:
        self.list.search.setFocus()
