"""A paper EOB from the secondary payer, keyed by keys: the check is the secondary's, posted to its
claim. The screen once put the invoice's primary payer over the payer the clerk chose, and posted
the secondary's check as the primary's money, held unapplied on the wrong payer."""

from __future__ import annotations

import pytest
from claims_fixtures import office  # noqa: F401
from eob_keys import eob_window, focused, key_in
from PySide6.QtCore import Qt
from remit_fixtures import ERA, D, acme, billed, lines_of, patient  # noqa: F401

from billing_desk.models import InsurancePayment
from billing_desk.services.books import era_import, insurance_money
from billing_desk.services.books.ledger import check_ledger
from billing_desk.ui.prompts import ScriptedPrompter

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support raise",
                                       "This plugin does not support grabbing the keyboard")


@pytest.fixture
def secondary_owes(patient, admin, office):
    """Acme (primary) paid; Great Lakes (secondary) owes 64.00 and 10.00 on the two lines."""
    account = patient(member="MEM456", last="Roe", first="Richard", secondary=office["lakes"])
    invoice, _claim = billed(account, admin, "INV1002-1", [("99214", 1, "150.00"), ("36415", 2, "25.00")])
    era_import.import_era(ERA / "partial_payment.835", admin)
    assert [l.insurance_balance for l in lines_of(invoice)] == [D("64.00"), D("10.00")]
    return invoice


@pytest.mark.parametrize("chosen", [True, False], ids=["payer chosen", "payer left as it was"])
def test_the_secondarys_paper_eob_posts_to_the_secondary(qtbot, db, admin, secondary_owes, chosen):
    from billing_desk.ui.books.payment_eob import ALLOWED, PAID

    invoice = secondary_owes
    dialog = eob_window(qtbot, db, admin, ScriptedPrompter(False, True))
    if chosen:
        dialog.payer.setFocus()
        qtbot.waitUntil(dialog.payer.hasFocus)
        key_in(qtbot, "G", then=Qt.Key.Key_Tab)  # Great Lakes, as on the check
        assert dialog.payer.currentText() == "Great Lakes"
    dialog.check.setFocus()
    qtbot.waitUntil(dialog.check.hasFocus)
    key_in(qtbot, "GL-501")
    key_in(qtbot, "74.00")
    qtbot.keyClick(focused(), Qt.Key.Key_Return)  # received today
    key_in(qtbot, str(invoice.number))
    assert dialog.payer.currentText() == "Great Lakes"
    assert dialog.claim.rank == "secondary" and dialog.claim.payer.name == "Great Lakes"
    for row, paid in enumerate(("64.00", "10.00")):
        dialog.table.setCurrentIndex(dialog.model.index(row, PAID))
        key_in(qtbot, paid)
    assert dialog.model.index(0, ALLOWED).data() == "$64.00"
    qtbot.keyClick(focused(), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    check = InsurancePayment.get(InsurancePayment.reference == "GL-501")
    assert (check.payer.name, check.amount, insurance_money.unapplied(check.id)) == (
        "Great Lakes", D("74.00"), 0)
    assert [l.insurance_balance for l in lines_of(invoice)] == [0, 0]
    assert check_ledger() == []


def test_a_claim_paid_more_than_its_lines_owe_says_what_is_held(qtbot, db, admin, secondary_owes):
    from billing_desk.ui.books.payment_eob import ALLOWED, PAID

    invoice = secondary_owes
    dialog = eob_window(qtbot, db, admin, ScriptedPrompter(False, True))
    dialog.check.setFocus()
    qtbot.waitUntil(dialog.check.hasFocus)
    for text in ("GL-502", "80.00", ""):
        key_in(qtbot, text)
    key_in(qtbot, str(invoice.number))
    dialog.table.setCurrentIndex(dialog.model.index(0, ALLOWED))
    for value in ("70.00", "70.00"):  # allowed and paid: the first line owed 64.00
        key_in(qtbot, value)
    dialog.table.setCurrentIndex(dialog.model.index(1, PAID))
    key_in(qtbot, "10.00")
    qtbot.keyClick(focused(), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    said = dialog.posted_note.text()
    assert said, dialog.message.text()
    assert "$80.00 paid by Great Lakes" in said and "$6.00 of it is held unapplied on Great Lakes" in said
