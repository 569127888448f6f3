"""Users, accounts (patients and customers), their guarantors, and the office's providers."""

from __future__ import annotations

from peewee import BooleanField, DateField, DateTimeField, ForeignKeyField, IntegerField, TextField

from ..choices import ACCOUNT_KINDS, ACCOUNT_STATUSES, CONTACT_PREFS, DELIVERY, PROVIDER_ROLES, ROLES, SEXES
from ..names import listed, written
from .base import Stamped
from .fields import ChoiceField, MoneyField


class User(Stamped):
    username = TextField(unique=True)
    full_name = TextField()
    role = ChoiceField(ROLES, default="clerk")
    active = BooleanField(default=True)
    password_hash = TextField(null=True)
    failed_attempts = IntegerField(default=0)
    locked_until = DateTimeField(null=True)
    must_change_password = BooleanField(default=False)

    def __str__(self) -> str:
        return self.username


class Guarantor(Stamped):
    """The responsible party: pays the bills of one or more accounts (a family shares one)."""

    first_name = TextField()
    last_name = TextField(index=True)
    middle_name = TextField(default="")
    suffix = TextField(default="")  # Jr, Sr, III
    relationship = TextField(default="self")
    street = TextField(default="")
    street2 = TextField(default="")
    city = TextField(default="")
    state = TextField(default="")
    zip_code = TextField(default="")
    phone = TextField(default="")
    email = TextField(default="")
    date_of_birth = DateField(null=True)

    @property
    def written_name(self) -> str:
        return written(self.first_name, self.middle_name, self.last_name, self.suffix)


class Account(Stamped):
    derived = ("patient_balance", "insurance_balance", "unapplied_credit")

    number = TextField(unique=True)
    kind = ChoiceField(ACCOUNT_KINDS, default="patient")
    status = ChoiceField(ACCOUNT_STATUSES, default="pending", index=True)
    first_name = TextField(default="")
    last_name = TextField(default="")
    middle_name = TextField(default="")
    suffix = TextField(default="")  # Jr, Sr, III
    organization = TextField(default="")
    # Lower-cased "last first organization" for indexed prefix search.
    sort_name = TextField(index=True)
    date_of_birth = DateField(null=True, index=True)
    sex = ChoiceField(SEXES, default="U")  # as a claim says it (M, F, U: unknown)
    street = TextField(default="")
    street2 = TextField(default="")
    city = TextField(default="")
    state = TextField(default="")
    zip_code = TextField(default="")
    phone = TextField(default="", index=True)
    phone_alt = TextField(default="")
    email = TextField(default="", index=True)
    guarantor = ForeignKeyField(Guarantor, null=True, backref="accounts", index=True)
    # Billing profile.
    statement_delivery = ChoiceField(DELIVERY, default="print")
    payment_terms_days = IntegerField(default=30)
    billing_cycle_day = IntegerField(default=1)
    credit_limit = MoneyField(null=True)
    credit_hold = BooleanField(default=False)
    preferred_contact = ChoiceField(CONTACT_PREFS, default="phone")
    status_reason = TextField(default="")
    notes = TextField(default="")
    approved_by = ForeignKeyField(User, null=True, backref="+", index=True)
    approved_at = DateTimeField(null=True)
    # The stack of paper forms it was keyed from (billing.Batch id; a plain id avoids a cycle).
    batch = IntegerField(null=True, index=True)
    # Account numbers the clerk was shown as possible duplicates and saved anyway.
    duplicates_reviewed = TextField(default="")
    # Derived from the ledger in the same transaction as each entry; verified by the ledger check.
    patient_balance = MoneyField(default=0)
    insurance_balance = MoneyField(default=0)
    unapplied_credit = MoneyField(default=0)

    @property
    def display_name(self) -> str:
        return listed(self.last_name, self.first_name, self.middle_name, self.suffix, self.organization,
                      self.kind)

    def __str__(self) -> str:
        return f"{self.number} {self.display_name}"


class Provider(Stamped):
    """A rendering or referring provider: a person (last/first name) or an organization."""

    organization = TextField(default="")
    last_name = TextField(default="")
    first_name = TextField(default="")
    npi = TextField(index=True)
    taxonomy = TextField(default="")
    role = ChoiceField(PROVIDER_ROLES, default="rendering")
    active = BooleanField(default=True)

    @property
    def display_name(self) -> str:
        return self.organization or ", ".join(p for p in (self.last_name, self.first_name) if p)

    def __str__(self) -> str:
        return f"{self.display_name} ({self.npi})"
