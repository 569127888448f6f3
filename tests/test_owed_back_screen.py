"""The clerk sees a secondary's money owed back (after the primary's reversal) in the unapplied
insurance money window, and refunds it from there with the keys."""

from __future__ import annotations

from types import SimpleNamespace

from claims_fixtures import office  # noqa: F401
from PySide6.QtCore import Qt
from remit_fixtures import D, acme, patient  # noqa: F401
from test_money_screens import Answers, shown
from test_owed_back import _clean, reversed_after_secondary_paid  # noqa: F401

from billing_desk.models import InsuranceMoney
from billing_desk.services.books import insurance_money


def test_money_owed_back_shows_as_owed_back_and_is_refunded(reversed_after_secondary_paid, admin, qtbot):
    from billing_desk.ui.claims.money_lists import UNAPPLIED_COLUMNS, UnappliedWindow

    prompts = Answers()
    window = shown(qtbot, UnappliedWindow(SimpleNamespace(user=admin), prompter=prompts))
    assert window.model.total == 1
    state = [c.title for c in UNAPPLIED_COLUMNS].index("State")
    assert window.model.index(0, state).data() == "owed back"
    assert "$15.00 owed back to the payers" in window.count.text()
    prompts.answers = ["15.00", "owed back: claim voided", "R-9", True]
    qtbot.keyClick(window, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)  # &Refund to the payer…
    qtbot.waitUntil(lambda: "refunded to the payer" in window.message.text(), timeout=3000)
    assert window.model.total == 0 and insurance_money.unapplied_list() == []
    assert InsuranceMoney.get(InsuranceMoney.kind == "refunded").reference == "R-9"
    _clean()


def test_a_secondarys_eob_keyed_in_the_eob_window_is_taken_back_after_the_primarys_reversal(
        qtbot, db, admin, patient, office):
    """The clerk keys Great Lakes' paper EOB: the window answers Great Lakes' claim on the invoice
    (not the primary's), and when Acme later reverses, Great Lakes' $15.00 comes off the invoice
    and is held on its check as owed back."""
    from remit_fixtures import acme_check, billed, lines_of
    from test_owed_back import _owed, _sent

    from billing_desk.models import Claim, InsurancePayment, Payment
    from billing_desk.services.books import remittances
    from billing_desk.services.office.session import Session
    from billing_desk.ui.books.payment_eob import ALLOWED, PAID, EobDialog
    from billing_desk.ui.prompts import ScriptedPrompter

    lakes = office["lakes"].payer
    account = patient(secondary=office["lakes"])
    invoice, claim = billed(account, admin, "INV5003-1", [("99213", 1, "120.00")])
    remittances.post_remittance(acme_check("INV5003-1", "80.00", "20.00", "20.00"), admin)
    secondary = _sent(Claim.get(Claim.primary_claim == claim.id))
    dialog = shown(qtbot, EobDialog(Session(db, admin), prompter=ScriptedPrompter(True)))
    dialog.payer.setCurrentIndex(dialog.payer.findText("Great Lakes"))
    dialog.check.setText("GL-9")
    dialog.check_total.setText("15.00")
    dialog.invoice_number.setText(str(invoice.number))
    dialog.load_claim()
    assert dialog.claim.id == secondary.id and dialog.payer.currentText() == "Great Lakes"
    assert f"claim {secondary.control_number} to Great Lakes (secondary)" in dialog.claim_label.text()
    dialog._edit(0, ALLOWED, "20.00")
    dialog._edit(0, PAID, "15.00")
    assert dialog.post_claim(), dialog.message.text()
    check = InsurancePayment.get(InsurancePayment.reference == "GL-9")
    assert check.payer_id == lakes.id
    (part,) = Payment.select().where(Payment.insurance_payment == check.id)
    assert (part.payer_id, part.amount, part.note) == (lakes.id, D("15.00"),
                                                       f"claim {secondary.control_number}")
    done = remittances.post_remittance(acme_check("INV5003-1", "80.00", "20.00", "20.00", status="22",
                                                reference="CHK-R2"), admin)
    assert any("Great Lakes had paid $15.00" in note for note in done.notes)
    (line,) = lines_of(invoice)
    assert (line.insurance_balance, line.patient_balance, _owed(line, lakes.id)) == (D("120.00"), 0, 0)
    (row,) = insurance_money.unapplied_list()
    assert (row.reference, row.unapplied, row.state) == ("GL-9", D("15.00"), "owed back")
    _clean()


def test_the_eob_window_refuses_a_payer_with_no_claim_on_the_invoice(qtbot, db, admin, patient, office):
    from remit_fixtures import billed

    from billing_desk.services.office.session import Session
    from billing_desk.ui.books.payment_eob import EobDialog
    from billing_desk.ui.prompts import ScriptedPrompter

    invoice, _claim = billed(patient(), admin, "INV5004-1", [("99213", 1, "120.00")])
    dialog = shown(qtbot, EobDialog(Session(db, admin), prompter=ScriptedPrompter(True)))
    dialog.payer.setCurrentIndex(dialog.payer.findText("Great Lakes"))
    dialog.invoice_number.setText(str(invoice.number))
    dialog.load_claim()
    assert dialog.claim is None and dialog.model.rowCount() == 0
    assert f"Invoice {invoice.number} has no claim to Great Lakes" in dialog.errors.boxes["invoice"][1].text()
    assert dialog.payer.currentText() == "Great Lakes"


def test_the_eob_window_will_not_post_a_claim_for_another_payer_than_the_one_shown(
        qtbot, db, admin, patient, office, tmp_path):
    """Loaded with no payer chosen, the window takes the invoice's payer and shows it; a payer
    chosen after loading is not silently posted to the loaded claim."""
    from remit_fixtures import billed

    from billing_desk.models import InsurancePayment
    from billing_desk.services.office.session import Session
    from billing_desk.ui.books.payment_eob import ALLOWED, PAID, EobDialog
    from billing_desk.ui.prompts import ScriptedPrompter

    invoice, claim = billed(patient(secondary=office["lakes"]), admin, "INV5005-1", [("99213", 1, "120.00")])
    dialog = shown(qtbot, EobDialog(Session(db, admin), prompter=ScriptedPrompter(True)))
    assert dialog.payer.currentText() == "(the invoice's payer)"
    dialog.check.setText("CHK-77")
    dialog.check_total.setText("80.00")
    dialog.invoice_number.setText(str(invoice.number))
    dialog.load_claim()
    assert dialog.claim.id == claim.id and dialog.payer.currentText() == "Acme Health"
    assert "claim INV5005-1 to Acme Health (primary)" in dialog.claim_label.text()
    dialog.resize(1000, 480)
    dialog.grab().save(str(tmp_path / "eob_claim.png"))
    dialog._edit(0, ALLOWED, "100.00")
    dialog._edit(0, PAID, "80.00")
    dialog.payer.setCurrentIndex(dialog.payer.findText("Great Lakes"))
    assert not dialog.post_claim()
    assert "the claim loaded is Acme Health's: choose Acme Health" in dialog.errors.boxes["payer"][1].text()
    assert InsurancePayment.select().count() == 0
