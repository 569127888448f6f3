"""The lock: after the office's idle minutes (or Ctrl+L) a cover hides every window's data.

The same user signs in again and finds everything as they left it. Another user may sign in
instead: the first user's tabs (with whatever they had typed) and open windows are stashed, not
destroyed, and come back when the first user signs in again at a later lock.
``install(window)`` adds the lock, the idle timer and the Users / Audit trail / password actions.
"""

from __future__ import annotations

from typing import cast

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QAction, QColor, QPalette
from PySide6.QtWidgets import QApplication, QDialog, QFrame, QLabel, QVBoxLayout, QWidget

from ...errors import BillingError
from ...services.office import audit, auth
from ...services.office.settings import get_setting
from .signin import ChangePasswordDialog, SignInForm

INPUT_EVENTS = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove,
                QEvent.Type.Wheel}


class Cover(QWidget):
    """An opaque child over the whole of its window, following its size."""

    def __init__(self, host: QWidget):
        super().__init__(host)
        self.setObjectName("lock_cover")
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Window, QColor("#2b3440"))
        palette.setColor(QPalette.ColorRole.WindowText, QColor("white"))
        self.setPalette(palette)
        self.setAutoFillBackground(True)
        host.installEventFilter(self)
        self.setGeometry(host.rect())
        self.raise_()
        self.show()

    def eventFilter(self, obj, event) -> bool:
        if obj is self.parent() and event.type() == QEvent.Type.Resize:
            self.setGeometry(cast(QWidget, self.parent()).rect())
        return False


