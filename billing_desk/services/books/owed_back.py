"""Money owed back to a secondary payer. The primary reversed its payment (an 835 claim status 22)
after the secondary had paid the claim that payment made: that secondary claim is voided, and
what the secondary paid on it (and what it put on the patient) comes off the invoice. The paid
money is held on the secondary's own check as *owed back* to it, shown with the unapplied
insurance money, until the clerk refunds it, applies it to the corrected secondary claim, or the
secondary takes it back itself on a later remittance (its reversal of the voided claim).
A secondary's payment recorded without a check record (a plain insurance payment, as the EOB
screen recorded them before schema 5) is taken back too; its money is held on a check record made
for it then (the check its payment names), which is no new deposit: its payment was deposited
on its own day, and that day's deposit does not change. One that also paid another invoice is
left as it is, and said. Called by ``remittances`` inside its transaction."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ...choices import CHECK_MADE_FOR_A_PAYMENT
from ...errors import RuleError
from ...models import (
    Adjustment,
    Claim,
    InsuranceMoney,
    InsurancePayment,
    LedgerEntry,
    Payment,
    RemitLine,
    User,
)
from ...money import ZERO, format_money
from ..claims.claims import record_event
from ..office import audit
from .check_sums import unapplied
from .insurance_money import OWED_BACK, move, new_check
from .ledger import post_entry


def paid_parts(claim: Claim) -> list[Payment]:
    """The payer's posted payments on a claim: its remittances', held money applied to it, and
    the payer's payments on the claim's invoice recorded without a check (those that paid only
    that invoice)."""
    remitted = RemitLine.select(RemitLine.payment).where(RemitLine.claim == claim.id,
                                                         RemitLine.payment.is_null(False))
    return list(Payment.select().where(
        (Payment.id.in_(remitted)) | (Payment.note == f"claim {claim.control_number}: held money applied"),
        Payment.payer == claim.payer_id, Payment.status == "posted",
        Payment.insurance_payment.is_null(False), Payment.amount > 0).order_by(Payment.id)) + [
        part for part in _without_a_check(claim) if not _elsewhere(part, claim)]


def _without_a_check(claim: Claim) -> list[Payment]:
    """The payer's insurance payments on the claim's invoice that no check record holds."""
    on_invoice = LedgerEntry.select(LedgerEntry.payment).where(
        LedgerEntry.invoice == claim.invoice_id, LedgerEntry.kind == "payment",
        LedgerEntry.payer == claim.payer_id, LedgerEntry.payment.is_null(False))
    return list(Payment.select().where(
        Payment.id.in_(on_invoice), Payment.source == "insurance", Payment.payer == claim.payer_id,
        Payment.status == "posted", Payment.insurance_payment.is_null(), Payment.amount > 0)
        .order_by(Payment.id))


def _elsewhere(part: Payment, claim: Claim) -> bool:
    """Part of the payment is off the claim's invoice: another invoice's lines, or account credit."""
    off = LedgerEntry.invoice.is_null() | (LedgerEntry.invoice != claim.invoice_id)
    return part.ledger.where(LedgerEntry.kind == "payment", off).exists()


def _left(claim: Claim) -> list[str]:
    """The payer's payments without a check that also paid elsewhere: not taken back, said."""
    said = []
    for part in _without_a_check(claim):
        if _elsewhere(part, claim):
            here = -sum((e.amount for e in part.ledger.where(LedgerEntry.kind == "payment",
                                                             LedgerEntry.invoice == claim.invoice_id)), ZERO)
            said.append(f"the payment {part.reference or f'#{part.id}'} ({format_money(part.amount)}) from "
                        f"{claim.payer.name} also paid other invoices, so it was not taken back: the "
                        f"{format_money(here)} it paid on invoice {claim.invoice.number} stays on it; "
                        f"settle it with {claim.payer.name} by hand")
    return said


def _check_made_for(part: Payment, by: User, on: dt.date) -> InsurancePayment:
    """A check record for a payment recorded without one, to hold its money owed back: the check
    (or EFT) its payment names, for the payment's amount, received when it was."""
    reference = (part.reference or "").strip()
    method = {"check": "check", "eft": "eft"}.get(part.method, "none") if reference else "none"
    check = new_check(part.payer_id, method, reference, part.amount, part.received_on, by,
                      source=CHECK_MADE_FOR_A_PAYMENT, once=False, entry_date=on)
    part.insurance_payment = check
    part.save(only=[Payment.insurance_payment])
    audit.record(by, "update", part, account_id=part.account_id,
                 summary=f"{check.payer.name} payment {reference or f'#{part.id}'} "
                         f"{format_money(part.amount)} had no check record: one made for it, to hold "
                         "what is owed back")
    return check


