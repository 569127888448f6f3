"""Keys every form shares: Esc and Ctrl+S with a completer's list open.

A list that is open owns Esc: it closes the list and nothing else (never "Discard this form?").
Saving first closes any list left open, so the cursor that goes to a field to fix takes the keys
that follow (Ctrl+A selects that field, not the list's rows).
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QWidget


def close_popups() -> bool:
    """Close an open completer list (or any popup); True if there was one."""
    popup = QApplication.activePopupWidget()
    if popup is None:
        return False
    while popup is not None:
        popup.hide()
        popup = QApplication.activePopupWidget()
    return True


def unless_popup(slot: Callable[[], object]) -> Callable[[], None]:
    """``slot``, except that with a list open the key only closes the list."""
    def fire() -> None:
        if not close_popups():
            slot()
    return fire


def escape_shortcut(owner: QWidget, slot: Callable[[], object],
                    context=Qt.ShortcutContext.WidgetWithChildrenShortcut) -> QShortcut:
    """Esc on ``owner`` calls ``slot``; with a list open Esc only closes the list."""
    shortcut = QShortcut(QKeySequence(Qt.Key.Key_Escape), owner)
    shortcut.setContext(context)
    shortcut.activated.connect(unless_popup(slot))
    return shortcut


def saving(slot: Callable[[], object]) -> Callable[[], None]:
    """Ctrl+S: close any list left open, then save."""
    def fire() -> None:
        close_popups()
        slot()
    return fire
