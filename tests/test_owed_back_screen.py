"""The clerk sees a secondary's money owed back (after the primary's reversal) in the unapplied
insurance money window, and refunds it from there with the keys."""

from __future__ import annotations

from types import SimpleNamespace

from claims_fixtures import office  # noqa: F401
from PySide6.QtCore import Qt
from remit_fixtures import acme, patient  # noqa: F401
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
