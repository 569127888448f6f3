"""The collector's actions on one account: contacts, holds, promises, payment plans, the day's
review, and the end of the road (agency hand-off, write-off) with recoveries afterwards.

Recovery design: hand-off and write-off post ``collections`` / ``write_off`` adjustments that
take each open patient line to zero. A payment that comes in later first *reverses* that much
of the adjustment on the same line (a documented ``adjustment`` ledger entry, ``reverses`` the
original, with a negative-amount Adjustment record "recovery"), then is applied to the reopened
line. The books show the write-off smaller by what was recovered, the payment applied, no
stray credit, and the ledger check stays clean.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal

from ...choices import CONTACT_KINDS
from ...errors import RuleError, ValidationError
from ...models import (
    Account,
    AccountCollection,
    Adjustment,
    Case,
    ContactLog,
    LedgerEntry,
    Letter,
    Payment,
    PaymentPlan,
    PlanInstallment,
    Promise,
    User,
)
from ...money import ZERO, format_money, parse_money, split_largest_remainder
from ..books.adjustments import adjust_line
from ..books.ledger import post_entry
from ..books.payments import apply_credit, open_lines, record_payment
from ..office import audit, stale
from ..office.permissions import approved_note, require
from ..office.transactions import in_transaction, today as ledger_today
from ..office.validation import effective_date, parse_date
from .plan_payments import paid_between, spread
from .worklist import follow_up_days, plan_agreement, standing

OUTCOMES = ("reached", "left message", "no answer", "wrong number", "promised to pay",
            "disputes the bill", "will call back", "sent", "paid")
HOLDS = {"": "none", "dispute": "in dispute", "hold": "on hold", "insurance": "waiting for insurance"}


# --- contacts, holds, who holds it ----------------------------------------------------------

def log_contact(account_id: int, kind: str, outcome: str, by: User, *, note: str = "",
                follow_up=None, promise_amount=None, promise_date=None,
                today: dt.date | None = None) -> ContactLog:
    """Record a call, letter, email or visit; a promise (amount and date) becomes a follow-up."""
    today = today or ledger_today()
    if kind not in CONTACT_KINDS:
        raise ValidationError(f"'{kind}' is not a kind of contact", "kind")
    if not (outcome or "").strip():
        raise ValidationError("say how it went", "outcome")
    follow, problem = parse_date(follow_up, "follow_up") if follow_up not in (None, "") else (None, None)
    if problem:
        raise ValidationError(problem)
    if follow and follow < today:
        raise ValidationError("the follow-up may not be in the past", "follow_up")
    with in_transaction():
        contact = ContactLog.create(account=account_id, kind=kind, outcome=outcome.strip(),
                                    note=(note or "").strip(), by=by, contacted_on=today)
        record = standing(account_id)
        before = audit.snapshot(record, "next_follow_up", "last_contact_on")
        record.last_contact_on = today
        record.flag = ""
        record.next_follow_up = follow or today + dt.timedelta(days=follow_up_days())
        record.save()
        if promise_amount not in (None, ""):
            make_promise(account_id, promise_amount, promise_date, by, today=today)
        audit.record(by, "contact", contact, summary=f"{kind}: {outcome.strip()}",
                     before=before, after=audit.snapshot(standing(account_id), "next_follow_up",
                                                         "last_contact_on"))
    return contact


def hold_version(hold: str, reason: str) -> str:
    """What a worklist row showing the account's hold hands back when the hold is changed."""
    return stale.fingerprint(["hold", hold or "", reason or ""])


def holder_version(held_by: str) -> str:
    """What a worklist row showing who holds the account hands back when it is taken."""
    return stale.fingerprint(["held by", held_by or ""])


def _unchanged_since(account_id: int, loaded_as: str, now, what: str) -> None:
    """Refuse (inside the write) when the account's collections record no longer reads as the
    worklist row showed it (``now(record)``: its version; no record reads as an empty one)."""
    if not loaded_as:
        return
    record = AccountCollection.get_or_none(AccountCollection.account == account_id)
    stale.refuse_if_changed(loaded_as, now(record or AccountCollection()),
                            f"{what} of account {Account.get_by_id(account_id).number}",
                            table="account_collection", record_id=record.id if record else None)


