"""Long work off the window's thread, one way for every job.

``run_in_background(parent, fn, title=...)`` runs ``fn(progress)`` on a ``BackgroundJob`` (a
QThread with its own database connection, closed when the work ends) and hands the result or the
error back on the window's thread. ``progress(fraction, text)`` (or ``progress.steps(done,
total)``) moves a progress dialog, or the caller's own bar; once Cancel is pressed the next call
raises ``Cancelled``, which ends the work (a service's transaction rolls back: nothing is saved).
A function that returned has finished: its result is delivered even if Cancel came too late.
"""

from __future__ import annotations

import ctypes
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Callable

import shiboken6
from PySide6.QtCore import QEventLoop, QObject, Qt, QThread, QTimer, Signal
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from ..errors import BillingError
from ..logs import log_unexpected
from ..services.office.transactions import DATABASE_ERRORS, close_thread_connection, explain_database_error
from .crash import plain_message

STEPS = 1000  # a bar's range: fractions in thousandths
_RUNNING: set["BackgroundJob"] = set()  # jobs keep themselves alive until their thread ends


class Cancelled(Exception):
    """The clerk pressed Cancel."""


class Progress:
    """What the work is handed: ``progress(fraction, text="")`` or ``progress(done, total)`` (as
    the printers and importers call it; also ``progress.steps``). Either raises ``Cancelled`` once
    Cancel was pressed; ``progress.cancelled`` only asks."""

    def __init__(self, job: "BackgroundJob"):
        self._job = job
        self._shown: tuple[int, str] | None = None

    def __call__(self, fraction: float | None, text: str | int = "") -> None:
        """``fraction`` from 0 to 1, or None when the work cannot say how far it is."""
        if not isinstance(text, str):
            self.steps(int(fraction or 0), int(text))
            return
        if self._job.cancelling:
            raise Cancelled()
        value = -1.0 if fraction is None else min(max(float(fraction), 0.0), 1.0)
        shown = (round(value * STEPS), text)
        if shown != self._shown:  # a bar moves in thousandths: only a change is worth a signal
            self._shown = shown
            emit(self._job.progressed, value, text)

    def steps(self, done: int, total: int | None = None, text: str = "") -> None:
        total = total or done
        self(done / max(total, 1), text or f"{done:,} of {total:,}")

    @property
    def cancelled(self) -> bool:
        return self._job.cancelling


class _Probe(QObject):
    ping = Signal()


def _emit_drops_a_reference() -> bool:
    """PySide6 6.12 on Python 3.11 hands back ``emit()``'s True without its reference: each
    emit takes one from True, and once True runs out the program aborts ("bool_dealloc"),
    at the latest when it exits. Measured once, so a fixed PySide needs nothing."""
    if sys.version_info >= (3, 12):  # True is immortal there
        return False
    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(8):
        probe.ping.emit()
    return sys.getrefcount(True) <= before - 8


_EMIT_DROPS = _emit_drops_a_reference()


def _void_drops_a_reference() -> bool:
    """The same PySide on Python 3.11 takes a reference from None on each call of a method that
    returns nothing (``setGeometry``, ``show``, ``update``...). Code that runs on every event
    or focus change gives them back through ``keep_none``; measured once."""
    if sys.version_info >= (3, 12):  # None is immortal there
        return False
    probe = _Probe()
    before = sys.getrefcount(None)
    for _ in range(8):
        probe.setObjectName("probe")
    return sys.getrefcount(None) <= before - 8


_VOID_DROPS = _void_drops_a_reference()


@contextmanager
def keep_none() -> Iterator[None]:
    """Give None back what the calls inside took from it (a surplus is harmless: None is never
    freed; a shortfall aborts the program once None runs out)."""
    if not _VOID_DROPS:
        yield
        return
    before = sys.getrefcount(None)
    try:
        yield
    finally:
        for _ in range(max(0, before - sys.getrefcount(None))):
            ctypes.pythonapi.Py_IncRef(ctypes.py_object(None))


