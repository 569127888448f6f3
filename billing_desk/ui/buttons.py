"""A row of named push buttons: the shape every workspace's toolbar shares."""

from __future__ import annotations

from typing import Callable, Iterable

from PySide6.QtWidgets import QBoxLayout, QPushButton, QWidget

from .keys import widget_key


def add_buttons(row: QBoxLayout, specs: Iterable[tuple], shortcut_owner: QWidget | None = None
                ) -> dict[str, QPushButton]:
    """Add ``(name, text, slot[, key])`` buttons to ``row``; returns them by name.

    A ``key`` becomes a shortcut on ``shortcut_owner`` that fires while the focus is inside it
    (``keys.widget_key``); when the owner is a tab of the main window, its Ctrl, Alt and F keys
    also work from the window's tab bar and toolbar (``keys.tab_key``), never while it is hidden.
    """
    buttons: dict[str, QPushButton] = {}
    for name, text, slot, *rest in specs:
        button = QPushButton(text, autoDefault=False)
        button.clicked.connect(_no_args(slot))
        row.addWidget(button)
        buttons[name] = button
        key = rest[0] if rest else None
        if key and shortcut_owner is not None:
            widget_key(shortcut_owner, key, slot)
    return buttons


def _no_args(slot: Callable) -> Callable[..., None]:
    return lambda *_ignored: slot()
