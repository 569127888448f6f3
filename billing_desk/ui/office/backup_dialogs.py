"""Backup, restore and maintenance in the window: actions, dialogs and a worker thread.

The work is ``services.backup`` and ``services.maintenance``; this module asks the questions
(through a ``Prompter``, so tests never click a modal box), runs the long parts in the background
(``ui/work.py``, behind its progress dialog), and writes audit entries back on the window's thread.
None of them offers Cancel: a backup, a restore or a VACUUM half done is worse than one finished.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...errors import BillingError, PermissionDenied, StaleRecordError
from ...services import checks, moving
from ...services.office import audit_keys, backup as backups, maintenance, restore
from ...services.office.permissions import can
from ..kept_worker import let_go_all
from ..prompts import Prompter
from ..work import BackgroundJob, run_in_background

BACKUP_FILTER = "Billing Desk backup (*.bdbackup);;All files (*)"


def new_password(prompter: Prompter) -> str | None:
    """An encrypted backup's password, typed twice; None if cancelled or the two differ."""
    first = prompter.ask_password("Encrypt the backup", "Password for this backup (keep it safe; "
                                  "without it the copy is lost):")
    if not first:
        return None
    again = prompter.ask_password("Encrypt the backup", "Type it again:")
    if again is not None and again != first:
        prompter.warn("Back up", "The two passwords differ; no backup was made.")
    return first if again == first else None


SERVER_RESTORE = ("This office is on a server, which the workstations are using: a backup is "
                  "never restored over it. It is restored into a new, empty database on the "
                  "server (whoever looks after the server creates one), and this PC opens it; "
                  "the office now open stays as it was.")
TARGET_LABEL = "Restore into the new, empty database (postgresql://USER@HOST:PORT/DBNAME):"


