"""Sign-in screens: first start (administrator + recovery key), sign-in, recovery, sign-off."""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ... import APP_NAME
from ...errors import BillingError, ValidationError
from ...services.office import auth
from ...services.office.permissions import ACTION_NAMES
from ...services.office.settings import get_setting
from ..form_fields import FormFields
from ..prompts import Prompter


def _password_box() -> QLineEdit:
    box = QLineEdit()
    box.setEchoMode(QLineEdit.EchoMode.Password)
    return box


def _chain(boxes: list[QLineEdit], last: Callable[[], None]) -> None:
    """Enter moves to the next box; on the last one it submits."""
    for box, following in zip(boxes, boxes[1:]):
        box.returnPressed.connect(following.setFocus)
    boxes[-1].returnPressed.connect(last)


def _message() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet("color: #b00020;")
    return label


class SignInForm(QWidget):
    """User name and password; ``signed_in(user)`` when they match. Used by the dialog and the lock."""

    signed_in = Signal(object)

    def __init__(self, username: str = "", parent=None, *, authenticate=None):
        super().__init__(parent)
        self.authenticate = authenticate or auth.sign_in
        self.username = QLineEdit(username, objectName="username")
        self.password = _password_box()
        self.password.setObjectName("password")
        self.message = _message()
        self.message.setMinimumHeight(3 * self.message.fontMetrics().lineSpacing())
        self.button = QPushButton("&Sign in")
        self.button.setAutoDefault(False)
        form = QFormLayout()
        form.addRow("&User name", self.username)
        form.addRow("&Password", self.password)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.button, alignment=Qt.AlignmentFlag.AlignRight)
        _chain([self.username, self.password], self.submit)
        self.button.clicked.connect(self.submit)

    def focus(self) -> None:
        box = self.password if self.username.text() else self.username
        box.setFocus()

    def submit(self) -> None:
        password = self.password.text()
        self.password.clear()
        try:
            user = self.authenticate(self.username.text(), password)
        except BillingError as exc:
            self.message.setText(str(exc))
            self.password.setFocus()
            return
        self.message.clear()
        self.signed_in.emit(user)


