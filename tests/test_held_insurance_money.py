"""Issue 17: insurance money held unapplied on the payer, applied later to a chosen claim line or
refunded; every check stays whole (the ledger check proves it); an insurer's check keyed onto a
closed day goes on the next open day's deposit, and a closed day's deposit never changes."""

from __future__ import annotations

import datetime as dt

import pytest
from claims_fixtures import DAY, insured, office  # noqa: F401
from remit_fixtures import ERA, D, acme, billed, lines_of, patient  # noqa: F401

from billing_desk.errors import PermissionDenied, RuleError, ValidationError
from billing_desk.models import (
    Account,
    AuditEntry,
    ClaimEvent,
    InsuranceMoney,
    InsurancePayment,
    LedgerEntry,
    Payment,
)
from billing_desk.services.books import era_import, insurance_money, payments
from billing_desk.services.books.deposits import deposit
from billing_desk.services.books.ledger import check_ledger
from billing_desk.services.books.reports_close import close_day


def held_check(claim, admin, amount="50.00", reference="CHK-HELD"):
    return insurance_money.receive_check(claim.payer_id, "check", reference, amount, admin,
                                         received_on=DAY)


def test_held_money_is_applied_to_a_chosen_claim_line(patient, admin):
    account = patient()
    invoice, claim = billed(account, admin, "INV3001-1", [("99213", 1, "100.00"), ("36415", 1, "20.00")])
    check = held_check(claim, admin)
    first, second = lines_of(invoice)
    choices = insurance_money.lines_to_apply(check.id, "INV3001-1")
    assert [(c.position, c.code, c.owed) for c in choices] == [(1, "99213", D("100.00")),
                                                               (2, "36415", D("20.00"))]
    part = insurance_money.apply_unapplied(check.id, claim.id, first.id, "30.00", admin)
    assert (part.amount, part.source, part.insurance_payment_id) == (D("30.00"), "insurance", check.id)
    assert lines_of(invoice)[0].insurance_balance == D("70.00")
    fresh = Account.get_by_id(account.id)
    assert (fresh.insurance_balance, fresh.patient_balance) == (D("90.00"), 0)
    assert insurance_money.unapplied(check.id) == D("20.00")
    sums = insurance_money.check_sums(check.id)
    assert (sums.amount, sums.applied, sums.unapplied) == (D("50.00"), D("30.00"), D("20.00"))
    assert check_ledger() == []
    note = ClaimEvent.select().where(ClaimEvent.claim == claim.id).order_by(ClaimEvent.id.desc()).get().note
    assert "$30.00" in note and "CHK-HELD" in note and "line 1" in note
    assert AuditEntry.select().where(AuditEntry.action == "apply_unapplied").count() == 1
    # the rest of it on the other line; the check is then wholly applied
    insurance_money.apply_unapplied(check.id, claim.id, second.id, D("20.00"), admin)
    assert insurance_money.unapplied(check.id) == 0 and insurance_money.unapplied_list() == []
    assert check_ledger() == []


def test_applying_more_than_is_held_or_than_the_line_owes_is_refused_whole(patient, admin):
    account = patient()
    invoice, claim = billed(account, admin, "INV3002-1", [("99213", 1, "100.00"), ("36415", 1, "20.00")])
    check = held_check(claim, admin, "50.00")
    first, second = lines_of(invoice)
    other, _ = billed(account, admin, "INV3003-1", [("99212", 1, "60.00")])
    before = (LedgerEntry.select().count(), Payment.select().count(), InsuranceMoney.select().count())
    with pytest.raises(RuleError, match=r"holds \$50.00 unapplied; \$60.00 cannot be applied"):
        insurance_money.apply_unapplied(check.id, claim.id, first.id, "60.00", admin)
    with pytest.raises(RuleError, match=r"Acme Health owes \$20.00 on line 2 \(36415\) of claim "
                                        r"INV3002-1; \$25.00 cannot be applied"):
        insurance_money.apply_unapplied(check.id, claim.id, second.id, "25.00", admin)
    with pytest.raises(ValidationError, match="more than zero"):
        insurance_money.apply_unapplied(check.id, claim.id, first.id, "0", admin)
    with pytest.raises(ValidationError, match="not an amount"):
        insurance_money.apply_unapplied(check.id, claim.id, first.id, "ten", admin)
    with pytest.raises(ValidationError, match="not on claim INV3002-1"):
        insurance_money.apply_unapplied(check.id, claim.id, lines_of(other)[0].id, "5.00", admin)
    with pytest.raises(ValidationError, match="'NOPE' is not one of our claim numbers"):
        insurance_money.lines_to_apply(check.id, "NOPE")
    assert (LedgerEntry.select().count(), Payment.select().count(),
            InsuranceMoney.select().count()) == before
    assert check_ledger() == []


