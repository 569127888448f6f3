"""A claim's statuses, each change a named service writing a ClaimEvent and an audit entry:

    ready ─ hold → held ─ release → ready ─ submit → submitted → accepted → paid | partly paid | denied
    resubmit: a replacement (frequency 7) takes the claim's place, which is then "resubmitted"
    void: the claim is "voided"; one that had gone out gets a void claim (frequency 8) to send
    close: nothing more is expected of the claim
"""

from __future__ import annotations

import datetime as dt

from ...choices import CLAIM_MODES
from ...errors import RuleError, ValidationError
from ...models import Claim, ClaimBatch, InvoiceLine, User, now
from ...money import ZERO, format_money
from ..office import audit, stale
from ..office.sequences import next_number
from ..office.transactions import in_transaction
from .claims import claim_lines, new_claim, record_event, stamp_on
from .scrubber import scrub

NAMES = {"ready": "ready", "held": "held", "submitted": "submitted", "accepted": "accepted",
         "paid": "paid", "partly_paid": "partly paid", "denied": "denied",
         "resubmitted": "resubmitted", "voided": "voided", "closed": "closed"}

# status -> the statuses it may move to.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "ready": ("held", "submitted", "voided", "closed"),
    "held": ("ready", "voided", "closed"),
    "submitted": ("accepted", "paid", "partly_paid", "denied", "resubmitted", "voided", "closed"),
    "accepted": ("paid", "partly_paid", "denied", "resubmitted", "voided", "closed"),
    # back to accepted: the payer reversed its payment (an 835 claim status 22)
    "paid": ("closed", "resubmitted", "voided", "accepted"),
    "partly_paid": ("paid", "denied", "closed", "resubmitted", "voided", "accepted"),
    "denied": ("resubmitted", "closed", "voided", "accepted"),
    "resubmitted": (),
    "voided": (),
    "closed": (),
}

VERBS = {"held": "held", "ready": "released", "submitted": "submitted", "accepted": "marked accepted",
         "paid": "marked paid", "partly_paid": "marked partly paid", "denied": "marked denied",
         "resubmitted": "resubmitted", "voided": "voided", "closed": "closed"}


def move(claim: Claim, status: str, by: User, note: str = "", *, at: dt.datetime | None = None,
         **changes) -> Claim:
    """Move a claim to a status if its present one allows it; the caller holds the transaction.
    ``at``: when the event happened, if not now (a batch keyed for an earlier day)."""
    if status not in TRANSITIONS.get(claim.status, ()):
        allowed = ", ".join(NAMES[s] for s in TRANSITIONS.get(claim.status, ())) or "nothing: it is finished"
        raise RuleError(f"Claim {claim.control_number} is {NAMES[claim.status]}; it cannot be "
                        f"{VERBS[status]} (from {NAMES[claim.status]} it may go to {allowed}).")
    before = audit.snapshot(claim, "status", "hold_reason", *changes)
    claim.status, claim.updated_at = status, now()
    for key, value in changes.items():
        setattr(claim, key, value)
    claim.save()
    record_event(claim, status, by, note, at=at)
    audit.record(by, status, claim, account_id=claim.invoice.account_id,
                 summary=f"claim {claim.control_number} {VERBS[status]}" + (f": {note}" if note else ""),
                 before=before, after=audit.snapshot(claim, "status", "hold_reason", *changes))
    return claim


def claim_version(status: str, updated_at, hold_reason: str, payer_claim_number: str) -> str:
    """What a list showing a claim hands back with an action on it (services.office.stale): the
    claim's status, last-changed stamp (whole seconds: hence the rest), hold reason and payer's
    claim number, as the list read them."""
    return stale.fingerprint(["claim", status, str(updated_at), hold_reason or "", payer_claim_number or ""])


def version_of_claim(claim: Claim) -> str:
    return claim_version(claim.status, claim.updated_at, claim.hold_reason, claim.payer_claim_number)


def _current(claim_id: int, loaded_as: str) -> Claim:
    """The claim, read inside the write; refused when it changed since the list showed it."""
    claim = Claim.get_by_id(claim_id)
    if loaded_as:
        stale.refuse_if_changed(loaded_as, version_of_claim(claim),
                                f"Claim {claim.control_number}", table="claim", record_id=claim.id)
    return claim


def _change(claim_id: int, status: str, by: User, note: str = "", *, loaded_as: str = "",
            **changes) -> Claim:
    with in_transaction():
        return move(_current(claim_id, loaded_as), status, by, note, **changes)


def _reason(reason: str, field: str = "reason") -> str:
    if not (reason or "").strip():
        raise ValidationError("say why (a reason is required)", field)
    return reason.strip()


def hold(claim_id: int, reason: str, by: User, *, loaded_as: str = "") -> Claim:
    """``loaded_as`` here and below (``claim_version`` of the stamp a list showed): an action on
    a claim changed since (at another workstation) is refused, nothing saved."""
    reason = _reason(reason)
    return _change(claim_id, "held", by, reason, loaded_as=loaded_as, hold_reason=reason)


def release(claim_id: int, by: User, *, on: dt.date | None = None, loaded_as: str = "") -> Claim:
    """A held claim goes back to ready once the scrubber finds nothing; otherwise it stays held
    and ValidationError names each field still to fix."""
    with in_transaction():
        claim = _current(claim_id, loaded_as)
        if claim.status != "held":
            raise RuleError(f"Claim {claim.control_number} is {NAMES[claim.status]}, not held.")
        problems = scrub(claim, today=on)
        if problems:
            raise ValidationError(problems)
        return move(claim, "ready", by, "released", hold_reason="")


