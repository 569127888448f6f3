"""Claims: what the office bills each payer, line by line, with every change of status kept."""

from __future__ import annotations

from peewee import DateField, DateTimeField, ForeignKeyField, IntegerField, TextField

from ..choices import CLAIM_FREQUENCIES, CLAIM_MODES, CLAIM_STATUSES, COVERAGE_RANKS
from .base import BaseModel, Stamped
from .billing import Invoice, InvoiceLine
from .coverage import Coverage, Payer
from .fields import ChoiceField, MoneyField
from .people import User


class ClaimBatch(Stamped):
    """Claims that left together: one print run of CMS-1500 forms or one 837P file."""

    kind = ChoiceField(CLAIM_MODES)
    number = IntegerField(unique=True)
    created_by = ForeignKeyField(User, backref="+", index=True)
    file_name = TextField(default="")
    printer = TextField(default="")
    claim_count = IntegerField(default=0)
    total = MoneyField(default=0)


class Claim(BaseModel):
    invoice = ForeignKeyField(Invoice, backref="claims", index=True)
    payer = ForeignKeyField(Payer, backref="+", index=True)
    coverage = ForeignKeyField(Coverage, backref="+", index=True)
    rank = ChoiceField(COVERAGE_RANKS, default="primary")
    status = ChoiceField(CLAIM_STATUSES, default="ready", index=True)
    frequency = ChoiceField(CLAIM_FREQUENCIES, default="1")
    replaces = ForeignKeyField("self", null=True, backref="replaced_by", index=True)
    primary_claim = ForeignKeyField("self", null=True, backref="secondaries", index=True)
    control_number = TextField(unique=True)
    payer_claim_number = TextField(default="")
    submitted_mode = ChoiceField(CLAIM_MODES, null=True)
    batch = ForeignKeyField(ClaimBatch, null=True, backref="claims", index=True)
    hold_reason = TextField(default="")
    total_charge = MoneyField(default=0)
    paid_on = DateField(null=True)  # the primary's payment date, on a secondary claim
    created_by = ForeignKeyField(User, backref="+", index=True)
    created_at = DateTimeField(index=True)
    updated_at = DateTimeField()


class ClaimLine(BaseModel):
    claim = ForeignKeyField(Claim, backref="lines", index=True)
    line = ForeignKeyField(InvoiceLine, backref="claim_lines", index=True)
    charge = MoneyField()
    units = IntegerField(default=1)
    # On a secondary claim: what the primary paid on the line and its adjustments,
    # as "GROUP REASON AMOUNT" one a line (CO 45 20.00).
    other_paid = MoneyField(null=True)
    other_adjustments = TextField(default="")

    class Meta:
        indexes = ((("claim", "line"), True),)


class ClaimEvent(BaseModel):
    """One change of a claim's status: when, who, and why."""

    claim = ForeignKeyField(Claim, backref="events", index=True)
    status = ChoiceField(CLAIM_STATUSES)
    at = DateTimeField(index=True)
    by = ForeignKeyField(User, backref="+", index=True)
    note = TextField(default="")
