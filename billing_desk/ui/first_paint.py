"""Work that waits until a window has painted once: the start shows the window first."""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget


class _FirstPaint(QObject):
    """Watches one window; after its first paint, runs the waiting work once, then lets go."""

    def __init__(self, window: QWidget):
        super().__init__(window)
        self.window = window
        self.waiting: list[Callable[[], object]] = []
        window.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:
        if watched is self.window and event.type() == QEvent.Type.Paint:
            self.window.removeEventFilter(self)
            QTimer.singleShot(0, self._run)  # after this paint has reached the screen
        return False

    def _run(self) -> None:
        self.window.setProperty("painted_once", True)
        self.setObjectName("")  # later work runs at once
        work, self.waiting = self.waiting, []
        self.deleteLater()
        for fn in work:
            fn()


def after_first_paint(window: QWidget, fn: Callable[[], object]) -> None:
    """Run ``fn`` on the window's thread once ``window`` has painted (at once if it has).

    The start reads what can wait (today's totals, the automatic backup, the code set's index)
    after the window shows, so the clerk sees it sooner."""
    if window.property("painted_once"):
        QTimer.singleShot(0, fn)
        return
    watcher = window.findChild(_FirstPaint, "first-paint")
    if watcher is None:
        watcher = _FirstPaint(window)
        watcher.setObjectName("first-paint")
    watcher.waiting.append(fn)
