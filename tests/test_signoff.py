"""Supervisor sign-off end to end: services take ``approved_by=``, screens ask and retry."""

import datetime as dt
from decimal import Decimal as D

import pytest

from billing_desk.errors import PermissionDenied
from billing_desk.models import Account, Adjustment, AuditEntry, Invoice
from billing_desk.services.accounts import registry
from billing_desk.services.books import adjustments, invoices, payments
from billing_desk.services.books.ledger import check_ledger
from billing_desk.services.collections import collection_actions as actions
from billing_desk.services.office import auth
from billing_desk.services.office.session import Session
from billing_desk.ui.office import signoff
from billing_desk.ui.prompts import ScriptedPrompter

PASSWORD = "supervisor pass"
TODAY = dt.date.today()


@pytest.fixture(autouse=True)
def _fast_hash(monkeypatch):
    monkeypatch.setenv("BILLING_DESK_SCRYPT_N", "1024")


@pytest.fixture
def sup(supervisor):
    supervisor.password_hash = auth.hash_password(PASSWORD)
    supervisor.save()
    return supervisor


def signed(action):
    """The supervisor typed their password for this action just now."""
    return auth.signoff("super", PASSWORD, action)


@pytest.fixture
def invoice(db, admin, clerk, catalogue, make_account):
    account = make_account(last="Nguyen")
    return invoices.quick_invoice(account.id, TODAY, [("99213", 1)], clerk)


def last_audit(action):
    return AuditEntry.select().where(AuditEntry.action == action).order_by(AuditEntry.id.desc()).first()


# --- services ----------------------------------------------------------------------------------
def test_a_clerk_voids_with_a_supervisor_who_signed_off(invoice, clerk, sup):
    with pytest.raises(PermissionDenied):  # the supervisor did not type a password
        invoices.void_invoice(invoice.id, "typed twice", clerk, approved_by=sup)
    with pytest.raises(PermissionDenied):  # a clerk cannot approve
        invoices.void_invoice(invoice.id, "typed twice", clerk, approved_by=clerk)
    with pytest.raises(PermissionDenied):  # signed off for something else
        invoices.void_invoice(invoice.id, "typed twice", clerk, approved_by=signed("write_off"))
    assert Invoice.get_by_id(invoice.id).status == "posted"
    invoices.void_invoice(invoice.id, "typed twice", clerk, approved_by=signed("void_invoice"))
    assert Invoice.get_by_id(invoice.id).status == "void"
    entry = last_audit("void")
    assert entry.username == "clerk" and entry.summary.endswith("(approved by super)")
    assert check_ledger() == []


def test_write_off_and_large_credit_store_the_approver(invoice, clerk, sup, admin):
    line = invoice.lines[0]
    with pytest.raises(PermissionDenied):
        adjustments.adjust_line(line.id, "write_off", "10.00", "small balance", clerk, approved_by=sup)
    made = adjustments.adjust_line(line.id, "write_off", "10.00", "small balance", clerk,
                                   approved_by=signed("write_off"))
    assert Adjustment.get_by_id(made.id).approved_by_id == sup.id
    assert "approved by super" in last_audit("write_off").summary
    small = adjustments.adjust_line(line.id, "discount", "1.00", "courtesy", clerk)
    assert small.approved_by_id is None and "approved" not in last_audit("discount").summary
    # A supervisor's own write-off names them as the approver, with no "approved by" note.
    own = adjustments.adjust_line(line.id, "write_off", "1.00", "rounding", sup)
    assert own.approved_by_id == sup.id and "approved" not in last_audit("write_off").summary
    with pytest.raises(PermissionDenied):  # over the threshold in all, though each part is not
        adjustments.credit_memo(invoice.id, [(line.id, "105.00")], "returned", clerk)
    memos = adjustments.credit_memo(invoice.id, [(line.id, "105.00")], "returned", clerk,
                                    approved_by=signed("large_credit"))
    assert memos and all(m.approved_by_id == sup.id for m in memos)
    assert "approved by super" in last_audit("credit_memo_approved").summary
    assert check_ledger() == []


def test_refund_and_void_payment_with_sign_off(db, admin, clerk, sup, make_account):
    account = make_account()
    payment = payments.record_payment(account.id, "500.00", admin, method="cash")
    with pytest.raises(PermissionDenied):
        payments.refund(account.id, "300.00", "moved away", clerk, approved_by=sup)
    refund = payments.refund(account.id, "300.00", "moved away", clerk, approved_by=signed("large_credit"))
    assert refund.approved_by_id == sup.id and "approved by super" in last_audit("refund").summary
    payments.refund(account.id, "200.00", "the rest", admin)  # nothing left, so the void below stops
    with pytest.raises(PermissionDenied):
        payments.void_payment(payment.id, "bounced", clerk)
    other = payments.record_payment(account.id, "20.00", admin, method="cash")
    payments.void_payment(other.id, "bounced", clerk, approved_by=signed("void_payment"))
    assert "approved by super" in last_audit("void").summary
    assert check_ledger() == []


