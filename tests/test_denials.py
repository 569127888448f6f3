"""Denials and follow-up (issue 17): the denial worklist by payer, reason code and age; correcting
and resubmitting, writing off (a supervisor's), moving a PR denial to the patient, appealing with
a letter; the insurance follow-up list; calls with payers and coverage verification."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from claims_fixtures import DAY, D, insured, office, only_claim, post  # noqa: F401
from pypdf import PdfReader

from billing_desk.errors import PermissionDenied, RuleError, ValidationError
from billing_desk.models import AuditEntry, Claim, ClaimEvent, InvoiceLine, Payer
from billing_desk.printing import letters
from billing_desk.services.accounts import denial_lists
from billing_desk.services.books import denial_actions
from billing_desk.services.claims import claim_status as status, denials, follow_up, payer_calls
from billing_desk.services.office import auth

pytestmark = pytest.mark.both_engines

TODAY = DAY + dt.timedelta(days=60)


@pytest.fixture(autouse=True)
def _quick_passwords(monkeypatch):
    monkeypatch.setenv("BILLING_DESK_SCRYPT_N", "1024")


def _at(claim_id: int, status_: str, day: dt.date) -> None:
    """Date a claim's events of a status as if keyed on ``day``."""
    ClaimEvent.update(at=dt.datetime.combine(day, dt.time(9))).where(
        ClaimEvent.claim == claim_id, ClaimEvent.status == status_).execute()


def denied(insured, admin, reason="CO16 claim lacks information", *, last="Lee", on=DAY,
           codes=(("99213", 1), ("36415", 1))):
    invoice = post(insured(last=last), admin, codes=codes)
    claim = only_claim(invoice)
    status.submit([claim.id], "electronic", admin)
    _at(claim.id, "submitted", on)
    status.mark_denied(claim.id, reason, admin)
    _at(claim.id, "denied", on + dt.timedelta(days=20))
    return Claim.get_by_id(claim.id)


def test_reason_codes_are_read_from_the_denial_in_one_place(insured, admin):
    from billing_desk.services.books import remit_codes

    claim = denied(insured, admin, "CO-50 not necessary; also PR 204")
    reasons = denials.denial_reasons(claim)
    assert [(r.group, r.code) for r in reasons] == [("CO", "50"), ("PR", "204")]
    assert reasons[0].description == remit_codes.describe("CARC", "50")  # the office's table
    assert "medical necessity" in reasons[0].description
    assert denials.reasons_in("the payer lost it") == [denials.DenialReason("", "", "the payer lost it")]
    assert denials.patient_owes(claim)


def test_the_denial_list_speaks_the_offices_words_for_a_code(insured, admin):
    from billing_desk.services.books import remit_codes

    claim = denied(insured, admin, "CO16 claim lacks information")
    remit_codes.set_description("CARC", "16", "Missing information: call the payer for what", admin)
    (row,) = denial_lists.worklist(today=TODAY)
    assert row.claim_id == claim.id and "Missing information: call the payer" in row.reason
    letter = denials.appeal_letter(claim.id, "we sent the records")
    assert any("Missing information: call the payer" in p for p in letter["paragraphs"])


def test_the_worklist_filters_by_payer_code_age_and_search(insured, admin, office):
    a = denied(insured, admin, "CO16 claim lacks information", last="Adams", on=DAY)
    b = denied(insured, admin, "PR1 deductible", last="Baker", on=DAY + dt.timedelta(days=25))
    rows = denial_lists.worklist(today=TODAY)
    assert [r.control_number for r in rows] == [a.control_number, b.control_number]  # oldest first
    first = rows[0]
    assert (first.payer, first.codes, first.age_days) == ("Blue Prairie", "CO16", 40)
    assert first.insurance_owes == first.total == D("135.00")
    assert "lacks information" in first.reason  # the office's table words CARC 16
    find = denial_lists.DenialFilter
    assert [r.claim_id for r in denial_lists.worklist(find(code="16"), today=TODAY)] == [a.id]
    assert [r.claim_id for r in denial_lists.worklist(find(code="pr"), today=TODAY)] == [b.id]
    assert [r.claim_id for r in denial_lists.worklist(find(min_age=18), today=TODAY)] == [a.id]
    assert [r.claim_id for r in denial_lists.worklist(find(text="Baker"), today=TODAY)] == [b.id]
    assert denial_lists.worklist(find(payer="Great Lakes"), today=TODAY) == []
    assert denial_lists.payer_names() == ["Blue Prairie"]


