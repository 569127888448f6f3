"""A box the clerk cannot type in looks so: a read-only text box is drawn on the window's colour,
not white (a posted invoice's Account and Notes looked editable while its drop-downs were
greyed). It follows the box's state and the system's colours (a high-contrast theme)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit, QWidget

BOXES = (QLineEdit, QPlainTextEdit)  # a page of text to read (QTextBrowser) stays white
EVENTS = (QEvent.Type.ReadOnlyChange, QEvent.Type.Polish, QEvent.Type.ApplicationPaletteChange)


def look(box: QWidget) -> None:
    """Draw ``box`` as read-only (the window's colour) or editable (the usual white)."""
    usual = QApplication.palette(box)
    if not box.isReadOnly():  # type: ignore[attr-defined]
        if box.property("read_only_look"):
            box.setProperty("read_only_look", False)
            box.setPalette(usual)
        return
    palette = QPalette(usual)
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive, QPalette.ColorGroup.Disabled):
        palette.setColor(group, QPalette.ColorRole.Base, usual.color(group, QPalette.ColorRole.Window))
    box.setProperty("read_only_look", True)
    box.setPalette(palette)


class _Watcher(QObject):
    def eventFilter(self, watched, event) -> bool:
        if event.type() in EVENTS and isinstance(watched, BOXES):
            look(watched)
        return False


def install(app: QApplication | None = None) -> None:
    """Every read-only text box of the application, from now on, looks read-only (once)."""
    app = app or QApplication.instance()  # type: ignore[assignment]
    if app is not None and app.findChild(_Watcher, "read-only-look") is None:
        watcher = _Watcher(app)
        watcher.setObjectName("read-only-look")
        app.installEventFilter(watcher)
