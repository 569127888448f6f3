"""The registration form typed exactly as a clerk types a paper form: keys only, no mouse."""

from types import SimpleNamespace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from billing_desk.models import Account, Batch, Coverage, Payer, Plan

# The offscreen platform cannot raise or grab for the completer popups; real screens can.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing the keyboard)")

ENTER, TAB = Qt.Key.Key_Return, Qt.Key.Key_Tab
CTRL = Qt.KeyboardModifier.ControlModifier


class FakePrompter:
    def __init__(self):
        self.asked, self.answer, self.text = [], True, "moved away"

    def confirm(self, title, text, *, default_no=False):
        self.asked.append(text)
        return self.answer

    def ask_text(self, title, label, text=""):
        self.asked.append(label)
        return self.text

    def choose_save_file(self, title, suggested, filter_text):
        return self.path

    def choose_open_file(self, title, filter_text, start=""):
        return self.path


@pytest.fixture
def payers(db):
    lakes = Payer.create(name="Great Lakes Mutual", member_id_pattern=r"BPH\d{9}")
    Plan.create(payer=lakes, name="Choice 1000")
    Plan.create(payer=lakes, name="Basic")


@pytest.fixture
def tab(qtbot, db, clerk, tmp_path):
    from billing_desk.ui.accounts.tab import AccountsTab

    prompter = FakePrompter()
    widget = AccountsTab(SimpleNamespace(user=clerk, path=tmp_path / "office.sqlite"), prompter=prompter)
    qtbot.addWidget(widget)
    widget.resize(1200, 800)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is widget, timeout=2000)
    return widget


def focused():
    return QApplication.activePopupWidget() or QApplication.focusWidget()


def type_form(qtbot, entries):
    """Each entry is typed into whatever has the focus, then Enter (as on the paper: field by field)."""
    for text in entries:
        if text:
            qtbot.keyClicks(focused(), text)
        qtbot.keyClick(focused(), ENTER)


def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(focused(), key, modifier)


PATIENT = [
    "",                         # patient or customer: patient (already)
    "Smith", "Ann", "", "", "01/02/1980", "",  # no middle name, no suffix; sex: U (unknown) as it stands
    "1 Main St", "", "Springfield", "IL", "62701",
    "217-555-0101", "", "ann@example.com", "",  # preferred contact: phone (already)
    "p",                        # guarantor relationship: parent
    "Smith", "Bo", "", "", "", "217-555-0199", "", "", "", "", "", "",
    "Great Lakes Mutual", "Basic", "BPH123456789", "G-7", "", "", "01/01/2025", "",
    "",                         # Medicare ESRD period from: none (not Medicare)
]


def test_a_clerk_types_a_paper_form_and_it_is_stored(tab, qtbot, payers):
    press(qtbot, Qt.Key.Key_N, CTRL)
    assert focused() is tab.form.fields["kind"]
    type_form(qtbot, PATIENT)
    assert focused() is tab.form.fields["secondary_payer"]
    press(qtbot, Qt.Key.Key_S, CTRL)
    account = Account.get()
    assert ((account.last_name, account.first_name, str(account.date_of_birth))
            == ("Smith", "Ann", "1980-01-02"))
    assert (account.street, account.city, account.state, account.zip_code) == ("1 Main St", "Springfield",
                                                                              "IL", "62701")
    assert account.phone == "(217) 555-0101" and account.email == "ann@example.com"
    assert account.status == "pending"
    assert (account.guarantor.first_name, account.guarantor.relationship) == ("Bo", "parent")
    coverage = Coverage.get()
    assert (coverage.plan.name, coverage.member_id, coverage.group_number) == ("Basic", "BPH123456789", "G-7")
    # The next form is ready, cursor in its first field.
    assert "Saved account" in tab.notice.text()
    assert focused() is tab.form.fields["kind"] and tab.form.fields["last_name"].text() == ""


