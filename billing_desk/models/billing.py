"""Invoices, payments, adjustments, and the ledger that every balance is derived from."""

from __future__ import annotations

from peewee import DateField, DateTimeField, ForeignKeyField, IntegerField, TextField

from ..choices import (
    ADJUSTMENT_KINDS,
    INVOICE_STATUSES,
    LEDGER_KINDS,
    PARTIES,
    PAYMENT_METHODS,
    PAYMENT_SOURCES,
)
from .base import BaseModel, Stamped
from .catalogue import CatalogueItem, ReasonCode
from .coverage import Payer
from .fields import ChoiceField, MoneyField
from .people import Account, Provider, User


class Batch(Stamped):
    """A stack of paper the clerk keys in one sitting: the count and total keyed as control."""

    kind = ChoiceField(("invoices", "payments", "accounts", "orders"))
    expected_count = IntegerField(null=True)
    expected_total = MoneyField(null=True)
    note = TextField(default="")
    created_by = ForeignKeyField(User, backref="+", index=True)
    closed_at = DateTimeField(null=True)


class Invoice(Stamped):
    derived = ("patient_balance", "insurance_balance")

    number = IntegerField(null=True, unique=True)  # given when posted, without gaps
    account = ForeignKeyField(Account, backref="invoices", index=True)
    status = ChoiceField(INVOICE_STATUSES, default="draft", index=True)
    service_date = DateField(index=True)
    due_date = DateField(null=True, index=True)
    posted_on = DateField(null=True, index=True)  # the entry date of the posting
    payer = ForeignKeyField(Payer, null=True, backref="+", index=True)  # the primary payer billed
    provider = TextField(default="")
    rendering_provider = ForeignKeyField(Provider, null=True, backref="+", index=True)
    referring_provider = ForeignKeyField(Provider, null=True, backref="+", index=True)
    prior_authorization = TextField(default="")
    place_of_service = TextField(default="")
    notes = TextField(default="")
    batch = ForeignKeyField(Batch, null=True, backref="invoices", index=True)
    order = IntegerField(null=True, index=True)  # the order form it came from, if any
    created_by = ForeignKeyField(User, backref="+", index=True)
    posted_by = ForeignKeyField(User, null=True, backref="+", index=True)
    void_reason = TextField(default="")
    voided_by = ForeignKeyField(User, null=True, backref="+", index=True)
    voided_on = DateField(null=True)
    total = MoneyField(default=0)
    # Open-item balances, kept in step with the ledger.
    patient_balance = MoneyField(default=0)
    insurance_balance = MoneyField(default=0)

    class Meta:
        indexes = ((("account", "service_date"), False),)

    @property
    def balance(self):
        return self.patient_balance + self.insurance_balance


class InvoiceDiagnosis(BaseModel):
    invoice = ForeignKeyField(Invoice, backref="diagnoses", index=True, on_delete="CASCADE")
    position = IntegerField()  # 1..12, as on a CMS-1500 (A..L)
    code = TextField()

    class Meta:
        indexes = ((("invoice", "position"), True),)


class InvoiceLine(BaseModel):
    derived = ("patient_balance", "insurance_balance")

    invoice = ForeignKeyField(Invoice, backref="lines", index=True, on_delete="CASCADE")
    position = IntegerField()
    item = ForeignKeyField(CatalogueItem, backref="+", index=True)
    code = TextField(index=True)
    description = TextField()
    service_date = DateField()
    quantity = IntegerField(default=1)
    unit_price = MoneyField()
    amount = MoneyField()
    unit_cost = MoneyField(default=0)
    modifiers = TextField(default="")  # "25,59"
    diagnosis_pointers = TextField(default="")  # "1,2"
    estimated_insurance = MoneyField(default=0)
    estimated_patient = MoneyField(default=0)
    patient_balance = MoneyField(default=0)
    insurance_balance = MoneyField(default=0)

    class Meta:
        indexes = ((("invoice", "position"), True),)

    @property
    def balance(self):
        return self.patient_balance + self.insurance_balance


