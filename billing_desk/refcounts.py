"""A reserve of references for None, True and False, for PySide6 6.12 on Python 3.11.

That PySide takes a reference from None on every call of a Qt method that returns nothing, and
one from True on every signal emitted, and never gives them back (ui/work.py measures both).
Python frees neither None nor True, but when a count it keeps reaches zero it aborts
("bool_dealloc", "none_dealloc"): after a long day's work in the window, or at the end of the
test suite. Python 3.12 made these objects immortal; on 3.11 each gets a reserve no day can
spend. Called once, before the first Qt object is made.
"""

from __future__ import annotations

import ctypes
import sys

RESERVE = 1 << 40  # a trillion calls; the count is a 64-bit integer


def reserve_references() -> bool:
    """Give None, True and False their reserve (once); True when it was needed here."""
    global _done
    if sys.version_info >= (3, 12) or _done:
        return False
    for singleton in (None, True, False):
        # The object's reference count is the first field of its header (CPython 3.11).
        ctypes.c_ssize_t.from_address(id(singleton)).value += RESERVE
    _done = True
    return True


_done = False
