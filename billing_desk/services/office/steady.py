"""Look-ups that do not change during one long build (the demo office), kept once read.

Outside ``steady()`` every look-up reads the database, as always. Inside it, the look-ups that
ask ``kept(...)`` (the audit chain key and its last entry, a setting, the day the books are
closed through, the catalogue's modifiers, an item by its code, a provider) are read once and
kept until the block ends; a write of what one of them reads (``set_setting``, ``set_secret``)
forgets them all, and so does every write that fails (``in_transaction`` calls ``forget()``: a
rolled-back audit entry must not stay the chain's head). The rules run exactly as they do for the
clerk: only the repeated reading of the same row is saved.

``steady(whole=True)``, inside one transaction the caller holds: the build is kept whole or not
at all, so a nested write opens no savepoint of its own (``in_transaction`` asks ``whole()``). A
nested write that fails after it changed a row cannot be undone alone: it marks the build broken
(``broke()``) and the block raises at its end, so the caller's transaction rolls all of it back.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Any, Callable, Iterator

from ...errors import DatabaseError

_local = threading.local()  # per thread: the dict of kept values, or None outside ``steady()``


class BuildBroken(DatabaseError):
    """A write inside a whole build failed half-way: the whole build is rolled back."""


@contextmanager
def steady(whole: bool = False) -> Iterator[None]:
    """Keep the look-ups below while the block runs (one build, on this thread); ``whole``: no
    partial rollback is expected inside (see the module's text)."""
    outer = getattr(_local, "kept", None)
    if outer is None:
        _local.kept = {}
        _local.whole = whole
        _local.broken = None
    try:
        yield
        broken = getattr(_local, "broken", None) if outer is None else None
        if broken is not None:
            raise BuildBroken(f"a write inside the build failed half-way ({broken}); nothing of "
                              "the build is kept") from None
    finally:
        if outer is None:
            _local.kept = None
            _local.whole = False
            _local.broken = None


def kept(name: str, key: Any, read: Callable[[], Any]) -> Any:
    """``read()``, kept under (name, key) inside ``steady()``; read afresh outside it."""
    store = getattr(_local, "kept", None)
    if store is None:
        return read()
    try:
        return store[(name, key)]
    except KeyError:
        value = store[(name, key)] = read()
        return value


def keep(name: str, key: Any, value: Any) -> None:
    """What ``kept(name, key, ...)`` now holds, written by the caller (nothing outside ``steady()``)."""
    store = getattr(_local, "kept", None)
    if store is not None:
        store[(name, key)] = value


def forget() -> None:
    """Something a kept look-up reads was written (or a write rolled back): read everything afresh."""
    store = getattr(_local, "kept", None)
    if store is not None:
        store.clear()


def whole() -> bool:
    """Inside ``steady(whole=True)``: a nested write needs no savepoint of its own."""
    return bool(getattr(_local, "whole", False))


def broke(reason: BaseException) -> None:
    """A nested write failed after changing rows: the whole build must roll back."""
    forget()
    if getattr(_local, "broken", None) is None:
        _local.broken = f"{type(reason).__name__}: {reason}"
