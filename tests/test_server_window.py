"""The window on an office on a server: it names the office by its address everywhere (never the
PC-side name, never a password); File > Open database… opens a server office and signs in."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLabel

from billing_desk.services.office.session import Session

pytestmark = pytest.mark.both_engines


def expected_name(db) -> str:
    return db.server if db.server else db.path.name


def test_the_window_names_the_office_by_its_address(db, admin, qtbot, monkeypatch):
    from billing_desk.ui import app
    from billing_desk.ui.main_window import MainWindow
    from billing_desk.ui.office import signin
    from billing_desk.ui.session_holder import SessionHolder

    name = expected_name(db)
    if db.server:
        assert name.startswith("postgresql://") and "@" in name and ".server" not in name
    window = MainWindow(Session(db, admin))
    qtbot.addWidget(window)
    assert window.windowTitle().endswith(f"— {name}")
    assert window.db_label.text() == f"Database: {name}"
    assert window.db_label.toolTip() == db.address
    shown = []
    monkeypatch.setattr(window.prompter, "inform", lambda title, text: shown.append(text))
    window.about()
    assert db.address in shown[0]
    told = {}

    def sign_in_at_start(office, file):
        told["file"] = file
        return admin

    monkeypatch.setattr(signin, "sign_in_at_start", sign_in_at_start)
    assert app.sign_in(SessionHolder(Session(db, None)))
    assert told["file"] == name
    dialog = signin.SignInDialog(office="Main Street Clinic", file=told["file"])
    qtbot.addWidget(dialog)
    assert name in dialog.findChild(QLabel, "signin-heading").text()
    window.close()


@pytest.mark.server_only
def test_a_password_never_shows_in_the_name(db):
    from billing_desk.models.server import ServerAddress

    assert ":" not in db.server.split("//", 1)[1].split("@", 1)[0]  # user only, no user:password
    assert ServerAddress(db.server).url == db.server == db.name


@pytest.mark.server_only
def test_the_accounts_list_shows_what_another_workstation_saved(db, admin, make_account, qtbot):
    """Another workstation (its own connection, its own program) renames an account: within the
    window's look at the server (every 2 s) the Accounts list shows the new name, read afresh."""
    from PySide6.QtCore import Qt

    from billing_desk.models.server import connect_server
    from billing_desk.ui.main_window import MainWindow

    make_account(last="Alpha")
    window = MainWindow(Session(db, admin))
    qtbot.addWidget(window)
    window.show()
    window.tabs.setCurrentIndex(0)
    model = window.pages[0].list.model

    def names() -> list[str]:
        return [str(model.data(model.index(r, c), Qt.ItemDataRole.DisplayRole))
                for r in range(model.rowCount()) for c in range(model.columnCount())]

    qtbot.waitUntil(lambda: any("Alpha" in n for n in names()), timeout=3000)
    other = connect_server(db.server)
    other.token = "the front desk's PC"
    try:
        with other.atomic():
            other.execute_sql("UPDATE account SET last_name = 'Zeta', sort_name = 'zeta ann' "
                              "WHERE last_name = 'Alpha'")
    finally:
        other.close()
    qtbot.waitUntil(lambda: any("Zeta" in n for n in names()), timeout=6000)
    window.close()
