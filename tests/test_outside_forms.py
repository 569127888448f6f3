"""Forms keyed from paper, from outside: what the clerk is told reads as words, not code."""

from __future__ import annotations

import pytest

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