def test_correct_and_resubmit_makes_the_replacement(insured, admin):
    claim = denied(insured, admin)
    status.set_payer_claim_number(claim.id, "PCN9", admin)
    replacement = status.resubmit(claim.id, "added the referral", admin)
    assert replacement.frequency == "7" and replacement.replaces_id == claim.id
    assert denial_lists.worklist(today=TODAY) == []


def test_a_write_off_needs_a_supervisor_and_closes_the_claim(insured, admin, clerk, supervisor):
    claim = denied(insured, admin)
    with pytest.raises(ValidationError, match="reason"):
        denial_actions.write_off_denial(claim.id, " ", admin)
    with pytest.raises(PermissionDenied):
        denial_actions.write_off_denial(claim.id, "not worth an appeal", clerk)
    supervisor.password_hash = auth.hash_password("a long password 1")
    supervisor.save()
    approver = auth.signoff("super", "a long password 1", "write_off")
    written = denial_actions.write_off_denial(claim.id, "not worth an appeal", clerk, approved_by=approver)
    assert written == D("135.00")
    lines = InvoiceLine.select().where(InvoiceLine.invoice == claim.invoice_id)
    assert sum(l.insurance_balance for l in lines) == 0
    assert Claim.get_by_id(claim.id).status == "closed"
    entry = AuditEntry.select().where(AuditEntry.action == "write_off").order_by(AuditEntry.id.desc()).get()
    assert "(approved by super)" in entry.summary
    with pytest.raises(RuleError, match="not denied"):
        denial_actions.write_off_denial(claim.id, "again", admin)


def test_only_a_pr_denial_moves_to_the_patient(insured, admin):
    claim = denied(insured, admin, "CO16 claim lacks information", last="Adams")
    with pytest.raises(RuleError, match="PR"):
        denial_actions.move_denial_to_patient(claim.id, admin)
    pr = denied(insured, admin, "PR204 not covered under the plan", last="Baker")
    moved = denial_actions.move_denial_to_patient(pr.id, admin, to="patient")  # the clerk chose
    assert moved.amount == D("135.00") and moved.to == "the patient"
    lines = list(InvoiceLine.select().where(InvoiceLine.invoice == pr.invoice_id))
    assert sum(l.patient_balance for l in lines) >= D("135.00")
    assert sum(l.insurance_balance for l in lines) == 0
    assert Claim.get_by_id(pr.id).status == "closed"


def _owed_by(payer_id):
    from billing_desk.models import LedgerEntry

    return sum((e.amount for e in LedgerEntry.select().where(LedgerEntry.payer == payer_id)), D("0.00"))


def test_a_pr_denial_goes_to_the_secondary_claim_when_there_is_a_secondary(insured, admin, office):
    from billing_desk.exchange.x12_837 import write_837p
    from billing_desk.services.books.ledger import check_ledger
    from billing_desk.services.claims import forms

    claim = denied(insured, admin, "PR204 not covered under the plan")
    blue, lakes = office["blue"].payer_id, office["lakes"].payer_id
    patient_before = sum(l.patient_balance for l in InvoiceLine.select().where(
        InvoiceLine.invoice == claim.invoice_id))
    assert denial_actions.secondary_for(claim.id).name == "Great Lakes"
    moved = denial_actions.move_denial_to_patient(claim.id, admin)
    (secondary,) = Claim.select().where(Claim.rank == "secondary", Claim.invoice == claim.invoice_id)
    assert (moved.amount, moved.to, moved.claim_number) == (
        D("135.00"), "Great Lakes", secondary.control_number)
    assert "Great Lakes" in str(moved) and secondary.control_number in str(moved)
    assert (_owed_by(blue), _owed_by(lakes)) == (0, D("135.00"))
    assert sum(l.patient_balance for l in InvoiceLine.select().where(
        InvoiceLine.invoice == claim.invoice_id)) == patient_before  # the patient is not billed it
    assert secondary.primary_claim_id == claim.id and secondary.payer_id == lakes
    assert all("PR 204" in cl.other_adjustments and cl.other_paid == 0 for cl in secondary.lines)
    assert "X222A1" in write_837p(forms.interchange([secondary.id], admin))  # the paid + adjusted add up
    assert Claim.get_by_id(claim.id).status == "closed"
    assert check_ledger() == []


