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


def test_the_demos_medicare_and_medicaid_payers_have_their_programs_and_files_say_so(db):
    """Medicare Part B is Medicare (MB, box 1 Medicare), Illinois Medicaid Medicaid (MC); no
    patient has Medicare after a plan Medicare pays before, nor one payer twice; every claim sent
    electronically, written again into one 837P file per payer, passes pyx12."""
    import dataclasses
    import datetime as dt

    from test_x12_837 import find, pyx12_errors

    from billing_desk.claim_form import Interchange
    from billing_desk.exchange.x12_837 import write_837p
    from billing_desk.models import Payer
    from billing_desk.services.claims.forms import submitter
    from billing_desk.services.claims.payer_order import medicare_order_problem

    build_demo(accounts=30, seed=11)
    assert {p.name: p.program for p in Payer.select()} == {
        "Blue Prairie Health": "commercial", "Medicare Part B": "medicare",
        "Illinois Medicaid": "medicaid", "Great Lakes Mutual": "commercial"}
    for second in Coverage.select().where(Coverage.rank == "secondary"):
        first = Coverage.get(Coverage.account == second.account_id, Coverage.rank == "primary")
        assert first.plan.payer_id != second.plan.payer_id
    assert all(medicare_order_problem(c) is None for c in Claim.select())
    sent = Claim.select().where(Claim.submitted_mode == "electronic").order_by(Claim.id)
    by_payer: dict[str, list] = {}
    for claim in sent:
        by_payer.setdefault(claim.payer.name, []).append(claim_form(claim.id))
    assert "Medicare Part B" in by_payer
    for number, (payer, forms) in enumerate(sorted(by_payer.items()), start=1):
        text = write_837p(Interchange(dataclasses.replace(submitter()), number, number, number,
                                      dt.datetime(2026, 3, 2, 9, 0), tuple(forms)))
        assert pyx12_errors(text) == [], payer
        codes = {s[9] for s in find(text, "SBR", "P") + find(text, "SBR", "S")}
        assert ("MB" in codes) == (payer == "Medicare Part B" or any(
            f.other_payer is not None and f.other_payer.payer.filing_code == "MB" for f in forms)), payer