def submit(claim_ids: list[int], mode: str, by: User, *, file_name: str = "",
           printer: str = "", on: dt.date | None = None) -> ClaimBatch:
    """Ready claims leave together, on paper or in one 837P file: one batch, all or none.
    Each is scrubbed again for the way it goes; ValidationError names the claim and the field."""
    if mode not in CLAIM_MODES:
        raise ValidationError("claims go on paper or electronic", "mode")
    if not claim_ids:
        raise ValidationError("choose the claims to submit", "claims")
    with in_transaction():
        claims = [Claim.get_by_id(i) for i in claim_ids]
        problems = []
        for claim in claims:
            if claim.status != "ready":
                raise RuleError(f"Claim {claim.control_number} is {NAMES[claim.status]}; only ready "
                                "claims are submitted.")
            problems += [type(p)(f"claim {claim.control_number} {p.field}", p.message)
                         for p in scrub(claim, mode=mode, today=on)]
        if problems:
            raise ValidationError(problems)
        batch = ClaimBatch.create(kind=mode, number=next_number("claim_batch"), created_by=by,
                                  file_name=file_name, printer=printer, claim_count=len(claims),
                                  total=sum((c.total_charge for c in claims), ZERO))
        for claim in claims:
            move(claim, "submitted", by, f"{mode} batch {batch.number}", submitted_mode=mode,
                 batch=batch, at=stamp_on(on) if on else None)
        audit.record(by, "create", batch, summary=f"{mode} claim batch {batch.number}: {len(claims)} "
                     f"claims, {format_money(batch.total)}")
    return batch


def mark_accepted(claim_id: int, by: User, *, payer_claim_number: str = "", note: str = "",
                  loaded_as: str = "") -> Claim:
    changes = {"payer_claim_number": payer_claim_number.strip()} if payer_claim_number.strip() else {}
    return _change(claim_id, "accepted", by, note, loaded_as=loaded_as, **changes)


def mark_paid(claim_id: int, by: User, note: str = "") -> Claim:
    return _change(claim_id, "paid", by, note)


def mark_partly_paid(claim_id: int, by: User, note: str = "") -> Claim:
    return _change(claim_id, "partly_paid", by, note)


def mark_denied(claim_id: int, reason: str, by: User, *, on: dt.date | None = None) -> Claim:
    """The payer denied the claim; ``reason`` as the EOB says it, group and code first
    ("CO16 claim lacks information"): the denial worklist reads the code from it."""
    return _change(claim_id, "denied", by, _reason(reason), at=stamp_on(on) if on else None)


def close(claim_id: int, by: User, note: str = "", *, loaded_as: str = "") -> Claim:
    return _change(claim_id, "closed", by, note, loaded_as=loaded_as)


def set_payer_claim_number(claim_id: int, number: str, by: User, *, loaded_as: str = "") -> Claim:
    """The payer's own number for a claim (from its acknowledgement or EOB): a replacement or a
    void must quote it."""
    number = _reason(number, "payer_claim_number")
    with in_transaction():
        claim = _current(claim_id, loaded_as)
        before = audit.snapshot(claim, "payer_claim_number")
        claim.payer_claim_number, claim.updated_at = number, now()
        claim.save()
        audit.record(by, "update", claim, account_id=claim.invoice.account_id, before=before,
                     summary=f"claim {claim.control_number}: payer's claim number {number}",
                     after=audit.snapshot(claim, "payer_claim_number"))
    return claim


def _successor(claim: Claim, frequency: str, by: User, note: str) -> Claim:
    lines = [InvoiceLine.get_by_id(cl.line_id) for cl in claim_lines(claim)]
    other = {cl.line_id: (cl.other_paid, cl.other_adjustments) for cl in claim.lines}
    return new_claim(claim.invoice, claim.coverage, lines, by, rank=claim.rank, frequency=frequency,
                     replaces=claim, primary_claim=claim.primary_claim, paid_on=claim.paid_on,
                     other=other, note=note)


def resubmit(claim_id: int, reason: str, by: User, *, loaded_as: str = "") -> Claim:
    """Replace a claim that went out (a correction): a new claim (frequency 7) quoting it takes
    its lines; the old one is "resubmitted". Returns the replacement (ready, or held with what
    to fix)."""
    reason = _reason(reason)
    with in_transaction():
        claim = _current(claim_id, loaded_as)
        if claim.frequency == "8":
            raise RuleError(f"Claim {claim.control_number} is a void; it is not replaced.")
        move(claim, "resubmitted", by, reason)
        return _successor(claim, "7", by, f"replaces claim {claim.control_number}: {reason}")


def void(claim_id: int, reason: str, by: User, *, loaded_as: str = "") -> Claim | None:
    """Void a claim. One that had gone out gets a void claim (frequency 8) to send the payer,
    returned; one that never left is simply voided (None returned)."""
    reason = _reason(reason)
    with in_transaction():
        claim = _current(claim_id, loaded_as)
        if claim.frequency == "8":
            raise RuleError(f"Claim {claim.control_number} is itself a void; close it once sent.")
        move(claim, "voided", by, reason)
        if claim.submitted_mode is None:
            return None
        return _successor(claim, "8", by, f"voids claim {claim.control_number}: {reason}")

