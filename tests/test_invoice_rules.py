"""Invoice rules: refused input, posted invoices frozen, void and credit memo, batches, papers."""

import datetime as dt
from decimal import Decimal as D

import pytest
from pypdf import PdfReader

from billing_desk.errors import PermissionDenied, RuleError, ValidationError
from billing_desk.models import Account, Coverage, FeeSchedule, InvoiceLine, Payer, Plan
from billing_desk.printing import invoice_docs
from billing_desk.services.books import adjustments, invoice_papers, invoices, payments
from billing_desk.services.books.ledger import check_ledger

pytestmark = pytest.mark.both_engines

DAY = dt.date(2026, 1, 5)
Draft, Line = invoices.InvoiceDraft, invoices.LineInput


def problems_of(exc):
    return {p.field: p.message for p in exc.value.problems}


def test_bad_codes_unbillable_icd_and_malformed_amounts_are_refused(db, clerk, catalogue, make_account):
    account = make_account()
    draft = Draft(account.id, DAY, diagnoses=["E11", "XYZ.9", "I10"],
                  lines=[Line("NOPE"), Line("99213", quantity="two"),
                         Line("36415", unit_price="12.345", pointers="A,E"),
                         Line("80053", unit_price="1e3", modifiers="25,ABC")])
    with pytest.raises(ValidationError) as caught:
        invoices.save_draft(draft, clerk)
    found = problems_of(caught)
    assert "category, not a billable code" in found["diagnoses[1]"]
    assert "not an ICD-10-CM code" in found["diagnoses[2]"]
    assert "not in the catalogue" in found["lines[1].code"]
    assert "not a whole number" in found["lines[2].quantity"]
    assert "more than two decimals" in found["lines[3].unit_price"]
    assert "'E' points at no diagnosis" in found["lines[3].pointers"]
    assert "not an amount" in found["lines[4].unit_price"]
    assert "2-character" in found["lines[4].modifiers"]
    assert invoices.Invoice.select().count() == 0


def test_thirteen_diagnoses_are_too_many(db, clerk, catalogue, make_account):
    codes = ["E11.9", "I10", "J06.9", "R05.9", "M54.50", "K21.9", "N39.0", "R51.9", "Z00.00",
             "E78.5", "F41.9", "G43.909", "L30.9"]
    with pytest.raises(ValidationError, match="at most 12"):
        invoices.save_draft(Draft(make_account().id, DAY, [Line("99213")], codes), clerk)


def test_a_posted_invoice_refuses_edits(db, clerk, catalogue, make_account):
    account = make_account()
    invoice = invoices.save_draft(Draft(account.id, DAY, [Line("99213")], ["E11.9"]), clerk)
    invoices.post_invoice(invoice.id, clerk, entry_date=DAY)
    with pytest.raises(RuleError, match="never edited"):
        invoices.save_draft(Draft(account.id, DAY, [Line("36415")]), clerk, invoice_id=invoice.id)
    with pytest.raises(RuleError):
        invoices.delete_draft(invoice.id, clerk)
    assert [l.code for l in InvoiceLine.select()] == ["99213"]


def test_void_needs_a_supervisor_and_a_reason_and_leaves_the_ledger_clean(db, clerk, supervisor,
                                                                          catalogue, make_account):
    account = make_account()
    invoice = invoices.quick_invoice(account.id, DAY, [("99213", 1)], clerk, entry_date=DAY)
    with pytest.raises(PermissionDenied):
        invoices.void_invoice(invoice.id, "wrong patient", clerk)
    with pytest.raises(ValidationError, match="reason"):
        invoices.void_invoice(invoice.id, "  ", supervisor)
    invoices.void_invoice(invoice.id, "wrong patient", supervisor, entry_date=DAY)
    assert Account.get_by_id(account.id).patient_balance == 0
    assert check_ledger() == []


