"""The administrator's list of users: add, change the role, disable or enable, reset, unlock."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...choices import ROLES
from ...errors import BillingError
from ...services.office import users
from ...services.office.permissions import require
from ..prompts import Prompter
from ..table_model import Column, PagedTableModel
from .signin import _FormDialog

COLUMNS = [
    Column("User name", lambda u: u.username, width=110),
    Column("Name", lambda u: u.full_name, width=180),
    Column("Role", lambda u: u.role, width=100),
    Column("Status", lambda u: "active" if u.active else "disabled", width=80),
    Column("Locked until", lambda u: u.locked_until, width=130),
    Column("Must choose a password", lambda u: u.must_change_password, width=170),
]


class UserFormDialog(_FormDialog):
    """Add a user (name, user name, role, first password) or reset a password."""

    def __init__(self, by, parent=None, *, user=None):
        self.role = QComboBox(objectName="role")
        for role in ROLES:
            self.role.addItem(role.capitalize(), role)
        rows: list[tuple[str, str, bool | QWidget]] = [
            ("temporary password", "&Temporary password", True),
            ("temporary password (again)", "Temporary password &again", True)]
        if user is None:
            head: list[tuple[str, str, bool | QWidget]] = [
                ("name", "&Name", False), ("user name", "&User name", False), ("role", "&Role", self.role)]
            rows = head + rows
        super().__init__("Add user" if user is None else f"Reset password of {user.username}",
                         rows, "&Save", parent)
        self.by, self.user = by, user
        self.intro.setText("The user chooses their own password at their first sign-in.")

    def save(self) -> None:
        password, again = self.text("temporary password"), self.text("temporary password (again)")
        if self.user is None:
            self.user = users.add_user(self.by, self.text("user name"), self.text("name"),
                                       self.role.currentData(), password, again)
        else:
            users.reset_password(self.by, self.user.id, password, again,
                                 loaded_as=users.password_version(self.user))  # as listed


class UsersDialog(QDialog):
    def __init__(self, by, parent=None, *, prompter=None):
        require(by, "manage_users")
        super().__init__(parent)
        self.by = by
        self.setWindowTitle("Users")
        self.model = PagedTableModel(COLUMNS, parent=self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for i, column in enumerate(COLUMNS):
            if column.width:
                self.table.setColumnWidth(i, column.width)
        self.message = QLabel(wordWrap=True)
        self.buttons = {}
        row = QHBoxLayout()
        for name, text, slot in (("add", "&Add…", self.add), ("role", "Change r&ole…", self.change_role),
                                 ("toggle", "&Disable", self.toggle), ("reset", "&Reset password…",
                                                                      self.reset),
                                 ("unlock", "Un&lock", self.unlock)):
            button = QPushButton(text)
            button.setAutoDefault(False)
            button.clicked.connect(lambda _c=False, s=slot: self._run(s))
            self.buttons[name] = button
            row.addWidget(button)
        row.addStretch(1)
        close = QPushButton("Close")
        close.clicked.connect(self.accept)
        row.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Users are never deleted: a disabled user keeps their history."))
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addLayout(row)
        self.prompter = prompter or Prompter(self)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._selected())
        self.resize(800, 420)
        self.refresh()

    def refresh(self, select_id: int | None = None) -> None:
        rows = users.list_users()
        self.model.set_source(lambda offset, limit: rows[offset:offset + limit], lambda: len(rows))
        index = next((i for i, u in enumerate(rows) if u.id == select_id), 0)
        if rows:
            self.table.selectRow(index)
        self._selected()

    def current(self):
        return self.model.row_object(self.table.currentIndex().row())

    def _selected(self) -> None:
        user = self.current()
        self.buttons["toggle"].setText("&Enable" if user is not None and not user.active else "&Disable")

    def _run(self, slot) -> None:
        try:
            changed = slot()
        except BillingError as exc:
            self.message.setText(str(exc))
            user = self.current()
            self.refresh(user.id if user is not None else None)  # the users as the office has them now
            return
        if changed is not None:
            self.message.setText(changed[1])
            self.refresh(changed[0])

    def add(self):
        dialog = UserFormDialog(self.by, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            return dialog.user.id, f"{dialog.user.username} added as {dialog.user.role}."
        return None

    def reset(self):
        user = self.current()
        if user is None:
            return None
        if UserFormDialog(self.by, self, user=user).exec() == QDialog.DialogCode.Accepted:
            return user.id, f"Password of {user.username} reset; they choose a new one at sign-in."
        self.refresh(user.id)  # cancelled, perhaps after a refusal: the list as it is now
        return None

    def toggle(self):
        user = self.current()
        if user is None:
            return None
        changed = users.update_user(self.by, user.id, active=not user.active,
                                    loaded_as=users.user_version(user))  # as the list shows it
        return user.id, f"{changed.username} {'enabled' if changed.active else 'disabled'}."

    def unlock(self):
        user = self.current()
        if user is None:
            return None
        users.unlock_user(self.by, user.id, loaded_as=users.user_version(user))  # as listed
        return user.id, f"{user.username} unlocked."

    def change_role(self):
        user = self.current()
        role = self._ask_role(user) if user else None
        if not role:
            return None
        users.update_user(self.by, user.id, role=role, loaded_as=users.user_version(user))
        return user.id, f"{user.username} is now {role}."

    def _ask_role(self, user) -> str | None:
        labels = [r.capitalize() for r in ROLES]
        text = self.prompter.ask_choice("Change role", f"Role of {user.username}", labels,
                                        ROLES.index(user.role))
        return text.lower() if text else None
