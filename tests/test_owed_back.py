"""The primary reverses its payment after the secondary had paid: the secondary's claim is voided
and its money comes off the invoice, held on its check as owed back to the secondary payer until
the clerk refunds it or applies it to the corrected claim (or the payer takes it back itself)."""

from __future__ import annotations

import datetime as dt

import pytest
from claims_fixtures import DAY, office  # noqa: F401
from remit_fixtures import D, acme, acme_check, billed, lines_of, patient  # noqa: F401

from billing_desk.models import Account, Claim, InsuranceMoney, InsurancePayment, LedgerEntry, Payment
from billing_desk.remittance import ClaimPayment, Remittance, RemittanceAdjustment, RemittanceLine
from billing_desk.services.books import insurance_money, remittances
from billing_desk.services.books.ledger import check_ledger
from billing_desk.services.claims.claim_checks import check_claims

pytestmark = pytest.mark.both_engines


def _lakes_claim(number, paid, share, status="1"):
    sign = -1 if status == "22" else 1
    paid, share = sign * D(paid), sign * D(share)
    adjustments = (RemittanceAdjustment("PR", "1", share),) if share else ()
    return ClaimPayment(number, status, sign * D("120.00"), paid, lines=(RemittanceLine(
        "99213", sign * D("120.00"), paid, adjustments=adjustments),))


def _lakes(reference, *claims):
    return Remittance("GREAT LAKES", "GLM01", "check", reference, sum((c.paid for c in claims), D(0)),
                      DAY, claims=claims)


def _sent(claim):
    Claim.update(status="submitted", submitted_mode="paper").where(Claim.id == claim.id).execute()
    return Claim.get_by_id(claim.id)


def _owed(line, payer_id):
    return sum((e.amount for e in LedgerEntry.select().where(LedgerEntry.line == line.id,
                                                             LedgerEntry.payer == payer_id)), D(0))


def _clean():
    assert check_ledger() == []
    assert check_claims() == []
    for check in InsurancePayment.select():
        sums = insurance_money.check_sums(check.id)
        assert sums.accounted == sums.amount, check.reference


@pytest.fixture
def reversed_after_secondary_paid(patient, admin, office):
    """Acme paid 80 (CO 20, PR 20 to Great Lakes); Great Lakes paid 15 and put 5 on the patient;
    then Acme reversed its payment."""
    account = patient(secondary=office["lakes"])
    invoice, claim = billed(account, admin, "INV5001-1", [("99213", 1, "120.00")])
    remittances.post_remittance(acme_check("INV5001-1", "80.00", "20.00", "20.00"), admin)
    secondary = _sent(Claim.get(Claim.primary_claim == claim.id))
    remittances.post_remittance(_lakes("GL-1", _lakes_claim(secondary.control_number, "15.00", "5.00")),
                                admin)
    fresh = Account.get_by_id(account.id)
    assert (fresh.insurance_balance, fresh.patient_balance) == (0, D("5.00"))
    done = remittances.post_remittance(
        acme_check("INV5001-1", "80.00", "20.00", "20.00", status="22", reference="CHK-R2"), admin)
    return {"account": account, "invoice": invoice, "claim": claim, "secondary": secondary,
            "done": done, "check": InsurancePayment.get(InsurancePayment.reference == "GL-1")}


def test_the_secondarys_payment_comes_off_the_invoice_and_is_owed_back(reversed_after_secondary_paid,
                                                                       office):
    case = reversed_after_secondary_paid
    (line,) = lines_of(case["invoice"])
    assert (line.insurance_balance, line.patient_balance) == (D("120.00"), 0)  # Acme owes it all again
    assert _owed(line, office["lakes"].payer_id) == 0
    assert Claim.get_by_id(case["secondary"].id).status == "voided"
    (part,) = Payment.select().where(Payment.insurance_payment == case["check"].id)
    assert part.status == "void" and "owed back" in part.void_reason
    (row,) = insurance_money.unapplied_list()
    assert (row.reference, row.unapplied, row.owed_back) == ("GL-1", D("15.00"), True)
    assert row.reason.startswith("owed back to Great Lakes")
    assert case["secondary"].control_number in row.reason
    said = " ".join(case["done"].notes)
    assert "$15.00" in said and "owed back to Great Lakes" in said
    _clean()


