"""The estimate against hand-worked cases (each worked out on paper in the comments)."""

import datetime as dt
from decimal import Decimal as D

import pytest

from billing_desk.services.books.estimate import (
    CategoryCopay,
    ChargeLine,
    PlanTerms,
    estimate,
    estimate_for,
)

pytestmark = pytest.mark.both_engines

VISIT = ChargeLine("99213", 1, D("120.00"), "Office visit")
PANEL = ChargeLine("80053", 1, D("45.00"), "Metabolic panel")
KIT = ChargeLine("PRD-KIT", 1, D("48.00"), "First aid kit")
FEES = {"99213": D("100.00"), "80053": D("40.00"), "36415": D("12.00")}


def plan(**terms):
    return PlanTerms(name=terms.pop("name", "Acme PPO"), allowed=terms.pop("allowed", FEES), **terms)


def amounts(line):
    return (line.allowed, line.primary_pays, line.secondary_pays, line.copay, line.deductible,
            line.coinsurance, line.not_covered, line.patient_pays)


def test_deductible_partly_met_then_coinsurance():
    # Deductible 500, 420 met: 80 left. Visit allowed 100: deductible 80, coinsurance 20% of 20
    # = 4.00, plan pays 16.00. Panel allowed 40: deductible used up, coinsurance 8.00, pays 32.00.
    est = estimate([VISIT, PANEL], plan(deductible=D("500"), deductible_met=D("420"),
                                        coinsurance=D("20")))
    visit, panel = est.lines
    assert amounts(visit) == (D("100.00"), D("16.00"), 0, 0, D("80.00"), D("4.00"), 0, D("84.00"))
    assert amounts(panel) == (D("40.00"), D("32.00"), 0, 0, 0, D("8.00"), 0, D("8.00"))
    assert (visit.contractual, panel.contractual) == (D("20.00"), D("5.00"))
    # Every cent of the charges is someone's: 165 = 48 insurance + 92 patient + 25 contractual.
    assert est.total("primary_pays") + est.total("patient_pays") + est.total("contractual") == D("165.00")


def test_copay_once_per_visit_from_the_first_covered_line():
    # Copay 25: the visit's allowed 100 -> copay 25, plan pays 75; the blood draw (allowed 12) is
    # paid in full by the plan.
    draw = ChargeLine("36415", 1, D("15.00"))
    est = estimate([VISIT, draw], plan(copay=D("25")))
    assert amounts(est.lines[0]) == (D("100.00"), D("75.00"), 0, D("25.00"), 0, 0, 0, D("25.00"))
    assert amounts(est.lines[1]) == (D("12.00"), D("12.00"), 0, 0, 0, 0, 0, 0)


def test_non_covered_code_is_the_patients_in_full():
    est = estimate([KIT, VISIT], plan(rules={"PRD-KIT": "not_covered"}))
    kit, visit = est.lines
    assert kit.rule == "not_covered" and kit.not_covered == kit.patient_pays == D("48.00")
    assert kit.primary_pays == 0 and "does not cover PRD-KIT" in kit.notes[0]
    assert visit.primary_pays == D("100.00") and visit.patient_pays == 0


def test_plan_that_lists_its_codes_does_not_cover_unlisted_ones():
    est = estimate([PANEL], plan(covers_unlisted=False, rules={"99213": "covered"}))
    assert est.lines[0].not_covered == D("45.00")


def test_prior_authorization_is_estimated_as_covered_with_a_warning():
    est = estimate([VISIT], plan(rules={"99213": "prior_auth"}))
    assert est.lines[0].primary_pays == D("100.00")
    assert "prior authorization" in est.lines[0].notes[0]


def test_secondary_pays_what_the_patient_owes_up_to_its_own_terms():
    primary = plan(deductible=D("500"), deductible_met=D("420"), coinsurance=D("20"))
    # Secondary with no cost-sharing: it would pay the whole 100 allowed; the patient owes 84
    # after the primary, so the secondary pays 84 and the patient nothing.
    generous = plan(name="Medigap", allowed={})
    visit = estimate([VISIT], primary, generous).lines[0]
    assert (visit.primary_pays, visit.secondary_pays, visit.patient_pays) == (D("16.00"), D("84.00"), 0)
    # Secondary with 50 deductible left and 10% coinsurance: as primary it would pay
    # 100 - 50 - 5.00 = 45.00, the smaller of 45 and 84; the patient owes 39.00.
    modest = plan(name="Spouse HMO", allowed={}, deductible=D("50"), coinsurance=D("10"))
    visit = estimate([VISIT], primary, modest).lines[0]
    assert (visit.secondary_pays, visit.patient_pays) == (D("45.00"), D("39.00"))
    assert visit.insurance_pays == D("61.00")


def test_secondary_looks_at_a_line_the_primary_does_not_cover():
    primary = plan(rules={"PRD-KIT": "not_covered"})
    kit = estimate([KIT], primary, plan(name="Spouse", allowed={}, coinsurance=D("50"))).lines[0]
    # Charge 48 is the secondary's basis: it pays 50% = 24.00; the patient owes the other 24.00.
    assert (kit.not_covered, kit.secondary_pays, kit.patient_pays) == (D("48.00"), D("24.00"), D("24.00"))


