"""Issue 19, typed on the invoice form: dates, messages at their fields, categories, Enter."""

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from test_invoice_screens import office, press, ready, type_in  # noqa: F401

from billing_desk.models import Invoice
from billing_desk.ui.books.tab import InvoicesTab
from billing_desk.ui.prompts import ScriptedPrompter

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support raise",
                                       "This plugin does not support grabbing the keyboard")
CTRL = Qt.KeyboardModifier.ControlModifier


def new_form(qtbot, office):
    tab = InvoicesTab(office["session"], prompter=ScriptedPrompter())
    qtbot.addWidget(tab)
    form = tab.new_invoice()
    ready(qtbot, form, form.account)
    return form


def said_at(form, key):
    label = form.errors.boxes[key][1]
    return label.text() if label.isVisibleTo(form) else ""


def test_a_date_of_service_a_year_ahead_is_refused_at_the_field(qtbot, office):
    form = new_form(qtbot, office)
    type_in(qtbot, office["account"].number)
    assert form.service_date.hasFocus()
    ahead = dt.date.today() + dt.timedelta(days=365)
    type_in(qtbot, ahead.strftime("%m/%d/%Y"))  # Enter leaves the box: said at once
    assert "future" in said_at(form, "service_date")
    for text in ("", "11", "J06.9"):
        type_in(qtbot, text)
    type_in(qtbot, "99213")
    type_in(qtbot, "")  # quantity 1
    for _ in range(3):
        type_in(qtbot, "")  # price, modifiers, Dx: the line is added
    assert len(form.lines) == 1
    press(qtbot, Qt.Key.Key_S, CTRL)
    assert Invoice.select().count() == 0
    assert "future" in said_at(form, "service_date") and form.service_date.hasFocus()
    assert "service_date" not in form.message.text()
    press(qtbot, Qt.Key.Key_A, CTRL)
    type_in(qtbot, dt.date.today().strftime("%m/%d/%Y"), enter=False)
    press(qtbot, Qt.Key.Key_S, CTRL)
    assert Invoice.select().count() == 1 and said_at(form, "service_date") == ""


def test_a_date_that_does_not_exist_is_refused_when_the_field_is_left(qtbot, office):
    form = new_form(qtbot, office)
    type_in(qtbot, office["account"].number)
    press(qtbot, Qt.Key.Key_A, CTRL)
    type_in(qtbot, "02/30/2026", enter=False)
    press(qtbot, Qt.Key.Key_Tab)
    assert "not a date that exists" in said_at(form, "service_date")
    assert form.claim.rendering.hasFocus()  # said, and the clerk goes on


def test_enter_on_the_code_list_chooses_the_highlighted_code_and_moves_on(qtbot, office):
    from PySide6.QtWidgets import QApplication

    form = new_form(qtbot, office)
    type_in(qtbot, office["account"].number)
    for text in ("", "", "11", "J06.9"):
        type_in(qtbot, text)
    assert form.entry.code.hasFocus()
    qtbot.keyClicks(form.entry.code, "blood")
    popup = form.entry.code.completer().popup()
    qtbot.waitUntil(popup.isVisible, timeout=2000)
    qtbot.keyClick(QApplication.activePopupWidget(), Qt.Key.Key_Down)
    press(qtbot, Qt.Key.Key_Return) if QApplication.activePopupWidget() is None else \
        qtbot.keyClick(QApplication.activePopupWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(form.entry.quantity.hasFocus, timeout=2000)
    assert form.entry.code.text() == "36415" and form.entry.price.text() == "15.00"


class DrivingPrompter(ScriptedPrompter):
    """Shows a dialog and hands it to ``drive`` (keys), instead of running it modally."""

    def __init__(self, qtbot, drive):
        super().__init__()
        self.qtbot, self.drive = qtbot, drive

    def run(self, dialog):
        dialog.show()
        self.drive(dialog)
        return dialog.result() == dialog.DialogCode.Accepted


def test_a_category_lists_the_billable_codes_below_it_to_pick_from(qtbot, office):
    form = new_form(qtbot, office)
    seen = {}

    def drive(dialog):
        seen["listed"] = [dialog.results.item(i).text() for i in range(dialog.results.count())]
        qtbot.keyClick(dialog.search, Qt.Key.Key_Down)
        qtbot.keyClick(dialog.search, Qt.Key.Key_Return)

    form.prompter = DrivingPrompter(qtbot, drive)
    type_in(qtbot, office["account"].number)
    for text in ("", "", "11"):
        type_in(qtbot, text)
    type_in(qtbot, "I10, J06", enter=False)
    press(qtbot, Qt.Key.Key_Return)
    assert "J06.0" in form.dx_info.text() and "J06.9" in form.dx_info.text()  # named, to pick from
    form.diagnoses.setFocus()
    press(qtbot, Qt.Key.Key_L, CTRL)
    assert [line.split()[0] for line in seen["listed"]] == ["J06.0", "J06.9"]
    assert form.diagnoses.text() == "I10, J06.9"  # in the category's place: still letter B
    assert "B. J06.9" in form.dx_info.text()