def test_money_owed_back_is_refunded_to_the_payer(reversed_after_secondary_paid, admin):
    check = reversed_after_secondary_paid["check"]
    insurance_money.refund_unapplied(check.id, "15.00", "claim voided after the primary's reversal",
                                     admin, reference="R-77")
    assert insurance_money.unapplied_list() == []
    _clean()


def test_money_owed_back_is_applied_to_the_corrected_secondary_claim(reversed_after_secondary_paid,
                                                                     admin, office):
    case = reversed_after_secondary_paid
    remittances.post_remittance(acme_check("INV5001-1", "90.00", "20.00", "10.00", reference="CHK-R3"),
                                admin)
    corrected = Claim.get(Claim.primary_claim == case["claim"].id, Claim.status.not_in(("voided",)),
                          Claim.frequency == "1")
    (line,) = insurance_money.lines_to_apply(case["check"].id, corrected.control_number)
    assert line.owed == D("10.00")
    insurance_money.apply_unapplied(case["check"].id, corrected.id, line.line_id, "10.00", admin)
    (row,) = insurance_money.unapplied_list()
    assert row.unapplied == D("5.00") and row.owed_back
    insurance_money.refund_unapplied(case["check"].id, "5.00", "the rest owed back", admin)
    fresh = Account.get_by_id(case["account"].id)
    assert (fresh.insurance_balance, fresh.patient_balance) == (0, 0)
    _clean()


def test_the_secondarys_own_reversal_is_taken_from_what_it_is_owed(reversed_after_secondary_paid, admin,
                                                                   office):
    """Great Lakes later sends its own reversal of the voided claim (CLP 22) beside its payment of
    the corrected one: the reversal is what was owed back, not a second take-back off the invoice."""
    case = reversed_after_secondary_paid
    remittances.post_remittance(acme_check("INV5001-1", "80.00", "20.00", "20.00", reference="CHK-R3"),
                                admin)
    corrected = _sent(Claim.get(Claim.primary_claim == case["claim"].id, Claim.status.not_in(("voided",)),
                                Claim.frequency == "1"))
    done = remittances.post_remittance(_lakes(
        "GL-2", _lakes_claim(case["secondary"].control_number, "15.00", "5.00", status="22"),
        _lakes_claim(corrected.control_number, "20.00", "0")), admin)
    (line,) = lines_of(case["invoice"])
    assert (line.insurance_balance, line.patient_balance) == (0, 0)
    assert insurance_money.unapplied_list() == []
    taken = InsuranceMoney.get(InsuranceMoney.kind == "refunded")
    assert taken.insurance_payment_id == case["check"].id and "GL-2" in taken.reason
    assert any("owed back" in n for n in done.notes)
    _clean()


def test_the_835_preview_says_the_secondarys_money_will_be_owed_back(patient, admin, office):
    from billing_desk.services.books.era_import import _preview_one

    account = patient(secondary=office["lakes"])
    billed(account, admin, "INV5002-1", [("99213", 1, "120.00")])
    remittances.post_remittance(acme_check("INV5002-1", "80.00", "20.00", "20.00"), admin)
    secondary = _sent(Claim.get(Claim.rank == "secondary"))
    remittances.post_remittance(_lakes("GL-1", _lakes_claim(secondary.control_number, "15.00", "5.00")),
                                admin)
    preview = _preview_one(acme_check("INV5002-1", "80.00", "20.00", "20.00", status="22",
                                    reference="CHK-R2"))
    assert "the $15.00 it paid taken off the invoice and held as owed back to Great Lakes" in \
        preview.claims[0].matched


