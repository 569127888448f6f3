"""Accounts from a spreadsheet: the fields an office's file can fill, checked like the form."""

from __future__ import annotations

from dataclasses import fields as dc_fields
from typing import Callable

from ...errors import Problem, ValidationError
from ...exchange.importing import Preview, Table, Target, preview
from ...models import Account, User
from ..office.transactions import in_transaction
from .account_checks import LABELS, AccountForm, sort_name, validate_account
from .registry import create_account

KIND = "accounts"

_SYNONYMS = {
    "first_name": ("first", "given name", "firstname", "fname"),
    "last_name": ("last", "surname", "family name", "lname"),
    "middle_name": ("middle", "middle initial", "mi", "middle names"),
    "suffix": ("name suffix", "jr/sr", "generation"),
    "organization": ("company", "business", "employer name", "org"),
    "date_of_birth": ("dob", "birth date", "birthdate", "born"),
    "street": ("address", "address 1", "address1", "street address"),
    "street2": ("address 2", "address2", "apt", "suite"),
    "zip_code": ("zip", "postal code", "zipcode", "postcode"),
    "phone": ("telephone", "phone number", "home phone", "tel"),
    "phone_alt": ("cell", "mobile", "work phone", "other phone"),
    "email": ("e-mail", "email address", "mail"),
    "kind": ("type", "account type"),
    "primary_payer": ("insurance", "insurance company", "payer", "carrier"),
    "primary_plan": ("plan", "insurance plan"),
    "primary_member_id": ("member id", "member", "policy number", "insurance id", "subscriber id"),
    "primary_group_number": ("group", "group number", "group no"),
    "primary_esrd_started_on": ("esrd start", "esrd date", "esrd period from"),
    "secondary_esrd_started_on": ("secondary esrd start", "secondary esrd date"),
}

TARGETS = [Target(f.name, LABELS[f.name], f.name in ("last_name",), _SYNONYMS.get(f.name, ()))
           for f in dc_fields(AccountForm) if f.name not in ("guarantor_id", "loaded_as")]


def _form(values: dict[str, str]) -> AccountForm:
    form = AccountForm()
    for name, value in values.items():
        if value != "" or name not in ("kind", "statement_delivery", "preferred_contact",
                                       "payment_terms_days", "billing_cycle_day",
                                       "primary_relationship", "secondary_relationship",
                                       "guarantor_relationship"):
            setattr(form, name, value.strip().lower() if name in ("kind", "statement_delivery",
                                                                  "preferred_contact") else value)
    if form.organization and not values.get("kind"):
        form.kind = "customer" if not form.date_of_birth else "patient"
    return form


def account_checker() -> Callable[[dict[str, str], int], tuple[AccountForm | None, list[Problem]]]:
    """Checks one row like the form does, plus duplicates: on file, or earlier in the same file."""
    seen: dict[tuple, int] = {}

    def check(values: dict[str, str], row: int):
        form = _form(values)
        clean, problems = validate_account(form)
        if problems:
            return None, problems
        key = (sort_name(clean), clean.get("date_of_birth"))
        if key in seen:
            return None, [Problem("last_name", f"the same person as row {seen[key]}")]
        seen[key] = row
        if clean.get("date_of_birth"):
            existing = (Account.select(Account.number)
                        .where(Account.sort_name == key[0], Account.date_of_birth == key[1])
                        .limit(1).scalar())
            if existing:
                return None, [Problem("last_name", f"already on file as account {existing}")]
        return form, []

    return check


def preview_accounts(table: Table, mapping: dict[str, str], progress=None) -> Preview:
    return preview(table, mapping, account_checker(), _form, progress)


def import_accounts(result: Preview, by: User, *, skip_bad: bool = False,
                    progress: Callable[[int, int], None] | None = None,
                    before_commit: Callable[[], None] | None = None) -> list[Account]:
    """Save the good rows as pending accounts, all in one transaction.

    With bad rows and no ``skip_bad`` nothing is imported: ValidationError lists every bad row.
    ``progress`` or ``before_commit`` (called last, inside the transaction) may raise to stop:
    the transaction rolls back and nothing is imported.
    """
    if result.bad and not skip_bad:
        raise ValidationError(result.bad)
    created = []
    total = len(result.good)
    with in_transaction():
        for done, (_row, form) in enumerate(result.good, start=1):
            created.append(create_account(form, by))
            if progress and (done % 100 == 0 or done == total):
                progress(done, total)
        if before_commit:
            before_commit()
    return created


def export_accounts(path, text: str = "", status: str | None = None, progress=None) -> int:
    """The account list (as searched and filtered) to an Excel file, formula-guarded. Besides the
    name as the list shows it, each part of it and the address in columns the import reads back."""
    from ...exchange.exporting import ExportColumn, export_rows
    from .registry import oldest_bucket, search_accounts

    columns = [
        ExportColumn("Account", lambda a: a.number, width=10),
        ExportColumn("Name", lambda a: a.display_name, width=28),
        ExportColumn("Last name", lambda a: a.last_name, width=16),
        ExportColumn("First name", lambda a: a.first_name, width=14),
        ExportColumn("Middle name", lambda a: a.middle_name, width=12),
        ExportColumn("Suffix", lambda a: a.suffix, width=7),
        ExportColumn("Organization", lambda a: a.organization, width=20),
        ExportColumn("Kind", lambda a: a.kind, width=10),
        ExportColumn("Status", lambda a: a.status, width=10),
        ExportColumn("Date of birth", lambda a: a.date_of_birth, "date", 12),
        ExportColumn("Street", lambda a: a.street, width=26),
        ExportColumn("Street 2", lambda a: a.street2, width=14),
        ExportColumn("City", lambda a: a.city, width=16),
        ExportColumn("State", lambda a: a.state, width=6),
        ExportColumn("ZIP", lambda a: a.zip_code, width=10),
        ExportColumn("Phone", lambda a: a.phone, width=15),
        ExportColumn("Email", lambda a: a.email, width=28),
        ExportColumn("Patient owes", lambda a: a.patient_balance, "money"),
        ExportColumn("Insurance owes", lambda a: a.insurance_balance, "money"),
        ExportColumn("Credit", lambda a: a.unapplied_credit, "money"),
        ExportColumn("Oldest past due", lambda a: oldest_bucket(a.oldest_due), width=12),
    ]
    query = search_accounts(text, status, limit=None)
    return export_rows(path, columns, query.iterator(), sheet_title="Accounts", progress=progress)