def test_approve_and_return_accounts_with_sign_off(db, clerk, sup):
    form = dict(date_of_birth="03/04/1975", state="NY", zip_code="10001")
    first = registry.create_account(registry.AccountForm(
        first_name="Pat", last_name="One", phone="212-555-0101", **form), clerk)
    second = registry.create_account(registry.AccountForm(
        first_name="Pat", last_name="Two", phone="212-555-0102", **form), clerk)
    with pytest.raises(PermissionDenied):
        registry.approve_account(first.id, clerk, approved_by=sup)
    approver = signed("approve_account")
    registry.approve_account(first.id, clerk, approved_by=approver)
    approved = Account.get_by_id(first.id)
    assert approved.status == "active" and approved.approved_by_id == sup.id
    assert "approved by super" in last_audit("approve").summary
    registry.return_account(second.id, clerk, "old phone", approved_by=approver)  # good for 10 minutes
    assert "approved by super" in last_audit("return").summary


def test_collections_hand_off_and_write_off_with_sign_off(db, admin, clerk, sup, catalogue, make_account):
    handed, written = make_account(last="Adams"), make_account(last="Baker")
    for account in (handed, written):
        invoices.quick_invoice(account.id, TODAY, [("99213", 1)], clerk)
    with pytest.raises(PermissionDenied):
        actions.hand_off(handed.id, "ACME Recovery", "no answer", clerk, approved_by=sup)
    placed = actions.hand_off(handed.id, "ACME Recovery", "no answer", clerk,
                              approved_by=signed("agency_handoff"))
    assert placed == D("120.00") and "approved by super" in last_audit("agency_handoff").summary
    with pytest.raises(PermissionDenied):
        actions.write_off(written.id, "moved away", clerk)
    assert actions.write_off(written.id, "moved away", clerk, approved_by=signed("write_off")) == D("120.00")
    assert "approved by super" in last_audit("write_off").summary
    assert Adjustment.select().where(Adjustment.kind == "write_off",
                                     Adjustment.approved_by == sup).count() == 1
    assert check_ledger() == []


# --- the helper ----------------------------------------------------------------------------------
def test_run_with_signoff_asks_only_when_refused(db, clerk, sup):
    asked = []

    def work(approved_by):
        from billing_desk.services.office.permissions import require

        require(clerk, "void_invoice", approved_by)
        return approved_by

    def cancel(parent, action):
        asked.append(action)
        return None

    with pytest.raises(PermissionDenied, match="may not void"):
        signoff.run_with_signoff(None, "void_invoice", work, ask=cancel)
    assert asked == ["void_invoice"]
    approver = signed("void_invoice")
    assert signoff.run_with_signoff(None, "void_invoice", work, ask=lambda p, a: approver) is approver
    allowed = signoff.run_with_signoff(None, "void_invoice", lambda approved_by: "done",
                                       ask=lambda p, a: pytest.fail("not asked when allowed"))
    assert allowed == "done"


# --- screens --------------------------------------------------------------------------------------
def open_form(qtbot, db, clerk, invoice, reason):
    from billing_desk.ui.books.tab import InvoicesTab

    tab = InvoicesTab(Session(db, clerk), prompter=ScriptedPrompter())
    qtbot.addWidget(tab)
    form = tab.open_invoice(invoice.id)
    form.prompter = ScriptedPrompter(reason)
    return form


def test_a_clerk_voids_through_the_screen_after_sign_off(qtbot, db, invoice, clerk, sup, monkeypatch):
    asked = []

    def supervisor_signs(parent, action):
        asked.append(action)
        return signed(action)

    monkeypatch.setattr(signoff, "ask_signoff", supervisor_signs)
    form = open_form(qtbot, db, clerk, invoice, "billed in error")
    form.buttons["void"].click()
    assert asked == ["void_invoice"]
    assert Invoice.get_by_id(invoice.id).status == "void"
    assert "approved by super" in last_audit("void").summary


def test_a_cancelled_sign_off_changes_nothing(qtbot, db, invoice, clerk, sup, monkeypatch):
    monkeypatch.setattr(signoff, "ask_signoff", lambda parent, action: None)
    before = AuditEntry.select().count()
    form = open_form(qtbot, db, clerk, invoice, "billed in error")
    form.buttons["void"].click()
    assert "may not void" in form.message.text()
    assert Invoice.get_by_id(invoice.id).status == "posted"
    written = [e.action for e in AuditEntry.select().where(AuditEntry.id > before)]
    assert set(written) <= {"denied"}  # the refusal audited; nothing else written
    assert "“billed in error”" in form.message.text()  # the reason typed, quoted and kept
    monkeypatch.setattr(signoff, "ask_signoff", lambda parent, action: signed(action))
    form.prompter.answers.append("billed in error")
    form.buttons["void"].click()
    assert form.prompter.filled[-1] == "billed in error"
    assert Invoice.get_by_id(invoice.id).status == "void"


def test_a_clerk_approves_from_the_queue_after_sign_off(qtbot, db, clerk, sup, monkeypatch):
    from billing_desk.ui.accounts.account_approval import ApprovalQueue

    account = registry.create_account(registry.AccountForm(
        first_name="Pat", last_name="Queue", date_of_birth="03/04/1975", phone="212-555-0199",
        state="NY", zip_code="10001"), clerk)
    queue = ApprovalQueue(Session(db, clerk))
    qtbot.addWidget(queue)
    queue.refresh()
    assert queue.approve_button.isEnabled()
    monkeypatch.setattr(signoff, "ask_signoff", lambda parent, action: signed(action))
    queue.approve_button.click()
    assert Account.get_by_id(account.id).status == "active"
    assert Account.get_by_id(account.id).approved_by_id == sup.id
    assert "Approved" in queue.message.text()
