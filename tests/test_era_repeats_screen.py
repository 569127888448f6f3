"""The command line and the Import 835 window say a check already on the books is not posted again,
and post the rest of the file (services: tests/test_era_repeats.py)."""

from __future__ import annotations

import pytest
from claims_fixtures import office  # noqa: F401
from remit_fixtures import acme, billed, patient  # noqa: F401
from test_era_hostile import _clerk_argv
from test_era_repeats import OTHER, PAID, check, era

from billing_desk.models import InsurancePayment
from billing_desk.services.books import era_import


@pytest.fixture
def one_posted(patient, admin, tmp_path):
    """Check CHK1 posted from an earlier file; a later file repeats it beside a new check CHK2."""
    account = patient()
    billed(account, admin, "INV1001-1", [("99213", 1, "100.00")])
    billed(account, admin, "INV1002-1", [("99212", 1, "50.00")])
    era_import.import_era(era(tmp_path, "000000301", check("CHK1", "80.00", PAID)), admin)
    return era(tmp_path, "000000302", check("CHK1", "80.00", PAID), check("CHK2", "50.00", OTHER))


def test_the_command_line_posts_the_new_check_and_says_the_old_one_is_not_posted_again(
        db, one_posted, tmp_path, capsys, monkeypatch):
    from billing_desk.cli import main

    argv = ["import", "era", str(one_posted), *_clerk_argv(db, monkeypatch, tmp_path)]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "claim INV1001-1 DOE, JANE processed as primary charge $100.00 paid $80.00: ALREADY POSTED " \
           "with CHK1: not posted again" in out
    assert "posted 1 payment(s), 1 claim(s)" in out
    assert "not posted again: Acme Health's payment CHK1 ($80.00, received 01/15/2024) is already on " \
           "the books: this copy is not posted again" in out
    assert main(argv) == 1  # now every check of it is on the books: the file was posted
    assert "is already posted: the same file is never posted twice" in capsys.readouterr().err


@pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing the keyboard)")
def test_the_window_says_the_check_already_posted_and_posts_the_rest(qtbot, db, admin, one_posted,
                                                                     tmp_path):
    from billing_desk.services.office.session import Session
    from billing_desk.ui.books.tab import InvoicesTab
    from billing_desk.ui.prompts import ScriptedPrompter

    tab = InvoicesTab(Session(db, admin), prompter=ScriptedPrompter(str(one_posted)))
    qtbot.addWidget(tab)
    dialog = tab.import_era()
    assert dialog.post_button.isEnabled()
    assert dialog.summary.text() == "2 payment(s), 2 claim(s); 1 already on the books, not posted again"
    assert dialog.model.rows[0][6] == "ALREADY POSTED with CHK1: not posted again"
    assert "is already on the books: this copy is not posted again" in dialog.message.text()
    dialog.resize(1000, 420)
    dialog.grab().save(str(tmp_path / "era_already.png"))
    dialog.post()
    qtbot.waitUntil(lambda: "Posted 1 payment" in dialog.message.text(), timeout=10_000)
    assert "CHK1 ($80.00, received 01/15/2024) is already on the books" in dialog.message.text()
    assert sorted(c.reference for c in InsurancePayment.select()) == ["CHK1", "CHK2"]


def test_the_eob_window_says_a_claim_keyed_again_the_same_is_held_not_posted(qtbot, db, admin, patient,
                                                                           tmp_path):
    from remit_fixtures import D, lines_of

    from billing_desk.services.books import insurance_money
    from billing_desk.services.office.session import Session
    from billing_desk.ui.books.payment_eob import ALLOWED, PAID, EobDialog
    from billing_desk.ui.prompts import ScriptedPrompter

    invoice, _claim = billed(patient(), admin, "INV1001-1", [("99213", 1, "100.00")])
    dialog = EobDialog(Session(db, admin), prompter=ScriptedPrompter(True))
    qtbot.addWidget(dialog)
    dialog.check.setText("CHK-E1")
    dialog.check_total.setText("160.00")
    for _twice in range(2):
        dialog.invoice_number.setText(str(invoice.number))
        dialog.load_claim()
        dialog._edit(0, ALLOWED, "100.00")
        dialog._edit(0, PAID, "80.00")
        assert dialog.post_claim()
    said = dialog.posted_note.text()
    assert said.startswith("Not posted: claim INV1001-1 was already paid the same on Acme Health check "
                           "CHK-E1") and "its $80.00 is held unapplied" in said
    assert dialog.left.text() == "Left on the check: $0.00 — fully applied"
    dialog.resize(940, 460)
    dialog.grab().save(str(tmp_path / "eob_held.png"))
    (line,) = lines_of(invoice)
    assert (line.insurance_balance, line.patient_balance) == (0, D("20.00"))
    (row,) = insurance_money.unapplied_list()
    assert row.unapplied == D("80.00") and "already paid the same" in row.reason
    dialog.reject()
    assert "already paid the same" in insurance_money.unapplied_list()[0].reason
