"""Claims (issue 16): made on posting and after the primary's EOB, moved through their statuses,
never billed twice, equal to the invoice lines they carry, and read back as a ClaimForm."""

from __future__ import annotations

import datetime as dt

import pytest
from claims_fixtures import DAY, IDENTITY, D, insured, office, only_claim, pay_primary, post  # noqa: F401

from billing_desk.errors import RuleError, ValidationError
from billing_desk.models import Claim, ClaimEvent, ClaimLine, Coverage
from billing_desk.services.claims import claim_status as status, claims, identity
from billing_desk.services.claims.forms import claim_form, interchange, parse_address

pytestmark = pytest.mark.both_engines


@pytest.mark.parametrize("npi, valid", [("1234567893", True), ("1245319599", True),
                                        ("1234567890", False), ("123456789", False),
                                        ("12345678931", False), ("12345A7893", False), ("", False)])
def test_an_npi_passes_the_luhn_rule_on_the_80840_prefix(npi, valid):
    assert identity.npi_is_valid(npi) is valid


def test_the_identity_names_each_bad_field(db, admin):
    bad = identity.BillingIdentity(**dict(IDENTITY, npi="1234567890", tax_id="12-345", taxonomy="207Q",
                                          zip_code="62701"))
    with pytest.raises(ValidationError) as caught:
        identity.save_billing_identity(bad, admin)
    fields = {p.field for p in caught.value.problems}
    assert fields == {"npi", "tax_id", "taxonomy", "zip_code"}
    assert identity.check_tax_id("123-45-6789", "SSN") is None
    assert identity.check_tax_id("12-3456789", "EIN") is None
    kept = identity.save_billing_identity(identity.BillingIdentity(**IDENTITY), admin)
    assert kept.tax_id == "371234567" and identity.billing_identity().npi == "1234567893"


def test_providers_are_added_changed_and_deactivated_never_deleted(db, admin):
    with pytest.raises(ValidationError, match="NPI: "):
        identity.add_provider(identity.ProviderInput("Doe", "Jan", npi="1234567890",
                                                     taxonomy="207Q00000X"), admin)
    doctor = identity.add_provider(identity.ProviderInput("Doe", "Jan", npi="1234567893",
                                                          taxonomy="207Q00000X"), admin)
    identity.update_provider(doctor.id, identity.ProviderInput("Doe", "Janet", npi="1234567893",
                                                               taxonomy="207Q00000X"), admin)
    assert [p.first_name for p in identity.search_providers("do")] == ["Janet"]
    identity.deactivate_provider(doctor.id, "left the practice", admin)
    assert identity.search_providers("do") == [] and identity.search_providers("do", active_only=False)


def test_posting_an_invoice_makes_one_primary_claim(insured, admin):
    invoice = post(insured(), admin)
    claim = only_claim(invoice)
    assert (claim.status, claim.rank, claim.frequency, claim.payer.name) == ("ready", "primary", "1",
                                                                            "Blue Prairie")
    assert claim.total_charge == invoice.total == D("135.00")
    assert [cl.charge for cl in claims.claim_lines(claim)] == [D("120.00"), D("15.00")]
    assert claim.control_number == "200001"
    assert [e.status for e in claims.history(claim.id)] == ["ready"]


def test_no_claim_without_coverage(office, make_account, admin):
    invoice = post(make_account(), admin)
    assert Claim.select().count() == 0 and invoice.status == "posted"


def test_the_primary_payment_makes_the_secondary_claim_with_paid_and_adjustments(insured, admin):
    invoice = post(insured(), admin)
    primary = only_claim(invoice)
    status.submit([primary.id], "electronic", admin)
    pay_primary(invoice, admin)
    assert Claim.get_by_id(primary.id).status == "paid"
    secondary = only_claim(invoice, "secondary")
    assert (secondary.payer.name, secondary.primary_claim_id, secondary.status) == (
        "Great Lakes", primary.id, "ready")
    lines = claims.claim_lines(secondary)
    assert [(l.charge, l.other_paid) for l in lines] == [(D("120.00"), D("80.00")), (D("15.00"), D("10.00"))]
    assert lines[0].other_adjustments == "CO 45 20.00\nPR 2 20.00"
    form = claim_form(secondary.id)
    assert form.rank == "secondary" and form.other_payer.payer.name == "Blue Prairie"
    assert form.other_payer.paid == D("90.00") and form.other_payer.subscriber.member_id == "ABC123456"
    first = form.lines[0].other
    assert first.paid == D("80.00") and [(a.group, a.reason, a.amount) for a in first.adjustments] == [
        ("CO", "45", D("20.00")), ("PR", "2", D("20.00"))]
    assert first.paid + sum(a.amount for a in first.adjustments) == form.lines[0].charge


