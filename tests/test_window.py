"""The main window on the demo office: every tab lists real records; search runs in SQL."""

import pytest
from demo_fixtures import demo_path, shown_main_window  # noqa: F401 (demo_path: a fixture)
from PySide6.QtCore import Qt

from billing_desk.models.db import open_database

DEMO = {"accounts": 30, "seed": 11}


@pytest.fixture
def window(qtbot, demo_path):
    """The main window as the clerk has it: its questions asked in real message boxes."""
    with shown_main_window(qtbot, demo_path) as win:
        yield win


def main_model(page):
    """The tab's main list: a ListPanel's model, or the tab's own paged model."""
    return page.list.model if hasattr(page, "list") else page.model


def test_every_tab_lists_real_records(window, qtbot):
    seen = {}
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        page = window.tabs.currentWidget()
        if hasattr(page, "reader"):
            page.reader.settle()  # a tab that reads its list off the window's thread on a switch
        model = main_model(page)
        seen[window.tabs.tabText(index).replace("&", "")] = model.total
        if model.total:
            assert model.rowCount() > 0
            text = model.data(model.index(0, 0), Qt.ItemDataRole.DisplayRole)
            assert text
    assert seen["Accounts"] == 30
    assert seen["Invoice Entry"] > 50
    assert seen["Collections"] > 0
    assert seen["Order Forms"] > 0


def test_search_as_you_type_finds_by_name_and_number(window, qtbot):
    window.tabs.setCurrentIndex(0)
    panel = window.pages[0].list
    # a person (an organisation is found by its own name, which it sorts by)
    first = next(panel.model.row_object(r) for r in range(panel.model.rowCount())
                 if not panel.model.row_object(r).organization)
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert panel.search.hasFocus()
    qtbot.keyClicks(panel.search, first.last_name[:4])
    qtbot.waitUntil(lambda: panel.model.total < 30 and panel.model.total > 0, timeout=2000)
    assert all(panel.model.row_object(r).last_name.startswith(first.last_name[:4])
               for r in range(panel.model.rowCount()))
    panel.search.clear()
    qtbot.keyClicks(panel.search, first.number)
    qtbot.waitUntil(lambda: panel.model.total == 1, timeout=2000)
    assert panel.model.row_object(0).number == first.number


def test_status_bar_names_database_and_user(qtbot, window):
    assert window.session.path.name in window.db_label.text()
    assert window.db_label.toolTip() == str(window.session.path)
    assert window.session.user.full_name in window.user_label.text()
    qtbot.waitUntil(lambda: "Today:" in window.totals_label.text(), timeout=5000)  # after the paint


def test_table_models_pass_the_model_tester(window, qtmodeltester):
    for page in window.pages:
        page.refresh()
        qtmodeltester.check(main_model(page))


def test_no_two_commands_share_a_key(window):
    """A key bound twice where both can fire is ambiguous in Qt: neither runs."""
    from PySide6.QtGui import QAction, QShortcut

    def scope(obj):
        node = obj.parent()
        while node is not None:
            if node in window.pages:
                return window.tabs.tabText(window.pages.index(node))
            node = node.parent()
        return "window"

    list(window.pages)  # every tab built (each is built when first shown), so its keys are seen
    seen: dict[str, list[str]] = {}
    for obj in window.findChildren(QAction) + window.findChildren(QShortcut):
        keys = obj.shortcuts() if isinstance(obj, QAction) else [obj.key()]
        for key in keys:
            text = key.toString()
            if text:
                seen.setdefault(text, []).append(scope(obj))
    clashes = {}
    for key, scopes in seen.items():
        window_level = scopes.count("window")
        tabs = [s for s in scopes if s != "window"]
        if window_level > 1 or (window_level and tabs):
            clashes[key] = scopes
    assert clashes == {}, "\n".join(f"{k}: {v}" for k, v in clashes.items())
    assert "Ctrl+B" in seen and "Ctrl+L" in seen and "Ctrl+F" in seen


def test_reopen_in_place_keeps_the_user_and_the_tabs(window, demo_path):
    user = window.session.user
    window.reopen(demo_path)
    assert window.session.user.id == user.id
    assert all(page.session is window.session for page in window.pages)
    assert window.pages[0].list.model.total == 30


