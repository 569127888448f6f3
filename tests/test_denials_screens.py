"""The follow-up screens (issue 17) on the demo office, by keys: the denial worklist (filter by
code, appeal with a saved letter, move a PR denial to the patient, write off with a sign-off),
the follow-up list, a call typed on a claim from the Claims tab, and a coverage verified from
the account page."""

from __future__ import annotations

from claims_fixtures import insured, office  # noqa: F401  (fixtures)
from demo_fixtures import demo_path, session  # noqa: F401 (fixtures)
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from billing_desk.models import AuditEntry, Claim, Coverage, PayerCall
from billing_desk.ui.prompts import ScriptedPrompter

ALT, CTRL = Qt.KeyboardModifier.AltModifier, Qt.KeyboardModifier.ControlModifier


DEMO = {"accounts": 30, "seed": 5}


class TypingPrompter(ScriptedPrompter):
    """Scripted answers; a dialog it is asked to run is typed into by ``fill(dialog)``."""

    def __init__(self, *answers, fill=None):
        super().__init__(*answers)
        self.fill = fill

    def run(self, dialog):
        self.asked.append(("dialog", dialog.windowTitle()))
        self.fill(dialog)
        return dialog.result() == 1


def shown(qtbot, window):
    """Show a window and make it the active one, so Alt keys and the focus go to it."""
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    return window


def type_call(qtbot, dialog, texts):
    """Type each text into the focused box of the call form, Tab between, then Ctrl+S."""
    for text in texts:
        if text:
            qtbot.keyClicks(QApplication.focusWidget(), text)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    qtbot.keyClick(dialog, Qt.Key.Key_S, CTRL)


def test_the_demo_office_has_denials_calls_and_verifications(session):
    from billing_desk.services.accounts import denial_lists

    rows = denial_lists.worklist()
    assert rows and all(r.codes != "none" for r in rows if r.status == "denied")
    assert any(r.appealed_on for r in rows)
    assert PayerCall.select().where(PayerCall.topic == "verification").count() >= 3
    assert PayerCall.select().where(PayerCall.claim.is_null(False)).count() >= 1
    assert PayerCall.select().where(PayerCall.topic == "prior_auth").count() == 1


def test_the_denial_list_filters_by_code_and_appeals_with_a_letter(session, qtbot, tmp_path):
    from billing_desk.ui.claims.worklists import DenialsWindow

    letter = tmp_path / "appeal.pdf"
    prompts = ScriptedPrompter("The patient's records show the test was needed.", str(letter), False)
    window = DenialsWindow(session, prompter=prompts)
    shown(qtbot, window)
    everything = window.model.total
    assert everything >= 2
    qtbot.keyClick(window, Qt.Key.Key_O, ALT)  # Reason c&ode
    assert QApplication.focusWidget() is window.code
    qtbot.keyClicks(window.code, "CO16")
    qtbot.waitUntil(lambda: 0 < window.model.total < everything, timeout=3000)
    row = window.model.row_object(0)
    assert "CO16" in row.codes
    window.table.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_P, ALT)  # A&ppeal…
    qtbot.waitUntil(lambda: "appealed" in window.message.text(), timeout=3000)
    claim = Claim.get_by_id(row.claim_id)
    assert claim.appealed_on is not None and claim.follow_up_on is not None
    assert letter.read_bytes().startswith(b"%PDF")
    assert AuditEntry.select().where(AuditEntry.action == "appeal").count() >= 2  # the demo's too


def test_a_pr_denial_moves_to_the_patient_and_a_write_off_asks_a_supervisor(session, qtbot):
    from billing_desk.ui.claims.worklists import DenialsWindow

    asked = []
    window = DenialsWindow(session, prompter=ScriptedPrompter(True), ask=lambda p, a: asked.append(a))
    shown(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_O, ALT)
    qtbot.keyClicks(window.code, "PR")
    qtbot.waitUntil(lambda: window.model.total == 1 and "PR" in window.model.row_object(0).codes,
                    timeout=3000)
    row = window.model.row_object(0)
    qtbot.keyClick(window, Qt.Key.Key_M, ALT)  # &Move to the patient…
    qtbot.wait(300)
    assert "moved to the patient" in window.message.text(), (window.message.text(), window.prompts.asked)
    assert Claim.get_by_id(row.claim_id).status == "closed"
    # a clerk's write-off goes to a supervisor; nobody signs off here, so nothing is written off
    from billing_desk.models import User

    session.user = User.get(User.username == "maria")
    qtbot.keyClick(window.code, Qt.Key.Key_A, CTRL)
    qtbot.keyClick(window.code, Qt.Key.Key_Backspace)
    qtbot.waitUntil(lambda: window.model.total >= 2, timeout=3000)
    window.prompts.answers = [True, "not worth an appeal"]
    first = window.model.row_object(0)
    qtbot.keyClick(window, Qt.Key.Key_W, ALT)  # &Write off…
    qtbot.waitUntil(lambda: "may not" in window.message.text(), timeout=3000)
    assert asked == ["write_off"] and Claim.get_by_id(first.claim_id).status != "closed"


