"""Collections (stages, contacts, promises, plans) and cases on accounts."""

from __future__ import annotations

from peewee import BlobField, BooleanField, DateField, DateTimeField, ForeignKeyField, IntegerField, TextField

from ..choices import CASE_KINDS, CASE_STATUSES, CONTACT_KINDS
from .base import BaseModel, Stamped
from .fields import ChoiceField, MoneyField
from .people import Account, User


class CollectionStage(BaseModel):
    """One rung of the office's dunning ladder."""

    position = IntegerField(unique=True)
    name = TextField()
    days_past_due = IntegerField()
    letter_template = TextField(default="")
    action = ChoiceField(("letter", "agency"), default="letter")


class AccountCollection(BaseModel):
    """Where one account stands in collections."""

    account = ForeignKeyField(Account, unique=True, backref="+")
    stage = ForeignKeyField(CollectionStage, null=True, backref="+", index=True)
    stage_since = DateField(null=True)
    held_by = ForeignKeyField(User, null=True, backref="+", index=True)
    next_follow_up = DateField(null=True, index=True)
    hold = ChoiceField(("", "dispute", "hold", "insurance"), default="")
    hold_reason = TextField(default="")
    agency = TextField(default="")
    handed_off_on = DateField(null=True)
    written_off_on = DateField(null=True)
    # Kept by services/collections.py so the worklist sorts and filters in SQL.
    last_contact_on = DateField(null=True, index=True)
    promise_due = DateField(null=True, index=True)
    flag = TextField(default="")  # "broken promise", "plan installment missed"
    late_fee_on = DateField(null=True)


class ContactLog(Stamped):
    account = ForeignKeyField(Account, backref="contacts", index=True)
    kind = ChoiceField(CONTACT_KINDS)
    outcome = TextField(default="")
    note = TextField(default="")
    by = ForeignKeyField(User, backref="+", index=True)
    contacted_on = DateField(null=True, index=True)


class Letter(Stamped):
    account = ForeignKeyField(Account, backref="letters", index=True)
    kind = TextField()  # "statement", a stage's name...
    sent_on = DateField(index=True)
    pdf = BlobField(null=True)
    by = ForeignKeyField(User, backref="+", index=True)


class Promise(Stamped):
    account = ForeignKeyField(Account, backref="promises", index=True)
    amount = MoneyField()
    due_date = DateField(index=True)
    status = ChoiceField(("open", "kept", "broken"), default="open", index=True)
    by = ForeignKeyField(User, backref="+", index=True)
    made_on = DateField(null=True)
    resolved_on = DateField(null=True)


class PaymentPlan(Stamped):
    account = ForeignKeyField(Account, backref="payment_plans", index=True)
    total = MoneyField()
    installments = IntegerField()
    first_due = DateField()
    every_days = IntegerField(default=30)
    status = ChoiceField(("active", "completed", "defaulted", "cancelled"), default="active", index=True)
    by = ForeignKeyField(User, backref="+", index=True)
    made_on = DateField(null=True)
    agreement = BlobField(null=True)  # the printed agreement (PDF)


class PlanInstallment(BaseModel):
    plan = ForeignKeyField(PaymentPlan, backref="schedule", index=True)
    due_date = DateField(index=True)
    amount = MoneyField()
    paid = MoneyField(default=0)


class Case(Stamped):
    account = ForeignKeyField(Account, backref="cases", index=True)
    kind = ChoiceField(CASE_KINDS, default="query")
    subject = TextField()
    status = ChoiceField(CASE_STATUSES, default="open", index=True)
    held_by = ForeignKeyField(User, null=True, backref="+", index=True)
    opened_by = ForeignKeyField(User, backref="+", index=True)
    from_collections = BooleanField(default=False)
    resolution = TextField(default="")
    resolved_at = DateTimeField(null=True)


class CaseNote(Stamped):
    case = ForeignKeyField(Case, backref="notes", index=True)
    by = ForeignKeyField(User, backref="+", index=True)
    text = TextField()