def test_out_of_pocket_maximum_reached_part_way_and_in_full():
    # OOP max 1,000 with 990 met: 10 left. Visit coinsurance 20% of 100 = 20 -> capped to 10,
    # plan pays 90. Panel coinsurance 8 -> 0, plan pays all 40.
    terms = dict(deductible=D("500"), deductible_met=D("500"), coinsurance=D("20"),
                 oop_max=D("1000"))
    est = estimate([VISIT, PANEL], plan(oop_met=D("990"), **terms))
    assert [(l.coinsurance, l.primary_pays) for l in est.lines] == [(D("10.00"), D("90.00")),
                                                                    (0, D("40.00"))]
    est = estimate([VISIT, PANEL], plan(oop_met=D("1000"), copay=D("25"), **terms))
    assert est.total("patient_pays") == 0 and est.total("primary_pays") == D("140.00")


def test_no_insurance_means_the_patient_owes_the_charges():
    est = estimate([VISIT, KIT])
    assert est.total("patient_pays") == D("168.00") and est.total("insurance_pays") == 0


def test_coinsurance_rounds_half_up_to_the_cent():
    line = ChargeLine("X", 1, D("10.05"))
    est = estimate([line], plan(allowed={}, coinsurance=D("10")))
    assert est.lines[0].coinsurance == D("1.01")  # 1.005 -> 1.01
    assert est.lines[0].primary_pays == D("9.04")


def test_estimate_for_reads_coverages_fees_and_rules(db, admin, catalogue, make_account):
    from billing_desk.models import Coverage, FeeSchedule, Payer, Plan, PlanRule

    payer = Payer.create(name="Acme")
    acme = Plan.create(payer=payer, name="PPO", copay=D("20"), deductible=D("100"),
                       coinsurance=D("20"))
    FeeSchedule.create(payer=payer, item=catalogue["99213"], allowed=D("90.00"))
    PlanRule.create(plan=acme, item=catalogue["PRD-KIT"], rule="not_covered")
    account = make_account()
    Coverage.create(account=account, plan=acme, member_id="A1", deductible_met=D("60"))
    est = estimate_for(account.id, dt.date(2026, 1, 5),
                       [ChargeLine("99213", 1, D("120.00")), ChargeLine("PRD-KIT", 1, D("48.00"))])
    visit, kit = est.lines
    # Allowed 90: copay 20, deductible 40 (100 - 60 met), coinsurance 20% of 30 = 6, plan 24.
    assert amounts(visit) == (D("90.00"), D("24.00"), 0, D("20.00"), D("40.00"), D("6.00"), 0,
                              D("66.00"))
    assert kit.not_covered == D("48.00") and est.primary == "Acme PPO"


def test_an_office_visit_takes_its_category_copay_and_no_deductible():
    # Plan: copay 40, deductible 500 (none met), coinsurance 20%; office visits: copay 25, no
    # deductible. Visit allowed 100: copay 25, plan pays 75. Panel (Lab) allowed 40: the plan's
    # copay 40 takes it all. A second visit line in the same visit owes no second copay.
    terms = plan(copay=D("40"), deductible=D("500"), coinsurance=D("20"),
                 categories={"99213": "Visits", "80053": "Lab"},
                 category_copays={"Visits": CategoryCopay(D("25"), deductible_applies=False)})
    est = estimate([VISIT, PANEL, VISIT], terms)
    visit, panel, again = est.lines
    assert amounts(visit) == (D("100.00"), D("75.00"), 0, D("25.00"), 0, 0, 0, D("25.00"))
    assert amounts(panel) == (D("40.00"), 0, 0, D("40.00"), 0, 0, 0, D("40.00"))
    assert amounts(again) == (D("100.00"), D("100.00"), 0, 0, 0, 0, 0, 0)


def test_a_category_copay_with_the_deductible_applying():
    # Visits: copay 10, deductible applies. Allowed 100: copay 10, deductible 50 (all that is
    # left), coinsurance 20% of 40 = 8, plan pays 32.
    terms = plan(deductible=D("50"), coinsurance=D("20"), categories={"99213": "Visits"},
                 category_copays={"Visits": CategoryCopay(D("10"), deductible_applies=True)})
    visit = estimate([VISIT], terms).lines[0]
    assert amounts(visit) == (D("100.00"), D("32.00"), 0, D("10.00"), D("50.00"), D("8.00"), 0,
                              D("68.00"))


def test_estimate_for_reads_the_plans_category_copays(db, admin, catalogue, make_account):
    from billing_desk.models import Coverage, Payer, Plan, PlanCopay

    catalogue["99213"].category = "Visits"
    catalogue["99213"].save()
    payer = Payer.create(name="Acme")
    acme = Plan.create(payer=payer, name="PPO", copay=D("40"), deductible=D("100"))
    PlanCopay.create(plan=acme, category="Visits", copay=D("25"), deductible_applies=False)
    account = make_account()
    Coverage.create(account=account, plan=acme, member_id="A1")
    est = estimate_for(account.id, dt.date(2026, 1, 5), [ChargeLine("99213", 1, D("120.00"))])
    assert amounts(est.lines[0]) == (D("120.00"), D("95.00"), 0, D("25.00"), 0, 0, 0, D("25.00"))


def test_standing_says_what_is_met_so_far():
    est = estimate([VISIT], plan(deductible=D("500"), deductible_met=D("420"), oop_max=D("3000")))
    assert est.standing() == ("Acme PPO: deductible met $420.00 of $500.00, out-of-pocket met "
                              "$0.00 of $3,000.00")
    assert estimate([VISIT]).standing() == "No insurance on file for the date of service"
