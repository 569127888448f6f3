"""Medicare second during the ESRD 30-month coordination period (837P SBR05 13): the date the
period began is kept on the Medicare coverage, set on the account form, imported, checked by the
scrubber, and the claim says 13 while the period runs on the date of service."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from claim_samples import interchange
from claims_fixtures import DAY, insured, office, only_claim, pay_primary, post  # noqa: F401
from test_x12_837 import find, pyx12_errors

from billing_desk.errors import ValidationError
from billing_desk.exchange.x12_837 import write_837p
from billing_desk.models import Account, Coverage, Payer
from billing_desk.services.accounts import registry
from billing_desk.services.claims.forms import claim_form
from billing_desk.services.claims.payer_order import esrd_period_end

pytestmark = pytest.mark.both_engines


def medicare_second(office, insured, esrd_from, born=dt.date(1980, 1, 2)):
    """Blue Prairie (a group health plan) first, Great Lakes as Medicare second; the primary paid."""
    Payer.update(program="medicare").where(Payer.id == office["lakes"].payer_id).execute()
    account = insured()
    Account.update(date_of_birth=born).where(Account.id == account.id).execute()
    Coverage.update(esrd_started_on=esrd_from).where(Coverage.account == account.id,
                                                      Coverage.rank == "secondary").execute()
    return account


def secondary_of(account, admin):
    invoice = post(account, admin)
    pay_primary(invoice, admin)
    return only_claim(invoice, "secondary")


def test_the_period_ends_thirty_months_after_it_began():
    assert esrd_period_end(dt.date(2024, 3, 1)) == dt.date(2026, 9, 1)
    assert esrd_period_end(dt.date(2023, 8, 31)) == dt.date(2026, 2, 28)


def test_medicare_second_during_the_esrd_period_says_13_and_validates(office, insured, admin):
    account = medicare_second(office, insured, DAY - dt.timedelta(days=400))
    form = claim_form(secondary_of(account, admin).id)
    assert form.insurance_type_code == "13"
    text = write_837p(interchange(dataclasses.replace(form, control_number="ESRD1")))
    assert pyx12_errors(text) == []
    assert find(text, "SBR")[0][5] == "13"


@pytest.mark.parametrize("esrd_from, reason", [
    (None, "43"),  # no ESRD period: under 65, disabled
    (DAY + dt.timedelta(days=3), "43"),  # the period begins after the date of service
])
def test_outside_the_period_the_reason_is_as_before(office, insured, admin, esrd_from, reason):
    account = medicare_second(office, insured, esrd_from)
    assert claim_form(secondary_of(account, admin).id).insurance_type_code == reason


def test_the_scrubber_holds_medicare_second_once_the_period_is_over(office, insured, admin):
    from billing_desk.services.claims.scrubber import in_words, scrub

    account = medicare_second(office, insured, dt.date(2023, 6, 1))  # ended 12/01/2025
    claim = secondary_of(account, admin)
    problems = scrub(claim)
    assert [p.field for p in problems] == ["coverage.rank"]
    words = in_words(problems[0])
    assert "30-month ESRD coordination period ended 12/01/2025" in words
    assert "Medicare pays first" in words
    assert claim.status == "held"


def _form(**extra):
    values = dict(first_name="Ann", last_name="Smith", date_of_birth="01/02/1980", street="1 Main St",
                  city="Springfield", state="IL", zip_code="62701", phone="217-555-0101",
                  primary_payer="Blue Prairie", primary_plan="PPO", primary_member_id="ABC123456",
                  secondary_payer="Great Lakes", secondary_plan="Basic", secondary_member_id="GL-77")
    values.update(extra)
    return registry.AccountForm(**values)


def test_the_clerk_sets_the_period_on_the_medicare_coverage(office, admin):
    Payer.update(program="medicare").where(Payer.id == office["lakes"].payer_id).execute()
    account = registry.create_account(_form(secondary_esrd_started_on="03/01/2025"), admin)
    coverage = Coverage.get(Coverage.account == account.id, Coverage.rank == "secondary")
    assert coverage.esrd_started_on == dt.date(2025, 3, 1)
    assert registry.form_from_account(account).secondary_esrd_started_on == "03/01/2025"
    registry.update_account(account.id, _form(secondary_esrd_started_on=""), admin)
    assert Coverage.get_by_id(coverage.id).esrd_started_on is None


def test_the_period_on_a_plan_that_is_not_medicare_is_refused_at_its_field(office, admin):
    with pytest.raises(ValidationError) as caught:
        registry.create_account(_form(primary_esrd_started_on="03/01/2025",
                                      secondary_esrd_started_on="13/45/2025"), admin)
    said = {p.field: p.message for p in caught.value.problems}
    assert "only a Medicare coverage" in said["primary_esrd_started_on"]
    assert "secondary_esrd_started_on" in said


def test_the_scrubber_holds_medicare_first_while_the_period_runs_beside_a_group_plan(office, insured,
                                                                                    admin):
    from billing_desk.services.claims.scrubber import in_words, scrub

    Payer.update(program="medicare").where(Payer.id == office["blue"].payer_id).execute()
    account = insured()
    Coverage.update(esrd_started_on=dt.date(2025, 6, 1)).where(
        Coverage.account == account.id, Coverage.rank == "primary").execute()
    claim = only_claim(post(account, admin))
    words = [in_words(p) for p in scrub(claim) if p.field == "coverage.rank"]
    assert words and "Medicare pays second to Great Lakes during the ESRD coordination period " \
                     "(until 12/01/2027)" in words[0]


def test_an_imported_file_carries_the_period_and_a_wrong_one_is_named_by_row_and_column(office, admin,
                                                                                          tmp_path):
    from test_import_accounts import write_csv

    from billing_desk.exchange import importing
    from billing_desk.services.accounts import account_import

    Payer.update(program="medicare").where(Payer.id == office["lakes"].payer_id).execute()
    header = ["First Name", "Last Name", "DOB", "Phone", "Insurance", "Plan", "Member Id", "ESRD start"]
    rows = [["Ann", "Smith", "01/02/1950", "217-555-0101", "Great Lakes", "Basic", "GL-1", "03/01/2025"],
            ["Bob", "Jones", "01/02/1960", "217-555-0102", "Blue Prairie", "PPO", "ABC123456", "03/01/2025"]]
    table = importing.read_rows(write_csv(tmp_path / "a.csv", [header, *rows]))
    result = account_import.preview_accounts(table, importing.guess_mapping(header, account_import.TARGETS))
    assert result.bad_rows == [3]
    assert any(line.startswith("row 3, column ESRD start:") and "only a Medicare coverage" in line
               for line in result.lines())
    (made,) = account_import.import_accounts(result, admin, skip_bad=True)
    assert Coverage.get(Coverage.account == made.id).esrd_started_on == dt.date(2025, 3, 1)


def test_the_printed_registration_shows_the_period(office, admin):
    from billing_desk.services.accounts.account_page import registration_data

    Payer.update(program="medicare").where(Payer.id == office["lakes"].payer_id).execute()
    account = registry.create_account(_form(secondary_esrd_started_on="03/01/2025"), admin)
    sections = dict(registration_data(account.id)["sections"])
    assert ("Medicare ESRD period from", "03/01/2025") in sections["Secondary insurance"]
