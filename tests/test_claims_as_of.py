"""The denials and insurance follow-up reports as of a day before today give the claims as they
stood at the end of that day (issue 18, item 2): a denial, an appeal and a call that came later
do not show; what insurance owed is the ledger up to that day."""

from __future__ import annotations

import datetime as dt

import pytest
from claims_fixtures import DAY, D, insured, office, only_claim, post  # noqa: F401

from billing_desk.reports import Params, run
from billing_desk.services.claims import claim_status as status, denials, payer_calls
from billing_desk.services.office import transactions

AS_OF = DAY + dt.timedelta(days=30)
TODAY = DAY + dt.timedelta(days=100)


@pytest.fixture
def story(insured, admin, monkeypatch):
    """Ann, Bob and Cy's claims sent on DAY; Ann's denied on DAY+20 (appealed since), Bob's on
    DAY+50; Cy's called about on DAY+25 (follow up DAY+28) and again on DAY+40."""
    monkeypatch.setattr(transactions, "today", lambda: TODAY)
    ann, bob, cy = (only_claim(post(insured(last=n, secondary=False), admin))
                    for n in ("Ann", "Bob", "Cy"))
    status.submit([ann.id, bob.id, cy.id], "electronic", admin, on=DAY)
    status.mark_denied(ann.id, "CO16 claim lacks information", admin, on=DAY + dt.timedelta(days=20))
    status.mark_denied(bob.id, "PR204 not covered", admin, on=DAY + dt.timedelta(days=50))
    denials.appeal(ann.id, "The notes are enclosed.", admin, today=TODAY)
    for day, answer in ((25, "in process"), (40, "paid next week")):
        called = DAY + dt.timedelta(days=day)
        payer_calls.log_call(payer_calls.CallInput(
            called_on=called, representative="Dana", answer=answer,
            follow_up_on=called + dt.timedelta(days=3)), admin, claim_id=cy.id, today=called)
    return ann, bob, cy


def test_denials_as_of_a_past_day(story):
    ann, bob, _cy = story
    (row,) = run("denials", Params(as_of=AS_OF)).all_rows()
    assert (row["claim"], row["denied_on"], row["age"], row["code"], row["appealed"]) == \
        (ann.control_number, DAY + dt.timedelta(days=20), 10, "CO16", None)
    assert row["owed"] == D(ann.total_charge)
    now = {r["claim"]: r for r in run("denials", Params(as_of=TODAY)).all_rows()}
    assert set(now) == {ann.control_number, bob.control_number}
    assert now[ann.control_number]["appealed"] == TODAY


def test_insurance_follow_up_as_of_a_past_day(story):
    ann, bob, cy = story
    rows = {r["control_number"]: r for r in
            run("insurance-follow-up", Params(as_of=AS_OF, view="all")).all_rows()}
    assert set(rows) == {bob.control_number, cy.control_number}  # Ann's was denied, not appealed
    assert (rows[bob.control_number]["status"], rows[bob.control_number]["days_waiting"],
            rows[bob.control_number]["due_on"]) == ("submitted", 30, AS_OF)
    assert (rows[cy.control_number]["due_on"], rows[cy.control_number]["last_call_on"]) == \
        (DAY + dt.timedelta(days=28), DAY + dt.timedelta(days=25))
    assert "in process" in rows[cy.control_number]["last_call"]
    due = [r["control_number"] for r in run("insurance-follow-up", Params(as_of=AS_OF)).all_rows()]
    assert due == [bob.control_number, cy.control_number]
    now = {r["control_number"]: r for r in
           run("insurance-follow-up", Params(as_of=TODAY, view="all")).all_rows()}
    assert set(now) == {ann.control_number, cy.control_number}
    assert now[ann.control_number]["status"].endswith("(appealed)")
    assert "paid next week" in now[cy.control_number]["last_call"]


def test_events_keyed_for_an_earlier_day_keep_their_order(story, insured, admin):
    """A batch keyed for an earlier day than the claim's last event (the demo's secondaries:
    made after the primary paid, sent in that week's batch) is still the claim's latest step;
    as of today the history agrees with every claim as it stands."""
    from billing_desk.models import Claim, ClaimEvent
    from billing_desk.services.claims import claim_history

    late = only_claim(post(insured(last="Dee", secondary=False), admin))
    ClaimEvent.update(at=dt.datetime.combine(DAY + dt.timedelta(days=5), dt.time(9))).where(
        ClaimEvent.claim == late.id).execute()
    status.submit([late.id], "electronic", admin, on=DAY + dt.timedelta(days=3))
    rows = run("insurance-follow-up", Params(as_of=AS_OF, view="all")).all_rows()
    assert late.control_number in [r["control_number"] for r in rows]
    then = claim_history.claims_on(TODAY)
    assert {c.id: c.status for c in Claim.select()} == {k: v.status for k, v in then.items()}
