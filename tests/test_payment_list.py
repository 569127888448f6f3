"""The payments list: search by account, void a bounced check (a clerk's needs a supervisor's
sign-off; cancelled, nothing changes), opened from the Invoice Entry tab."""

import datetime as dt
from decimal import Decimal as D

import pytest
from PySide6.QtCore import Qt

from billing_desk.models import Account, AuditEntry, LedgerEntry, Payment
from billing_desk.services.accounts import lists
from billing_desk.services.books import invoices, payments
from billing_desk.services.books.ledger import check_ledger
from billing_desk.services.office import auth
from billing_desk.services.office.session import Session
from billing_desk.ui.office import signoff
from billing_desk.ui.prompts import ScriptedPrompter

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support raise",
                                       "This plugin does not support grabbing the keyboard",
                                       "This plugin does not support propagateSizeHints")
PASSWORD = "supervisor pass"
TODAY = dt.date.today()


@pytest.fixture(autouse=True)
def _fast_hash(monkeypatch):
    monkeypatch.setenv("BILLING_DESK_SCRYPT_N", "1024")


@pytest.fixture
def sup(supervisor):
    supervisor.password_hash = auth.hash_password(PASSWORD)
    supervisor.save()
    return supervisor


@pytest.fixture
def books(db, admin, catalogue, make_account):
    """Two accounts: Nguyen paid by check on an invoice, Okafor paid cash the day before."""
    nguyen = make_account(last="Nguyen")
    okafor = make_account(last="Okafor")
    invoices.quick_invoice(nguyen.id, TODAY, [("99213", 1)], admin)
    older = payments.record_payment(okafor.id, "15.00", admin, method="cash",
                                    received_on=TODAY - dt.timedelta(days=1))
    check = payments.record_payment(nguyen.id, "40.00", admin, method="check", reference="1042")
    return {"nguyen": nguyen, "okafor": okafor, "check": check, "older": older}


def open_list(qtbot, db, user, prompter, **kw):
    from billing_desk.ui.books.payment_list import PaymentListDialog

    dialog = PaymentListDialog(Session(db, user), prompter=prompter, **kw)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def find(qtbot, dialog, text):
    dialog.list.search.setText(text)
    qtbot.keyClick(dialog.list.search, Qt.Key.Key_Return)  # searches now, moves to the table
    return [dialog.list.model.row_object(r) for r in range(dialog.list.model.rowCount())]


def test_newest_first_and_found_by_account_number_name_or_reference(qtbot, db, admin, books):
    dialog = open_list(qtbot, db, admin, ScriptedPrompter())
    assert [p.id for p in find(qtbot, dialog, "")] == [books["check"].id, books["older"].id]
    assert [p.id for p in find(qtbot, dialog, books["nguyen"].number)] == [books["check"].id]
    assert dialog.list.table.hasFocus()
    assert [p.id for p in find(qtbot, dialog, "okaf")] == [books["older"].id]
    assert [p.id for p in find(qtbot, dialog, "1042")] == [books["check"].id]
    model = dialog.list.model
    shown = [model.data(model.index(0, c)) for c in range(model.columnCount())]
    assert shown == [TODAY.strftime("%m/%d/%Y"), books["nguyen"].number,
                     books["nguyen"].display_name, "patient", "check", "1042", "$40.00", "posted"]
    assert [p.id for p in lists.payments_query("", "void")] == []


def test_a_supervisor_voids_a_bounced_check(qtbot, db, admin, sup, books):
    dialog = open_list(qtbot, db, sup, ScriptedPrompter("bounced check"))
    voided = []
    dialog.voided.connect(voided.append)
    find(qtbot, dialog, books["nguyen"].number)
    qtbot.keyClick(dialog.list.table, Qt.Key.Key_V, Qt.KeyboardModifier.AltModifier)  # Alt+V
    qtbot.waitUntil(lambda: voided != [], timeout=2000)  # a mnemonic clicks after a short delay
    assert "Void $40.00 check 1042 from" in dialog.prompter.asked[0][1]
    payment = Payment.get_by_id(books["check"].id)
    assert (payment.status, payment.void_reason) == ("void", "bounced check")
    assert voided == [payment.id]
    assert Account.get_by_id(books["nguyen"].id).patient_balance == D("120.00")
    assert LedgerEntry.select().where(LedgerEntry.kind == "payment_void").count() >= 1
    assert check_ledger() == []
    assert dialog.list.current().status == "void"
    assert not dialog.void_button.isEnabled()
    assert "Voided $40.00" in dialog.message.text()


