"""After a payer's EOB is posted: its claim marked paid, partly paid or denied (when it had gone
out), and the secondary's claim made, carrying what the primary paid and adjusted on each line;
after the payer reverses its payment (an 835 claim status 22), the secondary claims it made voided."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from ...choices import CLAIM_CLOSED_STATUSES
from ...models import Claim, ClaimLine, Invoice, InvoiceLine, User
from ...models.base import prepared
from ...money import ZERO
from .claim_status import move, void
from .claims import billing, new_claim, open_claim_of, stamp_on
from .payer_order import covering


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
    ids = [a.line_id for a in adjudications]
    lines = {l.id: l for l in prepared(f"invoice lines by id ({len(ids)})", lambda: (
        InvoiceLine.select().where(InvoiceLine.id.in_(ids))), [(InvoiceLine.id, i) for i in ids])}
    for item in adjudications:
        by_invoice.setdefault(lines[item.line_id].invoice_id, []).append(item)
    made = []
    for invoice_id, items in by_invoice.items():
        invoice = Invoice.get_by_id(invoice_id)
        primary = _mark_primary(invoice, payer_id, items, by, reference, paid_on)
        claim = _secondary(invoice, payer_id, primary, items, [lines[i.line_id] for i in items],
                           paid_on, by)
        if claim is not None:
            made.append(claim)
    return made


def _mark_primary(invoice: Invoice, payer_id: int, items: list[LineAdjudication], by: User,
                  reference: str, paid_on: dt.date) -> Claim | None:
    claims = prepared("an invoice's newest open claim to a payer", lambda: (
        billing(Claim.select().where(Claim.invoice == invoice.id, Claim.payer == payer_id))
        .order_by(Claim.id.desc()).limit(1)),
        [(Claim.invoice, invoice.id), (Claim.payer, payer_id)]
        + [(Claim.status, s) for s in CLAIM_CLOSED_STATUSES] + [(Claim.frequency, "8"), (None, 1)])
    if not claims:
        return None
    claim = claims[0]
    on_claim = {line_id for (line_id,) in prepared("a claim's line ids", lambda: ClaimLine.select(
        ClaimLine.line).where(ClaimLine.claim == claim.id).tuples(), [(ClaimLine.claim, claim.id)])}
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
        move(claim, status, by, f"EOB {reference}".strip(), at=stamp_on(paid_on))
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


def secondaries_of(primary: Claim) -> list[Claim]:
    """The open secondary claims made after a primary claim's payment (void claims aside)."""
    return list(billing(Claim.select().where(Claim.primary_claim == primary.id,
                                             Claim.rank == "secondary")).order_by(Claim.id))


def after_reversal(primary: Claim, by: User, reference: str = "") -> list[str]:
    """The primary payer took back its payment: the secondary claims that payment made carry
    amounts that no longer hold. One not yet sent is voided; one that went out is voided and a
    void claim (frequency 8) is made, to send the secondary payer. Returns what was done, in words."""
    said = []
    for claim in secondaries_of(primary):
        reason = (f"{primary.payer.name} reversed its payment on claim {primary.control_number}"
                  + (f" ({reference})" if reference else ""))
        made = void(claim.id, reason, by)
        if made is None:
            said.append(f"secondary claim {claim.control_number} to {claim.payer.name} voided (it had "
                        "not gone out)")
        else:
            said.append(f"secondary claim {claim.control_number} to {claim.payer.name} had gone out: "
                        f"voided, and void claim {made.control_number} (frequency 8) is to be sent to "
                        f"{claim.payer.name}" + (f" once fixed: {made.hold_reason}" if made.status == "held"
                                                 else ""))
    return said