def test_the_clerk_may_send_it_to_the_patient_and_a_secondarys_denial_goes_to_the_patient(insured,
                                                                                        admin, office):
    alone = denied(insured, admin, "PR1 deductible", last="Solo")
    Coverage = type(alone.coverage)
    Coverage.update(active=False).where(Coverage.rank == "secondary").execute()
    assert denial_actions.secondary_for(alone.id) is None
    with pytest.raises(RuleError, match="no active secondary"):
        denial_actions.move_denial_to_patient(alone.id, admin, to="secondary")
    moved = denial_actions.move_denial_to_patient(alone.id, admin)
    assert moved.to == "the patient" and moved.claim_number == ""
    assert Claim.select().where(Claim.rank == "secondary").count() == 0


def test_a_denied_secondary_claim_is_written_off_on_the_secondary_payer(insured, admin, office):
    from billing_desk.services.books.ledger import check_ledger

    claim = denied(insured, admin, "PR204 not covered under the plan")
    moved = denial_actions.move_denial_to_patient(claim.id, admin)
    secondary = Claim.get(Claim.control_number == moved.claim_number)
    assert secondary.status == "ready", secondary.hold_reason
    status.submit([secondary.id], "paper", admin)
    status.mark_denied(secondary.id, "CO96 non-covered charge", admin)
    assert denial_actions.secondary_for(secondary.id) is None  # no third payer: to the patient
    written = denial_actions.write_off_denial(secondary.id, "not billable to anyone", admin)
    assert written == D("135.00")
    assert (_owed_by(office["blue"].payer_id), _owed_by(office["lakes"].payer_id)) == (0, 0)
    assert check_ledger() == []


def test_an_appeal_is_recorded_and_its_letter_names_the_facts(insured, admin):
    claim = denied(insured, admin, "CO50 not necessary")
    status.set_payer_claim_number(claim.id, "PCN77", admin)
    with pytest.raises(ValidationError, match="argument"):
        denials.appeal(claim.id, "", admin, today=TODAY)
    letter = denials.appeal(claim.id, "The visit followed an abnormal lab result (notes enclosed).",
                            admin, today=TODAY)
    claim = Claim.get_by_id(claim.id)
    assert claim.appealed_on == TODAY and claim.follow_up_on == TODAY + dt.timedelta(days=30)
    assert claim.status == "denied"
    assert "appealed" in claim.events.order_by(ClaimEvent.id.desc()).get().note
    assert AuditEntry.select().where(AuditEntry.action == "appeal").count() == 1
    # the appeal's own event is no new denial: the reasons and the age stay the denial's
    assert [(r.group, r.code) for r in denials.denial_reasons(claim)] == [("CO", "50")]
    (row,) = denial_lists.worklist(today=TODAY)
    assert row.age_days == 40 and row.appealed_on == TODAY
    text = " ".join(letter["paragraphs"])
    for fact in (claim.control_number, "PCN77", "Lee, Ann", "01/02/1980", "ABC123456", "01/05/2026", "99213",
                 "36415", "$135.00", "CO50", "abnormal lab result"):
        assert fact in text or fact in str(letter["table"]) or fact in " ".join(letter["to_lines"]), fact
    assert letter["to_lines"][0] == "Blue Prairie"
    pdf = letters.render([letter])
    assert pdf.startswith(b"%PDF")
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Appeal of claim" in text and "abnormal lab result" in text and "CO50" in text


