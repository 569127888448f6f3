"""Claims made from the books: the primary's when an invoice is posted (the secondary's when the
primary's payment is posted: ``after_payment``). A line is on at most one open claim of a payer:
nothing is billed twice. The statuses a claim moves through are in ``claim_status``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from ...choices import CLAIM_CLOSED_STATUSES
from ...errors import RuleError
from ...models import Claim, ClaimEvent, ClaimLine, Coverage, Invoice, InvoiceLine, User, now
from ...models.base import prepared
from ...money import ZERO
from ..office import audit
from ..office.sequences import next_number
from .payer_order import covering
from .scrubber import in_words, scrub


def billing(query):
    """Claims that bill their lines: open ones, not a void claim (frequency 8), which bills nothing
    and only cancels the claim it names."""
    return query.where(Claim.status.not_in(CLAIM_CLOSED_STATUSES), Claim.frequency != "8")


def open_claim_of(line_id: int, payer_id: int) -> Claim | None:
    """The open claim of a payer that bills an invoice line, if any."""
    rows = prepared("open claim of a line", lambda: billing(
        Claim.select().join(ClaimLine).where(ClaimLine.line == line_id, Claim.payer == payer_id)).limit(1),
        [(ClaimLine.line, line_id), (Claim.payer, payer_id)]
        + [(Claim.status, s) for s in CLAIM_CLOSED_STATUSES] + [(Claim.frequency, "8"), (None, 1)])
    return rows[0] if rows else None


def refuse_billed_twice(lines: Iterable[InvoiceLine], payer_id: int) -> None:
    for line in lines:
        other = open_claim_of(line.id, payer_id)
        if other is not None:
            raise RuleError(f"Invoice {line.invoice.number} line {line.position} is already on open "
                            f"claim {other.control_number} to this payer: nothing is billed twice.")


def record_event(claim: Claim, status: str, by: User, note: str = "", *,
                 at: dt.datetime | None = None) -> ClaimEvent:
    return ClaimEvent.create(claim=claim, status=status, at=at or now(), by=by, note=note)


def stamp_on(day: dt.date | None) -> dt.datetime:
    """Now, or this time of day on ``day`` (work keyed for an earlier day, as the demo does)."""
    return now() if day is None else dt.datetime.combine(day, now().time())


def new_claim(invoice: Invoice, coverage: Coverage, lines: list[InvoiceLine], by: User, *,
              rank: str, frequency: str = "1", replaces: Claim | None = None,
              primary_claim: Claim | None = None, paid_on: dt.date | None = None,
              other: dict[int, tuple] | None = None, note: str = "", on: dt.date | None = None) -> Claim:
    """Make one claim carrying ``lines`` (their full charges), scrub it, and hold it with the
    reasons when the scrubber finds problems. ``on``: the day it is made (default today).
    The caller holds the transaction."""
    payer_id = coverage.plan.payer_id
    refuse_billed_twice(lines, payer_id)
    stamp = stamp_on(on)
    claim = Claim.create(invoice=invoice, payer=payer_id, coverage=coverage, rank=rank,
                         frequency=frequency, replaces=replaces, primary_claim=primary_claim,
                         control_number=str(next_number("claim")), paid_on=paid_on,
                         total_charge=sum((l.amount for l in lines), ZERO), created_by=by,
                         created_at=stamp, updated_at=stamp)
    for line in lines:
        paid, adjustments = (other or {}).get(line.id, (None, ""))
        ClaimLine.create(claim=claim, line=line, charge=line.amount, units=line.quantity,
                         other_paid=paid, other_adjustments=adjustments)
    problems = scrub(claim, today=on)
    if problems:
        claim.status, claim.hold_reason = "held", "; ".join(in_words(p) for p in problems)
        claim.save()
    record_event(claim, claim.status, by, claim.hold_reason or note or "made", at=stamp)
    audit.record(by, "create", claim, account_id=invoice.account_id,
                 summary=f"{rank} claim {claim.control_number} for invoice {invoice.number}: "
                         f"{claim.status}" + (f" ({claim.hold_reason})" if claim.hold_reason else ""),
                 after=audit.snapshot(claim, "control_number", "payer", "rank", "frequency", "status",
                                      "total_charge", "hold_reason"))
    return claim


def make_claims(invoice: Invoice, by: User, *, on: dt.date | None = None) -> list[Claim]:
    """The primary's claim for a just-posted invoice, when the account has an active primary
    coverage and insurance owes on some of its lines. Called inside the posting's transaction."""
    coverage = covering(invoice.account_id, invoice.service_date, "primary")
    if coverage is None:
        return []
    lines = prepared("an invoice's lines insurance owes on", lambda: (
        InvoiceLine.select().where(InvoiceLine.invoice == invoice.id, InvoiceLine.insurance_balance > 0)
        .order_by(InvoiceLine.position)),
        [(InvoiceLine.invoice, invoice.id), (InvoiceLine.insurance_balance, 0)])
    if not lines:
        return []
    return [new_claim(invoice, coverage, lines, by, rank="primary", on=on)]


def claim_lines(claim: Claim) -> list[ClaimLine]:
    return list(ClaimLine.select(ClaimLine, InvoiceLine).join(InvoiceLine)
                .where(ClaimLine.claim == claim.id).order_by(InvoiceLine.position))


def get_claim(claim_id: int) -> Claim:
    return Claim.get_by_id(claim_id)


def claims_of_invoice(invoice_id: int) -> list[Claim]:
    """An invoice's claims, oldest first (the invoice shows them and their history)."""
    return list(Claim.select().where(Claim.invoice == invoice_id).order_by(Claim.id))


def history(claim_id: int) -> list[ClaimEvent]:
    return list(ClaimEvent.select().where(ClaimEvent.claim == claim_id).order_by(ClaimEvent.id))
