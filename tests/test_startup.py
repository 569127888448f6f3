"""The start-up path (issue 19, item 17): ui/app.run_window opens the window after sign-in, builds
the demo with a progress window, backs up at closing and lets go of the file; the window remembers
its size, layout and tab; its screenshot shows a painted tab bar and account list."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from billing_desk.services.office.session import Session
from billing_desk.ui.prompts import ScriptedPrompter

pytestmark = pytest.mark.qt_log_ignore(
    "This plugin does not support (raise|grabbing the keyboard|propagateSizeHints)")


def painted(image: QImage, area: QRect, step: int = 2) -> float:
    """The share of pixels in ``area`` that differ from its most common colour (the background)."""
    area = area.intersected(image.rect())
    colours: dict[int, int] = {}
    for x in range(area.left(), area.right(), step):
        for y in range(area.top(), area.bottom(), step):
            rgb = image.pixel(x, y)
            colours[rgb] = colours.get(rgb, 0) + 1
    total = sum(colours.values())
    return 1 - max(colours.values()) / total if total else 0.0


@pytest.fixture
def started(qtbot, tmp_path, monkeypatch):
    """run_window with the sign-in answered and the event loop replaced by a look at the window
    (then it is closed, as the clerk's Ctrl+Q would)."""
    from billing_desk.services.office import backup, users
    from billing_desk.ui import app
    from billing_desk.ui.main_window import MainWindow
    from billing_desk.ui.office import signin

    seen: dict = {"backups": []}
    monkeypatch.setattr(signin, "sign_in_at_start", lambda office="", file="": (
        seen.setdefault("heading", office), seen.setdefault("files", []).append(file),
        users.ensure_administrator())[2])

    def auto_backup(session, reason, progress=None):
        seen["backups"].append((reason, threading.current_thread() is threading.main_thread()))
        return backup.AutoBackup(None, f"Backed up at {reason}")

    monkeypatch.setattr(backup, "auto_backup", auto_backup)

    def event_loop(self):
        window = next(w for w in QApplication.topLevelWidgets()
                      if isinstance(w, MainWindow) and w.isVisible())
        qtbot.waitExposed(window)
        qtbot.waitUntil(lambda: seen["backups"][:1] == [("start", False)], timeout=10_000)
        if "then" in seen:  # what the clerk does next in the window (it may open another office)
            window = seen.pop("then")(window)
        seen["window"] = window
        seen["title"] = window.windowTitle()
        seen["user"] = window.session.user.username
        window.close()
        return 0

    monkeypatch.setattr(type(QApplication.instance()), "exec", event_loop)
    monkeypatch.setattr(app, "PROMPTER", ScriptedPrompter())
    return seen


def test_the_window_opens_after_sign_in_and_backs_up_at_closing(started, tmp_path):
    from billing_desk.ui import app

    path = tmp_path / "office.sqlite"
    from billing_desk.models.db import open_database

    open_database(path).close()  # an office on file
    assert app.run_window(db=str(path)) == 0
    assert started["title"].endswith("office.sqlite") and started["user"]
    # the start's backup ran in the background, the closing one before the file was let go
    assert [reason for reason, _main in started["backups"]] == ["start", "closing"]
    assert not (tmp_path / "office.sqlite.lock").exists()  # the file was closed cleanly


def test_file_open_database_opens_an_office_on_a_server(started, tmp_path):
    """File > Open database… > a server's address: the office there opens (made, on an empty
    database), the sign-in and the title name its address, and this PC remembers it."""
    from pg_office import new_database

    from billing_desk.models.db import open_database
    from billing_desk.ui import app
    from billing_desk.ui.main_window import MainWindow
    from billing_desk.ui.office.open_office import KINDS, remembered

    url = new_database("bd_open")
    path = tmp_path / "office.sqlite"
    open_database(path).close()

    def open_the_server(window):
        window.prompter = ScriptedPrompter(KINDS[1], url)
        action = next(a for a in window.menus["&File"].actions() if a.text() == "&Open database…")
        action.trigger()
        return next(w for w in QApplication.topLevelWidgets()
                    if isinstance(w, MainWindow) and w.isVisible())

    started["then"] = open_the_server
    assert app.run_window(db=str(path)) == 0
    assert started["window"].session.opened.server == url
    assert started["title"].endswith(f"— {url}") and started["files"] == ["office.sqlite", url]
    assert remembered() == url


def test_the_demo_is_built_with_a_progress_window_then_opened(started, tmp_path, monkeypatch):
    from billing_desk.services import demo
    from billing_desk.ui import app, work

    titles = []
    real = work.run_and_wait
    monkeypatch.setattr(app, "run_and_wait", lambda parent, fn, **kw: (
        titles.append(kw["title"]), real(parent, fn, **kw))[1])
    monkeypatch.setattr(app, "demo_database", lambda: tmp_path / "demo.sqlite")
    built = []
    monkeypatch.setattr(demo, "build_demo", lambda progress=None, **kw: (
        progress("accounts"), built.append(threading.current_thread()))[0])
    assert app.run_window(demo=True) == 0
    assert titles[0] == "Building the demo office…" and built[0] is not threading.main_thread()
    assert started["title"].endswith("demo.sqlite")


def test_the_window_remembers_its_size_layout_and_tab(qtbot, db, admin):
    from billing_desk.ui.main_window import MainWindow

    first = MainWindow(Session(db, admin), prompter=ScriptedPrompter())
    qtbot.addWidget(first)
    first.show()
    assert (first.width(), first.height()) == (1200, 760)  # the first start
    first.resize(1000, 700)
    first.tabs.setCurrentIndex(2)
    first.toolbar.hide()
    first.close()
    again = MainWindow(Session(db, admin), prompter=ScriptedPrompter())
    qtbot.addWidget(again)
    again.show()
    # (the offscreen screen is 800 pixels wide: Qt pulls a restored window partly back onto it)
    assert again.height() == 700 and again.width() < 1200
    assert again.tabs.currentIndex() == 2 and again.toolbar.isHidden()
    again.close()


def test_the_screenshot_shows_the_tab_bar_and_the_account_list(qtbot, db, admin, make_account,
                                                              tmp_path):
    from billing_desk.ui.main_window import MainWindow

    for last in ("Adams", "Baker", "Cole", "Dunn", "Evans"):
        make_account(last=last)
    window = MainWindow(Session(db, admin), prompter=ScriptedPrompter())
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    qtbot.wait(20)
    image = window.grab().toImage()
    image.save(str(tmp_path / "main-window.png"))
    assert (image.width(), image.height()) == (1200, 760)
    bar = window.tabs.tabBar()
    bar_area = QRect(bar.mapTo(window, bar.rect().topLeft()), bar.size())
    table = window.pages[0].list.table
    rows = table.viewport()
    list_area = QRect(rows.mapTo(window, rows.rect().topLeft()), rows.size())
    assert painted(image, bar_area) > 0.05, "the tab bar is blank"
    assert painted(image, list_area) > 0.02, "the account list is blank"
    blank = QImage(image.size(), image.format())
    blank.fill(image.pixel(list_area.center()))
    assert painted(blank, list_area) == 0  # (the measure itself: a plain area counts nothing)
    window.close()
