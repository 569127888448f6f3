"""Issue 17: every hand-written 835 posted through the one remittance service; the check whole."""

from __future__ import annotations

import datetime as dt

import pytest
from claims_fixtures import DAY, insured, office  # noqa: F401
from remit_fixtures import ERA, D, acme, acme_check, billed, lines_of, patient  # noqa: F401

from billing_desk.errors import RuleError
from billing_desk.models import (
    Account,
    Claim,
    Coverage,
    InsuranceMoney,
    InsurancePayment,
    LedgerEntry,
    RemitCode,
    RemitLine,
)
from billing_desk.services.books import era_import, insurance_money, remittances
from billing_desk.services.books.ledger import check_ledger

pytestmark = pytest.mark.both_engines


def balances(account):
    fresh = Account.get_by_id(account.id)
    return fresh.insurance_balance, fresh.patient_balance


def test_full_payment(patient, admin):
    account = patient()
    invoice, claim = billed(account, admin, "INV1001-1", [("99213", 1, "100.00")])
    (posted,) = era_import.import_era(ERA / "full_payment.835", admin)
    assert posted.claims == ["INV1001-1"] and not posted.unmatched
    assert balances(account) == (0, 0)
    assert Claim.get_by_id(claim.id).status == "paid"
    check = InsurancePayment.get()
    assert (check.reference, check.amount, check.method, check.source) == (
        "CHK10001", D("100.00"), "check", "835")
    assert check_ledger() == []


def test_partial_pay_with_deductible_and_coinsurance(patient, admin):
    account = patient(member="MEM456", last="Roe", first="Richard")
    invoice, claim = billed(account, admin, "INV1002-1", [("99214", 1, "150.00"), ("36415", 2, "25.00")])
    era_import.import_era(ERA / "partial_payment.835", admin)
    first, second = lines_of(invoice)
    assert (first.insurance_balance, first.patient_balance) == (0, D("64.00"))
    assert (second.insurance_balance, second.patient_balance) == (0, D("10.00"))
    coverage = Coverage.get(Coverage.account == account.id)
    assert (coverage.deductible_met, coverage.out_of_pocket_met) == (D("50.00"), D("74.00"))
    kept = RemitLine.get(RemitLine.line == first.id)
    assert (kept.allowed, kept.deductible, kept.coinsurance) == (D("120.00"), D("50.00"), D("14.00"))
    assert kept.adjustments == "CO 45 30.00\nPR 1 50.00\nPR 2 14.00"
    assert InsurancePayment.get().method == "eft"
    assert Claim.get_by_id(claim.id).status == "paid"
    assert check_ledger() == []


def test_the_patients_part_goes_to_the_secondary_claim(patient, admin, office):
    account = patient(member="MEM456", last="Roe", first="Richard", secondary=office["lakes"])
    invoice, claim = billed(account, admin, "INV1002-1", [("99214", 1, "150.00"), ("36415", 2, "25.00")])
    (posted,) = era_import.import_era(ERA / "partial_payment.835", admin)
    assert balances(account) == (D("74.00"), 0)
    (secondary,) = Claim.select().where(Claim.rank == "secondary")
    assert posted.secondary_claims == [secondary.control_number]
    assert secondary.payer.name == "Great Lakes" and secondary.primary_claim_id == claim.id
    lakes = office["lakes"].payer_id
    owed = sum(e.amount for e in LedgerEntry.select().where(LedgerEntry.payer == lakes))
    assert owed == D("74.00")
    assert check_ledger() == []


def test_a_denial_keeps_the_balance_with_the_payer_and_its_codes(patient, admin):
    account = patient(member="MEM789", last="Poe", first="Edgar")
    invoice, claim = billed(account, admin, "INV1003-1", [("94640", 1, "120.00")])
    era_import.import_era(ERA / "denial.835", admin)
    assert Claim.get_by_id(claim.id).status == "denied"
    assert balances(account) == (D("120.00"), 0)  # for the denial worklist to work
    kept = RemitLine.get()
    assert (kept.adjustments, kept.remarks, kept.claim_status) == ("CO 50 120.00", "N130", "4")
    assert InsurancePayment.get().method == "none"
    assert check_ledger() == []


