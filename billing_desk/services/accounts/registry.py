"""Accounts: open from a paper form (pending), approve, change, deactivate, reactivate, close."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from peewee import SQL, fn

from ...errors import RuleError, ValidationError
from ...models import Account, Batch, Coverage, Guarantor, User, now
from ..books.account_search import search_condition
from ..office import audit, stale
from ..office.permissions import approved_note, approver, require
from ..office.sequences import next_number
from ..office.transactions import in_transaction
from .account_checks import (
    FORM_FIELDS,
    LABELS,
    RANKS,
    SUBSCRIBER_PARTS,
    AccountForm,
    payer_names,
    plan_names,
    sort_name,
    validate_account,
)

__all__ = ["AccountForm", "validate_account", "sort_name", "payer_names", "plan_names", "FORM_FIELDS",
           "LABELS", "DuplicateFound", "possible_duplicates", "create_account", "update_account",
           "form_from_account", "approve_account", "return_account", "deactivate_account",
           "reactivate_account", "close_account", "search_accounts",
           "count_accounts", "start_batch", "batch_count", "owed"]


class DuplicateFound(RuleError):
    """The form looks like an account already on file; ``accounts`` lists them."""

    def __init__(self, accounts: list[Account]):
        self.accounts = accounts
        names = "; ".join(f"{a.number} {a.display_name}" for a in accounts)
        super().__init__(f"This may already be on file: {names}. Open it, or save anyway.")


def possible_duplicates(form: AccountForm, exclude_id: int | None = None) -> list[Account]:
    """Accounts with the same name and date of birth, or the same phone."""
    values, _ = validate_account(form)
    key = sort_name(values)
    found: list[Account] = []
    if key and values.get("date_of_birth"):
        found += list(Account.select().where(Account.sort_name == key,
                                             Account.date_of_birth == values["date_of_birth"]).limit(10))
    elif key and values.get("kind") == "customer":
        found += list(Account.select().where(Account.sort_name == key).limit(10))
    if values.get("phone"):
        found += list(Account.select().where(Account.phone == values["phone"]).limit(10))
    unique = {a.id: a for a in found if a.id != exclude_id}
    return list(unique.values())


def _account_columns(values: dict) -> dict:
    return {k: v for k, v in values.items() if k not in ("coverages", "guarantor_input")}


def create_account(form: AccountForm, by: User, *, today: dt.date | None = None,
                   refuse_duplicates: bool = False, reviewed: list[str] | None = None,
                   batch_id: int | None = None) -> Account:
    """Open a new account from a form; it starts pending until a supervisor approves it.

    With ``refuse_duplicates`` a possible duplicate not among the ``reviewed`` account numbers
    raises ``DuplicateFound``; the numbers the clerk reviewed are kept for the approver.
    """
    values, problems = validate_account(form, today)
    if problems:
        raise ValidationError(problems)
    reviewed = list(reviewed or [])
    if refuse_duplicates:
        unseen = [a for a in possible_duplicates(form) if a.number not in reviewed]
        if unseen:
            raise DuplicateFound(unseen)
    with in_transaction():
        columns = _account_columns(values)
        columns["guarantor"] = _guarantor_for(values["guarantor_input"], by) or columns["guarantor"]
        account = Account.create(number=str(next_number("account")), status="pending",
                                 sort_name=sort_name(values), batch=batch_id,
                                 duplicates_reviewed=", ".join(reviewed), **columns)
        for coverage in values["coverages"]:
            Coverage.create(account=account, **coverage)
        audit.record(by, "create", account, summary=f"opened account {account.number}",
                     after=dict(audit.snapshot(account), coverages=[
                         f"{c['rank']}: {c['plan']} {c['member_id']}" for c in values["coverages"]]))
    return account


def _guarantor_for(data: dict | None, by: User) -> Guarantor | None:
    """The responsible party: an existing one with the same name and phone (a family shares one)."""
    if not data:
        return None
    query = Guarantor.select().where(fn.LOWER(Guarantor.last_name) == data["last_name"].lower(),
                                     fn.LOWER(Guarantor.first_name) == data["first_name"].lower())
    if data["phone"]:
        query = query.where(Guarantor.phone == data["phone"])
    existing = query.first()
    if existing:
        return existing
    guarantor = Guarantor.create(**data)
    audit.record(by, "create", guarantor, summary=f"guarantor {guarantor.written_name}")
    return guarantor


EDITABLE = ("first_name", "last_name", "middle_name", "suffix", "organization", "date_of_birth",
            "street", "street2", "city", "state", "zip_code", "phone", "phone_alt", "email",
            "statement_delivery", "payment_terms_days", "billing_cycle_day", "credit_limit",
            "preferred_contact", "notes", "guarantor", "sex")


def update_account(account_id: int, form: AccountForm, by: User) -> Account:
    """Change name, address, phones, email, guarantor, insurance or billing profile (audited)."""
    account = Account.get_by_id(account_id)
    form.kind = account.kind
    values, problems = validate_account(form)
    if problems:
        raise ValidationError(problems)
    with in_transaction():
        account = Account.get_by_id(account_id)  # as it is now, after any other workstation's save
        if form.loaded_as:
            stale.refuse_if_changed(form.loaded_as, version_of(account), f"Account {account.number}",
                                    table="account", record_id=account.id)
        values["guarantor"] = (_guarantor_for(values["guarantor_input"], by)
                               if values["guarantor_input"] else None)
        before = audit.snapshot(account, *EDITABLE)
        for name in EDITABLE:
            setattr(account, name, values[name])
        account.sort_name = sort_name(values)
        after = audit.snapshot(account, *EDITABLE)
        changed = {k: v for k, v in after.items() if before[k] != v}
        if changed:
            account.save()
            audit.record(by, "update", account, summary=f"changed {', '.join(sorted(changed))}",
                         before={k: before[k] for k in changed}, after=changed)
        _sync_coverages(account, values["coverages"], by)
    return account


def active_coverages(account_id: int) -> dict[str, Coverage]:
    rows = Coverage.select().where(Coverage.account == account_id, Coverage.active == True)  # noqa: E712
    return {c.rank: c for c in rows.order_by(Coverage.id)}


def _sync_coverages(account: Account, coverages: list[dict], by: User) -> None:
    """Update a coverage in place when it is the same plan and member; otherwise end the old one."""
    current = active_coverages(account.id)
    wanted = {c["rank"]: c for c in coverages}
    for rank in RANKS:
        old, new = current.get(rank), wanted.get(rank)
        if old and new and old.plan_id == new["plan"].id and old.member_id == new["member_id"]:
            before = audit.snapshot(old, *[k for k in new if k not in ("rank", "plan")])
            for key, value in new.items():
                setattr(old, key, value)
            after = audit.snapshot(old, *before)
            if after != before:
                old.save()
                audit.record(by, "update", old, summary=f"changed {rank} insurance", before=before,
                             after=after, account_id=account.id)
            continue
        if old:
            old.active = False
            old.save()
            audit.record(by, "end", old, summary=f"ended {rank} insurance {old.member_id}",
                         account_id=account.id)
        if new:
            created = Coverage.create(account=account, **new)
            audit.record(by, "create", created, summary=f"added {rank} insurance {created.member_id}",
                         account_id=account.id)


def version_of(account: Account) -> str:
    """A short fingerprint of what a screen shows of the account (its details, its status and its
    coverages): a save is refused when the account no longer has the one the screen loaded."""
    shown = audit.snapshot(account, *EDITABLE, "status")
    shown["coverages"] = [audit.snapshot(c, *[f.name for f in Coverage._meta.sorted_fields])
                          for c in Coverage.select().where(Coverage.account == account.id)
                          .order_by(Coverage.id)]
    return stale.fingerprint(shown)


def form_from_account(account: Account) -> AccountForm:
    form = AccountForm(loaded_as=version_of(account))
    for name in ("kind", "first_name", "last_name", "middle_name", "suffix", "organization", "street",
                 "street2", "city", "state", "zip_code", "phone", "phone_alt", "email",
                 "statement_delivery", "preferred_contact", "notes"):
        setattr(form, name, getattr(account, name) or "")
    form.date_of_birth = _date_text(account.date_of_birth)
    form.payment_terms_days = str(account.payment_terms_days)
    form.billing_cycle_day = str(account.billing_cycle_day)
    form.credit_limit = str(account.credit_limit) if account.credit_limit is not None else ""
    form.guarantor_id = account.guarantor_id
    if account.guarantor_id:
        g = account.guarantor
        form.guarantor_relationship = g.relationship
        for name in ("first_name", "last_name", "middle_name", "suffix", "phone", "street", "street2",
                     "city", "state", "zip_code", "email"):
            setattr(form, f"guarantor_{name}", getattr(g, name) or "")
        form.guarantor_date_of_birth = _date_text(g.date_of_birth)
    for rank, coverage in active_coverages(account.id).items():
        values = {"payer": coverage.plan.payer.name, "plan": coverage.plan.name,
                  "member_id": coverage.member_id, "group_number": coverage.group_number,
                  "subscriber_name": coverage.subscriber_name, "relationship": coverage.relationship,
                  "start_date": _date_text(coverage.start_date), "end_date": _date_text(coverage.end_date),
                  "esrd_started_on": _date_text(coverage.esrd_started_on)}
        for part, value in values.items():
            setattr(form, f"{rank}_{part}", value)
        _claim_details_to_form(form, rank, coverage)
    form.sex = account.sex or "U"
    return form


def _claim_details_to_form(form: AccountForm, rank: str, coverage: Coverage) -> None:
    """The subscriber's details (issue 16), when the patient is not the subscriber."""
    if coverage.relationship == "self":
        return
    for part in SUBSCRIBER_PARTS:
        value = getattr(coverage, f"subscriber_{part}")
        setattr(form, f"{rank}_subscriber_{part}",
                _date_text(value) if part == "date_of_birth" else (value or ""))


