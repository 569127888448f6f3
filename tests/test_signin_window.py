"""The sign-in screens, the lock and the viewers, driven with keys as a clerk would."""

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog

from billing_desk.models import AuditEntry, User
from billing_desk.services.office import auth, users
from billing_desk.services.office.session import Session
from billing_desk.ui.prompts import ScriptedPrompter

PASSWORD = "long password"
pytestmark = pytest.mark.both_engines  # sign-in, lock and viewers on the server too (issue 22)


@pytest.fixture(autouse=True)
def _fast_hash(monkeypatch):
    monkeypatch.setenv("BILLING_DESK_SCRYPT_N", "1024")


def when_modal(qtbot, act):
    """Run ``act(dialog)`` on the next modal dialog, once it is shown (exec() blocks the test)."""
    def poll():
        widget = QApplication.activeModalWidget()
        if widget is None:
            QTimer.singleShot(20, poll)
        else:
            act(widget)
    QTimer.singleShot(20, poll)


@pytest.fixture
def office(db):
    admin, _ = auth.create_first_administrator("Ada Admin", "ada", PASSWORD, PASSWORD)
    maria = users.add_user(admin, "maria", "Maria Lopez", "clerk", PASSWORD, PASSWORD)
    maria.must_change_password = False
    maria.save()
    return admin, maria


def type_into(qtbot, box, text):
    box.clear()
    qtbot.keyClicks(box, text)
    qtbot.keyClick(box, Qt.Key.Key_Return)


def test_first_start_creates_the_administrator_and_saves_the_recovery_key(qtbot, db, tmp_path):
    from billing_desk.ui.office.signin import FirstStartDialog

    key_file = tmp_path / "key.txt"
    dialog = FirstStartDialog(prompter=ScriptedPrompter(str(key_file)))
    qtbot.addWidget(dialog)
    dialog.show()
    type_into(qtbot, dialog.boxes["name"], "Ada Admin")
    type_into(qtbot, dialog.boxes["user name"], "ada")
    type_into(qtbot, dialog.boxes["password"], "short")
    type_into(qtbot, dialog.boxes["password (again)"], "short")
    said = dialog.said["password"]  # under the password box, not at the bottom
    assert said.isVisibleTo(dialog) and "at least 10" in said.text()
    assert dialog.focusWidget() is dialog.boxes["password"] and "password" not in dialog.message.text()
    assert User.select().count() == 0
    dialog.boxes["password"].setText(PASSWORD)
    dialog.boxes["password (again)"].setText(PASSWORD)
    seen = {}

    def on_key(key_dialog):
        seen["key"] = key_dialog.key
        key_dialog.grab().save(str(tmp_path / "recovery-key.png"))
        key_dialog.save()
        assert not key_dialog.go.isEnabled()
        key_dialog.reject()  # Esc does not lose the key before it is saved
        assert key_dialog.isVisible()
        key_dialog.confirmed.setChecked(True)
        key_dialog.go.click()

    when_modal(qtbot, on_key)
    dialog.ok.click()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert seen["key"] in key_file.read_text() and dialog.user.username == "ada"
    dialog.grab().save(str(tmp_path / "first-start.png"))


def test_sign_in_dialog_says_what_is_wrong_and_lets_the_right_user_in(qtbot, office, tmp_path):
    from billing_desk.ui.office.signin import SignInDialog

    dialog = SignInDialog(office="office.sqlite")
    qtbot.addWidget(dialog)
    dialog.show()
    type_into(qtbot, dialog.form.username, "maria")
    assert dialog.focusWidget() is dialog.form.password
    type_into(qtbot, dialog.form.password, "not the password")
    assert "wrong" in dialog.form.message.text() and dialog.form.password.text() == ""
    dialog.grab().save(str(tmp_path / "sign-in.png"))
    type_into(qtbot, dialog.form.password, PASSWORD)
    assert dialog.result() == QDialog.DialogCode.Accepted and dialog.user.username == "maria"


def test_a_reset_user_chooses_a_password_at_sign_in(qtbot, office):
    from billing_desk.ui.office.signin import SignInDialog

    users.reset_password(office[0], office[1].id, "temporary pw", "temporary pw")
    dialog = SignInDialog()
    qtbot.addWidget(dialog)
    dialog.show()

    def change(box):
        box.boxes["current password"].setText("temporary pw")
        box.boxes["new password"].setText("my own secret")
        type_into(qtbot, box.boxes["new password (again)"], "my own secret")

    when_modal(qtbot, change)
    dialog.form.username.setText("maria")
    type_into(qtbot, dialog.form.password, "temporary pw")
    assert dialog.user is not None and auth.sign_in("maria", "my own secret")


