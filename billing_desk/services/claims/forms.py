"""A claim as the payer reads it: ``claim_form(claim_id) -> ClaimForm``, built from the books, and
``interchange(...)`` for one 837P file. The CMS-1500 and 837P writers take these and query nothing."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from ...choices import PAYER_PROGRAMS
from ...claim_form import (
    Address,
    Adjustment,
    ClaimForm,
    Interchange,
    OtherAdjudication,
    OtherPayer,
    PayerInfo,
    Person,
    Provider,
    ServiceLine,
    Submitter,
    Subscriber,
)
from ...errors import RuleError
from ...models import Account, Claim, Coverage, InvoiceDiagnosis, Payer, Provider as ProviderRow, User, now
from ..office import audit
from ..office.sequences import next_number
from ..office.transactions import in_transaction
from .claims import claim_lines
from .identity import billing_identity, digits_of
from .payer_order import billed_before, covering, medicare_second_reason

_CITY_STATE_ZIP = re.compile(r"^(?P<before>.*?)[,\s]+(?P<city>[^,\n]+?)[,\s]+(?P<state>[A-Za-z]{2})\s+"
                             r"(?P<zip>[0-9]{5}(?:-?[0-9]{4})?)\s*$", re.S)


def parse_address(text: str) -> Address | None:
    """An address typed as lines or with commas ("PO Box 1, Chicago IL 60680") as its parts;
    None when it has no city, state and ZIP at its end."""
    found = _CITY_STATE_ZIP.match((text or "").strip())
    if not found:
        return None
    parts = [p.strip() for p in re.split(r"[,\n]", found["before"]) if p.strip()]
    if not parts:
        return None
    return Address(street=parts[0], street2=", ".join(parts[1:]), city=found["city"].strip(),
                   state=found["state"].upper(), zip_code=digits_of(found["zip"]))


def _address(street, street2, city, state, zip_code) -> Address:
    return Address(street=(street or "").strip(), street2=(street2 or "").strip(),
                   city=(city or "").strip(), state=(state or "").strip().upper(),
                   zip_code=digits_of(zip_code))


def patient_of(account: Account) -> Person:
    return Person(last_name=account.last_name, first_name=account.first_name,
                  middle_name=(account.middle_name or "").strip(), suffix=(account.suffix or "").strip(),
                  date_of_birth=account.date_of_birth, sex=account.sex,
                  address=_address(account.street, account.street2, account.city, account.state,
                                   account.zip_code), phone=digits_of(account.phone))


def subscriber_of(coverage: Coverage, patient: Person) -> Subscriber:
    """The insured: the patient themself, or the person the coverage names (a child's parent),
    living at the patient's address when none was typed."""
    if coverage.relationship == "self":
        person = patient
    else:
        address = (_address(coverage.subscriber_street, coverage.subscriber_street2,
                            coverage.subscriber_city, coverage.subscriber_state,
                            coverage.subscriber_zip_code)
                   if coverage.subscriber_street.strip() else patient.address)
        person = Person(last_name=coverage.subscriber_last_name, first_name=coverage.subscriber_first_name,
                        date_of_birth=coverage.subscriber_date_of_birth, sex=coverage.subscriber_sex,
                        address=address)
    plan = coverage.plan
    return Subscriber(person=person, member_id=coverage.member_id.strip(),
                      group_number=coverage.group_number.strip(), plan_name=plan.name,
                      relationship=coverage.relationship)


def payer_info(payer: Payer) -> PayerInfo:
    program = PAYER_PROGRAMS[payer.program]
    return PayerInfo(name=payer.name, payer_id=payer.payer_id.strip(), address=parse_address(payer.address),
                     filing_code=program.filing_code, insurance_type=program.box_1)


def billing_provider() -> Provider:
    identity = billing_identity()
    return Provider(npi=identity.npi.strip(), organization=identity.name.strip(),
                    taxonomy=identity.taxonomy.strip().upper(), tax_id=digits_of(identity.tax_id),
                    tax_id_kind=identity.tax_id_kind,
                    address=_address(identity.street, identity.street2, identity.city, identity.state,
                                     identity.zip_code), phone=digits_of(identity.phone))


def provider_of(row: ProviderRow | None) -> Provider | None:
    if row is None:
        return None
    return Provider(npi=row.npi, organization=row.organization, last_name=row.last_name,
                    first_name=row.first_name, taxonomy=row.taxonomy)


def parse_adjustments(text: str) -> tuple[Adjustment, ...]:
    found = []
    for line in (text or "").splitlines():
        parts = line.split()
        if len(parts) == 3:
            found.append(Adjustment(group=parts[0], reason=parts[1], amount=Decimal(parts[2])))
    return tuple(found)


def claim_form(claim_id: int) -> ClaimForm:
    """The claim as the CMS-1500 and the 837P say it, from the books as they are now."""
    claim = Claim.get_by_id(claim_id)
    invoice = claim.invoice
    patient = patient_of(invoice.account)
    diagnoses = tuple(d.code.replace(".", "").upper() for d in InvoiceDiagnosis.select()
                      .where(InvoiceDiagnosis.invoice == invoice.id).order_by(InvoiceDiagnosis.position))
    lines = []
    for number, claim_line in enumerate(claim_lines(claim), start=1):
        line = claim_line.line
        other = None
        if claim.rank == "secondary" and claim_line.other_paid is not None:
            other = OtherAdjudication(paid=claim_line.other_paid,
                                      paid_on=claim.paid_on or invoice.service_date,
                                      adjustments=parse_adjustments(claim_line.other_adjustments))
        lines.append(ServiceLine(
            number=number, service_date=line.service_date, code=line.code, charge=claim_line.charge,
            units=claim_line.units, description=line.description, line_id=line.id, other=other,
            diagnosis_pointers=tuple(int(p) for p in line.diagnosis_pointers.split(",")
                                     if p.strip().isdigit()),
            modifiers=tuple(m.strip().upper() for m in line.modifiers.split(",") if m.strip())))
    return ClaimForm(
        control_number=claim.control_number, rank=claim.rank, frequency=claim.frequency,
        payer=payer_info(claim.payer), subscriber=subscriber_of(claim.coverage, patient), patient=patient,
        billing=billing_provider(), diagnoses=diagnoses, lines=tuple(lines),
        place_of_service=(invoice.place_of_service or "").strip() or "11",
        rendering=provider_of(invoice.rendering_provider), referring=provider_of(invoice.referring_provider),
        original_reference=claim.replaces.payer_claim_number if claim.replaces else "",
        prior_authorization=invoice.prior_authorization.strip(),
        other_payer=_other_payer(claim, patient, lines), patient_account=invoice.account.number,
        signed_on=claim.created_at.date() if claim.created_at else None,
        other_coverage=_other_coverage(claim, patient), insurance_type_code=medicare_second_reason(claim))


def _other_coverage(claim: Claim, patient: Person) -> Subscriber | None:
    """On a primary claim: the patient's secondary plan, if any (CMS-1500 boxes 9-9d, 11d)."""
    if claim.rank != "primary":
        return None
    coverage = covering(claim.invoice.account_id, claim.invoice.service_date, "secondary")
    return subscriber_of(coverage, patient) if coverage is not None else None


def _other_payer(claim: Claim, patient: Person, lines: list[ServiceLine]) -> OtherPayer | None:
    """On a secondary claim: the primary, its subscriber and what it paid (loops 2320/2330)."""
    if claim.rank != "secondary":
        return None
    coverage = billed_before(claim)
    if coverage is None:
        raise RuleError(f"Claim {claim.control_number} is a secondary claim with no primary on file.")
    paid = sum((l.other.paid for l in lines if l.other), Decimal("0.00"))
    return OtherPayer(payer=payer_info(coverage.plan.payer), subscriber=subscriber_of(coverage, patient),
                      rank="primary", paid=paid, paid_on=claim.paid_on or claim.invoice.service_date)


def submitter() -> Submitter:
    identity = billing_identity()
    return Submitter(name=identity.submitter_name or identity.name, sender_id=identity.submitter_id.strip(),
                     contact_name=identity.contact_name or identity.name,
                     contact_phone=digits_of(identity.contact_phone or identity.phone),
                     receiver_name=identity.receiver_name, receiver_id=identity.receiver_id.strip(),
                     production=bool(identity.production))


def interchange(claim_ids: list[int], by: User, *, created: dt.datetime | None = None) -> Interchange:
    """One 837P file's claims with its envelope's control numbers: taken from gap-free sequences
    (so they never repeat) and recorded in the audit trail."""
    forms = tuple(claim_form(i) for i in claim_ids)
    with in_transaction():
        numbers = {name: next_number(f"837_{name}") for name in ("interchange", "group", "transaction")}
        audit.record(by, "837", table="claim", summary=f"837P interchange {numbers['interchange']}: "
                     f"{len(forms)} claims ({', '.join(f.control_number for f in forms)})")
    return Interchange(submitter=submitter(), interchange_number=numbers["interchange"],
                       group_number=numbers["group"], transaction_number=numbers["transaction"],
                       created=created or now(), claims=forms)