def set_hold(account_id: int, hold: str, reason: str, by: User, *, loaded_as: str = "") -> AccountCollection:
    """Put dunning on hold (dispute, hold, waiting for insurance) with a reason, or lift it.
    ``loaded_as`` (``hold_version`` of the hold a worklist row showed): a change over a hold
    changed since is refused (StaleRecordError), nothing saved."""
    if hold not in HOLDS:
        raise ValidationError(f"'{hold}' is not a hold", "hold")
    if hold and not (reason or "").strip():
        raise ValidationError("say why dunning is held", "hold_reason")
    with in_transaction():
        _unchanged_since(account_id, loaded_as, lambda r: hold_version(r.hold, r.hold_reason),
                         "The dunning hold")
        record = standing(account_id)
        before = audit.snapshot(record, "hold", "hold_reason")
        record.hold, record.hold_reason = hold, (reason or "").strip()
        record.save()
        audit.record(by, "hold", record, account_id=account_id,
                     summary=f"dunning {HOLDS[hold]}" + (f": {reason}" if reason else ""),
                     before=before, after=audit.snapshot(record, "hold", "hold_reason"))
    return record


def assign(account_ids: list[int], to: User | None, by: User, *, loaded_as: str = "") -> None:
    """Give accounts to a collector (or to nobody). ``loaded_as`` (``holder_version`` of who the
    worklist showed holding them): refused when another collector took one since."""
    with in_transaction():
        for account_id in account_ids:
            _unchanged_since(account_id, loaded_as,
                             lambda r: holder_version(r.held_by.username if r.held_by_id else ""),
                             "Who holds the collections")
            record = standing(account_id)
            before = audit.snapshot(record, "held_by")
            record.held_by = to
            record.save()
            audit.record(by, "assign", record, account_id=account_id,
                         summary=f"collections held by {to.username if to else 'nobody'}",
                         before=before, after=audit.snapshot(record, "held_by"))


# --- promises to pay -------------------------------------------------------------------------

def make_promise(account_id: int, amount, due, by: User, *, today: dt.date | None = None) -> Promise:
    today = today or ledger_today()
    amount = parse_money(amount, "promise_amount")
    if amount <= 0:
        raise ValidationError("the promised amount must be more than zero", "promise_amount")
    due, problem = parse_date(due, "promise_date", required=True)
    if problem:
        raise ValidationError(problem)
    if due < today:
        raise ValidationError("a promise is for today or later", "promise_date")
    with in_transaction():
        promise = Promise.create(account=account_id, amount=amount, due_date=due, by=by, made_on=today)
        record = standing(account_id)
        record.promise_due = due
        record.next_follow_up = due + dt.timedelta(days=1)
        record.save()
        audit.record(by, "promise", promise,
                     summary=f"promise to pay {format_money(amount)} by {due:%m/%d/%Y}")
    return promise


def review(*, today: dt.date | None = None, by: User | None = None) -> dict[str, int]:
    """The day's bookkeeping: promises kept or broken (flagged the day after the date), plan
    installments paid from the payments received, missed installments fed back to the list."""
    today = today or ledger_today()
    counts = {"kept": 0, "broken": 0, "missed": 0, "completed": 0}
    with in_transaction():
        for promise in Promise.select().where(Promise.status == "open"):
            start = promise.made_on or promise.created_at.date()
            paid = paid_between(promise.account_id, start, min(promise.due_date, today), today)
            if paid >= promise.amount:
                _close_promise(promise, "kept", today, by)
                counts["kept"] += 1
            elif promise.due_date < today:
                _close_promise(promise, "broken", today, by)
                counts["broken"] += 1
        for plan in PaymentPlan.select().where(PaymentPlan.status == "active"):
            state = _review_plan(plan, today)
            if state:
                counts[state] += 1
    return counts


def _close_promise(promise: Promise, status: str, today: dt.date, by: User | None) -> None:
    promise.status, promise.resolved_on = status, today
    promise.save()
    record = standing(promise.account_id)
    if record.promise_due == promise.due_date:
        record.promise_due = None
    if status == "broken":
        record.flag = "broken promise"
        record.next_follow_up = today
    record.save()
    audit.record(by, f"promise_{status}", promise, summary=(
        f"promise of {format_money(promise.amount)} due {promise.due_date:%m/%d/%Y} {status}"))


