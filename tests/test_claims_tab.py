"""The Claims tab: claims listed by status and payer, searched as typed, the chosen claim's lines
and history, and the clerk's actions on the chosen claims, by keys."""

from __future__ import annotations

import pytest
from demo_fixtures import demo_path, session  # noqa: F401 (fixtures)
from PySide6.QtCore import Qt

from billing_desk.models import Claim
from billing_desk.models.db import open_database
from billing_desk.services.office.session import open_session
from billing_desk.ui.prompts import ScriptedPrompter

DEMO = {"accounts": 30, "seed": 5}


@pytest.fixture
def tab(qtbot, session):
    from billing_desk.ui.claims.tab import ClaimsTab

    page = ClaimsTab(session, prompter=ScriptedPrompter())
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    page.refresh()
    return page


def pick(tab, status: str) -> None:
    tab.status.setCurrentIndex(tab.status.findData(status))


def test_the_list_shows_open_claims_and_filters_by_status_and_payer(tab, qtbot):
    open_count = tab.model.total
    finished = ("resubmitted", "voided", "closed")
    assert open_count == Claim.select().where(Claim.status.not_in(finished)).count()
    pick(tab, None)
    assert tab.model.total == Claim.select().count() > open_count
    pick(tab, "held")
    assert tab.model.total == Claim.select().where(Claim.status == "held").count() > 0
    assert all(tab.model.row_object(i).status == "held" for i in range(tab.model.rowCount()))
    pick(tab, None)
    payer = tab.payer.itemData(1)
    tab.payer.setCurrentIndex(1)
    assert 0 < tab.model.total < Claim.select().count()
    assert all(tab.model.row_object(i).payer == payer for i in range(tab.model.rowCount()))


def test_typing_a_claim_number_finds_it_and_shows_its_lines_and_history(tab, qtbot):
    pick(tab, None)
    claim = Claim.select().where(Claim.status == "paid").first()
    qtbot.keyClicks(tab.search, claim.control_number)
    qtbot.waitUntil(lambda: tab.model.total == 1, timeout=3000)
    assert f"Claim {claim.control_number}" in tab.detail.text()
    assert tab.lines_model.total == claim.lines.count()
    assert tab.history_model.total >= 2  # made, then submitted, ... paid
    statuses = [tab.history_model.row_object(i).status for i in range(tab.history_model.total)]
    assert statuses[-1] == "paid"


def test_typing_reads_the_list_off_the_windows_thread_and_a_refresh_at_once_wins(tab, qtbot):
    import threading

    from billing_desk.services.accounts import claim_lists

    pick(tab, None)
    everything = tab.model.total
    claim = Claim.select().where(Claim.status == "paid").first()
    threads = []
    real_count = claim_lists.count

    def count(query):
        threads.append(threading.current_thread())
        return real_count(query)

    original = claim_lists.count
    claim_lists.count = count
    try:
        tab.search.setText(claim.control_number)
        assert tab.model.total == everything  # the key did not wait for the list
        tab.reader.settle()
        assert tab.model.total == 1 and tab.model.row_object(0).claim_id == claim.id
        assert threads and threading.main_thread() not in threads
        tab.search.setText("")  # a read starts; the tab's own refresh reads at once instead
        tab.search.blockSignals(True)
        tab.search.setText(claim.control_number)
        tab.search.blockSignals(False)
        tab.refresh()
        assert tab.model.total == 1
        tab.reader.settle()  # the stale read of "" is dropped
        assert tab.model.total == 1 and not tab.reader.busy
    finally:
        claim_lists.count = original


