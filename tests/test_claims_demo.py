"""The demo office bills insurers: a Luhn-valid NPI, providers, children on a parent's plan, and
claims in every status, each one readable as a ClaimForm and consistent with its invoice."""

from __future__ import annotations

from billing_desk.choices import CLAIM_STATUSES
from billing_desk.models import Account, Claim, Coverage, Provider
from billing_desk.services.claims.claim_checks import check_claims
from billing_desk.services.claims.forms import claim_form
from billing_desk.services.claims.identity import billing_identity, identity_problems, npi_is_valid
from billing_desk.services.demo import build_demo


def test_the_demo_has_claims_in_every_status(db):
    build_demo(accounts=30, seed=11)
    assert identity_problems(billing_identity()) == [] and npi_is_valid(billing_identity().npi)
    assert Provider.select().where(Provider.role == "rendering").count() == 3
    assert Provider.select().where(Provider.role == "referring").count() == 1
    assert all(npi_is_valid(p.npi) for p in Provider.select())
    assert {a.sex for a in Account.select().where(Account.kind == "patient")} == {"M", "F"}
    assert Coverage.select().where(Coverage.relationship == "child").exists()
    statuses = {c.status for c in Claim.select()}
    assert statuses == set(CLAIM_STATUSES)
    assert {c.frequency for c in Claim.select()} == {"1", "7", "8"}
    assert Claim.select().where(Claim.rank == "secondary").exists()
    assert check_claims() == []
    for claim in Claim.select():
        form = claim_form(claim.id)
        assert form.total_charge == claim.total_charge
    child = Claim.select().join(Coverage).where(Coverage.relationship == "child").first()
    assert child is not None and claim_form(child.id).subscriber.relationship == "child"


def test_the_demo_has_remittances_denials_and_unapplied_money(db):
    from billing_desk.models import InsurancePayment, RemitLine
    from billing_desk.services.books import insurance_money, remittances
    from billing_desk.services.books.ledger import check_ledger

    build_demo(accounts=30, seed=11)
    assert InsurancePayment.select().where(InsurancePayment.source == "835").count() == 1
    assert InsurancePayment.select().where(InsurancePayment.source == "paper").exists()
    assert RemitLine.select().where(RemitLine.claim_status == "4").exists() or Claim.select().where(
        Claim.status == "denied").exists()
    assert [u.claim_number for u in remittances.unmatched_list()] == ["OTHER-4411"]
    assert sum(r.unapplied for r in insurance_money.unapplied_list()) >= 61.50
    assert check_ledger() == []
