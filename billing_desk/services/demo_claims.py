"""The demo office's claims: children on a parent's plan, doctors on the visits, claims sent every
Monday, and at the end claims in every status (through the claims services, on the demo's days)."""

from __future__ import annotations

import datetime as dt
import functools
import random
from decimal import Decimal
from typing import Any

from ..choices import MEDICARE_FILING_CODES, PAYER_PROGRAMS
from ..models import Account, Claim, ClaimEvent, Coverage, Plan, Provider
from .claims import claim_status, denials, payer_calls
from .claims.scrubber import scrub
from .office import steady

DemoWorld = Any  # demo.DemoWorld: its rng, recipe, clerk, today, counter and ``at``


def parent_subscriber(world: DemoWorld, account: Account) -> dict:
    """A patient under 18 is on a parent's plan: the parent is the subscriber."""
    born = account.date_of_birth
    if born is None or (world.today - born).days >= 18 * 365:
        return {}
    rng = random.Random(f"parent-{account.number}")  # world.rng keeps its draws
    first = rng.choice(world.recipe["first_names"])
    return {"relationship": "child", "subscriber_first_name": first,
            "subscriber_last_name": account.last_name, "subscriber_name": f"{first} {account.last_name}",
            "subscriber_date_of_birth": dt.date(born.year - rng.randint(24, 40), rng.randint(1, 12),
                                                rng.randint(1, 28)),
            "subscriber_sex": rng.choice("MF")}


def may_follow(first: Plan, second: Plan) -> bool:
    """Whether a patient's second plan may come after the first: another payer; never after
    Medicaid (it pays last); Medicare only after a program Medicare pays after."""
    if second.payer_id == first.payer_id or first.payer.program == "medicaid":
        return False
    medicare = PAYER_PROGRAMS[second.payer.program].filing_code in MEDICARE_FILING_CODES
    return not medicare or bool(PAYER_PROGRAMS[first.payer.program].before_medicare)


def providers_for(world: DemoWorld, account: Account) -> dict:
    """Who saw the patient (one of the office's doctors); now and then a referring doctor."""
    if account.kind != "patient":
        return {}
    rng = random.Random(f"visit-{account.number}-{world.counter}")
    rendering, referring = steady.kept("demo doctors", None, lambda: (
        list(Provider.select().where(Provider.role == "rendering").order_by(Provider.id)),
        Provider.get_or_none(Provider.role == "referring")))
    return {"rendering_provider_id": rng.choice(rendering).id if rendering else None,
            "referring_provider_id": referring.id if referring and rng.random() < 0.2 else None}


def weekly_submissions(world: DemoWorld) -> None:
    """Every Monday the ready claims go out: an 837P file for electronic payers, forms for paper."""
    day = world.today - dt.timedelta(days=548)
    day += dt.timedelta(days=(7 - day.weekday()) % 7)
    while day <= world.today:
        world.at(day, functools.partial(_submit_ready, world, day))
        day += dt.timedelta(days=7)


def _submit_ready(world: DemoWorld, day: dt.date) -> None:
    groups: dict[str, list[int]] = {}
    for claim in Claim.select().where(Claim.status == "ready").order_by(Claim.id):
        mode = claim.payer.claim_mode
        if not scrub(claim, mode=mode, today=day):
            groups.setdefault(mode, []).append(claim.id)
    for mode, ids in groups.items():
        claim_status.submit(ids, mode, world.clerk, on=day,
                            file_name=f"claims-{day:%Y%m%d}.837" if mode == "electronic" else "",
                            printer="Office printer" if mode == "paper" else "")


def _first(status: str, skip: int = 0) -> list[Claim]:
    return list(Claim.select().where(Claim.status == status).order_by(Claim.id).offset(skip))


DENIALS = ("CO16 claim lacks information", "CO50 not deemed a medical necessity",
           "PR204 not covered under the patient's current benefit plan",
           "CO16 the referring provider's NPI is missing",
           "CO197 precertification or authorization absent", "CO29 the time limit for filing has expired")


