"""The sum that proves an insurer's check whole: amount = applied to lines + provider adjustments
(PLB) + held unapplied on the payer + refunded. Read by the posting (insurance_money, remittances)
and by the ledger check; it imports neither, so the ledger check may read it."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from peewee import fn

from ...models import InsuranceMoney, InsurancePayment, Payment
from ...models.base import prepared
from ...money import ZERO, from_cents


def unapplied(check_id: int) -> Decimal:
    """What of a check is held unapplied on its payer now."""
    kinds = ("held", "applied", "refunded")
    rows = prepared("what of a check is unapplied", lambda: (
        InsuranceMoney.select(fn.SUM(InsuranceMoney.amount))
        .where(InsuranceMoney.insurance_payment == check_id, InsuranceMoney.kind.in_(kinds)).tuples()),
        [(InsuranceMoney.insurance_payment, check_id)] + [(InsuranceMoney.kind, k) for k in kinds])
    return from_cents(rows[0][0] or 0)


@dataclass(frozen=True)
class CheckSums:
    amount: Decimal
    applied: Decimal  # on lines: the accounts' parts
    provider: Decimal  # PLB: minus what the payer took back, plus interest it added
    unapplied: Decimal
    refunded: Decimal

    @property
    def accounted(self) -> Decimal:
        return self.applied + self.provider + self.unapplied + self.refunded


def check_sums(check_id: int) -> CheckSums:
    check = InsurancePayment.get_by_id(check_id)
    applied = prepared("what a check applied", lambda: Payment.select(fn.SUM(Payment.amount)).where(
        Payment.insurance_payment == check_id, Payment.status == "posted").tuples(),
        [(Payment.insurance_payment, check_id), (Payment.status, "posted")])[0][0]
    kinds = dict(prepared("a check's money by kind", lambda: InsuranceMoney.select(
        InsuranceMoney.kind, fn.SUM(InsuranceMoney.amount))
        .where(InsuranceMoney.insurance_payment == check_id)
        .group_by(InsuranceMoney.kind).tuples(), [(InsuranceMoney.insurance_payment, check_id)]))
    cents = {k: from_cents(v or 0) for k, v in kinds.items()}
    return CheckSums(check.amount, from_cents(applied or 0), cents.get("provider", ZERO),
                     unapplied(check_id), -cents.get("refunded", ZERO))
