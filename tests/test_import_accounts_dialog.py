"""The import dialog: choose a file, map columns (remembered), preview bad rows, import.

Checking and saving run in a worker thread: the tests start them and wait for the dialog to be idle.
"""

import threading
from types import SimpleNamespace

import pytest
from PySide6.QtCore import QTimer

from billing_desk.exchange import importing
from billing_desk.models import Account
from billing_desk.services.accounts import account_import

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing the keyboard)")


class Prompter:
    path = None

    def choose_open_file(self, title, filter_text, start=""):
        return self.path


@pytest.fixture
def dialog(qtbot, db, clerk, tmp_path):
    from billing_desk.ui.accounts.account_import_dialog import AccountImportDialog

    made = AccountImportDialog(SimpleNamespace(user=clerk), Prompter())
    qtbot.addWidget(made)
    made.show()
    return made


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def finish(qtbot, dialog, timeout=20_000):
    """Wait until the worker is done (a check that chains into a save counts as one)."""
    qtbot.waitUntil(lambda: dialog.job is None, timeout=timeout)


def people(tmp_path, count):
    lines = ["Last,First,DOB,Phone"] + [f"Lee{n},Ann,01/02/1980,212-555-{n:04d}" for n in range(count)]
    source = write(tmp_path / "many.csv", "\n".join(lines) + "\n")
    return str(source)


def mapped(dialog, path):
    assert dialog.load_file(path)
    dialog.set_column("last_name", "Last")
    dialog.set_column("first_name", "First")
    dialog.set_column("date_of_birth", "DOB")
    return dialog


def test_preview_then_import_only_the_good_rows_and_remember_the_mapping(qtbot, dialog, tmp_path):
    source = write(tmp_path / "people.csv", "Nom,Prenom,Naissance,Tel\nLee,Ann,01/02/1980,217-555-0101\n"
                                            "Moss,Cy,13/45/1990,12\n")
    dialog.prompter.path = str(source)
    dialog.choose_file()
    assert dialog.mapping() == {"phone": "Tel"}  # only the obvious one is guessed
    assert not dialog.good_button.isEnabled()
    dialog.set_column("last_name", "Nom")
    dialog.set_column("first_name", "Prenom")
    dialog.set_column("date_of_birth", "Naissance")
    assert dialog.check() is not None
    finish(qtbot, dialog)
    assert "1 good row(s), 1 bad row(s)" in dialog.summary.text()
    bad = dialog.bad_view.model()
    rows = {(bad.data(bad.index(r, 0)), bad.data(bad.index(r, 1))) for r in range(bad.rowCount())}
    assert rows == {("3", "Naissance"), ("3", "Tel")}
    assert not dialog.all_button.isEnabled() and dialog.good_button.isEnabled()
    dialog.run_import(skip_bad=False)
    finish(qtbot, dialog)
    assert "Nothing imported" in dialog.summary.text() and Account.select().count() == 0
    dialog.run_import(skip_bad=True)
    finish(qtbot, dialog)
    assert [a.last_name for a in dialog.imported] == ["Lee"]
    assert [a.last_name for a in Account.select()] == ["Lee"]
    assert importing.remembered_mapping("accounts")["last_name"] == "Nom"
    # Next time the same columns come back by themselves.
    dialog.load_file(str(source))
    assert dialog.mapping()["date_of_birth"] == "Naissance"


def test_a_bad_file_says_why_and_nothing_can_be_imported(dialog, tmp_path):
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"hello")
    assert not dialog.load_file(str(junk))
    assert "not an Excel workbook" in dialog.summary.text()
    assert not dialog.all_button.isEnabled() and not dialog.check_button.isEnabled()


