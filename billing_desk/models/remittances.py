"""Insurance money as the bank sees it: one check or EFT, the claims and lines it paid, what is
held unapplied on the payer, what the payer took back (PLB), and claims it names that we cannot
match. The CARC/RARC codes the payer explains itself with, their descriptions editable."""

from __future__ import annotations

from peewee import BooleanField, DateField, DateTimeField, ForeignKeyField, TextField

from ..choices import INSURANCE_MONEY_KINDS, REMIT_CODE_KINDS
from .base import BaseModel
from .billing import InsurancePayment, InvoiceLine, Payment
from .claims import Claim
from .coverage import Payer
from .fields import ChoiceField, MoneyField
from .people import User


class InsuranceMoney(BaseModel):
    """One movement of a check's money off the lines, signed as it counts toward the check:
    held (+, unapplied on the payer, with a reason), applied (-, later put on lines),
    refunded (-), provider (the check's PLB: minus what the payer took back)."""

    insurance_payment = ForeignKeyField(InsurancePayment, backref="money", index=True)
    payer = ForeignKeyField(Payer, backref="+", index=True)
    kind = ChoiceField(INSURANCE_MONEY_KINDS)
    amount = MoneyField()
    reason = TextField(default="")
    code = TextField(default="")  # a PLB reason code (WO, L6, ...)
    reference = TextField(default="")
    entry_date = DateField(index=True)
    created_by = ForeignKeyField(User, backref="+", index=True)
    created_at = DateTimeField()


class RemitLine(BaseModel):
    """What a remittance said about one invoice line, as posted."""

    insurance_payment = ForeignKeyField(InsurancePayment, backref="lines", index=True)
    payment = ForeignKeyField(Payment, null=True, backref="+", index=True)
    claim = ForeignKeyField(Claim, backref="remit_lines", index=True)
    line = ForeignKeyField(InvoiceLine, backref="remit_lines", index=True)
    claim_status = TextField(default="1")  # CLP02
    code = TextField(default="")
    charge = MoneyField(default=0)
    allowed = MoneyField(null=True)
    paid = MoneyField(default=0)
    deductible = MoneyField(default=0)
    coinsurance = MoneyField(default=0)
    copay = MoneyField(default=0)
    adjustments = TextField(default="")  # "GROUP CARC AMOUNT" one a line (CO 45 20.00)
    remarks = TextField(default="")  # RARC codes, comma separated


class UnmatchedClaim(BaseModel):
    """A claim payment of a posted check that matched none of our claims: its money is held
    unapplied on the payer until the clerk matches it to a claim."""

    insurance_payment = ForeignKeyField(InsurancePayment, backref="unmatched", index=True)
    claim_number = TextField(index=True)
    patient_name = TextField(default="")
    member_id = TextField(default="")
    charge = MoneyField(default=0)
    paid = MoneyField(default=0)
    detail = TextField()  # the claim payment as JSON, to post once matched
    matched_claim = ForeignKeyField(Claim, null=True, backref="+", index=True)
    resolved_by = ForeignKeyField(User, null=True, backref="+", index=True)
    resolved_at = DateTimeField(null=True)


class RemitCode(BaseModel):
    """A claim adjustment reason code (CARC) or remittance remark code (RARC)."""

    kind = ChoiceField(REMIT_CODE_KINDS)
    code = TextField()
    description = TextField()
    active = BooleanField(default=True)

    class Meta:
        indexes = ((("kind", "code"), True),)

