"""Issue 17's screens for insurers' money off the claims, on the demo office, by keys: the
unmatched claim payments (match one to our claim), the unapplied insurance money (apply it to a
claim line, refund it asking first with No the default, say why it is held), and the CARC/RARC
descriptions the office edits. Each opens from the Claims tab (or the Tools menu) by its key."""

from __future__ import annotations

from demo_fixtures import demo_path, session  # noqa: F401 (fixtures)
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from billing_desk.models import (
    Account,
    AuditEntry,
    Claim,
    ClaimLine,
    InsuranceMoney,
    InvoiceLine,
    RemitCode,
    UnmatchedClaim,
)
from billing_desk.services.books import insurance_money, remittances
from billing_desk.services.books.ledger import check_ledger
from billing_desk.ui.prompts import ScriptedPrompter

ALT, CTRL, SHIFT = (Qt.KeyboardModifier.AltModifier, Qt.KeyboardModifier.ControlModifier,
                    Qt.KeyboardModifier.ShiftModifier)


DEMO = {"accounts": 30, "seed": 11}


class Answers(ScriptedPrompter):
    """Scripted answers; a choice is answered by the first option containing its answer's text."""

    def ask_choice(self, title, label, options, current=0):
        wanted = self._next("choice", title, label)
        return next((o for o in options if wanted is not None and wanted in o), None)


def shown(qtbot, window):
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    return window


def opened_from_claims_tab(qtbot, session, prompts, key, kind):
    from billing_desk.ui.claims.tab import ClaimsTab

    tab = shown(qtbot, ClaimsTab(session, prompter=prompts))
    tab.refresh()
    tab.table.setFocus()
    qtbot.keyClick(tab.table, key, CTRL | SHIFT)
    qtbot.waitUntil(lambda: any(isinstance(w, kind) for w in tab.findChildren(kind)), timeout=3000)
    window = tab.findChildren(kind)[0]
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    return window


def a_claim_owing(payer_id):
    """The payer's open claim with the line it owes most on: (claim, its invoice line)."""
    line = (InvoiceLine.select().join(ClaimLine).join(Claim)
            .where(Claim.payer == payer_id, Claim.status.in_(("submitted", "accepted")))
            .order_by(InvoiceLine.insurance_balance.desc()).first())
    claim = (Claim.select().join(ClaimLine)
             .where(ClaimLine.line == line.id, Claim.payer == payer_id,
                    Claim.status.in_(("submitted", "accepted"))).get())
    return claim, line


def test_an_unmatched_payment_is_matched_to_our_claim_from_the_claims_tab(session, qtbot):
    from billing_desk.ui.claims.money_lists import UnmatchedWindow

    (item,) = UnmatchedClaim.select()
    check = item.insurance_payment
    claim, _line = a_claim_owing(check.payer_id)
    assert remittances.likely_claims(item.id) == []
    # the payer's patient is ours under the same last name: the list offers that claim first
    Account.update(last_name="Stranger").where(Account.id == claim.invoice.account_id).execute()
    likely = {c.claim_number: c.why for c in remittances.likely_claims(item.id)}
    assert likely[claim.control_number] == "same last name"
    prompts = Answers(f"{claim.control_number}:", True)
    window = opened_from_claims_tab(qtbot, session, prompts, Qt.Key.Key_U, UnmatchedWindow)
    assert window.model.total == 1 and window.count.text() == "1 claim payment"
    row = window.model.row_object(0)
    assert (row.claim_number, row.paid, row.payer) == ("OTHER-4411", item.paid, check.payer.name)
    held = insurance_money.unapplied(check.id)
    qtbot.keyClick(window, Qt.Key.Key_M, ALT)  # &Match to a claim…
    qtbot.waitUntil(lambda: "matched to claim" in window.message.text(), timeout=3000)
    assert f"claim {claim.control_number}" in window.message.text()
    assert prompts.no_by_default == [True]  # posting money is asked first, No the default
    assert UnmatchedClaim.get_by_id(item.id).matched_claim_id == claim.id
    assert window.model.total == 0
    # its one line (99213) is not on that claim: posted, its money stays held, said so
    assert "more than its lines owed, held unapplied" in window.message.text()
    assert insurance_money.unapplied(check.id) == held
    assert f"claim {claim.control_number} paid" in insurance_money.unapplied_list()[0].reason
    assert check_ledger() == []


