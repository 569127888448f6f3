"""The same claim more than once in one 835 file: in one remittance (one check), or on two checks.

The 835 rules (005010X221A1) let a claim number (CLP01) come back more than once: a reversal
(CLP02 22) and its correction, and a claim the payer split to pay part of it sooner (remark MA15)
each repeat it, with their own amounts or lines. Those are posted as they come. A claim payment
that repeats an earlier one of the same file exactly (the same claim number, status, amounts and
service lines, whatever payer claim number CLP07 it carries) with no reversal of that claim
between them is no split: it is the payer's mistake, and posting it would pay the claim twice
(its money would even pay what the first copy put on the patient). It is not posted: its money is
held unapplied on its own check and it goes on the unmatched worklist, where the clerk can match it
if the payer confirms it. A reversal takes one payment back (the one it mirrors), so the payment
that follows it is never a repeat, in whichever order one check lists them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ...money import format_money
from ...remittance import ClaimPayment, Remittance, RemittanceAdjustment, RemittanceLine


@dataclass
class Repeats:
    """One remittance's claims that repeat another of its file."""

    held: dict[int, str] = field(default_factory=dict)  # claim index -> why it is held, not posted
    splits: list[str] = field(default_factory=list)  # claims posted in parts, said


def _adjustments(items: tuple[RemittanceAdjustment, ...]) -> tuple:
    return tuple((a.group, a.reason, a.amount) for a in items)


def _line(line: RemittanceLine) -> tuple:
    return (line.code, line.modifiers, line.units, line.service_date, line.charge, line.paid,
            line.allowed, _adjustments(line.adjustments), line.line_reference)


def _key(payment: ClaimPayment) -> tuple:
    return (payment.claim_number, payment.status, payment.charge, payment.paid,
            payment.patient_responsibility, tuple(_line(l) for l in payment.lines),
            _adjustments(payment.adjustments))


def _check(remittance: Remittance) -> str:
    return f"{'EFT' if remittance.method == 'eft' else 'check'} {remittance.reference}"


def _why(payment: ClaimPayment, file: Sequence[Remittance], first: int, this: int) -> str:
    about = (f"(payer claim number {payment.payer_claim_number or 'none'}, charge "
             f"{format_money(payment.charge)}, paid {format_money(payment.paid)})")
    paid = format_money(payment.paid)
    if first == this:
        return (f"claim {payment.claim_number} is in this remittance twice {about}: the second was not "
                f"posted; its {paid} is held unapplied on the payer, on the unmatched worklist")
    here = _check(file[this])
    return (f"claim {payment.claim_number} was already paid the same on {_check(file[first])} of this "
            f"file {about}: this second copy on {here} was not posted; its {paid} is held unapplied "
            f"on {here}, on the unmatched worklist")


def in_file(file: Sequence[Remittance]) -> list[Repeats]:
    """Per remittance of a file (in its order): its claim payments that repeat an earlier one of
    the file exactly, with why each is held, and the claims that come back in parts."""
    out = [Repeats() for _ in file]
    live: dict[str, list[tuple[tuple, int]]] = {}  # claim number -> (its key, remittance) standing
    for at, remittance in enumerate(file):
        again = _reversed(remittance, live)
        for index, payment in enumerate(remittance.claims):
            if payment.is_reversal:
                continue
            key = _key(payment)
            standing = live.setdefault(payment.claim_number, [])
            first = next((where for seen, where in standing if seen == key), None)
            if first is not None and again.get(payment.claim_number, 0) > 0:
                again[payment.claim_number] -= 1  # a reversal on this check takes that copy back
                first = None
            if first is None:
                standing.append((key, at))
            else:
                out[at].held[index] = _why(payment, file, first, at)
    for at, said in _splits(file).items():
        out[at].splits += said
    return out


def _reversed(remittance: Remittance, live: dict[str, list[tuple[tuple, int]]]) -> dict[str, int]:
    """A check's reversals take back what was paid before it (the copy with the same amounts,
    else the earliest); one with nothing before it to take back lets the same check pay that
    claim once more (its payment and the reversal of it on one check). Returns those, by claim."""
    again: dict[str, int] = {}
    for payment in remittance.claims:
        if not payment.is_reversal:
            continue
        standing = live.get(payment.claim_number, [])
        mirror = next((i for i, (key, _at) in enumerate(standing)
                       if (key[2], key[3]) == (-payment.charge, -payment.paid)), 0 if standing else None)
        if mirror is None:
            again[payment.claim_number] = again.get(payment.claim_number, 0) + 1
        else:
            del standing[mirror]
    return again


def _splits(file: Sequence[Remittance]) -> dict[int, list[str]]:
    """A claim number that comes back with other amounts or lines (a split claim), not a reversal
    and its correction: posted, and said on the last check that carries it."""
    by_number: dict[str, list[tuple[int, ClaimPayment]]] = {}
    for at, remittance in enumerate(file):
        for payment in remittance.claims:
            by_number.setdefault(payment.claim_number, []).append((at, payment))
    out: dict[int, list[str]] = {}
    for number, found in by_number.items():
        payments = [p for _at, p in found]
        if len({_key(p) for p in payments}) < 2 or any(p.is_reversal for p in payments):
            continue
        numbers = ", ".join(sorted({p.payer_claim_number or "none" for p in payments}))
        checks = sorted({at for at, _p in found})
        where = (" on " + " and ".join(_check(file[at]) for at in checks) + " of this file"
                 if len(checks) > 1 else "")
        out.setdefault(checks[-1], []).append(
            f"claim {number} comes back {len(payments)} times with different amounts (payer claim "
            f"numbers {numbers}){where}: each part is posted to it as a split claim; check them "
            "against the claim")
    return out