class RestoreDialog(QDialog):
    """What a backup holds, shown before anything is replaced; asks its password if needed."""

    def __init__(self, path: Path, manifest: dict, parent=None, *, server: bool = False):
        super().__init__(parent)
        self.setWindowTitle("Restore a backup")
        self.manifest = manifest
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"<b>{path.name}</b>"))
        self.details = QLabel("\n".join(backups.manifest_lines(manifest)))
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.details)
        words = SERVER_RESTORE if server else ("Restoring replaces the data now open with this "
                                               "backup. The current data is backed up first; the "
                                               "window closes and reopens.")
        layout.addWidget(QLabel(words, wordWrap=True))
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        if manifest.get("encryption"):
            form = QFormLayout()
            form.addRow("Backup &password:", self.password_edit)
            layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.restore_button = buttons.addButton("&Restore", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def password(self) -> str | None:
        return self.password_edit.text() or None


def run_with_progress(parent: QWidget, title: str, work: Callable, on_done: Callable,
                      on_failed: Callable) -> BackgroundJob:
    """Start ``work(progress)`` in the background behind the progress dialog; returns the job."""
    return run_in_background(parent, work, title=title, on_done=on_done, on_error=on_failed)


class BackupActions:
    """The window's backup, restore and maintenance commands."""

    back_up_action: QAction  # the menu commands, set by install_backup_actions()
    restore_action: QAction
    maintenance_action: QAction

    def __init__(self, window, session=None, prompter: Prompter | None = None):
        self.window = window
        self._session = session
        self.prompter = prompter or Prompter(window)
        self.thread: BackgroundJob | None = None
        self.last_result = None
        self.last_error = ""
        self.folder_as = ""  # the backup folder setting as last read (services.office.stale)

    @property
    def session(self):
        return getattr(self.window, "session", None) or self._session

    # --- back up ----------------------------------------------------------------------------
    def folder(self) -> Path | None:
        """The remembered folder; the first time, the clerk chooses it (and it is remembered).
        A remembered folder that is not there (a stick unplugged) is said plainly, with the
        choice of another."""
        from ...services.office.settings import get_setting, settings_version

        self.folder_as = settings_version(["backup_folder"])  # office-wide: another PC may choose
        if not get_setting("backup_folder"):
            return self._choose_folder(backups.backup_folder())
        folder = backups.backup_folder()
        if folder.is_dir():
            return folder
        if self.prompter.confirm("Back up", f"The backup folder {folder} is not there. Is the "
                                 "USB stick or network drive plugged in?\n\nPlug it in and try "
                                 "again, or choose another folder now. Choose another folder?"):
            return self._choose_folder(folder.parent)
        return None

    def _choose_folder(self, start: Path) -> Path | None:
        from ...services.office.settings import set_setting

        name = self.prompter.choose_folder("Choose the backup folder", str(start))
        if not name:
            return None
        chosen = Path(name)
        try:
            set_setting("backup_folder", str(chosen), self.session.user, loaded_as=self.folder_as,
                        what="The office's backup folder")
        except PermissionDenied:
            self.prompter.inform("Backup folder", f"Backups go to {chosen} this time. A supervisor "
                                 "can make it the office's backup folder.")
        except StaleRecordError:
            self.prompter.inform("Backup folder", f"Backups go to {chosen} this time. The office's "
                                 "backup folder was changed on another screen or workstation "
                                 f"meanwhile (it is now {backups.backup_folder()}): it was kept. "
                                 "Choose the folder again to make this one the office's.")
        return chosen

    def back_up_now(self) -> BackgroundJob | None:
        from ...services.office.settings import get_setting

        if self.busy():
            return None
        folder = self.folder()
        if folder is None:
            return None
        password = None
        if get_setting("backup_encrypt"):
            password = new_password(self.prompter)
            if password is None:
                return None
        session, keep = self.session, backups.keep_newest_setting()

        def work(progress):
            return backups.make_backup(session.opened.address, folder, user=session.user.username,
                                       password=password, progress=progress, keep_newest=keep)

        self.thread = run_with_progress(self.window, "Backing up…", work, self._backed_up,
                                        self._backup_failed)
        return self.thread

    def _backed_up(self, result) -> None:
        self.thread, self.last_result, self.last_error = None, result, ""
        backups.record_backup(self.session.user, result)
        text = f"Backup made and verified:\n{result.path}\n\n" + "\n".join(
            backups.manifest_lines(result.manifest))
        if result.removed:
            text += f"\n\n{len(result.removed)} older backup(s) rotated out."
        _status(self.window, f"Backup made and verified: {result.path.name}")
        if result.warnings:
            self.prompter.warn("Back up", text + "\n\nWarning: " + " ".join(result.warnings))
        else:
            self.prompter.inform("Back up", text)

    def _backup_failed(self, message: str) -> None:
        self.thread, self.last_error = None, message
        _status(self.window, "The backup failed")
        self.prompter.warn("Back up", f"No backup was made.\n\n{message}")

    def busy(self) -> bool:
        return self.thread is not None

    # --- restore ----------------------------------------------------------------------------
    def restore(self) -> BackgroundJob | None:
        session = self.session
        if self.busy():
            return None
        if not can(session.user, "restore"):
            self.prompter.warn("Restore", "Restoring a backup needs a supervisor; ask one to do it "
                               "or to sign in.")
            return None
        name = self.prompter.choose_open_file("Choose a backup to restore", BACKUP_FILTER,
                                              str(backups.backup_folder()))
        if not name:
            return None
        path = Path(name)
        try:
            manifest = backups.read_manifest(path)
        except BillingError as exc:
            self.prompter.warn("Restore", f"{exc}\n\nNothing was changed.")
            return None
        review = RestoreDialog(path, manifest, self.window, server=bool(session.opened.server))
        if not self.prompter.run(review):
            return None
        if session.opened.server:
            return self.restore_beside(path, manifest, review.password())
        return self.start_restore(path, review.password())

    def restore_beside(self, path: Path, manifest: dict, password: str | None) -> BackgroundJob | None:
        """On a server office: into a new, empty database (asked for), never over the office in
        use; checked before anything closes; then this PC may open the restored office."""
        session, current = self.session, self.session.opened.server
        base, _, name = current.rpartition("/")
        target = self.prompter.ask_text("Restore a backup", TARGET_LABEL, f"{base}/{name}_restored")
        if not target or not target.strip():
            return None
        target = target.strip()
        try:
            moving.check_restore_beside(manifest, path, current, target, session.user,
                                        audit_keys.office_id())
        except BillingError as exc:
            self.prompter.warn("Restore", f"{exc}")
            return None
        user = session.user
        self.window.setEnabled(False)
        session.close()  # the work opens the backup's copy and the new database itself

        def work(progress):
            return moving.restore_beside(path, target, current, user, password=password,
                                         progress=lambda text: progress(None, text))

        self.thread = run_with_progress(self.window, "Restoring…", work,
                                        lambda result: self._restored_beside(current, target, result),
                                        lambda message: self._restore_failed(current, message))
        return self.thread

    def _restored_beside(self, current: str, target: str, result) -> None:
        self.thread, self.last_result, self.last_error = None, result, ""
        text = (f"Restored {result.source.name} into {target}; every count, total and the audit "
                f"trail were checked. The office at {current} is as it was.\n\nOpen the restored "
                "office on this PC now? (The other workstations open it with File > Open "
                "database… > the new address.)")
        self._reopen(target if self.prompter.confirm("Restore", text) else current)

    def start_restore(self, path: Path, password: str | None) -> BackgroundJob:
        session, user, db_path = self.session, self.session.user, self.session.path
        folder = backups.backup_folder() if backups.backup_folder().is_dir() else path.parent
        keep = backups.keep_newest_setting()
        self.window.setEnabled(False)
        let_go_all()  # a kept reader's connection too (ui/kept_worker.py)
        session.close()  # the file must be closed; the lock is released for the restore

        def work(progress):
            return restore.restore_backup(path, db_path, user, password=password, progress=progress,
                                          safety_folder=folder, keep_newest=keep)

        self.thread = run_with_progress(self.window, "Restoring…", work,
                                        lambda result: self._restored(db_path, result),
                                        lambda message: self._restore_failed(db_path, message))
        return self.thread

    def _reopen(self, db_path: Path | str) -> None:
        self.window.setEnabled(True)
        reopen = getattr(self.window, "reopen", None)
        if reopen is not None:
            reopen(db_path)
        else:  # a window without reopen(): open the session again in place
            from ...services.office.session import open_session

            self.window.session = open_session(db_path)

    def _restored(self, db_path: Path, result) -> None:
        self.thread, self.last_result, self.last_error = None, result, ""
        self._reopen(db_path)
        text = (f"Restored {result.manifest.get('created_at', '').replace('T', ' ')} backup.\n"
                f"The data it replaced was saved to {result.safety_copy or '(there was none)'}.")
        if result.note:
            text += f"\n\n{result.note}"
        self.prompter.inform("Restore", text)

    def _restore_failed(self, db_path: Path | str, message: str) -> None:
        self.thread, self.last_error = None, message
        self._reopen(db_path)
        self.prompter.warn("Restore", f"Nothing was restored; your data is as it was.\n\n{message}")

    # --- maintenance ------------------------------------------------------------------------
    def maintenance(self) -> "MaintenanceDialog":
        dialog = MaintenanceDialog(self.session, self.window)
        dialog.show()
        return dialog


class MaintenanceDialog(QDialog):
    """Where the database is, how big, free space; integrity + ledger check; optimize."""

    thread: BackgroundJob | None  # type: ignore[assignment]  # shadows QObject.thread(), unused here

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.thread: BackgroundJob | None = None
        self.setWindowTitle("Maintenance")
        self.resize(640, 420)
        layout = QVBoxLayout(self)
        self.info = QLabel()
        self.info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.info)
        self.output = QPlainTextEdit(readOnly=True)
        layout.addWidget(self.output)
        row = QHBoxLayout()
        self.check_button = QPushButton("&Check integrity and ledger")
        self.optimize_button = QPushButton("&Optimize (ANALYZE, VACUUM)")
        if session.opened.server:
            self.optimize_button.setText("&Optimize (VACUUM, ANALYZE on the server)")
        close = QPushButton("Close")
        for button in (self.check_button, self.optimize_button):
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(close)
        layout.addLayout(row)
        self.check_button.clicked.connect(self.run_check)
        self.optimize_button.clicked.connect(self.run_optimize)
        close.clicked.connect(self.close)
        self.show_info()

    def show_info(self) -> None:
        if self.session.opened.server:  # the server's counterparts: its size, who is connected
            lines = maintenance.server_info().lines()
        else:
            lines = maintenance.database_info(self.session.path).lines()
        try:
            folder = backups.backup_folder()
            warning = maintenance.disk_space(folder).warning() if folder.is_dir() else \
                f"The backup folder {folder} is not there (is the stick plugged in?)."
            lines.append(f"Backup folder: {folder}" + (f" — {warning}" if warning else ""))
        except BillingError:
            pass
        self.info.setText("\n".join(lines))

    def _busy(self, busy: bool) -> None:
        self.check_button.setEnabled(not busy)
        self.optimize_button.setEnabled(not busy)

    def run_check(self) -> BackgroundJob:
        self._busy(True)
        self.output.setPlainText("Checking…")
        self.thread = run_with_progress(
            self, "Checking the database…",
            lambda progress: checks.check_database(close_thread_connection=True),
            self._checked, self._failed)
        return self.thread

    def _checked(self, result) -> None:
        self.thread = None
        self._busy(False)
        head = "Everything checks out." if result.clean else "PROBLEMS FOUND: restore a backup " \
            "or call for help before posting more work."
        self.output.setPlainText("\n".join([head, ""] + result.lines()))

    def run_optimize(self) -> BackgroundJob:
        self._busy(True)
        self.output.setPlainText("Optimizing…")
        path = self.session.path

        def work(progress):
            if self.session.opened.server:
                return maintenance.optimize_server(progress)
            return maintenance.optimize(path, progress)

        self.thread = run_with_progress(self, "Optimizing…", work, self._optimized, self._failed)
        return self.thread

    def _optimized(self, result) -> None:
        self.thread = None
        self._busy(False)
        self.output.setPlainText(result.text())
        self.show_info()

    def _failed(self, message: str) -> None:
        self.thread = None
        self._busy(False)
        self.output.setPlainText(message)