def test_the_follow_up_list_waits_the_payers_days_and_a_calls_follow_up(insured, admin):
    invoice = post(insured(last="Adams"), admin)
    old = only_claim(invoice)
    newer = only_claim(post(insured(last="Baker"), admin))
    status.submit([old.id, newer.id], "electronic", admin)
    _at(old.id, "submitted", DAY)
    _at(newer.id, "submitted", DAY + dt.timedelta(days=45))
    status.mark_accepted(newer.id, admin, payer_claim_number="P1")
    rows = follow_up.follow_up_list(today=TODAY)
    assert [r.claim_id for r in rows] == [old.id]  # 60 days waiting; the newer only 15
    assert rows[0].days_waiting == 60 and rows[0].due_on == DAY + dt.timedelta(days=30)
    everything = follow_up.follow_up_list(show="all", today=TODAY)
    assert [r.claim_id for r in everything] == [old.id, newer.id]
    Payer.update(follow_up_days=10).execute()
    assert len(follow_up.follow_up_list(today=TODAY)) == 2
    call = payer_calls.CallInput(representative="Dana", reference="REF-1", question="claim status?",
                                 answer="in process, reprocessing", follow_up_on=TODAY + dt.timedelta(days=7))
    payer_calls.log_call(call, admin, claim_id=old.id, today=TODAY)
    rows = follow_up.follow_up_list(today=TODAY)
    assert [r.claim_id for r in rows] == [newer.id]  # the call moved the old one's day
    later = follow_up.follow_up_list(show="all", today=TODAY)
    assert later[0].last_call_on == TODAY and "Dana" in later[0].last_call
    assert later[0].due_on == TODAY + dt.timedelta(days=7)


def test_calls_are_checked_audited_and_listed(insured, admin):
    account = insured()
    coverage = account.coverages.order_by(account.coverages.model.rank).first()
    with pytest.raises(ValidationError) as caught:
        payer_calls.log_call(payer_calls.CallInput(called_on="13/45/2026", topic="gossip"), admin,
                             coverage_id=coverage.id, today=TODAY)
    assert {p.field for p in caught.value.problems} == {"called_on", "topic", "question"}
    with pytest.raises(ValidationError, match="one claim, one coverage or one payer"):
        payer_calls.log_call(payer_calls.CallInput(question="x"), admin, today=TODAY)
    payer_calls.log_call(payer_calls.CallInput(topic="prior_auth", code="80053", question="needs auth?",
                                               answer="yes, call 800-555-0100", reference="PA-9",
                                               direction="outgoing"),
                         admin, coverage_id=coverage.id, today=TODAY)
    payer_id = coverage.plan.payer_id
    payer_calls.log_call(payer_calls.CallInput(direction="incoming", topic="other",
                                               question="fee schedule update",
                                               answer="new rates in March"),
                         admin, payer_id=payer_id, today=TODAY)
    assert [r.topic for r in payer_calls.calls(payer_id=payer_id)] == ["other", "prior authorization"]
    assert [r.code for r in payer_calls.calls(account_id=account.id)] == ["80053"]
    assert AuditEntry.select().where(AuditEntry.action == "payer_call").count() == 2


def test_a_verification_is_a_call_and_the_estimate_says_when(insured, admin):
    from billing_desk.services.books.estimate import ChargeLine, estimate_for

    account = insured(secondary=False)
    coverage = account.coverages.get()
    charge = [ChargeLine("99213", 1, D("120.00"), "visit")]
    assert "never verified" in estimate_for(account.id, DAY, charge).standing()
    with pytest.raises(ValidationError, match="covers"):
        payer_calls.verify_coverage(coverage.id, admin, covers=" ", today=TODAY)
    payer_calls.verify_coverage(coverage.id, admin, representative="Lou", reference="V-12",
                                covers="office visits $25 copay; labs 80%", verified_on=DAY,
                                today=TODAY)
    call = payer_calls.last_verification(coverage.id)
    assert (call.called_on, call.reference, call.topic) == (DAY, "V-12", "verification")
    assert "verified 01/05/2026 by admin (ref V-12)" in estimate_for(account.id, DAY, charge).standing()
