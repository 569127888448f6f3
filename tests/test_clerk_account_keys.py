"""Issue 19, typed on the registration form: what keying real paper forms found (keys only)."""

import pytest
from PySide6.QtCore import Qt
from test_accounts_form import CTRL, PATIENT, focused, payers, press, tab, type_form  # noqa: F401

from billing_desk.models import Account

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing the keyboard)")


def test_a_phone_without_its_area_code_is_refused_at_the_phone_field(tab, qtbot, payers):
    press(qtbot, Qt.Key.Key_N, CTRL)
    typed = list(PATIENT)
    typed[9] = "555-0100"  # the patient's phone, as written on the form: no area code
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
    type_form(qtbot, PATIENT[:21])  # up to the primary insurance company
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
    type_form(qtbot, PATIENT[:21])
    qtbot.keyClicks(focused(), "lakes")
    popup = tab.form.fields["primary_payer"].completer().popup()
    qtbot.waitUntil(popup.isVisible, timeout=2000)
    press(qtbot, Qt.Key.Key_Down)  # focused() is the open list
    press(qtbot, Qt.Key.Key_Return)
    assert tab.form.fields["primary_payer"].text() == "Great Lakes Mutual"
    assert not popup.isVisible() and QApplication.focusWidget() is tab.form.fields["primary_plan"]
