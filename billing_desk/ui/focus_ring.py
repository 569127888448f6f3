"""The focus is always visible: a ring in the palette's highlight colour around the widget that has
the keyboard focus, whatever the style draws (Fusion draws none on a drop-down box or a table,
and on a button only after a Tab). It follows the focus from window to window, uses the palette
(so a high-contrast theme colours it), and never takes a click."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRect, Qt
from PySide6.QtGui import QPainter, QPalette, QPen
from PySide6.QtWidgets import QApplication, QWidget

from .work import keep_none

WIDTH = 2  # pixels of ring, drawn just outside the widget


class FocusRing(QWidget):
    """One ring per application; it moves into the window of the widget with the focus."""

    def __init__(self):
        super().__init__(None)
        self.setObjectName("focus-ring")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.target: QWidget | None = None

    def follow(self, widget: QWidget | None) -> None:
        if self.target is not None:
            try:
                self.target.removeEventFilter(self)
            except RuntimeError:  # the widget is gone
                pass
        self.target = widget if _ringed(widget) else None
        if self.target is None:
            self.hide()
            return
        window = self.target.window()
        if self.parentWidget() is not window:
            self.setParent(window)
        self.target.installEventFilter(self)
        self.place()

    def place(self) -> None:
        target = self.target
        if target is None or not target.isVisible():
            self.hide()
            return
        window = self.parentWidget()
        if window is None:
            return
        corner = target.mapTo(window, target.rect().topLeft())
        outer = QRect(corner, target.size()).adjusted(-WIDTH, -WIDTH, WIDTH, WIDTH)
        self.setGeometry(outer.intersected(window.rect()))
        self.show()
        self.raise_()
        self.update()

    def eventFilter(self, obj, event) -> bool:
        if obj is self.target and event.type() in (QEvent.Type.Move, QEvent.Type.Resize,
                                                   QEvent.Type.Show, QEvent.Type.Hide):
            with keep_none():  # (PySide on Python 3.11: see ui/work.keep_none)
                self.place()
        return False

    def paintEvent(self, _event) -> None:
        with keep_none():
            painter = QPainter(self)
            pen = QPen(self.palette().color(QPalette.ColorRole.Highlight), WIDTH)
            pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
            painter.setPen(pen)
            painter.drawRect(self.rect().adjusted(WIDTH // 2, WIDTH // 2, -WIDTH // 2 - 1,
                                                  -WIDTH // 2 - 1))
            painter.end()


def _ringed(widget: QWidget | None) -> bool:
    """A widget the clerk types into or presses, in an ordinary window (not a popup list)."""
    if widget is None or widget.isWindow():
        return False
    return widget.window().windowType() != Qt.WindowType.Popup


class _Follower(QObject):
    def __init__(self, app: QApplication):
        super().__init__(app)
        self.setObjectName("focus-ring-follower")
        self.ring = FocusRing()
        app.focusChanged.connect(lambda _old, new: self._moved(new))

    def _moved(self, new) -> None:
        with keep_none():  # (PySide on Python 3.11: see ui/work.keep_none)
            try:
                self.ring.follow(new)
            except RuntimeError:  # the ring's window was deleted: a new ring
                self.ring = FocusRing()
                self.ring.follow(new)


def install(app: QApplication | None = None) -> None:
    """Show where the focus is, in every window from now on (once per application)."""
    app = app or QApplication.instance()  # type: ignore[assignment]
    if app is not None and app.findChild(_Follower, "focus-ring-follower") is None:
        _Follower(app)
