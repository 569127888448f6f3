"""What the clerk does with a denied claim's money: write off what insurance still owes on its
lines (a supervisor, or one who signs it off), or move it to the patient when the denial's code
says the patient owes (group PR). Either way the claim is closed, all in one transaction.
(Correcting and resubmitting is ``claims.claim_status.resubmit``; the appeal ``claims.denials``.)"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ...errors import RuleError, ValidationError
from ...models import Claim, InvoiceLine, User
from ...money import ZERO, format_money
from ..claims import claim_status
from ..claims.claims import claim_lines
from ..claims.denials import DENIED, denial_reasons
from ..office import audit
from ..office.permissions import approved_note, require
from ..office.transactions import in_transaction
from .adjustments import adjust_line, transfer_to_patient


def _denied(claim_id: int) -> Claim:
    claim = Claim.get_by_id(claim_id)
    if claim.status not in DENIED:
        raise RuleError(f"Claim {claim.control_number} is {claim_status.NAMES[claim.status]}, "
                        "not denied.")
    return claim


def _owed_lines(claim: Claim) -> list[tuple[InvoiceLine, Decimal]]:
    owed = [(InvoiceLine.get_by_id(cl.line_id), ZERO) for cl in claim_lines(claim)]
    owed = [(line, line.insurance_balance) for line, _ in owed if line.insurance_balance > 0]
    if not owed:
        raise RuleError(f"Insurance owes nothing on claim {claim.control_number}'s lines; close the "
                        "claim instead.")
    return owed


def write_off_denial(claim_id: int, reason: str, by: User, *, approved_by: User | None = None,
                     entry_date: dt.date | None = None, adjusted_on: str | dt.date | None = None) -> Decimal:
    """Write off what insurance still owes on a denied claim's lines, with a reason, and close it.
    ``adjusted_on``: the day of the write-off (not in the future, nor before the date of service;
    blank: the day it is entered). Returns the amount written off."""
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
                        approved_by=approved_by)
            total += owed
        claim_status.move(claim, "closed", by, f"written off {format_money(total)}: {reason}")
        audit.record(by, "write_off", claim, account_id=claim.invoice.account_id,
                     summary=f"denied claim {claim.control_number}: wrote off {format_money(total)}"
                             f": {reason}" + approved_note(by, "write_off", approved_by))
    return total


def move_denial_to_patient(claim_id: int, by: User, *, entry_date: dt.date | None = None) -> Decimal:
    """The denial says the patient owes (a PR code): what insurance still owes on the claim's
    lines moves to the patient, and the claim is closed. Returns the amount moved."""
    with in_transaction():
        claim = _denied(claim_id)
        reasons = denial_reasons(claim)
        patient = [r for r in reasons if r.group == "PR"]
        if not patient:
            raise RuleError(f"Claim {claim.control_number}'s denial ({'; '.join(map(str, reasons))}) "
                            "does not say the patient owes (a PR code); write it off, appeal or "
                            "correct and resubmit it.")
        said = ", ".join(f"PR{r.code}" for r in patient)
        total = ZERO
        for line, owed in _owed_lines(claim):
            transfer_to_patient(line.id, owed, by, entry_date=entry_date,
                                reason=f"denied claim {claim.control_number}: {said} patient owes")
            total += owed
        claim_status.move(claim, "closed", by, f"{format_money(total)} moved to the patient ({said})")
    return total