def _review_plan(plan: PaymentPlan, today: dt.date) -> str:
    """Spread what was paid since the plan began over its installments, in order; a missed
    installment since the last contact puts the account on today's follow-ups."""
    paid = paid_between(plan.account_id, plan.made_on or plan.first_due, today)
    schedule = list(plan.schedule.order_by(PlanInstallment.due_date))
    for item, share in zip(schedule, spread([i.amount for i in schedule], paid)):
        if share != item.paid:
            item.paid = share
            item.save()
    if all(i.paid >= i.amount for i in schedule):
        plan.status = "completed"
        plan.save()
        audit.record(None, "plan_completed", plan, summary="payment plan paid in full")
        return "completed"
    missed = [i for i in schedule if i.due_date < today and i.paid < i.amount]
    if not missed:
        return ""
    record = standing(plan.account_id)
    seen = record.last_contact_on is not None and record.last_contact_on > missed[-1].due_date
    if not seen and (record.next_follow_up is None or record.next_follow_up > today):
        record.next_follow_up = today
        record.save()
    return "missed"


# --- payment plans -----------------------------------------------------------------------------

def create_plan(account_id: int, total, installments, first_due, by: User, *, every_days=30,
                today: dt.date | None = None, render=None) -> PaymentPlan:
    """A plan for (part of) what the patient owes: equal installments to the cent, a printed
    agreement stored with it (``render``: printing.letters.render). Dunning skips the account
    while the plan is in good standing."""
    today = today or ledger_today()
    total = parse_money(total, "total")
    try:
        count, every = int(str(installments)), int(str(every_days))
    except ValueError as exc:
        raise ValidationError("installments and days between them are whole numbers", "installments") from exc
    first, problem = parse_date(first_due, "first_due", required=True)
    if problem:
        raise ValidationError(problem)
    assert first is not None  # required=True: no problem means a date
    account = Account.get_by_id(account_id)
    owed = account.patient_balance - account.unapplied_credit
    if total <= 0 or total > owed:
        raise ValidationError(f"the plan total must be more than zero and at most the "
                              f"{format_money(owed)} owed", "total")
    if not 1 <= count <= 60:
        raise ValidationError("between 1 and 60 installments", "installments")
    if not 7 <= every <= 92:
        raise ValidationError("installments 7 to 92 days apart", "every_days")
    if first < today:
        raise ValidationError("the first installment may not be in the past", "first_due")
    with in_transaction():
        if PaymentPlan.select().where(PaymentPlan.account == account_id,
                                      PaymentPlan.status == "active").exists():
            raise RuleError(f"Account {account.number} already has an active payment plan.")
        plan = PaymentPlan.create(account=account_id, total=total, installments=count, first_due=first,
                                  every_days=every, by=by, made_on=today)
        for n, amount in enumerate(split_largest_remainder(total, [1] * count)):
            PlanInstallment.create(plan=plan, due_date=first + dt.timedelta(days=every * n), amount=amount)
        if render:
            plan.agreement = render([plan_agreement(account, plan, list(plan.schedule), today)])
            plan.save()
        record = standing(account_id)
        record.next_follow_up, record.flag = first + dt.timedelta(days=1), ""
        record.save()
        audit.record(by, "create", plan, summary=f"payment plan {format_money(total)} in {count} "
                     f"installments from {first:%m/%d/%Y}",
                     after=audit.snapshot(plan, "total", "installments"))
    return plan


def cancel_plan(plan_id: int, reason: str, by: User) -> PaymentPlan:
    if not (reason or "").strip():
        raise ValidationError("say why the plan ends", "reason")
    with in_transaction():
        plan = PaymentPlan.get_by_id(plan_id)
        if plan.status != "active":
            raise RuleError(f"This plan is already {plan.status}.")
        plan.status = "cancelled"
        plan.save()
        audit.record(by, "cancel", plan, summary=f"payment plan cancelled: {reason}")
    return plan


def missed_installments(plan: PaymentPlan, today: dt.date) -> list[PlanInstallment]:
    return [i for i in plan.schedule.order_by(PlanInstallment.due_date)
            if i.due_date < today and i.paid < i.amount]


# --- the end of the road ------------------------------------------------------------------------

