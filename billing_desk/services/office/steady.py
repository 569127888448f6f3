"""Look-ups that do not change during one long build (the demo office), kept once read.

Outside ``steady()`` every look-up reads the database, as always. Inside it, the look-ups that
ask ``kept(...)`` (the audit chain key, a setting, the day the books are closed through, the
catalogue's modifiers, an item by its code, a provider) are read once and kept until the block
ends; a write of what one of them reads (``set_setting``, ``set_secret``) forgets them all. The
rules run exactly as they do for the clerk: only the repeated reading of the same row is saved.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Any, Callable, Iterator

_local = threading.local()  # per thread: the dict of kept values, or None outside ``steady()``


@contextmanager
def steady() -> Iterator[None]:
    """Keep the look-ups below while the block runs (one build, on this thread)."""
    outer = getattr(_local, "kept", None)
    if outer is None:
        _local.kept = {}
    try:
        yield
    finally:
        if outer is None:
            _local.kept = None


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


def forget() -> None:
    """Something a kept look-up reads was written: read everything afresh."""
    store = getattr(_local, "kept", None)
    if store is not None:
        store.clear()
