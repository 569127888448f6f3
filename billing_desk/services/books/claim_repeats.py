"""A claim paid twice: more than once in one 835 file (on one check or two), or again after a
payment already posted from an earlier file or a paper EOB.

The 835 rules (005010X221A1) let a claim number (CLP01) come back more than once: a reversal
(CLP02 22) and its correction, and a claim the payer split to pay part of it sooner (remark MA15)
each repeat it, with their own amounts or lines. Those are posted as they come. A claim payment
that repeats an earlier one exactly with no reversal of that claim between them is no split: it is
the payer's mistake, and posting it would pay the claim twice (its money would even pay what the
first copy put on the patient). It is not posted: its money is held unapplied on its own check
and it goes on the unmatched worklist, where the clerk can match it if the payer confirms it.
Exactly: within the file, the same claim number, status, amounts and service lines, whatever
payer claim number CLP07 it carries; against a payment posted before, the same status and the
same charge and paid, in all and line by line (what the books keep of it). A reversal takes one
payment back (the one it mirrors, else the earliest), so the payment that follows it is never a
repeat, in whichever order one check lists them. All of it is decided before anything is posted,
so the preview and the posting say the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from ...models import Claim, InsurancePayment, Payer, Payment, RemitLine
from ...money import ZERO, format_money
from ...remittance import ClaimPayment, Remittance, RemittanceAdjustment, RemittanceLine


@dataclass
class Repeats:
    """One remittance's claims that repeat a payment of its file or one posted before."""

    held: dict[int, str] = field(default_factory=dict)  # claim index -> why it is held, not posted
    splits: list[str] = field(default_factory=list)  # claims posted in parts, said


@dataclass
class _Paid:
    """A payment of a claim standing (not reversed): one of the file, or one posted before it."""

    key: tuple | None  # the file's copy: all it says; None: posted before the file
    loose: tuple  # what the books keep of a payment: status, charge, paid, lines' charge and paid
    at: int  # the remittance of the file that carries it (-1: posted before)
    where: str = ""  # posted before: on which check ("Acme Health check CHK1 (received …")


def _adjustments(items: tuple[RemittanceAdjustment, ...]) -> tuple:
    return tuple((a.group, a.reason, a.amount) for a in items)


def _line(line: RemittanceLine) -> tuple:
    return (line.code, line.modifiers, line.units, line.service_date, line.charge, line.paid,
            line.allowed, _adjustments(line.adjustments), line.line_reference)


def _key(payment: ClaimPayment) -> tuple:
    return (payment.claim_number, payment.status, payment.charge, payment.paid,
            payment.patient_responsibility, tuple(_line(l) for l in payment.lines),
            _adjustments(payment.adjustments))


def _loose(status: str, lines: list[tuple[Decimal, Decimal]]) -> tuple:
    charge, paid = sum((c for c, _p in lines), ZERO), sum((p for _c, p in lines), ZERO)
    return (status, charge, paid, tuple(sorted(lines)))


def _loose_of(payment: ClaimPayment) -> tuple:
    lines = [(l.charge, l.paid) for l in payment.lines] or [(payment.charge, payment.paid)]
    return _loose(payment.status, lines)


def _check(remittance: Remittance) -> str:
    return f"{'EFT' if remittance.method == 'eft' else 'check'} {remittance.reference}"


def _why(payment: ClaimPayment, file: Sequence[Remittance], first: _Paid, this: int) -> str:
    about = (f"payer claim number {payment.payer_claim_number or 'none'}, charge "
             f"{format_money(payment.charge)}, paid {format_money(payment.paid)}")
    paid, here = format_money(payment.paid), _check(file[this])
    if first.at == this:
        return (f"claim {payment.claim_number} is in this remittance twice ({about}): the second was not "
                f"posted; its {paid} is held unapplied on the payer, on the unmatched worklist")
    where = (first.where[:-1] + f", {about})" if first.at < 0
             else f"{_check(file[first.at])} of this file ({about})")
    return (f"claim {payment.claim_number} was already paid the same on {where}: this second copy on "
            f"{here} was not posted; its {paid} is held unapplied on {here}, on the unmatched worklist")