def emit(signal, *args) -> None:
    """``signal.emit(*args)``, giving back the reference PySide takes (see above)."""
    result = signal.emit(*args)
    if _EMIT_DROPS and isinstance(result, bool):
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(result))


class BackgroundJob(QThread):
    """One function on its own thread; its signals arrive on the window's thread."""

    progressed = Signal(float, str)
    succeeded = Signal(object)
    failed = Signal(str)
    cancelled = Signal()
    ended = Signal()  # after the outcome was delivered and the thread has let go

    def __init__(self, fn: Callable[[Progress], Any], title: str = ""):
        super().__init__()
        self.title = title
        self._fn = fn
        self._stop = threading.Event()
        self._over = True  # until started
        self.dialog: ProgressDialog | None = None
        self.bar: QProgressBar | None = None
        self.label: QLabel | None = None
        self.parent_widget: QObject | None = None
        self.callbacks: dict[str, Callable | None] = {}
        self.progressed.connect(self._show)
        self.succeeded.connect(self._done)
        self.failed.connect(self._failed)
        self.cancelled.connect(self._cancelled)
        self.finished.connect(self._ended)

    def cancel(self) -> None:
        self._stop.set()

    @property
    def cancelling(self) -> bool:
        return self._stop.is_set()

    def start(self, *args) -> None:
        _RUNNING.add(self)
        self._over = False
        super().start(*args)

    def run(self) -> None:  # on the job's own thread
        try:
            result = self._fn(Progress(self))
        except Cancelled:
            emit(self.cancelled)
        except BillingError as exc:
            emit(self.failed, str(exc))
        except Exception as exc:  # a database refusal in words; anything else to the log
            plain = explain_database_error(exc) if isinstance(exc, DATABASE_ERRORS) else None
            emit(self.failed, str(plain) if plain is not None
                 else plain_message(log_unexpected(exc, f"background work: {self.title}")))
        else:
            emit(self.succeeded, result)
        finally:
            close_thread_connection()

    # --- on the window's thread ----------------------------------------------------------
    def _show(self, fraction: float, text: str) -> None:
        if self.dialog is not None:
            self.dialog.show_progress(fraction, text)
        if self.bar is not None:
            show_on_bar(self.bar, fraction)
        if self.label is not None and text and not self.cancelling:
            self.label.setText(f"{self.title} {text}")

    def _done(self, result: object) -> None:
        self._deliver("done", result)

    def _failed(self, message: str) -> None:
        self._deliver("error", message)

    def _cancelled(self) -> None:
        self._deliver("cancel")

    def _deliver(self, outcome: str, *args) -> None:
        """Close the progress window, then tell the caller (if it is still there)."""
        dialog, self.dialog = self.dialog, None
        if dialog is not None and shiboken6.isValid(dialog):
            dialog.done(QDialog.DialogCode.Accepted)
            dialog.deleteLater()
        callback, parent = self.callbacks.get(outcome), self.parent_widget
        if callback is not None and (parent is None or shiboken6.isValid(parent)):
            callback(*args)

    def _ended(self) -> None:
        self.wait()  # the thread is only returning from run(): let it end before letting go
        self._over = True
        emit(self.ended)
        QTimer.singleShot(0, lambda: _RUNNING.discard(self))  # let go after this signal, not in it

    def wait_here(self) -> None:
        """Wait for the end without freezing the window: a local event loop, no polling."""
        if not self._over:
            loop = QEventLoop()
            self.ended.connect(loop.quit)
            loop.exec()


