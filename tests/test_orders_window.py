"""The Order Forms tab driven with keys, as a clerk would: type, save, deliver twice, invoice twice."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from billing_desk.models import Account, Invoice, InvoiceLine, Order, OrderLine
from billing_desk.services.books.ledger import check_ledger
from billing_desk.services.orders import order_billing, order_forms

# The offscreen platform cannot raise or grab for the completer's popup; a desktop can.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")

D = Decimal
TODAY = dt.date.today()


class FakePrompts:
    """Answers the tab's questions; remembers what it was told."""

    def __init__(self):
        self.confirms, self.texts, self.paths, self.said = [], [], [], []
        self.dialog_hook = None

    def confirm(self, title, text, *, default_no=False):
        self.said.append(("confirm", text))
        return self.confirms.pop(0) if self.confirms else True

    def ask_text(self, title, label, text=""):
        return self.texts.pop(0) if self.texts else None

    def choose_save_file(self, title, name, pattern):
        return self.paths.pop(0) if self.paths else None

    def inform(self, title, text):
        self.said.append(("info", text))

    def warn(self, title, text):
        self.said.append(("error", text))

    def run(self, dialog):
        dialog.show()
        self.dialog_hook(dialog)
        return dialog.result() == dialog.DialogCode.Accepted


@pytest.fixture
def tab(qtbot, db, clerk, catalogue):
    from billing_desk.ui.orders.tab import OrdersTab

    widget = OrdersTab(SimpleNamespace(user=clerk, path=db.path))
    fake = FakePrompts()
    widget.prompts = widget.editor.prompts = widget.report.prompts = fake
    qtbot.addWidget(widget)
    widget.resize(1100, 700)
    widget.show()
    qtbot.waitExposed(widget)
    widget.refresh()
    return widget


def type_into(qtbot, widget, text, then=Qt.Key.Key_Tab):
    widget.setFocus()
    qtbot.keyClicks(widget, text)
    qtbot.keyClick(QApplication.activePopupWidget() or widget, then)  # an open list has the keys


def focused(qtbot):
    from PySide6.QtWidgets import QApplication

    return QApplication.focusWidget()