def test_credit_memo_on_chosen_lines_paid_part_becomes_credit(db, clerk, supervisor, catalogue,
                                                              make_account):
    account = make_account()
    invoice = invoices.quick_invoice(account.id, DAY, [("99213", 1), ("PRD-KIT", 1)], clerk,
                                     entry_date=DAY)
    kit = invoice.lines.where(InvoiceLine.code == "PRD-KIT").get()
    payments.record_payment(account.id, "168.00", clerk, method="cash", entry_date=DAY)
    with pytest.raises(ValidationError, match="reason"):
        adjustments.credit_memo(invoice.id, [(kit.id, "48.00")], "", clerk)
    with pytest.raises(PermissionDenied):  # over the 100.00 threshold
        adjustments.credit_memo(invoice.id, [(kit.id, "48.00"), (kit.id - 1, "100")], "ret", clerk)
    adjustments.credit_memo(invoice.id, [(kit.id, "48.00")], "kit returned unopened", clerk,
                            entry_date=DAY)
    assert Account.get_by_id(account.id).unapplied_credit == D("48.00")
    with pytest.raises(RuleError, match="more than line"):
        adjustments.credit_memo(invoice.id, [(kit.id, "1.00")], "again", clerk)
    payments.refund(account.id, "48.00", "returned kit", clerk, entry_date=DAY)
    assert Account.get_by_id(account.id).unapplied_credit == 0
    assert check_ledger() == []


def test_batch_control_reconciles_count_and_total(db, clerk, catalogue, make_account):
    account = make_account()
    with pytest.raises(ValidationError) as caught:
        invoices.open_batch("0", "12.3.4", clerk)
    assert set(problems_of(caught)) == {"expected_count", "expected_total"}
    batch = invoices.open_batch("2", "135.00", clerk)
    invoices.save_draft(Draft(account.id, DAY, [Line("99213")], batch_id=batch.id), clerk)
    status = invoices.batch_status(batch.id)
    assert not status.balanced and "1 of 2 tickets, $120.00 of $135.00" in status.describe()
    with pytest.raises(RuleError, match="does not balance"):
        invoices.close_batch(batch.id, clerk)
    invoices.save_draft(Draft(account.id, DAY, [Line("36415")], batch_id=batch.id), clerk)
    assert invoices.close_batch(batch.id, clerk).balanced


def test_papers_print_the_breakdown_stub_superbill_and_deposit(db, clerk, catalogue, make_account,
                                                               tmp_path):
    payer = Payer.create(name="Acme")
    plan = Plan.create(payer=payer, name="PPO", copay=D("20"))
    FeeSchedule.create(payer=payer, item=catalogue["99213"], allowed=D("100.00"))
    account = make_account()
    Coverage.create(account=account, plan=plan, member_id="M1")
    catalogue["99213"].common = True
    catalogue["99213"].category = "Visits"
    catalogue["99213"].save()
    invoice = invoices.quick_invoice(account.id, DAY, [("99213", 1)], clerk, diagnoses=["E11.9"],
                                     entry_date=DAY)
    payments.record_payment(account.id, "20.00", clerk, method="check", reference="501",
                            entry_date=DAY)
    paper = invoice_papers.invoice_paper(invoice.id)
    text = _pdf_text(invoice_docs.invoice_pdf(paper, tmp_path / "inv.pdf"))
    assert f"Invoice {invoice.number}" in text and "Detach and return" in text
    assert "Amount enclosed" in text and "E11.9" in text
    text = _pdf_text(invoice_docs.explain_pdf(paper, tmp_path / "explain.pdf"))
    assert "Your plan allows $100.00" in text and "$20.00 your copay" in text
    text = _pdf_text(invoice_docs.superbill_pdf(invoice_papers.superbill_paper(), tmp_path / "sb.pdf"))
    assert "Visits" in text and "99213" in text and "36415" not in text
    text = _pdf_text(invoice_docs.deposit_pdf(invoice_papers.deposit_paper(DAY), tmp_path / "dep.pdf"))
    assert "Check" in text and "501" in text and "Total deposit: $20.00" in text


def _pdf_text(path):
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(str(path)).pages)
