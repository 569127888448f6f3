"""The window's backup, restore and maintenance: actions, a worker thread, dialogs."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMainWindow, QToolBar

from billing_desk.models import AuditEntry, Invoice
from billing_desk.services.books import invoices
from billing_desk.services.office import backup as backups
from billing_desk.services.office.session import Session, open_session
from billing_desk.services.office.settings import get_setting, set_setting
from billing_desk.ui.office.backup_dialogs import (
    MaintenanceDialog,
    RestoreDialog,
    install_backup_actions,
)

DAY = dt.date(2026, 1, 5)


class FakePrompter:
    """Answers every question the way a test tells it to, and remembers what was said."""

    def __init__(self, folder: Path | None = None, backup: Path | None = None,
                 password: str | None = None, accept: bool = True):
        self.folder, self.backup, self.password, self.accept = folder, backup, password, accept
        self.said: list[tuple[str, str, str]] = []
        self.reviewed: list[dict] = []

    def choose_folder(self, title, start=""):
        return str(self.folder) if self.folder else None

    def choose_open_file(self, title, filters, start=""):
        return str(self.backup) if self.backup else None

    def ask_password(self, title, label):
        return self.password

    target: str | None = None  # the empty database a server office's backup is restored into

    def ask_text(self, title, label, text=""):
        self.said.append(("ask", title, label))
        return self.target

    def run(self, review):
        self.reviewed.append(review.manifest)
        review.password_edit.setText(self.password or "")
        return self.accept

    def confirm(self, title, text, *, default_no=False):
        self.said.append(("confirm", title, text))
        return self.accept

    def inform(self, title, text):
        self.said.append(("info", title, text))

    def warn(self, title, text):
        self.said.append(("warn", title, text))


class Window(QMainWindow):
    """What install_backup_actions needs of the main window: menus, toolbar, session, reopen."""

    def __init__(self, session):
        super().__init__()
        self.session = session
        self.menus = {name: self.menuBar().addMenu(name) for name in ("&File", "&Tools")}
        self.menus["&File"].addSeparator()
        self.menus["&File"].addAction("E&xit")
        self.toolbar = QToolBar()
        self.addToolBar(self.toolbar)
        self.reopened: list[Path | str] = []

    def reopen(self, path):
        self.reopened.append(path if "://" in str(path) else Path(path))
        self.session = open_session(path)


@pytest.fixture
def window(qtbot, db, admin, catalogue, make_account):
    account = make_account()
    invoices.quick_invoice(account.id, DAY, [("99213", 1)], admin, entry_date=DAY)
    win = Window(Session(db, admin))
    qtbot.addWidget(win)
    yield win
    win.session.close()


def finish(qtbot, actions, thread):
    assert thread is not None
    qtbot.waitUntil(thread.isFinished, timeout=30000)
    qtbot.waitUntil(lambda: actions.thread is None, timeout=30000)


def texts(menu):
    return [a.text() for a in menu.actions()]


def test_actions_are_installed_in_file_tools_and_toolbar(window):
    actions = install_backup_actions(window, window.session, FakePrompter())
    assert texts(window.menus["&File"])[:2] == ["&Back up now", "&Restore…"]
    assert texts(window.menus["&File"])[-1] == "E&xit"
    assert "&Maintenance…" in texts(window.menus["&Tools"])
    assert actions.back_up_action.shortcut() == QKeySequence("Ctrl+B")
    assert actions.back_up_action in window.toolbar.actions()
    assert window.backup_actions is actions


def test_back_up_now_asks_for_the_folder_once_and_remembers_it(qtbot, window, tmp_path):
    folder = tmp_path / "stick"
    folder.mkdir()
    prompter = FakePrompter(folder=folder)
    actions = install_backup_actions(window, window.session, prompter)
    finish(qtbot, actions, actions.back_up_now())
    assert get_setting("backup_folder") == str(folder)
    assert [kind for kind, _, _ in prompter.said] == ["info"]
    assert "Backup made and verified" in prompter.said[0][2]
    made = list(folder.glob("*.bdbackup"))
    assert len(made) == 1 and backups.verify_backup(made[0])
    assert AuditEntry.select().where(AuditEntry.action == "backup").count() == 1
    prompter.folder = None  # not asked again
    finish(qtbot, actions, actions.back_up_now())
    assert len(list(folder.glob("*.bdbackup"))) == 2


def test_window_stays_responsive_while_backing_up(qtbot, window, tmp_path):
    set_setting("backup_folder", str(tmp_path), window.session.user)
    actions = install_backup_actions(window, window.session, FakePrompter())
    ticks = []
    from PySide6.QtCore import QTimer

    timer = QTimer(interval=1)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start()
    thread = actions.back_up_now()
    assert actions.busy() and actions.back_up_now() is None  # one at a time
    finish(qtbot, actions, thread)
    timer.stop()
    assert ticks  # the event loop kept turning


def test_unplugged_folder_is_said_plainly_with_the_choice_of_another(qtbot, window, tmp_path):
    set_setting("backup_folder", str(tmp_path / "E-drive" / "Backups"), window.session.user)
    prompter = FakePrompter(accept=False)
    actions = install_backup_actions(window, window.session, prompter)
    assert actions.back_up_now() is None
    assert prompter.said[0][0] == "confirm" and "plugged in" in prompter.said[0][2]
    other = tmp_path / "other"
    other.mkdir()
    prompter.accept, prompter.folder = True, other
    finish(qtbot, actions, actions.back_up_now())
    assert get_setting("backup_folder") == str(other) and list(other.glob("*.bdbackup"))


def test_encrypted_backup_asks_for_a_password(qtbot, window, tmp_path):
    set_setting("backup_folder", str(tmp_path), window.session.user)
    set_setting("backup_encrypt", True, window.session.user)
    actions = install_backup_actions(window, window.session, FakePrompter(password="s3cret pass"))
    finish(qtbot, actions, actions.back_up_now())
    made = next(tmp_path.glob("*.bdbackup"))
    assert backups.read_manifest(made)["encryption"]
    assert backups.verify_backup(made, "s3cret pass")


def test_restore_shows_the_manifest_then_replaces_and_reopens(qtbot, window, admin, tmp_path):
    result = backups.make_backup(window.session.path, tmp_path, user="admin")
    invoices.quick_invoice(Invoice.get().account_id, DAY, [("36415", 1)], admin, entry_date=DAY)
    assert Invoice.select().count() == 2
    prompter = FakePrompter(backup=result.path)
    actions = install_backup_actions(window, window.session, prompter)
    finish(qtbot, actions, actions.restore())
    assert prompter.reviewed and prompter.reviewed[0]["row_counts"]["invoice"] == 1
    assert window.reopened == [window.session.path] and window.isEnabled()
    assert Invoice.select().count() == 1
    assert prompter.said[-1][0] == "info" and "before-restore" in prompter.said[-1][2]


def test_restore_refuses_a_bad_file_and_a_clerk(qtbot, window, clerk, tmp_path):
    junk = tmp_path / "junk.bdbackup"
    junk.write_text("not a backup")
    prompter = FakePrompter(backup=junk)
    actions = install_backup_actions(window, window.session, prompter)
    assert actions.restore() is None
    assert "not a Billing Desk backup" in prompter.said[-1][2]
    assert Invoice.select().count() == 1  # the session is still open and untouched
    window.session.user = clerk
    assert actions.restore() is None and "needs a supervisor" in prompter.said[-1][2]


def test_restore_with_a_wrong_password_reopens_the_untouched_data(qtbot, window, tmp_path):
    result = backups.make_backup(window.session.path, tmp_path, password="right one")
    prompter = FakePrompter(backup=result.path, password="wrong one")
    actions = install_backup_actions(window, window.session, prompter)
    finish(qtbot, actions, actions.restore())
    assert prompter.said[-1][0] == "warn" and "password is wrong" in prompter.said[-1][2]
    assert window.reopened and Invoice.select().count() == 1


def test_restore_dialog_lists_what_the_backup_holds(qtbot, window, tmp_path):
    result = backups.make_backup(window.session.path, tmp_path, password="pw")
    dialog = RestoreDialog(result.path, result.manifest)
    qtbot.addWidget(dialog)
    assert "Accounts: 1" in dialog.details.text() and "encrypted" in dialog.details.text()
    dialog.password_edit.setText("pw")
    assert dialog.password() == "pw"


def test_maintenance_dialog_checks_and_optimizes(qtbot, window):
    dialog = MaintenanceDialog(window.session, window)
    qtbot.addWidget(dialog)
    assert str(window.session.path) in dialog.info.text()
    assert "Free disk space" in dialog.info.text()
    thread = dialog.run_check()
    qtbot.waitUntil(thread.isFinished, timeout=30000)
    qtbot.waitUntil(lambda: dialog.thread is None, timeout=30000)
    assert dialog.output.toPlainText().startswith("Everything checks out")
    thread = dialog.run_optimize()
    qtbot.waitUntil(thread.isFinished, timeout=30000)
    qtbot.waitUntil(lambda: dialog.thread is None, timeout=30000)
    assert "Optimized" in dialog.output.toPlainText()
    assert dialog.check_button.isEnabled()


def test_installs_into_the_real_main_window(qtbot, db, admin):
    from billing_desk.ui.main_window import MainWindow

    main = MainWindow(Session(db, admin))
    qtbot.addWidget(main)
    actions = install_backup_actions(main, main.session, FakePrompter())
    file_menu = next(m for k, m in main.menus.items() if k.replace("&", "") == "File")
    assert actions.back_up_action in file_menu.actions()
    assert actions.back_up_action in main.toolbar.actions()


@pytest.fixture
def server_window(qtbot):
    from pg_office import new_database

    from billing_desk.models.db import open_database
    from billing_desk.services.office.users import ensure_administrator

    opened = open_database(new_database("bd_window"))
    win = Window(Session(opened, ensure_administrator()))
    qtbot.addWidget(win)
    yield win
    win.session.close()


def server_account(window, last: str):
    from billing_desk.services.accounts import registry

    form = registry.AccountForm(first_name="Ann", last_name=last, date_of_birth="01/02/1980",
                                phone="212-555-0101", state="NY", zip_code="10001")
    return registry.create_account(form, window.session.user)


def test_a_server_office_restores_from_the_window_into_a_new_empty_database(
        server_window, qtbot, tmp_path):
    """File > Restore… on a server office: never over the office in use; into a new, empty
    database beside it, verified; the office in use is left as it was; this PC opens the new one."""
    import psycopg
    from pg_office import new_database

    from billing_desk.models import Account

    server_account(server_window, "Before")
    prompter = FakePrompter(folder=tmp_path / "backups")
    (tmp_path / "backups").mkdir()
    actions = install_backup_actions(server_window, server_window.session, prompter)
    finish(qtbot, actions, actions.back_up_now())
    prompter.backup = next((tmp_path / "backups").glob("*.bdbackup"))
    server_account(server_window, "After")  # saved after the backup: stays in the office in use
    current = server_window.session.opened.server

    prompter.target = current  # over the office in use: refused before anything closes
    assert actions.restore() is None
    assert "is the office now open" in prompter.said[-1][2] and server_window.isEnabled()
    prompter.target = str(tmp_path / "office.sqlite")  # a file: not a server's address
    assert actions.restore() is None and "not a server address" in prompter.said[-1][2]
    prompter.target = new_database("bd_full")  # a database that is not empty
    with psycopg.connect(prompter.target, autocommit=True) as con:
        con.execute("CREATE TABLE something_else (x int)")
    prompter.said.clear()
    assert actions.restore() is None and "not empty" in prompter.said[-1][2]

    target = new_database("bd_restored")
    prompter.target = target
    finish(qtbot, actions, actions.restore())
    assert "The office at " + current + " is as it was" in prompter.said[-1][2]
    assert server_window.reopened == [target] and server_window.isEnabled()
    assert server_window.session.opened.server == target
    assert sorted(a.last_name for a in Account.select()) == ["Before"]
    assert "restored here from the backup" in AuditEntry.select().order_by(
        AuditEntry.id.desc()).get().summary
    server_window.session.close()
    server_window.reopen(current)
    assert sorted(a.last_name for a in Account.select()) == ["After", "Before"]


def test_a_clerk_may_not_restore_a_server_office(server_window, tmp_path):
    from billing_desk.services.office.users import add_user

    clerk = add_user(server_window.session.user, "carla", "Carla Clerk", "clerk", "long password",
                     "long password")
    server_window.session.user = clerk
    prompter = FakePrompter(backup=tmp_path / "any.bdbackup")
    actions = install_backup_actions(server_window, server_window.session, prompter)
    assert actions.restore() is None and "needs a supervisor" in prompter.said[-1][2]


def test_maintenance_on_a_server_office_shows_the_server_and_optimizes(server_window, qtbot):
    dialog = install_backup_actions(server_window, server_window.session,
                                    FakePrompter()).maintenance()
    qtbot.addWidget(dialog)
    info = dialog.info.text()
    assert server_window.session.opened.server in info and "PostgreSQL" in info
    assert "Size on the server" in info and "Other programs connected now: " in info
    assert dialog.optimize_button.isEnabled()
    thread = dialog.run_check()
    qtbot.waitUntil(lambda: dialog.thread is None, timeout=30000)
    assert dialog.output.toPlainText().startswith("Everything checks out")
    thread = dialog.run_optimize()
    qtbot.waitUntil(thread.isFinished, timeout=60000)
    qtbot.waitUntil(lambda: dialog.thread is None, timeout=60000)
    assert "Optimized" in dialog.output.toPlainText(), dialog.output.toPlainText()
    assert "Tables last tidied (VACUUM): not yet" not in dialog.info.text()


def test_only_the_administrator_restores_another_offices_backup_on_a_server(server_window,
                                                                            tmp_path):
    from billing_desk.errors import PermissionDenied
    from billing_desk.services import moving
    from billing_desk.services.office import audit_keys
    from billing_desk.services.office.users import add_user

    admin = server_window.session.user
    result = backups.make_backup(server_window.session.opened.server, tmp_path, user="admin",
                                 create_folder=True)
    current = server_window.session.opened.server
    target = current.rsplit("/", 1)[0] + "/bd_never_made"
    sam = add_user(admin, "sam", "Sam Supervisor", "supervisor", "long password", "long password")
    unsigned = {k: v for k, v in result.manifest.items() if k != "signature"}
    newer = {**result.manifest, "schema_version": 10_000}
    for manifest, words in ((unsigned, "carries no office signature"), (newer, "a newer Billing")):
        with pytest.raises((PermissionDenied, moving.BillingError)) as refused:
            moving.check_restore_beside(manifest, result.path, current, target, sam,
                                        audit_keys.office_id())
        assert words in str(refused.value)
    with pytest.raises(PermissionDenied, match="another office"):  # ours, but not this office's
        moving.check_restore_beside(result.manifest, result.path, current, target, sam,
                                    "some-other-office-id")
