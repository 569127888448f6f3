"""Adjustments: allowances, discounts, returns / credit memos, write-offs, transfers, EOB lines."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from ...errors import Problem, RuleError, ValidationError
from ...models import Adjustment, InvoiceLine, Payment, ReasonCode, User
from ...models.base import prepared
from ...money import ZERO, format_money, parse_money
from ..office import audit
from ..office.permissions import approved_note, approver, require
from ..office.transactions import in_transaction, today
from ..office.validation import effective_date, not_before
from .ledger import post_entry
from .payments import RemitLine, credit_threshold

REDUCING = ("contractual", "discount", "credit_memo", "write_off", "collections")


def adjust_line(line_id: int, kind: str, amount, reason: str, by: User, *, party: str = "patient",
                reason_code: str | None = None, entry_date: dt.date | None = None,
                adjusted_on: str | dt.date | None = None,
                payment: Payment | None = None, approved_by: User | None = None,
                payer_id: int | None = None) -> Adjustment:
    """Reduce what one posted line owes, with a reason; each is its own ledger entry.
    ``payer_id``: the payer whose part is adjusted (default: the invoice's primary payer).

    A credit memo (a return) may go past what is still owed: the rest becomes account credit.
    A write-off, or a credit memo / discount over the threshold, needs a supervisor or one who
    signed it off (``approved_by``); the adjustment records who approved it. ``adjusted_on``: the
    day it takes effect (not in the future, not before the line's date of service; blank: the
    day it is entered).
    """
    amount = parse_money(amount, "amount")
    if kind not in REDUCING:
        raise ValidationError(f"'{kind}' is not an adjustment kind", "kind")
    if amount <= 0:
        raise ValidationError("the amount must be more than zero", "amount")
    if not (reason or "").strip():
        raise ValidationError("a reason is required", "reason")
    protected = _protected_action(kind, amount)
    if protected:
        require(by, protected, approved_by)
    entry_date = entry_date or today()
    on = effective_date(adjusted_on, entry_date)
    with in_transaction():
        line = InvoiceLine.get_by_id(line_id)
        invoice = line.invoice
        if invoice.status != "posted":
            raise RuleError(f"Adjustments go on posted invoices; this one is {invoice.status}.")
        not_before(on, line.service_date or invoice.service_date,
                   f"the date of service of invoice {invoice.number} line {line.position}")
        open_amount = line.patient_balance if party == "patient" else line.insurance_balance
        on_line = min(amount, open_amount) if kind == "credit_memo" else amount
        if kind == "credit_memo" and amount > line.amount - _credited(line):
            raise RuleError(f"A credit memo of {format_money(amount)} is more than line "
                            f"{line.position} billed ({format_money(line.amount)}).")
        if kind != "credit_memo" and amount > open_amount:
            raise RuleError(f"{format_money(amount)} is more than the {format_money(open_amount)} "
                            f"the {party} still owes on invoice {invoice.number} line {line.position}.")
        code = ReasonCode.get_or_none(ReasonCode.code == reason_code) if reason_code else None
        adjustment = Adjustment.create(account=invoice.account_id, line=line, kind=kind,
                                       reason_code=code, reason=reason.strip(), party=party,
                                       amount=amount, adjusted_on=on, entered_on=entry_date,
                                       created_by=by, payment=payment,
                                       approved_by=approver(by, protected, approved_by)
                                       if protected else None)
        if on_line > 0:
            post_entry(account_id=invoice.account_id, amount=-on_line, kind="adjustment",
                       party=party, by=by, line=line, payer_id=payer_id or invoice.payer_id,
                       adjustment=adjustment, posting_date=on, entry_date=entry_date,
                       memo=f"{kind}: {reason}")
        if amount > on_line:
            post_entry(account_id=invoice.account_id, amount=-(amount - on_line), kind="adjustment",
                       party="patient", by=by, adjustment=adjustment, posting_date=on,
                       entry_date=entry_date, memo=f"{kind} credit: {reason}")
        audit.record(by, kind, adjustment,
                     summary=f"{kind} {format_money(amount)} on invoice {invoice.number}: {reason}"
                     + (approved_note(by, protected, approved_by) if protected else ""),
                     after=audit.snapshot(adjustment))
    return adjustment


def _protected_action(kind: str, amount: Decimal) -> str | None:
    """The permission an adjustment needs beyond a clerk's, if any."""
    if kind == "write_off":
        return "write_off"
    if kind in ("credit_memo", "discount") and amount > credit_threshold():
        return "large_credit"
    return None


def _credited(line: InvoiceLine) -> Decimal:
    return sum((a.amount for a in line.adjustments.where(Adjustment.kind == "credit_memo")), ZERO)


def transfer_to_patient(line_id: int, amount, by: User, *, reason: str = "patient responsibility",
                        entry_date: dt.date | None = None) -> None:
    """Move part of a line from insurance to the patient (deductible, coinsurance, denial)."""
    amount = parse_money(amount, "patient_responsibility")
    if amount == 0:
        return
    entry_date = entry_date or today()
    with in_transaction():
        line = InvoiceLine.get_by_id(line_id)
        if amount > line.insurance_balance:
            raise RuleError(f"{format_money(amount)} is more than insurance still owes "
                            f"({format_money(line.insurance_balance)}).")
        account_id = line.invoice.account_id
        post_entry(account_id=account_id, amount=-amount, kind="transfer", party="insurance",
                   by=by, line=line, payer_id=line.invoice.payer_id, entry_date=entry_date, memo=reason)
        post_entry(account_id=account_id, amount=amount, kind="transfer", party="patient", by=by,
                   line=line, entry_date=entry_date, memo=reason)
        audit.record(by, "transfer", line, table="invoice_line", account_id=account_id,
                     summary=f"moved {format_money(amount)} to patient: {reason}")


def post_remittance(payer_id: int, account_id: int, check_reference: str, lines: list[RemitLine],
                    by: User, *, received_on: dt.date | None = None,
                    entry_date: dt.date | None = None) -> Payment | None:
    """Post keyed EOB lines of one account as one check paying exactly them, through the one
    remittance service (services/books/remittances.py). Returns the account's part of it."""
    from ...models import InvoiceLine
    from . import eob, remittances

    by_invoice: dict[int, list[RemitLine]] = {}
    for remit in lines:
        line = InvoiceLine.get_by_id(remit.line_id)
        if line.invoice.account_id != account_id:
            raise ValidationError(f"line {remit.line_id} is not on this account", "line")
        by_invoice.setdefault(line.invoice_id, []).append(remit)
    paid_on = received_on or entry_date or today()
    claims = []
    for invoice_id, keyed in by_invoice.items():
        from ...models import Invoice

        claim = eob.claim_of(Invoice.get_by_id(invoice_id), payer_id)
        claims += list(eob.eob_remittance(claim, keyed, reference=check_reference or "EOB",
                                          paid_on=paid_on).claims)
    if not claims:
        raise ValidationError("key at least one line of the EOB", "lines")
    first = eob.eob_remittance(claim, keyed, reference=check_reference or "EOB", paid_on=paid_on)
    remittance = dataclasses.replace(first, claims=tuple(claims),
                                     amount=sum((c.paid for c in claims), ZERO))
    done = remittances.post_remittance(remittance, by, payer_id=payer_id, entry_date=entry_date,
                                       once=False)
    rows = prepared("a check's first payment part", lambda: Payment.select().where(
        Payment.insurance_payment == done.check_id, Payment.amount != 0).order_by(Payment.id).limit(1),
        [(Payment.insurance_payment, done.check_id), (Payment.amount, 0), (None, 1)])
    return rows[0] if rows else None


def credit_memo(invoice_id: int, lines: Sequence[tuple[int, str | int | Decimal]], reason: str, by: User, *,
                entry_date: dt.date | None = None, adjusted_on: str | dt.date | None = None,
                approved_by: User | None = None) -> list[Adjustment]:
    """A return or credit memo against chosen lines of a posted invoice, all or nothing.

    The credit comes off what the patient owes on each line first, then what insurance owes;
    anything already paid becomes account credit (applied to the next charge or refunded).
    ``adjusted_on``: the day of the return (not in the future, not before the invoice's date of
    service; blank: the day it is entered). Every problem is named at once, nothing saved.
    """
    from ...models import Invoice

    problems: list[Problem] = []
    if not (reason or "").strip():
        problems.append(Problem("reason", "a reason is required for a credit memo"))
    try:
        on = effective_date(adjusted_on, entry_date or today())
        not_before(on, Invoice.get_by_id(invoice_id).service_date, "the invoice's date of service")
    except ValidationError as exc:
        problems += exc.problems
    positions = dict(InvoiceLine.select(InvoiceLine.id, InvoiceLine.position)
                     .where(InvoiceLine.id.in_([line_id for line_id, _a in lines])).tuples())
    parsed = []
    for line_id, amount in lines:
        try:
            value = parse_money(amount, f"lines[{positions.get(line_id, 0)}].credit")
        except ValidationError as exc:
            problems += exc.problems
            continue
        if value:
            parsed.append((line_id, value))
    if not parsed and not problems:
        problems.append(Problem("lines", "choose at least one line and the amount to credit"))
    if problems:
        raise ValidationError(problems)
    total = sum(v for _, v in parsed)
    large = total > credit_threshold()
    if large:
        require(by, "large_credit", approved_by)
    made = []
    with in_transaction():
        invoice = Invoice.get_by_id(invoice_id)
        for line_id, value in parsed:
            line = InvoiceLine.get_by_id(line_id)
            if line.invoice_id != invoice.id:
                raise ValidationError(f"line {line_id} is not on invoice {invoice.number}", "lines")
            from_insurance = max(min(value - line.patient_balance, line.insurance_balance), ZERO)
            if from_insurance:
                made.append(adjust_line(line_id, "credit_memo", from_insurance, reason, by,
                                        party="insurance", entry_date=entry_date, adjusted_on=on,
                                        approved_by=approved_by))
            if value - from_insurance:
                made.append(adjust_line(line_id, "credit_memo", value - from_insurance, reason, by,
                                        party="patient", entry_date=entry_date, adjusted_on=on,
                                        approved_by=approved_by))
        if large:  # the whole memo was over the threshold, though each part may not be
            _mark_approved(made, by, approved_by, f"credit memo {format_money(total)} "
                           f"on invoice {invoice.number}")
    return made


def _mark_approved(made: list[Adjustment], by: User, approved_by: User | None, what: str) -> None:
    who = approver(by, "large_credit", approved_by)
    for adjustment in made:
        adjustment.approved_by = who
        adjustment.save(only=[Adjustment.approved_by])
    if who != by:
        audit.record(by, "credit_memo_approved", made[0],
                     summary=what + approved_note(by, "large_credit", approved_by))
