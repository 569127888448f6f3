"""Sending claims from the Claims tab, by keys: the 837P file, paper forms submitted only once the
clerk says they came out right, a PDF copy, the alignment test; the billing identity first."""

from __future__ import annotations

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt

from billing_desk.models import Claim, ClaimBatch, Payer
from tests.claims_out_fixtures import demo_office, office_file  # noqa: F401 (fixtures)

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def tab(qtbot, office_file):
    from billing_desk.services.office.session import open_session
    from billing_desk.ui.claims.tab import ClaimsTab
    from billing_desk.ui.prompts import ScriptedPrompter

    session = open_session(office_file)
    page = ClaimsTab(session, prompter=ScriptedPrompter())
    qtbot.addWidget(page)
    page.show()
    page.refresh()
    page.table.clearSelection()  # no claim chosen: sending takes every ready one of its kind
    page.table.setCurrentIndex(page.model.index(-1, -1))
    page.table.setFocus()
    yield page
    session.close()


def ready(mode: str) -> list[Claim]:
    return list(Claim.select().join(Payer).where(Claim.status == "ready", Payer.claim_mode == mode))


def test_ctrl_shift_e_sends_the_ready_electronic_claims_in_837p_files(tab, qtbot, tmp_path):
    waiting = ready("electronic")
    assert waiting
    tab.prompts.answers = [str(tmp_path / "monday.837")]
    qtbot.keyClick(tab.table, Qt.Key.Key_E, CTRL_SHIFT)
    assert all(Claim.get_by_id(c.id).status == "submitted" for c in waiting)
    files = list(tmp_path.glob("*.837"))
    assert files and all(f.read_text().startswith("ISA*") for f in files)
    assert "Upload the file" in tab.message.text()


def test_paper_claims_are_submitted_only_when_the_clerk_says_the_forms_came_out(tab, qtbot, monkeypatch):
    from billing_desk.reports import claim_forms
    from billing_desk.services.claims import alignment

    printed = []
    monkeypatch.setattr(claim_forms, "print_on_forms",
                        lambda batch, printer, offset, **_k: printed.append((batch, printer, offset)) or 1)
    waiting = ready("paper")
    assert waiting
    tab.prompts.answers = ["PDF", False]  # the printer, then: no, they did not come out right
    qtbot.keyClick(tab.table, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "stay ready" in tab.message.text(), timeout=10_000)
    assert printed[0][1] == "PDF" and printed[0][2] == alignment.printer_offset("PDF")
    assert all(Claim.get_by_id(c.id).status == "ready" for c in waiting)
    tab.prompts.answers = ["PDF", True]
    tab._action("print_paper")()  # the button's work, as Ctrl+P did
    said = ("submitted", "Nothing", "Not printed")
    qtbot.waitUntil(lambda: any(word in tab.message.text() for word in said), timeout=10_000)
    assert "submitted on paper" in tab.message.text(), tab.message.text()
    assert all(Claim.get_by_id(c.id).status == "submitted" for c in waiting)
    batch = ClaimBatch.select().order_by(ClaimBatch.id.desc()).get()
    assert batch.kind == "paper" and batch.printer == "PDF"
    assert tab.prompts.asked[-1][0] == "confirm"


def test_a_pdf_copy_of_the_paper_claims_submits_nothing(tab, qtbot, tmp_path):
    waiting = ready("paper")
    target = tmp_path / "forms.pdf"
    tab.prompts.answers = [str(target)]
    qtbot.keyClick(tab.table, Qt.Key.Key_P, CTRL_SHIFT)
    text = " ".join(page.extract_text() for page in PdfReader(target).pages[:1])
    assert all(c.control_number in text for c in waiting[:3]), text[:600]
    assert all(Claim.get_by_id(c.id).status == "ready" for c in waiting)


def test_the_alignment_test_saves_the_printers_offset(tab, qtbot, monkeypatch):
    from billing_desk.reports import claim_forms
    from billing_desk.services.claims import alignment

    tests = []
    monkeypatch.setattr(claim_forms, "print_alignment_test",
                        lambda printer, offset: tests.append(offset) or 1)
    tab.prompts.answers = ["PDF", "0.05 -0.10"]
    from PySide6.QtWidgets import QPushButton

    [button] = [b for b in tab.findChildren(QPushButton) if b.objectName() == "alignment_test"]
    button.click()
    assert [str(v) for v in alignment.printer_offset("PDF")] == ["0.05", "-0.10"]
    assert tests == [alignment.printer_offset("PDF")] and "0.05 in right" in tab.message.text()


def test_a_refused_claim_stops_the_batch_in_words(tab, qtbot, tmp_path, monkeypatch):
    from billing_desk.errors import Problem, ValidationError
    from billing_desk.services.claims import submission

    def refuse(*_a, **_k):
        raise ValidationError([Problem("claim 200101 lines[1].pointers", "points at no diagnosis")])

    monkeypatch.setattr(submission, "export_837", refuse)
    tab.prompts.answers = [str(tmp_path / "x.837")]
    qtbot.keyClick(tab.table, Qt.Key.Key_E, CTRL_SHIFT)
    assert tab.message.text() == ("Nothing was sent: claim 200101: Line 1, diagnosis pointers: points at "
                                  "no diagnosis.")


def test_one_chosen_claim_asks_whether_it_goes_alone_or_with_all(tab, qtbot, tmp_path):
    waiting = ready("electronic")
    tab.search.setText(waiting[0].control_number)
    tab.refresh()
    tab.prompts.answers = [f"Only claim {waiting[0].control_number}", str(tmp_path / "one.837")]
    qtbot.keyClick(tab.table, Qt.Key.Key_E, CTRL_SHIFT)
    assert tab.prompts.asked[0][0] == "choice"
    assert Claim.get_by_id(waiting[0].id).status == "submitted"
    assert all(Claim.get_by_id(c.id).status == "ready" for c in waiting[1:])


def test_a_refused_alignment_offset_is_quoted_back(tab, qtbot, monkeypatch):
    """Another workstation aligned the same printer while the question was open: the offset is
    refused, and the message quotes the one typed (the question has closed)."""
    from billing_desk.reports import claim_forms
    from billing_desk.services.claims import alignment

    monkeypatch.setattr(claim_forms, "print_alignment_test", lambda printer, offset: 1)
    asked = tab.prompts.ask_text

    def ask_while_another_aligns(title, label, text=""):
        alignment.set_printer_offset("PDF", "0.02", "0.03", tab.session.user,
                                     loaded_as=alignment.offset_version("PDF"))
        return asked(title, label, text)

    monkeypatch.setattr(tab.prompts, "ask_text", ask_while_another_aligns)
    tab.prompts.answers = ["PDF", "0.05 -0.10"]
    from PySide6.QtWidgets import QPushButton

    [button] = [b for b in tab.findChildren(QPushButton) if b.objectName() == "alignment_test"]
    button.click()
    said = tab.message.text()
    assert "was changed on another screen or workstation" in said and "“0.05 -0.10”" in said
    assert [str(v) for v in alignment.printer_offset("PDF")] == ["0.02", "0.03"]
