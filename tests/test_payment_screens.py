"""Payment screens: chosen lines and overpayment to credit; an EOB denial moved to the patient;
the catalogue import listing bad rows before anything is saved."""

import datetime as dt
from decimal import Decimal as D

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from billing_desk.models import Account, CatalogueItem, Coverage, Payer, PaymentAllocation, Plan
from billing_desk.services.books import invoices
from billing_desk.services.books.ledger import check_ledger
from billing_desk.services.office.session import Session
from billing_desk.ui.prompts import ScriptedPrompter

pytestmark = [pytest.mark.qt_log_ignore("This plugin does not support raise",
                                        "This plugin does not support grabbing the keyboard"),
              pytest.mark.both_engines]  # the posting screens on the server too (issue 22)
TODAY = dt.date.today()


def shown(qtbot, window):
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


def edit_cell(qtbot, table, row, column, text):
    table.setFocus()
    table.setCurrentIndex(table.model().index(row, column))
    for char in text:
        qtbot.keyClicks(QApplication.focusWidget(), char)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    QApplication.processEvents()


def test_payment_on_a_chosen_line_and_the_rest_kept_as_credit(qtbot, db, clerk, catalogue,
                                                              make_account):
    from billing_desk.ui.books.payment_patient import PatientPaymentDialog

    account = make_account()
    old = invoices.quick_invoice(account.id, TODAY, [("99213", 1)], clerk)
    new = invoices.quick_invoice(account.id, TODAY, [("PRD-KIT", 1)], clerk)
    dialog = shown(qtbot, PatientPaymentDialog(Session(db, clerk), account.id,
                                               prompter=ScriptedPrompter()))
    dialog.amount.setText("60.00")
    kit_row = [r[0] for r in dialog.model.rows].index(new.number)
    edit_cell(qtbot, dialog.table, kit_row, 5, "48.00")
    assert dialog.choose.isChecked()
    assert "applied $48.00 · $12.00 kept as credit" in dialog.summary.text()
    assert dialog.post()
    allocations = [(a.line.invoice_id, a.amount) for a in PaymentAllocation.select()]
    assert allocations == [(new.id, D("48.00"))]
    fresh = Account.get_by_id(account.id)
    assert (fresh.patient_balance, fresh.unapplied_credit) == (D("120.00"), D("12.00"))
    assert old.id  # the older invoice was left alone, as chosen
    invoices.quick_invoice(account.id, TODAY, [("36415", 1)], clerk)  # the next charge
    assert Account.get_by_id(account.id).unapplied_credit == 0
    assert check_ledger() == []


def test_refused_payment_names_the_field(qtbot, db, clerk, catalogue, make_account):
    from billing_desk.ui.books.payment_patient import PatientPaymentDialog

    account = make_account()
    dialog = shown(qtbot, PatientPaymentDialog(Session(db, clerk), account.id,
                                               prompter=ScriptedPrompter(True)))
    dialog.amount.setText("12.345")
    assert not dialog.post() and "more than two decimals" in dialog.errors.boxes["amount"][1].text()
    dialog.amount.setText("10")
    dialog.method.setCurrentIndex(dialog.method.findData("check"))
    assert not dialog.post() and "check number" in dialog.errors.boxes["reference"][1].text()


def test_eob_denial_is_moved_to_the_patient(qtbot, db, clerk, catalogue, make_account):
    from billing_desk.ui.books.payment_eob import EobDialog

    payer = Payer.create(name="Acme")
    account = make_account()
    Coverage.create(account=account, plan=Plan.create(payer=payer, name="PPO"), member_id="A")
    invoice = invoices.quick_invoice(account.id, TODAY, [("99213", 1), ("36415", 1)], clerk)
    dialog = shown(qtbot, EobDialog(Session(db, clerk), prompter=ScriptedPrompter(False, True)))
    dialog.check.setText("5001")  # the check's number: one check, as the bank sees it
    dialog.check_total.setText("90.00")
    dialog.invoice_number.setText(str(invoice.number))
    dialog.load_claim()
    assert dialog.payer.currentText() == "Acme"
    edit_cell(qtbot, dialog.table, 0, 4, "100.00")  # allowed
    edit_cell(qtbot, dialog.table, 0, 5, "100.00")  # paid
    edit_cell(qtbot, dialog.table, 1, 4, "0")  # denied: nothing allowed...
    edit_cell(qtbot, dialog.table, 1, 6, "0")  # ...no allowance: the patient owes it all
    edit_cell(qtbot, dialog.table, 1, 7, "15.00")
    edit_cell(qtbot, dialog.table, 1, 8, "CO-96 not covered")
    assert dialog.left.text() == "Left on the check: -$10.00"
    assert not dialog.post_claim() and "more than is left" in dialog.message.text()
    dialog.check_total.setText("100.00")
    assert dialog.post_claim() and "fully applied" in dialog.left.text()
    fresh = Account.get_by_id(account.id)
    assert (fresh.insurance_balance, fresh.patient_balance) == (0, D("15.00"))
    dialog.close()
    assert check_ledger() == []


def test_catalogue_import_lists_bad_rows_then_skips_them_on_request(qtbot, db, admin, tmp_path):
    from billing_desk.ui.books.catalogue_dialog import CatalogueDialog

    path = tmp_path / "codes.csv"
    path.write_text("code,description,unit_price\nA1,Visit,50\nB2,,5\nC3,Cast,x\n")
    dialog = shown(qtbot, CatalogueDialog(Session(db, admin),
                                          prompter=ScriptedPrompter(str(path), False, str(path), True)))
    dialog.import_file()  # checked and imported in the background
    qtbot.waitUntil(lambda: "Nothing imported" in dialog.message.text(), timeout=10_000)
    assert CatalogueItem.select().count() == 0
    assert [r[0] for r in dialog.problems.rows] == [3, 4] and dialog.problems_view.isVisible()
    dialog.import_file()
    qtbot.waitUntil(lambda: "1 codes added" in dialog.message.text(), timeout=10_000)
    assert [i.code for i in CatalogueItem.select()] == ["A1"]
    dialog.new_item()
    dialog.fields["code"].setText("D4")
    dialog.fields["description"].setText("Dressing")
    dialog.fields["unit_price"].setText("7.5")
    assert dialog.save() and CatalogueItem.get(code="D4").unit_price == D("7.50")


def test_catalogue_export_is_written_in_the_background(qtbot, db, admin, catalogue, tmp_path):
    from openpyxl import load_workbook

    from billing_desk.ui.books.catalogue_dialog import CatalogueDialog

    path = tmp_path / "catalogue.xlsx"
    dialog = shown(qtbot, CatalogueDialog(Session(db, admin), prompter=ScriptedPrompter(str(path))))
    assert dialog.export() is not None
    qtbot.waitUntil(lambda: "Exported" in dialog.message.text(), timeout=10_000)
    codes = [row[0] for row in load_workbook(path).worksheets[0].iter_rows(min_row=2, values_only=True)]
    assert "99213" in codes
