"""The billing review's claim figures (issue 20): denial and clean-claim rates by payer and
reason code, days to claim and to payment, as of a past day; the denial recommendation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from claims_fixtures import DAY, insured, office, only_claim, post  # noqa: F401

from billing_desk.services.claims import claim_status as status
from billing_desk.services.review import build_review

pytestmark = pytest.mark.both_engines

JAN1 = dt.date(2026, 1, 1)


def test_claims_denial_and_clean_claim_rates_by_payer_and_reason(office, insured, admin):
    made = [post(insured(secondary=False, last=name), admin) for name in ("Lee", "Kim", "Ray")]
    claims = [only_claim(invoice) for invoice in made]
    status.submit([c.id for c in claims], "electronic", admin, on=DAY + dt.timedelta(days=2))
    status.mark_denied(claims[0].id, "CO197 precertification absent", admin, on=dt.date(2026, 1, 20))
    status.mark_paid(claims[1].id, admin)  # keyed today: not known on 01/31
    f = build_review(JAN1, dt.date(2026, 1, 31), as_of=dt.date(2026, 1, 31)).figures
    assert f["denial_rate"].value == D("0.3333") and f["denial_rate"].count == 3
    assert dict(f["denial_rate"].parts) == {"Blue Prairie": D("0.3333")}
    (row,) = f["denial_rate"].drill.rows
    assert (row["code"], row["code_billed"], row["payer"]) == ("CO-197", "99213", "Blue Prairie")
    assert f["clean_claim_rate"].value == D("0.6667")
    assert f["days_to_claim"].value == D("2.0")  # served 01/05, sent 01/07
    assert f["days_to_pay"].value is None and f["days_to_pay"].text() == "no claims in the period"
    # As of 01/15 the denial was not yet known.
    early = build_review(JAN1, dt.date(2026, 1, 31), as_of=dt.date(2026, 1, 15)).figures
    assert early["denial_rate"].value == D("0") and early["clean_claim_rate"].value == D("1")


def test_a_denial_recommendation_names_payer_reason_and_next_step(office, insured, admin):
    from billing_desk.services.office.settings import set_setting

    set_setting("review_minimum_count", 3, admin)
    made = [post(insured(secondary=False, last=f"P{n}"), admin) for n in range(4)]
    claims = [only_claim(invoice) for invoice in made]
    status.submit([c.id for c in claims], "electronic", admin, on=DAY + dt.timedelta(days=1))
    for claim in claims[:2]:
        status.mark_denied(claim.id, "CO197 precertification absent", admin, on=dt.date(2026, 1, 20))
    review = build_review(JAN1, dt.date(2026, 1, 31), as_of=dt.date(2026, 1, 31))
    (denial,) = [r for r in review.recommendations if r.key == "denial_rate"]
    assert denial.title.startswith("Blue Prairie denied 2 of 4 claims this period for ")
    assert "(CO-197)" in denial.title and "prior-authorization list before visits for 99213" in denial.step
    assert any("50.0 %" in line for line in denial.evidence) and len(denial.rows.rows) == 2


def test_too_few_claims_are_not_judged(office, insured, admin):
    claim = only_claim(post(insured(secondary=False), admin))
    status.submit([claim.id], "electronic", admin, on=DAY + dt.timedelta(days=1))
    status.mark_denied(claim.id, "CO16 missing information", admin, on=dt.date(2026, 1, 20))
    review = build_review(JAN1, dt.date(2026, 1, 31), as_of=dt.date(2026, 1, 31))
    assert review.figures["denial_rate"].value == D("1")
    assert not [r for r in review.recommendations if r.key == "denial_rate"]
    assert any(line.startswith("Denial rate: only 1 claims") for line in review.not_judged)
