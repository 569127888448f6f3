"""Insurance money off the lines: a check received before its claims are keyed, what is held
unapplied on the payer (with a reason) until it is applied to lines or refunded, and the sum
that proves every check whole: amount = applied + provider adjustments + unapplied + refunded."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from peewee import fn

from ...errors import RuleError, ValidationError
from ...models import InsuranceMoney, InsurancePayment, Payer, Payment, User, now
from ...money import ZERO, format_money, from_cents, parse_money
from ..office import audit
from ..office.transactions import in_transaction, today
from ..office.validation import effective_date, not_before

METHODS = ("check", "eft", "none")


def move(check: InsurancePayment, kind: str, amount: Decimal, by: User, *, reason: str = "",
         code: str = "", reference: str = "", entry_date: dt.date | None = None) -> InsuranceMoney | None:
    """One movement of a check's money off the lines; the caller holds the transaction."""
    if not amount:
        return None
    return InsuranceMoney.create(insurance_payment=check, payer=check.payer_id, kind=kind,
                                 amount=amount, reason=reason, code=code, reference=reference,
                                 entry_date=entry_date or today(), created_by=by, created_at=now())


def unapplied(check_id: int) -> Decimal:
    """What of a check is held unapplied on its payer now."""
    cents = (InsuranceMoney.select(fn.SUM(InsuranceMoney.amount))
             .where(InsuranceMoney.insurance_payment == check_id,
                    InsuranceMoney.kind.in_(("held", "applied", "refunded"))).scalar())
    return from_cents(cents or 0)


@dataclass(frozen=True)
class CheckSums:
    amount: Decimal
    applied: Decimal  # on lines: the accounts' parts
    provider: Decimal  # PLB: minus what the payer took back, plus interest it added
    unapplied: Decimal
    refunded: Decimal

    @property
    def accounted(self) -> Decimal:
        return self.applied + self.provider + self.unapplied + self.refunded


def check_sums(check_id: int) -> CheckSums:
    check = InsurancePayment.get_by_id(check_id)
    applied = (Payment.select(fn.SUM(Payment.amount))
               .where(Payment.insurance_payment == check_id, Payment.status == "posted").scalar())
    kinds = dict(InsuranceMoney.select(InsuranceMoney.kind, fn.SUM(InsuranceMoney.amount))
                 .where(InsuranceMoney.insurance_payment == check_id)
                 .group_by(InsuranceMoney.kind).tuples())
    cents = {k: from_cents(v or 0) for k, v in kinds.items()}
    return CheckSums(check.amount, from_cents(applied or 0), cents.get("provider", ZERO),
                     unapplied(check_id), -cents.get("refunded", ZERO))


def refuse_duplicate(payer_id: int, reference: str, fingerprint: str | None) -> None:
    if fingerprint and InsurancePayment.get_or_none(InsurancePayment.fingerprint == fingerprint):
        raise RuleError(f"This remittance ({fingerprint}) is already posted: the same file is "
                        "never posted twice.")
    same = InsurancePayment.get_or_none(InsurancePayment.payer == payer_id,
                                        InsurancePayment.reference == reference)
    if reference and same is not None:
        raise RuleError(f"{same.payer.name}'s payment {reference} is already on the books "
                        f"(received {same.received_on:%m/%d/%Y}).")


def new_check(payer_id: int, method: str, reference: str, amount: Decimal, received_on: dt.date,
              by: User, *, source: str = "paper", payer_ref: str = "", fingerprint: str | None = None,
              entry_date: dt.date | None = None, once: bool = True) -> InsurancePayment:
    """Record one check or EFT (the caller holds the transaction). ``once``: refuse a payer's
    check or trace number already on the books."""
    if method not in METHODS:
        raise ValidationError(f"'{method}' is not an insurance payment method", "method")
    if method != "none" and not (reference or "").strip():
        raise ValidationError("type the check or EFT number", "reference")
    if once:
        refuse_duplicate(payer_id, reference.strip(), fingerprint)
    check = InsurancePayment.create(payer=payer_id, payer_ref=payer_ref, method=method,
                                    reference=reference.strip(), amount=amount,
                                    received_on=received_on, entered_on=entry_date or today(),
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
        # The reason is a new pair of movements, so the history keeps the old one too.
        move(check, "applied", -left, by, reason="re-held", entry_date=today())
        move(check, "held", left, by, reason=reason.strip(), entry_date=today())
        audit.record(by, "hold", check, summary=f"{format_money(left)} of {check.payer.name} "
                     f"{check.reference} held unapplied: {reason.strip()}")


def refund_unapplied(check_id: int, amount, reason: str, by: User, *, reference: str = "",
                     entry_date: dt.date | None = None) -> InsuranceMoney:
    """Pay back to the payer money it sent that belongs to no line (an overpayment). The day of
    the refund (``entry_date``) is not in the future, nor before the check was received."""
    on = effective_date(entry_date, today())
    amount = parse_money(amount, "amount")
    if amount <= 0:
        raise ValidationError("the refund must be more than zero", "amount")
    if not (reason or "").strip():
        raise ValidationError("a reason is required for a refund", "reason")
    with in_transaction():
        check = InsurancePayment.get_by_id(check_id)
        not_before(on, check.received_on, f"{check.payer.name}'s payment {check.reference} was received")
        left = unapplied(check_id)
        if amount > left:
            raise RuleError(f"{check.payer.name} {check.reference} has {format_money(left)} "
                            f"unapplied; {format_money(amount)} cannot be refunded.")
        made = move(check, "refunded", -amount, by, reason=reason.strip(), reference=reference,
                    entry_date=on)
        audit.record(by, "refund", check, summary=f"refunded {format_money(amount)} of "
                     f"{check.payer.name} {check.reference} to the payer: {reason.strip()}")
    assert made is not None
    return made


@dataclass(frozen=True)
class UnappliedRow:
    check_id: int
    payer: str
    reference: str
    received_on: dt.date
    amount: Decimal
    unapplied: Decimal
    reason: str


def unapplied_list() -> list[UnappliedRow]:
    """Every check with money held unapplied, oldest first, with the latest reason."""
    rows = []
    totals = (InsuranceMoney.select(InsuranceMoney.insurance_payment, fn.SUM(InsuranceMoney.amount))
              .where(InsuranceMoney.kind.in_(("held", "applied", "refunded")))
              .group_by(InsuranceMoney.insurance_payment).tuples())
    for check_id, cents in totals:
        if not cents:
            continue
        check = InsurancePayment.get_by_id(check_id)
        last = (InsuranceMoney.select().where(InsuranceMoney.insurance_payment == check_id,
                                              InsuranceMoney.kind == "held")
                .order_by(InsuranceMoney.id.desc()).first())
        rows.append(UnappliedRow(check.id, check.payer.name, check.reference, check.received_on,
                                 check.amount, from_cents(cents), last.reason if last else ""))
    return sorted(rows, key=lambda r: (r.received_on, r.check_id))


def payer_named(name: str, payer_id: str) -> Payer | None:
    """The payer a remittance names: by its electronic id, else by its name (any case)."""
    if payer_id:
        found = Payer.get_or_none(Payer.payer_id == payer_id)
        if found is not None:
            return found
    return Payer.get_or_none(fn.lower(Payer.name) == (name or "").strip().lower())