def test_an_unknown_payer_is_added_with_f4_and_the_form_is_kept(tab, qtbot, payers):
    press(qtbot, Qt.Key.Key_N, CTRL)
    typed = PATIENT[:-9] + ["Blue Harbor", "PPO", "BH123456", "G-7"]
    type_form(qtbot, typed)
    press(qtbot, Qt.Key.Key_S, CTRL)
    assert Account.select().count() == 0
    assert "no payer named 'Blue Harbor'" in tab.form.errors["primary_payer"].text()
    assert "F4 adds it" in tab.form.errors["primary_payer"].text()
    assert tab.form.add_payer_buttons["primary"].isVisibleTo(tab.form)
    before = tab.form.form_data()
    press(qtbot, Qt.Key.Key_F4)
    dialog = tab.form.payer_dialog
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=2000)
    assert dialog.fields["name"].text() == "Blue Harbor" and focused() is dialog.fields["payer_id"]
    qtbot.keyClicks(focused(), "BH001")
    press(qtbot, Qt.Key.Key_S, CTRL)
    press(qtbot, Qt.Key.Key_L, Qt.KeyboardModifier.AltModifier)  # P&lan name
    qtbot.keyClicks(focused(), "PPO")
    press(qtbot, Qt.Key.Key_V, Qt.KeyboardModifier.AltModifier)  # Sa&ve plan
    qtbot.waitUntil(lambda: Plan.select().where(Plan.name == "PPO").exists(), timeout=2000)
    press(qtbot, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=2000)
    assert tab.form.isVisible() and tab.form.form_data() == before  # nothing typed was lost
    assert not tab.form.errors["primary_payer"].isVisibleTo(tab.form)
    assert not tab.form.add_payer_buttons["primary"].isVisibleTo(tab.form)
    tab.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is tab, timeout=2000)
    press(qtbot, Qt.Key.Key_S, CTRL)
    coverage = Coverage.get()
    assert (coverage.plan.payer.name, coverage.plan.name, coverage.member_id) == (
        "Blue Harbor", "PPO", "BH123456")


def test_bad_input_shows_each_message_at_its_field_and_stores_nothing(tab, qtbot, payers):
    press(qtbot, Qt.Key.Key_N, CTRL)
    type_form(qtbot, ["", "Smith", "", "", "", "02/30/1980", "", "1 Main", "", "Springfield", "ZZ", "123",
                      "12", "", "ann@", "", "",  # relationship self: the guarantor's boxes are skipped
                      "Great Lakes Mutual", "Basic", "X1"])
    press(qtbot, Qt.Key.Key_S, CTRL)
    assert Account.select().count() == 0
    shown = {name: label.text() for name, label in tab.form.errors.items() if label.isVisibleTo(tab.form)}
    assert set(shown) == {"first_name", "date_of_birth", "state", "zip_code", "phone", "email",
                          "primary_member_id"}
    assert "not a date that exists" in shown["date_of_birth"]
    assert "not a Great Lakes Mutual member id" in shown["primary_member_id"]
    assert "7 things to fix" in tab.form.message.text()
    assert focused() is tab.form.fields["first_name"]  # the cursor goes to the first problem
    # Ctrl+S after each fix takes the cursor to the next field still wrong.
    for name, text in (("first_name", "Ann"), ("date_of_birth", "02/03/1980"), ("state", "IL"),
                       ("zip_code", "62701"), ("phone", "2175550101"), ("email", "ann@example.com"),
                       ("primary_member_id", "BPH123456789")):
        assert focused() is tab.form.fields[name]
        press(qtbot, Qt.Key.Key_A, CTRL)
        qtbot.keyClicks(focused(), text)
        press(qtbot, Qt.Key.Key_S, CTRL)
    assert Account.select().count() == 1, tab.form.message.text()
    assert not any(label.isVisibleTo(tab.form) for label in tab.form.errors.values())


