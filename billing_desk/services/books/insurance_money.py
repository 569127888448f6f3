"""Insurance money off the lines: a check received before its claims are keyed, what is held
unapplied on the payer (with a reason) until it is applied to lines or refunded, and the sum
that proves every check whole: amount = applied + provider adjustments + unapplied + refunded."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from peewee import fn

from ...errors import RuleError, ValidationError
from ...models import (
    Claim,
    ClaimLine,
    InsuranceMoney,
    InsurancePayment,
    Payer,
    Payment,
    PaymentAllocation,
    User,
    now,
)
from ...money import format_money, from_cents, parse_money
from ..claims.claims import claim_lines, record_event
from ..office import audit
from ..office.permissions import approved_note, require
from ..office.settings import get_setting
from ..office.transactions import in_transaction, today
from ..office.validation import effective_date, not_before
from .check_sums import check_sums, unapplied  # (the posting's callers read them here too)
from .ledger import open_entry_date, post_entry
from .remit_lines import payer_owes

METHODS = ("check", "eft", "none")
# An insurer's check or EFT as the method of each account's part of it.
PAYMENT_METHOD = {"check": "check", "eft": "eft", "none": "other"}
# The code of a hold whose money its payer is owed back (its claim was voided after it paid;
# owed_back.py); the hold's reference is that claim's number.
OWED_BACK = "owed back"


def move(check: InsurancePayment, kind: str, amount: Decimal, by: User, *, reason: str = "",
         code: str = "", reference: str = "", entry_date: dt.date | None = None) -> InsuranceMoney | None:
    """One movement of a check's money off the lines; the caller holds the transaction. Like a
    ledger entry, one keyed onto a closed day goes on the next open day."""
    if not amount:
        return None
    return InsuranceMoney.create(insurance_payment=check, payer=check.payer_id, kind=kind,
                                 amount=amount, reason=reason, code=code, reference=reference,
                                 entry_date=open_entry_date(entry_date or today()), created_by=by,
                                 created_at=now())


def on_the_books(payer_id: int, reference: str,
                 fingerprint: str | None) -> tuple[InsurancePayment, str] | None:
    """The check already recorded for this remittance (the same file's, or the payer's check or
    trace number keyed or imported before), and why it may not be recorded again; None: new."""
    same = InsurancePayment.get_or_none(InsurancePayment.fingerprint == fingerprint) if fingerprint else None
    if same is not None:
        return same, (f"This remittance ({fingerprint}) is already posted: the same file is never "
                      "posted twice.")
    same = InsurancePayment.get_or_none(InsurancePayment.payer == payer_id,
                                        InsurancePayment.reference == reference) if reference else None
    if same is not None:
        return same, (f"{same.payer.name}'s payment {reference} is already on the books "
                      f"(received {same.received_on:%m/%d/%Y}).")
    return None


def refuse_duplicate(payer_id: int, reference: str, fingerprint: str | None) -> None:
    found = on_the_books(payer_id, reference, fingerprint)
    if found is not None:
        raise RuleError(found[1])


def new_check(payer_id: int, method: str, reference: str, amount: Decimal, received_on: dt.date,
              by: User, *, source: str = "paper", payer_ref: str = "", fingerprint: str | None = None,
              entry_date: dt.date | None = None, once: bool = True) -> InsurancePayment:
    """Record one check or EFT (the caller holds the transaction). ``once``: refuse a payer's
    check or trace number already on the books. It is deposited on the day it is keyed, or, keyed
    onto a closed day, on the next open day (as patient payments are): a closed day's deposit
    never changes."""
    if method not in METHODS:
        raise ValidationError(f"'{method}' is not an insurance payment method", "method")
    if method != "none" and not (reference or "").strip():
        raise ValidationError("type the check or EFT number", "reference")
    if once:
        refuse_duplicate(payer_id, reference.strip(), fingerprint)
    check = InsurancePayment.create(payer=payer_id, payer_ref=payer_ref, method=method,
                                    reference=reference.strip(), amount=amount,
                                    received_on=received_on,
                                    entered_on=open_entry_date(entry_date or today()),
                                    source=source, fingerprint=fingerprint, created_by=by)
    audit.record(by, "create", check, summary=f"{check.payer.name} {method} {check.reference} "
                 f"{format_money(amount)} received {received_on:%m/%d/%Y}", after=audit.snapshot(check))
    return check


def receive_check(payer_id: int, method: str, reference: str, amount, by: User, *,
                  received_on: dt.date | None = None, entry_date: dt.date | None = None) -> InsurancePayment:
    """A paper check before its claims are keyed: all of it held unapplied on the payer until
    each claim is posted into it (``remittances.post_remittance(..., into=)``)."""
    amount = parse_money(amount, "Check total")
    if amount <= 0:
        raise ValidationError("the check total must be more than zero", "amount")
    with in_transaction():
        check = new_check(payer_id, method, reference, amount, received_on or entry_date or today(),
                          by, entry_date=entry_date)
        move(check, "held", amount, by, reason="not yet applied to claims", entry_date=entry_date)
    return check


def hold_reason(check_id: int, reason: str, by: User) -> None:
    """Say why what is left of a check stays unapplied (closing an EOB with money left)."""
    if not (reason or "").strip():
        raise ValidationError("say why the money is held", "reason")
    with in_transaction():
        check = InsurancePayment.get_by_id(check_id)
        left = unapplied(check_id)
        if left <= 0:
            return
        # The reason is a new pair of movements, so the history keeps the old one too (and
        # money owed back to the payer stays owed back).
        last = _last_hold(check_id)
        move(check, "applied", -left, by, reason="re-held", entry_date=today())
        move(check, "held", left, by, reason=reason.strip(), entry_date=today(),
             code=last.code if last else "", reference=last.reference if last else "")
        audit.record(by, "hold", check, summary=f"{format_money(left)} of {check.payer.name} "
                     f"{check.reference} held unapplied: {reason.strip()}")


def _last_hold(check_id: int) -> InsuranceMoney | None:
    return (InsuranceMoney.select().where(InsuranceMoney.insurance_payment == check_id,
                                          InsuranceMoney.kind == "held")
            .order_by(InsuranceMoney.id.desc()).first())


def refund_unapplied(check_id: int, amount, reason: str, by: User, *, reference: str = "",
                     entry_date: dt.date | None = None,
                     approved_by: User | None = None) -> InsuranceMoney:
    """Pay back to the payer money it sent that belongs to no line (an overpayment). Over the
    office's threshold a supervisor must do it or sign it off (``approved_by``), as for refunds
    to patients. The day of the refund (``entry_date``) is not in the future, nor before the
    check was received."""
    on = effective_date(entry_date, today())
    amount = parse_money(amount, "amount")
    if amount <= 0:
        raise ValidationError("the refund must be more than zero", "amount")
    if not (reason or "").strip():
        raise ValidationError("a reason is required for a refund", "reason")
    large = amount > parse_money(str(get_setting("credit_approval_threshold")), "threshold")
    if large:
        require(by, "large_credit", approved_by)
    with in_transaction():
        check = InsurancePayment.get_by_id(check_id)
        not_before(on, check.received_on, f"{check.payer.name}'s payment {check.reference} was received")
        left = unapplied(check_id)
        if amount > left:
            raise RuleError(f"{check.payer.name} {check.reference} has {format_money(left)} "
                            f"unapplied; {format_money(amount)} cannot be refunded.")
        made = move(check, "refunded", -amount, by, reason=reason.strip(), reference=reference,
                    entry_date=on)
        note = approved_note(by, "large_credit", approved_by) if large else ""
        audit.record(by, "refund", check, summary=f"refunded {format_money(amount)} of "
                     f"{check.payer.name} {check.reference} to the payer: {reason.strip()}{note}")
    assert made is not None
    return made


@dataclass(frozen=True)
class LineToApply:
    """A line of a claim that held money may be applied to, with what the check's payer owes."""

    claim_id: int
    control_number: str
    line_id: int
    position: int
    code: str
    service_date: dt.date | None
    charge: Decimal
    owed: Decimal  # what the check's payer still owes on the line

    def __str__(self) -> str:
        day = f"{self.service_date:%m/%d/%Y} " if self.service_date else ""
        return (f"line {self.position}: {day}{self.code} charge {format_money(self.charge)}, "
                f"owes {format_money(self.owed)}")


