"""Screen details an outside tester saw under Xvfb: every estimate line shows, read-only boxes
look read-only, the payment table fills its box, a posted payment is said, the status bar's
messages are not cut."""

from __future__ import annotations

import pytest
from test_clerk_invoice_keys import new_form
from test_invoice_screens import office, type_in  # noqa: F401

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support raise",
                                       "This plugin does not support grabbing the keyboard")


def three_lines(qtbot, office):
    form = new_form(qtbot, office)
    type_in(qtbot, office["account"].number)
    for text in ("", "", "11", "J06.9"):
        type_in(qtbot, text)
    for code in ("99213", "36415", "80053"):
        type_in(qtbot, code)
        for _ in range(4):
            type_in(qtbot, "")  # quantity, price, modifiers, Dx: the line is added
    assert form.lines_model.rowCount() == 3
    return form


def test_every_estimate_line_shows_with_its_total(qtbot, office):
    form = three_lines(qtbot, office)
    view = form.estimate_view
    qtbot.waitUntil(lambda: view.model().rowCount() == 3)
    view.viewport().update()
    for row in range(3):
        rect = view.visualRect(view.model().index(row, 0))
        assert view.viewport().rect().contains(rect), (row, rect, view.viewport().rect())
    assert view.visibleRegion().boundingRect() == view.rect()  # not hidden under the next box
    box = view.parentWidget()
    assert box.visibleRegion().boundingRect() == box.rect()


def test_a_posted_invoices_boxes_look_read_only(qtbot, office):
    from PySide6.QtGui import QPalette

    from billing_desk.ui import accessibility

    accessibility.install()  # as the application does at start
    form = new_form(qtbot, office)
    base = QPalette.ColorRole.Base
    white = form.account.palette().color(base)
    window = form.palette().color(QPalette.ColorRole.Window)
    assert white != window
    form._set_editable(False)
    for box in (form.account, form.service_date, form.place, form.diagnoses, form.notes):
        assert box.palette().color(base) == window, box.objectName()
    form._set_editable(True)
    assert form.account.palette().color(base) == white


def _payment_from_the_tab(qtbot, db, clerk, catalogue, make_account):
    import datetime as dt

    from billing_desk.services.books import invoices
    from billing_desk.services.office.session import Session
    from billing_desk.ui.books.tab import InvoicesTab
    from billing_desk.ui.prompts import ScriptedPrompter

    account = make_account(last="Allen", first="Andrew")
    for _ in range(3):
        invoices.quick_invoice(account.id, dt.date.today(), [("99213", 1), ("36415", 1)], clerk)
    tab = InvoicesTab(Session(db, clerk), prompter=ScriptedPrompter())
    qtbot.addWidget(tab)
    tab.show()
    tab.refresh()
    tab.list.table.selectRow(0)
    dialog = tab.patient_payment()
    qtbot.waitExposed(dialog)
    return tab, dialog, account


def test_the_payment_table_fills_its_box(qtbot, db, clerk, catalogue, make_account):
    _tab, dialog, _account = _payment_from_the_tab(qtbot, db, clerk, catalogue, make_account)
    dialog.resize(900, 500)
    qtbot.wait(50)
    header = dialog.table.horizontalHeader()
    last = header.logicalIndex(header.count() - 1)
    right = header.sectionViewportPosition(last) + header.sectionSize(last)
    assert right >= dialog.table.viewport().width() - 1  # no empty grey band right of Apply


def test_a_posted_payment_is_said_with_its_amount_and_account(qtbot, db, clerk, catalogue, make_account):
    tab, dialog, account = _payment_from_the_tab(qtbot, db, clerk, catalogue, make_account)
    dialog.amount.setText("205.00")
    dialog.method.setCurrentIndex(dialog.method.findData("check"))
    dialog.reference.setText("4417")
    assert dialog.post()
    said = tab.message.text()
    assert "Payment of $205.00" in said and account.number in said and "Allen" in said, said
    assert "check 4417" in said


def test_a_long_status_message_is_not_cut_mid_word(qtbot, tmp_path, db, clerk):
    from billing_desk.services.office.session import Session
    from billing_desk.ui.main_window import MainWindow

    window = MainWindow(Session(db, clerk))
    qtbot.addWidget(window)
    window.resize(1200, 760)
    window.show()
    qtbot.waitExposed(window)
    window.update_status()  # today's totals take their room on the right
    qtbot.waitUntil(lambda: window.totals_label.x() > 0 and "Today" in window.totals_label.text())
    qtbot.wait(50)
    path = "/home/maria/Documents/Billing Desk/Backups/office-2026-12-04-0815-start.bdbak"
    text = f"Backup made and verified: {path}."
    window.say(text)
    shown = window.statusBar().currentMessage()
    room = min(w.x() for w in (window.db_label, window.user_label, window.totals_label))
    assert window.statusBar().fontMetrics().horizontalAdvance(shown) < room
    assert shown.startswith("Backup made and verified: ")
    assert shown == "Backup made and verified: office-2026-12-04-0815-start.bdbak."  # its name, whole
    assert window.statusBar().toolTip() == text  # the whole text on hover
