"""The one crash path of the window: an error nobody foresaw is logged and told in plain words.

``install_crash_path(prompter)`` replaces ``sys.excepthook`` (an exception inside a slot lands
there) and ``threading.excepthook``. The traceback goes to the log file; the clerk gets one
message through the Prompter, and the program goes on. A message already showing is not
followed by another (a repeating failure only adds to the log).
"""

from __future__ import annotations

import sys
import threading

from PySide6.QtCore import QObject, Signal

from .. import APP_NAME
from ..errors import BillingError
from ..logs import log, log_unexpected


def plain_message(log_path) -> str:
    return ("Something went wrong, and what you were doing did not finish. Nothing you saved before "
            f"this was lost.\n\nThe details are in {log_path}; tell whoever looks after the program.")


class CrashPath(QObject):
    """Owns the hooks; ``report`` carries the message to the window's thread."""

    report = Signal(str)

    def __init__(self, prompter, parent: QObject | None = None):
        super().__init__(parent)
        self.prompter = prompter
        self._showing = False
        self._previous = (sys.excepthook, threading.excepthook)
        self.report.connect(self._show)

    def install(self) -> CrashPath:
        sys.excepthook = self.excepthook
        threading.excepthook = self.thread_excepthook
        return self

    def uninstall(self) -> None:
        if sys.excepthook == self.excepthook:
            sys.excepthook, threading.excepthook = self._previous

    def excepthook(self, kind, exc, tb) -> None:
        if issubclass(kind, KeyboardInterrupt):
            self._previous[0](kind, exc, tb)
            return
        if exc.__traceback__ is None:
            exc = exc.with_traceback(tb)
        self.handle(exc, "the window")

    def thread_excepthook(self, args) -> None:
        if args.exc_value is None or issubclass(args.exc_type, SystemExit):
            return
        name = args.thread.name if args.thread is not None else "a thread"
        self.handle(args.exc_value, f"background work ({name})")

    def handle(self, exc: BaseException, where: str) -> None:
        """A ``BillingError`` that escaped is already in words; anything else goes to the log."""
        if isinstance(exc, BillingError):
            log.warning("not caught in %s: %s", where, exc)
            self.report.emit(str(exc))
            return
        self.report.emit(plain_message(log_unexpected(exc, where)))

    def _show(self, text: str) -> None:
        if self._showing:
            return
        self._showing = True
        try:
            self.prompter.warn(APP_NAME, text)
        finally:
            self._showing = False


def install_crash_path(prompter, parent: QObject | None = None) -> CrashPath:
    return CrashPath(prompter, parent).install()