def _claim_for(check: InsurancePayment, claim):
    if claim.payer_id != check.payer_id:
        raise RuleError(f"Claim {claim.control_number} was sent to {claim.payer.name}, not "
                        f"{check.payer.name}: {check.payer.name}'s money is applied to its own claims.")
    return claim


def lines_to_apply(check_id: int, claim_number: str) -> list[LineToApply]:
    """The lines of one of the check's payer's claims (by its number), with what it owes on each."""
    check = InsurancePayment.get_by_id(check_id)
    number = (claim_number or "").strip()
    claim = Claim.get_or_none(Claim.control_number == number)
    if claim is None:
        raise ValidationError(f"'{number}' is not one of our claim numbers", "claim")
    _claim_for(check, claim)
    return [LineToApply(claim.id, claim.control_number, cl.line_id, cl.line.position, cl.line.code,
                        cl.line.service_date or claim.invoice.service_date, cl.charge,
                        payer_owes(cl.line_id, check.payer_id)) for cl in claim_lines(claim)]


def apply_unapplied(check_id: int, claim_id: int, line_id: int, amount, by: User, *,
                    entry_date: dt.date | None = None) -> Payment:
    """Apply money held unapplied on a check to one line of one of its payer's claims: the
    account's part of the check, the line's ledger entry, the check's movement from held to
    applied, the claim's history and the audit trail, in one transaction. Refused whole when
    more is asked than the check holds or than the payer owes on the line."""
    amount = parse_money(amount, "amount")
    if amount <= 0:
        raise ValidationError("the amount to apply must be more than zero", "amount")
    day = open_entry_date(entry_date or today())
    with in_transaction():
        check = InsurancePayment.get_by_id(check_id)
        claim = _claim_for(check, Claim.get_by_id(claim_id))
        on_claim = (ClaimLine.select().where(ClaimLine.claim == claim.id, ClaimLine.line == line_id)
                    .first())
        if on_claim is None:
            raise ValidationError(f"that line is not on claim {claim.control_number}", "line")
        line = on_claim.line
        held = unapplied(check.id)
        if amount > held:
            raise RuleError(f"{check.payer.name} {check.reference} holds {format_money(held)} "
                            f"unapplied; {format_money(amount)} cannot be applied.")
        owed = payer_owes(line.id, check.payer_id)
        where = f"line {line.position} ({line.code}) of claim {claim.control_number}"
        if amount > owed:
            raise RuleError(f"{check.payer.name} owes {format_money(owed)} on {where}; "
                            f"{format_money(amount)} cannot be applied.")
        said = f"{format_money(amount)} held from {check.payer.name} {check.reference} applied to {where}"
        part = Payment.create(account=line.invoice.account_id, source="insurance",
                              payer=check.payer_id, method=PAYMENT_METHOD.get(check.method, "other"),
                              reference=check.reference, amount=amount, received_on=check.received_on,
                              entered_on=day, note=f"claim {claim.control_number}: held money applied",
                              insurance_payment=check, created_by=by)
        PaymentAllocation.create(payment=part, line=line, party="insurance", amount=amount)
        post_entry(account_id=part.account_id, amount=-amount, kind="payment", party="insurance",
                   by=by, line=line, payer_id=check.payer_id, payment=part,
                   posting_date=check.received_on, entry_date=day,
                   memo=f"claim {claim.control_number}: held money applied")
        move(check, "applied", -amount, by, reason=f"applied to {where}", entry_date=day)
        record_event(claim, claim.status, by, said)
        audit.record(by, "apply_unapplied", check, account_id=part.account_id, summary=said,
                     after={"payment": part.id, "line": line.id, "amount": str(amount)})
        sums = check_sums(check.id)
        if sums.accounted != sums.amount:  # never: the movement above keeps it whole
            raise RuleError(f"Nothing was applied: {check.reference} would not be whole.")
    return part


