"""What the clerk does with a denied claim's money: write off what its payer still owes on its
lines (a supervisor, or one who signs it off), or, when the denial's code says the patient owes
(group PR), move it on: to the patient's secondary insurer when the patient has an active one (a
secondary claim carries it, with the primary's denial on each line), else to the patient. Either
way the claim is closed, all in one transaction.
(Correcting and resubmitting is ``claims.claim_status.resubmit``; the appeal ``claims.denials``.)"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from ...errors import RuleError, ValidationError
from ...models import Claim, Coverage, InvoiceLine, Payer, User
from ...money import ZERO, format_money
from ..claims import claim_status
from ..claims.after_payment import adjustments_text
from ..claims.claims import claim_lines, new_claim, open_claim_of
from ..claims.denials import DENIED, denial_reasons
from ..claims.payer_order import covering
from ..office import audit
from ..office.permissions import approved_note, require
from ..office.transactions import in_transaction, today
from .adjustments import adjust_line
from .ledger import post_entry
from .remit_lines import payer_owes


def _denied(claim_id: int) -> Claim:
    claim = Claim.get_by_id(claim_id)
    if claim.status not in DENIED:
        raise RuleError(f"Claim {claim.control_number} is {claim_status.NAMES[claim.status]}, "
                        "not denied.")
    return claim


def _owed_lines(claim: Claim) -> list[tuple[InvoiceLine, Decimal]]:
    """The claim's lines with what its payer still owes on each (another payer's part aside)."""
    owed = [(InvoiceLine.get_by_id(cl.line_id), payer_owes(cl.line_id, claim.payer_id))
            for cl in claim_lines(claim)]
    owed = [(line, amount) for line, amount in owed if amount > 0]
    if not owed:
        raise RuleError(f"{claim.payer.name} owes nothing on claim {claim.control_number}'s lines; "
                        "close the claim instead.")
    return owed


def write_off_denial(claim_id: int, reason: str, by: User, *, approved_by: User | None = None,
                     entry_date: dt.date | None = None, adjusted_on: str | dt.date | None = None) -> Decimal:
    """Write off what the claim's payer still owes on a denied claim's lines, with a reason, and
    close it. ``adjusted_on``: the day of the write-off (not in the future, nor before the date of
    service; blank: the day it is entered). Returns the amount written off."""
    if not (reason or "").strip():
        raise ValidationError("a reason is required to write off", "reason")
    require(by, "write_off", approved_by)
    reason = reason.strip()
    with in_transaction():
        claim = _denied(claim_id)
        total = ZERO
        for line, owed in _owed_lines(claim):
            adjust_line(line.id, "write_off", owed, f"denied claim {claim.control_number}: {reason}",
                        by, party="insurance", entry_date=entry_date, adjusted_on=adjusted_on,
                        approved_by=approved_by, payer_id=claim.payer_id)
            total += owed
        claim_status.move(claim, "closed", by, f"written off {format_money(total)}: {reason}")
        audit.record(by, "write_off", claim, account_id=claim.invoice.account_id,
                     summary=f"denied claim {claim.control_number}: wrote off {format_money(total)}"
                             f": {reason}" + approved_note(by, "write_off", approved_by))
    return total


def _secondary_coverage(claim: Claim) -> Coverage | None:
    """The patient's active secondary coverage a primary claim's denial may go to (not the same
    payer's); none for a secondary claim (there is no third payer here)."""
    if claim.rank != "primary":
        return None
    invoice = claim.invoice
    coverage = covering(invoice.account_id, invoice.service_date, "secondary")
    if coverage is None or coverage.plan.payer_id == claim.payer_id:
        return None
    return coverage


def secondary_for(claim_id: int) -> Payer | None:
    """The secondary payer a denied claim's patient share would go to, if the patient has one."""
    coverage = _secondary_coverage(Claim.get_by_id(claim_id))
    return coverage.plan.payer if coverage is not None else None


@dataclass(frozen=True)
class Moved:
    amount: Decimal
    to: str  # the secondary payer's name, or "the patient"
    claim_number: str = ""  # the secondary claim that carries it

    def __str__(self) -> str:
        if self.claim_number:
            return f"{format_money(self.amount)} moved to {self.to} on secondary claim {self.claim_number}"
        return f"{format_money(self.amount)} moved to {self.to}"


def move_denial_to_patient(claim_id: int, by: User, *, to: str | None = None,
                           entry_date: dt.date | None = None) -> Moved:
    """The denial says the patient owes (a PR code): what the payer still owes on the claim's
    lines moves on and the claim is closed. ``to``: "secondary" (the patient's active secondary
    insurer, on a secondary claim made for it), "patient", or None: the secondary when the
    patient has one, else the patient."""
    if to not in (None, "secondary", "patient"):
        raise ValidationError("move it to the secondary or to the patient", "to")
    day = entry_date or today()
    with in_transaction():
        claim = _denied(claim_id)
        reasons = denial_reasons(claim)
        patient = [r for r in reasons if r.group == "PR"]
        if not patient:
            raise RuleError(f"Claim {claim.control_number}'s denial ({'; '.join(map(str, reasons))}) "
                            "does not say the patient owes (a PR code); write it off, appeal or "
                            "correct and resubmit it.")
        said = ", ".join(f"PR{r.code}" for r in patient)
        coverage = _secondary_coverage(claim) if to != "patient" else None
        if to == "secondary" and coverage is None:
            raise RuleError(f"{claim.invoice.account.display_name} has no active secondary insurance "
                            f"for claim {claim.control_number}: move it to the patient.")
        owed = _owed_lines(claim)
        total = sum((amount for _line, amount in owed), ZERO)
        if coverage is None:
            moved = _to_patient(claim, owed, said, by, day)
        else:
            moved = _to_secondary(claim, coverage, owed, patient[0].code, said, by, day,
                                  made_on=entry_date)
        claim_status.move(claim, "closed", by, f"{format_money(total)} moved to {moved.to} ({said})"
                          + (f" on secondary claim {moved.claim_number}" if moved.claim_number else ""))
        audit.record(by, "transfer", claim, account_id=claim.invoice.account_id,
                     summary=f"denied claim {claim.control_number} ({said}): {moved}")
    return moved


def _transfer(claim: Claim, line: InvoiceLine, amount: Decimal, by: User, day: dt.date, memo: str,
              *, to_payer: int | None) -> None:
    """One line's part moves from the claim's payer to another payer, or to the patient."""
    account_id = claim.invoice.account_id
    post_entry(account_id=account_id, amount=-amount, kind="transfer", party="insurance", by=by,
               line=line, payer_id=claim.payer_id, entry_date=day, memo=memo)
    post_entry(account_id=account_id, amount=amount, kind="transfer",
               party="insurance" if to_payer else "patient", by=by, line=line, payer_id=to_payer,
               entry_date=day, memo=memo)


def _to_patient(claim, owed, said: str, by: User, day: dt.date) -> Moved:
    for line, amount in owed:
        _transfer(claim, line, amount, by, day, f"denied claim {claim.control_number}: {said} patient "
                  "owes", to_payer=None)
    return Moved(sum((a for _l, a in owed), ZERO), "the patient")


def _to_secondary(claim, coverage: Coverage, owed, code: str, said: str, by: User,
                  day: dt.date, *, made_on: dt.date | None) -> Moved:
    """The patient's share goes to the secondary insurer: its claim carries each line with what
    the primary did (paid, contractual, and the denial's PR code for the rest of the charge)."""
    payer = coverage.plan.payer
    memo = f"denied claim {claim.control_number}: {said} to the secondary {payer.name}"
    for line, amount in owed:
        _transfer(claim, line, amount, by, day, memo, to_payer=payer.id)
    billed = [c for c in (open_claim_of(line.id, payer.id) for line, _a in owed) if c is not None]
    lines = [line for line, _a in owed if open_claim_of(line.id, payer.id) is None]
    if lines:  # the lines its open claim does not carry yet go on a new secondary claim
        other = {line.id: _primary_did(claim, line, code) for line in lines}
        billed.append(new_claim(claim.invoice, coverage, sorted(lines, key=lambda l: l.position), by,
                                rank="secondary", primary_claim=claim, paid_on=day, other=other,
                                note=f"the primary's denial ({said}) of claim {claim.control_number}",
                                on=made_on))
    numbers = ", ".join(dict.fromkeys(c.control_number for c in billed))
    return Moved(sum((a for _l, a in owed), ZERO), payer.name, numbers)


def _primary_did(claim: Claim, line: InvoiceLine, code: str) -> tuple[Decimal, str]:
    """What the primary paid on a line and its adjustments, adding up to the line's charge: its
    payments, its contractual adjustments (CO 45), and the rest under the denial's PR code."""
    from ...models import LedgerEntry

    entries = list(LedgerEntry.select().where(LedgerEntry.line == line.id,
                                              LedgerEntry.payer == claim.payer_id,
                                              LedgerEntry.kind.in_(("payment", "payment_void",
                                                                    "adjustment"))))
    paid = -sum((e.amount for e in entries if e.kind != "adjustment"), ZERO)
    contractual = -sum((e.amount for e in entries if e.kind == "adjustment"), ZERO)
    rest = line.amount - paid - contractual
    adjustments = [("CO", "45", contractual), ("PR", code, rest)]
    return paid, adjustments_text([a for a in adjustments if a[2]])
