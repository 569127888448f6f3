"""Claims: what the office bills each payer, line by line, with every change of status kept."""

from __future__ import annotations

from peewee import DateField, DateTimeField, ForeignKeyField, IntegerField, TextField

from ..choices import (
    CALL_DIRECTIONS,
    CALL_TOPICS,
    CLAIM_FREQUENCIES,
    CLAIM_MODES,
    CLAIM_STATUSES,
    COVERAGE_RANKS,
)
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
    follow_up_on = DateField(null=True)  # when to chase it next (a call's or an appeal's date)
    appealed_on = DateField(null=True)  # the last appeal of its denial
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


class PayerCall(BaseModel):
    """One call with a payer about a claim, a coverage or the payer itself: who called whom, the
    payer's representative and reference number, what was asked and answered, when to follow up.
    A coverage verification before a visit is a call of topic "verification" on the coverage."""

    payer = ForeignKeyField(Payer, backref="+", index=True)
    claim = ForeignKeyField(Claim, null=True, backref="calls", index=True)
    coverage = ForeignKeyField(Coverage, null=True, backref="+", index=True)
    called_on = DateField(index=True)
    direction = ChoiceField(CALL_DIRECTIONS, default="outgoing")
    representative = TextField(default="")
    reference = TextField(default="")
    topic = ChoiceField(CALL_TOPICS, default="claim_status")
    code = TextField(default="")  # the procedure code asked about, if any
    question = TextField(default="")
    answer = TextField(default="")
    follow_up_on = DateField(null=True)
    by = ForeignKeyField(User, backref="+", index=True)
    created_at = DateTimeField()