def in_file(file: Sequence[Remittance]) -> list[Repeats]:
    """Per remittance of a file (in its order): its claim payments that repeat a payment still
    standing (earlier in the file, or posted before it), with why each is held, and the claims
    that come back in parts."""
    out = [Repeats() for _ in file]
    live = _posted_before({p.claim_number for r in file for p in r.claims})
    for at, remittance in enumerate(file):
        again = _reversed(remittance.claims, live)
        for index, payment in enumerate(remittance.claims):
            if payment.is_reversal:
                continue
            key, loose = _key(payment), _loose_of(payment)
            standing = live.setdefault(payment.claim_number, [])
            first = next((p for p in standing if (p.key == key if p.key else p.loose == loose)), None)
            if first is not None and again.get(payment.claim_number, 0) > 0:
                again[payment.claim_number] -= 1  # a reversal on this check takes that copy back
                first = None
            if first is None:
                standing.append(_Paid(key, loose, at))
            else:
                out[at].held[index] = _why(payment, file, first, at)
    for at, said in _splits(file).items():
        out[at].splits += said
    return out


def _reversed(claims: Sequence[ClaimPayment], live: dict[str, list[_Paid]]) -> dict[str, int]:
    """A check's reversals take back what was paid before it (the copy with the same amounts,
    else the earliest); one with nothing before it to take back lets the same check pay that
    claim once more (its payment and the reversal of it on one check). Returns those, by claim."""
    again: dict[str, int] = {}
    for payment in claims:
        if payment.is_reversal:
            _take_back(live.get(payment.claim_number, []), -payment.charge, -payment.paid, again,
                       payment.claim_number)
    return again


def _take_back(standing: list[_Paid], charge: Decimal, paid: Decimal, again: dict[str, int],
               number: str) -> None:
    mirror = next((i for i, p in enumerate(standing) if p.loose[1:3] == (charge, paid)),
                  0 if standing else None)
    if mirror is None:
        again[number] = again.get(number, 0) + 1
    else:
        del standing[mirror]


def _posted_before(numbers: set[str]) -> dict[str, list[_Paid]]:
    """The payments posted to our claims of those numbers (from remittance lines; a part since
    voided or taken back is none) that no reversal has taken back, by claim number."""
    live: dict[str, list[_Paid]] = {}
    wanted = sorted(n for n in numbers if n)
    for start in range(0, len(wanted), 500):
        parts: dict[int, tuple[str, str, str, list[tuple[Decimal, Decimal]]]] = {}
        for row in (RemitLine.select(RemitLine.payment, RemitLine.claim_status, RemitLine.charge,
                                     RemitLine.paid, Claim.control_number, Payer.name,
                                     InsurancePayment.method, InsurancePayment.reference,
                                     InsurancePayment.received_on)
                    .join(Claim).switch(RemitLine).join(Payment)
                    .switch(RemitLine).join(InsurancePayment).join(Payer)
                    .where(Claim.control_number.in_(wanted[start:start + 500]), Payment.status == "posted")
                    .order_by(RemitLine.id).tuples()):
            part, status, charge, paid, number, payer, method, reference, received = row
            kind = "EFT" if method == "eft" else "check"
            parts.setdefault(part, (number, status, f"{payer} {kind} {reference} (received "
                                    f"{received:%m/%d/%Y})", []))[3].append((charge, paid))
        for number, status, where, lines in parts.values():
            standing = live.setdefault(number, [])
            loose = _loose(status, lines)
            if status == "22":
                _take_back(standing, -loose[1], -loose[2], {}, number)
            else:
                standing.append(_Paid(None, loose, -1, where))
    return live


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
