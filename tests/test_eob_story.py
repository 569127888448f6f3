"""Issue 17's story: a $161.20 check whose nebulizer line the estimate had put on the patient.
Keyed on the EOB screen with the keys, every cent is accounted for: the patient owes $32.80."""

from __future__ import annotations

import pytest
from claims_fixtures import office  # noqa: F401
from eob_keys import eob_window, focused, key_in
from PySide6.QtCore import Qt
from remit_fixtures import D, acme, billed, lines_of, patient  # noqa: F401

from billing_desk.models import Account, InsurancePayment, PlanRule
from billing_desk.services.books import insurance_money
from billing_desk.services.books.ledger import check_ledger
from billing_desk.services.office.session import Session
from billing_desk.ui.prompts import ScriptedPrompter

LINES = [("99213", 1, "150.00"), ("36415", 1, "30.00"), ("94640", 1, "87.00")]
# code: allowed, paid, contractual, patient (PR 2 coinsurance)
EOB = (("102.00", "81.60", "48.00", "20.40"), ("30.00", "30.00", "0", "0"),
       ("62.00", "49.60", "25.00", "12.40"))


@pytest.fixture
def story(patient, admin, acme):
    account = patient()
    from billing_desk.models import CatalogueItem

    CatalogueItem.create(code="94640", kind="procedure", description="Nebulizer treatment",
                         unit_price=D("87.00"))
    PlanRule.create(plan=acme, item=CatalogueItem.get(code="94640"), rule="not_covered")
    invoice, claim = billed(account, admin, "STORY-1", LINES)
    nebulizer = lines_of(invoice)[2]
    assert (nebulizer.insurance_balance, nebulizer.patient_balance) == (0, D("87.00"))
    return account, invoice


def test_the_nebulizer_check_keyed_by_keys_is_fully_accounted(qtbot, db, admin, story):
    from billing_desk.ui.books.payment_eob import ALLOWED

    account, invoice = story
    prompter = ScriptedPrompter(False, True)
    dialog = eob_window(qtbot, db, admin, prompter)
    dialog.check.setFocus()
    qtbot.waitUntil(dialog.check.hasFocus)
    key_in(qtbot, "CHK-161")
    key_in(qtbot, "161.20")
    qtbot.keyClick(focused(), Qt.Key.Key_Return)  # received today
    key_in(qtbot, str(invoice.number))
    assert focused() is dialog.table and dialog.model.rowCount() == 3  # the nebulizer can be keyed
    for row, values in enumerate(EOB):
        dialog.table.setCurrentIndex(dialog.model.index(row, ALLOWED))
        for value in values:
            key_in(qtbot, value, then=Qt.Key.Key_Return)  # Enter moves along the line
    assert dialog.left.text() == "Left on the check: $0.00 — fully applied"
    qtbot.keyClick(focused(), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    fresh = Account.get_by_id(account.id)
    assert (fresh.insurance_balance, fresh.patient_balance) == (0, D("32.80"))
    check = InsurancePayment.get()
    assert (check.amount, insurance_money.unapplied(check.id)) == (D("161.20"), 0)
    dialog.reject()
    assert prompter.asked == []  # nothing left: nothing to ask
    assert check_ledger() == []


def test_closing_with_money_left_asks_no_by_default_and_holds_it_on_the_payer(qtbot, db, admin, story):
    from billing_desk.ui.books.payment_eob import EobDialog

    account, invoice = story
    prompter = ScriptedPrompter(False, True)
    dialog = EobDialog(Session(db, admin), prompter=prompter)
    qtbot.addWidget(dialog)
    dialog.check.setText("CHK-161")
    dialog.check_total.setText("161.20")
    dialog.invoice_number.setText(str(invoice.number))
    dialog.load_claim()
    for row, values in enumerate(EOB[:2]):  # the nebulizer line left out, as the old screen did
        for column, value in zip(range(4, 8), values):
            dialog._edit(row, column, value)
    assert dialog.post_claim()
    assert dialog.left.text() == "Left on the check: $49.60"
    dialog.reject()  # No: the dialog stays
    assert prompter.no_by_default == [True] and "unapplied insurance money on Acme Health" in (
        prompter.asked[0][1])
    assert dialog.isVisible() or dialog.result() == 0
    dialog.reject()  # Yes: held
    (row,) = insurance_money.unapplied_list()
    assert (row.amount, row.unapplied, row.reason) == (D("161.20"), D("49.60"),
                                                       "left when the EOB was keyed")
    assert check_ledger() == []


def test_the_story_through_the_service(db, admin, story):
    from billing_desk.services.books import eob, remittances

    account, invoice = story
    claim = eob.claim_of(invoice, None)
    keyed = [eob.EobLine(l.id, D(a), D(p), contractual=D(c), patient_responsibility=D(r))
             for l, (a, p, c, r) in zip(lines_of(invoice), EOB)]
    check = insurance_money.receive_check(claim.payer_id, "check", "CHK-161", "161.20", admin)
    remittances.post_remittance(eob.eob_remittance(claim, keyed, reference="CHK-161",
                                                   paid_on=check.received_on), admin, into=check.id)
    fresh = Account.get_by_id(account.id)
    assert (fresh.insurance_balance, fresh.patient_balance) == (0, D("32.80"))
    sums = insurance_money.check_sums(check.id)
    assert (sums.applied, sums.unapplied, sums.accounted) == (D("161.20"), 0, D("161.20"))
    assert check_ledger() == []


def test_import_835_from_the_invoice_tab_previews_then_posts(qtbot, db, admin, patient):
    from remit_fixtures import ERA

    from billing_desk.ui.books.tab import InvoicesTab

    account = patient()
    billed(account, admin, "INV1001-1", [("99213", 1, "100.00")])
    tab = InvoicesTab(Session(db, admin), prompter=ScriptedPrompter(str(ERA / "full_payment.835"),
                                                                     str(ERA / "unbalanced.835")))
    qtbot.addWidget(tab)
    dialog = tab.import_era()
    assert dialog.model.rows[0][1] == "INV1001-1" and dialog.model.rows[0][6].startswith("invoice")
    assert InsurancePayment.select().count() == 0  # the preview posts nothing
    dialog.post()
    qtbot.waitUntil(lambda: "Posted 1 payment" in dialog.message.text(), timeout=10_000)
    assert Account.get_by_id(account.id).insurance_balance == 0
    refused = tab.import_era()
    assert "does not equal" in refused.message.text() and not refused.post_button.isEnabled()


def test_cli_import_era(db, admin, patient, tmp_path, capsys, monkeypatch):
    from remit_fixtures import ERA

    from billing_desk.cli import main

    account = patient()
    billed(account, admin, "INV1001-1", [("99213", 1, "100.00")])
    from billing_desk.models import User
    from billing_desk.services.office import users

    monkeypatch.setenv("BILLING_DESK_SCRYPT_N", "1024")
    carla = users.add_user(admin, "carla", "Carla Clerk", "clerk", "long password", "long password")
    User.update(must_change_password=False).where(User.id == carla.id).execute()
    secret = tmp_path / "pw"
    secret.write_text("long password\n")
    path = str(db.path)
    db.close()
    argv = ["import", "era", str(ERA / "full_payment.835"), "--db", path, "--user", "carla",
            "--password-file", str(secret)]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "claim INV1001-1" in out and "posted 1 payment(s), 1 claim(s)" in out
    assert main(argv) == 1
    assert "already posted" in capsys.readouterr().err