def _insurance_owes(claim: Claim) -> bool:
    return any(cl.line.insurance_balance > 0 for cl in claim.lines)


def _submitted_on(claim: Claim) -> dt.date:
    event = (ClaimEvent.select().where(ClaimEvent.claim == claim.id, ClaimEvent.status == "submitted")
             .order_by(ClaimEvent.id.desc()).first())
    return event.at.date() if event is not None else claim.created_at.date()


def every_status(world: DemoWorld) -> None:
    """Leave claims in every status: accepted, partly paid and denied ones among those sent; a
    denied one corrected and resubmitted, a paid one voided, older paid ones closed, one held."""
    by = world.clerk
    sent = _first("submitted")
    number = iter(range(880001, 990000))
    for claim in sent[:4]:
        claim_status.mark_accepted(claim.id, by, payer_claim_number=f"PCN{next(number)}")
    if not _first("partly_paid") and len(sent) > 4:
        claim_status.mark_partly_paid(sent[4].id, by, "the blood draw was not paid")
    owed = [c for c in sent[5:] if _insurance_owes(c)]
    for n, claim in enumerate(owed[:max(0, len(DENIALS) - len(_first("denied")))]):
        claim_status.mark_denied(claim.id, DENIALS[n % len(DENIALS)], by,
                                 on=min(world.today, _submitted_on(claim) + dt.timedelta(days=10 + 2 * n)))
    denied = _first("denied")
    if denied:
        claim_status.set_payer_claim_number(denied[0].id, f"PCN{next(number)}", by)
        claim_status.resubmit(denied[0].id, "added the missing referral", by)
    paid = _first("paid")
    if paid:
        claim_status.set_payer_claim_number(paid[0].id, f"PCN{next(number)}", by)
        claim_status.void(paid[0].id, "billed to the wrong patient", by)
    for claim in paid[1:len(paid) // 2]:
        claim_status.close(claim.id, by, "paid in full; nothing more expected")
    if not _first("held"):
        ready = _first("ready")
        if ready:
            claim_status.hold(ready[-1].id, "waiting for the referral from Dr. Ruiz", by)


def payer_denials(world: DemoWorld) -> None:
    """Two in three claims a payer still has not paid one to five months after they went out come
    back denied, most for a missing prior authorization (CO197): a pattern for the billing review
    to find. The newest claims stay waiting."""
    waiting = [c for c in _first("submitted") if _insurance_owes(c)
               and 30 <= (world.today - _submitted_on(c)).days <= 150]
    for n, claim in enumerate(waiting[:len(waiting) * 2 // 3]):
        reason = DENIALS[4] if n % 3 != 2 else DENIALS[0]
        claim_status.mark_denied(claim.id, reason, world.clerk,
                                 on=min(world.today, _submitted_on(claim) + dt.timedelta(days=14 + n % 5)))


def remittances_in(world: DemoWorld) -> None:
    """An 835 from the first electronic payer pays two accepted claims and one claim number of
    another office (its money held unapplied, the claim on the unmatched worklist): the text
    is written here and run through the reader and the one posting service, as a file would be."""
    from ..exchange.x12_835 import read_835
    from ..money import round_money
    from .books.remittances import post_remittance

    accepted = [c for c in _first("accepted") if c.rank == "primary" and c.payer.payer_id][:2]
    if not accepted:
        return
    payer = accepted[0].payer
    accepted = [c for c in accepted if c.payer_id == payer.id]
    claims, total = [], Decimal("0.00")
    for claim in accepted:
        lines, paid_sum = [], Decimal("0.00")
        for cl in claim.lines:
            line = cl.line
            paid = round_money(line.insurance_balance * Decimal("0.8"))
            share = line.amount - paid  # the patient's coinsurance and what the plan does not cover
            lines.append(f"SVC*HC:{line.code}*{line.amount}*{paid}**{line.quantity}~DTM*472*"
                         f"{line.service_date:%Y%m%d}~" + (f"CAS*PR*2*{share}~" if share else "")
                         + f"REF*6R*{line.id}~")
            paid_sum += paid
        claims.append(f"CLP*{claim.control_number}*1*{claim.total_charge}*{paid_sum}**12*"
                      f"PCN{claim.control_number}~NM1*QC*1*{claim.invoice.account.last_name.upper()}~"
                      + "".join(lines))
        total += paid_sum
    claims.append("CLP*OTHER-4411*1*95.00*61.50**12*PCN4411~NM1*QC*1*STRANGER*PAT~"
                  "SVC*HC:99213*95.00*61.50**1~CAS*CO*45*33.50~")
    total += Decimal("61.50")
    day = world.today
    body = (f"ST*835*0001~BPR*I*{total}*C*CHK************{day:%Y%m%d}~TRN*1*DEMO{day:%Y%m%d}*1512345678~"
            f"N1*PR*{payer.name.upper()}~REF*2U*{payer.payer_id}~N1*PE*OFFICE*XX*1234567893~LX*1~"
            + "".join(claims))
    count = body.count("~") + 1
    text = ("ISA*00*          *00*          *ZZ*PAYER          *ZZ*OFFICE         *"
            f"{day:%y%m%d}*0900*^*00501*000000901*0*P*:~GS*HP*PAYER*OFFICE*{day:%Y%m%d}*0900*901*X*"
            f"005010X221A1~{body}SE*{count}*0001~GE*1*901~IEA*1*000000901~")
    for remittance in read_835(text):
        post_remittance(remittance, world.clerk, entry_date=day)


def follow_up_work(world: DemoWorld) -> None:
    """The coordinator's follow-up: a denial appealed, calls on the oldest claims still waiting
    (and one with the payer itself), coverages verified before visits, a prior authorization asked."""
    by, today = world.clerk, world.today
    rng = random.Random("follow-up")  # world.rng keeps its draws
    necessity = [c for c in _first("denied") if "CO50" in " ".join(
        e.note for e in c.events if e.status == "denied")]
    if necessity:
        denials.appeal(necessity[0].id, "The visit followed an abnormal metabolic panel; the "
                       "physician's notes and the lab result are enclosed.", by, today=today)
    waiting = list(Claim.select().where(Claim.status.in_(("submitted", "accepted")))
                   .order_by(Claim.created_at).limit(3))
    answers = ("no record of the claim; resend it", "in process, allow 14 more days",
               "paid last week, check EFT trace")
    for n, claim in enumerate(waiting):
        payer_calls.log_call(payer_calls.CallInput(
            called_on=today - dt.timedelta(days=n + 1), representative=rng.choice(("Dana", "Luis", "Kim")),
            reference=f"C{rng.randint(100000, 999999)}", question="status of the claim",
            answer=answers[n % len(answers)]), by, claim_id=claim.id, today=today)
    if waiting:
        payer_calls.log_call(payer_calls.CallInput(
            called_on=today - dt.timedelta(days=3), direction="incoming", topic="other",
            representative="Provider relations", question="new fee schedule",
            answer="new allowed amounts from the first of next month"),
            by, payer_id=waiting[0].payer_id, today=today)
    coverages = list(Coverage.select().where(Coverage.active == True).order_by(Coverage.id).limit(6))  # noqa: E712
    for n, coverage in enumerate(coverages):
        payer_calls.verify_coverage(coverage.id, by, representative=rng.choice(("Dana", "Luis", "Kim")),
                                    reference=f"V{rng.randint(10000, 99999)}",
                                    covers="active; office visits after copay, labs at 80% after "
                                           "the deductible", verified_on=today - dt.timedelta(days=2 * n),
                                    today=today)
    if coverages:
        payer_calls.log_call(payer_calls.CallInput(
            called_on=today - dt.timedelta(days=4), topic="prior_auth", code="80053",
            reference=f"PA{rng.randint(1000, 9999)}", question="does the panel need authorization?",
            answer="no authorization needed for this plan"), by, coverage_id=coverages[-1].id,
            today=today)
