"""One remittance line posted on one invoice line, as the payer said it: paid, adjustments with
their group (CO, PR, OA, PI), CARC and RARC, the patient's part moved to the secondary payer or
to the patient. Called by ``remittances`` inside its transaction.

A positive amount is capped at what the payer still owes on the line (after taking back from
the patient what the estimate had put on them, when the payer's answer says it was the payer's);
paid money beyond it is returned as excess, to be held unapplied on the payer. A negative amount
(a reversal, CLP02 22) undoes the same movement and is never capped.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from peewee import fn

from ...models import Adjustment, Claim, InvoiceLine, LedgerEntry, Payment, PaymentAllocation, User
from ...models.base import prepared
from ...money import ZERO, from_cents
from ...remittance import PATIENT_SHARE_REASONS, RemittanceAdjustment, RemittanceLine
from .ledger import post_entry


@dataclass
class LineOutcome:
    applied: Decimal = ZERO  # paid, put on the line
    excess: Decimal = ZERO  # paid beyond what the payer owed: held unapplied
    adjustments: list[tuple[str, str, Decimal]] = field(default_factory=list)  # as posted
    patient_share: dict[str, Decimal] = field(default_factory=dict)  # deductible, coinsurance, ...


@dataclass
class LinePosting:
    """What one remittance line needs to be posted: the claim, where the patient's part goes."""

    claim: Claim
    line: InvoiceLine
    remit: RemittanceLine
    by: User
    entry_date: dt.date
    paid_on: dt.date
    part: Payment
    secondary_payer_id: int | None  # the patient's part goes here, else to the patient
    denied: bool = False  # a denial: the balance stays with the payer for the denial worklist
    remarks: tuple[str, ...] = ()


def payer_owes(line_id: int, payer_id: int) -> Decimal:
    """What one payer owes on one line, from the ledger's insurance entries under its name."""
    rows = prepared("what a payer owes on a line", lambda: (
        LedgerEntry.select(fn.SUM(LedgerEntry.amount)).where(
            LedgerEntry.line == line_id, LedgerEntry.party == "insurance",
            LedgerEntry.payer == payer_id).tuples()),
        [(LedgerEntry.line, line_id), (LedgerEntry.party, "insurance"), (LedgerEntry.payer, payer_id)])
    return from_cents(rows[0][0] or 0)


def post_line(p: LinePosting) -> LineOutcome:
    out = LineOutcome()
    payer_id = p.claim.payer_id
    remit = p.remit
    charges = [a for a in remit.adjustments if a.group != "PR"]
    shares = [a for a in remit.adjustments if a.group == "PR"]
    need = max(remit.paid, ZERO) + sum((max(a.amount, ZERO) for a in shares), ZERO)
    if p.claim.rank == "primary" and not p.denied:
        need += sum((max(a.amount, ZERO) for a in charges), ZERO)
    _reclaim(p, payer_id, need)
    owed = payer_owes(p.line.id, payer_id)
    if remit.paid:
        applied = remit.paid if remit.paid < 0 else min(remit.paid, max(owed, ZERO))
        if applied:
            _pay(p, payer_id, applied)
            owed -= applied
        out.applied, out.excess = applied, remit.paid - applied
    for adj in charges:
        if p.denied and adj.amount > 0:
            out.adjustments.append((adj.group, adj.reason, adj.amount))  # said, not posted
            continue
        amount = adj.amount if adj.amount < 0 else min(adj.amount, max(owed, ZERO))
        if amount:
            _adjust(p, payer_id, adj, amount)
            owed -= amount
        out.adjustments.append((adj.group, adj.reason, adj.amount))
    for adj in shares:
        amount = adj.amount if adj.amount < 0 else min(adj.amount, max(owed, ZERO))
        if amount:
            _share(p, payer_id, adj, amount)
            owed -= amount
        kind = PATIENT_SHARE_REASONS.get(adj.reason, "other")
        out.patient_share[kind] = out.patient_share.get(kind, ZERO) + adj.amount
        out.adjustments.append(("PR", adj.reason, adj.amount))
    return out


def _reclaim(p: LinePosting, payer_id: int, need: Decimal) -> None:
    """The payer answered for more of the line than the estimate gave it: take that part back
    from what the patient was billed (never more than the patient still owes)."""
    short = need - payer_owes(p.line.id, payer_id)
    line = InvoiceLine.get_by_id(p.line.id)
    amount = min(short, line.patient_balance)
    if amount <= 0:
        return
    memo = f"billed to the insurer: claim {p.claim.control_number} answers for it"
    post_entry(account_id=line.invoice.account_id, amount=-amount, kind="transfer", party="patient",
               by=p.by, line=line, entry_date=p.entry_date, posting_date=p.paid_on, memo=memo)
    post_entry(account_id=line.invoice.account_id, amount=amount, kind="transfer", party="insurance",
               by=p.by, line=line, payer_id=payer_id, entry_date=p.entry_date, posting_date=p.paid_on,
               memo=memo)


def _pay(p: LinePosting, payer_id: int, amount: Decimal) -> None:
    PaymentAllocation.create(payment=p.part, line=p.line, party="insurance", amount=amount)
    post_entry(account_id=p.part.account_id, amount=-amount,
               kind="payment" if amount > 0 else "payment_void", party="insurance", by=p.by,
               line=p.line, payer_id=payer_id, payment=p.part, posting_date=p.paid_on,
               entry_date=p.entry_date,
               memo=f"claim {p.claim.control_number}" + (" reversed" if amount < 0 else ""))


def _adjustment(p: LinePosting, kind: str, adj: RemittanceAdjustment, amount: Decimal,
                reason: str) -> Adjustment:
    return Adjustment.create(account=p.part.account_id, line=p.line, payment=p.part, kind=kind,
                             reason=reason, party="insurance", amount=amount,
                             adjusted_on=p.entry_date, entered_on=p.entry_date, created_by=p.by,
                             group_code=adj.group, carc=adj.reason, remarks=",".join(p.remarks))


def _adjust(p: LinePosting, payer_id: int, adj: RemittanceAdjustment, amount: Decimal) -> None:
    made = _adjustment(p, "contractual", adj, amount,
                       f"{adj.group} {adj.reason} per claim {p.claim.control_number}")
    post_entry(account_id=p.part.account_id, amount=-amount, kind="adjustment", party="insurance",
               by=p.by, line=p.line, payer_id=payer_id, adjustment=made, entry_date=p.entry_date,
               posting_date=p.paid_on, memo=f"{adj.group} {adj.reason}")


def _share(p: LinePosting, payer_id: int, adj: RemittanceAdjustment, amount: Decimal) -> None:
    """The patient's part (PR): to the secondary payer when there is one, else to the patient."""
    kind = PATIENT_SHARE_REASONS.get(adj.reason, "patient responsibility")
    to = "the secondary" if p.secondary_payer_id else "the patient"
    made = _adjustment(p, "transfer", adj, amount, f"PR {adj.reason} {kind} to {to}")
    memo = f"PR {adj.reason} {kind}"
    post_entry(account_id=p.part.account_id, amount=-amount, kind="transfer", party="insurance",
               by=p.by, line=p.line, payer_id=payer_id, adjustment=made, entry_date=p.entry_date,
               posting_date=p.paid_on, memo=memo)
    post_entry(account_id=p.part.account_id, amount=amount, kind="transfer",
               party="insurance" if p.secondary_payer_id else "patient", by=p.by, line=p.line,
               payer_id=p.secondary_payer_id, adjustment=made, entry_date=p.entry_date,
               posting_date=p.paid_on, memo=memo)