def test_a_reversal_undoes_the_earlier_payment_and_the_correction_posts_anew(patient, admin):
    from billing_desk.remittance import ClaimPayment, Remittance, RemittanceAdjustment, RemittanceLine

    account = patient()
    invoice, claim = billed(account, admin, "INV1005-1", [("99213", 1, "120.00")])
    other, _ = billed(account, admin, "INV1006-1", [("99212", 1, "60.00")])
    first = Remittance("ACME HEALTH", "ACME01", "check", "CHK9", D("100.00"), DAY, claims=(ClaimPayment(
        "INV1005-1", "1", D("120.00"), D("100.00"), lines=(RemittanceLine(
            "99213", D("120.00"), D("100.00"),
            adjustments=(RemittanceAdjustment("CO", "45", D("20.00")),)),)),))
    remittances.post_remittance(first, admin)
    assert balances(account) == (D("60.00"), 0)
    era_import.import_era(ERA / "reversal_correction.835", admin)
    (line,) = lines_of(invoice)
    assert (line.insurance_balance, line.patient_balance) == (0, D("20.00"))
    assert balances(account) == (0, D("20.00"))
    assert Claim.get_by_id(claim.id).status == "paid"
    assert [r.claim_status for r in RemitLine.select().where(RemitLine.claim == claim.id)] == ["1", "22", "1"]
    assert check_ledger() == []


def test_a_reversal_without_a_payment_is_refused(patient, admin):
    account = patient()
    billed(account, admin, "INV1005-1", [("99213", 1, "120.00")])
    billed(account, admin, "INV1006-1", [("99212", 1, "60.00")])
    with pytest.raises(RuleError, match="no payment posted to reverse"):
        era_import.import_era(ERA / "reversal_correction.835", admin)
    assert InsurancePayment.select().count() == 0 and LedgerEntry.select().where(
        LedgerEntry.kind != "charge").count() == 0


def test_provider_adjustments_are_their_own_entries(patient, admin):
    account = patient()
    billed(account, admin, "INV1007-1", [("99213", 1, "100.00")])
    era_import.import_era(ERA / "provider_adjustments.835", admin)
    check = InsurancePayment.get()
    plb = [(m.code, m.reference, m.amount)
           for m in InsuranceMoney.select().where(InsuranceMoney.kind == "provider")]
    assert plb == [("WO", "PAYER0999", D("-35.00")), ("L6", "INTEREST", D("2.50"))]
    sums = insurance_money.check_sums(check.id)
    assert (sums.amount, sums.applied, sums.provider, sums.unapplied) == (
        D("67.50"), D("100.00"), D("-32.50"), 0)
    assert balances(account) == (0, 0) and check_ledger() == []


def test_one_check_for_three_claims_is_one_deposit(patient, admin):
    from billing_desk.services.books.deposits import deposit

    jane, richard, edgar = (patient(), patient(member="MEM456", last="Roe", first="Richard"),
                            patient(member="MEM789", last="Poe", first="Edgar"))
    billed(jane, admin, "INV1008-1", [("99212", 1, "80.00")])
    billed(richard, admin, "INV1009-1", [("99211", 1, "60.00")])
    billed(edgar, admin, "INV1010-1", [("97110", 3, "50.00")])
    (posted,) = era_import.import_era(ERA / "three_claims.835", admin)
    assert len(posted.claims) == 3
    assert [balances(a) for a in (jane, richard, edgar)] == [(0, 0), (0, D("14.50")), (0, 0)]
    rows = deposit(InsurancePayment.get().entered_on).received
    assert [(r.reference, r.name, r.amount) for r in rows] == [("CHK10006", "Acme Health", D("245.75"))]
    assert check_ledger() == []


def test_an_unmatched_claim_goes_to_the_worklist_and_its_money_is_held(patient, admin):
    (posted,) = era_import.import_era(ERA / "unmatched_claim.835", admin)
    assert posted.unmatched == ["NOSUCH-77"] and posted.held == D("75.00")
    (item,) = remittances.unmatched_list()
    assert (item.claim_number, item.patient_name, item.paid) == ("NOSUCH-77", "STRANGER, PAT", D("75.00"))
    check = InsurancePayment.get()
    assert insurance_money.unapplied(check.id) == D("75.00")
    assert [r.reason for r in insurance_money.unapplied_list()] == [
        "claim NOSUCH-77 (STRANGER, PAT) matches none of ours"]
    assert check_ledger() == []
    account = patient()
    _invoice, claim = billed(account, admin, "INV2000-1", [("99213", 1, "75.00")])
    remittances.match_unmatched(item.id, "INV2000-1", admin)
    assert insurance_money.unapplied(check.id) == 0 and balances(account) == (0, 0)
    assert remittances.unmatched_list() == [] and Claim.get_by_id(claim.id).status == "paid"
    assert check_ledger() == []