def test_a_customer_form_hides_insurance_and_birth_date(tab, qtbot):
    press(qtbot, Qt.Key.Key_N, CTRL)
    press(qtbot, Qt.Key.Key_C)  # customer
    assert not tab.form.groups["Primary insurance"].isVisible()
    assert not tab.form.fields["date_of_birth"].isVisible()
    type_form(qtbot, ["", "Acme Roofing", "Lee", "Dana", "", "", "9 Elm", "", "Springfield", "IL",
                      "62701", "217-555-0300"])
    press(qtbot, Qt.Key.Key_S, CTRL)
    account = Account.get()
    assert account.kind == "customer" and account.organization == "Acme Roofing"
    assert account.display_name == "Acme Roofing (Lee, Dana)"


def test_a_duplicate_is_shown_before_saving_with_the_existing_account_one_key_away(tab, qtbot, make_account):
    existing = make_account(last="Smith", first="Ann")  # born 01/02/1980
    press(qtbot, Qt.Key.Key_N, CTRL)
    type_form(qtbot, ["", "Smith", "Ann", "", "", "01/02/1980"])
    press(qtbot, Qt.Key.Key_S, CTRL)
    assert Account.select().count() == 1
    assert tab.form.duplicate_box.isVisible() and existing.number in tab.form.duplicate_box.text()
    press(qtbot, Qt.Key.Key_F2)
    assert tab.stack.currentWidget() is tab.view and tab.view.account.id == existing.id


def test_saving_anyway_after_the_duplicate_warning_keeps_the_review(tab, qtbot, make_account):
    existing = make_account(last="Smith", first="Ann")
    press(qtbot, Qt.Key.Key_N, CTRL)
    type_form(qtbot, ["", "Smith", "Ann", "", "", "01/02/1980"])
    press(qtbot, Qt.Key.Key_S, CTRL)
    press(qtbot, Qt.Key.Key_S, CTRL)
    new = Account.select().order_by(Account.id.desc()).get()
    assert new.id != existing.id and new.duplicates_reviewed == existing.number


def test_escape_asks_before_throwing_typed_work_away(tab, qtbot):
    press(qtbot, Qt.Key.Key_N, CTRL)
    type_form(qtbot, ["", "Smith"])
    tab.prompter.answer = False
    press(qtbot, Qt.Key.Key_Escape)
    assert tab.stack.currentWidget() is tab.form and tab.form.fields["last_name"].text() == "Smith"
    assert "not been saved" in tab.prompter.asked[-1]
    tab.prompter.answer = True
    press(qtbot, Qt.Key.Key_Escape)
    assert tab.stack.currentWidget() is tab.list
    asked = len(tab.prompter.asked)
    press(qtbot, Qt.Key.Key_N, CTRL)
    press(qtbot, Qt.Key.Key_Escape)  # nothing typed: no question
    assert len(tab.prompter.asked) == asked and tab.stack.currentWidget() is tab.list


def test_batch_count_is_shown_and_a_mismatch_flagged(tab, qtbot):
    tab.stack_count.setValue(2)
    tab.toggle_batch()
    assert Batch.get().expected_count == 2 and focused() is tab.form.fields["kind"]
    type_form(qtbot, ["", "Lee", "Ann", "", "", "01/02/1980"])
    press(qtbot, Qt.Key.Key_S, CTRL)
    assert tab.batch_label.text() == "Batch: 1 of 2 entered"
    tab.toggle_batch()
    assert "1 entered of 2" in tab.batch_label.text() and "b00020" in tab.batch_label.styleSheet()
    assert Account.get().batch == Batch.get().id


def test_changing_an_account_from_its_page(tab, qtbot, make_account):
    account = make_account()
    tab.open_account(account.id)
    press(qtbot, Qt.Key.Key_E, CTRL)
    assert tab.stack.currentWidget() is tab.form and focused() is tab.form.fields["last_name"]
    tab.form.fields["city"].setFocus()
    qtbot.keyClicks(focused(), "Salem")
    press(qtbot, Qt.Key.Key_S, CTRL)
    assert Account.get_by_id(account.id).city == "Salem"
    assert tab.stack.currentWidget() is tab.view
    history = tab.view.history.model()
    assert "city: (blank) → Salem" in history.data(history.index(0, 3))
