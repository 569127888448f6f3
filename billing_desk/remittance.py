"""What an insurer's remittance says, as a plain value: a paper EOB keyed by the clerk and an
835 file read by exchange/x12_835.py both become a ``Remittance``, and one service posts it.

Money is ``Decimal`` dollars to the cent (a reversal's amounts are negative, as the 835 sends
them); dates are ``datetime.date``. Adjustment groups are CO (contractual), PR (patient
responsibility), OA (other), PI (payer initiated), CR (correction); reasons are CARC codes and
remarks RARC codes, as the payer sent them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

ZERO = Decimal("0.00")
# CLP02, the claim status the payer reports: 1 primary, 2 secondary, 3 tertiary (processed as),
# 4 denied, 19/20/21 processed as primary/secondary/tertiary forwarded, 22 reversal of a previous
# payment, 23 not our claim (forwarded).
CLAIM_STATUSES = {"1": "processed as primary", "2": "processed as secondary",
                  "3": "processed as tertiary", "4": "denied",
                  "19": "processed as primary, forwarded", "20": "processed as secondary, forwarded",
                  "21": "processed as tertiary, forwarded", "22": "reversal of a previous payment",
                  "23": "not our claim, forwarded"}
# Patient responsibility by reason: CARC 1 deductible, 2 coinsurance, 3 copay.
PATIENT_SHARE_REASONS = {"1": "deductible", "2": "coinsurance", "3": "copay"}


@dataclass(frozen=True)
class RemittanceAdjustment:
    group: str  # CO, PR, OA, PI, CR
    reason: str  # the CARC code, e.g. "45", "1", "2", "3", "50"
    amount: Decimal  # positive: taken off what the payer pays


@dataclass(frozen=True)
class RemittanceLine:
    """One service line as paid (SVC with its DTM, CAS, AMT*B6 and LQ)."""

    code: str  # the procedure code as adjudicated
    charge: Decimal
    paid: Decimal
    units: int = 1
    modifiers: tuple[str, ...] = ()
    service_date: dt.date | None = None
    allowed: Decimal | None = None  # AMT*B6 when sent
    adjustments: tuple[RemittanceAdjustment, ...] = ()
    remarks: tuple[str, ...] = ()  # RARC codes (LQ*HE)
    line_reference: str = ""  # REF*6R: the line id the 837 sent, when the payer returns it

    def patient_share(self) -> dict[str, Decimal]:
        """PR adjustments by kind: deductible, coinsurance, copay, other."""
        out: dict[str, Decimal] = {}
        for adj in self.adjustments:
            if adj.group == "PR":
                kind = PATIENT_SHARE_REASONS.get(adj.reason, "other")
                out[kind] = out.get(kind, ZERO) + adj.amount
        return out


@dataclass(frozen=True)
class ClaimPayment:
    """One claim as the payer settled it (CLP and what follows it)."""

    claim_number: str  # CLP01: the control number our 837 sent (CLM01)
    status: str  # a CLAIM_STATUSES key
    charge: Decimal
    paid: Decimal
    patient_responsibility: Decimal = ZERO
    payer_claim_number: str = ""  # CLP07, the payer's own number (for a replacement's REF*F8)
    patient_name: str = ""
    member_id: str = ""
    lines: tuple[RemittanceLine, ...] = ()
    adjustments: tuple[RemittanceAdjustment, ...] = ()  # claim-level CAS
    remarks: tuple[str, ...] = ()  # claim-level MOA/MIA remark codes

    @property
    def is_reversal(self) -> bool:
        return self.status == "22"

    @property
    def is_denial(self) -> bool:
        return self.status == "4"


@dataclass(frozen=True)
class ProviderAdjustment:
    """A provider-level adjustment (PLB): money the payer takes back or adds, not tied to a claim.
    Positive ``amount`` reduces the check, as in the 835."""

    reason: str  # e.g. WO (overpayment recovery), L6 (interest), FB (forwarding balance)
    reference: str
    amount: Decimal


@dataclass(frozen=True)
class Remittance:
    """One check or EFT and everything it pays: the bank's deposit and the ledger's postings."""

    payer_name: str
    payer_id: str
    method: str  # "check", "eft" (BPR04 CHK / ACH) or "none" (BPR04 NON: nothing paid)
    reference: str  # TRN02: the check or EFT trace number
    amount: Decimal  # BPR02: what the bank receives
    paid_on: dt.date  # BPR16
    claims: tuple[ClaimPayment, ...] = ()
    provider_adjustments: tuple[ProviderAdjustment, ...] = ()
    payee_npi: str = ""
    source: str = "paper"  # "paper" (keyed) or "835"
    interchange: str = field(default="", compare=False)  # ISA13 of the 835 it came from

    def balance_problem(self) -> str | None:
        """None when the check equals the claim payments less the provider adjustments."""
        claims = sum((c.paid for c in self.claims), ZERO)
        plb = sum((p.amount for p in self.provider_adjustments), ZERO)
        if claims - plb != self.amount:
            return (f"the payment of {self.amount} does not equal the claim payments {claims} "
                    f"less the provider adjustments {plb}")
        return None
