"""Counts and notices that follow the work (issue 19, item 11): the Approval queue's count, the
status bar's totals after charges are posted, a notice that lasts one screen, the queue keeping its
place after an approval, the apartment in its address, the invoice number on the form and a word
after an EOB posts."""

import datetime as dt
import re
from decimal import Decimal as D

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from billing_desk.models import Coverage, Payer, Plan
from billing_desk.services.accounts import registry
from billing_desk.services.books import invoices
from billing_desk.services.office.session import Session
from billing_desk.ui.prompts import ScriptedPrompter

pytestmark = [pytest.mark.qt_log_ignore(
    "This plugin does not support (raise|grabbing the keyboard|propagateSizeHints)"),
    pytest.mark.both_engines]  # the counts and the status bar on the server too (issue 22)
CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier
TODAY = dt.date.today()


def pending(clerk, last, street2=""):
    form = registry.AccountForm(first_name="Ann", last_name=last, date_of_birth="01/02/1980",
                                street="1 Main", street2=street2, city="Salem", state="OR",
                                zip_code="97301", phone=f"503-555-{len(last):04d}")
    return registry.create_account(form, clerk)


@pytest.fixture
def window(qtbot, db, supervisor):
    from billing_desk.ui.main_window import MainWindow

    win = MainWindow(Session(db, supervisor), prompter=ScriptedPrompter())
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win, timeout=2000)
    yield win
    win.close()


def test_status_bar_totals_follow_a_posted_invoice(qtbot, window, supervisor, catalogue, make_account):
    assert "charges $0.00" in window.totals_label.text()
    account = make_account()
    invoices.quick_invoice(account.id, TODAY, [("99213", 1), ("36415", 2)], supervisor)
    qtbot.waitUntil(lambda: "charges $150.00" in window.totals_label.text(), timeout=2000)


def test_queue_count_and_place_follow_the_approvals(qtbot, window, clerk, supervisor):
    for last in ("Adams", "Baker", "Cole", "Dunn"):
        pending(clerk, last, street2="Apt 4B" if last == "Baker" else "")
    tab = window.pages[0]
    qtbot.waitUntil(lambda: "(4)" in tab.buttons["queue"].text(), timeout=2000)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_V, ALT)  # Appro&val queue
    queue = tab.queue
    qtbot.waitUntil(queue.table.hasFocus, timeout=2000)  # a mnemonic clicks after a moment
    qtbot.keyClick(queue.table, Qt.Key.Key_Down)
    assert queue.current().last_name == "Baker"
    assert "1 Main, Apt 4B, Salem OR 97301" in re.sub("<[^>]+>", "", queue.checklist.text())
    queue.note.setFocus()
    qtbot.keyClick(queue.note, Qt.Key.Key_Return, CTRL)
    assert "Approved" in queue.message.text()
    assert queue.current().last_name == "Cole"  # the next one, not back to the first
    assert "(3)" in tab.buttons["queue"].text()
    registry.approve_account(queue.current().id, supervisor)  # elsewhere: the count follows
    qtbot.waitUntil(lambda: "(2)" in tab.buttons["queue"].text(), timeout=2000)


def test_saved_changes_notice_lasts_one_screen(qtbot, window, supervisor, make_account):
    account = make_account()
    tab = window.pages[0]
    tab.open_account(account.id)
    tab.edit_account(registry.get_account(account.id))
    qtbot.keyClick(tab.form, Qt.Key.Key_S, CTRL)
    assert "Saved the changes" in tab.notice.text()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_V, ALT)  # Appro&val queue
    qtbot.waitUntil(lambda: tab.queue.table.hasFocus(), timeout=2000)
    assert tab.notice.text() == ""


def test_invoice_number_is_on_the_form(qtbot, db, clerk, catalogue, make_account):
    from billing_desk.ui.books.invoice_form import InvoiceForm

    account = make_account()
    invoice = invoices.quick_invoice(account.id, TODAY, [("99213", 1)], clerk)
    form = InvoiceForm(Session(db, clerk), invoice.id, prompter=ScriptedPrompter())
    qtbot.addWidget(form)
    form.show()
    assert str(invoice.number) in form.number_label.text()
    assert form.number_label.isVisible()


def test_a_posted_eob_says_so(qtbot, db, clerk, catalogue, make_account):
    from billing_desk.ui.books.payment_eob import EobDialog

    payer = Payer.create(name="Acme")
    account = make_account()
    Coverage.create(account=account, plan=Plan.create(payer=payer, name="PPO"), member_id="A")
    invoice = invoices.quick_invoice(account.id, TODAY, [("99213", 1)], clerk)
    dialog = EobDialog(Session(db, clerk), prompter=ScriptedPrompter(True))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.check.setText("C-77")
    dialog.check_total.setText("100.00")
    dialog.invoice_number.setText(str(invoice.number))
    dialog.load_claim()
    dialog.lines[0]["paid"] = D("100.00")
    assert dialog.post_claim()
    assert (f"Posted: invoice {invoice.number}, $100.00 paid by Acme on check C-77"
            in dialog.posted_note.text())
    dialog.close()