def test_a_file_that_does_not_balance_is_refused_with_nothing_posted(patient, admin):
    account = patient()
    billed(account, admin, "INV1011-1", [("99213", 1, "100.00")])
    before = LedgerEntry.select().count()
    with pytest.raises(RuleError, match="Nothing was posted.*does not equal"):
        era_import.import_era(ERA / "unbalanced.835", admin)
    assert LedgerEntry.select().count() == before and InsurancePayment.select().count() == 0
    assert "does not equal" in era_import.preview_era(ERA / "unbalanced.835").problems[0]


def test_the_same_file_twice_is_refused_and_so_is_a_known_trace_number(patient, admin, tmp_path):
    account = patient()
    billed(account, admin, "INV1001-1", [("99213", 1, "100.00")])
    era_import.import_era(ERA / "full_payment.835", admin)
    with pytest.raises(RuleError, match="already posted"):
        era_import.import_era(ERA / "full_payment.835", admin)
    again = tmp_path / "resent.835"
    again.write_text((ERA / "full_payment.835").read_text().replace("000000101", "000000199"))
    with pytest.raises(RuleError, match="CHK10001 is already on the books"):
        era_import.import_era(again, admin)
    assert InsurancePayment.select().count() == 1 and check_ledger() == []


def test_a_failure_mid_file_leaves_nothing_half_posted(patient, admin, monkeypatch):
    from billing_desk.services.books import remit_lines

    jane, richard, edgar = (patient(), patient(member="MEM456", last="Roe", first="Richard"),
                            patient(member="MEM789", last="Poe", first="Edgar"))
    billed(jane, admin, "INV1008-1", [("99212", 1, "80.00")])
    billed(richard, admin, "INV1009-1", [("99211", 1, "60.00")])
    billed(edgar, admin, "INV1010-1", [("97110", 3, "50.00")])
    real, calls = remit_lines.post_line, []

    def dies_on_the_third(posting):
        calls.append(posting)
        if len(calls) == 3:
            raise KeyboardInterrupt("killed")
        return real(posting)

    monkeypatch.setattr("billing_desk.services.books.remittances.post_line", dies_on_the_third)
    with pytest.raises(KeyboardInterrupt):
        era_import.import_era(ERA / "three_claims.835", admin)
    assert InsurancePayment.select().count() == 0 and RemitLine.select().count() == 0
    assert [balances(a) for a in (jane, richard, edgar)] == [(D("80.00"), 0), (D("60.00"), 0),
                                                             (D("150.00"), 0)]


def test_the_paper_eob_and_the_835_give_identical_ledgers(patient, admin):
    from billing_desk.services.books import eob

    paper_account, file_account = patient(), patient(member="MEM456", last="Roe", first="Richard")
    lines = [("99214", 1, "150.00"), ("36415", 2, "25.00")]
    paper_invoice, paper_claim = billed(paper_account, admin, "PAPER-1", lines)
    file_invoice, _ = billed(file_account, admin, "INV1002-1", lines)
    era_import.import_era(ERA / "partial_payment.835", admin)
    # The same EOB on paper: the deductible and coinsurance named by their codes.
    check = insurance_money.receive_check(paper_claim.payer_id, "eft", "EFT-PAPER", "86.00", admin,
                                          received_on=dt.date(2024, 2, 1))
    first, second = lines_of(paper_invoice)
    keyed = [eob.EobLine(first.id, D("120.00"), D("56.00"), patient_responsibility=D("50.00"),
                         denial_reason="PR 1 deductible"),
             eob.EobLine(first.id, D("0"), D("0"), contractual=D("0"), patient_responsibility=D("14.00")),
             eob.EobLine(second.id, D("40.00"), D("30.00"), denial_reason="PR 3 copay")]
    paper = eob.eob_remittance(paper_claim, [keyed[0], keyed[2]], reference="EFT-PAPER",
                               paid_on=dt.date(2024, 2, 1))
    remittances.post_remittance(paper, admin, into=check.id)
    extra = eob.eob_remittance(paper_claim, [keyed[1]], reference="EFT-PAPER", paid_on=dt.date(2024, 2, 1))
    remittances.post_remittance(extra, admin, into=check.id)
    assert _totals(paper_invoice) == _totals(file_invoice)
    assert insurance_money.unapplied(check.id) == 0 and check_ledger() == []


def _totals(invoice):
    from remit_fixtures import ledger_of

    sums: dict = {}
    for position, kind, party, payer, amount in ledger_of(invoice):
        sums[(position, kind, party, payer)] = sums.get((position, kind, party, payer), 0) + amount
    return sums


