"""Order Forms tab: find orders, type new ones, record deliveries, cancel, invoice what was filled,
print confirmations, and the unfilled orders report.

Three pages: the list with the selected order's lines below it, the order form, the report.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...choices import ORDER_STATUSES
from ...errors import BillingError
from ...money import format_money
from ...services.accounts import lists
from ...services.office.validation import parse_date
from ...services.orders import order_billing, order_forms
from ..keys import widget_key
from ..list_tab import ListPanel
from ..prompts import Prompter
from ..table_model import Column, PagedTableModel
from .order_dialogs import DeliveryDialog
from .order_editor import OrderEditor
from .order_report import UnfilledView

COLUMNS = [
    Column("Order", lambda o: o.number, width=70),
    Column("Date", lambda o: o.order_date, width=90),
    Column("Client", lambda o: o.account.display_name, width=240),
    Column("PO number", lambda o: o.po_number, width=110),
    Column("Requested", lambda o: o.requested_date, width=90),
    Column("Status", lambda o: o.status.replace("_", " "), width=100),
]

LINE_COLUMNS = [
    Column("#", lambda l: l.position, width=35),
    Column("Item", lambda l: l.item.code, width=80),
    Column("Description", lambda l: l.item.description, width=230),
    Column("Ordered", lambda l: l.quantity, width=65),
    Column("Cancelled", lambda l: l.cancelled or None, width=70),
    Column("Filled", lambda l: l.filled, width=55),
    Column("Invoiced", lambda l: l.invoiced, width=65),
    Column("Open", lambda l: l.open_quantity, width=50),
    Column("Unit price", lambda l: l.unit_price, width=85),
    Column("Why", lambda l: l.price_reason or l.cancel_reason, width=160),
]

ACTIONS = (  # text, method, shortcut
    ("&New order", "new_order", "Ctrl+N"),
    ("Appro&ve", "approve", ""),
    ("Record &delivery…", "record_delivery", "Ctrl+D"),
    ("Cancel line…", "cancel_line", "Ctrl+Shift+L"),
    ("Cancel order…", "cancel_order", "Ctrl+Shift+X"),
    ("Invoice filled", "invoice_order", "Ctrl+I"),
    ("Invoice all of the client'&s orders", "invoice_account", ""),
    ("Confir&mation PDF…", "confirmation_pdf", ""),
    ("&Print confirmation", "print_confirmation", ""),
    ("&Unfilled orders report", "show_report", ""),
)


class OrdersTab(QWidget):
    title = "&Order Forms"

    def __init__(self, session, parent=None, *, prompter: Prompter | None = None):
        super().__init__(parent)
        self.session = session
        self.prompts = prompter or Prompter(self)
        self.pages = QStackedWidget()
        self.editor = OrderEditor(session, self.prompts)
        self.editor.saved.connect(lambda _order: self.list.refresh())
        self.editor.closed.connect(self.show_list)
        self.report = UnfilledView(self.prompts)
        self.report.closed.connect(self.show_list)
        self.pages.addWidget(self._list_page())
        self.pages.addWidget(self.editor)
        self.pages.addWidget(self.report)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)
        for _text, name, shortcut in ACTIONS:
            if shortcut:
                widget_key(self, shortcut, getattr(self, name))  # also from the tab bar (keys.tab_key)

    def _list_page(self) -> QWidget:
        self.date_from = QLineEdit(placeholderText="from MM/DD/YYYY")
        self.date_to = QLineEdit(placeholderText="to MM/DD/YYYY")
        self.item = QLineEdit(placeholderText="item code")
        for edit in (self.date_from, self.date_to, self.item):
            edit.setMaximumWidth(130)
            edit.editingFinished.connect(self.refresh)
        self.list = ListPanel(COLUMNS, self._query, ORDER_STATUSES,
                              "Search order number, PO number, client, item code, order date",
                              typing_off_thread=True)
        self.list.activated.connect(lambda order: self.open_order(order.id))
        self.list.table.selectionModel().currentRowChanged.connect(lambda *_a: self._show_detail())
        self.list.model.modelReset.connect(self._show_detail)
        filters = QHBoxLayout()
        filters.addWidget(QLabel("Ordered"))
        filters.addWidget(self.date_from)
        filters.addWidget(self.date_to)
        filters.addWidget(QLabel("with item"))
        filters.addWidget(self.item)
        filters.addStretch(1)
        self.detail = QLabel()
        self.detail.setObjectName("detail")
        self.detail.setWordWrap(True)
        self.line_model = PagedTableModel(LINE_COLUMNS, parent=self)
        self.lines = QTableView()
        self.lines.setModel(self.line_model)
        self.lines.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.lines.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.lines.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.lines.verticalHeader().setVisible(False)
        for i, column in enumerate(LINE_COLUMNS):
            if column.width is not None:
                self.lines.setColumnWidth(i, column.width)
        self.deliveries = QLabel()
        self.deliveries.setWordWrap(True)
        buttons = QGridLayout()
        for i, (text, name, shortcut) in enumerate(ACTIONS):
            button = QPushButton(f"{text} ({shortcut})" if shortcut else text)
            button.setObjectName(name)
            button.clicked.connect(lambda _c=False, n=name: getattr(self, n)())
            buttons.addWidget(button, i // 5, i % 5)
        below = QWidget()
        below_layout = QVBoxLayout(below)
        below_layout.setContentsMargins(0, 0, 0, 0)
        below_layout.addWidget(self.detail)
        below_layout.addWidget(self.lines, 1)
        below_layout.addWidget(self.deliveries)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.list)
        split.addWidget(below)
        split.setSizes([300, 260])
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(filters)
        layout.addWidget(split, 1)
        layout.addLayout(buttons)
        return page

    def _query(self, text: str, status: str | None):
        days = []
        for edit in (self.date_from, self.date_to):
            day, problem = parse_date(edit.text(), "date")
            edit.setStyleSheet("border: 1px solid #b00020" if problem else "")
            days.append(day)
        return lists.orders_query(text, status, date_from=days[0], date_to=days[1],
                                  item=self.item.text())

    # --- pages ----------------------------------------------------------------------------
    def refresh(self) -> None:
        if self.pages.currentWidget() is self.report:
            self.report.refresh()
        else:
            self.list.refresh()

    def focus_search(self) -> None:
        if self.pages.currentWidget() is self.editor and not self.editor.discard_ok():
            return
        self.show_list()
        self.list.search.setFocus()
        self.list.search.selectAll()

    def show_list(self) -> None:
        self.pages.setCurrentIndex(0)
        self.list.refresh()
        self.list.table.setFocus()

    def new_order(self) -> None:
        if self.pages.currentWidget() is self.editor and not self.editor.discard_ok():
            return
        self.pages.setCurrentWidget(self.editor)
        self.editor.start_new()

    def open_order(self, order_id: int) -> None:
        self.pages.setCurrentWidget(self.editor)
        self.editor.load(order_id)

    def show_report(self) -> None:
        self.pages.setCurrentWidget(self.report)
        self.report.refresh()
        self.report.table.setFocus()

    # --- the selected order ---------------------------------------------------------------
    def current_order(self):
        if self.pages.currentWidget() is self.editor and self.editor.order_id:
            return order_forms.get_order(self.editor.order_id)
        order = self.list.current()
        return order_forms.get_order(order.id) if order is not None else None

    def _show_detail(self) -> None:
        order = self.list.current()
        if order is None:
            self.detail.setText("No order chosen.")
            self.line_model.set_source(lambda o, l: [], lambda: 0)
            self.deliveries.clear()
            return
        order = order_forms.get_order(order.id)
        lines = order_forms.order_lines(order.id)
        self.line_model.set_source(lambda o, l: lines[o:o + l], lambda: len(lines))
        account = order.account
        check = order_forms.credit_check(account)
        self.detail.setText(
            f"<b>Order {order.number}</b> · {order.status.replace('_', ' ')} · {account} · PO "
            f"{order.po_number or '-'} · balance {format_money(check.balance)} · past due "
            f"{format_money(check.past_due)}"
            + (f" · <span style='color:#b00020'>{order.cancel_reason}</span>" if order.cancel_reason else ""))
        done = order_forms.deliveries(order.id)
        self.deliveries.setText("Deliveries: " + ("; ".join(
            f"{f.fulfilled_on:%m/%d/%Y} line {f.line.position} ×{f.quantity} by {f.performed_by}"
            for f in done) if done else "none yet"))

    def _act(self, title: str, work) -> bool:
        try:
            result = work()
        except (BillingError, OSError) as exc:
            self.prompts.warn(title, str(exc))
            return False
        self.list.refresh()
        return result is not False

    def _need_order(self, title: str):
        order = self.current_order()
        if order is None:
            self.prompts.warn(title, "Choose an order in the list first.")
        return order

    # --- actions --------------------------------------------------------------------------
    def approve(self) -> None:
        order = self._need_order("Approve")
        if order is not None:
            self._act("Approve", lambda: order_forms.approve_order(order.id, self.session.user))

    def record_delivery(self) -> None:
        order = self._need_order("Record delivery")
        if order is None:
            return
        user = self.session.user

        def submit(values):
            order_forms.record_delivery(order.id, values["quantities"], user, on=values["on"],
                                   performed_by=values["performed_by"], note=values["note"])

        dialog = DeliveryDialog(order, order_forms.order_lines(order.id), user.full_name, submit, self)
        if not dialog.quantities:
            self.prompts.warn("Record delivery", f"Order {order.number} has nothing open.")
            return
        if self.prompts.run(dialog):
            self.list.refresh()

    def cancel_line(self) -> None:
        order = self._need_order("Cancel line")
        index = self.lines.currentIndex()
        line = self.line_model.row_object(index.row()) if index.isValid() else None
        if order is None or line is None:
            self.prompts.warn("Cancel line", "Choose the line to cancel in the order's lines.")
            return
        reason = self.prompts.ask_text("Cancel line", f"Why cancel what is still open on line "
                                       f"{line.position} ({line.item.code}, {line.open_quantity} open)?")
        if reason is not None:
            self._act("Cancel line", lambda: order_forms.cancel_line(line.id, reason, self.session.user))

    def cancel_order(self) -> None:
        order = self._need_order("Cancel order")
        if order is None:
            return
        reason = self.prompts.ask_text("Cancel order", f"Why cancel everything still open on order "
                                       f"{order.number}?")
        if reason is not None:
            self._act("Cancel order", lambda: order_forms.cancel_order(order.id, reason, self.session.user))

    def invoice_order(self) -> None:
        order = self._need_order("Invoice")
        if order is not None:
            self._invoice(
                lambda: [i for i in [order_billing.invoice_order(order.id, self.session.user)] if i])

    def invoice_account(self) -> None:
        order = self._need_order("Invoice")
        if order is not None and self.prompts.confirm(
                "Invoice", f"Invoice everything delivered and not yet billed on all orders of "
                f"{order.account}?"):
            self._invoice(lambda: order_billing.invoice_account(order.account_id, self.session.user))

    def _invoice(self, work) -> None:
        made = []
        if self._act("Invoice", lambda: made.extend(work())):
            if made:
                self.prompts.inform("Invoiced", "Posted " + ", ".join(
                    f"invoice {i.number} ({i.total})" for i in made) + ".")
            else:
                self.prompts.inform("Invoiced", "Nothing delivered is waiting to be billed.")

    def confirmation_pdf(self, path: str | None = None) -> str | None:
        order = self._need_order("Order confirmation")
        if order is None:
            return None
        path = path or self.prompts.choose_save_file("Order confirmation", f"order-{order.number}.pdf",
                                              "PDF files (*.pdf)")
        from ...printing.order_docs import render_confirmation  # reportlab: read when first drawn

        if path and self._act("Order confirmation", lambda: Path(path).write_bytes(
                render_confirmation(order_forms.confirmation_data(order.id)))):
            return path
        return None

    def print_confirmation(self) -> None:
        from ...printing.printer import print_pdf

        with tempfile.TemporaryDirectory() as folder:
            path = self.confirmation_pdf(str(Path(folder) / "confirmation.pdf"))
            if path:
                self._act("Print", lambda: print_pdf(path, doc_name=Path(path).stem))
