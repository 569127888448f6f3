"""Keys every form shares: Esc, Enter and Ctrl+S with a completer's list open; and the keys a
widget (a tab, a table) gives itself.

A list that is open owns Esc: it closes the list and nothing else (never "Discard this form?").
Saving first closes any list left open, so the cursor that goes to a field to fix takes the keys
that follow (Ctrl+A selects that field, not the list's rows).

A widget's own key is made by ``widget_key``: it fires while the focus is inside the widget
(PySide6 drops a ``context=`` passed to QShortcut's constructor together with a slot, which made
such keys the whole window's). A tab's Ctrl, Alt and F keys also work from outside every tab, on
the main window's tab bar or toolbar: the window passes a key nobody took to the showing tab
(``tab_key``, from MainWindow.keyPressEvent). A hidden tab's keys never fire.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QCompleter, QLineEdit, QWidget


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


def widget_key(owner: QWidget, key: str | QKeySequence | QKeySequence.StandardKey | Qt.Key,
               slot: Callable[[], object],
               context=Qt.ShortcutContext.WidgetWithChildrenShortcut) -> QShortcut:
    """``key`` calls ``slot`` while the focus is inside ``owner`` (``WidgetShortcut``: on
    ``owner`` itself). The context is set after the shortcut is made: PySide6 ignores one given to
    the constructor with a slot."""
    shortcut = QShortcut(QKeySequence(key), owner)
    shortcut.setContext(context)
    shortcut.activated.connect(lambda *_ignored: slot())
    return shortcut


def escape_shortcut(owner: QWidget, slot: Callable[[], object],
                    context=Qt.ShortcutContext.WidgetWithChildrenShortcut) -> QShortcut:
    """Esc on ``owner`` calls ``slot``; with a list open Esc only closes the list."""
    return widget_key(owner, Qt.Key.Key_Escape, unless_popup(slot), context)


def saving(slot: Callable[[], object]) -> Callable[[], None]:
    """Ctrl+S: close any list left open, then save."""
    def fire() -> None:
        close_popups()
        slot()
    return fire


class _ChooseAndMoveOn(QObject):
    """On a completer's open list, Enter and Tab take the highlighted entry (if any), close the
    list, then do in the box what they do there: move on."""

    def __init__(self, completer: QCompleter):
        super().__init__(completer)
        self.completer = completer

    def eventFilter(self, watched, event) -> bool:
        if event.type() != QEvent.Type.KeyPress or event.key() not in MOVE_ON_KEYS:
            return False
        popup, edit = self.completer.popup(), self.completer.widget()
        if popup is None or not popup.isVisible() or edit is None:
            return False
        index = popup.currentIndex()
        popup.hide()
        if index.isValid() and isinstance(edit, QLineEdit):
            edit.setText(str(index.data(self.completer.completionRole())))
        QApplication.sendEvent(edit, QKeyEvent(QEvent.Type.KeyPress, event.key(), event.modifiers(),
                                               event.text()))
        return True


MOVE_ON_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab, Qt.Key.Key_Backtab)


def choose_and_move_on(completer: QCompleter) -> QCompleter:
    """Enter (or Tab) on the open list chooses the highlighted entry and moves on."""
    popup = completer.popup()
    assert popup is not None  # a QCompleter always has its popup
    popup.installEventFilter(_ChooseAndMoveOn(completer))
    return completer


class _EnterMovesTo(QObject):
    """Enter on a closed pick box moves on, as it does in a line edit (Ctrl+Enter is left alone)."""

    def __init__(self, owner: QWidget, target: QWidget):
        super().__init__(owner)
        self.target = target

    def eventFilter(self, watched, event) -> bool:
        if (event.type() == QEvent.Type.KeyPress and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and not event.modifiers() & Qt.KeyboardModifier.ControlModifier):
            self.target.setFocus()
            return True
        return False


def enter_moves_to(widget: QWidget, target: QWidget) -> None:
    """Enter in ``widget`` (a pick box) moves the keys to ``target``."""
    widget.installEventFilter(_EnterMovesTo(widget, target))


# Fusion draws no focus on a drop-down: a clear frame shows where the keys go.
FOCUS_FRAME = "QComboBox:focus { border: 2px solid #1a5fb4; border-radius: 3px; padding: 1px 4px; }"


class _FollowThePalette(QObject):
    """A style sheet fixes the colours its widgets had when it was set; when the system's colours
    change (a high-contrast theme turned on) the sheet is set again, so they follow."""

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.ApplicationPaletteChange and isinstance(watched, QWidget):
            watched.setStyleSheet(watched.styleSheet())
        return False


def show_focus(widget: QWidget) -> None:
    """Frame the drop-down that has the focus, in ``widget`` and every box and dialog inside it."""
    sheet = widget.styleSheet()
    if FOCUS_FRAME not in sheet:
        widget.setStyleSheet(f"{sheet}\n{FOCUS_FRAME}".strip())
        follower = _FollowThePalette(widget)
        widget.installEventFilter(follower)


def tab_key(page: QWidget, event: QKeyEvent) -> bool:
    """Run the key of ``page`` (one not bound to a single box) that ``event``
    presses, as if the keys were in it; True if there was one. Only a key with Ctrl or Alt, or
    an F key: Esc, Enter and plain keys mean what they mean where the keys are."""
    modifiers = event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
                                     | Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.MetaModifier)
    if not (modifiers & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
            or Qt.Key.Key_F1 <= event.key() <= Qt.Key.Key_F35):
        return False
    pressed = QKeySequence(event.keyCombination())
    found = [s for s in page.findChildren(QShortcut)
             if s.isEnabled() and s.context() != Qt.ShortcutContext.WidgetShortcut
             and _showing(s.parent())
             and any(k.matches(pressed) == QKeySequence.SequenceMatch.ExactMatch for k in s.keys())]
    if len(found) != 1:  # two would be ambiguous inside the tab too: neither runs there either
        return False
    found[0].activated.emit()
    return True


def _showing(owner) -> bool:
    return isinstance(owner, QWidget) and owner.isVisible() and owner.isEnabled()
