"""The invoice workspace driven with keys, as a clerk would, checking what was stored."""

import datetime as dt
from decimal import Decimal as D

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from billing_desk.models import Account, Coverage, FeeSchedule, Invoice, Payer, Plan
from billing_desk.services.books.ledger import check_ledger
from billing_desk.services.office.session import Session
from billing_desk.ui.books.tab import InvoicesTab
from billing_desk.ui.prompts import ScriptedPrompter

TODAY = dt.date.today()
# The offscreen platform cannot raise windows or let a completer's popup grab the keyboard.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support raise",
                                       "This plugin does not support grabbing the keyboard")


@pytest.fixture
def office(db, clerk, catalogue, make_account):
    """An account with a PPO (copay 20, coinsurance 20 %, deductible met), common codes set."""
    payer = Payer.create(name="Acme Health")
    plan = Plan.create(payer=payer, name="PPO", copay=D("20"), coinsurance=D("20"))
    for code, allowed in (("99213", "100.00"), ("36415", "10.00")):
        FeeSchedule.create(payer=payer, item=catalogue[code], allowed=D(allowed))
    for code in ("99213", "36415"):
        catalogue[code].common, catalogue[code].category = True, "Office"
        catalogue[code].save()
    account = make_account(last="Nguyen", first="Mai")
    Coverage.create(account=account, plan=plan, member_id="AC123")
    return {"account": account, "payer": payer, "session": Session(db, clerk)}


def focused():
    return QApplication.focusWidget()


def type_in(qtbot, text, enter=True):
    for char in text:  # to whatever has the focus (a table opens an editor on the first key)
        qtbot.keyClicks(focused(), char)
    if enter:
        press(qtbot, Qt.Key.Key_Return)


def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(focused(), key, modifier)
    QApplication.processEvents()  # a table's editor commits on Enter through a queued call
    window = focused().window() if focused() else None
    if window is not None and QApplication.activeWindow() is not window:
        # Offscreen, a closed completer popup keeps the activation; a desktop hands it back.
        window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


def ready(qtbot, window, first):
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitActive(window)
    first.setFocus()
    qtbot.waitUntil(lambda: first.hasFocus())