def test_a_few_hundred_rows_are_checked_and_saved_in_the_worker(qtbot, dialog, tmp_path):
    mapped(dialog, people(tmp_path, 300))
    seen, ticks = [], []
    timer = QTimer(dialog, interval=5, timeout=lambda: ticks.append(1))
    timer.start()
    job = dialog.run_import(skip_bad=False)  # checks first, then saves
    job.progressed.connect(lambda fraction, text: seen.append((fraction, text)))
    assert job.isRunning() or job.isFinished()
    assert not dialog.check_button.isEnabled() and not dialog.all_button.isEnabled()
    assert not dialog.close_button.isEnabled() and dialog.cancel_button.isVisible()
    finish(qtbot, dialog)
    timer.stop()
    assert len(dialog.imported) == 300 and Account.select().count() == 300
    assert {a.status for a in Account.select()} == {"pending"}
    assert "Imported 300 account(s)" in dialog.summary.text()
    assert seen and seen[-1] == (1.0, "300 of 300")  # the progress reached the bar
    assert ticks  # the window's own timer kept firing while the worker ran
    assert dialog.check_button.isEnabled() and not dialog.cancel_button.isVisible()
    assert dialog.close_button.isEnabled()


@pytest.fixture
def paused_save(monkeypatch):
    """The save stops at its 150th account until the test lets it go on."""
    reached, go_on, real = threading.Event(), threading.Event(), account_import.create_account
    count = [0]

    def create(form, by):
        count[0] += 1
        if count[0] == 150:
            reached.set()
            assert go_on.wait(10)
        return real(form, by)

    monkeypatch.setattr(account_import, "create_account", create)
    return reached, go_on


def test_cancel_during_the_save_imports_nothing(qtbot, dialog, tmp_path, paused_save):
    reached, go_on = paused_save
    mapped(dialog, people(tmp_path, 300))
    dialog.check()
    finish(qtbot, dialog)
    assert "300 good row(s)" in dialog.summary.text()
    dialog.run_import(skip_bad=False)
    qtbot.waitUntil(reached.is_set, timeout=10_000)
    assert not dialog.all_button.isEnabled() and not dialog.path.isEnabled()
    dialog.reject()  # Esc while working cancels instead of closing
    assert dialog.isVisible() and dialog.job.cancelling
    go_on.set()
    finish(qtbot, dialog)
    assert Account.select().count() == 0 and dialog.imported == []
    assert "Cancelled: nothing was imported" in dialog.summary.text()
    assert dialog.all_button.isEnabled()  # the check still stands: import again at will
    dialog.run_import(skip_bad=False)
    finish(qtbot, dialog)
    assert Account.select().count() == 300


def pause_at_commit(monkeypatch, before: bool):
    """The save stops just before (or just after) its point of no return, inside the transaction,
    until the test, on the window's thread, has pressed Cancel."""
    reached, go_on, real = threading.Event(), threading.Event(), account_import.import_accounts

    def import_accounts(*args, before_commit, **kwargs):
        def at_commit():
            if not before:
                before_commit()
            reached.set()
            assert go_on.wait(10)
            if before:
                before_commit()
        return real(*args, before_commit=at_commit, **kwargs)

    monkeypatch.setattr(account_import, "import_accounts", import_accounts)
    return reached, go_on


def press_cancel_at_commit(qtbot, dialog, tmp_path, monkeypatch, before):
    reached, go_on = pause_at_commit(monkeypatch, before)
    mapped(dialog, people(tmp_path, 5))
    dialog.run_import(skip_bad=False)
    qtbot.waitUntil(reached.is_set, timeout=10_000)
    dialog.cancel()
    message = dialog.summary.text()
    go_on.set()
    finish(qtbot, dialog)
    return message


def test_cancel_after_the_last_row_but_before_commit_still_imports_nothing(qtbot, dialog, tmp_path,
                                                                          monkeypatch):
    assert press_cancel_at_commit(qtbot, dialog, tmp_path, monkeypatch, before=True) == "Cancelling…"
    assert Account.select().count() == 0 and dialog.imported == []
    assert "Cancelled: nothing was imported" in dialog.summary.text()


def test_cancel_once_the_commit_has_begun_is_refused(qtbot, dialog, tmp_path, monkeypatch):
    message = press_cancel_at_commit(qtbot, dialog, tmp_path, monkeypatch, before=False)
    assert message.startswith("Too late to cancel")
    assert Account.select().count() == 5 and len(dialog.imported) == 5
    assert "Imported 5 account(s)" in dialog.summary.text()
