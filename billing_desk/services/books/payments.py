"""Payments: received, allocated to open items, credits, refunds, voids, insurance remittances."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ...choices import PAYMENT_METHODS
from ...errors import Problem, RuleError, ValidationError
from ...models import Account, Adjustment, Invoice, InvoiceLine, LedgerEntry, Payment, User
from ...money import ZERO, format_money, parse_money
from ..office import audit
from ..office.permissions import approved_note, approver, require
from ..office.settings import get_setting
from ..office.transactions import in_transaction, today
from ..office.validation import effective_date
from .eob import EobLine as RemitLine  # noqa: F401  (the name callers know)
from .ledger import post_entry


def open_lines(account_id: int, party: str):
    """The account's open items for one party, oldest first (by due date, then number)."""
    column = InvoiceLine.patient_balance if party == "patient" else InvoiceLine.insurance_balance
    return (InvoiceLine.select(InvoiceLine, Invoice).join(Invoice)
            .where(Invoice.account == account_id, Invoice.status == "posted", column > 0)
            .order_by(Invoice.due_date, Invoice.number, InvoiceLine.position))


def _balance(line: InvoiceLine, party: str) -> Decimal:
    return line.patient_balance if party == "patient" else line.insurance_balance


def record_payment(account_id: int, amount, by: User, *, method: str = "cash", reference: str = "",
                   source: str = "patient", payer_id: int | None = None,
                   received_on: dt.date | None = None, entry_date: dt.date | None = None,
                   allocations: list[tuple[int, Decimal]] | None = None, note: str = "",
                   batch_id: int | None = None) -> Payment:
    """Receive a payment and apply it: to chosen lines, or to the oldest open items.

    What is left over becomes the account's unapplied credit.
    """
    amount = parse_money(amount, "amount")
    if amount == 0:
        raise ValidationError("the payment amount must be more than zero", "amount")
    if method not in ("cash", "check", "card", "eft", "other"):
        raise ValidationError(f"'{method}' is not a payment method", "method")
    if method == "check" and not reference.strip():
        raise ValidationError("type the check number", "reference")
    entry_date = entry_date or today()
    received_on = received_on or entry_date
    if received_on > entry_date:
        raise ValidationError(f"{received_on:%m/%d/%Y} is in the future: a payment is received on "
                              "or before the day it is entered", "received_on")
    party = "insurance" if source == "insurance" else "patient"
    with in_transaction():
        account = Account.get_by_id(account_id)
        payment = Payment.create(account=account, amount=amount, method=method,
                                 reference=reference.strip(), source=source, payer=payer_id,
                                 received_on=received_on, entered_on=entry_date, note=note,
                                 batch=batch_id, created_by=by)
        left = _allocate(payment, party, allocations, by, entry_date)
        if left > 0:
            post_entry(account_id=account.id, amount=-left, kind="payment", party="patient", by=by,
                       payment=payment, posting_date=received_on, entry_date=entry_date,
                       memo="unapplied credit")
        audit.record(by, "create", payment,
                     summary=f"payment {format_money(amount)} {method} on {account.number}",
                     after=audit.snapshot(payment))
    return payment


def _allocate(payment: Payment, party: str, allocations, by: User, entry_date: dt.date) -> Decimal:
    left = payment.amount
    if allocations:
        for line_id, part in allocations:
            part = parse_money(part, "allocation")
            line = InvoiceLine.get_by_id(line_id)
            if line.invoice.account_id != payment.account_id:
                raise ValidationError(f"line {line_id} is not on this account", "allocation")
            if line.invoice.status == "void":  # voided at another workstation since it was shown
                raise ValidationError(f"invoice {line.invoice.number} was voided after this screen "
                                      "showed it: nothing was saved; reload the account to see its "
                                      "open items", "allocation")
            if part > _balance(line, party):
                raise ValidationError(f"{format_money(part)} is more than the "
                                      f"{format_money(_balance(line, party))} open on "
                                      f"invoice {line.invoice.number} line {line.position}", "allocation")
            if part > left:
                raise ValidationError("the allocations add up to more than the payment", "allocation")
            if part:
                _apply(payment, line, party, part, by, entry_date)
                left -= part
        return left
    for line in open_lines(payment.account_id, party):
        if left <= 0:
            break
        part = min(left, _balance(line, party))
        _apply(payment, line, party, part, by, entry_date)
        left -= part
    return left


def _apply(payment: Payment, line: InvoiceLine, party: str, part: Decimal, by: User,
           entry_date: dt.date) -> None:
    from ...models import PaymentAllocation

    PaymentAllocation.create(payment=payment, line=line, party=party, amount=part)
    post_entry(account_id=payment.account_id, amount=-part, kind="payment", party=party, by=by,
               line=line, payer_id=payment.payer_id, payment=payment,
               posting_date=payment.received_on, entry_date=entry_date)


def apply_credit(account_id: int, by: User, *, entry_date: dt.date | None = None) -> Decimal:
    """Use the account's unapplied credit on its oldest open patient items. Returns what was used."""
    entry_date = entry_date or today()
    with in_transaction():
        account = Account.get_by_id(account_id)
        credit = account.unapplied_credit
        used = ZERO
        if credit <= 0:
            return used
        for line in open_lines(account_id, "patient"):
            part = min(credit - used, line.patient_balance)
            if part <= 0:
                break
            post_entry(account_id=account_id, amount=part, kind="credit_applied", party="patient",
                       by=by, entry_date=entry_date, memo=f"credit to invoice {line.invoice.number}")
            post_entry(account_id=account_id, amount=-part, kind="credit_applied", party="patient",
                       by=by, line=line, entry_date=entry_date, memo="credit applied")
            used += part
        if used:
            audit.record(by, "apply_credit", account, summary=f"applied {format_money(used)} credit")
    return used


