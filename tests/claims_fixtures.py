"""An office ready to bill insurers: its billing identity, payers, plans, patients covered."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

D = Decimal
DAY = dt.date(2026, 1, 5)
IDENTITY = dict(name="Maple Street Family Practice", npi="1234567893", tax_id="37-1234567",
                tax_id_kind="EIN", taxonomy="207Q00000X", street="120 Maple Street", city="Springfield",
                state="IL", zip_code="62701-1234", phone="(217) 555-0140", submitter_name="Maple Street",
                submitter_id="MSFP01", contact_name="Maria Lopez", contact_phone="(217) 555-0141",
                receiver_name="Clear House", receiver_id="CLEARHOUSE")


@pytest.fixture
def office(db, admin, catalogue, monkeypatch):
    """Identity set, two payers (electronic and paper), today pinned to DAY + 10."""
    from billing_desk.models import Payer, Plan
    from billing_desk.services.claims import identity
    from billing_desk.services.office import transactions

    monkeypatch.setattr(transactions, "_clock", lambda: DAY + dt.timedelta(days=10))
    import billing_desk.services.claims.scrubber as scrubber

    monkeypatch.setattr(scrubber, "office_today", lambda: DAY + dt.timedelta(days=10))
    identity.save_billing_identity(identity.BillingIdentity(**IDENTITY), admin)
    blue = Payer.create(name="Blue Prairie", payer_id="BPH01", timely_filing_days=180,
                        member_id_pattern=r"^[A-Z]{3}\d{6}$", address="PO Box 1, Chicago IL 60680")
    lakes = Payer.create(name="Great Lakes", payer_id="GLM01", claim_mode="paper", timely_filing_days=90,
                         address="Claims Dept, PO Box 9, Detroit, MI 48201")
    return {"blue": Plan.create(payer=blue, name="PPO", coinsurance=D("20")),
            "lakes": Plan.create(payer=lakes, name="Basic", coinsurance=D("20"))}


@pytest.fixture
def insured(office, make_account):
    """A patient with Blue Prairie primary and Great Lakes secondary."""
    from billing_desk.models import Account, Coverage

    def make(secondary=True, child=False, last="Lee", first="Ann"):
        account = make_account(last=last, first=first, street="12 Elm St", city="Springfield",
                               sex="F")
        Account.update(state="IL", zip_code="62704").where(Account.id == account.id).execute()
        extra = {}
        if child:
            extra = dict(relationship="child", subscriber_first_name="Bob", subscriber_last_name=last,
                         subscriber_date_of_birth=dt.date(1975, 3, 4), subscriber_sex="M",
                         subscriber_name=f"{last}, Bob")
        Coverage.create(account=account, plan=office["blue"], rank="primary", member_id="ABC123456",
                        group_number="G100", **extra)
        if secondary:
            Coverage.create(account=account, plan=office["lakes"], rank="secondary", member_id="GL-77")
        return Account.get_by_id(account.id)

    return make


def post(account, admin, codes=(("99213", 1), ("36415", 1)), pointers="1", day=DAY, **draft):
    from billing_desk.services.books import invoices

    made = invoices.InvoiceDraft(account_id=account.id, service_date=day, diagnoses=["E11.9", "I10"],
                                 lines=[invoices.LineInput(code=c, quantity=q, pointers=pointers)
                                        for c, q in codes], **draft)
    invoice = invoices.save_draft(made, admin)
    return invoices.post_invoice(invoice.id, admin, entry_date=day)


def only_claim(invoice, rank="primary"):
    from billing_desk.models import Claim

    (claim,) = Claim.select().where(Claim.invoice == invoice.id, Claim.rank == rank)
    return claim


def pay_primary(invoice, admin, paid=("80.00", "10.00"), allowed=("100.00", "12.00"), reason=""):
    from billing_desk.services.books import adjustments
    from billing_desk.services.books.payments import RemitLine

    lines = list(invoice.lines.order_by(invoice.lines.model.position))
    remits = [RemitLine(line_id=l.id, allowed=D(a), paid=D(p), denial_reason=reason)
              for l, p, a in zip(lines, paid, allowed)]
    return adjustments.post_remittance(invoice.payer_id, invoice.account_id, "EFT1", remits, admin,
                                       entry_date=DAY + dt.timedelta(days=5))
