"""ICD-10-CM look-up and checks, catalogue search, and the diagnosis look-up window."""

import pytest
from PySide6.QtCore import Qt

from billing_desk.services.books import codes

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support raise")


def test_only_billable_codes_are_accepted():
    assert codes.check_diagnosis("e119") == ("E11.9", None)
    norm, problem = codes.check_diagnosis("E11")
    assert norm == "E11" and "category, not a billable code" in problem.message
    assert "not an ICD-10-CM code" in codes.check_diagnosis("Q99.99X")[1].message
    assert codes.describe_diagnosis("I10") == "Essential (primary) hypertension"


def test_search_by_code_or_by_words_lists_only_billable_codes():
    by_code = codes.search_diagnoses("E11.6", limit=50)
    assert by_code and all(code.startswith("E11.6") for code, _ in by_code)
    assert "E11.6" not in [code for code, _ in by_code]  # a category
    by_words = codes.search_diagnoses("type 2 diabetes ketoacidosis")
    assert by_words and all("ketoacidosis" in d.lower() for _, d in by_words)
    assert all(codes.check_diagnosis(code)[1] is None for code, _ in by_words)
    assert codes.search_diagnoses("   ") == []


def test_catalogue_search_and_common_codes(db, catalogue):
    assert [i.code for i in codes.search_items("blood")] == ["36415"]
    assert [i.code for i in codes.search_items("99")] == ["99213"]
    catalogue["36415"].active = False
    catalogue["36415"].save()
    assert codes.search_items("blood") == []
    catalogue["80053"].common = True
    catalogue["80053"].save()
    assert [i.code for i in codes.common_items()] == ["80053"]


def test_lookup_window_takes_the_highlighted_code(qtbot, db):
    from billing_desk.ui.books.invoice_actions import DiagnosisLookup

    dialog = DiagnosisLookup()
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    dialog.search.setFocus()
    qtbot.keyClicks(dialog.search, "essential hypertension")
    assert dialog.results.count() >= 1
    qtbot.keyClick(dialog.search, Qt.Key.Key_Return)
    assert dialog.chosen == "I10" and dialog.result() == 1
