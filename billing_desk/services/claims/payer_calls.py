"""Calls with payers: a call log on a claim, a coverage or a payer (who called whom, the payer's
representative and reference number, what was asked and answered, when to follow up), and the
coverage verification before a visit, recorded the same way (a call of topic "verification").

A call on a claim with a follow-up date sets the claim's next follow-up (the insurance follow-up
list waits for it). Every call is audited on its account (a payer's own calls on none).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ...choices import CALL_DIRECTIONS, CALL_TOPICS
from ...errors import Problem, ValidationError
from ...models import Claim, Coverage, Payer, PayerCall, Plan, User, now
from ...models.base import prepared
from ..office import audit
from ..office.transactions import in_transaction, today as office_today
from ..office.validation import check_texts, parse_date

TOPIC_NAMES = {"claim_status": "claim status", "coverage": "coverage of a code",
               "prior_auth": "prior authorization", "verification": "coverage verification",
               "other": "other"}
DIRECTION_NAMES = {"outgoing": "we called the payer", "incoming": "the payer called us"}
TEXTS = ("representative", "reference", "code", "question", "answer")


@dataclass
class CallInput:
    """A call as the clerk types it; dates as typed (MM/DD/YYYY) or dates."""

    called_on: str | dt.date | None = None  # blank: today
    direction: str = "outgoing"
    representative: str = ""
    reference: str = ""
    topic: str = "claim_status"
    code: str = ""
    question: str = ""
    answer: str = ""
    follow_up_on: str | dt.date | None = None


def _checked(call: CallInput, today: dt.date) -> tuple[dt.date, dt.date | None]:
    problems: list[Problem] = check_texts(vars(call), TEXTS, multiline=("question", "answer"))
    called_on, problem = parse_date(call.called_on or today, "called_on", not_future=True, today=today)
    problems += [problem] if problem else []
    follow_up, problem = parse_date(call.follow_up_on, "follow_up_on")
    problems += [problem] if problem else []
    if call.direction not in CALL_DIRECTIONS:
        problems.append(Problem("direction", "say who called: the office or the payer"))
    if call.topic not in CALL_TOPICS:
        problems.append(Problem("topic", "choose what the call was about: "
                                + ", ".join(TOPIC_NAMES.values())))
    if not (call.question or "").strip() and not (call.answer or "").strip():
        problems.append(Problem("question", "say what was asked (and what was answered)"))
    if follow_up and called_on and follow_up < called_on:
        problems.append(Problem("follow_up_on", "the follow-up date is before the call"))
    if problems:
        raise ValidationError(problems)
    assert called_on is not None
    return called_on, follow_up


def log_call(call: CallInput, by: User, *, claim_id: int | None = None,
             coverage_id: int | None = None, payer_id: int | None = None,
             today: dt.date | None = None) -> PayerCall:
    """Record a call on a claim, a coverage or a payer (one of them; the payer follows from the
    claim or the coverage). A claim's call sets its next follow-up: the date given, or the call's
    date + the payer's follow-up days."""
    if [claim_id, coverage_id, payer_id].count(None) != 2:
        raise ValidationError("a call is on one claim, one coverage or one payer", "on")
    called_on, follow_up = _checked(call, today or office_today())
    with in_transaction():
        claim = Claim.get_by_id(claim_id) if claim_id is not None else None
        coverage = (Coverage.select(Coverage, Plan).join(Plan).where(Coverage.id == coverage_id).get()
                    if coverage_id is not None else None)
        payer = (claim.payer_id if claim is not None else coverage.plan.payer_id
                 if coverage is not None else Payer.get_by_id(payer_id).id)
        if claim is not None and follow_up is None:
            follow_up = called_on + dt.timedelta(days=claim.payer.follow_up_days or 30)
        record = PayerCall.create(
            payer=payer, claim=claim, coverage=coverage, called_on=called_on,
            direction=call.direction, topic=call.topic, follow_up_on=follow_up, by=by,
            created_at=now(), **{name: (getattr(call, name) or "").strip() for name in TEXTS})
        account_id = (claim.invoice.account_id if claim is not None else
                      coverage.account_id if coverage is not None else None)
        if claim is not None and follow_up is not None:
            claim.follow_up_on, claim.updated_at = follow_up, now()
            claim.save(only=[Claim.follow_up_on, Claim.updated_at])
        audit.record(by, "payer_call", record, account_id=account_id, summary=_summary(record, claim),
                     after=audit.snapshot(record))
    return record


