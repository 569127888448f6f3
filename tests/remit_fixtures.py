"""Claims to be paid by the hand-written 835 files in tests/data/era/ (payer Acme Health ACME01)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from claims_fixtures import DAY

D = Decimal
ERA = Path(__file__).parent / "data" / "era"


@pytest.fixture
def acme(office):
    from billing_desk.models import Payer, Plan

    payer = Payer.create(name="Acme Health", payer_id="ACME01", address="1 Payer Way, Hartford CT 06101")
    return Plan.create(payer=payer, name="PPO")


@pytest.fixture
def patient(acme, make_account):
    from billing_desk.models import Account, Coverage

    def make(member="MEM123", last="Doe", first="Jane", secondary=None):
        account = make_account(last=last, first=first, street="12 Elm St", city="Springfield", sex="F")
        Coverage.create(account=account, plan=acme, rank="primary", member_id=member)
        if secondary is not None:
            Coverage.create(account=account, plan=secondary, rank="secondary", member_id="GL-77")
        return Account.get_by_id(account.id)

    return make


def billed(account, admin, control, lines, submitted=True):
    """An invoice of (code, quantity, unit price) lines, its primary claim numbered ``control``."""
    from billing_desk.models import CatalogueItem, Claim
    from billing_desk.services.books import invoices

    for code, _q, price in lines:
        if CatalogueItem.get_or_none(CatalogueItem.code == code) is None:
            CatalogueItem.create(code=code, kind="procedure", description=f"code {code}",
                                 unit_price=D(price))
    draft = invoices.InvoiceDraft(account_id=account.id, service_date=DAY, diagnoses=["E11.9"],
                                  lines=[invoices.LineInput(code=c, quantity=q, unit_price=p, pointers="1")
                                         for c, q, p in lines])
    invoice = invoices.post_invoice(invoices.save_draft(draft, admin).id, admin, entry_date=DAY)
    claim = Claim.get(Claim.invoice == invoice.id, Claim.rank == "primary")
    Claim.update(control_number=control, status="submitted" if submitted else claim.status).where(
        Claim.id == claim.id).execute()
    return invoice, Claim.get_by_id(claim.id)


def lines_of(invoice):
    from billing_desk.models import InvoiceLine

    return list(InvoiceLine.select().where(InvoiceLine.invoice == invoice.id).order_by(InvoiceLine.position))


def ledger_of(invoice):
    """The invoice's ledger without ids, dates or words: (line position, kind, party, payer, amount)."""
    from billing_desk.models import InvoiceLine, LedgerEntry

    return sorted((e.line.position if e.line_id else 0, e.kind, e.party, e.payer_id, e.amount)
                  for e in LedgerEntry.select(LedgerEntry, InvoiceLine).join(InvoiceLine)
                  .where(LedgerEntry.invoice == invoice.id, LedgerEntry.kind != "charge"))


def acme_check(number, paid, contractual, share, status="1", reference="CHK-R1"):
    """An Acme Health check answering claim ``number``'s one $120.00 line: ``paid``, the
    contractual allowance and the patient's coinsurance; status 22 reverses them."""
    from billing_desk.remittance import ClaimPayment, Remittance, RemittanceAdjustment, RemittanceLine

    sign = -1 if status == "22" else 1
    paid, contractual, share = (sign * D(x) for x in (paid, contractual, share))
    adjustments = (RemittanceAdjustment("CO", "45", contractual), RemittanceAdjustment("PR", "2", share))
    return Remittance("ACME HEALTH", "ACME01", "check", reference, paid, DAY, claims=(ClaimPayment(
        number, status, sign * D("120.00"), paid, lines=(RemittanceLine(
            "99213", sign * D("120.00"), paid, adjustments=adjustments),)),))
