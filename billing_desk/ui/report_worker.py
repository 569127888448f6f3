"""Long report work off the window's thread: a QThread running one function, with progress and
a cancel flag the function's progress callback checks (raising ``Cancelled`` ends the work).

The database is read on the worker's own connection (peewee keeps one per thread; SQLite's WAL
lets it read beside the window), closed when the work ends.
"""

from __future__ import annotations

import threading
from typing import Any, Callable

from PySide6.QtCore import QThread, Signal

from ..errors import BillingError


class Cancelled(Exception):
    """The clerk pressed Cancel."""


class ReportJob(QThread):
    """Runs ``work(progress)``; ``progress(done, total)`` raises Cancelled once cancel() is asked."""

    progressed = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(str)
    cancelled_ = Signal()

    def __init__(self, work: Callable[[Callable[[int, int], None]], Any], parent=None):
        super().__init__(parent)
        self._work = work
        self._stop = threading.Event()

    def cancel(self) -> None:
        self._stop.set()

    @property
    def cancelling(self) -> bool:
        return self._stop.is_set()

    def _progress(self, done: int, total: int) -> None:
        if self._stop.is_set():
            raise Cancelled()
        self.progressed.emit(int(done), int(total))

    def run(self) -> None:  # in the worker thread
        from ..services.office.transactions import close_thread_connection

        try:
            result = self._work(self._progress)
        except Cancelled:
            self.cancelled_.emit()
        except BillingError as exc:
            self.failed.emit(str(exc))
        except Exception as exc:
            self.failed.emit(f"{type(exc).__name__}: {exc}")
        else:
            if self._stop.is_set():
                self.cancelled_.emit()
            else:
                self.succeeded.emit(result)
        finally:
            close_thread_connection()
