"""What the clerk sees first (issue 19, item 13): the sign-in box headed with the office's name, a
second program's message in local time, Order Forms newest first, organisations sorted by their
own name, the day sheet on today, save dialogs in the office's documents folder, and no .lock
file left after a clean exit."""

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QFileDialog

from billing_desk.errors import DatabaseError
from billing_desk.services.accounts import registry
from billing_desk.services.office.settings import set_setting

pytestmark = pytest.mark.qt_log_ignore(
    "This plugin does not support (raise|grabbing the keyboard|propagateSizeHints)")


def test_sign_in_is_headed_with_the_office_name(qtbot, db, admin, monkeypatch):
    from billing_desk.ui import app
    from billing_desk.ui.office import signin
    from billing_desk.ui.session_holder import SessionHolder

    set_setting("office_name", "Riverside Family Practice", admin)
    seen = {}

    def shown(dialog):
        seen["heading"] = dialog.findChild(signin.QLabel, "signin-heading").text()
        seen["title"] = dialog.windowTitle()
        return signin.QDialog.DialogCode.Rejected

    monkeypatch.setattr(signin.SignInDialog, "exec", shown)
    monkeypatch.setattr(signin.auth, "first_start_needed", lambda: False)
    session = type("S", (), {"path": db.path, "opened": db, "user": None,
                             "close": lambda self: None})()
    app.sign_in(SessionHolder(session))
    assert "<h3>Riverside Family Practice</h3>" in seen["heading"]
    assert seen["title"].startswith("Riverside Family Practice")
    assert "office.sqlite" in seen["heading"]  # the file, in small print below


def test_second_program_is_told_the_time_in_words(tmp_path):
    from billing_desk.models.file_lock import FileLock

    first = FileLock(tmp_path / "office.sqlite")
    first.acquire()
    try:
        with pytest.raises(DatabaseError) as caught:
            FileLock(tmp_path / "office.sqlite").acquire()
    finally:
        first.release()
    said = str(caught.value)
    assert not re.search(r"\d{4}-\d\d-\d\dT", said), said
    assert re.search(r"since \d\d/\d\d/\d{4} at \d{1,2}:\d\d [AP]M\)", said), said


def test_clean_exit_leaves_no_lock_file(tmp_path):
    from billing_desk.models.db import open_database

    opened = open_database(tmp_path / "office.sqlite")
    assert (tmp_path / "office.sqlite.lock").exists()
    opened.close()
    assert not (tmp_path / "office.sqlite.lock").exists()
    again = open_database(tmp_path / "office.sqlite")  # and the next start takes it again
    holder = json.loads((tmp_path / "office.sqlite.lock").read_text())
    assert holder["pid"]
    again.close()


def test_order_forms_newest_first(db, admin, catalogue, make_account):
    from billing_desk.services.accounts.lists import orders_query
    from billing_desk.services.orders.order_forms import OrderForm, OrderLineInput, save_order

    account = make_account()
    today = dt.date.today()
    for days_ago in (3, 30, 10):  # keyed out of order: a late paper form
        save_order(OrderForm(account.id, today - dt.timedelta(days=days_ago),
                             [OrderLineInput("PRD-KIT", 1)]), admin)
    dates = [o.order_date for o in orders_query()]
    assert dates == sorted(dates, reverse=True)


def test_organisations_sort_by_their_own_name(db, admin):
    def customer(org, last):
        form = registry.AccountForm(kind="customer", organization=org, first_name="Pat",
                                    last_name=last, phone="212-555-0100", state="NY",
                                    zip_code="10001")
        return registry.create_account(form, admin)

    customer("Zenith Supply", "Adams")
    customer("Acme Tools", "Young")
    names = [a.organization for a in registry.search_accounts()]
    assert names == ["Acme Tools", "Zenith Supply"]
    assert [a.organization for a in registry.search_accounts("acme")] == ["Acme Tools"]


def test_day_sheet_opens_on_today(qtbot, db, clerk):
    from billing_desk.services.office.session import Session
    from billing_desk.ui.prompts import ScriptedPrompter
    from billing_desk.ui.reports.reports_window import ReportDialog

    window = ReportDialog(Session(db, clerk), prompter=ScriptedPrompter(), name="day-sheet")
    qtbot.addWidget(window)
    assert window.start.date() == QDate.currentDate() == window.end.date()
    window.choose("billing")  # the others keep month to date
    assert window.start.date().day() == 1


def test_save_dialogs_open_in_the_documents_folder(qtbot, db, admin, tmp_path, monkeypatch):
    from billing_desk.ui.prompts import Prompter

    asked = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda parent, title, start, filters: (asked.append(start), ("", ""))[1])
    prompter = Prompter(None)
    prompter.choose_save_file("Export", "registry.xlsx", "Excel (*.xlsx)")
    default = Path(asked[-1]).parent
    assert default.is_dir() and default.name == "documents"  # under BILLING_DESK_HOME in tests
    chosen = tmp_path / "Office papers"
    set_setting("office_documents_folder", str(chosen), admin)
    prompter.choose_save_file("Export", "registry.xlsx", "Excel (*.xlsx)")
    assert asked[-1] == str(chosen / "registry.xlsx") and chosen.is_dir()
    prompter.choose_save_file("Export", str(tmp_path / "here.xlsx"), "Excel (*.xlsx)")
    assert asked[-1] == str(tmp_path / "here.xlsx")  # a path the caller chose stays


def test_documents_folder_default_is_documents_billing_desk(monkeypatch, tmp_path):
    from billing_desk import paths

    monkeypatch.delenv("BILLING_DESK_HOME")
    monkeypatch.setattr(paths.platformdirs, "user_documents_dir", lambda: str(tmp_path / "Documents"))
    assert paths.documents_dir() == tmp_path / "Documents" / "Billing Desk"
