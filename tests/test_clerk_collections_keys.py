"""Issue 19, typed on Collections: one Alt letter per command, and the buttons show their keys."""

import pytest
from PySide6.QtCore import Qt
from test_collections_tab import Session

from billing_desk.services.books.invoices import quick_invoice
from billing_desk.services.collections import worklist as col
from billing_desk.ui.prompts import ScriptedPrompter

ALT = Qt.KeyboardModifier.AltModifier


@pytest.fixture
def tab(qtbot, db, admin, make_account, catalogue, tmp_path):
    import datetime as dt

    day = dt.date(2026, 1, 5)
    col.save_stages([col.StageInput("Reminder", 30, "Please pay {amount_due}.")], admin)
    quick_invoice(make_account(last="Adams").id, day, [("99213", 1)], admin, entry_date=day)
    from billing_desk.ui.collections.tab import CollectionsTab

    widget = CollectionsTab(Session(admin, tmp_path / "office.sqlite"), prompter=ScriptedPrompter())
    widget.clock = lambda: day + dt.timedelta(days=75)
    qtbot.addWidget(widget)
    widget.resize(1200, 700)
    widget.show()
    qtbot.waitUntil(lambda: widget.review_job is None, timeout=10_000)
    widget.refresh()
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow, timeout=2000)
    return widget


def test_alt_w_writes_off_and_alt_k_u_switch_pages(tab, qtbot):
    tab.table.setFocus()
    qtbot.keyClick(tab.table, Qt.Key.Key_U, ALT)
    assert tab.pages.currentWidget() is tab.insurance
    qtbot.keyClick(tab.pages.currentWidget(), Qt.Key.Key_K, ALT)
    assert tab.pages.currentIndex() == 0
    tab.table.setFocus()
    tab.table.selectRow(0)
    qtbot.keyClick(tab.table, Qt.Key.Key_W, ALT)  # one press: the write-off asks its reason
    qtbot.waitUntil(lambda: bool(tab.prompter.asked), timeout=2000)  # a mnemonic animates the click
    assert tab.prompter.asked and "Write off" in tab.prompter.asked[0][1]


def test_collections_buttons_show_their_keys(tab):
    from PySide6.QtWidgets import QPushButton

    texts = {b.objectName(): b.text() for b in tab.findChildren(QPushButton)}
    assert "Ctrl+K" in texts["log_contact"] and "Ctrl+T" in texts["take"]
    assert "Ctrl+Shift+D" in texts["review_today"]