def take_back(secondaries: list[Claim], primary: Claim, by: User, entry_date: dt.date) -> list[str]:
    """The secondary claims a reversed payment had made, now voided: what each one's payer paid
    comes off the invoice and is held on its check as owed back. Returns what was done, in words."""
    said = []
    for claim in secondaries:
        reason = (f"{OWED_BACK} to {claim.payer.name}: its claim {claim.control_number} was voided "
                  f"after {primary.payer.name} reversed its payment on claim {primary.control_number}")
        taken = sum((_take_back(part, claim, reason, by, entry_date) for part in paid_parts(claim)), ZERO)
        if taken:
            said.append(f"{claim.payer.name} had paid {format_money(taken)} on claim {claim.control_number}: "
                        f"taken off the invoice and held as owed back to {claim.payer.name} (refund it, "
                        "or apply it to the corrected claim, from Unapplied insurance money)")
        said += _left(claim)
    return said


def _take_back(part: Payment, claim: Claim, reason: str, by: User, on: dt.date) -> Decimal:
    memo = f"taken back: claim {claim.control_number} voided"
    for entry in list(part.ledger.where(LedgerEntry.kind == "payment")):
        post_entry(account_id=entry.account_id, amount=-entry.amount, kind="payment_void", party=entry.party,
                   by=by, line=entry.line, payer_id=entry.payer_id, payment=part, reverses=entry,
                   entry_date=on, memo=memo)
    for made in list(Adjustment.select().where(Adjustment.payment == part.id, Adjustment.amount != 0)):
        undo = Adjustment.create(account=made.account_id, line=made.line_id, payment=part, kind=made.kind,
                                 reason=f"{memo} (undoes: {made.reason})", party=made.party,
                                 amount=-made.amount, adjusted_on=on, entered_on=on, created_by=by,
                                 group_code=made.group_code, carc=made.carc, remarks=made.remarks)
        for entry in list(LedgerEntry.select().where(LedgerEntry.adjustment == made.id)):
            post_entry(account_id=entry.account_id, amount=-entry.amount, kind=entry.kind, party=entry.party,
                       by=by, line=entry.line, payer_id=entry.payer_id, adjustment=undo, reverses=entry,
                       entry_date=on, memo=memo)
    part.status, part.void_reason = "void", reason
    part.save(only=[Payment.status, Payment.void_reason])
    check = part.insurance_payment if part.insurance_payment_id is not None else _check_made_for(part, by, on)
    move(check, "held", part.amount, by, reason=reason, code=OWED_BACK, reference=claim.control_number,
         entry_date=on)
    said = (f"{format_money(part.amount)} paid by {check.payer.name} {check.reference} taken off the "
            f"invoice: held as owed back to {check.payer.name}")
    record_event(claim, claim.status, by, said)
    audit.record(by, "owed_back", part, account_id=part.account_id, summary=f"claim {claim.control_number}: "
                 f"{said}")
    return part.amount


def owed_on(claim: Claim) -> list[tuple[InsurancePayment, Decimal]]:
    """The checks holding money owed back for a voided claim, with what each still holds."""
    holds = (InsuranceMoney.select().where(InsuranceMoney.kind == "held", InsuranceMoney.code == OWED_BACK,
                                           InsuranceMoney.reference == claim.control_number)
             .order_by(InsuranceMoney.id))
    found: dict[int, InsurancePayment] = {}
    for hold in holds:
        found.setdefault(hold.insurance_payment_id, hold.insurance_payment)
    return [(check, unapplied(check.id)) for check in found.values() if unapplied(check.id) > 0]


def recoup(check: InsurancePayment, claim: Claim, amount: Decimal, by: User, entry_date: dt.date) -> str:
    """The payer reverses (on ``check``) its payment of a claim whose money is already held as
    owed back to it: that money is what it takes back. The hold is settled on the old check as
    returned to the payer, and the new check is short by as much (the payer kept it), so neither
    the invoice nor any check moves twice."""
    left = amount
    settled = []
    for old, held in owed_on(claim):
        take = min(left, held)
        move(old, "refunded", -take, by, reference=check.reference, entry_date=entry_date,
             reason=f"taken back by {check.payer.name} on its payment {check.reference} "
                    f"(its reversal of claim {claim.control_number})")
        settled.append(f"{format_money(take)} held on {old.reference}")
        left -= take
        if not left:
            break
    if left:
        raise RuleError(f"{check.payer.name} reverses {format_money(amount)} on claim "
                        f"{claim.control_number}, but only {format_money(amount - left)} of it is held "
                        "as owed back: nothing was posted. Look at the claim's payments first.")
    move(check, "provider", -amount, by, reference=claim.control_number, entry_date=entry_date,
         reason=f"{check.payer.name} took back the {format_money(amount)} owed back on voided claim "
                f"{claim.control_number}")
    said = (f"claim {claim.control_number}: {check.payer.name} took back the {format_money(amount)} owed "
            f"back to it ({', '.join(settled)})")
    record_event(claim, claim.status, by, said)
    audit.record(by, "owed_back_taken", check, account_id=claim.invoice.account_id, summary=said)
    return said