def test_no_secondary_claim_without_secondary_coverage(insured, admin):
    invoice = post(insured(secondary=False), admin)
    status.submit([only_claim(invoice).id], "electronic", admin)
    pay_primary(invoice, admin)
    assert Claim.select().count() == 1


def test_a_denial_marks_the_primary_denied(insured, admin):
    invoice = post(insured(secondary=False), admin)
    claim = only_claim(invoice)
    status.submit([claim.id], "electronic", admin)
    pay_primary(invoice, admin, paid=("0", "0"), allowed=("0", "0"), reason="CO50 not necessary")
    assert Claim.get_by_id(claim.id).status == "denied"


def test_a_line_is_never_on_two_open_claims_of_one_payer(insured, admin):
    invoice = post(insured(), admin)
    claim = only_claim(invoice)
    with pytest.raises(RuleError, match="nothing is billed twice"):
        claims.new_claim(invoice, claim.coverage, list(invoice.lines), admin, rank="primary")
    assert Claim.select().count() == 1


def test_transitions_write_events_and_refuse_in_words(insured, admin, clerk):
    claim = only_claim(post(insured(), admin))
    status.hold(claim.id, "waiting for the prior authorization", clerk)
    with pytest.raises(RuleError, match="is held; only ready claims are submitted"):
        status.submit([claim.id], "electronic", clerk)
    with pytest.raises(RuleError, match="it cannot be marked paid .from held it may go to ready, voided"):
        status.mark_paid(claim.id, clerk)
    status.release(claim.id, clerk)
    batch = status.submit([claim.id], "electronic", clerk, file_name="out.837")
    assert (batch.claim_count, batch.total, batch.kind) == (1, D("135.00"), "electronic")
    status.mark_accepted(claim.id, clerk, payer_claim_number="BP-991")
    status.mark_partly_paid(claim.id, clerk)
    status.mark_paid(claim.id, clerk)
    status.close(claim.id, clerk, "settled")
    with pytest.raises(RuleError, match="it is finished"):
        status.hold(claim.id, "again", clerk)
    events = [(e.status, e.by.username) for e in claims.history(claim.id)]
    assert events == [("ready", "admin"), ("held", "clerk"), ("ready", "clerk"), ("submitted", "clerk"),
                      ("accepted", "clerk"), ("partly_paid", "clerk"), ("paid", "clerk"),
                      ("closed", "clerk")]
    claim = Claim.get_by_id(claim.id)
    assert (claim.batch_id, claim.submitted_mode, claim.payer_claim_number) == (batch.id, "electronic",
                                                                                 "BP-991")
    from billing_desk.models import AuditEntry

    audited = AuditEntry.select().where(AuditEntry.table == "claim", AuditEntry.record_id == claim.id)
    assert audited.count() == 8  # made, then one a change


def test_release_rescrubs_and_names_what_is_still_wrong(insured, admin):
    claim = only_claim(post(insured(), admin))
    status.hold(claim.id, "check", admin)
    Coverage.update(member_id="bad").where(Coverage.id == claim.coverage_id).execute()
    with pytest.raises(ValidationError) as caught:
        status.release(claim.id, admin)
    assert [p.field for p in caught.value.problems] == ["subscriber.member_id"]
    assert Claim.get_by_id(claim.id).status == "held"


def test_resubmit_makes_a_replacement_and_void_a_void_claim(insured, admin):
    claim = only_claim(post(insured(), admin))
    status.submit([claim.id], "electronic", admin)
    status.mark_denied(claim.id, "wrong code", admin)
    replacement = status.resubmit(claim.id, "corrected code", admin)
    assert (replacement.frequency, replacement.replaces_id, replacement.status) == ("7", claim.id, "held")
    assert "payer's claim number" in replacement.hold_reason
    assert Claim.get_by_id(claim.id).status == "resubmitted"
    status.set_payer_claim_number(claim.id, "BP-1", admin)
    status.release(replacement.id, admin)
    assert claim_form(replacement.id).original_reference == "BP-1"
    status.submit([replacement.id], "electronic", admin)
    status.mark_accepted(replacement.id, admin, payer_claim_number="BP-2")
    void = status.void(replacement.id, "billed in error", admin)
    assert (void.frequency, void.replaces_id, void.status) == ("8", replacement.id, "ready")
    assert Claim.get_by_id(replacement.id).status == "voided"
    assert claim_form(void.id).frequency == "8" and claim_form(void.id).original_reference == "BP-2"
    with pytest.raises(RuleError, match="itself a void"):
        status.void(void.id, "again", admin)
    unsent = only_claim(post(insured(last="Kim"), admin))
    assert status.void(unsent.id, "not to be billed", admin) is None


