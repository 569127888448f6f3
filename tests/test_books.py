"""The rules of the books: posting, numbering, voids, allocation, credits, the ledger check."""

import datetime as dt
import sqlite3
from decimal import Decimal as D

import pytest
from pg_office import outside_write

from billing_desk.errors import PermissionDenied, RuleError, ValidationError
from billing_desk.models import Account, AuditEntry, Invoice, LedgerEntry, database
from billing_desk.services.accounts import registry
from billing_desk.services.books import adjustments, invoices, payments
from billing_desk.services.books.ledger import check_ledger

pytestmark = pytest.mark.both_engines

DAY = dt.date(2026, 1, 5)


def post(account, codes, by, day=DAY):
    return invoices.quick_invoice(account.id, day, codes, by, entry_date=day)


def fresh(account):
    return Account.get_by_id(account.id)


def test_accounts_start_pending_and_cannot_be_invoiced(db, admin, clerk, catalogue):
    form = registry.AccountForm(first_name="Bo", last_name="Diaz", date_of_birth="03/04/1990")
    account = registry.create_account(form, clerk)
    assert account.status == "pending"
    draft = invoices.save_draft(invoices.InvoiceDraft(account.id, DAY, [invoices.LineInput("99213")]), clerk)
    with pytest.raises(RuleError, match="only active accounts"):
        invoices.post_invoice(draft.id, clerk)
    with pytest.raises(PermissionDenied):
        registry.approve_account(account.id, clerk)
    registry.approve_account(account.id, admin)
    assert invoices.post_invoice(draft.id, clerk).status == "posted"


def test_posting_numbers_without_gaps_and_freezes(db, admin, catalogue, make_account):
    account = make_account()
    first = post(account, [("99213", 1)], admin)
    bad = invoices.save_draft(invoices.InvoiceDraft(account.id, DAY, [invoices.LineInput("99213")]), admin)
    Account.update(status="inactive").where(Account.id == account.id).execute()
    with pytest.raises(RuleError):
        invoices.post_invoice(bad.id, admin)  # refused: the number it would have taken is not lost
    Account.update(status="active").where(Account.id == account.id).execute()
    second = invoices.post_invoice(bad.id, admin)
    assert (first.number, second.number) == (1001, 1002)
    with pytest.raises(RuleError, match="never edited"):
        invoices.save_draft(invoices.InvoiceDraft(account.id, DAY, [invoices.LineInput("36415")]),
                            admin, invoice_id=first.id)
    assert fresh(account).patient_balance == D("240.00")
    assert check_ledger() == []


def test_void_reverses_and_both_stay_visible(db, admin, clerk, catalogue, make_account):
    account = make_account()
    invoice = post(account, [("99213", 1), ("36415", 2)], admin)
    with pytest.raises(PermissionDenied):
        invoices.void_invoice(invoice.id, "wrong patient", clerk)
    with pytest.raises(ValidationError, match="reason"):
        invoices.void_invoice(invoice.id, " ", admin)
    invoices.void_invoice(invoice.id, "wrong patient", admin)
    kinds = [e.kind for e in LedgerEntry.select().where(LedgerEntry.invoice == invoice)]
    assert sorted(kinds) == ["charge", "charge", "void", "void"]
    assert fresh(account).patient_balance == 0
    assert Invoice.get_by_id(invoice.id).status == "void"
    assert check_ledger() == []
    assert AuditEntry.select().where(AuditEntry.action == "void").count() == 1


def test_payment_goes_to_the_oldest_items_and_overpayment_becomes_credit(db, admin, catalogue, make_account):
    account = make_account()
    old = post(account, [("99213", 1)], admin, dt.date(2026, 1, 5))
    new = post(account, [("36415", 1)], admin, dt.date(2026, 2, 5))
    payments.record_payment(account.id, "130.00", admin, entry_date=dt.date(2026, 3, 1))
    assert Invoice.get_by_id(old.id).patient_balance == 0
    assert Invoice.get_by_id(new.id).patient_balance == D("5.00")
    payments.record_payment(account.id, "25.00", admin, entry_date=dt.date(2026, 3, 2))
    account = fresh(account)
    assert (account.patient_balance, account.unapplied_credit) == (D("0.00"), D("20.00"))
    later = post(account, [("36415", 1)], admin, dt.date(2026, 3, 10))  # the credit pays it
    assert Invoice.get_by_id(later.id).patient_balance == 0
    assert fresh(account).unapplied_credit == D("5.00")
    payments.refund(account.id, "5.00", "overpaid", admin)
    assert fresh(account).unapplied_credit == 0
    assert check_ledger() == []


