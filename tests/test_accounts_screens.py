"""The rest of the Accounts tab on screen: approval queue, account page, cases, printouts, export."""

import datetime as dt
import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from billing_desk.errors import PermissionDenied
from billing_desk.models import Account, Case
from billing_desk.services.accounts import registry
from billing_desk.services.books import invoices, payments

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing the keyboard)")
CTRL = Qt.KeyboardModifier.ControlModifier
DAY = dt.date(2026, 1, 5)


class FakePrompter:
    def __init__(self):
        self.asked, self.answer, self.text, self.path = [], True, "moved away", None

    def confirm(self, title, text, *, default_no=False):
        self.asked.append(text)
        return self.answer

    def ask_text(self, title, label, text=""):
        self.asked.append(label)
        return self.text

    def choose_save_file(self, title, suggested, filter_text):
        return self.path


def make_tab(qtbot, user, tmp_path, **kwargs):
    from billing_desk.ui.accounts.tab import AccountsTab

    tab = AccountsTab(SimpleNamespace(user=user, path=tmp_path / "office.sqlite"),
                      prompter=FakePrompter(), **kwargs)
    qtbot.addWidget(tab)
    tab.resize(1200, 800)
    tab.show()
    qtbot.waitExposed(tab)
    tab.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is tab, timeout=2000)
    return tab


def focused():
    return QApplication.activePopupWidget() or QApplication.focusWidget()


def pending(clerk, last="Lee"):
    form = registry.AccountForm(first_name="Ann", last_name=last, date_of_birth="01/02/1980",
                                street="1 Main", city="Salem", state="OR", zip_code="97301",
                                phone=f"503-555-{len(last):04d}")
    return registry.create_account(form, clerk)


def test_supervisor_approves_and_returns_from_the_queue_by_keys(qtbot, tmp_path, clerk, supervisor):
    first, second = pending(clerk, "Lee"), pending(clerk, "Moss")
    tab = make_tab(qtbot, supervisor, tmp_path)
    tab.show_queue()
    queue = tab.queue
    assert "2 waiting" in queue.count_label.text()
    checklist = re.sub("<[^>]+>", "", queue.checklist.text())
    assert "✘ Insurance present" in checklist and "✔ Address complete" in checklist
    queue.note.setFocus()
    qtbot.keyClicks(queue.note, "checked against the form")
    qtbot.keyClick(queue.note, Qt.Key.Key_Return, CTRL)
    assert Account.get_by_id(first.id).status == "active"
    assert "1 waiting" in queue.count_label.text()
    qtbot.keyClick(queue.note, Qt.Key.Key_R, CTRL)  # return without a note: refused
    assert "needs fixing" in queue.message.text()
    qtbot.keyClicks(queue.note, "phone is the old one")
    qtbot.keyClick(queue.note, Qt.Key.Key_R, CTRL)
    assert Account.get_by_id(second.id).status_reason == "returned: phone is the old one"


def test_a_clerk_sees_the_queue_but_cannot_approve(qtbot, tmp_path, clerk, monkeypatch):
    account = pending(clerk)
    tab = make_tab(qtbot, clerk, tmp_path)
    tab.show_queue()
    # The buttons stay enabled for a supervisor's sign-off (tests/test_signoff.py); nobody signs off:
    assert tab.queue.approve_button.isEnabled() and "Only a supervisor" in tab.queue.message.text()
    monkeypatch.setattr("billing_desk.ui.office.signoff.ask_signoff", lambda parent, action: None)
    tab.queue.approve()  # the service refuses
    assert "may not approve" in tab.queue.message.text()
    assert Account.get_by_id(account.id).status == "pending"
    with pytest.raises(PermissionDenied):
        registry.approve_account(account.id, clerk)


@pytest.fixture
def billed(make_account, admin, catalogue):
    account = make_account()
    invoice = invoices.quick_invoice(account.id, DAY, [("99213", 1)], admin, entry_date=DAY)
    payments.record_payment(account.id, Decimal("20.00"), admin, received_on=DAY, entry_date=DAY)
    return Account.get_by_id(account.id), invoice


def test_account_page_header_ledger_drill_down_and_printouts(qtbot, tmp_path, admin, billed):
    account, invoice = billed
    printed = []
    tab = make_tab(qtbot, admin, tmp_path, print_pdf=lambda path, doc_name=None: printed.append(path) or 1)
    tab.open_account(account.id)
    view = tab.view
    header = view.header.text()
    assert account.number in header and "ACTIVE" in header and "Patient owes $100.00" in header
    assert "Last payment: $20.00 on 01/05/2026" in header and "120+" in header
    model = view.ledger.model()
    assert model.rowCount() == 2
    assert model.data(model.index(1, 5)) == "$100.00"  # the running balance
    view.ledger.setCurrentIndex(model.index(0, 0))
    qtbot.keyClick(view.ledger, Qt.Key.Key_Return)
    assert f"<b>Invoice:</b> {invoice.number}" in view.detail.text() and "99213" in view.detail.text()
    qtbot.keyClick(view.ledger, Qt.Key.Key_P, CTRL)
    assert len(printed) == 1 and printed[0].read_bytes().startswith(b"%PDF")
    from pypdf import PdfReader

    tab.prompter.path = str(tmp_path / "ledger.pdf")
    view.save_ledger_pdf()
    text = PdfReader(tab.prompter.path).pages[0].extract_text()
    assert "Account ledger" in text and account.number in text and "$100.00" in text
    tab.prompter.path = str(tmp_path / "form.pdf")
    view.save_registration_pdf()
    text = PdfReader(tab.prompter.path).pages[0].extract_text()
    assert "Registration form" in text and "Lee" in text and "Signature" in text


