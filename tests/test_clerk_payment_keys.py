"""Issue 19, typed on the payment screens: a payment received in the future is refused at its field."""

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from test_payment_screens import shown

from billing_desk.models import Payment
from billing_desk.services.books import invoices
from billing_desk.services.office.session import Session
from billing_desk.ui.prompts import ScriptedPrompter

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support raise",
                                       "This plugin does not support grabbing the keyboard")
TODAY = dt.date.today()
CTRL = Qt.KeyboardModifier.ControlModifier


def type_keys(qtbot, text):
    for char in text:  # to whatever has the focus (a table opens an editor on the first key)
        qtbot.keyClicks(QApplication.focusWidget(), char)


def key(qtbot, k, modifier=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(QApplication.focusWidget(), k, modifier)


def test_a_payment_received_next_month_is_refused_at_received_on(qtbot, db, clerk, catalogue, make_account):
    from billing_desk.ui.books.payment_patient import PatientPaymentDialog

    account = make_account()
    invoices.quick_invoice(account.id, TODAY, [("99213", 1)], clerk)
    dialog = shown(qtbot, PatientPaymentDialog(Session(db, clerk), account.id, prompter=ScriptedPrompter()))
    assert dialog.amount.hasFocus()
    qtbot.keyClicks(dialog.amount, "50")
    key(qtbot, Qt.Key.Key_Return)  # to the method
    for _ in range(2):
        key(qtbot, Qt.Key.Key_Tab)  # the reference, then received on
    assert dialog.received.hasFocus()
    key(qtbot, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(dialog.received, (TODAY + dt.timedelta(days=31)).strftime("%m/%d/%Y"))
    key(qtbot, Qt.Key.Key_Return)  # Enter posts
    said = dialog.errors.boxes["received_on"][1]
    assert said.isVisibleTo(dialog) and "future" in said.text()
    assert Payment.select().count() == 0 and dialog.received.hasFocus()
    key(qtbot, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(dialog.received, TODAY.strftime("%m/%d/%Y"))
    key(qtbot, Qt.Key.Key_S, CTRL)
    assert Payment.select().count() == 1


def test_the_service_refuses_a_payment_received_after_the_day_it_is_entered(db, clerk, make_account):
    from billing_desk.errors import ValidationError
    from billing_desk.services.books.payments import record_payment

    account = make_account()
    with pytest.raises(ValidationError) as refused:
        record_payment(account.id, "10", clerk, received_on=TODAY + dt.timedelta(days=1))
    assert refused.value.problems[0].field == "received_on"


class Recording(ScriptedPrompter):
    """Remembers whether each question defaults to No."""

    def __init__(self, *answers):
        super().__init__(*answers)
        self.defaults: list[bool] = []

    def confirm(self, title, text, *, default_no=False):
        self.defaults.append(default_no)
        return super().confirm(title, text, default_no=default_no)


def test_closing_an_eob_with_money_left_on_the_check_defaults_to_no(qtbot, db, clerk, catalogue):
    from billing_desk.ui.books.payment_eob import EobDialog

    dialog = shown(qtbot, EobDialog(Session(db, clerk), prompter=Recording(False)))
    dialog.check.setFocus()
    qtbot.keyClicks(dialog.check, "CHK-1")
    key(qtbot, Qt.Key.Key_Return)
    qtbot.keyClicks(dialog.check_total, "90.00")
    key(qtbot, Qt.Key.Key_Escape)
    assert dialog.prompter.defaults == [True] and dialog.isVisible()  # No kept the typed check


def test_enter_in_the_eob_lines_moves_along_the_line_and_down(qtbot, db, clerk, catalogue, make_account):
    from billing_desk.models import Coverage, Payer, Plan
    from billing_desk.ui.books.payment_eob import ALLOWED, DENIAL, PAID, EobDialog

    payer = Payer.create(name="Acme")
    account = make_account()
    Coverage.create(account=account, plan=Plan.create(payer=payer, name="PPO"), member_id="A")
    invoice = invoices.quick_invoice(account.id, TODAY, [("99213", 1), ("36415", 1)], clerk)
    dialog = shown(qtbot, EobDialog(Session(db, clerk), prompter=ScriptedPrompter()))
    dialog.check.setFocus()
    for text in ("CHK-7", "110.00", ""):  # check number, total, received today
        qtbot.keyClicks(QApplication.focusWidget(), text)
        key(qtbot, Qt.Key.Key_Return)
    qtbot.keyClicks(dialog.invoice_number, str(invoice.number))
    key(qtbot, Qt.Key.Key_Return)  # the claim's lines, the cursor on the first allowed amount
    assert dialog.table.currentIndex().column() == ALLOWED
    for text in ("100.00", "100.00"):
        type_keys(qtbot, text)  # the first key opens the cell
        key(qtbot, Qt.Key.Key_Return)
        QApplication.processEvents()
        qtbot.wait(10)
    assert (dialog.table.currentIndex().row(), dialog.table.currentIndex().column()) == (0, PAID + 1)
    for _ in range(DENIAL - PAID):  # contractual, patient, denial: as computed, Enter moves on
        key(qtbot, Qt.Key.Key_Return)
        qtbot.wait(10)
    assert (dialog.table.currentIndex().row(), dialog.table.currentIndex().column()) == (1, ALLOWED)
    type_keys(qtbot, "10.00")
    key(qtbot, Qt.Key.Key_Return)
    qtbot.wait(10)
    type_keys(qtbot, "10.00")
    key(qtbot, Qt.Key.Key_Return)
    qtbot.wait(10)
    assert [row["paid"] for row in dialog.lines] == [100, 10]
    assert "Left on the check: $0.00" in dialog.left.text()


def test_the_catalogue_says_a_bad_price_under_the_price_box(qtbot, db, admin, catalogue):
    from billing_desk.ui.books.catalogue_dialog import CatalogueDialog

    dialog = shown(qtbot, CatalogueDialog(Session(db, admin), prompter=ScriptedPrompter()))
    key(qtbot, Qt.Key.Key_N, CTRL)
    assert dialog.fields["code"].hasFocus()
    for text in ("NEW-1", None, "Bandage", "Supplies", "abc"):  # code, kind (as is), words, price
        if text:
            qtbot.keyClicks(QApplication.focusWidget(), text)
        key(qtbot, Qt.Key.Key_Tab)
    key(qtbot, Qt.Key.Key_S, CTRL)
    said = dialog.errors.boxes["unit_price"][1]
    assert said.isVisibleTo(dialog) and "'abc'" in said.text()
    assert "unit_price" not in said.text() + dialog.message.text()
