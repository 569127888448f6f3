"""Issue 19, typed on the registration form: what keying real paper forms found (keys only)."""

import pytest
from PySide6.QtCore import Qt
from test_accounts_form import CTRL, PATIENT, focused, payers, press, tab, type_form  # noqa: F401

from billing_desk.models import Account

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing the keyboard)")


def test_a_phone_without_its_area_code_is_refused_at_the_phone_field(tab, qtbot, payers):
    press(qtbot, Qt.Key.Key_N, CTRL)
    typed = list(PATIENT)
    typed[PATIENT.index("217-555-0101")] = "555-0100"  # as written on the form: no area code
    type_form(qtbot, typed)
    press(qtbot, Qt.Key.Key_S, CTRL)
    assert Account.select().count() == 0
    assert tab.form.errors["phone"].isVisibleTo(tab.form)
    assert "area code" in tab.form.errors["phone"].text()
    assert focused() is tab.form.fields["phone"]
    press(qtbot, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(focused(), "217-555-0100")
    press(qtbot, Qt.Key.Key_S, CTRL)
    assert Account.get().phone == "(217) 555-0100"


def test_escape_on_an_open_completer_list_only_closes_the_list(tab, qtbot, payers):
    from PySide6.QtWidgets import QApplication

    press(qtbot, Qt.Key.Key_N, CTRL)
    type_form(qtbot, PATIENT[:PATIENT.index("Great Lakes Mutual")])  # up to the primary insurance company
    assert focused() is tab.form.fields["primary_payer"]
    qtbot.keyClicks(focused(), "Gre")
    popup = tab.form.fields["primary_payer"].completer().popup()
    qtbot.waitUntil(popup.isVisible, timeout=2000)
    asked = len(tab.prompter.asked)
    press(qtbot, Qt.Key.Key_Escape)
    assert not popup.isVisible()
    assert len(tab.prompter.asked) == asked  # no "Discard this form?"
    assert tab.stack.currentWidget() is tab.form and tab.form.fields["primary_payer"].text() == "Gre"
    assert QApplication.focusWidget() is tab.form.fields["primary_payer"]


def test_enter_on_the_payer_list_chooses_the_highlighted_payer_and_moves_on(tab, qtbot, payers):
    from PySide6.QtWidgets import QApplication

    press(qtbot, Qt.Key.Key_N, CTRL)
    type_form(qtbot, PATIENT[:PATIENT.index("Great Lakes Mutual")])
    qtbot.keyClicks(focused(), "lakes")
    popup = tab.form.fields["primary_payer"].completer().popup()
    qtbot.waitUntil(popup.isVisible, timeout=2000)
    press(qtbot, Qt.Key.Key_Down)  # focused() is the open list
    press(qtbot, Qt.Key.Key_Return)
    assert tab.form.fields["primary_payer"].text() == "Great Lakes Mutual"
    assert not popup.isVisible() and QApplication.focusWidget() is tab.form.fields["primary_plan"]


def test_full_names_and_the_guarantors_own_details_are_typed_and_kept(tab, qtbot, payers):
    import datetime as dt

    press(qtbot, Qt.Key.Key_N, CTRL)
    type_form(qtbot, ["", "Smith", "Ann", "Marie", "Jr", "01/02/1980", "",  # sex: as it stands
                      "1 Main St", "Apt 4B", "Springfield", "IL", "62701",
                      "217-555-0101", "", "", "",
                      "p", "Smith", "Bo", "Lee", "Sr", "03/04/1950", "217-555-0199", "Bo@Example.com",
                      "", "", "", "", ""])  # street blank: same as the patient, apartment too
    assert focused() is tab.form.fields["primary_payer"]
    press(qtbot, Qt.Key.Key_S, CTRL)
    account = Account.get()
    assert (account.first_name, account.middle_name, account.suffix) == ("Ann", "Marie", "Jr")
    guarantor = account.guarantor
    assert (guarantor.middle_name, guarantor.suffix) == ("Lee", "Sr")
    assert (guarantor.street, guarantor.street2, guarantor.city) == ("1 Main St", "Apt 4B", "Springfield")
    assert guarantor.date_of_birth == dt.date(1950, 3, 4) and guarantor.email == "bo@example.com"
    from billing_desk.services.accounts import registry

    form = registry.form_from_account(account)  # the change form shows them again
    assert (form.middle_name, form.guarantor_street2, form.guarantor_date_of_birth,
            form.guarantor_email) == ("Marie", "Apt 4B", "03/04/1950", "bo@example.com")


def test_when_the_patient_pays_enter_skips_the_guarantors_boxes(tab, qtbot):
    press(qtbot, Qt.Key.Key_N, CTRL)
    type_form(qtbot, ["", "Smith", "Ann", "", "", "01/02/1980", "", "", "", "", "", "", "", "", "", ""])
    assert focused() is tab.form.fields["guarantor_relationship"]
    press(qtbot, Qt.Key.Key_Return)  # self
    assert focused() is tab.form.fields["primary_payer"]
    assert not tab.form.fields["guarantor_last_name"].isEnabled()


def test_a_drop_down_with_the_focus_is_framed(tab, qtbot):
    press(qtbot, Qt.Key.Key_N, CTRL)
    combo = tab.form.fields["kind"]
    assert focused() is combo
    framed = combo.grab().toImage()
    press(qtbot, Qt.Key.Key_Return)  # on to the last name
    assert focused() is not combo
    assert combo.grab().toImage() != framed


def test_after_a_save_the_next_form_starts_at_its_top(tab, qtbot, payers):
    tab.resize(1200, 600)
    press(qtbot, Qt.Key.Key_N, CTRL)
    type_form(qtbot, PATIENT)  # the cursor ends low on the form: it has scrolled
    assert tab.form.scroll.verticalScrollBar().value() > 0
    press(qtbot, Qt.Key.Key_S, CTRL)
    assert Account.select().count() == 1
    assert tab.form.scroll.verticalScrollBar().value() == 0 and focused() is tab.form.fields["kind"]


def test_ctrl_a_after_ctrl_s_with_a_list_open_selects_the_field_to_fix(tab, qtbot, payers):
    press(qtbot, Qt.Key.Key_N, CTRL)
    type_form(qtbot, ["", "Smith", "", "", "", "01/02/1980"])  # no first name
    tab.form.fields["primary_payer"].setFocus()
    qtbot.keyClicks(focused(), "Gre")
    popup = tab.form.fields["primary_payer"].completer().popup()
    qtbot.waitUntil(popup.isVisible, timeout=2000)
    press(qtbot, Qt.Key.Key_S, CTRL)  # the list is open: Ctrl+S still saves, and goes to the problem
    assert not popup.isVisible() and focused() is tab.form.fields["first_name"]
    qtbot.keyClicks(focused(), "Ann")
    press(qtbot, Qt.Key.Key_A, CTRL)
    assert tab.form.fields["first_name"].selectedText() == "Ann"


def test_a_birth_date_that_does_not_exist_is_said_when_the_field_is_left(tab, qtbot):
    press(qtbot, Qt.Key.Key_N, CTRL)
    type_form(qtbot, ["", "Smith", "Ann", "", "", "02/30/1980"])  # Enter leaves the box
    said = tab.form.errors["date_of_birth"]
    assert said.isVisibleTo(tab.form) and "not a date that exists" in said.text()
    assert focused() is tab.form.fields["sex"] and Account.select().count() == 0  # the next box