def test_another_payers_money_is_not_applied_to_a_claim(patient, admin, office):
    account = patient()
    _invoice, claim = billed(account, admin, "INV3004-1", [("99213", 1, "100.00")])
    lakes = insurance_money.receive_check(office["lakes"].payer_id, "check", "GL-1", "40.00", admin,
                                          received_on=DAY)
    with pytest.raises(RuleError, match="sent to Acme Health, not Great Lakes"):
        insurance_money.lines_to_apply(lakes.id, "INV3004-1")
    with pytest.raises(RuleError, match="sent to Acme Health, not Great Lakes"):
        insurance_money.apply_unapplied(lakes.id, claim.id, lines_of(_invoice)[0].id, "10.00", admin)


def test_a_refund_over_the_threshold_needs_a_supervisor(patient, admin, clerk):
    account = patient()
    _invoice, claim = billed(account, admin, "INV3005-1", [("99213", 1, "100.00")])
    check = held_check(claim, admin, "500.00")
    with pytest.raises(PermissionDenied):
        insurance_money.refund_unapplied(check.id, "300.00", "overpaid", clerk)
    insurance_money.refund_unapplied(check.id, "50.00", "overpaid", clerk)  # under the threshold
    insurance_money.refund_unapplied(check.id, "300.00", "overpaid", admin)
    assert insurance_money.unapplied(check.id) == D("150.00") and check_ledger() == []


def test_voiding_a_part_of_an_insurance_check_holds_its_money_on_the_payer(patient, admin):
    account = patient()
    billed(account, admin, "INV1001-1", [("99213", 1, "100.00")])
    era_import.import_era(ERA / "full_payment.835", admin)
    check = InsurancePayment.get()
    (part,) = Payment.select().where(Payment.insurance_payment == check.id)
    payments.void_payment(part.id, "posted to the wrong patient", admin)
    assert insurance_money.unapplied(check.id) == D("100.00")
    (row,) = insurance_money.unapplied_list()
    assert "voided" in row.reason and "wrong patient" in row.reason
    assert Account.get_by_id(account.id).insurance_balance == D("100.00")
    assert check_ledger() == []


MON, TUE, WED = dt.date(2026, 3, 2), dt.date(2026, 3, 3), dt.date(2026, 3, 4)


def test_an_insurance_check_keyed_onto_a_closed_day_goes_on_the_next_open_days_deposit(
        patient, admin, supervisor):
    account = patient()
    _invoice, claim = billed(account, admin, "INV3006-1", [("99213", 1, "100.00")])
    first = insurance_money.receive_check(claim.payer_id, "check", "CHK-MON", "40.00", admin,
                                          received_on=MON, entry_date=MON)
    close_day(MON, supervisor, now=WED)
    before = deposit(MON)
    assert [(r.reference, r.amount) for r in before.received] == [("CHK-MON", D("40.00"))]
    late = insurance_money.receive_check(claim.payer_id, "check", "CHK-LATE", "25.00", admin,
                                         received_on=MON, entry_date=MON)
    assert late.entered_on == TUE and late.received_on == MON
    assert deposit(MON).received == before.received  # a closed day's deposit never changes
    assert [(r.reference, r.amount) for r in deposit(TUE).received] == [("CHK-LATE", D("25.00"))]
    assert all(m.entry_date == TUE for m in InsuranceMoney.select().where(
        InsuranceMoney.insurance_payment == late.id))
    insurance_money.apply_unapplied(first.id, claim.id, lines_of(_invoice)[0].id, "40.00", admin,
                                    entry_date=MON)
    assert deposit(MON).received == before.received
    assert Payment.get(Payment.insurance_payment == first.id).entered_on == TUE
    assert check_ledger() == []


