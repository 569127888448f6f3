"""The paper-EOB window driven with keys, as the EOB tests share it: the window shown and active,
the box with the focus, and text typed into it followed by a key."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication


def eob_window(qtbot, db, user, prompter):
    """The EOB window on ``db`` for ``user``, shown and active."""
    from billing_desk.services.office.session import Session
    from billing_desk.ui.books.payment_eob import EobDialog

    dialog = EobDialog(Session(db, user), prompter=prompter)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitActive(dialog)
    return dialog


def focused():
    return QApplication.focusWidget()


def key_in(qtbot, text, then=Qt.Key.Key_Return):
    for char in text:
        qtbot.keyClicks(focused(), char)
    if then is not None:
        qtbot.keyClick(focused(), then)
    QApplication.processEvents()