def _date_text(value) -> str:
    return value.strftime("%m/%d/%Y") if value else ""


STATUS = ("status", "status_reason")


def status_version(account: Account | int) -> str:
    """What a screen showing the account's status (its row, or by id) hands back when it
    approves, returns, deactivates, reactivates or closes it (services.office.stale): another
    clerk's status change meanwhile (a close, a return with its note) is not silently undone."""
    if isinstance(account, Account):
        return stale.version_of(account, fields=STATUS)
    return stale.version(Account, account, STATUS)


def _current(account_id: int, loaded_as: str) -> Account:
    return stale.check_current(Account, account_id, loaded_as, lambda a: f"Account {a.number}", STATUS)


def _change_status(account_id: int, status: str, reason: str, by: User, allowed_from: tuple[str, ...],
                   action: str, approved_by: User | None = None, loaded_as: str = "") -> Account:
    if not (reason or "").strip() and action != "approve":
        raise ValidationError("a reason is required", "reason")
    with in_transaction():
        account = _current(account_id, loaded_as)
        if account.status not in allowed_from:
            raise RuleError(f"Account {account.number} is {account.status}; it cannot be "
                            f"{'approved' if action == 'approve' else action + 'd'} from there.")
        before = audit.snapshot(account, "status", "status_reason")
        account.status = status
        account.status_reason = (reason or "").strip()
        if action == "approve":
            account.approved_by, account.approved_at = approved_by or by, now()
        account.save()
        note = f" (approved by {approved_by.username})" if approved_by and approved_by != by else ""
        audit.record(by, action, account,
                     summary=f"{action} account {account.number}: {reason}".strip(": ") + note,
                     before=before, after=audit.snapshot(account, "status", "status_reason"))
    return account


