"""The claim scrubber: each rule names the field a clerk must fix; a claim with problems is held."""

from __future__ import annotations

import datetime as dt

import pytest
from claims_fixtures import DAY, IDENTITY, insured, office, only_claim, post  # noqa: F401

from billing_desk.models import Account, Coverage, InvoiceDiagnosis, InvoiceLine, Payer, PlanRule, Setting
from billing_desk.services.claims.scrubber import scrub

pytestmark = pytest.mark.both_engines


@pytest.fixture
def claim(insured, admin):
    made = only_claim(post(insured(), admin))
    assert scrub(made) == []
    return made


def fresh_scrub(claim, **kwargs):
    """Scrub the claim as it now stands (a Claim caches its invoice, account and coverage)."""
    from billing_desk.models import Claim

    return scrub(Claim.get_by_id(claim.id), **kwargs)


def fields_of(claim, **kwargs):
    return {p.field for p in fresh_scrub(claim, **kwargs)}


@pytest.mark.parametrize("key, value, field", [
    ("npi", "", "office.npi"), ("npi", "1234567890", "office.npi"), ("tax_id", "", "office.tax_id"),
    ("tax_id", "12-34", "office.tax_id"), ("street", "", "office.street"),
    ("zip_code", "62701", "office.zip_code"), ("taxonomy", "XYZ", "office.taxonomy"),
    ("submitter_id", "", "office.submitter_id")])
def test_the_billing_identity_is_required_and_well_formed(claim, key, value, field):
    Setting.update(value=dict(IDENTITY, **{key: value})).where(Setting.key == "billing_identity").execute()
    assert fields_of(claim) == {field}


def test_a_paper_claim_does_with_a_five_digit_office_zip(claim):
    Setting.update(value=dict(IDENTITY, zip_code="62701")).where(Setting.key == "billing_identity").execute()
    assert fields_of(claim, mode="paper") == set()


@pytest.mark.parametrize("column, value, field", [
    ("first_name", "", "patient.first_name"), ("street", "", "patient.street"),
    ("zip_code", "", "patient.zip_code"), ("date_of_birth", None, "patient.date_of_birth"),
    ("sex", "U", "patient.sex")])
def test_the_patient_needs_name_birth_date_sex_and_address(claim, column, value, field):
    Account.update({column: value}).where(Account.id == claim.invoice.account_id).execute()
    assert fields_of(claim) == {field}


def test_the_member_id_is_required_and_in_the_payers_pattern(claim):
    Coverage.update(member_id="X1").where(Coverage.id == claim.coverage_id).execute()
    (problem,) = fresh_scrub(claim)
    assert problem.field == "subscriber.member_id"
    assert "(3 letters then 6 digits, like ABC123456)" in problem.message
    Coverage.update(member_id="").where(Coverage.id == claim.coverage_id).execute()
    assert fields_of(claim) == {"subscriber.member_id"}


def test_a_subscriber_who_is_not_the_patient_needs_their_details(claim):
    Coverage.update(relationship="child").where(Coverage.id == claim.coverage_id).execute()
    assert fields_of(claim) == {"subscriber.first_name", "subscriber.last_name",
                                "subscriber.date_of_birth", "subscriber.sex"}


def test_an_electronic_payer_needs_its_payer_id_and_a_paper_one_its_address(claim):
    Payer.update(payer_id="", address="").where(Payer.id == claim.payer_id).execute()
    assert fields_of(claim) == {"payer.payer_id"}
    assert fields_of(claim, mode="paper") == {"payer.address"}


def test_a_claim_needs_a_diagnosis_and_every_line_a_pointer_to_one(claim):
    first, second = InvoiceLine.select().where(InvoiceLine.invoice == claim.invoice_id).order_by(
        InvoiceLine.position)
    InvoiceLine.update(diagnosis_pointers="").where(InvoiceLine.id == first.id).execute()
    InvoiceLine.update(diagnosis_pointers="1,5").where(InvoiceLine.id == second.id).execute()
    problems = fresh_scrub(claim)
    assert [p.field for p in problems] == ["lines[1].pointers", "lines[2].pointers"]
    assert "pointer 5 points at no diagnosis" in problems[1].message
    InvoiceDiagnosis.delete().where(InvoiceDiagnosis.invoice == claim.invoice_id).execute()
    assert "invoice.diagnoses" in fields_of(claim)


def test_modifiers_must_be_known_to_the_catalogue(claim):
    from billing_desk.models import Modifier

    line = InvoiceLine.select().where(InvoiceLine.invoice == claim.invoice_id).first()
    InvoiceLine.update(modifiers="25,Q9,#1").where(InvoiceLine.id == line.id).execute()
    problems = [p for p in fresh_scrub(claim)]
    assert [p.field for p in problems] == ["lines[1].modifiers", "lines[1].modifiers"]
    assert "Q9 is not in the catalogue" in problems[0].message
    assert "'#1' is not a modifier" in problems[1].message
    Modifier.create(code="Q9")
    InvoiceLine.update(modifiers="25,Q9").where(InvoiceLine.id == line.id).execute()
    assert fresh_scrub(claim) == []


def test_dates_of_service_not_in_the_future_and_within_timely_filing(claim):
    line = InvoiceLine.select().where(InvoiceLine.invoice == claim.invoice_id).first()
    InvoiceLine.update(service_date=DAY + dt.timedelta(days=30)).where(InvoiceLine.id == line.id).execute()
    (problem,) = fresh_scrub(claim)
    assert problem.field == "lines[1].service_date" and "in the future" in problem.message
    InvoiceLine.update(service_date=DAY).where(InvoiceLine.id == line.id).execute()
    Payer.update(timely_filing_days=5).where(Payer.id == claim.payer_id).execute()
    problems = fresh_scrub(claim)
    assert {p.field for p in problems} == {"lines[1].service_date", "lines[2].service_date"}
    assert "timely-filing limit of 5 days (the last day was 01/10/2026)" in problems[0].message
    assert fresh_scrub(claim, today=DAY + dt.timedelta(days=5)) == []


def test_a_code_needing_prior_authorization_needs_its_number(claim, catalogue):
    PlanRule.create(plan=claim.coverage.plan_id, item=catalogue["99213"], rule="prior_auth")
    assert fields_of(claim) == {"invoice.prior_authorization"}


def test_a_bad_rendering_provider_npi_is_named(claim):
    from billing_desk.models import Invoice, Provider

    doctor = Provider.create(last_name="Doe", first_name="Jan", npi="1234567890")
    Invoice.update(rendering_provider=doctor).where(Invoice.id == claim.invoice_id).execute()
    assert fields_of(claim) == {"rendering_provider.npi"}


def test_a_claim_with_problems_is_held_with_the_reason(insured, admin):
    patient = insured()
    Account.update(sex="U").where(Account.id == patient.id).execute()
    claim = only_claim(post(patient, admin))
    assert claim.status == "held" and "patient's sex" in claim.hold_reason
