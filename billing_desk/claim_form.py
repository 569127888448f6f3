"""What one insurance claim says, as a plain value: the CMS-1500 on paper (printing/) and the
837P file (exchange/) are two ways of writing the same ``ClaimForm``.

``services.claims`` builds these from the books; the writers never query anything. Money is
``Decimal`` dollars to the cent, dates are ``datetime.date``, codes are as the payer reads them
(ICD-10-CM without its dot, CPT/HCPCS with modifiers apart), names in capitals are not required.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from .choices import MEDICARE_FILING_CODES

SEXES = ("M", "F", "U")  # as 837P DMG03 and CMS-1500 boxes 3 and 11a
RELATIONSHIPS_837 = {"self": "18", "spouse": "01", "child": "19", "other": "G8"}  # SBR02 / PAT01
FREQUENCIES = {"1": "original", "7": "replacement", "8": "void"}  # CLM05-3, CMS-1500 box 22
INSURANCE_TYPES = ("medicare", "medicaid", "tricare", "champva", "group", "feca", "other")  # box 1


@dataclass(frozen=True)
class Address:
    street: str
    city: str
    state: str  # two letters
    zip_code: str  # 5 or 9 digits (a billing provider's must be 9 for the 837P)
    street2: str = ""


@dataclass(frozen=True)
class Person:
    last_name: str
    first_name: str
    date_of_birth: dt.date | None
    sex: str  # one of SEXES
    address: Address
    middle_name: str = ""
    suffix: str = ""
    phone: str = ""  # digits only, area code first


@dataclass(frozen=True)
class Provider:
    """A billing, rendering or referring provider: an organization (``organization`` set) or a
    person (``last_name``/``first_name``)."""

    npi: str  # 10 digits, Luhn-checked on the 80840 prefix
    organization: str = ""
    last_name: str = ""
    first_name: str = ""
    taxonomy: str = ""  # 10 characters, e.g. 207Q00000X
    tax_id: str = ""  # digits only
    tax_id_kind: str = "EIN"  # "EIN" or "SSN"
    address: Address | None = None
    phone: str = ""

    @property
    def is_person(self) -> bool:
        return not self.organization


@dataclass(frozen=True)
class PayerInfo:
    name: str
    payer_id: str  # the electronic payer id; "" for a paper-only payer
    address: Address | None = None  # where paper claims go (the CMS-1500's carrier block)
    filing_code: str = "CI"  # 837P SBR09 claim filing indicator: CI commercial, MB Medicare B, MC Medicaid...
    insurance_type: str = "group"  # CMS-1500 box 1: an INSURANCE_TYPES key


@dataclass(frozen=True)
class Subscriber:
    """The insured: who holds the plan, and the plan as the card shows it."""

    person: Person
    member_id: str
    group_number: str = ""
    plan_name: str = ""
    relationship: str = "self"  # the patient's relationship to the subscriber: a RELATIONSHIPS_837 key


@dataclass(frozen=True)
class Adjustment:
    """A payer's adjustment: group (CO, PR, OA, PI, CR), reason code (CARC) and amount."""

    group: str
    reason: str
    amount: Decimal


@dataclass(frozen=True)
class OtherAdjudication:
    """What the primary did with one line, for the secondary claim (837P loop 2430)."""

    paid: Decimal
    paid_on: dt.date
    adjustments: tuple[Adjustment, ...] = ()
    code: str = ""  # the procedure code as the primary adjudicated it (defaults to the line's)


@dataclass(frozen=True)
class ServiceLine:
    number: int  # 1.. on the claim (LX01, the CMS-1500 line)
    service_date: dt.date
    code: str  # CPT or HCPCS
    charge: Decimal
    units: int
    diagnosis_pointers: tuple[int, ...]  # 1..12 into ClaimForm.diagnoses, the first the main one
    modifiers: tuple[str, ...] = ()
    description: str = ""
    place_of_service: str = ""  # blank: the claim's
    rendering: Provider | None = None  # only when it differs from the claim's rendering provider
    other: OtherAdjudication | None = None  # secondary claims: the primary's adjudication
    line_id: int | None = None  # the invoice line it carries (REF*6R), for matching remittances


@dataclass(frozen=True)
class OtherPayer:
    """The payer billed before this one, on a secondary claim (loops 2320/2330; boxes 9-9d, 11d)."""

    payer: PayerInfo
    subscriber: Subscriber
    rank: str  # "primary"
    paid: Decimal  # the claim's total paid by that payer
    paid_on: dt.date
    adjustments: tuple[Adjustment, ...] = ()  # claim-level ones, if any


@dataclass(frozen=True)
class ClaimForm:
    control_number: str  # the claim's own id (CLM01, the CMS-1500 box 26 account number)
    rank: str  # "primary" or "secondary" (SBR01 P / S)
    frequency: str  # a FREQUENCIES key
    payer: PayerInfo
    subscriber: Subscriber
    patient: Person  # the same person as the subscriber when relationship is "self"
    billing: Provider
    diagnoses: tuple[str, ...]  # up to 12 ICD-10-CM codes, no dot, the first the principal
    lines: tuple[ServiceLine, ...]
    place_of_service: str = "11"  # the claim's (CLM05-1)
    rendering: Provider | None = None
    referring: Provider | None = None
    original_reference: str = ""  # the payer's claim number, for a replacement or a void
    prior_authorization: str = ""
    other_payer: OtherPayer | None = None
    accept_assignment: bool = True
    signature_on_file: bool = True
    patient_account: str = ""  # the office's account number for the patient
    signed_on: dt.date | None = None  # the date the claim was made (box 31)
    # On a primary claim, the patient's other plan when there is one (CMS-1500 boxes 9-9d and
    # 11d YES); a secondary claim says it with ``other_payer`` instead.
    other_coverage: Subscriber | None = None
    # On a claim to Medicare as the second payer, why Medicare pays second (837P 2000B SBR05:
    # 12 working aged, 43 disabled, 15 workers' compensation...); "" otherwise.
    insurance_type_code: str = ""

    @property
    def to_medicare(self) -> bool:
        """The claim goes to Medicare itself (filing code MA or MB)."""
        return self.payer.filing_code in MEDICARE_FILING_CODES

    @property
    def total_charge(self) -> Decimal:
        return sum((line.charge for line in self.lines), Decimal("0.00"))


@dataclass(frozen=True)
class Submitter:
    """Who sends an 837P file and who receives it (Settings): the ISA/GS and loop 1000A/1000B."""

    name: str
    sender_id: str  # ISA06 / GS02 / 1000A NM109, as the clearinghouse assigned it
    contact_name: str
    contact_phone: str  # digits
    receiver_name: str
    receiver_id: str  # ISA08 / GS03 / 1000B NM109
    production: bool = False  # ISA15: P when true, T (test) otherwise


@dataclass(frozen=True)
class Interchange:
    """One 837P file: one payer's claims, with control numbers that never repeat."""

    submitter: Submitter
    interchange_number: int  # ISA13, 1..999999999
    group_number: int  # GS06
    transaction_number: int  # ST02 (and BHT03)
    created: dt.datetime
    claims: tuple[ClaimForm, ...] = field(default_factory=tuple)