def test_an_835_posted_onto_a_closed_day_goes_on_the_next_open_days_deposit(patient, admin,
                                                                            supervisor):
    account = patient()
    billed(account, admin, "INV1001-1", [("99213", 1, "100.00")])
    close_day(MON, supervisor, now=WED)
    era_import.import_era(ERA / "full_payment.835", admin, entry_date=MON)
    assert deposit(MON).received == []
    assert [(r.reference, r.amount) for r in deposit(TUE).received] == [("CHK10001", D("100.00"))]
    assert check_ledger() == []


def test_the_unapplied_list_and_report_answer_as_of_a_day(patient, admin, tmp_path):
    from openpyxl import load_workbook
    from pypdf import PdfReader

    from billing_desk.printing.excel import render_xlsx
    from billing_desk.printing.pdf import render_pdf
    from billing_desk.reports import AS_OF, REPORTS, Params, run

    account = patient()
    invoice, claim = billed(account, admin, "INV3007-1", [("99213", 1, "100.00")])
    first = insurance_money.receive_check(claim.payer_id, "check", "CHK-A", "40.00", admin,
                                          received_on=MON, entry_date=MON)
    insurance_money.receive_check(claim.payer_id, "eft", "EFT-B", "15.00", admin,
                                  received_on=WED, entry_date=WED)
    insurance_money.apply_unapplied(first.id, claim.id, lines_of(invoice)[0].id, "30.00", admin,
                                    entry_date=WED)
    on_tuesday = insurance_money.unapplied_list(as_of=TUE)
    assert [(r.reference, r.unapplied, r.days) for r in on_tuesday] == [("CHK-A", D("40.00"), 1)]
    now = insurance_money.unapplied_list(as_of=WED)
    assert [(r.reference, r.method, r.unapplied) for r in now] == [("CHK-A", "check", D("10.00")),
                                                                   ("EFT-B", "eft", D("15.00"))]
    assert insurance_money.unapplied_list(as_of=dt.date(2026, 3, 1)) == []
    assert insurance_money.unapplied_list(payer="Nobody Health") == []
    assert AS_OF in REPORTS["unapplied-insurance"].takes
    report = run("unapplied-insurance", Params(as_of=WED))
    assert report.title == "Unapplied insurance money"
    rows = list(report.all_rows())
    assert [(r["reference"], r["unapplied"]) for r in rows] == [("CHK-A", D("10.00")), ("EFT-B", D("15.00"))]
    assert [g.title for g in report.groups] == ["Acme Health"]
    assert dict(report.parameters)["As of"] == WED
    assert [r["unapplied"] for r in run("unapplied-insurance", Params(as_of=TUE)).all_rows()] == [D("40.00")]
    pdf, xlsx = tmp_path / "u.pdf", tmp_path / "u.xlsx"
    with open(pdf, "wb") as out:
        render_pdf(report, out, None)
    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "Unapplied insurance money" in text and "CHK-A" in text and "$25.00" in text
    render_xlsx(report, xlsx)
    values = [c.value for row in load_workbook(xlsx).active.iter_rows() for c in row]
    assert "EFT-B" in values and 15 in values


def test_the_command_line_writes_the_unapplied_insurance_report(patient, admin, tmp_path, db, capsys):
    from openpyxl import load_workbook

    from billing_desk.cli import main

    account = patient()
    _invoice, claim = billed(account, admin, "INV3008-1", [("99213", 1, "100.00")])
    insurance_money.receive_check(claim.payer_id, "check", "CHK-CLI", "12.34", admin, received_on=DAY)
    out = tmp_path / "unapplied.xlsx"
    path = db.path
    db.close()
    code = main(["report", "unapplied-insurance", "--db", str(path), "--as-of", "2026-12-31",
                 "--format", "xlsx", "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    values = [c.value for row in load_workbook(out).active.iter_rows() for c in row]
    assert "CHK-CLI" in values and 12.34 in values
