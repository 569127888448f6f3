"""Collections tab: accounts whose patient balance is past due, oldest first."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from PySide6.QtWidgets import QVBoxLayout, QWidget

from ...money import from_cents
from ...services import lists
from ...services.aging import bucket_for
from ..list_tab import ListPanel
from ..table_model import Column


def _past_due(a) -> Decimal:
    return from_cents(a.past_due) if isinstance(a.past_due, int) else a.past_due


def _oldest(a) -> dt.date | None:
    value = a.oldest_due
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


COLUMNS = [
    Column("Account", lambda a: a.number, width=80),
    Column("Name", lambda a: a.display_name, width=220),
    Column("Phone", lambda a: a.phone, width=120),
    Column("Past due", _past_due, width=100),
    Column("Oldest due", _oldest, width=90),
    Column("Bucket", lambda a: bucket_for((dt.date.today() - _oldest(a)).days) if _oldest(a) else "",
           width=80),
    Column("Status", lambda a: a.status, width=70),
]


class CollectionsTab(QWidget):
    title = "&Collections"

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.list = ListPanel(COLUMNS, lambda text, _s: lists.past_due_query(dt.date.today(), text),
                              (), "Search name, account number, phone")
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)

    def refresh(self) -> None:
        self.list.refresh()

    def focus_search(self) -> None:
        self.list.search.setFocus()