class LockScreen(Cover):
    """The cover that holds the sign-in form."""

    def __init__(self, host: QWidget, user):
        super().__init__(host)
        card = QFrame(self)
        plain = QApplication.palette()
        for role in (QPalette.ColorRole.Window, QPalette.ColorRole.WindowText):
            plain.setColor(role, plain.color(role))  # set explicitly: not inherited from the cover
        card.setPalette(plain)
        card.setAutoFillBackground(True)
        card.setFrameShape(QFrame.Shape.StyledPanel)
        card.setFixedWidth(400)
        title = QLabel(f"<h2>Locked</h2>{user.full_name} locked this window. Sign in to go on, "
                       "or sign in as yourself: their work is kept for them.")
        title.setWordWrap(True)
        self.form = SignInForm(user.username, card)
        inside = QVBoxLayout(card)
        inside.addWidget(title)
        inside.addWidget(self.form)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(card, alignment=Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
        self.form.focus()


class LockController(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.locked_user = None
        self.covers: list[Cover] = []
        self.screen: LockScreen | None = None
        self._disabled: list[QAction] = []
        self.stash: dict[int, tuple[list, int, list]] = {}
        self._holder = QWidget(window)
        self._holder.hide()
        self.idle = QTimer(self, singleShot=True)
        self.idle.setInterval(max(1, int(get_setting("idle_lock_minutes"))) * 60_000)
        self.idle.timeout.connect(lambda: self.lock("idle"))
        self.anchor = QTimer(self, interval=60_000)
        self.anchor.timeout.connect(self._sync_anchor)
        self.anchor.start()
        app = QApplication.instance()
        if app is not None:  # always, in the window: it made the application first
            app.installEventFilter(self)
        window.installEventFilter(self)
        self.idle.start()

    @property
    def locked(self) -> bool:
        return self.locked_user is not None

    def eventFilter(self, obj, event) -> bool:
        kind = event.type()
        if kind in INPUT_EVENTS and not self.locked:
            self.idle.start()
        elif kind == QEvent.Type.Close and obj is self.window:
            self._closing()
        return False

    def _db_open(self) -> bool:
        return not self.window.session.opened.db.is_closed()

    def _sync_anchor(self) -> None:
        if self._db_open():
            audit.sync_anchor()

    def _closing(self) -> None:
        user = self.window.session.user
        if user is not None and self._db_open() and not self.locked:
            try:
                auth.sign_out(user, "closed the window")
            except BillingError:
                pass
        self.idle.stop()
        self.anchor.stop()

    # --- locking --------------------------------------------------------------------------
    def lock(self, why: str = "on purpose") -> None:
        user = self.window.session.user
        if self.locked or user is None:
            return
        self.idle.stop()
        try:
            auth.sign_out(user, "locked the window" + (" (idle)" if why == "idle" else ""))
        except BillingError:
            pass  # the lock itself must never fail
        self.locked_user = user
        host = QApplication.activeModalWidget() or self.window
        windows = [w for w in QApplication.topLevelWidgets()
                   if w.isVisible() and w.isWindow() and isinstance(w, (QDialog,)) and w is not host]
        if host is not self.window:
            windows.append(self.window)
        self.covers = [Cover(w) for w in windows]
        self.screen = LockScreen(host, user)
        self.covers.append(self.screen)
        self.screen.form.signed_in.connect(self._signed_in)
        self._disabled = [a for a in self.window.findChildren(QAction) if a.isEnabled()]
        for action in self._disabled:
            action.setEnabled(False)
        self.window.menuBar().setEnabled(False)
        self.screen.form.focus()

    def _signed_in(self, user) -> None:
        if user.must_change_password and ChangePasswordDialog(user, self.screen, forced=True).exec() \
                != QDialog.DialogCode.Accepted:
            return
        locked = self.locked_user
        assert locked is not None  # signing in answers a lock
        if user.id != locked.id:
            if QApplication.activeModalWidget() is not None and self.screen is not None:
                self.screen.form.message.setText(
                    f"{locked.full_name} has a form open in a dialog; only they can "
                    "unlock now (their form is kept).")
                return
            self._switch_user(user)
        self.unlock()

    def unlock(self) -> None:
        for cover in self.covers:
            cast(QWidget, cover.parent()).removeEventFilter(cover)
            cover.hide()
            cover.deleteLater()
        self.covers, self.screen = [], None
        for action in self._disabled:
            action.setEnabled(True)
        self._disabled = []
        self.window.menuBar().setEnabled(True)
        self.locked_user = None
        self.window.update_status()
        self.idle.start()

    def _switch_user(self, user) -> None:
        """Stash the first user's tabs and windows; bring back (or build) the new user's."""
        window, old = self.window, self.locked_user
        assert old is not None  # a switch follows a lock
        others = [w for w in QApplication.topLevelWidgets()
                  if w.isVisible() and isinstance(w, QDialog)]
        for w in others:
            w.hide()
        index = window.tabs.currentIndex()
        window.tabs.blockSignals(True)  # no tab-changed refreshes while the tabs are swapped
        kept = window.take_tabs()  # built or not yet (the window builds a tab when first shown)
        self.stash[old.id] = (kept, index, others)
        for page in kept:
            page.setParent(self._holder)
        pages, index, windows = self.stash.pop(user.id, (None, 0, []))
        window.session_holder.set_user(user)
        window.put_tabs(pages)  # None: new tabs for this user
        window.tabs.setCurrentIndex(index)
        window.tabs.blockSignals(False)
        for w in windows:
            w.show()
        window.page().refresh()


def _guarded(window, action) -> None:
    try:
        action()
    except BillingError as exc:
        window.prompter.warn("Billing Desk", str(exc))


def install(window) -> LockController:
    """Everything sign-in adds to the main window, in one call."""
    from .audit_viewer import AuditViewer
    from .users_dialog import UsersDialog

    controller = LockController(window)
    window.lock_controller = controller
    mine = [window.add_action("&File", "&Lock", controller.lock, "Ctrl+L",
                              tip="Hide everything until you (or another user) sign in"),
            window.add_action("&File", "Change &password…", lambda: ChangePasswordDialog(
                window.session.user, window).exec(), tip="Choose a new password for yourself")]
    file_menu = window.menu("&File")
    exit_action = next((a for a in file_menu.actions() if a.isSeparator()), None)
    for action in mine:  # above the separator and Exit
        file_menu.removeAction(action)
        file_menu.insertAction(exit_action, action)
    window.add_action("&Tools", "&Users…", lambda: _guarded(
        window, lambda: UsersDialog(window.session.user, window).exec()),
        tip="Add, disable and reset users (administrator)")
    window.add_action("&Tools", "&Audit trail…", lambda: _guarded(
        window, lambda: AuditViewer(window.session.user, window).exec()),
        tip="Who did what, when (supervisor)")
    return controller
