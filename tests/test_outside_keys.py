"""Typed as an outside tester types: keys a clerk might press that the guide does not name."""

import pytest
from PySide6.QtCore import Qt
from test_clerk_invoice_keys import new_form
from test_invoice_screens import office, press, type_in  # noqa: F401

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support raise",
                                       "This plugin does not support grabbing the keyboard")


def test_tab_out_of_a_whole_code_fills_its_price_as_enter_does(qtbot, office):
    form = new_form(qtbot, office)
    type_in(qtbot, office["account"].number)
    for text in ("", "", "11", "J06.9"):
        type_in(qtbot, text)
    assert form.entry.code.hasFocus()
    type_in(qtbot, "99213", enter=False)
    press(qtbot, Qt.Key.Key_Tab)
    if not form.entry.quantity.hasFocus():  # a list was open: Tab closed it, Tab again moves on
        press(qtbot, Qt.Key.Key_Tab)
    assert form.entry.quantity.hasFocus()
    assert form.entry.price.text() != "" and form.entry.description.text() != ""