def _clear_patient_lines(account_id: int, kind: str, reason: str, by: User, today: dt.date,
                        approved_by: User | None = None, on: dt.date | None = None) -> Decimal:
    """What the patient still owes goes off the books as ``kind``: the account's unapplied credit
    first pays its oldest items (as on a statement), so the credit is not left to be refunded to
    a patient whose balance went to bad debt or the agency."""
    apply_credit(account_id, by, entry_date=today)
    cleared = ZERO
    for line in list(open_lines(account_id, "patient")):
        adjust_line(line.id, kind, line.patient_balance, reason, by, entry_date=today,
                    adjusted_on=on, approved_by=approved_by)
        cleared += line.patient_balance
    return cleared


def hand_off(account_id: int, agency: str, reason: str, by: User, *,
             today: dt.date | None = None, approved_by: User | None = None) -> Decimal:
    """Place the account with a collection agency (a supervisor, or one who signed it off): its
    open patient balance goes off the books as a ``collections`` adjustment; statements stop.
    Returns the amount placed."""
    today = today or ledger_today()
    if not (agency or "").strip() or not (reason or "").strip():
        raise ValidationError("name the agency and the reason", "agency")
    require(by, "agency_handoff", approved_by)
    with in_transaction():
        record = standing(account_id)
        if record.handed_off_on:
            raise RuleError(f"This account went to {record.agency} on {record.handed_off_on:%m/%d/%Y}.")
        placed = _clear_patient_lines(account_id, "collections", f"placed with {agency}: {reason}", by, today)
        if not placed:
            raise RuleError("Nothing is owed by the patient; there is nothing to hand off.")
        record.agency, record.handed_off_on, record.next_follow_up = agency.strip(), today, None
        record.save()
        audit.record(by, "agency_handoff", record, account_id=account_id,
                     summary=f"placed {format_money(placed)} with {agency}: {reason}"
                     + approved_note(by, "agency_handoff", approved_by))
    return placed


def write_off(account_id: int, reason: str, by: User, *, today: dt.date | None = None,
              written_off_on: str | dt.date | None = None, approved_by: User | None = None) -> Decimal:
    """Write the open patient balance off to bad debt (a supervisor, or one who signed it off).
    ``written_off_on``: the day (not in the future, nor before a line's date of service; blank:
    today)."""
    today = today or ledger_today()
    on = effective_date(written_off_on, today)
    if not (reason or "").strip():
        raise ValidationError("a reason is required to write off", "reason")
    require(by, "write_off", approved_by)
    with in_transaction():
        written = _clear_patient_lines(account_id, "write_off", f"bad debt: {reason}", by, today,
                                       approved_by, on)
        if not written:
            raise RuleError("Nothing is owed by the patient; there is nothing to write off.")
        record = standing(account_id)
        record.written_off_on, record.next_follow_up = on, None
        record.save()
        audit.record(by, "write_off", record, account_id=account_id,
                     summary=f"wrote off {format_money(written)} to bad debt: {reason}"
                     + approved_note(by, "write_off", approved_by))
    return written


def recoverable(account_id: int) -> list[tuple[LedgerEntry, Decimal]]:
    """Hand-off and write-off entries of the account with what is not yet recovered, oldest first."""
    entries = (LedgerEntry.select(LedgerEntry, Adjustment).join(Adjustment)
               .where(LedgerEntry.account == account_id, LedgerEntry.kind == "adjustment",
                      LedgerEntry.line.is_null(False), LedgerEntry.amount < 0,
                      Adjustment.kind.in_(("collections", "write_off")))
               .order_by(LedgerEntry.id))
    result = []
    for entry in entries:
        back = sum((e.amount for e in entry.reversed_by), ZERO)
        left = -entry.amount - back
        if left > 0:
            result.append((entry, left))
    return result


def is_recovery(account_id: int) -> bool:
    return bool(recoverable(account_id))