def test_payment_to_chosen_lines(db, admin, catalogue, make_account):
    account = make_account()
    old = post(account, [("99213", 1)], admin)
    new = post(account, [("80053", 1)], admin)
    line = new.lines.get()
    payments.record_payment(account.id, "45.00", admin, allocations=[(line.id, D("45.00"))])
    assert Invoice.get_by_id(new.id).patient_balance == 0
    assert Invoice.get_by_id(old.id).patient_balance == D("120.00")
    with pytest.raises(ValidationError, match="more than"):
        payments.record_payment(account.id, "500.00", admin, allocations=[(old.lines.get().id, D("500.00"))])
    assert check_ledger() == []


def test_bad_payment_input_is_refused_and_nothing_written(db, admin, make_account):
    account = make_account()
    before = LedgerEntry.select().count()
    for amount in ("12.345", "1e3", "-5", "abc", "0"):
        with pytest.raises(ValidationError) as caught:
            payments.record_payment(account.id, amount, admin)
        assert caught.value.problems[0].field == "amount"
    with pytest.raises(ValidationError, match="check number"):
        payments.record_payment(account.id, "5", admin, method="check")
    assert LedgerEntry.select().count() == before


def test_adjustments_need_reasons_and_rights(db, admin, clerk, catalogue, make_account):
    account = make_account()
    invoice = post(account, [("99213", 1), ("PRD-KIT", 1)], admin)
    visit, kit = list(invoice.lines.order_by(invoices.InvoiceLine.position))
    with pytest.raises(ValidationError, match="reason"):
        adjustments.adjust_line(visit.id, "discount", "10", "", clerk)
    with pytest.raises(PermissionDenied):
        adjustments.adjust_line(visit.id, "write_off", "10", "bad debt", clerk)
    adjustments.adjust_line(visit.id, "discount", "10.00", "courtesy", clerk)
    adjustments.adjust_line(kit.id, "credit_memo", "48.00", "returned unopened", clerk)
    adjustments.adjust_line(visit.id, "write_off", "10.00", "small balance", admin)
    with pytest.raises(RuleError, match="more than"):
        adjustments.adjust_line(visit.id, "discount", "500", "too much", admin)
    assert fresh(account).patient_balance == D("100.00")
    assert check_ledger() == []


def test_credit_memo_on_a_paid_line_leaves_a_credit(db, admin, catalogue, make_account):
    account = make_account()
    invoice = post(account, [("PRD-KIT", 1)], admin)
    payments.record_payment(account.id, "48.00", admin)
    adjustments.adjust_line(invoice.lines.get().id, "credit_memo", "48.00", "returned", admin)
    assert fresh(account).unapplied_credit == D("48.00")
    with pytest.raises(RuleError, match="more than line"):
        adjustments.adjust_line(invoice.lines.get().id, "credit_memo", "1.00", "again", admin)
    assert check_ledger() == []


def test_void_payment_reverses_it(db, admin, catalogue, make_account):
    account = make_account()
    post(account, [("99213", 1)], admin)
    payment = payments.record_payment(account.id, "150.00", admin, method="check", reference="1001")
    payments.void_payment(payment.id, "check bounced", admin)
    account = fresh(account)
    assert (account.patient_balance, account.unapplied_credit) == (D("120.00"), D("0.00"))
    assert check_ledger() == []


def test_insurance_remittance_splits_the_bill(db, admin, catalogue, make_account):
    from billing_desk.models import Coverage, Payer, Plan
    from billing_desk.services.books.payments import RemitLine

    account = make_account()
    payer = Payer.create(name="Blue")
    plan = Plan.create(payer=payer, name="PPO")
    Coverage.create(account=account, plan=plan, member_id="X1")
    invoice = post(account, [("99213", 1)], admin)
    assert fresh(account).insurance_balance == D("120.00")
    line = invoice.lines.get()
    adjustments.post_remittance(payer.id, account.id, "EFT1", [RemitLine(line.id, D("100.00"), D("80.00"))],
                                admin)
    account = fresh(account)
    assert (account.insurance_balance, account.patient_balance) == (D("0.00"), D("20.00"))
    payments.record_payment(account.id, "20.00", admin)
    assert fresh(account).patient_balance == 0
    assert check_ledger() == []


