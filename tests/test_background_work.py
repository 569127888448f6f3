"""The one background-work helper (ui/work.py): the work runs off the window's thread, its result
or error comes back on the window's thread, progress reaches the dialog, Cancel saves nothing."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QProgressBar, QWidget

from billing_desk.errors import BillingError
from billing_desk.models import Setting
from billing_desk.services.office.transactions import in_transaction
from billing_desk.ui.work import Cancelled, run_and_wait, run_in_background


@pytest.fixture
def parent(qtbot):
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_the_result_comes_back_on_the_windows_thread(qtbot, parent, db):
    where, got = {}, []

    def work(progress):
        where["work"] = threading.current_thread()
        return 42

    def done(result):
        where["done"] = threading.current_thread()
        got.append(result)

    job = run_in_background(parent, work, title="Adding up…", on_done=done)
    qtbot.waitUntil(lambda: got == [42], timeout=10_000)
    assert where["work"] is not threading.main_thread()
    assert where["done"] is threading.main_thread()
    assert job.dialog is None  # the progress dialog closed before the result was handed over


def test_an_error_comes_back_in_words(qtbot, parent, db):
    messages = []

    def refused(progress):
        raise BillingError("The folder is not there.")

    def broken(progress):
        raise ValueError("bad")

    run_in_background(parent, refused, title="Backing up…", on_error=messages.append)
    run_in_background(parent, broken, title="Backing up…", on_error=messages.append)
    qtbot.waitUntil(lambda: len(messages) == 2, timeout=10_000)
    assert "The folder is not there." in messages
    unforeseen = next(m for m in messages if m != "The folder is not there.")
    assert unforeseen.startswith("Something went wrong") and "billing-desk.log" in unforeseen
    from billing_desk.logs import current_log

    assert "ValueError: bad" in current_log().read_text(encoding="utf-8")  # the traceback is kept


def test_a_database_refusal_in_the_background_is_said_in_words(qtbot, parent):
    import sqlite3

    messages = []

    def full(progress):
        raise sqlite3.OperationalError("database or disk is full")

    run_in_background(parent, full, title="Importing…", on_error=messages.append)
    qtbot.waitUntil(lambda: messages != [], timeout=10_000)
    assert "is full" in messages[0] and "nothing was saved" in messages[0]


def test_progress_reaches_the_dialog_and_esc_cancels_with_nothing_saved(qtbot, parent, db):
    reached, go_on, outcome = threading.Event(), threading.Event(), []

    def save_many(progress):
        with in_transaction():
            for i in range(10):
                Setting.create(key=f"row-{i}", value="1")
                progress(i / 10, f"Saving row {i + 1}")
                if i == 4:
                    reached.set()
                    assert go_on.wait(10)
        return "saved"

    job = run_in_background(parent, save_many, title="Saving…", cancellable=True,
                            on_done=outcome.append, on_cancel=lambda: outcome.append("cancelled"))
    qtbot.waitUntil(reached.is_set, timeout=10_000)
    dialog = job.dialog
    qtbot.waitUntil(lambda: dialog.bar.value() == 400, timeout=10_000)
    assert "Saving row 5" in dialog.label.text() and dialog.cancel_button.isVisible()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # Esc is Cancel
    assert dialog.isVisible() and dialog.label.text() == "Cancelling…" and job.cancelling
    go_on.set()
    qtbot.waitUntil(lambda: outcome == ["cancelled"], timeout=10_000)
    assert Setting.select().where(Setting.key.startswith("row-")).count() == 0


def test_a_job_that_cannot_be_cancelled_keeps_its_dialog(qtbot, parent, db):
    go_on, outcome = threading.Event(), []
    job = run_in_background(parent, lambda progress: go_on.wait(10), title="Restoring…",
                            on_done=outcome.append)
    qtbot.keyClick(job.dialog, Qt.Key.Key_Escape)
    assert job.dialog.isVisible() and not job.cancelling and not job.dialog.cancel_button.isVisible()
    go_on.set()
    qtbot.waitUntil(lambda: outcome == [True], timeout=10_000)


def test_progress_can_go_to_the_callers_own_bar(qtbot, parent, db):
    bar, label, go_on, done = QProgressBar(parent), QLabel(parent), threading.Event(), []

    def steps(progress):
        progress.steps(30, 120)
        assert go_on.wait(10)

    job = run_in_background(parent, steps, title="Checking row", bar=bar, label=label,
                            on_done=done.append)
    assert job.dialog is None
    qtbot.waitUntil(lambda: bar.value() == 250, timeout=10_000)
    assert label.text() == "Checking row 30 of 120"
    go_on.set()
    qtbot.waitUntil(lambda: done == [None], timeout=10_000)


def test_run_and_wait_returns_the_result_or_raises(qtbot, parent, db):
    assert run_and_wait(parent, lambda progress: "built", title="Building…") == "built"
    with pytest.raises(BillingError, match="disk is full"):
        run_and_wait(parent, lambda progress: (_ for _ in ()).throw(BillingError("disk is full")),
                     title="Building…")

    def cancel_itself(progress):
        raise Cancelled()

    with pytest.raises(Cancelled):
        run_and_wait(None, cancel_itself, title="Building…", quiet=True)


def test_closing_the_parent_cancels_and_drops_the_outcome(qtbot, db):
    widget, reached, go_on, outcome = QWidget(), threading.Event(), threading.Event(), []

    def slow(progress):
        reached.set()
        assert go_on.wait(10)
        progress(0.5)
        return "late"

    job = run_in_background(widget, slow, title="Working…", quiet=True, cancellable=True,
                            on_done=outcome.append, on_cancel=lambda: outcome.append("cancelled"))
    qtbot.waitUntil(reached.is_set, timeout=10_000)
    widget.deleteLater()
    qtbot.waitUntil(lambda: job.cancelling, timeout=10_000)
    go_on.set()
    job.wait_here()
    assert outcome == []  # the parent is gone: nobody to tell


def test_the_demo_is_built_off_the_windows_thread(qtbot, tmp_path, monkeypatch):
    from billing_desk.services import demo
    from billing_desk.ui import app

    seen = []

    def build(progress):
        seen.append(threading.current_thread())
        progress("accounts")
        Setting.create(key="built", value="yes")
        return "built"

    monkeypatch.setattr(demo, "build_demo", build)
    app.build_demo_with_progress(tmp_path / "demo.sqlite")
    assert seen and seen[0] is not threading.main_thread()
    from billing_desk.models.db import open_database

    opened = open_database(tmp_path / "demo.sqlite")
    try:
        assert Setting.get(Setting.key == "built").value == "yes"
    finally:
        opened.close()


def test_the_start_up_backup_reports_in_the_status_bar(qtbot, db, admin, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMainWindow

    from billing_desk.services.office import backup
    from billing_desk.services.office.session import Session
    from billing_desk.ui import app

    seen = []

    def auto_backup(session, reason, progress=None):
        seen.append((threading.current_thread(), reason))
        return backup.AutoBackup(None, "Backed up at start: office-start.bdbackup")

    monkeypatch.setattr(backup, "auto_backup", auto_backup)
    window = QMainWindow()
    qtbot.addWidget(window)
    job = app.backup_in_background(window, Session(db, admin), "start")
    qtbot.waitUntil(lambda: window.statusBar().currentMessage().startswith("Backed up at start"),
                    timeout=10_000)
    assert job.dialog is None and seen[0][0] is not threading.main_thread() and seen[0][1] == "start"


def test_many_jobs_leave_python_s_true_as_they_found_it(qtbot, parent, db):
    """PySide6's emit() on Python 3.11 drops a reference to True each time; thousands of
    progress reports would end in an abort. The helper gives the references back."""
    import gc
    import sys

    def work(progress):
        for i in range(40):
            progress(i / 40, f"step {i}")
        return i

    gc.collect()
    before = sys.getrefcount(True)
    for _ in range(25):
        assert run_and_wait(parent, work, title="Counting…", quiet=True) == 39
    gc.collect()
    assert sys.getrefcount(True) >= before - 5  # about 1,000 signals: no steady loss


def test_closing_a_thread_connection_before_any_database_is_opened_is_quiet(monkeypatch):
    from billing_desk.models import database
    from billing_desk.services.office.transactions import close_thread_connection

    monkeypatch.setattr(database, "obj", None)  # the program's first moments (the code set warm-up)
    close_thread_connection()
