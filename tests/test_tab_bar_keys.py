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