def test_a_call_is_typed_on_the_chosen_claim_and_the_follow_up_list_shows_it(session, qtbot):
    from billing_desk.ui.claims.tab import ClaimsTab
    from billing_desk.ui.claims.worklists import FollowUpWindow

    def fill(dialog):
        shown(qtbot, dialog)
        assert QApplication.focusWidget() is dialog.called_on
        # date, who called (kept), rep, reference, topic (kept), code, question, answer, follow-up
        type_call(qtbot, dialog, ["", "", "Dana", "REF-77", "", "", "Where is the claim?",
                                  "Received, in review", "12/31/2099"])

    tab = ClaimsTab(session, prompter=TypingPrompter(fill=fill))
    shown(qtbot, tab)
    tab.status.setCurrentIndex(tab.status.findData("submitted"))
    tab.refresh()
    claim_id = tab.model.row_object(0).claim_id
    tab.table.setFocus()
    qtbot.keyClick(tab.table, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)  # Log a payer call…
    qtbot.waitUntil(lambda: "recorded" in tab.message.text(), timeout=3000)
    call = PayerCall.select().where(PayerCall.claim == claim_id).order_by(PayerCall.id.desc()).get()
    assert (call.representative, call.reference, call.answer) == ("Dana", "REF-77", "Received, in review")
    assert Claim.get_by_id(claim_id).follow_up_on.year == 2099
    window = FollowUpWindow(session, prompter=ScriptedPrompter())
    shown(qtbot, window)
    window.show_which.setCurrentIndex(1)  # every claim waiting
    rows = [window.model.row_object(i) for i in range(window.model.total)]
    mine = next(r for r in rows if r.claim_id == claim_id)
    assert "Dana" in mine.last_call and mine.due_on.year == 2099
    window.show_which.setCurrentIndex(0)
    assert all(window.model.row_object(i).claim_id != claim_id for i in range(window.model.total))


def test_a_coverage_is_verified_from_the_account_page(session, qtbot):
    from billing_desk.ui.accounts.account_coverages import CoveragesPanel

    coverage = Coverage.select().where(Coverage.active == True).order_by(Coverage.id.desc()).first()  # noqa: E712

    def fill(dialog):
        shown(qtbot, dialog)
        type_call(qtbot, dialog, ["", "Lou", "V-55", "Visits after a $25 copay", ""])

    panel = CoveragesPanel(session, TypingPrompter(fill=fill))
    shown(qtbot, panel)
    panel.show_account(coverage.account_id)
    for i in range(panel.table.model().rowCount()):
        if panel.table.model().row_object(i)[0].id == coverage.id:
            panel.table.selectRow(i)
    qtbot.keyClick(panel, Qt.Key.Key_G, ALT)  # Verify covera&ge…
    qtbot.waitUntil(lambda: "Verification recorded" in panel.message.text(), timeout=3000)
    said = [panel.table.model().row_object(i)[1] for i in range(panel.table.model().rowCount())]
    assert any("(ref V-55)" in text for text in said)
    call = PayerCall.select().order_by(PayerCall.id.desc()).get()
    assert (call.coverage_id, call.topic, call.answer) == (coverage.id, "verification",
                                                          "Visits after a $25 copay")


def test_moving_a_pr_denial_asks_secondary_or_patient_and_the_secondary_is_first(insured, admin,
                                                                                 qtbot):
    from types import SimpleNamespace

    from claims_fixtures import only_claim, post

    from billing_desk.services.claims import claim_status
    from billing_desk.ui.claims.worklists import DenialsWindow

    claim = only_claim(post(insured(), admin))
    claim_status.submit([claim.id], "electronic", admin)
    claim_status.mark_denied(claim.id, "PR204 not covered under the plan", admin)
    prompts = ScriptedPrompter("Great Lakes: the secondary insurance (a secondary claim is made)", True)
    window = DenialsWindow(SimpleNamespace(user=admin), prompter=prompts)
    shown(qtbot, window)
    window.table.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_M, ALT)  # &Move to the patient…
    qtbot.waitUntil(lambda: "secondary claim" in window.message.text(), timeout=3000)
    assert "moved to Great Lakes" in window.message.text()
    assert prompts.asked[0][0] == "choice" and "secondary insurance with Great Lakes" in prompts.asked[0][1]
    assert prompts.no_by_default == [True]
    assert Claim.select().where(Claim.rank == "secondary").count() == 1


def test_a_refused_resubmit_keeps_what_was_corrected_and_shows_the_claim_now(session, qtbot):
    """Another workstation changed the denied claim after the list showed it: the resubmission is
    refused, the message quotes what was typed, the list is read again on the same claim, and
    the question asked again opens with the words typed."""
    from billing_desk.services.claims import claim_status
    from billing_desk.ui.claims.worklists import DenialsWindow

    prompts = ScriptedPrompter("Added the missing modifier 25")
    window = shown(qtbot, DenialsWindow(session, prompter=prompts))
    window.table.selectRow(min(2, window.model.rowCount() - 1))
    row = window.model.row_object(window.table.currentIndex().row())
    claim_status.set_payer_claim_number(row.claim_id, "PCN-9", session.user, loaded_as=row.version)
    window.resubmit()
    said = window.message.text()
    assert "was changed on another screen or workstation" in said
    assert "“Added the missing modifier 25”" in said
    now = window.model.row_object(window.table.currentIndex().row())
    assert now.claim_id == row.claim_id and now.version != row.version  # read again, same claim
    prompts.answers.append(None)
    window.resubmit()
    assert prompts.filled[-1] == "Added the missing modifier 25"