def record_recovery(account_id: int, amount, by: User, *, method: str = "check", reference: str = "",
                    source: str = "patient", today: dt.date | None = None) -> Payment:
    """A payment after hand-off or write-off: reverse that much of the adjustment (documented,
    line by line), then apply the payment to the reopened lines; any excess to other open items."""
    today = today or ledger_today()
    amount = parse_money(amount, "amount")
    if amount <= 0:
        raise ValidationError("the payment amount must be more than zero", "amount")
    with in_transaction():
        left, allocations = amount, []
        for entry, open_part in recoverable(account_id):
            take = min(left, open_part)
            if take <= 0:
                break
            original = entry.adjustment
            reversal = Adjustment.create(account=account_id, line=entry.line_id, kind=original.kind,
                                         reason=f"recovery: reverses {original.kind} #{original.id}",
                                         party="patient", amount=-take, adjusted_on=today,
                                         entered_on=today, created_by=by)
            post_entry(account_id=account_id, amount=take, kind="adjustment", party="patient", by=by,
                       line=entry.line, adjustment=reversal, reverses=entry, entry_date=today,
                       memo=f"recovery: {original.kind} reversed")
            allocations.append((entry.line_id, take))
            left -= take
        if not allocations:
            raise RuleError("Nothing was handed off or written off on this account; record an "
                            "ordinary payment.")
        used = {line_id for line_id, _ in allocations}
        for line in open_lines(account_id, "patient"):
            if left <= 0:
                break
            if line.id not in used:
                part = min(left, line.patient_balance)
                allocations.append((line.id, part))
                left -= part
        payment = record_payment(account_id, amount, by, method=method, reference=reference,
                                 source=source, received_on=today, entry_date=today,
                                 allocations=allocations, note="recovery after collections")
        ContactLog.create(account=account_id, kind="note", outcome="paid", by=by, contacted_on=today,
                          note=f"recovery {format_money(amount)} ({source})")
        audit.record(by, "recovery", payment, summary=f"recovery {format_money(amount)}")
    return payment


def agency_export(*, agency: str = "") -> str:
    """The handed-off accounts as CSV for the agency: who, where, what was placed and when.

    Text that starts like a formula gets a leading apostrophe (exchange.exporting.csv_row)."""
    from ...exchange.exporting import csv_row

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["account", "last_name", "first_name", "middle_name", "suffix", "organization",
                     "date_of_birth", "street",
                     "city", "state", "zip", "phone", "email", "agency", "placed_on", "placed",
                     "recovered", "outstanding"])
    query = (AccountCollection.select(AccountCollection, Account).join(Account)
             .where(AccountCollection.handed_off_on.is_null(False)).order_by(Account.number))
    if agency:
        query = query.where(AccountCollection.agency == agency)
    for record in query:
        a = record.account
        placed = sum((x.amount for x in Adjustment.select().where(
            Adjustment.account == a.id, Adjustment.kind == "collections", Adjustment.amount > 0)), ZERO)
        recovered = -sum((x.amount for x in Adjustment.select().where(
            Adjustment.account == a.id, Adjustment.kind == "collections", Adjustment.amount < 0)), ZERO)
        writer.writerow(csv_row([a.number, a.last_name, a.first_name, a.middle_name, a.suffix,
                                 a.organization,
                                 a.date_of_birth.isoformat() if a.date_of_birth else "", a.street,
                                 a.city, a.state, a.zip_code, a.phone, a.email, record.agency,
                                 record.handed_off_on.isoformat(), placed, recovered,
                                 placed - recovered]))
    return out.getvalue()


# --- what the detail pane shows ----------------------------------------------------------------

@dataclass
class AccountFile:
    account: Account
    record: AccountCollection | None
    contacts: list[ContactLog]
    promises: list[Promise]
    plans: list[PaymentPlan]
    letters: list[Letter]
    cases: list[Case]


def account_file(account_id: int) -> AccountFile:
    return AccountFile(
        account=Account.get_by_id(account_id),
        record=AccountCollection.get_or_none(AccountCollection.account == account_id),
        contacts=list(ContactLog.select().where(ContactLog.account == account_id)
                      .order_by(ContactLog.id.desc()).limit(50)),
        promises=list(Promise.select().where(Promise.account == account_id).order_by(Promise.id.desc())),
        plans=list(PaymentPlan.select().where(PaymentPlan.account == account_id)
                   .order_by(PaymentPlan.id.desc())),
        letters=list(Letter.select(Letter.id, Letter.kind, Letter.sent_on, Letter.account, Letter.by)
                     .where(Letter.account == account_id).order_by(Letter.id.desc())),
        cases=list(Case.select().where(Case.account == account_id).order_by(Case.id.desc())))


def letter_pdf(letter_id: int) -> bytes:
    return Letter.get_by_id(letter_id).pdf or b""


def plan_agreement_pdf(plan_id: int) -> bytes:
    return PaymentPlan.get_by_id(plan_id).agreement or b""
