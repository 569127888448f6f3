"""A list read off the window's thread while the clerk types: the window never waits for SQL.

``ListRefresher(parent, read, show)``: ``start(query)`` reads ``read(query)`` on a worker thread
(its own database connection: ``ui/work.BackgroundJob``) and hands the result to
``show(query, result)`` on the window's thread. Keys typed while a read runs do not queue a read
each: when it ends, only the newest query is read. A result that a newer ``start`` or a direct
``cancel`` has made stale is dropped, so a tab's own synchronous ``refresh()`` (what its
buttons, tests and the tab switch call) always wins.

With a ``worker`` (ui/kept_worker.KeptWorker) the reads run on its one thread, whose connection
lasts from read to read (what the connection keeps, such as a snapshot, is read again at once).

``settle()`` waits (the window keeps painting) until the newest query is shown: for tests and
for the few callers that need the list before going on.
"""

from __future__ import annotations

from typing import Any, Callable

import shiboken6
from PySide6.QtCore import QObject

from .kept_worker import KeptJob, KeptWorker
from .work import BackgroundJob, run_in_background


class ListRefresher:
    def __init__(self, parent: QObject, read: Callable[[Any], Any], show: Callable[[Any, Any], None],
                 title: str = "Reading the list", worker: KeptWorker | None = None):
        self.parent = parent
        self.read = read
        self.show = show
        self.title = title
        self.worker = worker  # reads on its thread, whose connection lasts (ui/kept_worker.py)
        self._generation = 0  # each start or cancel makes every earlier read stale
        self._job: BackgroundJob | KeptJob | None = None
        self._waiting: tuple[int, Any] | None = None  # the newest query, while a read runs

    @property
    def busy(self) -> bool:
        return self._job is not None or self._waiting is not None

    def start(self, query: Any) -> None:
        self._generation += 1
        if self._job is not None:
            self._waiting = (self._generation, query)
            return
        self._run(self._generation, query)

    def cancel(self) -> None:
        """Whatever is being read is not wanted any more (the tab refreshed itself at once)."""
        self._generation += 1
        self._waiting = None

    def settle(self) -> None:
        while self._job is not None:
            self._job.wait_here()

    def _run(self, generation: int, query: Any) -> None:
        def done(result: Any) -> None:
            if generation == self._generation:
                self.show(query, result)

        job: BackgroundJob | KeptJob
        if self.worker is not None:
            job = self.worker.run(self.parent, lambda: self.read(query), on_done=done,
                                  on_error=lambda _m: self._failed(generation))
        else:
            job = run_in_background(self.parent, lambda _progress: self.read(query), title=self.title,
                                    quiet=True, on_done=done, on_error=lambda _m: self._failed(generation))
        self._job = job
        job.ended.connect(lambda: self._ended(job))

    def _failed(self, generation: int) -> None:
        """A read that failed off the window's thread is read again on it, where the failure
        reaches the clerk the way every list's does (it is rare: a locked or broken file)."""
        if generation == self._generation and self._waiting is None and shiboken6.isValid(self.parent):
            self.cancel()
            self.parent.refresh()  # type: ignore[attr-defined]

    def _ended(self, job: BackgroundJob | KeptJob) -> None:
        if self._job is job:
            self._job = None
        if not shiboken6.isValid(self.parent):  # the tab closed meanwhile: nothing to read for
            self._waiting = None
        if self._waiting is not None:
            generation, query = self._waiting
            self._waiting = None
            if generation == self._generation:
                self._run(generation, query)
