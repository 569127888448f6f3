"""peewee tables, the database connection, schema versions and migrations."""

from .base import BaseModel, database, now
from .billing import (
                      Adjustment,
                      Batch,
                      InsurancePayment,
                      Invoice,
                      InvoiceDiagnosis,
                      InvoiceLine,
                      LedgerEntry,
                      Payment,
                      PaymentAllocation,
)
from .catalogue import CatalogueItem, Modifier, ReasonCode
from .claims import Claim, ClaimBatch, ClaimEvent, ClaimLine, PayerCall
from .coverage import Coverage, FeeSchedule, Payer, Plan, PlanCopay, PlanRule
from .orders import Fulfilment, Order, OrderLine, OrderLineInvoice
from .people import Account, Guarantor, Provider, User
from .remittances import InsuranceMoney, RemitCode, RemitLine, UnmatchedClaim
from .system import AuditEntry, Sequence, Setting
from .work import (
                      AccountCollection,
                      Case,
                      CaseNote,
                      CollectionStage,
                      ContactLog,
                      Letter,
                      PaymentPlan,
                      PlanInstallment,
                      Promise,
)

ALL_MODELS: list[type[BaseModel]] = [
    User, Guarantor, Account, CatalogueItem, Modifier, ReasonCode, Payer, Plan, PlanRule,
    PlanCopay, FeeSchedule, Coverage, Batch, Invoice, InvoiceDiagnosis, InvoiceLine, Payment,
    PaymentAllocation, Adjustment, LedgerEntry, Order, OrderLine, Fulfilment, OrderLineInvoice,
    CollectionStage, AccountCollection, ContactLog, Letter, Promise, PaymentPlan,
    PlanInstallment, Case, CaseNote, AuditEntry, Sequence, Setting, Provider, ClaimBatch, Claim,
    ClaimLine, ClaimEvent, InsurancePayment, InsuranceMoney, RemitLine, UnmatchedClaim, RemitCode,
    PayerCall,
]

__all__ = [m.__name__ for m in ALL_MODELS] + ["ALL_MODELS", "BaseModel", "database", "now"]
