"""Issue 19, typed on Order Forms: deliveries, lines and their messages (keys only)."""

import pytest
from PySide6.QtCore import Qt
from test_orders_window import focused, tab, type_order  # noqa: F401

from billing_desk.models import Order
from billing_desk.services.orders import order_forms

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")
ENTER, CTRL = Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier


def test_record_delivery_starts_each_line_at_zero_and_one_enter_records_nothing(qtbot, tab, make_account):
    type_order(qtbot, tab, make_account(last="Acme", first="Bob"))
    order = Order.get()
    qtbot.keyClick(focused(qtbot), Qt.Key.Key_Escape)
    seen = {}

    def active(dialog):
        dialog.activateWindow()
        qtbot.waitUntil(lambda: dialog.isAncestorOf(focused(qtbot)), timeout=2000)

    def hook(dialog):
        active(dialog)
        seen["start"] = [edit.text() for edit in dialog.quantities.values()]
        for _ in range(5):  # Enter down the two lines, the date, who, and the note
            qtbot.keyClick(focused(qtbot), ENTER)
        seen["problems"] = dialog.lines_error.text()
        seen["open"] = dialog.isVisible()
        dialog.reject()

    tab.prompts.dialog_hook = hook
    qtbot.keyClick(tab.list.table, Qt.Key.Key_D, CTRL)
    assert seen["start"] == ["0", "0"]
    assert seen["open"] and "at least one line" in seen["problems"]
    assert [line.filled for line in order_forms.order_lines(order.id)] == [0, 0]

    def deliver_two(dialog):
        active(dialog)
        qtbot.keyClick(focused(qtbot), ENTER)  # the first line stays at 0
        assert focused(qtbot) is list(dialog.quantities.values())[1]
        qtbot.keyClicks(focused(qtbot), "2")
        for _ in range(4):
            qtbot.keyClick(focused(qtbot), ENTER)
        seen["values"], seen["problems"] = dialog.values(), dialog.problems.text()

    tab.prompts.dialog_hook = deliver_two
    tab.activateWindow()
    qtbot.waitUntil(tab.isActiveWindow, timeout=2000)
    qtbot.keyClick(tab.list.table, Qt.Key.Key_D, CTRL)
    assert [line.filled for line in order_forms.order_lines(order.id)] == [0, 2], seen


def test_a_delivery_in_the_future_or_before_the_order_is_refused_at_its_date(qtbot, tab, make_account):
    import datetime as dt

    type_order(qtbot, tab, make_account(last="Acme", first="Bob"))
    order = Order.get()
    qtbot.keyClick(focused(qtbot), Qt.Key.Key_Escape)
    seen = []

    def hook(dialog):
        dialog.activateWindow()
        qtbot.waitUntil(lambda: dialog.isAncestorOf(focused(qtbot)), timeout=2000)
        qtbot.keyClicks(focused(qtbot), "1")
        qtbot.keyClick(focused(qtbot), ENTER)
        qtbot.keyClick(focused(qtbot), ENTER)  # the second line stays at 0
        for day in (dt.date.today() + dt.timedelta(days=3), order.order_date - dt.timedelta(days=1)):
            assert focused(qtbot) is dialog.day
            qtbot.keyClick(dialog.day, Qt.Key.Key_A, CTRL)
            qtbot.keyClicks(dialog.day, day.strftime("%m/%d/%Y"))
            for _ in range(3):
                qtbot.keyClick(focused(qtbot), ENTER)  # date, who, note: Enter on the note records
            said = dialog.errors.boxes["delivered_on"][1]
            seen.append(said.text() if said.isVisibleTo(dialog) else "")
        dialog.reject()

    tab.prompts.dialog_hook = hook
    qtbot.keyClick(tab.list.table, Qt.Key.Key_D, CTRL)
    assert "future" in seen[0] and "before the order's date" in seen[1]
    assert [line.filled for line in order_forms.order_lines(order.id)] == [0, 0]


def test_escape_on_the_item_code_list_only_closes_the_list(qtbot, tab, make_account):
    account = make_account(last="Acme", first="Bob")
    qtbot.keyClick(tab.list.search, Qt.Key.Key_N, CTRL)
    editor = tab.editor
    qtbot.keyClicks(editor.client, account.number)
    qtbot.keyClick(focused(qtbot), ENTER)
    code = editor.lines.rows[0].code
    code.setFocus()
    qtbot.keyClicks(code, "kit")
    popup = code.completer().popup()
    qtbot.waitUntil(popup.isVisible, timeout=2000)
    asked = len(tab.prompts.said)
    from PySide6.QtWidgets import QApplication

    qtbot.keyClick(QApplication.activePopupWidget() or focused(qtbot), Qt.Key.Key_Escape)
    assert not popup.isVisible() and len(tab.prompts.said) == asked
    assert tab.pages.currentWidget() is editor and code.text() == "kit"


def to_keys():
    """Where a key goes on a desktop: an open completer list has the keyboard."""
    from PySide6.QtWidgets import QApplication

    return QApplication.activePopupWidget() or QApplication.focusWidget()


def test_enter_in_order_lines_chooses_the_highlighted_item_and_moves_on(qtbot, tab, make_account):
    account = make_account(last="Acme", first="Bob")
    qtbot.keyClick(tab.list.search, Qt.Key.Key_N, CTRL)
    editor = tab.editor
    qtbot.keyClicks(editor.client, account.number)
    qtbot.keyClick(to_keys(), ENTER)
    row1 = editor.lines.rows[0]
    row1.code.setFocus()
    qtbot.keyClicks(to_keys(), "first aid")  # words: the list offers PRD-KIT
    popup = row1.code.completer().popup()
    qtbot.waitUntil(popup.isVisible, timeout=2000)
    qtbot.keyClick(to_keys(), Qt.Key.Key_Down)  # highlight it
    qtbot.keyClick(to_keys(), ENTER)  # chosen, and on to the quantity
    assert row1.code.text() == "PRD-KIT" and to_keys() is row1.quantity
    qtbot.keyClicks(to_keys(), "3")
    for _ in range(3):
        qtbot.keyClick(to_keys(), ENTER)  # quantity, price, reason: down to the next line
    row2 = editor.lines.rows[1]
    assert to_keys() is row2.code
    qtbot.keyClicks(to_keys(), "80053")
    qtbot.keyClick(to_keys(), ENTER)  # typed in full, nothing highlighted: Enter moves on
    assert to_keys() is row2.quantity
    qtbot.keyClicks(to_keys(), "2")
    assert (row1.code.text(), row1.quantity.text(), row2.code.text(), row2.quantity.text()) == (
        "PRD-KIT", "3", "80053", "2")
    qtbot.keyClick(to_keys(), Qt.Key.Key_S, CTRL)
    lines = order_forms.order_lines(Order.get().id)
    assert [(line.item.code, line.quantity) for line in lines] == [("PRD-KIT", 3), ("80053", 2)]


def test_an_order_date_that_does_not_exist_is_said_under_it_when_left(qtbot, tab, make_account):
    qtbot.keyClick(tab.list.search, Qt.Key.Key_N, CTRL)
    editor = tab.editor
    editor.order_date.setFocus()
    qtbot.keyClick(editor.order_date, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(editor.order_date, "13/45/2026")
    qtbot.keyClick(editor.order_date, ENTER)
    said = editor.errors.boxes["order_date"][1]
    assert said.isVisibleTo(editor) and "not a date that exists" in said.text()
