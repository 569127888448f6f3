"""The Collections tab driven with keys: log a contact with a promise, confirm a stage batch."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from PySide6.QtCore import Qt

from billing_desk.errors import PermissionDenied
from billing_desk.models import AccountCollection, ContactLog, Letter, Promise
from billing_desk.services.books.invoices import quick_invoice
from billing_desk.services.collections import worklist as col
from billing_desk.ui.prompts import ScriptedPrompter

DAY0 = dt.date(2026, 1, 5)
TODAY = DAY0 + dt.timedelta(days=30 + 45)  # 45 days past due


class Session:
    def __init__(self, user, path):
        self.user, self.path = user, path


@pytest.fixture
def tab(qtbot, db, admin, clerk, make_account, catalogue, tmp_path):
    col.save_stages([col.StageInput("Reminder", 30, "Please pay {amount_due}."),
                     col.StageInput("Final notice", 90, "Final: {amount_due}.")], admin)
    for last in ("Adams", "Baker"):
        account = make_account(last=last)
        quick_invoice(account.id, DAY0, [("99213", 1)], clerk, entry_date=DAY0)
    from billing_desk.ui.collections.tab import CollectionsTab

    widget = CollectionsTab(Session(clerk, tmp_path / "office.sqlite"), prompter=ScriptedPrompter())
    widget.clock = lambda: TODAY
    widget.printed = []
    widget.printer = lambda pdf, name: widget.printed.append((pdf, name))
    qtbot.addWidget(widget)
    widget.show()  # the first show of the day starts the day's review off the window's thread
    qtbot.waitUntil(lambda: widget.review_job is None, timeout=10_000)
    widget.refresh()
    return widget


def test_log_a_contact_with_a_promise_by_keys(tab, qtbot):
    assert tab.model.total == 2
    tab.table.setFocus()
    qtbot.keyClick(tab.table, Qt.Key.Key_Down)  # the second account, Baker
    assert tab.current().name == "Baker, Ann"
    qtbot.keyClick(tab.table, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    dialog = tab.dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitActive(dialog)
    dialog.outcome.setFocus()
    qtbot.keyClicks(dialog.outcome.lineEdit(), "promised to pay")
    qtbot.keyClicks(dialog.note, "will pay half on Friday")
    qtbot.keyClicks(dialog.promise_amount, "60.00")
    qtbot.keyClicks(dialog.promise_date, (TODAY + dt.timedelta(days=4)).strftime("%m/%d/%Y"))
    qtbot.keyClick(dialog.promise_date, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert not dialog.isVisible(), dialog.error.text()
    contact = ContactLog.get()
    assert ((contact.kind, contact.outcome, contact.note)
            == ("call", "promised to pay", "will pay half on Friday"))
    promise = Promise.get()
    assert promise.amount == D("60.00") and promise.due_date == TODAY + dt.timedelta(days=4)
    row = col.worklist_row(contact.account_id, today=TODAY)
    assert row.promise_due == promise.due_date and row.last_contact_on == TODAY
    assert "promised to pay" in tab.pane.body.text()


def test_bad_contact_input_is_refused_and_nothing_saved(tab, qtbot):
    tab.table.setFocus()
    qtbot.keyClick(tab.table, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    dialog = tab.dialog
    qtbot.waitActive(dialog)
    qtbot.keyClicks(dialog.outcome.lineEdit(), "reached")
    qtbot.keyClicks(dialog.promise_amount, "abc")
    qtbot.keyClick(dialog.promise_amount, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    said = dialog.errors.boxes["promise_amount"][1].text()  # under the box, in its words
    assert dialog.isVisible() and "'abc' is not an amount" in said and "promise_amount" not in said
    assert ContactLog.select().count() == 0
    dialog.prompter.answers = [True]  # "Discard what you typed?"
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_confirm_a_stage_batch_by_keys(tab, qtbot):
    tab.table.setFocus()
    qtbot.keyClick(tab.table, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    dialog = tab.dialog
    qtbot.waitActive(dialog)
    assert [r.proposed for r in dialog.rows] == ["Reminder", "Reminder"]
    dialog.table.setFocus()
    dialog.table.setCurrentCell(1, 1)
    qtbot.keyClick(dialog.table, Qt.Key.Key_Space)  # untick the second
    qtbot.keyClick(dialog.table, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=20_000)  # the letters go out in the background
    letters = list(Letter.select())
    assert len(letters) == 1 and letters[0].pdf.startswith(b"%PDF")
    assert letters[0].account_id == dialog.rows[0].account_id
    assert len(tab.printed) == 1 and tab.printed[0][0].startswith(b"%PDF")
    stood = AccountCollection.get(AccountCollection.account == dialog.rows[0].account_id)
    assert stood.stage.name == "Reminder"
    assert "1 letter(s) sent" in tab.pane.message.text()


def test_a_clerk_cannot_write_off_from_the_tab(tab, qtbot, monkeypatch):
    # nobody signs off
    monkeypatch.setattr("billing_desk.ui.office.signoff.ask_signoff", lambda parent, action: None)
    tab.prompter.answers = ["moved away, no forwarding address", True]
    tab.table.setFocus()
    tab.write_off()
    assert "may not write off" in tab.pane.message.text()
    with pytest.raises(PermissionDenied):
        from billing_desk.services.collections.collection_actions import write_off

        write_off(tab.current().account_id, "x", tab.session.user, today=TODAY)


def test_the_stage_batch_runs_off_the_windows_thread(tab, qtbot, monkeypatch):
    import threading

    from billing_desk.services.collections import dunning

    seen, real = [], dunning.confirm_stages

    def confirm_stages(*args, **kwargs):
        seen.append(threading.current_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(dunning, "confirm_stages", confirm_stages)
    tab.stage_batch()
    dialog = tab.dialog
    job = dialog.confirm()
    assert job is not None and dialog.confirm() is None  # one batch at a time
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=20_000)
    assert seen and seen[0] is not threading.main_thread()
    assert Letter.select().count() == 2 and "2 letter(s) sent" in tab.pane.message.text()


def test_cancelling_the_stage_batch_sends_nothing(tab, qtbot, monkeypatch):
    from billing_desk.ui.work import Cancelled

    tab.stage_batch()
    dialog = tab.dialog
    def steps(self, done, total=None, text=""):  # Cancel pressed once the first letter is made
        if done:
            raise Cancelled()

    monkeypatch.setattr("billing_desk.ui.work.Progress.steps", steps)
    dialog.confirm()
    qtbot.waitUntil(lambda: "Cancelled" in dialog.summary.text(), timeout=20_000)
    assert Letter.select().count() == 0 and dialog.isVisible()
    assert {AccountCollection.get_or_none(AccountCollection.account == r.account_id) is None
            or AccountCollection.get(AccountCollection.account == r.account_id).stage is None
            for r in dialog.rows} == {True}


@pytest.fixture
def reviews(monkeypatch):
    """Each call of the day's review, with the day it reviewed."""
    from billing_desk.services.collections import collection_actions

    calls, real = [], collection_actions.review

    def review(*, today=None, by=None):
        calls.append(today)
        return real(today=today, by=by)

    monkeypatch.setattr(collection_actions, "review", review)
    return calls