def type_order(qtbot, tab, account):
    """Ctrl+N, then the whole form with keys only, then Ctrl+S."""
    qtbot.keyClick(tab.list.search, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    editor = tab.editor
    assert tab.pages.currentWidget() is editor and focused(qtbot) is editor.client
    qtbot.keyClicks(editor.client, account.number)
    qtbot.keyClick(focused(qtbot), Qt.Key.Key_Return)  # Enter moves on
    assert editor.account_id == account.id
    for text in ("", "PO-4410", (TODAY + dt.timedelta(days=7)).strftime("%m/%d/%Y")):
        widget = focused(qtbot)
        qtbot.keyClicks(widget, text)
        qtbot.keyClick(widget, Qt.Key.Key_Return)
    assert focused(qtbot) is editor.ship_to
    qtbot.keyClicks(editor.ship_to, "Plant 2, 9 Dock Rd")
    qtbot.keyClick(editor.ship_to, Qt.Key.Key_Tab)
    qtbot.keyClicks(focused(qtbot), "Bob at the dock")
    qtbot.keyClick(focused(qtbot), Qt.Key.Key_Return)
    row1 = editor.lines.rows[0]
    assert focused(qtbot) is row1.code
    for text in ("80053", "5", "", ""):  # code, quantity, catalogue price, no reason
        widget = focused(qtbot)
        qtbot.keyClicks(widget, text)
        qtbot.keyClick(widget, Qt.Key.Key_Tab)
    assert row1.amount.text() == "$225.00"
    assert focused(qtbot) is editor.lines.rows[1].code
    for text in ("prd-kit", "2", "40.00", "volume price"):
        widget = focused(qtbot)
        qtbot.keyClicks(widget, text)
        qtbot.keyClick(widget, Qt.Key.Key_Tab)
    qtbot.keyClick(focused(qtbot), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)


def test_order_typed_with_keys_delivered_twice_invoiced_twice(qtbot, tab, make_account, clerk):
    account = make_account(last="Acme", first="Bob")
    type_order(qtbot, tab, account)
    editor = tab.editor
    order = Order.get()
    assert (order.po_number, order.contact, order.ship_to, order.status) == (
        "PO-4410", "Bob at the dock", "Plant 2, 9 Dock Rd", "approved")
    lines = order_forms.order_lines(order.id)
    assert [(l.item.code, l.quantity, l.unit_price, l.price_reason) for l in lines] == [
        ("80053", 5, D("45.00"), ""), ("PRD-KIT", 2, D("40.00"), "volume price")]
    assert "saved" in editor.message.text() and not editor.dirty
    qtbot.keyClick(focused(qtbot), Qt.Key.Key_Escape)
    assert tab.pages.currentIndex() == 0 and tab.list.current().id == order.id

    def deliver(amounts):
        def hook(dialog):
            for (_line_id, edit), amount in zip(dialog.quantities.items(), amounts):
                edit.selectAll()
                qtbot.keyClicks(edit, amount)
            dialog.performed_by.selectAll()
            qtbot.keyClicks(dialog.performed_by, "Tom Driver")
            qtbot.keyClick(dialog.note, Qt.Key.Key_Return)  # Enter accepts the dialog
        tab.prompts.dialog_hook = hook
        qtbot.keyClick(tab.list.table, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)

    deliver(["3", "0"])
    assert [l.filled for l in order_forms.order_lines(order.id)] == [3, 0]
    assert Order.get_by_id(order.id).status == "in_progress"
    qtbot.keyClick(tab.list.table, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    first = Invoice.get(Invoice.order == order.id)
    assert [(l.code, l.quantity) for l in first.lines] == [("80053", 3)]
    deliver(["2", "2"])
    qtbot.keyClick(tab.list.table, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    second = Invoice.select().where(Invoice.order == order.id).order_by(Invoice.id.desc()).first()
    assert [(l.code, l.quantity, l.amount) for l in second.lines.order_by(InvoiceLine.position)] == [
        ("80053", 2, D("90.00")), ("PRD-KIT", 2, D("80.00"))]
    qtbot.keyClick(tab.list.table, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    assert Invoice.select().count() == 2  # a third press bills nothing
    assert ("info", "Nothing delivered is waiting to be billed.") in tab.prompts.said
    assert Order.get_by_id(order.id).status == "invoiced"
    assert [f.performed_by for f in order_forms.deliveries(order.id)] == ["Tom Driver"] * 3
    assert Account.get_by_id(account.id).patient_balance == D("305.00")
    assert check_ledger() == [] and order_billing.check_orders() == []


def test_bad_lines_marked_and_nothing_saved(qtbot, tab, make_account):
    account = make_account()
    tab.new_order()
    editor = tab.editor
    type_into(qtbot, editor.client, account.number)
    editor.lines.rows[0].code.setFocus()
    for text in ("NOPE", "1", "", "", "80053", "0", "", "", "36415", "2", "15.005", ""):
        widget = focused(qtbot)
        qtbot.keyClicks(widget, text)
        qtbot.keyClick(QApplication.activePopupWidget() or widget, Qt.Key.Key_Tab)
    assert editor.save() is None
    text = editor.problems.text()
    assert "'NOPE' is not in the catalogue" in text
    assert "Line 2, Qty: must be at least 1" in text and "lines[" not in text
    assert "more than two decimals" in text
    assert editor.lines.rows[0].code.styleSheet() and editor.lines.rows[1].quantity.styleSheet()
    assert Order.select().count() == 0
    qtbot.keyClick(focused(qtbot), Qt.Key.Key_Escape)  # typed work: asks first
    assert tab.prompts.said[-1][0] == "confirm" and tab.pages.currentIndex() == 0


def test_over_limit_order_waits_for_a_supervisor(qtbot, tab, make_account, supervisor):
    account = make_account(last="Tight", credit_limit="100.00")
    tab.new_order()
    type_into(qtbot, tab.editor.client, account.number)
    tab.editor.lines.rows[0].code.setFocus()
    for text in ("80053", "3"):
        widget = focused(qtbot)
        qtbot.keyClicks(widget, text)
        qtbot.keyClick(widget, Qt.Key.Key_Tab)
    assert "Needs a supervisor" in tab.editor.credit.text()
    order = tab.editor.save()
    assert order.status == "received" and "waits for a supervisor" in tab.editor.message.text()
    tab.show_list()
    tab.approve()
    assert "may not approve an order over the credit limit" in tab.prompts.said[-1][1]
    tab.session.user = supervisor
    tab.approve()
    assert Order.get_by_id(order.id).status == "approved"


def test_cancel_line_and_order_from_the_list(qtbot, tab, make_account, clerk):
    account = make_account()
    order = order_forms.save_order(order_forms.OrderForm(account.id, TODAY, [
        order_forms.OrderLineInput("80053", 2), order_forms.OrderLineInput("36415", 1)]), clerk)
    tab.refresh()
    tab.lines.selectRow(1)
    tab.prompts.texts = ["client declined"]
    tab.cancel_line()
    assert OrderLine.get(OrderLine.order == order.id, OrderLine.position == 2).cancelled == 1
    tab.prompts.texts = ["duplicate"]
    tab.cancel_order()
    assert Order.get_by_id(order.id).status == "cancelled"


def test_confirmation_and_unfilled_report_outputs(qtbot, tab, make_account, clerk, tmp_path):
    from openpyxl import load_workbook
    from pypdf import PdfReader

    account = make_account(last="Zed")
    order = order_forms.save_order(order_forms.OrderForm(account.id, TODAY, [
        order_forms.OrderLineInput("80053", 4)], po_number="PO-9"), clerk)
    order_forms.record_delivery(order.id, {order_forms.order_lines(order.id)[0].id: 1}, clerk)
    tab.refresh()
    path = tab.confirmation_pdf(str(tmp_path / "c.pdf"))
    text = PdfReader(path).pages[0].extract_text()
    assert f"Order confirmation {order.number}" in text and "PO-9" in text and "$180.00" in text
    tab.show_report()
    assert tab.report.model.rowCount() == 4  # the client's heading, the line, subtotal, total
    assert "open quantity 3" in tab.report.totals.text() and "$135.00" in tab.report.totals.text()
    pdf = tab.report.export_pdf(str(tmp_path / "u.pdf"))
    qtbot.waitUntil(tab.report.job.isFinished, timeout=20_000)  # written in the background
    assert "Unfilled Orders" in PdfReader(pdf).pages[0].extract_text()
    xlsx = tab.report.export_xlsx(str(tmp_path / "u.xlsx"))
    qtbot.waitUntil(tab.report.job.isFinished, timeout=20_000)
    values = [c for row in load_workbook(xlsx).active.iter_rows(values_only=True) for c in row]
    assert (order.number in values or str(order.number) in values) and 3 in values
    assert "Client" not in values and "Subtotal Zed, Ann (100001)" in values  # the group names it


def test_delivered_order_opens_read_only(qtbot, tab, make_account, clerk):
    account = make_account()
    order = order_forms.save_order(
        order_forms.OrderForm(account.id, TODAY, [order_forms.OrderLineInput("80053", 4)]), clerk)
    tab.refresh()
    qtbot.keyClick(tab.list.table, Qt.Key.Key_Return)  # Enter opens the selected order
    assert tab.pages.currentWidget() is tab.editor and tab.editor.save_button.isVisibleTo(tab.editor)
    assert not tab.editor.client.isReadOnly()
    qtbot.keyClick(tab.editor.client, Qt.Key.Key_Escape)
    order_forms.record_delivery(order.id, {order_forms.order_lines(order.id)[0].id: 1}, clerk)
    order_billing.invoice_order(order.id, clerk)  # 45.00 billed: the order now stands for 135.00
    tab.open_order(order.id)
    assert tab.editor.client.isReadOnly() and not tab.editor.save_button.isVisibleTo(tab.editor)
    assert "This order" in tab.editor.credit.text() and "$135.00" in tab.editor.credit.text()
    assert "$45.00" in tab.editor.credit.text()  # the balance
    assert tab.editor.save() is None


def test_print_buttons_hand_the_pdf_to_the_printer(qtbot, tab, make_account, clerk, monkeypatch):
    from pypdf import PdfReader

    from billing_desk.printing import printer

    printed = []

    def fake_print(path, printer_name=None, **kw):
        printed.append(PdfReader(path).pages[0].extract_text())
        return 1

    monkeypatch.setattr(printer, "print_pdf", fake_print)
    account = make_account(last="Quill")
    order = order_forms.save_order(
        order_forms.OrderForm(account.id, TODAY, [order_forms.OrderLineInput("36415", 2)]), clerk)
    tab.refresh()
    tab.print_confirmation()
    tab.show_report()
    qtbot.waitUntil(tab.report.print_report().isFinished, timeout=20_000)  # printed in the background
    assert f"Order confirmation {order.number}" in printed[0] and "Unfilled Orders" in printed[1]

    def refuse(path, printer_name=None, **kw):
        raise printer.PrintError("no printer is set up on this computer")

    monkeypatch.setattr(printer, "print_pdf", refuse)
    tab.report.print_report()
    qtbot.waitUntil(lambda: tab.prompts.said[-1:] == [("error", "no printer is set up on this computer")],
                    timeout=20_000)


def test_unfilled_by_client_shows_headings_and_subtotals_and_every_column(qtbot, tab, make_account,
                                                                         clerk):
    """Item 13 (issue 18): grouped by client, each client is a heading with its subtotal, and at
    the window's default size (1200x760) the last column, Days open, is in view."""
    from billing_desk.ui.reports.report_model import DATA, GROUP, SUBTOTAL, TOTAL

    for last in ("Zed", "Young"):
        account = make_account(last=last)
        order_forms.save_order(order_forms.OrderForm(account.id, TODAY, [
            order_forms.OrderLineInput("80053", 2), order_forms.OrderLineInput("36415", 1)]), clerk)
    tab.resize(1200, 760)
    tab.show_report()
    view = tab.report
    model = view.table.model()
    kinds = [model.row_kind(row) for row in range(model.rowCount())]
    assert kinds == [GROUP, DATA, DATA, SUBTOTAL, GROUP, DATA, DATA, SUBTOTAL, TOTAL]
    headings = [model.index(r, 0).data() for r in range(model.rowCount()) if kinds[r] == GROUP]
    assert headings == ["Young, Ann (100002)", "Zed, Ann (100001)"]
    subtotal = kinds.index(SUBTOTAL)
    columns = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert model.index(subtotal, columns.index("Open value")).data() == "$105.00"
    last = model.columnCount() - 1
    assert columns[last] == "Days open"
    right = view.table.columnViewportPosition(last) + view.table.columnWidth(last)
    assert 0 < right <= view.table.viewport().width()
