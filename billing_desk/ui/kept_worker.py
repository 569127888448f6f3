"""Reads on one worker thread that keeps its database connection from one read to the next.

``ui/work.BackgroundJob`` gives each job a new thread and a new connection, closed at its end.
A list whose reads lean on what a connection keeps (the collections worklist's snapshot, a
temporary table made once per state of the data: services/collections/worklist.py) would make it
again on every read. ``KeptWorker().run(parent, fn, on_done=..., on_error=...)`` runs ``fn()`` on
the worker's one thread instead, and hands the result (or the error's message) to the callbacks
on the window's thread, while ``parent`` still exists. The returned job has ``ended`` and
``wait_here()``, as a BackgroundJob has (ui/list_refresh.py takes either).

The connection is let go: after ``IDLE_S`` seconds without a read; before a read, when the
program has opened another file meanwhile (a restore, another office); and on ``let_go()``, which
``let_go_all()`` calls for every worker before a restore, another office, and at closing.
"""

from __future__ import annotations

import queue
import threading
import weakref
from functools import partial
from typing import Any, Callable

import shiboken6
from PySide6.QtCore import QEventLoop, QObject, QTimer, Signal

from ..errors import BillingError
from ..services.office.transactions import (
    DATABASE_ERRORS,
    close_thread_connection,
    explain_database_error,
    opened_database,
)
from .work import emit

IDLE_S = 30.0  # a worker idle this long lets its connection (and its snapshot) go
_STOP = "let go"
_WORKERS: "weakref.WeakSet[KeptWorker]" = weakref.WeakSet()


class KeptJob(QObject):
    """One read on a kept worker; its signals arrive on the window's thread."""

    outcome = Signal(bool, object)  # succeeded?, the result or the error's message
    ended = Signal()

    def __init__(self, parent: QObject | None, fn: Callable[[], Any],
                 on_done: Callable[[Any], object] | None, on_error: Callable[[str], object] | None):
        super().__init__()
        self.fn = fn
        self.watched = parent
        self.on_done, self.on_error = on_done, on_error
        self.over = False
        self.outcome.connect(self._deliver)

    def work(self) -> None:  # on the worker's thread
        try:
            result = self.fn()
        except BillingError as exc:
            emit(self.outcome, False, str(exc))
        except DATABASE_ERRORS as exc:
            emit(self.outcome, False, str(explain_database_error(exc) or exc))
        except Exception as exc:  # the window's own read says it again, the usual way
            emit(self.outcome, False, f"{type(exc).__name__}: {exc}")
        else:
            emit(self.outcome, True, result)

    def _deliver(self, ok: bool, value: object) -> None:
        try:
            if self.watched is None or shiboken6.isValid(self.watched):
                if ok and self.on_done is not None:
                    self.on_done(value)
                elif not ok and self.on_error is not None:
                    self.on_error(str(value))
        finally:
            self.over = True
            emit(self.ended)
            # Let go of the job on the next turn of the event loop, never inside its own signal's
            # delivery (freeing a QObject whose signal is being delivered is a use after free).
            QTimer.singleShot(0, partial(_KEEP.discard, self))

    def wait_here(self) -> None:
        """Wait for the end without freezing the window (a local event loop)."""
        if not self.over:
            loop = QEventLoop()
            self.ended.connect(loop.quit)
            loop.exec()


_KEEP: set[KeptJob] = set()  # a job lives until it has delivered


class KeptWorker:
    def __init__(self, idle_s: float = IDLE_S):
        self.idle_s = idle_s
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        _WORKERS.add(self)

    @property
    def connected(self) -> bool:
        """Whether the worker's thread (and so its connection) is there now (tests)."""
        return self._thread is not None

    def run(self, parent: QObject | None, fn: Callable[[], Any], *,
            on_done: Callable[[Any], object] | None = None,
            on_error: Callable[[str], object] | None = None) -> KeptJob:
        job = KeptJob(parent, fn, on_done, on_error)
        _KEEP.add(job)
        with self._lock:
            self._jobs.put(job)
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name="kept-reader", daemon=True)
                self._thread.start()
        return job

    def let_go(self, wait: bool = True) -> None:
        """Close the worker's connection after the reads asked before (waits for it)."""
        with self._lock:
            thread = self._thread
            if thread is None:
                return
            closed = threading.Event()
            self._jobs.put((_STOP, closed))
        if wait and thread is not threading.current_thread():
            closed.wait(timeout=60)

    def _loop(self) -> None:
        opened = None  # the database object this thread's connection belongs to
        try:
            while True:
                try:
                    job = self._jobs.get(timeout=self.idle_s)
                except queue.Empty:
                    job = None  # idle: the connection goes
                if job is None or isinstance(job, tuple):
                    _close(opened)
                    opened = None
                    if job is not None:
                        job[1].set()
                    with self._lock:
                        if self._jobs.empty():
                            self._thread = None
                            return
                    continue  # a read came in meanwhile: a new connection for it
                if opened is not None and opened_database() is not opened:
                    _close(opened)  # the program has another file open now: read that one
                opened = opened_database()
                job.work()
        finally:
            _close(opened)


def _close(opened) -> None:
    """Close this thread's connection of ``opened`` (a peewee database; others keep theirs)."""
    try:
        if opened is not None:
            close_thread_connection(opened)
    except DATABASE_ERRORS:
        pass


def let_go_all() -> None:
    """Every kept worker closes its connection: before the file is closed or replaced."""
    for worker in list(_WORKERS):
        worker.let_go()
