"""The window at its default size (issue 19, item 12): the Collections worklist shows the columns
a clerk works by without scrolling, the rest on demand; the status bar keeps the backup message
readable."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from billing_desk.services.office.session import Session
from billing_desk.ui.prompts import ScriptedPrompter

pytestmark = pytest.mark.qt_log_ignore(
    "This plugin does not support (raise|grabbing the keyboard|propagateSizeHints)")
WORKING = ("Account", "Name", "Past due", "Stage", "Follow up", "Held by", "Flag",
           "Skipped because", "Next stage")
BACKUP_SAID = ("Backed up to /home/clerk/.local/share/BillingDesk/backups/"
               "billing-desk-2026-01-05-0830.sqlite.gz (checked: 1,204 accounts, ledger balanced)")


@pytest.fixture
def window(qtbot, db, supervisor):
    from billing_desk.ui.main_window import MainWindow

    win = MainWindow(Session(db, supervisor), prompter=ScriptedPrompter())
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win, timeout=2000)
    yield win
    win.close()


def collections(window):
    from billing_desk.ui.collections.tab import CollectionsTab

    return next(page for page in window.pages if isinstance(page, CollectionsTab))


def shown_columns(table):
    header, model = table.horizontalHeader(), table.model()
    width = table.viewport().width()
    fit, cut = [], []
    for section in range(model.columnCount()):
        if header.isSectionHidden(section):
            continue
        title = model.headerData(section, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
        right = header.sectionPosition(section) + header.sectionSize(section)
        (fit if right <= width else cut).append(title)
    return fit, cut


def test_worklist_columns_fit_the_default_window(qtbot, window, tmp_path):
    assert (window.width(), window.height()) == (1200, 760)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_C, Qt.KeyboardModifier.AltModifier)
    tab = collections(window)
    qtbot.waitUntil(lambda: window.tabs.currentWidget() is tab, timeout=2000)
    qtbot.wait(50)
    window.grab().save(str(tmp_path / "collections.png"))
    fit, cut = shown_columns(tab.table)
    assert [c for c in WORKING if c not in fit] == [], (fit, cut)
    assert cut == []


def test_the_rest_of_the_columns_on_demand_and_remembered(qtbot, window):
    tab = collections(window)
    window.tabs.setCurrentWidget(tab)
    fit, _cut = shown_columns(tab.table)
    assert "Balance" not in fit and "Last contact" not in fit
    menu = tab.columns.menu
    menu.aboutToShow.emit()  # the menu lists every column, ticked when shown
    ticks = {a.text(): a.isChecked() for a in menu.actions()}
    assert ticks["Balance"] is False and ticks["Follow up"] is True and len(ticks) == 14
    next(a for a in menu.actions() if a.text() == "Balance").trigger()
    assert not tab.table.horizontalHeader().isSectionHidden(2)
    # The button's Alt key opens the same menu: the keyboard reaches it.
    button = tab.columns.button()
    assert button.menu() is menu and "&" in button.text()
    from billing_desk.ui.column_chooser import ColumnChooser

    again = ColumnChooser(tab.table, "collections", ("Balance",))  # the next start
    assert "Balance" not in again.hidden() and "Oldest" in again.hidden()


def test_status_bar_keeps_the_backup_message_whole(qtbot, window):
    window.say(BACKUP_SAID)
    bar = window.statusBar()
    shown = bar.currentMessage()  # too long for the bar: the file's name, whole, not its folders
    assert shown == BACKUP_SAID or shown == ("Backed up to billing-desk-2026-01-05-0830.sqlite.gz "
                                             "(checked: 1,204 accounts, ledger balanced)")
    assert bar.toolTip() == BACKUP_SAID  # the whole text, where the bar is too narrow
    assert window.db_label.text() == f"Database: {window.session.path.name}"
    assert window.db_label.toolTip() == str(window.session.path)
    permanent = sum(w.width() for w in (window.db_label, window.user_label, window.totals_label))
    assert bar.width() - permanent > 500  # room for most of a message at 1200 pixels
