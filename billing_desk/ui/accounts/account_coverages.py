"""The account page's Coverages: each plan with when it was last verified, and from the chosen
coverage the clerk records a verification before a visit (Alt+G) or any call with its payer
(Alt+Y), in the call form of ``ui/claims/calls.py``; the calls on the account are listed below."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ...services.accounts import account_page
from ...services.claims import payer_calls
from ..buttons import add_buttons
from ..claims.calls import CallDialog
from ..table_model import Column, PagedTableModel, table_view
from .account_cases import static_model

COLUMNS = [
    Column("Rank", lambda r: r[0].rank, width=80),
    Column("Payer", lambda r: r[0].plan.payer.name, width=160),
    Column("Plan", lambda r: r[0].plan.name, width=120),
    Column("Member id", lambda r: r[0].member_id, width=120),
    Column("Group", lambda r: r[0].group_number, width=80),
    Column("Subscriber", lambda r: r[0].subscriber_name, width=140),
    Column("From", lambda r: r[0].start_date, width=90),
    Column("Until", lambda r: r[0].end_date, width=90),
    Column("ESRD from", lambda r: r[0].esrd_started_on, width=90),
    Column("In use", lambda r: r[0].active, width=60),
    Column("Verified", lambda r: r[1], width=260),
]
CALL_COLUMNS = [
    Column("Date", lambda c: c.called_on, width=85),
    Column("About", lambda c: c.about, width=170),
    Column("Asked about", lambda c: c.topic, width=140),
    Column("Representative", lambda c: c.representative, width=110),
    Column("Reference", lambda c: c.reference, width=90),
    Column("Answer", lambda c: c.answer, width=260),
    Column("Follow up", lambda c: c.follow_up_on, width=85),
    Column("By", lambda c: c.by, width=70),
]


class CoveragesPanel(QWidget):
    def __init__(self, session, prompter, parent=None):
        super().__init__(parent)
        self.session, self.prompter = session, prompter
        self.account_id: int | None = None
        self.table = table_view(static_model(COLUMNS, [], self))
        self.calls = table_view(static_model(CALL_COLUMNS, [], self))
        self.message = QLabel(wordWrap=True, objectName="coverage_message")
        row = QHBoxLayout()
        self.buttons = add_buttons(row, (("verify", "Verify covera&ge…", self.verify),
                                         ("call", "Log a pa&yer call…", self.log_call)))
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 2)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addWidget(QLabel("<b>Calls with payers about this account</b>"))
        layout.addWidget(self.calls, 1)

    def show_account(self, account_id: int) -> None:
        self.account_id = account_id
        rows = [(c, payer_calls.verified_words(c.id)) for c in account_page.coverages(account_id)]
        self.table.setModel(static_model(COLUMNS, rows, self))
        if rows:
            self.table.selectRow(0)
        calls = payer_calls.calls(account_id=account_id, limit=200)
        self.calls.setModel(static_model(CALL_COLUMNS, calls, self))

    def _chosen(self):
        index = self.table.currentIndex()
        model = self.table.model()
        row = model.row_object(index.row()) if index.isValid() and isinstance(model, PagedTableModel) \
            else None
        if row is None:
            self.message.setText("Choose a coverage first.")
        return row[0] if row else None

    def _open(self, verify: bool) -> None:
        coverage = self._chosen()
        if coverage is None or self.account_id is None:
            return
        dialog = CallDialog(self.session, {"coverage_id": coverage.id}, verify=verify, parent=self,
                            about=f"{coverage.plan.payer.name} {coverage.plan.name}, member "
                                  f"{coverage.member_id}")
        if self.prompter.run(dialog):
            self.message.setText("Verification recorded." if verify else "Call recorded.")
            self.show_account(self.account_id)

    def verify(self) -> None:
        self._open(True)

    def log_call(self) -> None:
        self._open(False)