@pytest.fixture
def window(qtbot, office, tmp_path, db):
    from billing_desk.ui.main_window import MainWindow

    session = Session(db, office[1])
    win = MainWindow(session)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.close()


def test_idle_lock_hides_the_data_and_keeps_the_unsaved_form(qtbot, window, tmp_path):
    lock = window.lock_controller
    search = window.pages[0].list.search
    qtbot.keyClicks(search, "half-typed work")
    lock.idle.setInterval(100)
    lock.idle.start()
    qtbot.waitUntil(lambda: lock.locked, timeout=3000)
    assert lock.screen.isVisible() and lock.screen.geometry() == window.rect()
    assert not window.menuBar().isEnabled()
    assert not any(a.isEnabled() for a in window.findChildren(type(window.menu("&File").menuAction()))
                   if a.text() == "&Find")
    shot = window.grab()
    shot.save(str(tmp_path / "lock.png"))
    assert shot.toImage().pixelColor(5, window.height() // 2).name() == "#2b3440"  # data covered
    assert AuditEntry.select().order_by(AuditEntry.id.desc()).first().summary == \
        "maria locked the window (idle)"
    type_into(qtbot, lock.screen.form.password, "wrong password")
    assert lock.locked and "wrong" in lock.screen.form.message.text()
    type_into(qtbot, lock.screen.form.password, PASSWORD)
    assert not lock.locked and search.text() == "half-typed work"
    assert window.menuBar().isEnabled()


def test_another_user_signs_in_and_the_first_users_work_waits_for_them(qtbot, window, office):
    lock = window.lock_controller
    maria_search = window.pages[0].list.search
    qtbot.keyClicks(maria_search, "Maria's unsaved search")
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert lock.locked
    type_into(qtbot, lock.screen.form.username, "ada")
    type_into(qtbot, lock.screen.form.password, PASSWORD)
    assert not lock.locked and window.session.user.username == "ada"
    assert window.pages[0].list.search.text() == "" and window.pages[0].list.search is not maria_search
    assert "Ada Admin" in window.user_label.text()
    lock.lock()
    type_into(qtbot, lock.screen.form.username, "maria")
    type_into(qtbot, lock.screen.form.password, PASSWORD)
    assert window.session.user.username == "maria"
    assert window.pages[0].list.search is maria_search and maria_search.text() == "Maria's unsaved search"


def test_a_change_of_user_is_said_once_by_the_one_owner_and_every_screen_sees_it(qtbot, window):
    changes = []
    window.session_holder.changed.connect(changes.append)
    lock = window.lock_controller
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert changes == []  # locking signs out in the audit trail, but the window's user waits
    type_into(qtbot, lock.screen.form.username, "ada")
    type_into(qtbot, lock.screen.form.password, PASSWORD)
    assert len(changes) == 1 and changes[0] is window.session
    assert "Ada Admin" in window.user_label.text()
    assert all(page.session.user.username == "ada" for page in window.pages)
    lock.lock()
    type_into(qtbot, lock.screen.form.username, "ada")  # the same user again: nothing changed
    type_into(qtbot, lock.screen.form.password, PASSWORD)
    assert len(changes) == 1
    address = window.session.opened.address  # the file, or the server's address
    window.session.close()
    window.reopen(address)  # after a restore: the same session on the office opened again
    assert len(changes) == 2 and window.session.user.username == "ada"
    assert not window.session.opened.db.is_closed()


def test_the_users_dialog_adds_and_disables_a_user(qtbot, office, tmp_path):
    from billing_desk.errors import PermissionDenied
    from billing_desk.ui.office.users_dialog import UsersDialog

    with pytest.raises(PermissionDenied):
        UsersDialog(office[1])
    dialog = UsersDialog(office[0], prompter=ScriptedPrompter("Supervisor"))
    qtbot.addWidget(dialog)
    dialog.show()

    def fill(form):
        form.boxes["name"].setText("Sam Okafor")
        form.boxes["user name"].setText("sam")
        form.role.setCurrentIndex(1)
        form.boxes["temporary password"].setText("first password")
        type_into(qtbot, form.boxes["temporary password (again)"], "first password")

    when_modal(qtbot, fill)
    dialog.buttons["add"].click()
    sam = User.get(User.username == "sam")
    assert sam.role == "supervisor" and sam.must_change_password and "sam added" in dialog.message.text()
    assert dialog.current().username == "sam"
    dialog.buttons["toggle"].click()
    assert not User.get_by_id(sam.id).active and dialog.buttons["toggle"].text() == "&Enable"
    dialog.grab().save(str(tmp_path / "users.png"))


def test_the_audit_viewer_filters_and_exports(qtbot, office, tmp_path):
    from billing_desk.errors import PermissionDenied
    from billing_desk.ui.office.audit_viewer import AuditViewer

    with pytest.raises(PermissionDenied):
        AuditViewer(office[1])
    with pytest.raises(PermissionDenied):
        auth.sign_in("maria", "wrong one")
    target = tmp_path / "audit.xlsx"
    viewer = AuditViewer(office[0], prompter=ScriptedPrompter(str(target)))
    qtbot.addWidget(viewer)
    viewer.show()
    everything = viewer.model.total
    assert everything == AuditEntry.select().count()
    viewer.action.setCurrentIndex(viewer.action.findData("signin_failed"))
    assert viewer.model.total == 1
    assert "wrong password" in viewer.model.row_object(0).summary
    viewer.action.setCurrentIndex(0)
    type_into(qtbot, viewer.account, "999999")
    assert "no account 999999" in viewer.status.text()
    viewer.account.clear()
    viewer.refresh()
    viewer.verify()  # in the background
    qtbot.waitUntil(lambda: "whole" in viewer.status.text(), timeout=10_000)
    viewer.grab().save(str(tmp_path / "audit-viewer.png"))
    viewer.export()
    qtbot.waitUntil(lambda: "Exported" in viewer.status.text(), timeout=10_000)
    rows = list(load_workbook(target).active.iter_rows(values_only=True))
    assert any(row and "signin_failed" in row for row in rows)
    assert AuditEntry.select().order_by(AuditEntry.id.desc()).first().action == "export"


def test_the_sign_off_dialog_returns_the_supervisor(qtbot, office, tmp_path):
    from billing_desk.services.office.permissions import require
    from billing_desk.ui.office.signin import SignOffDialog

    sam = users.add_user(office[0], "sam", "Sam Okafor", "supervisor", PASSWORD, PASSWORD)
    dialog = SignOffDialog("void_invoice")
    qtbot.addWidget(dialog)
    dialog.show()
    type_into(qtbot, dialog.form.username, "maria")
    type_into(qtbot, dialog.form.password, PASSWORD)
    assert "may not void invoices either" in dialog.form.message.text()
    dialog.grab().save(str(tmp_path / "sign-off.png"))
    type_into(qtbot, dialog.form.username, "sam")
    type_into(qtbot, dialog.form.password, PASSWORD)
    assert dialog.approver.id == sam.id
    require(office[1], "void_invoice", approved_by=dialog.approver)


def test_the_window_start_signs_in_before_any_data_shows(qtbot, tmp_path):
    from billing_desk.services.demo import DEMO_PASSWORD
    from billing_desk.services.office.session import open_session
    from billing_desk.ui.app import sign_in as sign_in_with
    from billing_desk.ui.session_holder import SessionHolder

    def sign_in(session):
        return sign_in_with(SessionHolder(session))

    session = open_session(tmp_path / "new.sqlite", choose_user=False)
    assert session.user is None

    def first_start(dialog):
        dialog.boxes["name"].setText("Ada Admin")
        dialog.boxes["user name"].setText("ada")
        dialog.boxes["password"].setText(PASSWORD)
        dialog.boxes["password (again)"].setText(PASSWORD)
        when_modal(qtbot, lambda key: (key.confirmed.setChecked(True), key.go.click()))
        dialog.ok.click()

    when_modal(qtbot, first_start)
    assert sign_in(session) and session.user.username == "ada"
    session.close()
    session = open_session(tmp_path / "new.sqlite", choose_user=False)
    when_modal(qtbot, lambda dialog: dialog.reject())
    assert not sign_in(session) and session.opened.db.is_closed()  # cancelled: nothing opens
    assert DEMO_PASSWORD == "billing-demo"  # the README names it