def tamper(db, sql: str) -> None:
    if db.server:
        return outside_write(db, [sql])
    con = sqlite3.connect(db.path)
    con.execute("DROP TRIGGER IF EXISTS ledger_entry_no_update")
    con.execute("DROP TRIGGER IF EXISTS ledger_entry_no_delete")
    con.execute(sql)
    con.commit()
    con.close()


@pytest.mark.parametrize("sql, finds", [
    ("UPDATE ledger_entry SET amount = amount + 1 WHERE id = 1", "ledger says"),
    ("UPDATE invoice SET patient_balance = patient_balance - 100", "balance says"),
    ("UPDATE account SET unapplied_credit = 500", "unapplied credit"),
    ("DELETE FROM ledger_entry WHERE kind = 'payment'", "payment #"),
    ("UPDATE invoice SET number = number + 5 WHERE number = 1002", "jump"),
])
def test_the_ledger_check_catches_tampering(db, admin, catalogue, make_account, sql, finds):
    account = make_account()
    post(account, [("99213", 1)], admin)
    post(account, [("36415", 1)], admin)
    payments.record_payment(account.id, "50.00", admin)
    assert check_ledger() == []
    tamper(db, sql)
    problems = check_ledger()
    assert any(finds in p for p in problems), problems


def test_every_write_is_audited_with_user_and_values(db, admin, catalogue, make_account):
    account = make_account()
    post(account, [("99213", 1)], admin)
    actions = [(e.action, e.username) for e in AuditEntry.select().order_by(AuditEntry.id)]
    assert ("create", "admin") in actions and ("approve", "admin") in actions and ("post", "admin") in actions
    entry = AuditEntry.get(AuditEntry.action == "approve")
    assert entry.before == {"status": "pending", "status_reason": ""}
    assert entry.after["status"] == "active"


def test_a_failure_inside_a_write_leaves_nothing_half_done(db, admin, catalogue, make_account):
    account = make_account()
    draft = invoices.save_draft(invoices.InvoiceDraft(account.id, DAY, [invoices.LineInput("99213"),
                                                                        invoices.LineInput("36415")]), admin)
    counts = (LedgerEntry.select().count(), AuditEntry.select().count())
    original = payments.apply_credit

    def explode(*_a, **_k):
        raise RuntimeError("power cut")

    payments.apply_credit = explode
    try:
        with pytest.raises(RuntimeError):
            invoices.post_invoice(draft.id, admin)
    finally:
        payments.apply_credit = original
    assert (LedgerEntry.select().count(), AuditEntry.select().count()) == counts
    assert Invoice.get_by_id(draft.id).status == "draft" and Invoice.get_by_id(draft.id).number is None
    assert invoices.post_invoice(draft.id, admin).number == 1001
    assert database.execute_sql("PRAGMA integrity_check").fetchone()[0] == "ok"


@pytest.mark.parametrize("line, field, words", [
    (invoices.LineInput("99213", quantity="-1"), "lines[1].quantity", "at least 1"),
    (invoices.LineInput("99213", quantity="two"), "lines[1].quantity", "not a whole number"),
    (invoices.LineInput("99213", unit_price="12.345"), "lines[1].unit_price", "more than two decimals"),
    (invoices.LineInput("99213", unit_price="1e3"), "lines[1].unit_price", "not an amount"),
    (invoices.LineInput("NOPE"), "lines[1].code", "not in the catalogue"),
    (invoices.LineInput("99213", pointers="3"), "lines[1].pointers", "points at no diagnosis"),
])
def test_bad_invoice_lines_are_refused_naming_the_field(db, admin, catalogue, make_account, line, field,
                                                         words):
    account = make_account()
    with pytest.raises(ValidationError) as caught:
        invoices.save_draft(invoices.InvoiceDraft(account.id, DAY, [line], diagnoses=["E11.9"]), admin)
    assert any(p.field == field and words in p.message for p in caught.value.problems), caught.value.problems
    assert Invoice.select().count() == 0


@pytest.mark.parametrize("day, words", [("02/30/2026", "not a date that exists"), ("", "required"),
                                        ("13/01/2026", "not a date that exists")])
def test_dates_that_do_not_exist_are_refused(db, admin, catalogue, make_account, day, words):
    account = make_account()
    with pytest.raises(ValidationError) as caught:
        invoices.save_draft(invoices.InvoiceDraft(account.id, day, [invoices.LineInput("99213")]), admin)
    assert any(p.field == "service_date" and words in p.message for p in caught.value.problems)
    assert Invoice.select().count() == 0
