"""The same claim more than once in one remittance.

The 835 rules (005010X221A1) let a claim number (CLP01) come back more than once in one
remittance: a reversal (CLP02 22) and its correction, and a claim the payer split to pay part of
it sooner (remark MA15) each repeat it, with their own amounts. Those are posted as they come.
A claim payment that repeats an earlier one of the same remittance exactly (the same claim
number, payer claim number CLP07, status and amounts) is no split: it is the payer's mistake, and
posting it would pay the claim twice. It is not posted: its money is held unapplied on the payer
and it goes on the unmatched worklist, where the clerk can match it if the payer confirms it.
"""

from __future__ import annotations

from ...money import format_money
from ...remittance import ClaimPayment, Remittance


def _key(payment: ClaimPayment) -> tuple:
    return (payment.claim_number, payment.payer_claim_number, payment.status, payment.charge,
            payment.paid, payment.patient_responsibility)


def repeated(remittance: Remittance) -> dict[int, str]:
    """Index of each claim payment that repeats an earlier one exactly -> why it is held."""
    seen: set[tuple] = set()
    out: dict[int, str] = {}
    for index, payment in enumerate(remittance.claims):
        key = _key(payment)
        if key in seen and not payment.is_reversal:
            out[index] = (f"claim {payment.claim_number} is in this remittance twice (payer claim "
                          f"number {payment.payer_claim_number or 'none'}, charge "
                          f"{format_money(payment.charge)}, paid {format_money(payment.paid)}): the "
                          f"second was not posted; its {format_money(payment.paid)} is held "
                          "unapplied on the payer, on the unmatched worklist")
        seen.add(key)
    return out


def split(remittance: Remittance) -> list[str]:
    """A claim number that comes back with other amounts (a split claim), not a reversal and its
    correction: posted, and said."""
    by_number: dict[str, list[ClaimPayment]] = {}
    for payment in remittance.claims:
        by_number.setdefault(payment.claim_number, []).append(payment)
    out = []
    for number, payments in by_number.items():
        distinct = {_key(p) for p in payments}
        if len(distinct) > 1 and not any(p.is_reversal for p in payments):
            numbers = ", ".join(sorted({p.payer_claim_number or "none" for p in payments}))
            out.append(f"claim {number} comes back {len(payments)} times with different amounts "
                       f"(payer claim numbers {numbers}): each part is posted to it as a split "
                       "claim; check them against the claim")
    return out
