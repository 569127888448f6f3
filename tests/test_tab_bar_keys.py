"""A tab's own keys work wherever the keys are in the window: on the tab bar too (the window
opened there, and Ctrl+N did nothing); the window opens with the keys in the tab's search box."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut

from billing_desk.models.db import open_database
from billing_desk.services.demo import build_demo
from billing_desk.services.office.session import open_session
from billing_desk.ui.prompts import ScriptedPrompter

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support raise",
                                       "This plugin does not support grabbing the keyboard")


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("tabkeys") / "demo.sqlite"
    opened = open_database(path)
    build_demo(accounts=12, seed=5)
    opened.close()
    return path


@pytest.fixture
def window(qtbot, demo_path):
    from billing_desk.ui.main_window import MainWindow

    session = open_session(demo_path)
    win = MainWindow(session, prompter=ScriptedPrompter())
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    yield win
    win.close()
    session.close()


def test_the_window_opens_with_the_keys_in_the_search_box(window, qtbot):
    page = window.tabs.currentWidget()
    qtbot.waitUntil(lambda: page.list.search.hasFocus(), timeout=3000)


def test_ctrl_n_from_the_tab_bar_opens_a_new_account(window, qtbot):
    page = window.tabs.currentWidget()
    qtbot.waitUntil(lambda: window.property("painted_once") is True, timeout=3000)
    bar = window.tabs.tabBar()
    bar.setFocus()
    assert bar.hasFocus()
    qtbot.keyClick(bar, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: page.stack.currentWidget() is page.form, timeout=3000)


def _tab_keys(page) -> list[QShortcut]:
    """The tab's keys that act while the keys are anywhere in it (not Esc, not a plain key)."""
    found = []
    for shortcut in page.findChildren(QShortcut):
        parent = shortcut.parent()
        key = shortcut.key()
        if (shortcut.context() == Qt.ShortcutContext.WidgetShortcut or key.isEmpty()
                or not parent.isVisible()):
            continue
        combination = key[0]
        if combination.keyboardModifiers() & (Qt.KeyboardModifier.ControlModifier
                                              | Qt.KeyboardModifier.AltModifier) \
                or Qt.Key.Key_F1 <= combination.key() <= Qt.Key.Key_F35:
            found.append(shortcut)
    return found


def test_every_tabs_keys_fire_from_the_tab_bar(window, qtbot):
    bar = window.tabs.tabBar()
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        page = window.tabs.currentWidget()
        keys = _tab_keys(page)
        assert keys, window.tabs.tabText(index)
        for shortcut in keys:
            fired: list[QShortcut] = []
            shortcut.activated.disconnect()  # the test counts; the tab's work is not done
            shortcut.activated.connect(lambda s=shortcut, f=fired: f.append(s))
            bar.setFocus()
            combination = shortcut.key()[0]
            qtbot.keyClick(bar, combination.key(), combination.keyboardModifiers())
            assert fired == [shortcut], (window.tabs.tabText(index),
                                         shortcut.key().toString(QKeySequence.SequenceFormat.NativeText))


def test_pyside_drops_a_context_given_with_a_slot_so_keys_are_made_by_one_helper(qtbot):
    """PySide6 6.12 ignores ``context=`` (keyword or not) in ``QShortcut(key, parent, slot, ...)``:
    such a key was a window's key. ``keys.widget_key`` sets the context after construction."""
    from PySide6.QtWidgets import QWidget

    from billing_desk.ui.keys import widget_key

    owner = QWidget()
    qtbot.addWidget(owner)
    inside = Qt.ShortcutContext.WidgetWithChildrenShortcut
    dropped = QShortcut(QKeySequence("Ctrl+N"), owner, lambda: None, context=inside)
    assert dropped.context() == Qt.ShortcutContext.WindowShortcut  # the quirk this helper is for
    made = widget_key(owner, "Ctrl+N", lambda: None)
    assert made.context() == inside and made.key().toString() == "Ctrl+N"


def test_every_tabs_keys_are_the_tabs_own(window):
    """A key a tab gives itself fires while the focus is inside the tab, never as the whole
    window's key (the main window passes it on from the tab bar: the tests above)."""
    window_keys = []
    for page in window.pages:  # every tab built
        for shortcut in page.findChildren(QShortcut):
            owner = shortcut.parent()
            if owner.window() is window and shortcut.context() == Qt.ShortcutContext.WindowShortcut:
                window_keys.append((type(page).__name__, shortcut.key().toString()))
    assert window_keys == [], window_keys


def _counting(shortcut: QShortcut) -> list[QShortcut]:
    fired: list[QShortcut] = []
    shortcut.activated.disconnect()  # the test counts; the tab's work is not done
    shortcut.activated.connect(lambda s=shortcut: fired.append(s))
    return fired


def _key_of(page, text: str) -> QShortcut:
    return next(s for s in page.findChildren(QShortcut) if s.key().toString() == text)


def test_a_hidden_tabs_key_does_nothing_and_the_shown_tabs_key_works_from_the_tab_bar(window, qtbot):
    orders, collections = window.open_tab("OrdersTab"), window.open_tab("CollectionsTab")
    claims = window.open_tab("ClaimsTab")  # shown; Orders and Collections built but hidden
    record_delivery = _counting(_key_of(orders, "Ctrl+D"))  # Orders' only
    claims_hold = _counting(_key_of(claims, "Ctrl+H"))  # Claims' and Collections' Ctrl+H
    collections_hold = _counting(_key_of(collections, "Ctrl+H"))
    bar = window.tabs.tabBar()
    for where in (bar, claims.search):  # from the tab bar, and inside the shown tab
        where.setFocus()
        qtbot.keyClick(where, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
        qtbot.keyClick(where, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    assert record_delivery == [] and collections_hold == []
    assert len(claims_hold) == 2
    window.open_tab("OrdersTab")
    bar.setFocus()
    qtbot.keyClick(bar, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert len(record_delivery) == 1 and len(claims_hold) == 2


def test_delete_on_an_invoice_removes_a_line_only_from_the_lines_table(qtbot, db, admin, catalogue,
                                                                         make_account, tmp_path):
    """Delete is the lines table's own key: in the provider's drop-down it deleted the line the
    table had current (the key was the whole form's)."""
    import datetime as dt
    from types import SimpleNamespace

    from billing_desk.services.books import invoices
    from billing_desk.ui.books.invoice_form import InvoiceForm

    draft = invoices.save_draft(invoices.InvoiceDraft(
        account_id=make_account().id, service_date=dt.date(2026, 1, 5), diagnoses=["E11.9"],
        lines=[invoices.LineInput("99213", 1, pointers="A"), invoices.LineInput("36415", 1, pointers="A")]),
        admin)
    form = InvoiceForm(SimpleNamespace(user=admin, path=tmp_path), draft.id, prompter=ScriptedPrompter())
    qtbot.addWidget(form)
    form.show()
    qtbot.waitExposed(form)
    form.activateWindow()
    form.lines_view.setCurrentIndex(form.lines_view.model().index(0, 0))
    form.claim.rendering.setFocus()
    qtbot.waitUntil(form.claim.rendering.hasFocus, timeout=2000)
    qtbot.keyClick(form.claim.rendering, Qt.Key.Key_Delete)
    assert len(form.lines) == 2
    form.lines_view.setFocus()
    qtbot.waitUntil(form.lines_view.hasFocus, timeout=2000)
    qtbot.keyClick(form.lines_view, Qt.Key.Key_Delete)
    assert len(form.lines) == 1
