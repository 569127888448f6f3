"""The one owner of the signed-in session on the Qt side.

A window's ``Session`` (services/office/session.py: the open file and the user acting) is changed
only here: signing in, another user unlocking the window, a file opened again after a restore.
Each change emits ``changed`` once; screens listen to it instead of being told one by one.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from ..services.office.session import Session


class SessionHolder(QObject):
    changed = Signal(object)  # the Session, after its user or its file changed

    def __init__(self, session: Session, parent: QObject | None = None):
        super().__init__(parent)
        self._session = session

    @property
    def session(self) -> Session:
        return self._session

    @property
    def user(self):
        return self._session.user

    def set_user(self, user) -> None:
        """Someone signed in (None: nobody is signed in now)."""
        if user is self._session.user:
            return
        self._session.user = user
        self.changed.emit(self._session)

    def reopened(self, opened, user) -> None:
        """The same session on a file opened again (after a restore), with its user re-read."""
        self._session.opened = opened
        self._session.user = user
        self.changed.emit(self._session)