def test_the_codes_are_seeded_and_the_office_may_edit_them(db, admin):
    from billing_desk.services.books import remit_codes

    assert RemitCode.get(kind="CARC", code="45").description.startswith("Charge exceeds fee schedule")
    assert RemitCode.get(kind="RARC", code="N130").description.startswith("Consult plan benefit")
    assert {c for (c,) in RemitCode.select(RemitCode.code).where(RemitCode.kind == "CARC").tuples()} >= {
        "1", "2", "3", "4", "16", "18", "22", "23", "27", "29", "45", "50", "96", "97", "109", "119",
        "167", "197", "204", "242", "253"}
    remit_codes.set_description("CARC", "45", "Over our contract price", admin)
    assert remit_codes.describe("CARC", "45") == "Over our contract price"
    assert remit_codes.describe("CARC", "9999") == ""


def test_a_missing_835_file_is_named_not_read_as_text(tmp_path):
    from billing_desk.errors import BillingError
    from billing_desk.services.books import era_import

    with pytest.raises(BillingError, match="is not there"):
        era_import.preview_era(tmp_path / "nothere.835")


def _secondaries(claim):
    return list(Claim.select().where(Claim.primary_claim == claim.id).order_by(Claim.id))


def test_a_reversal_voids_the_secondary_claim_its_payment_made_before_it_went_out(patient, admin,
                                                                                    office):
    account = patient(secondary=office["lakes"])
    _invoice, claim = billed(account, admin, "INV4001-1", [("99213", 1, "120.00")])
    remittances.post_remittance(acme_check("INV4001-1", "80.00", "20.00", "20.00"), admin)
    (secondary,) = _secondaries(claim)
    assert secondary.status in ("ready", "held") and secondary.payer.name == "Great Lakes"
    done = remittances.post_remittance(
        acme_check("INV4001-1", "80.00", "20.00", "20.00", status="22", reference="CHK-R2"), admin)
    assert Claim.get_by_id(secondary.id).status == "voided"
    assert [c.frequency for c in _secondaries(claim)] == ["1"]  # never sent: nothing to send
    assert any(f"claim {secondary.control_number}" in n and "voided" in n for n in done.notes)
    lakes = office["lakes"].payer_id
    assert sum(e.amount for e in LedgerEntry.select().where(LedgerEntry.payer == lakes)) == 0
    # the correction bills the secondary anew, for the patient's share it now says
    again = remittances.post_remittance(acme_check("INV4001-1", "90.00", "20.00", "10.00",
                                              reference="CHK-R3"), admin)
    fresh = [c for c in _secondaries(claim) if c.status != "voided"]
    assert len(fresh) == 1 and again.secondary_claims == [fresh[0].control_number]
    assert sum(e.amount for e in LedgerEntry.select().where(LedgerEntry.payer == lakes)) == D("10.00")
    assert check_ledger() == []


def test_a_reversal_marks_a_secondary_claim_that_went_out_for_a_void_and_says_so(patient, admin,
                                                                                   office):
    account = patient(secondary=office["lakes"])
    _invoice, claim = billed(account, admin, "INV4002-1", [("99213", 1, "120.00")])
    remittances.post_remittance(acme_check("INV4002-1", "80.00", "20.00", "20.00"), admin)
    (secondary,) = _secondaries(claim)
    Claim.update(status="submitted", submitted_mode="paper", payer_claim_number="GL-555").where(
        Claim.id == secondary.id).execute()
    done = remittances.post_remittance(
        acme_check("INV4002-1", "80.00", "20.00", "20.00", status="22", reference="CHK-R2"), admin)
    assert Claim.get_by_id(secondary.id).status == "voided"
    (void,) = [c for c in _secondaries(claim) if c.frequency == "8"]
    assert void.replaces_id == secondary.id and void.status == "ready"
    said = " ".join(done.notes)
    assert f"claim {secondary.control_number}" in said and f"void claim {void.control_number}" in said
    assert "frequency 8" in said and "to be sent" in said
    remittances.post_remittance(acme_check("INV4002-1", "90.00", "20.00", "10.00", reference="CHK-R3"), admin)
    billing = [c for c in _secondaries(claim) if c.status not in ("voided",) and c.frequency == "1"]
    assert len(billing) == 1  # the corrected share is billed on its own claim beside the void
    assert check_ledger() == []


def test_the_preview_of_a_reversal_says_the_secondary_claim_will_be_voided(patient, admin, office,
                                                                           tmp_path):
    account = patient(secondary=office["lakes"])
    billed(account, admin, "INV1005-1", [("99213", 1, "120.00")])
    billed(account, admin, "INV1006-1", [("99212", 1, "60.00")])
    remittances.post_remittance(acme_check("INV1005-1", "80.00", "20.00", "20.00"), admin)
    preview = era_import.preview_era(ERA / "reversal_correction.835")
    assert any("secondary claim" in line and "voided" in line for line in preview.lines())
