"""The main window paints with the one tab it shows: each other tab is built when first shown
or first asked for (a key that acts on it), and Collections reads its list off the window's
thread when it is switched to."""

from __future__ import annotations

import threading

from demo_fixtures import demo_path, window  # noqa: F401 (fixtures)
from PySide6.QtCore import Qt

DEMO = {"accounts": 12, "seed": 3}


def built(window) -> list[str]:
    return [type(page).__name__ for page in window.built_pages()]


def test_only_the_shown_tab_is_built_at_start(window):
    from billing_desk.ui.main_window import TABS

    assert built(window) == ["AccountsTab"]
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == [t for t, _c, _m in TABS]
    for title, name, make in TABS:  # each title is its class's own
        assert make().__name__ == name and make().title == title
    window.tabs.setCurrentIndex(3)
    assert built(window) == ["AccountsTab", "OrdersTab"]
    assert window.tabs.currentWidget() is window.pages[3] and window.tabs.currentIndex() == 3
    assert window.pages[1] is window.tabs.widget(1)  # asked for: built, not shown
    assert window.tabs.currentIndex() == 3 and len(built(window)) == 3


def test_a_key_that_acts_on_a_tab_builds_it_first(window, qtbot):
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(window, Qt.Key.Key_Y, ctrl_shift)  # Tools > Payers and plans: Invoice Entry
    assert window.tabs.currentWidget().title == "&Invoice Entry"
    assert built(window) == ["AccountsTab", "InvoicesTab"]
    for dialog in window.tabs.currentWidget().windows:
        dialog.close()
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentWidget().list.search.hasFocus()


def test_switching_to_collections_reads_its_list_off_the_windows_thread(window, qtbot, monkeypatch):
    from billing_desk.services.collections import worklist as col

    threads, real = [], col.worklist

    def worklist(*args, **kwargs):
        threads.append(threading.current_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(col, "worklist", worklist)
    window.tabs.setCurrentIndex(4)
    tab = window.tabs.currentWidget()
    assert type(tab).__name__ == "CollectionsTab"
    assert tab.count_label.text() == "Reading the worklist…" and tab.model.rowCount() == 0
    tab.reader.settle()
    qtbot.waitUntil(lambda: tab.review_job is None, timeout=10_000)
    tab.reader.settle()
    assert tab.model.total > 0 and threads and threading.main_thread() not in threads


def test_a_change_of_user_keeps_unbuilt_tabs_unbuilt(window):
    from billing_desk.ui.main_window import Unbuilt

    kept = window.take_tabs()
    assert window.tabs.count() == 0 and sum(isinstance(w, Unbuilt) for w in kept) == 4
    window.put_tabs(kept)
    assert window.tabs.widget(0) is kept[0] and built(window) == ["AccountsTab"]


def test_each_reports_item_is_there_when_the_reports_menu_opens(window):
    menu = window.menu("&Reports")
    texts = [a.text() for a in menu.actions()]
    assert texts[:2] == ["&Reports…", "Billing re&view…"] and texts[-1] == "&Close the day…"
    assert "Day sheet…" not in texts  # each report's item: added when the menu first opens
    menu.aboutToShow.emit()
    menu.aboutToShow.emit()
    texts = [a.text() for a in menu.actions()]
    assert texts.count("Day sheet…") == 1 and texts[-1] == "&Close the day…"
    assert texts.index("Day sheet…") < [a.isSeparator() for a in menu.actions()].index(True)


def test_a_tab_built_after_the_window_shows_leaves_it_the_active_window(window, qtbot):
    """(A box shown before it had a parent was a window of its own for a moment: the main
    window lost the focus, and Ctrl+F found no search box.)"""
    from PySide6.QtWidgets import QApplication

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    for index in (1, 3, 2, 4):
        window.tabs.setCurrentIndex(index)
        qtbot.wait(20)
        assert window.isActiveWindow(), window.tabs.tabText(index)
        window.focus_search()
        assert QApplication.focusWidget() is not None


def test_the_accounts_tab_builds_its_form_and_pages_when_first_needed(window, qtbot):
    from billing_desk.ui.accounts.tab import FORM, LIST

    tab = window.pages[0]
    assert set(tab._built) == {LIST}  # the list shows; the form, page, queue, cases wait
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    tab.list.table.setFocus()
    qtbot.keyClick(tab.list.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert tab.stack.currentIndex() == FORM and tab.stack.currentWidget() is tab.form
    assert set(tab._built) == {LIST, FORM} and tab.stack.count() == 5
