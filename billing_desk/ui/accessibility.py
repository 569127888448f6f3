"""Names and descriptions for screen readers, for every input, table and button.

A screen reader says a widget's accessible name ("Date of service") and description ("type the
date as MM/DD/YYYY"). Screens set their own where they know better; everything else gets them
from what the clerk sees: the form label beside it (a QFormLayout row or a label's buddy), the
button's text, the placeholder, the tooltip, the group box around it. ``install(app)`` fills in
each widget as it is first shown (its Polish event), so every tab and dialog is covered, also the
ones built later; ``missing(root)`` lists the widgets still without (tests walk every screen).
"""

from __future__ import annotations

import logging
import re

from PySide6.QtCore import QEvent, QModelIndex, QObject
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTabBar,
    QTextEdit,
    QWidget,
)

from .work import keep_none

#: The widgets a clerk works with: each needs a name and a description.
NAMED = (QLineEdit, QComboBox, QAbstractSpinBox, QPlainTextEdit, QTextEdit, QAbstractItemView,
         QAbstractButton)
_KINDS = ((QDateEdit, "date box"), (QLineEdit, "text box"), (QComboBox, "drop-down list"),
          (QAbstractSpinBox, "number box"), (QPlainTextEdit, "text area"), (QTextEdit, "text area"),
          (QAbstractItemView, "table"), (QAbstractButton, "button"))


def needs_name(widget: QWidget) -> bool:
    """A widget of its own (not a part Qt builds inside another: a spin box's line edit, a
    combo box's list, a scroll bar's arrows, a table's corner button)."""
    if not isinstance(widget, NAMED):
        return False
    parent = widget.parentWidget()
    if isinstance(parent, (QAbstractSpinBox, QComboBox, QTabBar)):
        return False  # the line edit inside a spin or combo box: the box carries the name
    if isinstance(widget, QAbstractButton) and isinstance(parent, QAbstractItemView):
        return False  # a table's corner button
    return widget.objectName() not in ("qt_spinbox_lineedit", "qt_scrollarea_viewport")


def missing(root: QWidget) -> list[str]:
    """The widgets under ``root`` (and itself) still without a name or a description."""
    found = []
    for widget in [root, *root.findChildren(QWidget)]:
        if needs_name(widget) and (not widget.accessibleName().strip()
                                   or not widget.accessibleDescription().strip()):
            found.append(f"{type(widget).__name__} {widget.objectName()!r} in "
                         f"{type(widget.window()).__name__}: name {widget.accessibleName()!r}, "
                         f"description {widget.accessibleDescription()!r}")
    return found


def name_all(root: QWidget) -> None:
    widgets = [w for w in [root, *root.findChildren(QWidget)] if needs_name(w)
               and (not w.accessibleName().strip() or not w.accessibleDescription().strip())]
    if not widgets:
        return
    buddies = _buddies(root.window())
    for widget in widgets:
        name_widget(widget, buddies)


def _buddies(window: QWidget) -> dict[int, str]:
    """Each widget that a label names (its buddy), by id: the label's words."""
    return {id(label.buddy()): _plain(label.text()) for label in window.findChildren(QLabel)
            if label.buddy() is not None and _plain(label.text())}


def name_widget(widget: QWidget, buddies: dict[int, str] | None = None) -> None:
    if not needs_name(widget):
        return
    if not widget.accessibleName().strip():
        widget.setAccessibleName(_name(widget, buddies))
    if not widget.accessibleDescription().strip():
        widget.setAccessibleDescription(_description(widget))


def _plain(text: str) -> str:
    text = re.sub(r"<[^>]+>", " ", text or "")
    text = re.sub(r"&(?!&)", "", text).replace("&&", "&")
    return " ".join(text.split()).strip(" :")


def _label_for(widget: QWidget, buddies: dict[int, str] | None = None) -> str:
    parent = widget.parentWidget()
    while parent is not None:  # a QFormLayout row: its label
        layout = parent.layout()
        if isinstance(layout, QFormLayout):
            label = layout.labelForField(widget)
            if isinstance(label, QLabel) and _plain(label.text()):
                return _plain(label.text())
        if isinstance(parent, QGroupBox) or parent.isWindow():
            break
        parent = parent.parentWidget()
    if buddies is None:  # a label whose buddy it is
        buddies = _buddies(widget.window())
    return buddies.get(id(widget), "")