def test_a_clerk_is_asked_for_a_supervisors_sign_off(qtbot, db, clerk, sup, books):
    asked = []

    def supervisor_signs(parent, action):
        asked.append(action)
        return auth.signoff("super", PASSWORD, action)

    dialog = open_list(qtbot, db, clerk, ScriptedPrompter("bounced"), ask=supervisor_signs)
    find(qtbot, dialog, books["nguyen"].number)
    assert dialog.void_current() is not None
    assert asked == ["void_payment"]
    assert Payment.get_by_id(books["check"].id).status == "void"
    last = AuditEntry.select().order_by(AuditEntry.id.desc()).first()
    assert last.action == "void" and "approved by super" in last.summary
    assert check_ledger() == []


def test_a_cancelled_sign_off_changes_nothing(qtbot, db, clerk, sup, books, monkeypatch):
    monkeypatch.setattr(signoff, "ask_signoff", lambda parent, action: None)
    before = (AuditEntry.select().count(), LedgerEntry.select().count())
    prompter = ScriptedPrompter("bounced")
    dialog = open_list(qtbot, db, clerk, prompter)
    find(qtbot, dialog, books["nguyen"].number)
    dialog.void_button.click()
    assert Payment.get_by_id(books["check"].id).status == "posted"
    assert LedgerEntry.select().count() == before[1]
    written = [e.action for e in AuditEntry.select().where(AuditEntry.id > before[0])]
    assert set(written) <= {"denied"}  # the refusal audited; nothing else written
    assert prompter.asked[-1][0] == "warn" and dialog.message.text()


def test_a_refused_void_keeps_the_reason_typed_for_the_next_try(qtbot, db, clerk, sup, books,
                                                                monkeypatch):
    """The supervisor was not there to sign off: the reason typed is quoted, and the question
    asked again on that payment opens with it."""
    monkeypatch.setattr(signoff, "ask_signoff", lambda parent, action: None)
    prompter = ScriptedPrompter("bounced check, returned by the bank")
    dialog = open_list(qtbot, db, clerk, prompter)
    find(qtbot, dialog, books["nguyen"].number)
    dialog.void_button.click()
    assert "“bounced check, returned by the bank”" in dialog.message.text()
    assert dialog.list.current().id == books["check"].id
    monkeypatch.setattr(signoff, "ask_signoff",
                        lambda parent, action: auth.signoff("super", PASSWORD, action))
    prompter.answers.append("bounced check, returned by the bank")
    dialog.void_button.click()
    assert prompter.filled[-1] == "bounced check, returned by the bank"
    assert Payment.get_by_id(books["check"].id).void_reason == "bounced check, returned by the bank"


def test_no_reason_or_a_cancelled_question_voids_nothing(qtbot, db, sup, books):
    prompter = ScriptedPrompter("   ", None)
    dialog = open_list(qtbot, db, sup, prompter)
    find(qtbot, dialog, books["nguyen"].number)
    dialog.void_button.click()
    assert prompter.asked[-1] == ("warn", "Void payment: Reason: a reason is required to void a payment")
    dialog.void_button.click()  # cancelled: no error, nothing voided
    assert prompter.asked[-1][0] == "ask"
    assert Payment.get_by_id(books["check"].id).status == "posted"


def test_the_list_model_passes_the_model_tester(qtbot, db, admin, books, qtmodeltester):
    dialog = open_list(qtbot, db, admin, ScriptedPrompter())
    qtmodeltester.check(dialog.list.model)


def test_opened_from_the_invoice_tab(qtbot, db, sup, books):
    from billing_desk.ui.books.tab import InvoicesTab

    tab = InvoicesTab(Session(db, sup), prompter=ScriptedPrompter("bounced"))
    qtbot.addWidget(tab)
    tab.show()
    assert tab.buttons["payments"].text() == "Pay&ments…"
    tab.buttons["payments"].click()
    dialog = tab.windows[-1]
    assert dialog.isVisible() and dialog.list.model.total == 2
    dialog.list.search.setText(books["nguyen"].number)
    dialog.list.refresh()
    assert dialog.void_current() is not None
    assert Payment.get_by_id(books["check"].id).status == "void"
    dialog.close()