def _summary(record: PayerCall, claim: Claim | None) -> str:
    about = f"claim {claim.control_number}" if claim is not None else (
        "a coverage" if record.coverage_id else "the payer")
    text = (f"{TOPIC_NAMES[record.topic]} call with {record.payer.name} about {about}"
            + (f", rep {record.representative}" if record.representative else "")
            + (f", ref {record.reference}" if record.reference else ""))
    if record.follow_up_on:
        text += f"; follow up {record.follow_up_on:%m/%d/%Y}"
    return text


def verify_coverage(coverage_id: int, by: User, *, representative: str = "", reference: str = "",
                    covers: str, verified_on: str | dt.date | None = None,
                    follow_up_on: str | dt.date | None = None,
                    today: dt.date | None = None) -> PayerCall:
    """Coverage verified before a visit: on, by, the reference number and what the plan covers."""
    if not (covers or "").strip():
        raise ValidationError("say what the plan covers (as the payer said it)", "answer")
    return log_call(CallInput(called_on=verified_on, representative=representative,
                              reference=reference, topic="verification",
                              question="coverage verified before the visit", answer=covers,
                              follow_up_on=follow_up_on),
                    by, coverage_id=coverage_id, today=today)


@dataclass(frozen=True)
class CallRow:
    call_id: int
    called_on: dt.date
    payer: str
    about: str  # "claim 200004", "coverage of 100012 (member ABC1)", or the payer
    account: str
    direction: str
    representative: str
    reference: str
    topic: str
    code: str
    question: str
    answer: str
    follow_up_on: dt.date | None
    by: str


def calls(*, claim_id: int | None = None, coverage_id: int | None = None,
          payer_id: int | None = None, account_id: int | None = None,
          start: dt.date | None = None, end: dt.date | None = None,
          limit: int | None = None) -> list[CallRow]:
    """Calls newest first: of a claim, a coverage, a payer (all its calls), an account (its
    claims' and coverages'), or a period."""
    query = PayerCall.select().order_by(PayerCall.called_on.desc(), PayerCall.id.desc())
    if claim_id is not None:
        query = query.where(PayerCall.claim == claim_id)
    if coverage_id is not None:
        query = query.where(PayerCall.coverage == coverage_id)
    if payer_id is not None:
        query = query.where(PayerCall.payer == payer_id)
    if account_id is not None:
        from ...models import Invoice

        query = query.where(
            PayerCall.coverage.in_(Coverage.select(Coverage.id).where(Coverage.account == account_id))
            | PayerCall.claim.in_(Claim.select(Claim.id).join(Invoice)
                                  .where(Invoice.account == account_id)))
    if start is not None:
        query = query.where(PayerCall.called_on >= start)
    if end is not None:
        query = query.where(PayerCall.called_on <= end)
    if limit:
        query = query.limit(limit)
    return [_row(c) for c in query]


def _row(call: PayerCall) -> CallRow:
    account, about = "", call.payer.name
    if call.claim_id is not None:
        account, about = call.claim.invoice.account.number, f"claim {call.claim.control_number}"
    elif call.coverage_id is not None:
        account = call.coverage.account.number
        about = f"coverage of {account} (member {call.coverage.member_id})"
    return CallRow(call.id, call.called_on, call.payer.name, about, account,
                   DIRECTION_NAMES[call.direction], call.representative, call.reference,
                   TOPIC_NAMES[call.topic], call.code, call.question, call.answer,
                   call.follow_up_on, call.by.username)


def last_call(claim_id: int) -> PayerCall | None:
    return (PayerCall.select().where(PayerCall.claim == claim_id)
            .order_by(PayerCall.called_on.desc(), PayerCall.id.desc()).first())


def last_verification(coverage_id: int) -> PayerCall | None:
    """The coverage's latest verification, if it was ever verified."""
    rows = prepared("last verification", lambda: (
        PayerCall.select().where(PayerCall.coverage == coverage_id, PayerCall.topic == "verification")
        .order_by(PayerCall.called_on.desc(), PayerCall.id.desc()).limit(1)),
        [(PayerCall.coverage, coverage_id), (PayerCall.topic, "verification"), (None, 1)])
    return rows[0] if rows else None


def verified_words(coverage_id: int) -> str:
    """'verified 03/02/2026 by carla (ref 77A1)', or 'never verified', for the estimate."""
    call = last_verification(coverage_id)
    if call is None:
        return "coverage never verified"
    return (f"coverage verified {call.called_on:%m/%d/%Y} by {call.by.username}"
            + (f" (ref {call.reference})" if call.reference else ""))
