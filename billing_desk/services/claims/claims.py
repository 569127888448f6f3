"""Claims made from the books: the primary's when an invoice is posted, the secondary's when the
primary's payment is posted. A line is on at most one open claim of a payer: nothing is billed
twice. The statuses a claim moves through are in ``claim_status``."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from ...choices import CLAIM_CLOSED_STATUSES
from ...errors import RuleError
from ...models import Claim, ClaimEvent, ClaimLine, Coverage, Invoice, InvoiceLine, Plan, User, now
from ...money import ZERO
from ..office import audit
from ..office.sequences import next_number
from .scrubber import scrub


def covering(account_id: int, on: dt.date, rank: str) -> Coverage | None:
    """The account's active coverage of a rank on a day (the same rule as the estimate's)."""
    query = (Coverage.select(Coverage, Plan).join(Plan)
             .where(Coverage.account == account_id, Coverage.rank == rank, Coverage.active == True)  # noqa: E712
             .where((Coverage.start_date.is_null()) | (Coverage.start_date <= on))
             .where((Coverage.end_date.is_null()) | (Coverage.end_date >= on)))
    return query.first()


def open_claim_of(line_id: int, payer_id: int) -> Claim | None:
    """The open claim of a payer that carries an invoice line, if any."""
    return (Claim.select().join(ClaimLine)
            .where(ClaimLine.line == line_id, Claim.payer == payer_id,
                   Claim.status.not_in(CLAIM_CLOSED_STATUSES)).first())


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
        claim.status, claim.hold_reason = "held", "; ".join(str(p) for p in problems)
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
    lines = list(InvoiceLine.select().where(InvoiceLine.invoice == invoice.id,
                                            InvoiceLine.insurance_balance > 0)
                 .order_by(InvoiceLine.position))
    if not lines:
        return []
    return [new_claim(invoice, coverage, lines, by, rank="primary", on=on)]


@dataclass(frozen=True)
class LineAdjudication:
    """What the primary did with one invoice line (an EOB line as posted)."""

    line_id: int
    paid: Decimal
    adjustments: tuple[tuple[str, str, Decimal], ...] = ()  # (group, reason, amount)

    @property
    def patient_share(self):
        return sum((a for g, _r, a in self.adjustments if g == "PR"), ZERO)


_GROUP_REASON = re.compile(r"^\s*(CO|PR|OA|PI|CR)[\s-]*([A-Z]?[0-9]{1,3})\b", re.I)


def adjudication(line_id: int, paid: Decimal, contractual: Decimal, patient_share: Decimal,
                 denial_reason: str = "") -> LineAdjudication:
    """An EOB line as posted, in claim words: the contractual part CO 45 and the patient's PR 2
    (coinsurance), unless the EOB's reason names its group and code ("CO50 not necessary")."""
    named = _GROUP_REASON.match(denial_reason or "")
    adjustments = []
    if contractual:
        group, reason = (named[1].upper(), named[2].upper()) if named and named[1].upper() != "PR" \
            else ("CO", "45")
        adjustments.append((group, reason, contractual))
    if patient_share:
        reason = named[2].upper() if named and named[1].upper() == "PR" else "2"
        adjustments.append(("PR", reason, patient_share))
    return LineAdjudication(line_id, paid, tuple(adjustments))


def adjustments_text(adjustments) -> str:
    return "\n".join(f"{group} {reason} {amount}" for group, reason, amount in adjustments if amount)


def after_primary_payment(payer_id: int, adjudications: list[LineAdjudication], paid_on: dt.date,
                          by: User, *, reference: str = "") -> list[Claim]:
    """The primary's EOB was posted: its claim is marked paid, partly paid or denied (when it had
    gone out), and a secondary claim is made for each invoice whose patient has an active
    secondary coverage and still owes after the primary. Returns the secondary claims made."""
    by_invoice: dict[int, list[LineAdjudication]] = {}
    lines = {l.id: l for l in InvoiceLine.select().where(
        InvoiceLine.id.in_([a.line_id for a in adjudications]))}
    for item in adjudications:
        by_invoice.setdefault(lines[item.line_id].invoice_id, []).append(item)
    made = []
    for invoice_id, items in by_invoice.items():
        invoice = Invoice.get_by_id(invoice_id)
        primary = _mark_primary(invoice, payer_id, items, by, reference)
        claim = _secondary(invoice, payer_id, primary, items, [lines[i.line_id] for i in items],
                           paid_on, by)
        if claim is not None:
            made.append(claim)
    return made


def _mark_primary(invoice: Invoice, payer_id: int, items: list[LineAdjudication], by: User,
                  reference: str) -> Claim | None:
    from .claim_status import move

    claim = (Claim.select().where(Claim.invoice == invoice.id, Claim.payer == payer_id,
                                  Claim.status.not_in(CLAIM_CLOSED_STATUSES))
             .order_by(Claim.id.desc()).first())
    if claim is None:
        return None
    on_claim = {cl.line_id for cl in claim.lines}
    paid = [i for i in items if i.line_id in on_claim]
    if not paid or claim.status not in ("submitted", "accepted", "partly_paid"):
        return claim
    if all(i.paid == 0 for i in paid):
        status = "denied"
    elif any(i.paid == 0 for i in paid) or len({i.line_id for i in paid}) < len(on_claim):
        status = "partly_paid"
    else:
        status = "paid"
    if status != claim.status:
        move(claim, status, by, f"EOB {reference}".strip())
    return claim


def _secondary(invoice: Invoice, primary_payer: int, primary: Claim | None,
               items: list[LineAdjudication], lines: list[InvoiceLine], paid_on: dt.date,
               by: User) -> Claim | None:
    first = covering(invoice.account_id, invoice.service_date, "primary")
    if first is None or first.plan.payer_id != primary_payer:
        return None  # this EOB is not the primary's (the secondary's own, or an old plan's)
    coverage = covering(invoice.account_id, invoice.service_date, "secondary")
    if coverage is None or coverage.plan.payer_id == primary_payer:
        return None
    if sum((i.patient_share for i in items), ZERO) <= 0:
        return None  # the primary left nothing for the secondary
    payer_id = coverage.plan.payer_id
    carried = [l for l in lines if open_claim_of(l.id, payer_id) is None]
    if not carried:
        return None
    other = {i.line_id: (i.paid, adjustments_text(i.adjustments)) for i in items}
    return new_claim(invoice, coverage, sorted(carried, key=lambda l: l.position), by,
                     rank="secondary", primary_claim=primary, paid_on=paid_on, other=other,
                     note="after the primary's payment", on=paid_on)


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