def test_typing_in_the_search_only_reads(tab, qtbot, reviews):
    from billing_desk.models import AuditEntry

    entries = AuditEntry.select().count()
    tab.search.setFocus()
    for key in "Bak":
        qtbot.keyClicks(tab.search, key)
        qtbot.wait(200)  # past the debounce: the list is searched after each keystroke
    qtbot.waitUntil(lambda: tab.model.total == 1, timeout=2000)
    qtbot.keyClick(tab.search, Qt.Key.Key_Backspace)
    qtbot.wait(200)
    assert reviews == [] and AuditEntry.select().count() == entries


def test_the_review_runs_once_a_day_on_first_show_and_on_the_key(tab, qtbot, reviews):
    tab.table.setFocus()
    ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(tab.table, Qt.Key.Key_D, ctrl_shift)
    qtbot.waitUntil(lambda: reviews == [TODAY] and tab.review_job is None, timeout=10_000)
    assert "Today's review" in tab.pane.message.text()
    tab.hide()
    tab.show()  # the same day: no second review
    qtbot.wait(50)
    assert reviews == [TODAY]
    tab.clock = lambda: TODAY + dt.timedelta(days=1)
    tab.hide()
    tab.show()  # the next day: the first show reviews it
    qtbot.waitUntil(lambda: len(reviews) == 2 and tab.review_job is None, timeout=10_000)
    assert reviews[1] == TODAY + dt.timedelta(days=1)