def approve_account(account_id: int, by: User, note: str = "", *,
                    approved_by: User | None = None, loaded_as: str = "") -> Account:
    """A supervisor approves a pending account, or a clerk with one who signed it off.
    ``loaded_as`` (``status_version``): refused when the status changed since (returned)."""
    require(by, "approve_account", approved_by)
    return _change_status(account_id, "active", note, by, ("pending",), "approve",
                          approved_by=approver(by, "approve_account", approved_by), loaded_as=loaded_as)


def return_account(account_id: int, by: User, note: str, *,
                   approved_by: User | None = None, loaded_as: str = "") -> Account:
    """A supervisor sends a pending account back to the clerk with a note; it stays pending.
    ``loaded_as`` (``status_version``): refused over another supervisor's return since."""
    if not (note or "").strip():
        raise ValidationError("say what needs fixing", "note")
    require(by, "approve_account", approved_by)
    with in_transaction():
        account = _current(account_id, loaded_as)
        if account.status != "pending":
            raise RuleError(f"Account {account.number} is not pending.")
        account.status_reason = f"returned: {note.strip()}"
        account.save()
        audit.record(by, "return", account, summary=f"returned account {account.number}: {note}"
                     + approved_note(by, "approve_account", approved_by))
    return account


def deactivate_account(account_id: int, reason: str, by: User, *, loaded_as: str = "") -> Account:
    return _change_status(account_id, "inactive", reason, by, ("active",), "deactivate",
                          loaded_as=loaded_as)


