"""Issue 17: the appeal letter's template is an office setting (Settings, tab Claims): its
placeholders documented and checked, a sane default, a preview of the letter it makes, and the
appeal letter uses it."""

from __future__ import annotations

import io
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from claims_fixtures import insured, office, only_claim, post  # noqa: F401
from pypdf import PdfReader

from billing_desk.errors import ValidationError
from billing_desk.printing import letters
from billing_desk.services.claims import claim_status, denials
from billing_desk.services.office.settings import (
    APPEAL_PLACEHOLDERS,
    SETTINGS,
    get_setting,
    parse_setting,
    save_settings,
)

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
KEY = "appeal_letter_template"


def pdf_text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def denied_claim(insured, admin):
    claim = only_claim(post(insured(), admin))
    claim_status.submit([claim.id], "electronic", admin)
    claim_status.mark_denied(claim.id, "CO50 not deemed a medical necessity", admin)
    return claim


def test_the_default_template_names_only_known_placeholders_and_each_is_documented():
    default = SETTINGS[KEY].default
    used = set(re.findall(r"{(\w+)}", default))
    assert used <= set(APPEAL_PLACEHOLDERS) and {"claim", "argument", "denial_reason"} <= used
    assert parse_setting(KEY, default) == default
    for name, meaning in APPEAL_PLACEHOLDERS.items():
        assert f"`{{{name}}}`" in README, name
        assert meaning
    assert "Appeal letter" in README and KEY in README


@pytest.mark.parametrize("text, words", [
    ("Dear {payer}, please pay {amount_due}.", "{amount_due} is not a placeholder"),
    ("Claim {claim", "a { without its }"),
    ("Claim {claim.__class__}", "{claim.__class__} is not a placeholder"),
    ("Claim {0}", "{0} is not a placeholder"),
])
def test_a_bad_template_is_refused_naming_what_is_wrong(text, words):
    with pytest.raises(ValidationError) as caught:
        parse_setting(KEY, text)
    assert caught.value.problems[0].field == KEY and words in str(caught.value)


def test_an_empty_template_is_the_default_and_braces_are_written_twice(db):
    assert parse_setting(KEY, "   ") == SETTINGS[KEY].default
    assert parse_setting(KEY, "Code {{literal}} for {claim}") == "Code {{literal}} for {claim}"


def test_every_placeholder_has_a_value_in_the_appeal(insured, admin):
    claim = denied_claim(insured, admin)
    assert set(denials.appeal_values(claim, "why")) == set(APPEAL_PLACEHOLDERS)


def test_the_appeal_letter_uses_the_offices_template(insured, admin):
    claim = denied_claim(insured, admin)
    save_settings({KEY: "We at {office_name} dispute the denial of claim {claim} ({denial_reason}).\n\n"
                        "{argument}\n\nMember {member_id}; billed {billed}."}, admin)
    letter = denials.appeal(claim.id, "The notes show it was needed.", admin)
    text = pdf_text(letters.render([letter]))
    assert f"dispute the denial of claim {claim.control_number}" in text
    assert "The notes show it was needed." in text and "ABC123456" in text
    assert "We ask that you reconsider it" not in text  # the default's words are gone


def test_the_preview_fills_the_template_with_a_claims_facts_or_a_sample(db, admin, insured):
    sample = denials.appeal_preview("Sample for {patient}: claim {claim}.")
    assert any("claim 200123" in p for p in sample["paragraphs"])  # no denial yet: the sample
    with pytest.raises(ValidationError, match="{oops} is not a placeholder"):
        denials.appeal_preview("{oops}")
    claim = denied_claim(insured, admin)
    real = denials.appeal_preview("For {patient}: claim {claim}.")
    assert any(f"claim {claim.control_number}" in p for p in real["paragraphs"])


def test_the_settings_dialog_edits_and_previews_the_template(qtbot, db, admin):
    from billing_desk.ui.office.settings_dialog import SettingsDialog
    from billing_desk.ui.prompts import ScriptedPrompter

    prompts = ScriptedPrompter(True)
    dialog = SettingsDialog(SimpleNamespace(user=admin), prompter=prompts)
    qtbot.addWidget(dialog)
    titles = [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
    assert "Claims" in titles
    editor = dialog.editors[KEY]
    assert editor.toPlainText() == SETTINGS[KEY].default
    editor.setPlainText("Please pay claim {claim} for {patient}; {bogus}.")
    dialog.preview_buttons[KEY].click()
    assert "{bogus} is not a placeholder" in dialog.errors[KEY].text() and prompts.asked == []
    editor.setPlainText("Please pay claim {claim} for {patient}.")
    dialog.preview_buttons[KEY].click()
    assert prompts.asked and prompts.asked[0][0] == "dialog" and "Appeal letter" in prompts.asked[0][1]
    assert "Please pay claim 200123" in pdf_text(Path(dialog.preview_pdf).read_bytes())
    assert dialog.save() is True
    assert get_setting(KEY) == "Please pay claim {claim} for {patient}."