def refund(account_id: int, amount, reason: str, by: User, *, method: str = "check",
           reference: str = "", entry_date: dt.date | None = None,
           adjusted_on: str | dt.date | None = None, approved_by: User | None = None) -> Adjustment:
    """Pay back unapplied credit. Over the office's threshold a supervisor must do it or sign
    it off (``approved_by``). ``adjusted_on``: the day of the refund (not in the future; blank:
    the day it is entered). Every problem with what was typed is named at once."""
    entry_date = entry_date or today()
    problems: list[Problem] = []
    amount = _checked(lambda: parse_money(amount, "amount"), problems)
    on = _checked(lambda: effective_date(adjusted_on, entry_date), problems)
    if amount is not None and amount <= 0:
        problems.append(Problem("amount", "the refund must be more than zero"))
    if method not in PAYMENT_METHODS:
        problems.append(Problem("method", f"'{method}' is not a payment method"))
    if not (reason or "").strip():
        problems.append(Problem("reason", "a reason is required for a refund"))
    if problems:
        raise ValidationError(problems)
    large = amount > credit_threshold()
    if large:
        require(by, "large_credit", approved_by)
    with in_transaction():
        account = Account.get_by_id(account_id)
        if amount > account.unapplied_credit:
            raise RuleError(f"Account {account.number} has {format_money(account.unapplied_credit)} "
                            f"of credit; {format_money(amount)} cannot be refunded.")
        adjustment = Adjustment.create(account=account, kind="refund", reason=reason.strip(),
                                       party="patient", amount=amount, adjusted_on=on,
                                       entered_on=entry_date, created_by=by,
                                       approved_by=approver(by, "large_credit", approved_by)
                                       if large else None)
        post_entry(account_id=account.id, amount=amount, kind="refund", party="patient", by=by,
                   adjustment=adjustment, posting_date=on, entry_date=entry_date,
                   memo=f"refund by {method} {reference}".strip())
        note = approved_note(by, "large_credit", approved_by) if large else ""
        audit.record(by, "refund", adjustment, summary=f"refund {format_money(amount)}: {reason}{note}",
                     after=audit.snapshot(adjustment))
    return adjustment


def _checked(parse, problems: list[Problem]):
    """``parse()``, or None with its problems added to ``problems``."""
    try:
        return parse()
    except ValidationError as exc:
        problems += exc.problems
        return None


def void_payment(payment_id: int, reason: str, by: User, *, entry_date: dt.date | None = None,
                 approved_by: User | None = None) -> Payment:
    """Reverse every entry of a payment (a bounced check): both stay visible. An account's part
    of an insurer's check (posted to the wrong claim) goes back to being held unapplied on the
    payer, so the check stays whole and can be applied again."""
    if not (reason or "").strip():
        raise ValidationError("a reason is required to void a payment", "reason")
    require(by, "void_payment", approved_by)
    entry_date = entry_date or today()
    with in_transaction():
        payment = Payment.get_by_id(payment_id)
        if payment.status != "posted":
            raise RuleError("This payment is already void.")
        credit_part = sum((-e.amount for e in payment.ledger if e.line_id is None), ZERO)
        if credit_part > payment.account.unapplied_credit:
            raise RuleError("Part of this payment's credit was already used or refunded; "
                            "reverse that first.")
        for entry in list(payment.ledger.where(LedgerEntry.kind == "payment")):
            post_entry(account_id=entry.account_id, amount=-entry.amount, kind="payment_void",
                       party=entry.party, by=by, line=entry.line, payer_id=entry.payer_id,
                       payment=payment, reverses=entry, entry_date=entry_date,
                       memo=f"void: {reason.strip()}")
        payment.status, payment.void_reason = "void", reason.strip()
        payment.save()
        if payment.insurance_payment_id is not None:
            from . import insurance_money

            insurance_money.move(payment.insurance_payment, "held", payment.amount, by,
                                 entry_date=entry_date, reason=f"part for account "
                                 f"{payment.account.number} voided: {reason.strip()}")
        audit.record(by, "void", payment, summary=f"voided payment: {reason}"
                     + approved_note(by, "void_payment", approved_by))
    return payment


def credit_threshold() -> Decimal:
    return parse_money(str(get_setting("credit_approval_threshold")), "threshold")


def accounts_matching(text: str, limit: int = 20) -> list[Account]:
    """Accounts of any status (a closed account still pays what it owes): the payment completer."""
    from .account_search import search_condition

    query = Account.select()
    if (text or "").strip():
        query = query.where(search_condition(text.strip()))
    return list(query.order_by(Account.sort_name).limit(limit))


def get_account(account_id: int) -> Account:
    return Account.get_by_id(account_id)


def find_account(text: str) -> Account | None:
    return Account.get_or_none(Account.number == (text or "").strip().split(" ")[0])


def active_payers():
    from ...models import Payer

    return list(Payer.select().where(Payer.active == True).order_by(Payer.name))  # noqa: E712