def test_superbill_to_zero_balance_with_keys_only(qtbot, office, tmp_path):
    session, account = office["session"], office["account"]
    superbill = tmp_path / "superbill.pdf"
    tab = InvoicesTab(session, prompter=ScriptedPrompter(False, str(superbill)))  # save, not print
    qtbot.addWidget(tab)
    tab.superbill()
    text = PdfReader(str(superbill)).pages[0].extract_text()
    ticked = [code for code in ("99213", "36415") if code in text]  # the clerk's paper
    assert ticked == ["99213", "36415"]

    form = tab.new_invoice()
    form.prompter = ScriptedPrompter(True)  # "Post this invoice?" -> yes
    ready(qtbot, form, form.account)
    type_in(qtbot, account.number)
    assert focused() is form.service_date
    qtbot.keyClick(focused(), Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    type_in(qtbot, TODAY.strftime("%m/%d/%Y"))
    type_in(qtbot, "")  # the rendering provider (none on file here)
    type_in(qtbot, "11")
    type_in(qtbot, "e11.9, i10")
    assert focused() is form.entry.code
    for code, pointers in zip(ticked, ("A,B", "A")):
        type_in(qtbot, code)  # the price comes from the catalogue
        assert focused() is form.entry.quantity
        for _ in range(3):  # quantity 1, price, no modifiers
            qtbot.keyClick(focused(), Qt.Key.Key_Return)
        type_in(qtbot, pointers)
    qtbot.keyClick(focused(), Qt.Key.Key_Return)  # an empty code: on to the notes
    assert focused() is form.notes
    # Visit: allowed 100, copay 20, coinsurance 20% of 80 = 16, plan 64. Lab: allowed 10 (the
    # 5.00 above it is off), coinsurance 2, plan 8. Insurance 72, patient 20 + 16 + 2 = 38.
    assert "Charges $135.00 · insurance should pay $72.00 · patient pays $38.00" in form.totals.text()
    qtbot.keyClick(focused(), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    invoice = Invoice.get(Invoice.account == account.id)
    assert invoice.status == "posted" and invoice.number and form.status == "posted"
    assert [d.code for d in invoice.diagnoses] == ["E11.9", "I10"]
    assert [(l.code, l.diagnosis_pointers) for l in invoice.lines] == [("99213", "1,2"), ("36415", "1")]
    assert Account.get_by_id(account.id).insurance_balance == D("135.00")

    eob = tab.insurance_payment()
    eob.prompter = ScriptedPrompter(True)
    ready(qtbot, eob, eob.check)
    type_in(qtbot, "CHK-7781")
    type_in(qtbot, "72.00")
    qtbot.keyClick(focused(), Qt.Key.Key_Return)  # received today, as filled in
    type_in(qtbot, str(invoice.number))
    assert focused() is eob.table
    for allowed, paid in (("100.00", "64.00"), ("10.00", "8.00")):
        type_in(qtbot, allowed, enter=False)
        qtbot.keyClick(focused(), Qt.Key.Key_Tab)
        type_in(qtbot, paid)
        if allowed == "100.00":
            assert eob.left.text() == "Left on the check: $8.00"
            for _ in range(3):  # contractual, patient, denial as computed: Enter moves on
                qtbot.keyClick(eob.table, Qt.Key.Key_Return)
            assert (eob.table.currentIndex().row(), eob.table.currentIndex().column()) == (1, 4)
    assert "Left on the check: $0.00 — fully applied" in eob.left.text()
    qtbot.keyClick(focused(), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    fresh = Account.get_by_id(account.id)
    assert (fresh.insurance_balance, fresh.patient_balance) == (0, D("38.00"))

    tab.list.refresh()
    pay = tab.patient_payment()
    ready(qtbot, pay, pay.amount)
    assert pay.account.text().startswith(account.number)
    type_in(qtbot, "38.00")
    qtbot.keyClick(focused(), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    fresh = Account.get_by_id(account.id)
    assert (fresh.patient_balance, fresh.insurance_balance, fresh.unapplied_credit) == (0, 0, 0)
    assert check_ledger() == []
    assert not pay.isVisible()  # posted and closed: nothing to ask


def test_typing_mistakes_are_named_and_nothing_is_saved(qtbot, office):
    tab = InvoicesTab(office["session"], prompter=ScriptedPrompter(False, True))
    qtbot.addWidget(tab)
    form = tab.new_invoice()
    ready(qtbot, form, form.account)
    type_in(qtbot, "nobody-here")
    assert "choose an active account" in form.errors.boxes["account"][1].text()  # at the field
    form.account.setText(office["account"].number)
    form.diagnoses.setText("E11")
    form.entry.code.setFocus()
    qtbot.waitUntil(form.entry.code.hasFocus)
    type_in(qtbot, "BOGUS")
    assert "'BOGUS' is not an active code" in form.lines_error.text()
    form.entry.code.setText("99213")
    form.entry.price.setText("12.3.4")
    form.entry.add()
    assert "Price" in form.lines_error.text() and not form.lines
    form.entry.price.setText("120")
    form.entry.add()
    assert not form.save()
    dx_error = form.errors.boxes["diagnoses"][1].text()
    assert "category, not a billable code" in dx_error and "diagnoses[" not in dx_error
    assert Invoice.select().count() == 0
    form.reject()  # typed work: asks, and "no" keeps the form open
    assert form.isVisible() and form.prompter.asked[0][0] == "confirm"
    form.reject()  # "yes": discarded
    assert not form.isVisible()


def test_a_typed_line_shows_the_services_preview(qtbot, office):
    tab = InvoicesTab(office["session"], prompter=ScriptedPrompter())
    qtbot.addWidget(tab)
    form = tab.new_invoice()
    ready(qtbot, form, form.account)
    type_in(qtbot, office["account"].number)
    form.entry.code.setFocus()
    qtbot.waitUntil(form.entry.code.hasFocus)
    type_in(qtbot, "36415")
    assert focused() is form.entry.quantity
    qtbot.keyClick(focused(), Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    type_in(qtbot, "3")
    qtbot.keyClick(focused(), Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    type_in(qtbot, "33.37")  # over the catalogue's 15.00
    type_in(qtbot, "")  # no modifiers
    type_in(qtbot, "")  # no diagnosis pointers: the line is added
    amount = form.lines_model.index(0, 5).data()
    assert form.lines[0].unit_price == D("33.37") and "100.11" in str(amount)
    # allowed 10.00 a unit = 30.00; copay 20, coinsurance 20 % of 10 = 2; the plan 8.
    assert "Charges $100.11 · insurance should pay $8.00 · patient pays $22.00 · 1 lines" \
        in form.totals.text()


def test_posted_invoice_opens_read_only_and_can_be_credited(qtbot, office, supervisor, monkeypatch):
    from billing_desk.services.books import invoices
    from billing_desk.ui.books.invoice_actions import CreditMemoDialog

    invoice = invoices.quick_invoice(office["account"].id, TODAY, [("PRD-KIT", 1)],
                                     office["session"].user)
    tab = InvoicesTab(office["session"], prompter=ScriptedPrompter())
    qtbot.addWidget(tab)
    form = tab.open_invoice(invoice.id)
    assert form.account.isReadOnly() and not form.entry.isVisible()
    assert not form.save() and "never edited" in form.message.text()
    dialog = CreditMemoDialog(office["session"], invoice.id)
    ready(qtbot, dialog, dialog.table)
    dialog.table.setCurrentIndex(dialog.model.index(0, 6))
    type_in(qtbot, "48.00")
    dialog.apply()
    assert "reason is required" in dialog.said["reason"].text()  # under the reason box
    dialog.reason.setText("returned unopened")
    dialog.apply()
    assert Account.get_by_id(office["account"].id).patient_balance == 0
    form.prompter = ScriptedPrompter("billed in error")
    from billing_desk.ui.books import invoice_actions

    monkeypatch.setattr("billing_desk.ui.office.signoff.ask_signoff", lambda parent, action: None)
    invoice_actions.void(form)  # a clerk may not void (and no supervisor signs off)
    assert "supervisor" in form.message.text()
    assert check_ledger() == []


def test_screens_grab(qtbot, office, tmp_path):
    """Each screen draws (the images are looked at by hand; here they must not be blank)."""
    from test_startup import painted

    tab = InvoicesTab(office["session"], prompter=ScriptedPrompter(True, True, True, True))
    qtbot.addWidget(tab)
    for window in (tab, tab.new_invoice(), tab.insurance_payment(), tab.patient_payment(),
                   tab.catalogue()):
        window.grab().save(str(tmp_path / f"{type(window).__name__}.png"))
        image = window.grab().toImage()
        assert image.width() > 300 and image.height() > 200
        assert painted(image, image.rect()) > 0.03, f"{type(window).__name__} is blank"




def test_invoice_and_explain_go_to_the_printer_or_a_pdf(qtbot, office, tmp_path, monkeypatch):
    from billing_desk.printing import printer
    from billing_desk.services.books import invoices
    from billing_desk.ui.books import invoice_actions

    sent = []
    monkeypatch.setattr(printer, "print_pdf", lambda path, name, doc_name: sent.append(
        (PdfReader(str(path)).pages[0].extract_text(), name)) or 1)
    invoice = invoices.quick_invoice(office["account"].id, TODAY, [("99213", 1)],
                                     office["session"].user, diagnoses=["I10"])
    explained = tmp_path / "explain.pdf"
    tab = InvoicesTab(office["session"], prompter=ScriptedPrompter("Office-Laser", False,
                                                                   str(explained)))
    qtbot.addWidget(tab)
    form = tab.open_invoice(invoice.id)
    invoice_actions.print_invoice(form)
    assert sent[0][1] == "Office-Laser" and "Detach and return" in sent[0][0]
    assert form.message.text() == f"Printed 1 page(s) of invoice-{invoice.number}"
    invoice_actions.explain(form)  # "print it now?" no -> saved where the clerk said
    text = " ".join(PdfReader(str(explained)).pages[0].extract_text().split())
    assert "Your plan allows $100.00" in text and "Your insurance should pay $64.00" in text