def test_a_collections_report_is_built_and_laid_out_in_the_background(tab, qtbot):
    asked = []
    tab.ask = lambda title, label, text="": asked.append(label) or "1"
    tab.reports()
    qtbot.waitUntil(lambda: len(tab.printed) == 1, timeout=20_000)
    assert "1. Collection list (2 rows)" in asked[0]
    assert tab.printed[0][0].startswith(b"%PDF") and tab.printed[0][1] == "collection-list"


def test_typing_reads_off_the_windows_thread_on_one_kept_connection(tab, qtbot, monkeypatch):
    """Each key reads the worklist on the tab's kept worker: the window never waits for it, and
    the worker's snapshot is made once for all the keys (its connection lasts between reads)."""
    import threading

    from billing_desk.models import database

    made, real = [], database.obj.execute_sql

    def execute_sql(sql, *args, **kwargs):
        if sql.startswith(f"CREATE TEMP TABLE {col.SNAPSHOT}"):
            made.append(threading.current_thread())
        return real(sql, *args, **kwargs)

    monkeypatch.setattr(database.obj, "execute_sql", execute_sql)
    tab.reader.worker.let_go()  # (the review's refresh read on it already)
    assert tab.model.total == 2 and not tab.reader.worker.connected
    tab.search.setFocus()
    for key in "Bak":
        qtbot.keyClicks(tab.search, key)
        assert tab.reader.busy and (key != "B" or tab.model.total == 2)  # the key did not wait
        tab.reader.settle()
    assert tab.model.total == 1 and tab.current().name == "Baker, Ann"
    assert len(made) == 1 and made[0] is not threading.main_thread()
    assert tab.reader.worker.connected
    tab.reader.worker.let_go()
    assert not tab.reader.worker.connected
    qtbot.keyClick(tab.search, Qt.Key.Key_Backspace)  # a new connection, a new snapshot
    tab.reader.settle()
    assert tab.model.total == 1 and len(made) == 2


def test_a_kept_reader_sees_what_the_window_saves(tab, qtbot):
    """A write on the window's connection: the worker's next read makes its snapshot afresh."""
    from billing_desk.services.collections import collection_actions as actions

    tab.refresh_soon()
    tab.reader.settle()
    assert [tab.model.row_object(r).held_by for r in range(2)] == ["", ""]
    actions.assign([tab.model.row_object(0).account_id], tab.session.user, tab.session.user)
    tab.show_filter.setCurrentIndex(tab.show_filter.findData("mine"))  # a filter reads off the thread
    tab.reader.settle()
    assert tab.model.total == 1 and tab.model.row_object(0).held_by == tab.session.user.username


def test_a_refused_hold_keeps_the_reason_typed_and_shows_the_hold_now(tab, qtbot, admin):
    """Another workstation put the account on hold after the list showed it: this hold is refused,
    the message quotes the reason typed, the row shows the hold now, and the reason is filled in
    when Hold is asked again on that account."""
    from billing_desk.services.collections import collection_actions as actions

    row = tab.current()
    actions.set_hold(row.account_id, "insurance", "Waiting for Aetna", admin,
                     loaded_as=actions.hold_version(row.hold, row.hold_reason))
    tab.prompter.answers += ["d", "Disputes the January visit"]
    tab.hold()
    said = tab.pane.message.text()
    assert "was changed on another screen or workstation" in said
    assert "“Disputes the January visit”" in said
    assert tab.current().account_id == row.account_id and tab.current().hold_reason == "Waiting for Aetna"
    tab.prompter.answers += ["d", None]
    tab.hold()
    assert tab.prompter.filled[-1] == "Disputes the January visit"


def test_the_write_off_question_names_what_is_left_after_the_accounts_credit(tab, qtbot, clerk):
    """The credit pays the oldest items first (collection_actions), so the question names the
    amount that goes to bad debt, not the gross balance (probe3: $31.45 asked, $11.45 owed)."""
    from billing_desk.models import Account
    from billing_desk.services.books.payments import record_payment

    row = tab.current()
    line = Account.get_by_id(row.account_id).invoices[0].lines[0]
    record_payment(row.account_id, "20.00", clerk, allocations=[(line.id, D("0"))], entry_date=TODAY)
    tab.refresh()
    tab.prompter.answers = ["moved away", False]
    tab.write_off()
    asked = [text for kind, text in tab.prompter.asked if kind == "confirm"]
    owed = tab.current().balance - D("20.00")
    assert asked and f"Write off ${owed:,.2f}" in asked[-1] and "$20.00 credit" in asked[-1], asked