def test_the_unapplied_insurance_report_says_each_checks_state_on_paper_and_in_excel(
        reversed_after_secondary_paid, admin, office, tmp_path):
    """The report has the State column the Claims tab's window shows: held, or owed back."""
    from openpyxl import load_workbook
    from pypdf import PdfReader

    from billing_desk.printing.excel import render_xlsx
    from billing_desk.printing.pdf import render_pdf
    from billing_desk.reports import Params, run

    insurance_money.receive_check(reversed_after_secondary_paid["claim"].payer_id, "check", "CHK-LEFT",
                                  "12.00", admin, received_on=DAY)
    report = run("unapplied-insurance", Params(as_of=DAY + dt.timedelta(days=10)))
    assert "State" in [c.title for c in report.columns]
    assert sorted((r["reference"], r["state"]) for r in report.all_rows()) == [
        ("CHK-LEFT", "held"), ("GL-1", "owed back")]
    pdf, xlsx = tmp_path / "u.pdf", tmp_path / "u.xlsx"
    with open(pdf, "wb") as out:
        render_pdf(report, out, None)
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(pdf).pages)
    assert "State" in text and "owed back" in text
    assert "GL-1 check 01/05/2026 10 $15.00 $15.00 owed back" in text
    assert "CHK-LEFT check 01/05/2026 10 $12.00 $12.00 held" in text
    render_xlsx(report, xlsx)
    rows = [[c.value for c in row] for row in load_workbook(xlsx).active.iter_rows()]
    header = next(row for row in rows if "State" in row)
    state = header.index("State")
    by_check = {row[0]: row[state] for row in rows if row[0] in ("GL-1", "CHK-LEFT")}
    assert by_check == {"GL-1": "owed back", "CHK-LEFT": "held"}


@pytest.fixture
def paid_without_a_check(patient, admin, office):
    """Acme paid 80 (PR 20 to Great Lakes); Great Lakes' 15 was recorded as a plain insurance
    payment with no check record (as the EOB screen recorded them before schema 5)."""
    from billing_desk.services.books import payments

    account = patient(secondary=office["lakes"])
    invoice, claim = billed(account, admin, "INV5006-1", [("99213", 1, "120.00")])
    remittances.post_remittance(acme_check("INV5006-1", "80.00", "20.00", "20.00"), admin)
    secondary = _sent(Claim.get(Claim.primary_claim == claim.id))
    (line,) = lines_of(invoice)
    part = payments.record_payment(account.id, "15.00", admin, method="check", reference="GL-OLD",
                                   source="insurance", payer_id=office["lakes"].payer_id,
                                   allocations=[(line.id, D("15.00"))], received_on=DAY, entry_date=DAY)
    return {"account": account, "invoice": invoice, "claim": claim, "secondary": secondary,
            "part": part}


def _deposit_lines(day):
    from billing_desk.services.books.deposits import deposit

    found = deposit(day)
    return ([(l.reference, l.source, l.amount) for l in found.received],
            [(l.reference, l.amount) for l in found.returned])


def test_a_secondary_payment_recorded_without_a_check_is_taken_back_and_held_as_owed_back(
        paid_without_a_check, admin, office):
    """Its money has no check record to be held on: one is made for it (the check it came on, as
    its payment says), which is no new deposit; the payment's own deposit day does not change,
    and taking it back is no bounced check on today's deposit."""
    from billing_desk.services.books.era_import import _preview_one
    from billing_desk.services.office.transactions import today

    case = paid_without_a_check
    lakes = office["lakes"].payer_id
    on_the_day = _deposit_lines(DAY)
    assert on_the_day == ([("GL-OLD", "insurance", D("15.00"))], [])
    reversal = acme_check("INV5006-1", "80.00", "20.00", "20.00", status="22", reference="CHK-R2")
    assert "the $15.00 it paid taken off the invoice and held as owed back to Great Lakes" in \
        _preview_one(reversal).claims[0].matched
    done = remittances.post_remittance(reversal, admin)
    assert any("Great Lakes had paid $15.00 on claim" in n and "owed back" in n for n in done.notes)
    (line,) = lines_of(case["invoice"])
    assert (line.insurance_balance, line.patient_balance, _owed(line, lakes)) == (D("120.00"), 0, 0)
    part = Payment.get_by_id(case["part"].id)
    assert part.status == "void" and "owed back" in part.void_reason
    (row,) = insurance_money.unapplied_list()
    assert (row.payer, row.reference, row.unapplied, row.state, row.received_on) == (
        "Great Lakes", "GL-OLD", D("15.00"), "owed back", DAY)
    assert _deposit_lines(DAY) == on_the_day
    assert _deposit_lines(today()) == ([("CHK-R1", "insurance", D("80.00")),
                                        ("CHK-R2", "insurance", D("-80.00"))], [])  # Acme's checks only
    insurance_money.refund_unapplied(row.check_id, "15.00", "owed back: claim voided", admin,
                                     reference="R-12")
    assert insurance_money.unapplied_list() == [] and _deposit_lines(DAY) == on_the_day
    _clean()