def reactivate_account(account_id: int, reason: str, by: User, *, loaded_as: str = "") -> Account:
    return _change_status(account_id, "active", reason, by, ("inactive", "closed"), "reactivate",
                          loaded_as=loaded_as)


def close_account(account_id: int, reason: str, by: User, *, confirm_balance=None,
                  loaded_as: str = "") -> Account:
    """Close an account. With a balance, ``confirm_balance(amount_text)`` must say yes."""
    account = Account.get_by_id(account_id)
    owed = account.patient_balance + account.insurance_balance - account.unapplied_credit
    if owed != 0:
        from ...money import format_money

        if confirm_balance is None or not confirm_balance(format_money(owed)):
            raise RuleError(f"Account {account.number} still has a balance of "
                            f"{format_money(owed)}; confirm to close it anyway.")
    return _change_status(account_id, "closed", reason, by, ("pending", "active", "inactive"), "close",
                          loaded_as=loaded_as)


def search_accounts(text: str = "", status: str | None = None, *, limit: int | None = 100,
                    offset: int = 0, today: dt.date | None = None):
    """Accounts matching what was typed (name, number, phone, date of birth, member id, email).

    Each row carries ``oldest_due``: the due date of its oldest past-due open invoice.
    """
    as_of = (today or dt.date.today()).isoformat()
    oldest = SQL("(SELECT MIN(i.due_date) FROM invoice AS i WHERE i.account_id = t1.id "
                 "AND (i.patient_balance != 0 OR i.insurance_balance != 0) AND i.due_date < ?)",
                 [as_of]).alias("oldest_due")
    query = Account.select(Account, oldest)
    if status:
        query = query.where(Account.status == status)
    text = (text or "").strip()
    if text:
        query = query.where(search_condition(text))
    query = query.order_by(Account.sort_name, Account.id)
    return query.limit(limit).offset(offset) if limit else query


def count_accounts(text: str = "", status: str | None = None) -> int:
    query = Account.select(fn.COUNT(Account.id))
    if status:
        query = query.where(Account.status == status)
    if (text or "").strip():
        query = query.where(search_condition(text.strip()))
    return query.scalar() or 0


def oldest_bucket(oldest_due, today: dt.date | None = None) -> str:
    """The aging bucket of an account's oldest past-due invoice ('' when nothing is past due)."""
    from ..books.aging import bucket_for

    if not oldest_due:
        return ""
    if isinstance(oldest_due, str):
        oldest_due = dt.date.fromisoformat(oldest_due[:10])
    return bucket_for(((today or dt.date.today()) - oldest_due).days)


def start_batch(expected_count: int | None, by: User, note: str = "") -> Batch:
    """A stack of registration forms: the count the clerk keyed, checked against what was entered."""
    if expected_count is not None and expected_count < 1:
        raise ValidationError("the stack has at least one form", "expected_count")
    with in_transaction():
        batch = Batch.create(kind="accounts", expected_count=expected_count, note=note, created_by=by)
        audit.record(by, "create", batch, summary=f"account batch of {expected_count or '?'} forms")
    return batch


def batch_count(batch_id: int) -> tuple[int, int | None]:
    """(entered, expected) for a batch of account forms."""
    batch = Batch.get_by_id(batch_id)
    entered = Account.select().where(Account.batch == batch_id).count()
    return entered, batch.expected_count


def create_guarantor(by: User, **values) -> Guarantor:
    with in_transaction():
        guarantor = Guarantor.create(**values)
        audit.record(by, "create", guarantor, summary=f"guarantor {guarantor.last_name}")
    return guarantor


def get_account(account_id: int) -> Account:
    return Account.get_by_id(account_id)


def owed(account: Account) -> Decimal:
    return account.patient_balance + account.insurance_balance - account.unapplied_credit


def can_invoice(account: Account) -> None:
    """Pending, inactive and closed accounts take no new invoices."""
    if account.status != "active":
        raise RuleError(f"Account {account.number} is {account.status}; only active accounts "
                        "can be invoiced.")