def test_unapplied_money_is_applied_refunded_and_its_reason_changed(session, qtbot):
    from billing_desk.ui.claims.money_lists import UnappliedWindow

    (check_row,) = insurance_money.unapplied_list()
    claim, line = a_claim_owing(UnmatchedClaim.get().insurance_payment.payer_id)
    assert line.insurance_balance > 10
    prompts = Answers(claim.control_number, line.code, "10.00")
    window = opened_from_claims_tab(qtbot, session, prompts, Qt.Key.Key_M, UnappliedWindow)
    assert window.model.total == 1 and "$61.50 held" in window.count.text()
    qtbot.keyClick(window, Qt.Key.Key_A, ALT)  # &Apply to a claim line…
    qtbot.waitUntil(lambda: "applied to claim" in window.message.text(), timeout=3000)
    assert "$51.50 still held" in window.message.text()
    assert insurance_money.unapplied(check_row.check_id) == 51.50
    # a refund is asked first, No the default: a No leaves the money where it is
    prompts.answers = ["5.00", "overpaid, the payer asked", "R-100", False]
    qtbot.keyClick(window, Qt.Key.Key_R, ALT)  # &Refund to the payer…
    qtbot.wait(200)
    assert insurance_money.unapplied(check_row.check_id) == 51.50
    assert prompts.no_by_default[-1] is True
    prompts.answers = ["5.00", "overpaid, the payer asked", "R-100", True]
    qtbot.keyClick(window, Qt.Key.Key_R, ALT)
    qtbot.waitUntil(lambda: "refunded to the payer" in window.message.text(), timeout=3000)
    assert insurance_money.unapplied(check_row.check_id) == 46.50
    refund = InsuranceMoney.get(InsuranceMoney.kind == "refunded")
    assert (refund.reference, refund.reason) == ("R-100", "overpaid, the payer asked")
    prompts.answers = ["waiting for the payer's corrected EOB"]
    qtbot.keyClick(window, Qt.Key.Key_W, ALT)  # &Why held…
    qtbot.waitUntil(lambda: "held because" in window.message.text(), timeout=3000)
    assert window.model.row_object(0).reason == "waiting for the payer's corrected EOB"
    assert AuditEntry.select().where(AuditEntry.action.in_(("apply_unapplied", "refund"))).count() >= 2
    assert check_ledger() == []


def test_too_much_is_refused_in_words_and_nothing_moves(session, qtbot):
    from billing_desk.ui.claims.money_lists import UnappliedWindow

    (check_row,) = insurance_money.unapplied_list()
    claim, line = a_claim_owing(UnmatchedClaim.get().insurance_payment.payer_id)
    window = shown(qtbot, UnappliedWindow(session, prompter=Answers(claim.control_number, line.code,
                                                                    "9999.00")))
    qtbot.keyClick(window, Qt.Key.Key_A, ALT)
    qtbot.waitUntil(lambda: "cannot be applied" in window.message.text(), timeout=3000)
    assert insurance_money.unapplied(check_row.check_id) == check_row.unapplied
    window.prompts.answers = ["NO-SUCH"]
    qtbot.keyClick(window, Qt.Key.Key_A, ALT)
    qtbot.waitUntil(lambda: "'NO-SUCH' is not one of our claim numbers" in window.message.text(),
                    timeout=3000)


def test_the_office_words_the_reason_codes_its_own_way(session, qtbot):
    from billing_desk.ui.claims.remit_codes_dialog import RemitCodesDialog

    prompts = Answers("Over our contracted fee")
    dialog = shown(qtbot, RemitCodesDialog(session, prompter=prompts))
    everything = dialog.model.total
    assert everything >= 30 and QApplication.focusWidget() is dialog.search
    qtbot.keyClicks(dialog.search, "45")
    qtbot.waitUntil(lambda: dialog.model.total == 1, timeout=3000)
    qtbot.keyClick(dialog.search, Qt.Key.Key_Return)  # into the list
    assert QApplication.focusWidget() is dialog.table
    qtbot.keyClick(dialog.table, Qt.Key.Key_Return)  # Enter: change its description
    qtbot.waitUntil(lambda: "Over our contracted fee" in dialog.message.text(), timeout=3000)
    assert RemitCode.get(kind="CARC", code="45").description == "Over our contracted fee"
    prompts.answers = ["RARC", "n999", "Our own remark"]
    qtbot.keyClick(dialog, Qt.Key.Key_A, ALT)  # &Add a code…
    qtbot.waitUntil(lambda: "RARC N999" in dialog.message.text(), timeout=3000)
    assert RemitCode.get(kind="RARC", code="N999").description == "Our own remark"
    assert AuditEntry.select().where(AuditEntry.table == "remit_code").count() == 2
    dialog.search.clear()
    qtbot.keyClick(dialog, Qt.Key.Key_K, ALT)  # &Kind
    assert QApplication.focusWidget() is dialog.kind


def test_the_main_window_opens_the_codes_with_ctrl_shift_k(session, qtbot):
    from billing_desk.ui.claims.remit_codes_dialog import RemitCodesDialog
    from billing_desk.ui.main_window import MainWindow

    window = shown(qtbot, MainWindow(session, prompter=ScriptedPrompter()))
    qtbot.keyClick(window, Qt.Key.Key_K, CTRL | SHIFT)
    qtbot.waitUntil(lambda: bool(window.findChildren(RemitCodesDialog)), timeout=3000)
    window.findChildren(RemitCodesDialog)[0].close()