def _mnemonic(text: str) -> str:
    import re

    match = re.search(r"&([^&\s])", (text or "").replace("&&", ""))
    return match.group(1).lower() if match else ""


def test_alt_keys_are_unique_on_each_tab(window):
    """Two visible Alt+letter mnemonics with the same letter only move the focus between them."""
    from PySide6.QtWidgets import QAbstractButton, QLabel, QTabBar

    window.resize(1300, 800)
    clashes = {}
    for index, page in enumerate(window.pages):
        window.tabs.setCurrentIndex(index)
        owners: dict[str, list[str]] = {}
        for title in [window.tabs.tabText(i) for i in range(window.tabs.count())] + \
                [m.title() for m in window.menus.values()]:
            owners.setdefault(_mnemonic(title), []).append(title)
        for bar in page.findChildren(QTabBar):  # a page's own tabs have Alt letters too
            if bar.isVisibleTo(window):
                for i in range(bar.count()):
                    owners.setdefault(_mnemonic(bar.tabText(i)), []).append(bar.tabText(i))
        for widget in page.findChildren(QAbstractButton) + page.findChildren(QLabel):
            if not widget.isVisibleTo(window):
                continue
            letter = _mnemonic(widget.text())
            if letter and (not isinstance(widget, QLabel) or widget.buddy() is not None):
                owners.setdefault(letter, []).append(widget.text())
        owners.pop("", None)
        for letter, texts in owners.items():
            if len(texts) > 1:
                clashes[f"{window.tabs.tabText(index)}: Alt+{letter.upper()}"] = texts
    assert clashes == {}, "\n".join(f"{k}: {v}" for k, v in clashes.items())


def test_check_database_runs_in_the_background(window, qtbot, monkeypatch):
    import threading

    from PySide6.QtWidgets import QMessageBox

    from billing_desk.ui import main_window

    ran_on, said, real = [], [], main_window.run_checks
    monkeypatch.setattr(main_window, "run_checks",
                        lambda: (ran_on.append(threading.current_thread()), real())[1])
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text: said.append(text))
    window.check_database()
    qtbot.waitUntil(lambda: said != [], timeout=30_000)
    assert ran_on[0] is not threading.main_thread() and said[0].startswith("Everything checks out.")


def test_the_background_quick_check_reports_in_the_status_bar(window, qtbot):
    from concurrent.futures import Future

    future: Future = Future()
    window.session.opened.background_check = future
    window._watch_background_check()
    assert "Checking the database" in window.statusBar().currentMessage()
    future.set_result("ok")
    qtbot.waitUntil(lambda: window.statusBar().currentMessage() == "Database check: ok", timeout=10_000)


def test_ctrl_shift_y_opens_the_payers_screen_on_the_invoice_tab(window, qtbot):
    from PySide6.QtCore import Qt

    from billing_desk.ui.books.payers_dialog import PayersDialog

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(window, Qt.Key.Key_Y, ctrl_shift)
    tab = window.tabs.currentWidget()
    assert tab.title == "&Invoice Entry"
    dialogs = [w for w in tab.windows if isinstance(w, PayersDialog)]
    assert len(dialogs) == 1 and dialogs[0].list.model.total == 4  # the demo office's payers
    dialogs[0].close()


def test_the_demo_payers_and_accounts_pass_their_own_checks(demo_path):
    from billing_desk.models import Account, Payer
    from billing_desk.services.accounts import registry
    from billing_desk.services.accounts.account_checks import validate_account
    from billing_desk.services.books import payers

    opened = open_database(demo_path)
    try:
        demo_payers = list(Payer.select())
        assert len(demo_payers) == 4
        for payer in demo_payers:
            assert payers.validate_payer(payers.payer_form(payer.id), payer.id) == [], payer.name
            assert payer.address and payer.timely_filing_days
        assert {p.claim_mode for p in demo_payers} == {"electronic", "paper"}
        bad = {a.number: validate_account(registry.form_from_account(a))[1] for a in Account.select()}
        assert {number: problems for number, problems in bad.items() if problems} == {}
    finally:
        opened.close()
