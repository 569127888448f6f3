"""Accounts: open from a paper form (pending), approve, change, deactivate, reactivate, close."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from decimal import Decimal

from peewee import fn

from ..errors import Problem, RuleError, ValidationError
from ..models import Account, Guarantor, User, now
from ..money import parse_money
from . import audit
from .ledger import in_transaction
from .permissions import require
from .sequences import next_number
from .validation import check_state, check_zip, normalize_email, normalize_phone, parse_date, parse_int


@dataclass
class AccountForm:
    """What the clerk typed, as text, field for field with the paper form."""

    kind: str = "patient"
    first_name: str = ""
    last_name: str = ""
    organization: str = ""
    date_of_birth: str = ""
    street: str = ""
    street2: str = ""
    city: str = ""
    state: str = ""
    zip_code: str = ""
    phone: str = ""
    phone_alt: str = ""
    email: str = ""
    statement_delivery: str = "print"
    payment_terms_days: str = "30"
    billing_cycle_day: str = "1"
    credit_limit: str = ""
    preferred_contact: str = "phone"
    notes: str = ""
    guarantor_id: int | None = None

    def as_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass
class CleanAccount:
    values: dict = field(default_factory=dict)


def validate_account(form: AccountForm, today: dt.date | None = None) -> tuple[dict, list[Problem]]:
    """Check every field; return the clean values and every problem, each naming its field."""
    problems: list[Problem] = []
    values: dict = {}

    def keep(name, value, problem):
        values[name] = value
        if problem:
            problems.append(problem)

    for name in ("first_name", "last_name", "organization", "street", "street2", "city", "notes"):
        values[name] = (getattr(form, name) or "").strip()
    if form.kind not in ("patient", "customer"):
        problems.append(Problem("kind", "must be patient or customer"))
    values["kind"] = form.kind
    if form.kind == "patient" or not values["organization"]:
        if not values["last_name"]:
            problems.append(Problem("last_name", "the last name is required"))
        if not values["first_name"]:
            problems.append(Problem("first_name", "the first name is required"))
    dob, problem = parse_date(form.date_of_birth, "date_of_birth", required=form.kind == "patient",
                              not_future=True, today=today)
    keep("date_of_birth", dob, problem)
    values["state"] = (form.state or "").strip().upper()
    for check in (check_state(values["state"]), check_zip(form.zip_code)):
        if check:
            problems.append(check)
    values["zip_code"] = (form.zip_code or "").strip()
    keep("phone", *normalize_phone(form.phone, "phone"))
    keep("phone_alt", *normalize_phone(form.phone_alt, "phone_alt"))
    keep("email", *normalize_email(form.email, "email"))
    if form.statement_delivery == "email" and not values["email"]:
        problems.append(Problem("email", "statements by email need an email address"))
    values["statement_delivery"] = form.statement_delivery
    values["preferred_contact"] = form.preferred_contact
    keep("payment_terms_days", *parse_int(form.payment_terms_days, "payment_terms_days",
                                          minimum=0, maximum=365))
    keep("billing_cycle_day", *parse_int(form.billing_cycle_day, "billing_cycle_day",
                                         minimum=1, maximum=28))
    values["credit_limit"] = None
    if (form.credit_limit or "").strip():
        try:
            values["credit_limit"] = parse_money(form.credit_limit, "credit_limit")
        except ValidationError as exc:
            problems.extend(exc.problems)
    values["guarantor"] = form.guarantor_id
    return values, problems


def sort_name(values: dict) -> str:
    return " ".join(p for p in (values.get("last_name"), values.get("first_name"),
                                values.get("organization")) if p).lower()


def possible_duplicates(form: AccountForm, exclude_id: int | None = None) -> list[Account]:
    """Accounts with the same name and date of birth, or the same phone."""
    values, _ = validate_account(form)
    query = Account.select().where(Account.sort_name == sort_name(values))
    if values.get("date_of_birth"):
        query = query.where(Account.date_of_birth == values["date_of_birth"])
    found = list(query.limit(10))
    if values.get("phone"):
        found += list(Account.select().where(Account.phone == values["phone"]).limit(10))
    unique = {a.id: a for a in found if a.id != exclude_id}
    return list(unique.values())


def create_account(form: AccountForm, by: User, *, today: dt.date | None = None) -> Account:
    """Open a new account from a form; it starts pending until a supervisor approves it."""
    values, problems = validate_account(form, today)
    if problems:
        raise ValidationError(problems)
    with in_transaction():
        account = Account.create(number=str(next_number("account")), status="pending",
                                 sort_name=sort_name(values), **values)
        audit.record(by, "create", account, summary=f"opened account {account.number}",
                     after=audit.snapshot(account))
    return account


EDITABLE = ("first_name", "last_name", "organization", "date_of_birth", "street", "street2", "city",
            "state", "zip_code", "phone", "phone_alt", "email", "statement_delivery",
            "payment_terms_days", "billing_cycle_day", "credit_limit", "preferred_contact", "notes",
            "guarantor")


def update_account(account_id: int, form: AccountForm, by: User) -> Account:
    """Change name, address, phones, email or billing profile; the audit keeps before and after."""
    values, problems = validate_account(form)
    if problems:
        raise ValidationError(problems)
    with in_transaction():
        account = Account.get_by_id(account_id)
        before = audit.snapshot(account, *EDITABLE)
        for name in EDITABLE:
            setattr(account, name, values[name])
        account.sort_name = sort_name(values)
        after = audit.snapshot(account, *EDITABLE)
        changed = {k: v for k, v in after.items() if before[k] != v}
        if not changed:
            return account
        account.save()
        audit.record(by, "update", account, summary=f"changed {', '.join(sorted(changed))}",
                     before={k: before[k] for k in changed}, after=changed)
    return account


def form_from_account(account: Account) -> AccountForm:
    form = AccountForm()
    for name in ("kind", "first_name", "last_name", "organization", "street", "street2", "city",
                 "state", "zip_code", "phone", "phone_alt", "email", "statement_delivery",
                 "preferred_contact", "notes"):
        setattr(form, name, getattr(account, name) or "")
    form.date_of_birth = account.date_of_birth.strftime("%m/%d/%Y") if account.date_of_birth else ""
    form.payment_terms_days = str(account.payment_terms_days)
    form.billing_cycle_day = str(account.billing_cycle_day)
    form.credit_limit = str(account.credit_limit) if account.credit_limit is not None else ""
    form.guarantor_id = account.guarantor_id
    return form


def _change_status(account_id: int, status: str, reason: str, by: User, allowed_from: tuple[str, ...],
                   action: str) -> Account:
    if not (reason or "").strip() and action != "approve":
        raise ValidationError("a reason is required", "reason")
    with in_transaction():
        account = Account.get_by_id(account_id)
        if account.status not in allowed_from:
            raise RuleError(f"Account {account.number} is {account.status}; it cannot be "
                            f"{'approved' if action == 'approve' else action + 'd'} from there.")
        before = audit.snapshot(account, "status", "status_reason")
        account.status = status
        account.status_reason = (reason or "").strip()
        if action == "approve":
            account.approved_by, account.approved_at = by, now()
        account.save()
        audit.record(by, action, account, summary=f"{action} account {account.number}: {reason}".strip(": "),
                     before=before, after=audit.snapshot(account, "status", "status_reason"))
    return account


def approve_account(account_id: int, by: User, note: str = "") -> Account:
    require(by, "approve_account")
    return _change_status(account_id, "active", note, by, ("pending",), "approve")


def return_account(account_id: int, by: User, note: str) -> Account:
    """A supervisor sends a pending account back to the clerk with a note; it stays pending."""
    require(by, "approve_account")
    if not (note or "").strip():
        raise ValidationError("say what needs fixing", "note")
    with in_transaction():
        account = Account.get_by_id(account_id)
        if account.status != "pending":
            raise RuleError(f"Account {account.number} is not pending.")
        account.status_reason = f"returned: {note.strip()}"
        account.save()
        audit.record(by, "return", account, summary=f"returned account {account.number}: {note}")
    return account


def deactivate_account(account_id: int, reason: str, by: User) -> Account:
    return _change_status(account_id, "inactive", reason, by, ("active",), "deactivate")


def reactivate_account(account_id: int, reason: str, by: User) -> Account:
    return _change_status(account_id, "active", reason, by, ("inactive", "closed"), "reactivate")


def close_account(account_id: int, reason: str, by: User, *, confirm_balance=None) -> Account:
    """Close an account. With a balance, ``confirm_balance(amount_text)`` must say yes."""
    account = Account.get_by_id(account_id)
    owed = account.patient_balance + account.insurance_balance - account.unapplied_credit
    if owed != 0:
        from ..money import format_money

        if confirm_balance is None or not confirm_balance(format_money(owed)):
            raise RuleError(f"Account {account.number} still has a balance of "
                            f"{format_money(owed)}; confirm to close it anyway.")
    return _change_status(account_id, "closed", reason, by, ("pending", "active", "inactive"), "close")


def search_accounts(text: str = "", status: str | None = None, *, limit: int = 100, offset: int = 0):
    """Accounts matching what was typed (name, number, phone, date of birth, email), in SQL."""
    query = Account.select()
    if status:
        query = query.where(Account.status == status)
    text = (text or "").strip()
    if text:
        query = query.where(search_condition(text))
    return query.order_by(Account.sort_name, Account.id).limit(limit).offset(offset)


def search_condition(text: str):
    """A WHERE clause that an index can serve for each kind of key a clerk types."""
    from .validation import parse_date as _pd

    lowered = text.lower()
    digits = "".join(ch for ch in text if ch.isdigit())
    cond = (Account.sort_name >= lowered) & (Account.sort_name < lowered + "\uffff")
    if "," in text:
        last, _, first = lowered.partition(",")
        key = f"{last.strip()} {first.strip()}".strip()
        cond = cond | ((Account.sort_name >= key) & (Account.sort_name < key + "\uffff"))
    if digits and digits == text.strip():
        cond = cond | (Account.number == text.strip())
    if "@" in text:
        cond = cond | ((Account.email >= lowered) & (Account.email < lowered + "\uffff"))
    if len(digits) >= 7 and not any(c.isalpha() for c in text):
        phone, problem = normalize_phone(text)
        if not problem:
            cond = cond | (Account.phone == phone)
    if "/" in text or (len(text) == 10 and text[4:5] == "-"):
        dob, problem = _pd(text, "search")
        if dob and not problem:
            cond = cond | (Account.date_of_birth == dob)
    return cond


def count_accounts(text: str = "", status: str | None = None) -> int:
    query = Account.select(fn.COUNT(Account.id))
    if status:
        query = query.where(Account.status == status)
    if (text or "").strip():
        query = query.where(search_condition(text.strip()))
    return query.scalar() or 0


def create_guarantor(by: User, **values) -> Guarantor:
    with in_transaction():
        guarantor = Guarantor.create(**values)
        audit.record(by, "create", guarantor, summary=f"guarantor {guarantor.last_name}")
    return guarantor


def owed(account: Account) -> Decimal:
    return account.patient_balance + account.insurance_balance - account.unapplied_credit