class ProgressDialog(QDialog):
    """The one progress window: what is being done, a bar, and Cancel when the work allows it.
    Esc and closing the window mean Cancel; a job that cannot be cancelled keeps it open."""

    def __init__(self, job: BackgroundJob, parent: QWidget | None, cancellable: bool):
        super().__init__(parent)
        self.job = job
        self.setWindowTitle(job.title.rstrip("…."))
        modality = Qt.WindowModality
        self.setWindowModality(modality.WindowModal if parent else modality.ApplicationModal)
        self.label = QLabel(job.title)
        self.label.setMinimumWidth(380)
        self.label.setWordWrap(True)
        self.label.setMinimumHeight(3 * self.label.fontMetrics().lineSpacing())  # title and 2 lines
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)  # busy until the first report
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setVisible(cancellable)
        self.cancel_button.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.cancel_button)
        layout.addLayout(row)
        self.cancellable = cancellable

    def show_progress(self, fraction: float, text: str) -> None:
        show_on_bar(self.bar, fraction)
        if text and not self.job.cancelling:
            self.label.setText(f"{self.job.title}\n{text}")
            if self.sizeHint().height() > self.height():  # a longer text: grow, never clip it
                self.adjustSize()

    def reject(self) -> None:
        if self.cancellable and not self.job.cancelling:
            self.job.cancel()
            self.cancel_button.setEnabled(False)
            self.label.setText("Cancelling…")

    def closeEvent(self, event) -> None:
        event.ignore()
        self.reject()


def show_on_bar(bar: QProgressBar, fraction: float) -> None:
    if fraction < 0:  # how far is not known: the bar only says the work is going on
        bar.setRange(0, 0)
        return
    bar.setRange(0, STEPS)
    bar.setValue(int(round(fraction * STEPS)))


def run_in_background(parent: QObject | None, fn: Callable[[Progress], Any], *, title: str,
                      cancellable: bool = False, on_done: Callable[[Any], object] | None = None,
                      on_error: Callable[[str], object] | None = None,
                      on_cancel: Callable[[], object] | None = None,
                      bar: QProgressBar | None = None, label: QLabel | None = None,
                      quiet: bool = False) -> BackgroundJob:
    """Start ``fn(progress)`` and return its job. Progress shows in a ``ProgressDialog`` over
    ``parent``, or in the caller's ``bar`` (and ``label``) when given, or nowhere when ``quiet``.
    The callbacks run on the window's thread, and only while ``parent`` still exists (closing
    ``parent`` cancels the job)."""
    job = BackgroundJob(fn, title)
    job.callbacks = {"done": on_done, "error": on_error, "cancel": on_cancel}
    job.parent_widget = parent
    if bar is not None:
        job.bar, job.label = bar, label
        bar.setRange(0, 0)
        if label is not None:
            label.setText(title)
    elif not quiet:
        job.dialog = ProgressDialog(job, parent if isinstance(parent, QWidget) else None, cancellable)
        job.dialog.show()
    if parent is not None:
        parent.destroyed.connect(job.cancel)
    job.start()
    return job


def run_and_wait(parent: QObject | None, fn: Callable[[Progress], Any], *, title: str,
                 cancellable: bool = False, quiet: bool = False) -> Any:
    """The same, for the few places that need the result before going on (before the window
    opens, at closing): the window keeps painting while it waits. Returns the result; raises
    ``BillingError`` with the failure's message, or ``Cancelled``."""
    outcome: dict[str, Any] = {}
    job = run_in_background(parent, fn, title=title, cancellable=cancellable, quiet=quiet,
                            on_done=lambda result: outcome.setdefault("result", result),
                            on_error=lambda message: outcome.setdefault("error", message),
                            on_cancel=lambda: outcome.setdefault("cancelled", True))
    job.wait_here()
    if "error" in outcome:
        raise BillingError(outcome["error"])
    if "cancelled" in outcome:
        raise Cancelled()
    return outcome.get("result")


def finish_all() -> None:
    """At closing: cancel every job that is still running and wait for each to end."""
    for job in list(_RUNNING):
        job.cancel()
        job.wait()
        _RUNNING.discard(job)


class JobDialog(QDialog):
    """A dialog that runs one background job at a time (``self.job``) and says what it does on
    its ``status`` line: Esc cancels the running job before it closes anything, and closing the
    dialog cancels the job and waits for it to end (the reports and the billing review)."""

    job: BackgroundJob | None = None
    status: QLabel

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.status.setText("Cancelling…")

    def reject(self) -> None:  # Esc: cancel running work first
        if self.job is not None:
            self.cancel()
            return
        super().reject()

    def closeEvent(self, event) -> None:
        if self.job is not None:
            self.job.cancel()
            self.job.wait()
        super().closeEvent(event)
