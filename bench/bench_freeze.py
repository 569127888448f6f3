"""The freeze meter: the real main window on the book (offscreen), a heartbeat timer in its event
loop, and a script that switches to each tab and types into its search box as a clerk does.
Reported per tab: the longest event-loop gap (the time the window could not answer a key or
repaint) while switching to the tab and while typing; and, on the Accounts tab, the time from a
keystroke to the painted first page of results. The bare baseline of a gap is the heartbeat's
own longest gap with nothing going on (the machine's noise); the search's is its bare SQL.

    python bench/run.py --db FILE --only bench_freeze

It writes what the window writes (the day's collections review): run.py gives it a working copy.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from figures import Figure, median_seconds

TYPED = "smith1"  # what the clerk types into each search box
KEY_INTERVAL_MS = 110  # about nine keys a second
SETTLE_MS = 1500  # after a switch or the last key: time for debounces, refreshes and workers


class Heartbeat:
    """A 5 ms timer; the longest interval between its ticks since ``reset``."""

    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.timer = QTimer(interval=5)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.timeout.connect(self._tick)
        self.last = time.perf_counter()
        self.longest = 0.0
        self.timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self.last)
        self.last = now

    def reset(self) -> None:
        self.last = time.perf_counter()
        self.longest = 0.0


def wait(ms: int) -> None:
    """Run the event loop for ``ms`` milliseconds (a nested loop: the heartbeat ticks in it)."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


class PaintWatch:
    """When the table's viewport was last painted after its model was last reset."""

    def __init__(self, table) -> None:
        from PySide6.QtCore import QEvent, QObject

        self.reset_at = 0.0
        self.painted_at = 0.0
        watch = self

        class Filter(QObject):
            def eventFilter(self, obj, event):
                if event.type() == QEvent.Type.Paint and watch.reset_at:
                    watch.painted_at = watch.painted_at or time.perf_counter()
                return False

        self.filter = Filter()
        table.viewport().installEventFilter(self.filter)
        table.model().modelReset.connect(self._reset)

    def _reset(self) -> None:
        self.reset_at, self.painted_at = time.perf_counter(), 0.0


def keystroke_to_paint(window, table, search, text: str) -> list[float]:
    """Type ``text`` one key at a time, each time waiting for the painted result."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    watch = PaintWatch(table)
    times = []
    search.setFocus()
    search.selectAll()
    QTest.keyClick(search, Qt.Key.Key_Backspace)
    wait(SETTLE_MS)
    for char in text:
        watch.reset_at = watch.painted_at = 0.0
        start = time.perf_counter()
        QTest.keyClicks(search, char)
        deadline = start + 2.0
        while not watch.painted_at and time.perf_counter() < deadline:
            wait(2)
        times.append((watch.painted_at or time.perf_counter()) - start)
        wait(300)
    return times


def one_pass(window, beat: Heartbeat) -> dict[str, float]:
    """Switch to every tab and type into its search box; the longest gap of each step."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    gaps: dict[str, float] = {}
    for index in range(window.tabs.count()):
        title = window.tabs.tabText(index).replace("&", "")
        window.tabs.setCurrentIndex((index + 1) % window.tabs.count())
        wait(SETTLE_MS)
        beat.reset()
        window.tabs.setCurrentIndex(index)
        wait(SETTLE_MS)
        gaps[f"switching to {title}"] = beat.longest
        window.focus_search()
        box = QApplication.focusWidget()
        wait(200)
        beat.reset()
        for char in TYPED:
            QTest.keyClicks(box, char)
            wait(KEY_INTERVAL_MS)
        wait(SETTLE_MS)
        box.selectAll()
        QTest.keyClick(box, Qt.Key.Key_Backspace)
        wait(SETTLE_MS)
        gaps[f"typing in {title}'s search"] = beat.longest
    return gaps


def measure(db: Path, repeat: int) -> list[Figure]:
    from billing_desk.ui.app import application

    app = application()
    from billing_desk.services.office.session import open_session
    from billing_desk.ui.main_window import MainWindow

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    session = open_session(db)
    window = MainWindow(session)
    window.resize(1400, 900)
    window.show()
    wait(3000)  # the first refresh and the background quick check
    beat = Heartbeat()
    wait(500)
    idle = []
    for _ in range(3):
        beat.reset()
        wait(1000)
        idle.append(beat.longest)
    noise = statistics.median(idle)
    runs = [one_pass(window, beat) for _ in range(max(1, (repeat + 1) // 2))]
    figures = [Figure(f"freeze: {name}, longest event-loop gap", statistics.median(r[name] for r in runs),
                      noise, "the heartbeat's gap with nothing going on", "< 0.050 s")
               for name in runs[0]]
    accounts = window.pages[0]
    window.tabs.setCurrentIndex(0)
    wait(SETTLE_MS)
    times = []
    for _ in range(max(1, repeat // 2)):
        times += keystroke_to_paint(window, accounts.list.table, accounts.list.search, TYPED)
    import sqlite3

    from bench_core import bare_search

    bare = sqlite3.connect(f"{Path(db).absolute().as_uri()}?mode=ro", uri=True)
    baseline = statistics.median(median_seconds(lambda t=TYPED[:n]: bare_search(bare, t), repeat)
                                 for n in range(1, len(TYPED) + 1))
    bare.close()
    figures.append(Figure("account search: keystroke to painted first page (median of each key of "
                          f"'{TYPED}')", statistics.median(times), baseline,
                          "the search in bare SQL", "< 0.050 s"))
    figures.append(Figure("account search: keystroke to painted first page (slowest key)",
                          max(times), baseline, "the search in bare SQL", "< 0.050 s"))
    window.close()
    session.close()
    app.processEvents()
    return figures
