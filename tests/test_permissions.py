"""Who may do what: each protected action is refused for a clerk in the services themselves."""

import datetime as dt
from decimal import Decimal

import pytest

from billing_desk.errors import PermissionDenied
from billing_desk.models import User
from billing_desk.services.accounts import registry
from billing_desk.services.office import audit, auth, permissions, settings, users
from billing_desk.services.office.permissions import NEEDS, can, require

pytestmark = pytest.mark.both_engines

PASSWORD = "supervisor pass"


@pytest.fixture(autouse=True)
def _fast_hash(monkeypatch):
    monkeypatch.setenv("BILLING_DESK_SCRYPT_N", "1024")


@pytest.fixture
def signed_supervisor(supervisor):
    supervisor.password_hash = auth.hash_password(PASSWORD)
    supervisor.save()
    return supervisor


def test_every_protected_action_needs_more_than_a_clerk(clerk, supervisor, admin):
    for action in NEEDS:
        assert not can(clerk, action), action
        assert can(admin, action), action
        with pytest.raises(PermissionDenied, match="may not"):
            require(clerk, action)
    assert can(supervisor, "void_invoice") and not can(supervisor, "manage_users")
    supervisor.active = False
    assert not can(supervisor, "void_invoice")


def test_services_refuse_a_clerk(clerk, admin, make_account, catalogue):
    from billing_desk.services.books import adjustments, invoices, payments

    pending = registry.create_account(registry.AccountForm(
        first_name="Pat", last_name="Pending", date_of_birth="03/04/1975", phone="212-555-0101",
        state="NY", zip_code="10001"), clerk)
    account = make_account()
    draft = invoices.InvoiceDraft(account_id=account.id, service_date=dt.date.today(),
                                  lines=[invoices.LineInput(code="99213", quantity="1")],
                                  diagnoses=["J06.9"])
    invoice = invoices.post_invoice(invoices.save_draft(draft, admin).id, admin)
    line = invoice.lines[0]
    payment = payments.record_payment(account.id, "500.00", admin, method="cash")
    refusals = [
        lambda: registry.approve_account(pending.id, clerk),
        lambda: invoices.void_invoice(invoice.id, "typed twice", clerk),
        lambda: payments.void_payment(payment.id, "bounced", clerk),
        lambda: adjustments.adjust_line(line.id, "write_off", "10.00", "small balance", clerk),
        lambda: adjustments.adjust_line(line.id, "credit_memo", "110.00", "returned", clerk),
        lambda: payments.refund(account.id, "300.00", "moved away", clerk),
        lambda: settings.set_setting("idle_lock_minutes", 5, clerk),
        lambda: users.add_user(clerk, "eve", "Eve", "administrator", "long enough!", "long enough!"),
        lambda: users.update_user(clerk, clerk.id, role="administrator"),
        lambda: users.reset_password(clerk, admin.id, "long enough!", "long enough!"),
        lambda: audit.find(clerk, audit.AuditFilter()),
    ]
    before = audit.AuditEntry.select().count()
    for attempt in refusals:
        with pytest.raises(PermissionDenied):
            attempt()
    written = [e.action for e in audit.AuditEntry.select().where(audit.AuditEntry.id > before)]
    assert written == ["denied"] * len(refusals)  # each refusal audited, nothing written half-way
    assert User.get_by_id(clerk.id).role == "clerk"


def test_a_supervisor_sign_off_lets_a_clerk_go_on(clerk, signed_supervisor):
    with pytest.raises(PermissionDenied):
        require(clerk, "void_invoice", approved_by=signed_supervisor)  # no password typed
    with pytest.raises(PermissionDenied, match="wrong"):
        auth.signoff("super", "not the password", "void_invoice")
    approver = auth.signoff("super", PASSWORD, "void_invoice")
    require(clerk, "void_invoice", approved_by=approver)
    assert permissions.approver(clerk, "void_invoice", approver) == approver
    with pytest.raises(PermissionDenied):
        require(clerk, "manage_users", approved_by=approver)  # only what was signed off
    with pytest.raises(PermissionDenied, match="either"):
        auth.signoff("super", PASSWORD, "manage_users")
    approver._signed_off["void_invoice"] -= dt.timedelta(minutes=permissions.SIGNOFF_MINUTES + 1)
    with pytest.raises(PermissionDenied):
        require(clerk, "void_invoice", approved_by=approver)  # a sign-off does not last


def test_a_clerk_cannot_sign_off_for_themself(clerk):
    clerk.password_hash = auth.hash_password("clerk password")
    clerk.save()
    with pytest.raises(PermissionDenied, match="either"):
        auth.signoff("clerk", "clerk password", "write_off")


def test_the_last_administrator_cannot_be_disabled(admin, supervisor):
    from billing_desk.errors import RuleError

    with pytest.raises(RuleError, match="at least one active administrator"):
        users.update_user(admin, admin.id, active=False)
    users.update_user(admin, supervisor.id, role="administrator")
    users.update_user(admin, admin.id, active=False)
    assert not User.get_by_id(admin.id).active and User.select().count() == 2  # nobody deleted
    assert Decimal("1")  # money untouched