class InsurancePayment(Stamped):
    """One check or EFT from a payer. ``amount`` = what its parts applied to lines (Payment rows
    pointing here) + provider adjustments + money held unapplied + money refunded."""

    payer = ForeignKeyField(Payer, backref="+", index=True)
    payer_ref = TextField(default="")  # the payer id the 835 named (N1*PR REF*2U), for TRN checks
    method = TextField(default="check")  # check, eft, none
    reference = TextField(index=True)  # check number or EFT trace number (TRN02)
    amount = MoneyField()
    received_on = DateField(index=True)
    entered_on = DateField(index=True)
    source = TextField(default="paper")  # paper, 835, or payment (choices.CHECK_MADE_FOR_A_PAYMENT)
    fingerprint = TextField(null=True, unique=True)  # file_fingerprint of the 835 remittance
    created_by = ForeignKeyField(User, backref="+", index=True)


class Payment(Stamped):
    account = ForeignKeyField(Account, backref="payments", index=True)
    source = ChoiceField(PAYMENT_SOURCES, default="patient")
    payer = ForeignKeyField(Payer, null=True, backref="+", index=True)
    method = ChoiceField(PAYMENT_METHODS, default="cash")
    reference = TextField(default="", index=True)
    amount = MoneyField()
    received_on = DateField(index=True)  # the posting date
    entered_on = DateField(index=True)  # the entry date
    status = ChoiceField(("posted", "void"), default="posted")
    void_reason = TextField(default="")
    note = TextField(default="")
    batch = ForeignKeyField(Batch, null=True, backref="payments", index=True)
    created_by = ForeignKeyField(User, backref="+", index=True)
    # An insurer's part of one check or EFT: the claims of this account it paid.
    insurance_payment = ForeignKeyField(InsurancePayment, null=True, backref="parts", index=True)


class PaymentAllocation(BaseModel):
    payment = ForeignKeyField(Payment, backref="allocations", index=True)
    line = ForeignKeyField(InvoiceLine, backref="allocations", index=True)
    party = ChoiceField(PARTIES)
    amount = MoneyField()


class Adjustment(Stamped):
    account = ForeignKeyField(Account, backref="adjustments", index=True)
    line = ForeignKeyField(InvoiceLine, null=True, backref="adjustments", index=True)
    payment = ForeignKeyField(Payment, null=True, backref="adjustments", index=True)
    kind = ChoiceField(ADJUSTMENT_KINDS)
    reason_code = ForeignKeyField(ReasonCode, null=True, backref="+", index=True)
    reason = TextField()
    party = ChoiceField(PARTIES, default="patient")
    amount = MoneyField()  # positive: reduces what is owed (a late fee or refund adds to it)
    adjusted_on = DateField(index=True)
    entered_on = DateField(index=True)
    created_by = ForeignKeyField(User, backref="+", index=True)
    approved_by = ForeignKeyField(User, null=True, backref="+", index=True)
    # From a remittance: the group (CO, PR, OA, PI), the CARC and the RARC remarks it gave.
    group_code = TextField(default="")
    carc = TextField(default="")
    remarks = TextField(default="")


class LedgerEntry(BaseModel):
    """One movement of money on an account: the single source of every balance.

    ``amount`` is signed: positive adds to what the account owes (a charge, a refund, a late fee),
    negative takes from it (a payment, an allowance). An entry with no line is unapplied credit.
    """

    account = ForeignKeyField(Account, backref="ledger", index=True)
    invoice = ForeignKeyField(Invoice, null=True, backref="ledger", index=True)
    line = ForeignKeyField(InvoiceLine, null=True, backref="ledger", index=True)
    kind = ChoiceField(LEDGER_KINDS, index=True)
    party = ChoiceField(PARTIES)
    payer = ForeignKeyField(Payer, null=True, backref="+", index=True)
    amount = MoneyField()
    entry_date = DateField(index=True)  # when it was keyed: the day sheet and as-of dates
    posting_date = DateField(index=True)  # the service or received date it stands for
    payment = ForeignKeyField(Payment, null=True, backref="ledger", index=True)
    adjustment = ForeignKeyField(Adjustment, null=True, backref="ledger", index=True)
    reverses = ForeignKeyField("self", null=True, backref="reversed_by", index=True)
    memo = TextField(default="")
    created_by = ForeignKeyField(User, backref="+", index=True)
    created_at = DateTimeField()

    class Meta:
        indexes = ((("account", "entry_date"), False),)