def _group(widget: QWidget) -> str:
    parent = widget.parentWidget()
    while parent is not None and not parent.isWindow():
        if isinstance(parent, QGroupBox) and parent.title():
            return _plain(parent.title())
        parent = parent.parentWidget()
    return ""


def _kind(widget: QWidget) -> str:
    return next((kind for cls, kind in _KINDS if isinstance(widget, cls)), "control")


def _words(name: str) -> str:
    return " ".join(part for part in re.split(r"[-_\s]+", name) if part).capitalize()


def _name(widget: QWidget, buddies: dict[int, str] | None = None) -> str:
    if isinstance(widget, QAbstractButton) and _plain(widget.text()):
        # "Approval queue (3)", "New account (Ctrl+N)": the name stays, counts and keys change
        return re.sub(r"\s*\([^)]*\)$", "", _plain(widget.text())) or _plain(widget.text())
    label = _label_for(widget, buddies)
    if label:
        return label
    placeholder = getattr(widget, "placeholderText", lambda: "")()
    if placeholder:
        return _plain(placeholder)
    if isinstance(widget, QComboBox) and widget.count():
        return _plain(widget.itemText(0))
    if widget.toolTip():
        return _plain(widget.toolTip())
    if isinstance(widget, QAbstractItemView) and widget.model() is not None:
        model = widget.model()
        heads = _headings(model)[:3]
        if any(heads):
            return "List of " + ", ".join(h for h in heads if h)
    if widget.objectName() and not widget.objectName().startswith("qt_"):
        return _words(widget.objectName())
    return _group(widget) or _kind(widget).capitalize()


def _headings(model) -> list[str]:
    try:
        count = model.columnCount(QModelIndex())
    except TypeError:  # a list's model: one column, no headings
        return []
    return [str(model.headerData(c, _horizontal()) or "") for c in range(count)]


def _horizontal():
    from PySide6.QtCore import Qt

    return Qt.Orientation.Horizontal


def _description(widget: QWidget) -> str:
    parts = [_kind(widget)]
    group = _group(widget)
    if group and group != widget.accessibleName():
        parts.append(f"in {group}")
    tip = _plain(widget.toolTip() or widget.statusTip())
    placeholder = _plain(getattr(widget, "placeholderText", lambda: "")())
    if isinstance(widget, QAbstractButton):
        keys = re.search(r"\(([^)]*(?:Ctrl|Alt|Shift|F\d)[^)]*)\)", widget.text())
        if not widget.shortcut().isEmpty():
            parts.append(f"shortcut {widget.shortcut().toString()}")
        if keys:
            parts.append(f"shortcut {keys.group(1)}")
    if isinstance(widget, QAbstractItemView) and widget.model() is not None:
        model = widget.model()
        heads = _headings(model)
        if any(heads):
            parts.append("columns " + ", ".join(h for h in heads if h))
    for extra in (tip, placeholder):
        if extra and extra != widget.accessibleName() and extra not in parts:
            parts.append(extra)
    return "; ".join(p for p in parts if p)


class _Namer(QObject):
    """Names each widget as it is shown (a window: all of it, with its labels in place)."""

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Type.Show and isinstance(obj, QWidget):
            try:
                with keep_none():  # (PySide on Python 3.11: see ui/work.keep_none)
                    if obj.isWindow():
                        name_all(obj)
                    else:
                        name_widget(obj)
            except Exception:  # a name is never worth an error in the clerk's window
                logging.getLogger("billing_desk.ui").exception("naming %r failed", obj)
        return False


def install(app: QApplication | None = None) -> QObject | None:
    """Name every widget the program shows from now on, and show where the focus is (once per
    application)."""
    from . import focus_ring, read_only_look

    app = app or QApplication.instance()  # type: ignore[assignment]
    if app is None:
        return None
    focus_ring.install(app)
    read_only_look.install(app)  # a box the clerk cannot type in looks so
    namer = app.findChild(_Namer, "accessible-names")
    if namer is None:
        namer = _Namer(app)
        namer.setObjectName("accessible-names")
        app.installEventFilter(namer)
    return namer