def test_a_payment_without_a_check_that_also_paid_another_invoice_is_left_and_said(
        patient, admin, office):
    from billing_desk.services.books import payments

    account = patient(secondary=office["lakes"])
    invoice, claim = billed(account, admin, "INV5007-1", [("99213", 1, "120.00")])
    other, _ = billed(account, admin, "INV5008-1", [("99212", 1, "50.00")])
    remittances.post_remittance(acme_check("INV5007-1", "80.00", "20.00", "20.00"), admin)
    _sent(Claim.get(Claim.primary_claim == claim.id))
    (line,), (elsewhere,) = lines_of(invoice), lines_of(other)
    part = payments.record_payment(account.id, "25.00", admin, method="check", reference="GL-OLD2",
                                   source="insurance", payer_id=office["lakes"].payer_id,
                                   allocations=[(line.id, D("15.00")), (elsewhere.id, D("10.00"))],
                                   received_on=DAY, entry_date=DAY)
    done = remittances.post_remittance(acme_check("INV5007-1", "80.00", "20.00", "20.00", status="22",
                                                reference="CHK-R2"), admin)
    said = " ".join(done.notes)
    assert "the payment GL-OLD2 ($25.00) from Great Lakes also paid other invoices, so it was not " \
        "taken back: the $15.00 it paid on invoice 1001 stays on it" in said
    assert Payment.get_by_id(part.id).status == "posted" and insurance_money.unapplied_list() == []
    _clean()


def test_a_secondary_payment_keyed_from_its_paper_eob_is_taken_back(patient, admin, office):
    """The EOB service (the window's): Great Lakes' check keyed, its claim posted into it."""
    from billing_desk.services.books import eob

    account = patient(secondary=office["lakes"])
    invoice, claim = billed(account, admin, "INV5009-1", [("99213", 1, "120.00")])
    remittances.post_remittance(acme_check("INV5009-1", "80.00", "20.00", "20.00"), admin)
    secondary = _sent(Claim.get(Claim.primary_claim == claim.id))
    lakes = office["lakes"].payer_id
    _invoice, (line,), answered = eob.eob_claim(str(invoice.number), lakes)
    assert answered.id == secondary.id
    check = insurance_money.receive_check(lakes, "check", "GL-9", "15.00", admin, received_on=DAY)
    remittances.post_remittance(eob.eob_remittance(answered, [eob.EobLine(line.id, D("20.00"), D("15.00"))],
                                                   reference="GL-9", paid_on=DAY), admin, into=check.id)
    done = remittances.post_remittance(acme_check("INV5009-1", "80.00", "20.00", "20.00", status="22",
                                                reference="CHK-R2"), admin)
    assert any("Great Lakes had paid $15.00" in n for n in done.notes)
    (line,) = lines_of(invoice)
    assert (line.insurance_balance, line.patient_balance, _owed(line, lakes)) == (D("120.00"), 0, 0)
    (row,) = insurance_money.unapplied_list()
    assert (row.reference, row.unapplied, row.state) == ("GL-9", D("15.00"), "owed back")
    _clean()
