"""Forms keyed from paper, from outside: what the clerk is told reads as words, not code."""

from __future__ import annotations

import pytest
from claims_fixtures import insured, office  # noqa: F401

from billing_desk.id_patterns import describe


@pytest.mark.parametrize("pattern, said", [
    (r"^[A-Z]{3}\d{9}$", "3 letters then 9 digits, like ABC123456789"),
    (r"\d{9}[A-Z]", "9 digits then 1 letter, like 123456789A"),
    (r"^[A-Z]{2,3}-\d{4,6}$", "2 to 3 letters then '-' then 4 to 6 digits, like AB-1234"),
    (r"^W\d{8}$", "'W' then 8 digits, like W12345678"),
    (r"^[A-Z0-9]{11}$", "11 letters or digits, like A1B2C3D4E5F"),
    (r"^\d+$", "digits, like 1"),
])
def test_a_member_id_pattern_is_told_in_words_with_an_example(pattern, said):
    assert describe(pattern) == said


def test_a_pattern_too_involved_for_words_is_shown_as_the_payer_set_it():
    assert describe(r"^(A|B)\d{3}$") == r"the payer's pattern ^(A|B)\d{3}$"


def test_the_account_form_tells_the_member_id_format_in_words(db, admin):
    from billing_desk.models import Payer, Plan
    from billing_desk.services.accounts.account_checks import AccountForm, validate_account

    payer = Payer.create(name="Blue Prairie Health", member_id_pattern=r"^[A-Z]{3}\d{9}$")
    Plan.create(payer=payer, name="PPO Gold")
    form = AccountForm(last_name="Hassan", first_name="Layla", date_of_birth="04/12/2015",
                       primary_payer="Blue Prairie Health", primary_plan="PPO Gold",
                       primary_member_id="BPH123456")
    _clean, problems = validate_account(form)
    (said,) = [p.message for p in problems if p.field == "primary_member_id"]
    assert said == ("'BPH123456' is not a Blue Prairie Health member id (3 letters then 9 digits, "
                    "like ABC123456789)")


@pytest.mark.parametrize("typed, on_the_form", [
    ("O'Brien-Łukasiewicz", "O'BRIEN-LUKASIEWICZ"), ("Đặng", "DANG"), ("Ørsted", "ORSTED"),
    ("Nguye\u0302\u0303n", "NGUYEN"), ("Straße", "STRASSE"), ("Æbelø", "AEBELO"), ("Œuvre", "OEUVRE"),
])
def test_a_latin_name_keeps_every_letter_on_the_cms1500(typed, on_the_form):
    from billing_desk.printing.cms1500_values import clean

    assert clean(typed) == on_the_form


def test_the_837_spells_such_a_name_in_plain_capitals_too():
    from billing_desk.exchange.x12_segments import Segments

    out = Segments()
    out.where = "Claim 1"
    assert out.text("Łukasiewicz Đặng Ørsted", "patient's last name") == "LUKASIEWICZ DANG ORSTED"


def test_a_name_in_letters_a_claim_cannot_carry_holds_the_claim_naming_the_box(insured, admin):
    from claims_fixtures import only_claim, post

    from billing_desk.models import Account, Claim
    from billing_desk.services.claims.scrubber import scrub

    made = only_claim(post(insured(), admin))
    Account.update(last_name="حسن", first_name="ليلى", street="12 شارع النخيل").where(
        Account.id == made.invoice.account_id).execute()
    said = {p.field: p.message for p in scrub(Claim.get_by_id(made.id))}
    assert set(said) == {"patient.last_name", "patient.first_name", "patient.street"}
    assert "Latin letters" in said["patient.last_name"] and "حسن" in said["patient.last_name"]


@pytest.mark.parametrize("hidden", ["\u202e", "\u202d", "\u2066", "\u2067", "\u2068", "\u2069", "\u202a"])
def test_a_character_that_turns_text_around_is_refused_in_a_name(hidden):
    from billing_desk.services.office.validation import check_text

    problem = check_text(f"Abc{hidden}evil", "last_name")
    assert problem is not None and f"U+{ord(hidden):04X}" in problem.message