def test_closing_an_account_with_a_balance_says_what_is_owed(qtbot, tmp_path, admin, billed):
    account, _ = billed
    tab = make_tab(qtbot, admin, tmp_path)
    tab.open_account(account.id)
    tab.prompter.text, tab.prompter.answer = "moved away", False
    tab.view.close_account()
    assert "still owes $100.00" in tab.prompter.asked[-1]
    assert Account.get_by_id(account.id).status == "active" and "balance" in tab.view.message.text()
    tab.prompter.answer = True
    tab.view.close_account()
    assert Account.get_by_id(account.id).status == "closed"
    assert "CLOSED" in tab.view.header.text() and not tab.view.buttons["close"].isEnabled()
    tab.prompter.text = "came back"
    tab.view.reactivate()
    assert Account.get_by_id(account.id).status == "active"
    tab.prompter.text = None  # the clerk cancelled the reason box
    tab.view.deactivate()
    assert Account.get_by_id(account.id).status == "active"


def test_cases_on_the_account_page_and_the_open_cases_list(qtbot, tmp_path, admin, make_account):
    account = make_account()
    tab = make_tab(qtbot, admin, tmp_path)
    tab.open_account(account.id)
    panel = tab.view.cases
    panel.subject.setFocus()
    qtbot.keyClicks(panel.subject, "Asks why the statement shows $40")
    qtbot.keyClick(panel.subject, Qt.Key.Key_Return)
    assert focused() is panel.first_note
    qtbot.keyClicks(panel.first_note, "Called back, left message")
    qtbot.keyClick(panel.first_note, Qt.Key.Key_Return)
    case = Case.get()
    assert case.subject.startswith("Asks why") and case.notes.count() == 1
    panel.note_status.setCurrentIndex(1)  # then waiting
    qtbot.keyClicks(panel.note, "Waiting on the EOB")
    qtbot.keyClick(panel.note, Qt.Key.Key_Return)
    assert Case.get().status == "waiting" and "Waiting on the EOB" in panel.notes.text()
    tab.show_open_cases()
    assert tab.open_cases.model.total == 1
    tab.open_cases.activated.emit(tab.open_cases.model.row_object(0))
    assert tab.view.tabs.currentWidget() is panel
    qtbot.keyClick(panel.resolution, Qt.Key.Key_Return)  # empty: refused
    assert "resolved" in panel.message.text()
    qtbot.keyClicks(panel.resolution, "Explained the allowance")
    qtbot.keyClick(panel.resolution, Qt.Key.Key_Return)
    assert Case.get().status == "resolved"
    tab.show_open_cases()
    assert tab.open_cases.model.total == 0


def test_search_box_finds_by_member_id(qtbot, tmp_path, admin, make_account):
    from billing_desk.models import Coverage, Payer, Plan

    account = make_account(last="Zed")
    make_account(last="Other")
    plan = Plan.create(payer=Payer.create(name="P"), name="X")
    Coverage.create(account=account, plan=plan, member_id="MEM778899")
    tab = make_tab(qtbot, admin, tmp_path)
    tab.show_list()
    qtbot.keyClicks(tab.list.search, "MEM778899")
    qtbot.waitUntil(lambda: tab.list.model.total == 1, timeout=2000)
    assert tab.list.model.row_object(0).id == account.id


def test_export_writes_formula_looking_text_as_plain_text(qtbot, tmp_path, admin, make_account):
    from openpyxl import load_workbook

    make_account(last="=HYPERLINK(\"http://x\")", first="@SUM(A1)")
    make_account(last="+1 Lee", first="-Ann")
    tab = make_tab(qtbot, admin, tmp_path)
    tab.prompter.path = str(tmp_path / "registry.xlsx")
    assert tab.export_list() == tab.prompter.path  # written in the background
    qtbot.waitUntil(lambda: "Exported" in tab.notice.text(), timeout=10_000)
    sheet = load_workbook(tab.prompter.path).active
    names = [row[1].value for row in sheet.iter_rows(min_row=2)]
    assert "+1 Lee, -Ann" in names and "=HYPERLINK(\"http://x\"), @SUM(A1)" in names
    for row in sheet.iter_rows(min_row=2):
        assert row[1].data_type == "s" and row[1].quotePrefix
    import zipfile

    xml = zipfile.ZipFile(tab.prompter.path).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml
    assert "Exported 2 account(s)" in tab.notice.text()


def test_the_account_page_models_pass_the_model_tester(qtbot, tmp_path, admin, billed, qtmodeltester):
    account, _ = billed
    tab = make_tab(qtbot, admin, tmp_path)
    tab.open_account(account.id)
    for view in (tab.view.ledger, tab.view.invoices, tab.view.history, tab.list.table):
        qtmodeltester.check(view.model())
