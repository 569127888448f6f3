"""Starting the window: the application object, the database, the demo, errors in words."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, cast

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from .. import APP_NAME, __version__
from ..errors import BillingError
from ..logs import setup_logging
from ..paths import default_database, demo_database, resource
from ..refcounts import reserve_references
from ..services.office.session import Session, is_server_url, open_session, server_password_from
from ..services.office.transactions import DATABASE_ERRORS, database_failure
from . import accessibility
from .crash import install_crash_path
from .first_paint import after_first_paint
from .kept_worker import let_go_all
from .office.open_office import choose_office, remember, remembered
from .prompts import Prompter
from .session_holder import SessionHolder
from .work import BackgroundJob, finish_all, run_and_wait, run_in_background

#: Questions asked before (or without) a window: start-up errors, the backup at closing.
PROMPTER = Prompter(None)


def application() -> QApplication:
    reserve_references()  # before the first Qt call: PySide 6.12 on Python 3.11 (see refcounts.py)
    app = cast(QApplication, QApplication.instance() or QApplication(sys.argv[:1]))
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName("BillingDesk")
    icon = resource("icons", "billing-desk.png")
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    accessibility.install(app)  # every input, table and button named for screen readers
    return app


def prepare_code_set() -> None:
    """The ICD-10-CM index is read on the first look-up (a fraction of a second); only on a new
    install is it built first (seconds), so then it is built in the background, after the window
    has painted."""
    from ..services.books import icd_index

    if not icd_index.is_ready():
        run_in_background(None, lambda progress: icd_index.code_set(),
                          title="Preparing the diagnosis codes", quiet=True)


def build_demo_with_progress(path: Path) -> None:
    """Build the demo office into ``path`` in the background, showing what is happening."""
    from ..services.demo import build_demo
    from ..services.office.session import open_session

    office = open_session(path, choose_user=False)
    try:
        run_and_wait(None, lambda progress: build_demo(progress=lambda text: progress(None, text)),
                     title="Building the demo office…")
    finally:
        office.close()


def backup_in_background(window, session: Session, reason: str) -> BackgroundJob | None:
    """The first start of a day makes a backup off the window's thread; the status bar says how it went."""
    from ..services.office.backup import auto_backup

    if session.user is None:
        return None

    def say(text: str) -> None:
        if hasattr(window, "say"):  # the main window keeps the whole text in the bar's tooltip
            window.say(text, 15000)
        else:
            window.statusBar().showMessage(text, 15000)

    return run_in_background(window, lambda progress: auto_backup(session, reason),
                             title="Backing up", quiet=True,
                             on_done=lambda outcome: say(outcome.message), on_error=say)


def backup_at_closing(session: Session) -> None:
    """The automatic backup when the program closes, with a progress dialog so it never looks hung."""
    from ..services.office.backup import auto_backup

    if session.user is None or session.opened.db.is_closed():
        return
    try:
        outcome = run_and_wait(None, lambda progress: auto_backup(session, "closing", progress=progress),
                               title="Backing up before closing…")
    except BillingError as exc:
        PROMPTER.warn(APP_NAME, str(exc))
        return
    if outcome.result is None:
        PROMPTER.warn(APP_NAME, outcome.message)


def open_office(db: str | None, demo: bool) -> Session:
    if demo and not db:
        path = demo_database()
        if not path.exists():
            build_demo_with_progress(path)
        return open_session(path, choose_user=False)
    db = db or remembered()  # a server this PC chose last
    return open_session(db if db and is_server_url(db) else Path(db) if db else default_database(),
                        choose_user=False)


def sign_in(holder: SessionHolder) -> bool:
    """First start or sign-in (ui/signin.py) before any data shows; False if cancelled."""
    from ..services.office.settings import get_setting
    from .office.signin import sign_in_at_start

    try:
        office = str(get_setting("office_name") or "")
        holder.set_user(sign_in_at_start(office, holder.session.opened.name))
    except BillingError as exc:
        PROMPTER.warn(APP_NAME, str(exc))
        holder.set_user(None)
    except DATABASE_ERRORS as exc:  # a damaged page or garbled text the quick check did not reach
        PROMPTER.warn(APP_NAME, str(database_failure(exc, holder.session.path)))
        holder.set_user(None)
    if holder.user is None:
        holder.session.close()
    return holder.user is not None


def run_window(db: str | None = None, demo: bool = False) -> int:
    app = application()
    setup_logging()
    server_password_from(prompt=lambda address: PROMPTER.ask_password(
        APP_NAME, f"Password for the server {address}:"))
    install_crash_path(PROMPTER, app)  # the hooks hold it; the app is its parent
    try:
        session = open_office(db, demo)
    except BillingError as exc:
        PROMPTER.warn(APP_NAME, str(exc))
        return 1
    owner = SessionHolder(session)
    if not sign_in(owner):
        return 0
    from .main_window import MainWindow

    holder: dict[str, Any] = {}  # the current session and its window

    def show_window(owner: SessionHolder) -> None:
        current = holder["session"] = owner.session
        holder["window"] = MainWindow(current, open_database=switch_database, reopen=reopen,
                                      holder=owner)
        for warning in current.opened.warnings:
            holder["window"].prompter.warn(APP_NAME, warning)
        window = holder["window"]
        window.show()
        after_first_paint(window, lambda: backup_in_background(window, current, "start"))
        after_first_paint(window, prepare_code_set)

    def replace_session(path: Path | str) -> None:
        """Close the window's file, open ``path`` (another file, or a restored one), sign in again.

        The old window is hidden, not closed, until the new one shows: closing the last window
        would end the program."""
        old = holder["window"]
        old.hide()
        let_go_all()  # a kept reader's connection to the old file (ui/kept_worker.py)
        holder["session"].close()
        target = path if is_server_url(path) else Path(path)
        try:
            fresh = open_session(target, choose_user=False)
            remember(fresh.opened.address)  # as the window names it (a server's full address)
        except BillingError as exc:
            PROMPTER.warn(APP_NAME, str(exc))
            fresh = open_session(session.opened.server or session.path, choose_user=False)
        owner = SessionHolder(fresh)
        if not sign_in(owner):
            fresh.close()
            old.close()
            QApplication.quit()
            return
        show_window(owner)
        old.close()
        old.deleteLater()

    def switch_database() -> None:
        name = choose_office(holder["window"].prompter, holder["session"].opened.address)
        if name:
            replace_session(name)

    def reopen(path: Path) -> None:
        replace_session(path)

    show_window(owner)
    try:
        return app.exec()
    finally:
        finish_all()  # work still running ends (cancelled where it can be) before the file closes
        let_go_all()  # and the kept readers' connections close
        backup_at_closing(holder["session"])
        holder["session"].close()