def _status(window, text: str) -> None:
    bar = getattr(window, "statusBar", None)
    if bar is not None:
        bar().showMessage(text, 10000)


def _menu(window, name: str):
    for key, menu in getattr(window, "menus", {}).items():
        if key.replace("&", "") == name:
            return menu
    if hasattr(window, "menu"):
        return window.menu(f"&{name}")
    return window.menuBar().addMenu(f"&{name}")


def _add(window, menu_name: str, text: str, slot, shortcut=None, toolbar=False) -> QAction:
    action = QAction(text, window)
    if shortcut:
        action.setShortcut(QKeySequence(shortcut))
    action.triggered.connect(lambda _checked=False: slot())
    menu = _menu(window, menu_name)
    separators = [a for a in menu.actions() if a.isSeparator()]
    if separators:  # above "Exit"
        menu.insertAction(separators[-1], action)
    else:
        menu.addAction(action)
    if toolbar and getattr(window, "toolbar", None) is not None:
        window.toolbar.addAction(action)
    return action


def install_backup_actions(window, session=None, prompter: Prompter | None = None) -> BackupActions:
    """Add File > Back up now (Ctrl+B, also on the toolbar), File > Restore… and
    Tools > Maintenance… to the main window; returns the actions' owner (kept on the window)."""
    actions = BackupActions(window, session, prompter)
    actions.back_up_action = _add(window, "File", "&Back up now", actions.back_up_now, "Ctrl+B",
                                  toolbar=True)
    actions.restore_action = _add(window, "File", "&Restore…", actions.restore)
    actions.maintenance_action = _add(window, "Tools", "&Maintenance…", actions.maintenance)
    window.backup_actions = actions
    return actions