@dataclass(frozen=True)
class UnappliedRow:
    check_id: int
    payer: str
    reference: str
    received_on: dt.date
    amount: Decimal
    unapplied: Decimal
    reason: str
    method: str = "check"
    days: int = 0  # since it was received, as of the day asked
    owed_back: bool = False  # the payer is owed it back (its claim was voided after it paid)

    @property
    def state(self) -> str:
        return "owed back" if self.owed_back else "held"


def unapplied_list(*, as_of: dt.date | None = None, payer: str = "") -> list[UnappliedRow]:
    """Every check with money held unapplied (as the books stood at the end of ``as_of``; None:
    now), oldest first, with each reason it was held for since the last reason typed for it (one
    file can hold a check's money for several claims); ``payer``: one payer's, by name."""
    held = InsuranceMoney.kind.in_(("held", "applied", "refunded"))
    if as_of is not None:
        held &= InsuranceMoney.entry_date <= as_of
    totals = {check_id: cents for check_id, cents in
              InsuranceMoney.select(InsuranceMoney.insurance_payment, fn.SUM(InsuranceMoney.amount))
              .where(held).group_by(InsuranceMoney.insurance_payment).tuples() if cents}
    if not totals:
        return []
    reasons: dict[int, list[str]] = {}
    codes: dict[int, str] = {}  # the last hold's code: OWED_BACK when the payer is owed it back
    for check_id, kind, reason, code in (
            InsuranceMoney.select(InsuranceMoney.insurance_payment, InsuranceMoney.kind,
                                  InsuranceMoney.reason, InsuranceMoney.code)
            .where(held, InsuranceMoney.insurance_payment.in_(list(totals)))
            .order_by(InsuranceMoney.id).tuples()):
        said = reasons.setdefault(check_id, [])
        if kind == "applied" and reason == "re-held":  # hold_reason: what follows replaces it all
            said.clear()
        elif kind == "held":
            codes[check_id] = code
            if reason not in said:
                said.append(reason)
    checks = (InsurancePayment.select(InsurancePayment, Payer).join(Payer)
              .where(InsurancePayment.id.in_(list(totals))))
    if payer:
        checks = checks.where(Payer.name == payer)
    day = as_of or today()
    rows = [UnappliedRow(c.id, c.payer.name, c.reference, c.received_on, c.amount,
                         from_cents(totals[c.id]), "; ".join(reasons.get(c.id, ())), c.method,
                         max((day - c.received_on).days, 0),
                         codes.get(c.id, "") == OWED_BACK) for c in checks]
    return sorted(rows, key=lambda r: (r.received_on, r.check_id))