class SignInDialog(QDialog):
    """Sign-in at every start; the recovery key and a forced password change when needed."""

    def __init__(self, parent=None, *, office: str = "", file: str = ""):
        super().__init__(parent)
        self.setWindowTitle(f"{office or APP_NAME} — sign in")
        self.user = None
        self.form = SignInForm(parent=self)
        heading = QLabel(f"<h3>{escape(office or APP_NAME)}</h3>Sign in as yourself."
                         + (f"<br><small>Database: {escape(file)}</small>" if file else ""),
                         objectName="signin-heading")
        self.recover_button = QPushButton("Lost the password? Use the &recovery key…")
        self.recover_button.setAutoDefault(False)
        self.recover_button.setFlat(True)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.form)
        layout.addWidget(self.recover_button)
        self.form.signed_in.connect(self._signed_in)
        self.recover_button.clicked.connect(self._recover)
        self.setMinimumWidth(380)
        self.form.focus()

    def _signed_in(self, user) -> None:
        if user.must_change_password:
            dialog = ChangePasswordDialog(user, self, forced=True)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return
        self.user = user
        self.accept()

    def _recover(self) -> None:
        dialog = RecoveryDialog(self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.user = dialog.user
            self.accept()


class _FormDialog(QDialog):
    """A small form of boxes (name -> label, a secret one for a password, or a box of its own
    such as a drop-down) with a message line and an OK button; each refusal under its box."""

    def __init__(self, title: str, rows: list[tuple[str, str, bool | QWidget]], ok: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.boxes: dict[str, QLineEdit] = {}
        self.intro = QLabel(wordWrap=True)
        self.message = _message()
        self.form_fields = FormFields(self.message, "form")
        form = QFormLayout()
        for name, label, kind in rows:
            if isinstance(kind, QWidget):
                self.form_fields.add(form, name, label, kind)
                continue
            box = self.form_fields.text(form, name, label, secret=kind)
            box.setObjectName(name)
            self.boxes[name] = box
        self.said = self.form_fields.said
        self.ok = QPushButton(ok)
        self.ok.setAutoDefault(False)
        cancel = QPushButton("Cancel")
        cancel.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.ok)
        buttons.addWidget(cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        _chain(list(self.boxes.values()), self.submit)
        self.ok.clicked.connect(self.submit)
        cancel.clicked.connect(self.reject)
        self.setMinimumWidth(420)

    def text(self, name: str) -> str:
        return self.boxes[name].text()

    def submit(self) -> None:
        try:
            self.save()
        except BillingError as exc:
            self.form_fields.clear()
            first = self.form_fields.show(exc.problems) if isinstance(exc, ValidationError) else None
            if not isinstance(exc, ValidationError):
                self.message.setText(str(exc))
            if isinstance(first, QLineEdit):
                first.selectAll()
            return
        self.form_fields.clear()
        self.accept()

    def save(self) -> None:  # pragma: no cover - each dialog has its own
        raise NotImplementedError


class ChangePasswordDialog(_FormDialog):
    def __init__(self, user, parent=None, *, forced: bool = False):
        super().__init__("Change password", [
            ("current password", "&Current password", True),
            ("new password", "&New password", True),
            ("new password (again)", "New password &again", True)], "&Change", parent)
        self.user = user
        if forced:
            self.intro.setText(f"{user.full_name}, the administrator set a temporary password. "
                               "Choose your own before you go on.")

    def save(self) -> None:
        auth.change_password(self.user, self.text("current password"), self.text("new password"),
                             self.text("new password (again)"))


class RecoveryDialog(_FormDialog):
    """The emergency way in: the recovery key sets a new administrator password."""

    def __init__(self, parent=None):
        super().__init__("Recovery key", [
            ("recovery key", "&Recovery key", False),
            ("new password", "&New password", True),
            ("new password (again)", "New password &again", True)], "&Sign in", parent)
        self.intro.setText("Type the recovery key from the office safe (XXXXX-XXXXX-…). It signs "
                           "the administrator in with a new password.")
        self.user = None

    def save(self) -> None:
        self.user = auth.recover(self.text("recovery key"), self.text("new password"),
                                 self.text("new password (again)"))


class FirstStartDialog(_FormDialog):
    """A new office: the administrator's name, user name and password, then the recovery key."""

    def __init__(self, parent=None, *, prompter: Prompter | None = None):
        super().__init__(f"{APP_NAME} — first start", [
            ("name", "Your &name", False), ("user name", "&User name", False),
            ("password", "&Password", True), ("password (again)", "Password &again", True)],
            "&Create administrator", parent)
        self.intro.setText("<b>Welcome.</b> Create the administrator: the person who adds the "
                           "office's users. Everyone signs in as themself from now on.")
        self.prompter = prompter or Prompter(self)
        self.user: auth.User | None = None
        self.recovery = ""

    def save(self) -> None:
        self.user, self.recovery = auth.create_first_administrator(
            self.text("name"), self.text("user name"), self.text("password"),
            self.text("password (again)"))
        self.key_dialog = RecoveryKeyDialog(self.recovery, self, prompter=self.prompter)
        self.key_dialog.exec()


class RecoveryKeyDialog(QDialog):
    """Shown once: the key to print or save for the office safe. Continue needs a tick."""

    def __init__(self, key: str, parent=None, *, prompter: Prompter | None = None):
        super().__init__(parent)
        self.setWindowTitle("Recovery key")
        self.key = key
        self.prompter = prompter or Prompter(self)
        text = QLabel("This is the office's <b>recovery key</b>: the emergency way in if the "
                      "administrator's password is lost, and the key that brings the audit trail's "
                      "secret to a new PC. It is shown only now. Save it or write it down and keep "
                      "it in the office safe, not on this PC.", wordWrap=True)
        shown = QLineEdit(key, readOnly=True, objectName="recovery_key")
        font = QFont("monospace")
        font.setPointSize(16)
        shown.setFont(font)
        save, copy = QPushButton("&Save to a file…"), QPushButton("C&opy")
        self.saved = QLabel()
        self.confirmed = QCheckBox("I have &saved or written down the recovery key")
        self.go = QPushButton("&Continue")
        self.go.setEnabled(False)
        row = QHBoxLayout()
        for button in (save, copy):
            button.setAutoDefault(False)
            row.addWidget(button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        for widget in (text, shown):
            layout.addWidget(widget)
        layout.addLayout(row)
        layout.addWidget(self.saved)
        layout.addWidget(self.confirmed)
        layout.addWidget(self.go, alignment=Qt.AlignmentFlag.AlignRight)
        save.clicked.connect(self.save)
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(key))
        self.confirmed.toggled.connect(self.go.setEnabled)
        self.go.clicked.connect(self.accept)
        self.setMinimumWidth(520)

    def save(self) -> None:
        name = self.prompter.choose_save_file("Save the recovery key",
                                              str(Path.home() / "billing-desk-recovery-key.txt"),
                                              "Text file (*.txt)")
        if not name:
            return
        Path(name).write_text(f"{APP_NAME} recovery key\n\n{self.key}\n\nKeep this in the office "
                              "safe. It signs the administrator in and restores the audit key.\n",
                              encoding="utf-8")
        self.saved.setText(f"Saved to {name}. Move it off this PC (a USB stick in the safe).")

    def reject(self) -> None:  # Esc: the key must not be lost by a slip of the finger
        if self.confirmed.isChecked():
            super().reject()


class SignOffDialog(QDialog):
    """A supervisor types their own password so the clerk may go on: ``approver`` is the result."""

    def __init__(self, action: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Supervisor sign-off")
        self.action = action
        self.approver = None
        self.form = SignInForm(parent=self, authenticate=lambda name, password: auth.signoff(
            name, password, action))
        self.form.button.setText("&Sign off")
        self.form.signed_in.connect(self._approved)
        cancel = QPushButton("Cancel")
        cancel.setAutoDefault(False)
        cancel.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"A supervisor must sign off to <b>{ACTION_NAMES[action]}</b>. "
                                "Supervisor: type your own user name and password.", wordWrap=True))
        layout.addWidget(self.form)
        layout.addWidget(cancel, alignment=Qt.AlignmentFlag.AlignRight)
        self.setMinimumWidth(420)
        self.form.username.setFocus()

    def _approved(self, user) -> None:
        self.approver = user
        self.accept()


def ask_signoff(parent, action: str):
    """For the other screens: the approving supervisor (pass as ``approved_by``) or None.

    None at once where the office turned the ``supervisor_signoff`` setting off.
    """
    if not get_setting("supervisor_signoff"):
        return None
    dialog = SignOffDialog(action, parent)
    return dialog.approver if dialog.exec() == QDialog.DialogCode.Accepted else None


def sign_in_at_start(office: str = "", file: str = ""):
    """First start or sign-in, before the main window exists, headed with the office's name.
    The user, or None (cancelled)."""
    dialog = FirstStartDialog() if auth.first_start_needed() else SignInDialog(office=office, file=file)
    return dialog.user if dialog.exec() == QDialog.DialogCode.Accepted else None
