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
from ..paths import default_database, demo_database, resource
from ..services.session import Session, open_session


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
    from ..services import codes

    threading.Thread(target=codes.search_diagnoses, args=("E11.9",), name="icd-warm-up",
                     daemon=True).start()


def build_demo_with_progress(path: Path) -> None:
    """Build the demo office into ``path``, showing what is happening."""
    from ..services.demo import build_demo
    from ..models.db import open_database

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
    from .signin import sign_in_at_start

    try:
        session.user = sign_in_at_start(session.path.name)
    except BillingError as exc:
        QMessageBox.critical(None, APP_NAME, str(exc))
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

    def switch_database() -> None:
        name, _ = QFileDialog.getOpenFileName(holder["window"], "Open database", str(session.path.parent),
                                              "Billing Desk database (*.sqlite *.db);;All files (*)")
        if not name:
            return
        holder["window"].close()
        holder["session"].close()
        try:
            holder["session"] = open_session(Path(name), choose_user=False)
        except BillingError as exc:
            QMessageBox.critical(None, APP_NAME, str(exc))
            holder["session"] = open_session(session.path, choose_user=False)
        if not sign_in(holder["session"]):
            QApplication.quit()
            return
        holder["window"] = MainWindow(holder["session"], open_database=switch_database)
        holder["window"].show()

    holder["session"] = session
    holder["window"] = MainWindow(session, open_database=switch_database)
    for warning in session.opened.warnings:
        QMessageBox.warning(holder["window"], APP_NAME, warning)
    holder["window"].show()
    try:
        return app.exec()
    finally:
        holder["session"].close()
