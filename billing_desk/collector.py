"""Building many objects at once without Python's cyclic garbage collector tracing them.

A base module like money.py: no peewee, no Qt. A report's rows (dicts, dataclasses, small
lists) hold no reference cycles, but the collector cannot know that: while tens of thousands
are made it runs again and again over all of them (1.5 s of a 35,000-entry day sheet's 4.3 s
on the benchmark book), and once they are made the next allocation traces them all once more.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic collector while the block builds; what it built goes to the oldest
    generation untraced (nested blocks pause once; the outermost turns the collector back on)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        # freeze() then unfreeze() moves every young object to the oldest generation without a
        # pass. Any young garbage with a cycle among it is freed at the next full collection.
        gc.freeze()
        gc.unfreeze()
        if was_enabled:
            gc.enable()