def test_claim_money_equals_the_invoice_lines_and_the_check_catches_tampering(insured, admin):
    from billing_desk.services.claims.claim_checks import check_claims

    invoice = post(insured(), admin)
    claim = only_claim(invoice)
    assert check_claims() == []
    ClaimLine.update(charge=D("119.99")).where(ClaimLine.claim == claim.id,
                                               ClaimLine.charge == D("120.00")).execute()
    problems = check_claims()
    assert any("119.99" in p or "carries" in p for p in problems), problems
    ClaimLine.update(charge=D("120.00")).where(ClaimLine.claim == claim.id,
                                               ClaimLine.charge == D("119.99")).execute()
    twice = Claim.create(invoice=invoice, payer=claim.payer, coverage=claim.coverage, control_number="X1",
                         total_charge=D("15.00"), created_by=admin, created_at=claim.created_at,
                         updated_at=claim.created_at)
    ClaimLine.create(claim=twice, line=list(invoice.lines)[1], charge=D("15.00"))
    assert any("on 2 open claims" in p for p in check_claims())
    Claim.update(payer=claim.coverage.plan.payer_id + 1).where(Claim.id == twice.id).execute()
    assert any("is not its coverage's payer" in p for p in check_claims())


def test_the_claim_form_of_a_primary(insured, admin):
    from billing_desk.models import Provider

    doctor = Provider.create(last_name="Doe", first_name="Jan", npi="1245319599", taxonomy="207Q00000X")
    invoice = post(insured(), admin, pointers="2,1", rendering_provider_id=doctor.id,
                   prior_authorization="PA-77")
    form = claim_form(only_claim(invoice).id)
    assert form.diagnoses == ("E119", "I10")
    assert form.billing.npi == "1234567893" and form.billing.tax_id == "371234567"
    assert form.billing.address.zip_code == "627011234"
    assert form.patient.last_name == "Lee" and form.patient.sex == "F"
    assert form.subscriber.person is form.patient and form.subscriber.relationship == "self"
    assert form.payer.payer_id == "BPH01" and form.payer.address.city == "Chicago"
    assert [l.diagnosis_pointers for l in form.lines] == [(2, 1), (2, 1)]
    assert form.rendering.last_name == "Doe" and form.prior_authorization == "PA-77"
    assert form.total_charge == D("135.00") and form.other_payer is None
    assert form.patient_account == invoice.account.number


def test_the_claim_form_of_a_child_on_a_parents_plan(insured, admin):
    invoice = post(insured(child=True, last="Park", first="Tim"), admin)
    form = claim_form(only_claim(invoice).id)
    assert form.subscriber.relationship == "child"
    person = form.subscriber.person
    assert (person.first_name, person.last_name, person.sex, person.date_of_birth) == (
        "Bob", "Park", "M", dt.date(1975, 3, 4))
    assert person.address == form.patient.address  # none typed: the patient's
    assert form.patient.first_name == "Tim"


def test_an_interchange_takes_control_numbers_that_never_repeat(insured, admin):
    claim = only_claim(post(insured(), admin))
    first = interchange([claim.id], admin)
    second = interchange([claim.id], admin)
    assert second.interchange_number == first.interchange_number + 1
    assert first.submitter.sender_id == "MSFP01" and first.submitter.receiver_id == "CLEARHOUSE"
    assert first.claims[0].control_number == claim.control_number


def test_addresses_typed_either_way_are_read():
    assert parse_address("Claims Dept, PO Box 9, Detroit, MI 48201").street2 == "PO Box 9"
    found = parse_address("120 Maple Street\nSpringfield, IL 62701-1234")
    assert (found.street, found.city, found.state, found.zip_code) == ("120 Maple Street", "Springfield",
                                                                       "IL", "627011234")
    assert parse_address("somewhere") is None


def test_events_belong_to_their_claim(insured, admin):
    claim = only_claim(post(insured(), admin))
    assert ClaimEvent.select().where(ClaimEvent.claim == claim.id).count() == 1


def test_the_claim_form_names_the_other_plan_on_a_primary(insured, admin):
    form = claim_form(only_claim(post(insured(), admin)).id)
    assert form.other_coverage.member_id == "GL-77" and form.other_coverage.plan_name == "Basic"
    assert claim_form(only_claim(post(insured(secondary=False, last="Kim"), admin)).id).other_coverage is None


def test_claims_built_from_the_books_make_837p_files_pyx12_accepts(insured, admin):
    """Primary, secondary and a child's claim, as forms.py builds them, through the 837P writer."""
    from test_x12_837 import pyx12_errors

    from billing_desk.exchange.x12_837 import write_837p

    invoice = post(insured(), admin)
    primary = only_claim(invoice)
    status.submit([primary.id], "electronic", admin)
    pay_primary(invoice, admin)
    child = only_claim(post(insured(child=True, last="Park", first="Tim", secondary=False), admin))
    for ids in ([primary.id, child.id], [only_claim(invoice, "secondary").id]):
        text = write_837p(interchange(ids, admin))
        assert pyx12_errors(text) == []
