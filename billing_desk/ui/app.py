"""Starting the window: the application object, the database, the demo, errors in words."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QProgressDialog

from .. import APP_NAME, __version__
from ..errors import BillingError
from ..models.db import DATABASE_ERRORS, database_failure
from ..paths import default_database, demo_database, resource
from ..services.office.session import Session, open_session


def application() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName("BillingDesk")
    icon = resource("icons", "billing-desk.png")
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    return app


def warm_up_code_set() -> None:
    """The ICD-10-CM code set takes a second or two to load: do it before the clerk needs it."""
    from ..services.books import codes

    threading.Thread(target=codes.search_diagnoses, args=("E11.9",), name="icd-warm-up",
                     daemon=True).start()


def build_demo_with_progress(path: Path) -> None:
    """Build the demo office into ``path``, showing what is happening."""
    from ..models.db import open_database
    from ..services.demo import build_demo

    dialog = QProgressDialog("Building the demo office…", "", 0, 0)
    dialog.setWindowTitle(APP_NAME)
    dialog.setCancelButton(None)
    dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
    dialog.show()
    QApplication.processEvents()
    opened = open_database(path)
    try:
        build_demo(progress=lambda text: (dialog.setLabelText(f"Building the demo office: {text}…"),
                                          QApplication.processEvents()))
    finally:
        opened.close()
        dialog.close()


def backup_in_background(window, session: Session, reason: str) -> None:
    """The first start of a day makes a backup off the window's thread; the status bar says how it went."""
    from concurrent.futures import Future

    from PySide6.QtCore import QTimer

    from ..services.office.backup import auto_backup

    if session.user is None:
        return
    future: Future = Future()

    def work() -> None:
        try:
            future.set_result(auto_backup(session, reason))
        except Exception as exc:
            future.set_exception(exc)

    threading.Thread(target=work, name="auto-backup", daemon=True).start()
    timer = QTimer(window, interval=1000)

    def poll() -> None:
        if future.done():
            timer.stop()
            error = future.exception()
            window.statusBar().showMessage(str(error) if error else future.result().message, 15000)

    timer.timeout.connect(poll)
    timer.start()


def backup_at_closing(session: Session) -> None:
    """The automatic backup when the program closes, with a progress dialog so it never looks hung."""
    from ..services.office.backup import auto_backup

    if session.user is None or session.opened.db.is_closed():
        return
    dialog = QProgressDialog("Backing up before closing…", "", 0, 100)
    dialog.setWindowTitle(APP_NAME)
    dialog.setCancelButton(None)
    dialog.setMinimumDuration(500)

    def progress(fraction: float, text: str = "") -> None:
        dialog.setValue(int(fraction * 100))
        if text:
            dialog.setLabelText(f"Backing up before closing: {text}")
        QApplication.processEvents()

    outcome = auto_backup(session, "closing", progress=progress)
    dialog.close()
    if outcome.result is None:
        QMessageBox.warning(None, APP_NAME, outcome.message)


def open_office(db: str | None, demo: bool) -> Session:
    if demo and not db:
        path = demo_database()
        if not path.exists():
            build_demo_with_progress(path)
    else:
        path = Path(db) if db else default_database()
    return open_session(path, choose_user=False)


def sign_in(session: Session) -> bool:
    """First start or sign-in (ui/signin.py) before any data shows; False if cancelled."""
    from .office.signin import sign_in_at_start

    try:
        session.user = sign_in_at_start(session.path.name)
    except BillingError as exc:
        QMessageBox.critical(None, APP_NAME, str(exc))
        session.user = None
    except DATABASE_ERRORS as exc:  # a damaged page or garbled text the quick check did not reach
        QMessageBox.critical(None, APP_NAME, str(database_failure(exc, session.path)))
        session.user = None
    if session.user is None:
        session.close()
    return session.user is not None


def run_window(db: str | None = None, demo: bool = False) -> int:
    app = application()
    try:
        session = open_office(db, demo)
    except BillingError as exc:
        QMessageBox.critical(None, APP_NAME, str(exc))
        return 1
    warm_up_code_set()
    if not sign_in(session):
        return 0
    from .main_window import MainWindow

    holder = {}

    def show_window(current: Session) -> None:
        holder["session"] = current
        holder["window"] = MainWindow(current, open_database=switch_database, reopen=reopen)
        for warning in current.opened.warnings:
            QMessageBox.warning(holder["window"], APP_NAME, warning)
        holder["window"].show()
        backup_in_background(holder["window"], current, "start")

    def replace_session(path: Path) -> None:
        """Close the window's file, open ``path`` (another file, or a restored one), sign in again.

        The old window is hidden, not closed, until the new one shows: closing the last window
        would end the program."""
        old = holder["window"]
        old.hide()
        holder["session"].close()
        try:
            fresh = open_session(Path(path), choose_user=False)
        except BillingError as exc:
            QMessageBox.critical(None, APP_NAME, str(exc))
            fresh = open_session(session.path, choose_user=False)
        if not sign_in(fresh):
            fresh.close()
            old.close()
            QApplication.quit()
            return
        show_window(fresh)
        old.close()
        old.deleteLater()

    def switch_database() -> None:
        name, _ = QFileDialog.getOpenFileName(holder["window"], "Open database",
                                              str(holder["session"].path.parent),
                                              "Billing Desk database (*.sqlite *.db);;All files (*)")
        if name:
            replace_session(Path(name))

    def reopen(path: Path) -> None:
        replace_session(path)

    show_window(session)
    try:
        return app.exec()
    finally:
        backup_at_closing(holder["session"])
        holder["session"].close()