def test_release_then_hold_by_keys_write_the_history(tab, qtbot):
    pick(tab, "held")
    assert tab.model.total > 0
    row = tab.model.row_object(0)
    tab.table.setFocus()
    tab.table.selectRow(0)
    qtbot.keyClick(tab.table, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    claim = Claim.get_by_id(row.claim_id)
    assert "Released" in tab.message.text() or f"Claim {row.control_number} stays" in tab.message.text()
    assert "lines[" not in tab.message.text()  # the clerk's words, not the field's name
    if claim.status == "held":  # the scrubber held it again, saying what to fix
        assert claim.hold_reason
        return
    assert claim.status == "ready"
    pick(tab, "ready")
    qtbot.keyClicks(tab.search, claim.control_number)
    qtbot.waitUntil(lambda: tab.model.total == 1, timeout=3000)
    tab.table.setFocus()
    tab.prompts.answers = ["waiting for the prior authorization number"]
    qtbot.keyClick(tab.table, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    claim = Claim.get_by_id(row.claim_id)
    assert claim.status == "held" and claim.hold_reason == "waiting for the prior authorization number"
    assert [e.status for e in claim.events][-3:] == ["held", "ready", "held"]


def test_a_refused_action_says_why_by_claim_and_changes_nothing(tab, qtbot):
    pick(tab, "paid")
    row = tab.model.row_object(0)
    tab.table.setFocus()
    tab.table.selectRow(0)
    qtbot.keyClick(tab.table, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)  # release a paid claim
    assert Claim.get_by_id(row.claim_id).status == "paid"
    assert f"Claim {row.control_number} is paid, not held." == tab.message.text()


def test_void_asks_first_with_no_as_the_default_and_resubmit_makes_a_replacement(tab, qtbot):
    pick(tab, "denied")
    row = tab.model.row_object(0)
    tab.table.selectRow(0)
    tab.prompts.answers = [False]  # No: nothing voided
    tab.void()
    assert tab.prompts.asked[-1][0] == "confirm" and Claim.get_by_id(row.claim_id).status == "denied"
    tab.prompts.answers = ["corrected the diagnosis pointer"]
    tab.resubmit()
    assert Claim.get_by_id(row.claim_id).status == "resubmitted"
    replacement = Claim.get(Claim.replaces == row.claim_id)
    assert replacement.frequency == "7" and replacement.status in ("ready", "held")


def test_the_window_has_the_claims_tab(qtbot, demo_path):
    from billing_desk.ui.main_window import MainWindow

    session = open_session(demo_path)
    try:
        window = MainWindow(session)
        qtbot.addWidget(window)
        titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
        assert "C&laims" in titles
    finally:
        session.close()


def test_the_invoice_tab_shows_an_invoices_claims_on_the_claims_tab(qtbot, demo_path):
    from billing_desk.ui.main_window import MainWindow

    session = open_session(demo_path)
    try:
        window = MainWindow(session)
        qtbot.addWidget(window)
        window.show()
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow, timeout=2000)
        claim = Claim.select().where(Claim.status == "paid").first()
        invoices = window.pages[1]
        window.tabs.setCurrentWidget(invoices)
        invoices.list.search.setText(str(claim.invoice.number))
        invoices.list.refresh()
        invoices.list.table.setFocus()
        qtbot.keyClick(invoices.list.table, Qt.Key.Key_C,
                       Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
        claims_tab = window.tabs.currentWidget()
        assert claims_tab.title == "C&laims"
        shown = {claims_tab.model.row_object(i).claim_id for i in range(claims_tab.model.rowCount())}
        assert claim.id in shown
        assert all(claims_tab.model.row_object(i).invoice == claim.invoice.number
                   for i in range(claims_tab.model.rowCount()))
    finally:
        session.close()


def test_the_claims_list_finds_what_one_or_over_the_joined_rows_found(demo_path):
    """Issue 21: the list is searched, counted and paged by the claims' ids (each way in through
    its own index); it finds the same claims, in the same order, as the one OR over the joined
    claim, invoice, account and payer rows it replaced."""
    from peewee import fn

    from billing_desk.choices import CLAIM_CLOSED_STATUSES
    from billing_desk.models import Account, Invoice, Payer
    from billing_desk.services.accounts import claim_lists, lists
    from billing_desk.services.books.account_search import search_condition

    opened = open_database(demo_path, readonly=True)
    try:
        claims = list(Claim.select().order_by(Claim.id))
        payer = Payer.get_by_id(claims[0].payer_id).name
        texts = ["", claims[3].control_number, str(claims[5].invoice.number),
                 claims[7].invoice.account.number, claims[7].invoice.account.last_name[:3], "zzz"]
        for text in texts:
            for status in (None, "open", "paid"):
                for by in ("", payer):
                    old = (Claim.select(Claim.id).join(Invoice).join(Account).switch(Claim).join(Payer))
                    if status == "open":
                        old = old.where(Claim.status.not_in(CLAIM_CLOSED_STATUSES))
                    elif status:
                        old = old.where(Claim.status == status)
                    if by:
                        old = old.where(fn.LOWER(Payer.name) == by.lower())
                    if text:
                        named = Account.select(Account.id).where(search_condition(text))
                        cond = ((Claim.control_number == text) | (Claim.payer_claim_number == text)
                                | Invoice.account.in_(named))
                        if text.isdigit():
                            cond = cond | (Invoice.number == int(text))
                        old = old.where(cond)
                    want = [c.id for c in old.order_by(Claim.id.desc())]
                    query = claim_lists.claims_query(text, status, payer=by)
                    assert [r.claim_id for r in claim_lists.rows(query, limit=None)] == want
                    assert [r.claim_id for r in claim_lists.rows(query, offset=2, limit=3)] == want[2:5]
                    assert claim_lists.count(query) == len(want) == lists.count(query)
    finally:
        opened.close()


def test_a_count_read_off_the_windows_thread_is_never_an_old_ones(demo_path, tmp_path, monkeypatch):
    import shutil
    import threading

    from billing_desk.services.accounts import claim_lists, lists
    from billing_desk.services.office.transactions import close_thread_connection

    copy = tmp_path / "office.sqlite"
    shutil.copy(demo_path, copy)
    opened = open_database(copy)
    try:
        query = claim_lists.claims_query("", "held")
        seen = []
        # Each worker's connection is new: two at one address, each fresh, stamp alike.
        monkeypatch.setattr(lists, "data_stamp", lambda: (1, 1, 0))

        def read() -> None:
            seen.append(claim_lists.count(query))
            close_thread_connection()

        for _ in range(3):
            worker = threading.Thread(target=read)
            worker.start()
            worker.join()
            Claim.update(status="held").where(Claim.id == Claim.select(Claim.id).where(
                Claim.status != "held").limit(1)).execute()
        assert seen == [seen[0], seen[0] + 1, seen[0] + 2]
    finally:
        opened.close()


def test_a_refused_close_keeps_the_reason_typed_for_the_next_try(tab, qtbot, session):
    """Another workstation changed the claim after the list showed it: closing it is refused, the
    message quotes the reason typed, and Close asked again on that claim opens with it."""
    from billing_desk.services.claims import claim_status

    pick(tab, "submitted")
    row = tab.model.row_object(0)
    tab.table.selectRow(0)
    claim_status.set_payer_claim_number(row.claim_id, "PCN-77", session.user, loaded_as=row.version)
    tab.prompts.answers.append("The patient paid the office directly")
    tab.close_claims()
    said = tab.message.text()
    assert "was changed on another screen or workstation" in said
    assert "“The patient paid the office directly”" in said
    assert Claim.get_by_id(row.claim_id).status == "submitted"
    again = next(i for i in range(tab.model.rowCount()) if tab.model.row_object(i).claim_id == row.claim_id)
    tab.table.selectRow(again)  # the list shows the claim as it is now
    tab.prompts.answers.append(None)
    tab.hold()  # another question on it starts blank
    assert tab.prompts.filled[-1] == ""
    tab.prompts.answers.append("The patient paid the office directly")
    tab.close_claims()
    assert tab.prompts.filled[-1] == "The patient paid the office directly"
    assert Claim.get_by_id(row.claim_id).status == "closed"
