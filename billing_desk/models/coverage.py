"""Payers, their plans, what a plan covers, and each account's coverages."""

from __future__ import annotations

from peewee import BooleanField, DateField, ForeignKeyField, IntegerField, TextField

from ..choices import (
    CLAIM_MODES,
    COVERAGE_RANKS,
    COVERAGE_RULES,
    DEFAULT_PAYER_PROGRAM,
    PAYER_PROGRAMS,
    RELATIONSHIPS,
    SEXES,
)
from .base import BaseModel, Stamped
from .catalogue import CatalogueItem
from .fields import ChoiceField, MoneyField, PercentField
from .people import Account


class Payer(Stamped):
    """An insurance company as its claims go out: where, how, and by when."""

    name = TextField(unique=True)
    payer_id = TextField(default="")  # the electronic payer id (837P loop 2010BB NM109)
    phone = TextField(default="")
    address = TextField(default="")  # the claims mailing address (CMS-1500 carrier block)
    fax = TextField(default="")
    portal = TextField(default="")  # the provider portal's web address
    timely_filing_days = IntegerField(null=True)  # days from the date of service; None: not known
    follow_up_days = IntegerField(default=30)  # days without an answer before a claim is chased
    claim_mode = ChoiceField(CLAIM_MODES, default="electronic")
    # Medicare, Medicaid, commercial...: the claims' filing code (837P SBR09) and CMS-1500 box 1.
    program = ChoiceField(tuple(PAYER_PROGRAMS), default=DEFAULT_PAYER_PROGRAM)
    member_id_pattern = TextField(default="")  # a regular expression, when the payer has one
    notes = TextField(default="")
    active = BooleanField(default=True)

    def __str__(self) -> str:
        return self.name


class Plan(Stamped):
    payer = ForeignKeyField(Payer, backref="plans", index=True)
    name = TextField()
    copay = MoneyField(default=0)
    deductible = MoneyField(default=0)
    coinsurance = PercentField(default=0)  # the patient's share, in percent
    out_of_pocket_max = MoneyField(null=True)
    covers_unlisted = BooleanField(default=True)
    active = BooleanField(default=True)

    class Meta:
        indexes = ((("payer", "name"), True),)

    def __str__(self) -> str:
        return f"{self.payer.name} {self.name}"


class PlanRule(BaseModel):
    """Whether a plan covers one catalogue code."""

    plan = ForeignKeyField(Plan, backref="rules", index=True)
    item = ForeignKeyField(CatalogueItem, backref="+", index=True)
    rule = ChoiceField(COVERAGE_RULES, default="covered")

    class Meta:
        indexes = ((("plan", "item"), True),)


class PlanCopay(BaseModel):
    """A copay for one category of codes where the plan's terms differ (an office visit: $25,
    no deductible). Lines of other categories use the plan's own copay and deductible."""

    plan = ForeignKeyField(Plan, backref="category_copays", index=True)
    category = TextField()
    copay = MoneyField(default=0)
    deductible_applies = BooleanField(default=False)

    class Meta:
        indexes = ((("plan", "category"), True),)


class FeeSchedule(BaseModel):
    """The allowed amount a payer pays for one code."""

    payer = ForeignKeyField(Payer, backref="fees", index=True)
    item = ForeignKeyField(CatalogueItem, backref="fees", index=True)
    allowed = MoneyField()

    class Meta:
        indexes = ((("payer", "item"), True),)


class Coverage(Stamped):
    account = ForeignKeyField(Account, backref="coverages", index=True)
    plan = ForeignKeyField(Plan, backref="coverages", index=True)
    rank = ChoiceField(COVERAGE_RANKS, default="primary")
    member_id = TextField(index=True)
    group_number = TextField(default="")
    subscriber_name = TextField(default="")  # kept as typed; the parts below are what claims use
    relationship = ChoiceField(RELATIONSHIPS, default="self")
    # The subscriber when it is not the patient (a child on a parent's plan).
    subscriber_first_name = TextField(default="")
    subscriber_last_name = TextField(default="")
    subscriber_date_of_birth = DateField(null=True)
    subscriber_sex = ChoiceField(SEXES, default="U")
    subscriber_street = TextField(default="")
    subscriber_street2 = TextField(default="")
    subscriber_city = TextField(default="")
    subscriber_state = TextField(default="")
    subscriber_zip_code = TextField(default="")
    start_date = DateField(null=True)
    end_date = DateField(null=True)
    # On a Medicare coverage: the day the patient's 30-month end-stage renal disease coordination
    # period began (Medicare pays second to a group health plan until it ends; 837P SBR05 13).
    esrd_started_on = DateField(null=True)
    deductible_met = MoneyField(default=0)
    out_of_pocket_met = MoneyField(default=0)
    active = BooleanField(default=True)
