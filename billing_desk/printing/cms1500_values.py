"""What a ``ClaimForm`` prints in each field of the CMS-1500 (02/12), one form at a time.

``forms(claim)`` splits a claim into forms of up to six service lines; ``form_values`` gives a
form's text by field name (``cms1500_layout.FIELDS``), written as the NUCC manual asks: capitals,
no periods or ``#`` (names keep their commas: LAST, FIRST, M), dates as ``MM DD YYYY`` (boxes 3 and
11a) or ``MM DD YY`` (24A), amounts without ``$`` or commas and a space where the form prints its
dollars/cents line, the 9-digit ZIP with its hyphen, phone digits without separators.

A claim of more than six lines goes on continuation forms: every form repeats the patient,
insured and provider boxes; box 28 of the earlier forms reads ``CONTINUED`` and the last one
carries the claim's total (and box 29 what the other payer paid); box 19 says "PAGE 1 OF 2".

Box 1 is the payer's program. A claim to Medicare follows Medicare's own instructions for boxes
4-11: box 11 NONE when Medicare pays first, or the insurance primary to Medicare in 4, 6, 7 and
11-11c when it pays second.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from ..claim_form import Address, ClaimForm, Person, Provider, ServiceLine, Subscriber
from ..latin import fold
from .cms1500_layout import BOX1, FIELD, SERVICE_LINES


@dataclass(frozen=True)
class Form:
    """One printed form of a claim: its lines and where it stands among the claim's forms."""

    claim: ClaimForm
    lines: tuple[ServiceLine, ...]
    number: int
    count: int

    @property
    def is_last(self) -> bool:
        return self.number == self.count


def forms(claim: ClaimForm) -> list[Form]:
    """The claim's forms: six service lines each (a claim with no lines still gets one form)."""
    chunks = [claim.lines[i:i + SERVICE_LINES] for i in range(0, len(claim.lines), SERVICE_LINES)]
    chunks = chunks or [()]
    return [Form(claim, chunk, n, len(chunks)) for n, chunk in enumerate(chunks, start=1)]


_DROP = re.compile(r"[.#]")


def clean(text: str) -> str:
    """Capitals in plain ASCII (accents dropped, Ł Ø Đ ß spelled: ``latin.fold``), no periods or
    #, single spaces."""
    plain = fold(text).encode("ascii", "ignore").decode("ascii")
    return " ".join(_DROP.sub("", plain).upper().split())


def amount(value: Decimal, width: int) -> str:
    """``150.00`` as ``  150 00`` in ``width`` characters: the form prints the decimal line."""
    return f"{value.quantize(Decimal('0.01')):{width}.2f}".replace(".", " ")


def long_date(day: dt.date | None) -> str:
    return day.strftime("%m %d %Y") if day else ""


def short_date(day: dt.date | None) -> str:
    return day.strftime("%m %d %y") if day else ""


def person_name(last: str, first: str, middle: str = "", suffix: str = "") -> str:
    """LAST SUFFIX, FIRST, M (the middle initial only)."""
    name = f"{last} {suffix}".strip() + f", {first}"
    return name + (f", {middle[:1]}" if middle else "")


def _name(person: Person) -> str:
    return person_name(person.last_name, person.first_name, person.middle_name, person.suffix)


def provider_name(provider: Provider) -> str:
    if provider.organization:
        return provider.organization
    return person_name(provider.last_name, provider.first_name)


#: The Postal Service's short forms (Publication 28), used only when a street and its suite do not
#: fit their box: "1200 LAKESHORE DRIVE SUITE 210-B" keeps its suite as "1200 LAKESHORE DR STE 210-B".
_SHORT = {"SUITE": "STE", "APARTMENT": "APT", "BUILDING": "BLDG", "FLOOR": "FL", "ROOM": "RM",
          "DEPARTMENT": "DEPT", "UNIT": "UNIT", "STREET": "ST", "AVENUE": "AVE", "DRIVE": "DR",
          "BOULEVARD": "BLVD", "ROAD": "RD", "LANE": "LN", "COURT": "CT", "PLACE": "PL",
          "PARKWAY": "PKWY", "HIGHWAY": "HWY", "CIRCLE": "CIR", "TERRACE": "TER", "NORTH": "N",
          "SOUTH": "S", "EAST": "E", "WEST": "W", "NORTHEAST": "NE", "NORTHWEST": "NW",
          "SOUTHEAST": "SE", "SOUTHWEST": "SW"}


def _street(address: Address, width: int) -> str:
    """The street and the suite on the box's one line of ``width``: as typed when they fit, else
    in the Postal Service's short forms; still too long, the street loses its last words, never the suite."""
    street, suite = clean(address.street), clean(address.street2)
    if len(f"{street} {suite}".strip()) > width:
        street, suite = (" ".join(_SHORT.get(word, word) for word in part.split())
                         for part in (street, suite))
    room = width - len(suite) - 1
    if suite and len(street) > room:  # whole words of the street, its number first
        words = street.split()
        while len(words) > 1 and len(" ".join(words)) > room:
            words.pop()
        street = " ".join(words)[:max(0, room)]
    return f"{street} {suite}".strip()


def zip_code(code: str) -> str:
    digits = "".join(c for c in code if c.isdigit())
    return f"{digits[:5]}-{digits[5:]}" if len(digits) == 9 else code


def _address(prefix: str, address: Address | None, phone: str = "") -> dict[str, str]:
    if address is None:
        return {}
    digits = "".join(c for c in phone if c.isdigit())
    return {f"{prefix}_street": _street(address, FIELD[f"{prefix}_street"].width),
            f"{prefix}_city": address.city,
            f"{prefix}_state": address.state, f"{prefix}_zip": zip_code(address.zip_code),
            f"{prefix}_area": digits[:3] if len(digits) == 10 else "",
            f"{prefix}_phone": digits[3:] if len(digits) == 10 else digits}


def city_line(address: Address) -> str:
    return f"{address.city} {address.state} {zip_code(address.zip_code)}"


def _yes_no(prefix: str, yes: bool) -> dict[str, str]:
    return {f"{prefix}_{'yes' if yes else 'no'}": "X"}


def _sex(prefix: str, sex: str) -> dict[str, str]:
    return {f"{prefix}_m": "X"} if sex == "M" else {f"{prefix}_f": "X"} if sex == "F" else {}


def _top(claim: ClaimForm) -> dict[str, str]:
    """The carrier block and boxes 1-11: the payer, the patient and the insured."""
    payer, patient = claim.payer, claim.patient
    kind = payer.insurance_type if f"type_{payer.insurance_type}" in BOX1 else "other"
    values = {"payer_name": payer.name, f"type_{kind}": "X", "insured_id": claim.subscriber.member_id,
              "patient_name": _name(patient), "patient_dob": long_date(patient.date_of_birth),
              "employment_no": "X", "auto_no": "X", "other_accident_no": "X"}
    if payer.address is not None:
        values |= {"payer_street": payer.address.street, "payer_street2": payer.address.street2,
                   "payer_city": city_line(payer.address)}
    values |= _sex("patient_sex", patient.sex) | _address("patient", patient.address, patient.phone)
    return values | (_medicare_insured(claim) if claim.to_medicare else _insured_and_other(claim))


def _insured(sub: Subscriber, payer_name: str, policy: str) -> dict[str, str]:
    """Boxes 4, 6, 7 and 11-11c: one insured, the relationship, and the plan."""
    relationship = sub.relationship if sub.relationship in ("self", "spouse", "child") else "other"
    return ({"insured_name": _name(sub.person), "group_number": policy,
             "insured_dob": long_date(sub.person.date_of_birth), "plan_name": sub.plan_name or payer_name,
             f"rel_{relationship}": "X"}
            | _sex("insured_sex", sub.person.sex) | _address("insured", sub.person.address, sub.person.phone))


def _insured_and_other(claim: ClaimForm) -> dict[str, str]:
    """As the NUCC asks: the insured of the plan billed (4-7, 11-11c), the other plan in 9-9d
    (on a secondary claim the payer that paid first) and 11d."""
    values = _insured(claim.subscriber, claim.payer.name, claim.subscriber.group_number)
    other = claim.other_payer
    insured = other.subscriber if other is not None else claim.other_coverage
    values |= _yes_no("another_plan", insured is not None)
    if insured is not None:
        plan = insured.plan_name or (other.payer.name if other is not None else "")
        values |= {"other_name": _name(insured.person),
                   "other_policy": insured.member_id or insured.group_number, "other_plan": plan}
    return values


def _medicare_insured(claim: ClaimForm) -> dict[str, str]:
    """As Medicare asks (Claims Processing Manual ch. 26): boxes 4, 6, 7 and 11-11c name the
    insurance primary to Medicare, or box 11 says NONE and the others stay blank; box 9 is for a
    Medigap plan after Medicare only; 11d is left blank."""
    other = claim.other_payer
    if other is None:
        values = {"group_number": "NONE"}
        if claim.other_coverage is not None:
            after = claim.other_coverage
            values |= {"other_name": _name(after.person),
                       "other_policy": after.member_id or after.group_number, "other_plan": after.plan_name}
        return values
    first = other.subscriber
    return _insured(first, other.payer.name, first.group_number or first.member_id)


def _middle(claim: ClaimForm) -> dict[str, str]:
    """Boxes 12-23: signatures, the referring provider, diagnoses, resubmission, authorization."""
    values = {"icd_indicator": "0", "prior_auth": claim.prior_authorization}
    if claim.signature_on_file:
        values |= {"patient_signature": "SIGNATURE ON FILE", "insured_signature": "SIGNATURE ON FILE"}
    if claim.referring is not None:
        values |= {"referring_qualifier": "DN", "referring_name": provider_name(claim.referring),
                   "referring_npi": claim.referring.npi}
    values |= {f"dx_{letter}": code for letter, code in zip("ABCDEFGHIJKL", claim.diagnoses)}
    if claim.frequency in ("7", "8"):
        values |= {"resubmission_code": claim.frequency, "original_ref": claim.original_reference}
    return values


def _service(claim: ClaimForm, i: int, line: ServiceLine) -> dict[str, str]:
    p = f"line{i}_"
    rendering = line.rendering or claim.rendering
    if rendering is None and claim.billing.is_person:
        rendering = claim.billing
    values = {p + "from": short_date(line.service_date), p + "to": short_date(line.service_date),
              p + "pos": line.place_of_service or claim.place_of_service, p + "code": line.code,
              p + "pointer": "".join("ABCDEFGHIJKL"[n - 1] for n in line.diagnosis_pointers[:4]
                                     if 1 <= n <= 12),
              p + "charge": amount(line.charge, 8), p + "units": str(line.units),
              p + "npi": rendering.npi if rendering else ""}
    values |= {f"{p}mod{m}": mod for m, mod in enumerate(line.modifiers[:4], start=1)}
    return values


def _bottom(form: Form) -> dict[str, str]:
    """Boxes 25-33: tax id, account, assignment, totals, signature, facility and billing."""
    claim, billing = form.claim, form.claim.billing
    signer = claim.rendering or billing
    values = {"tax_id": billing.tax_id, "account": claim.control_number,
              "tax_ssn" if billing.tax_id_kind == "SSN" else "tax_ein": "X",
              "signer": provider_name(signer) if signer.is_person else "SIGNATURE ON FILE",
              "signed_date": short_date(claim.signed_on),
              "billing_name": provider_name(billing), "billing_npi": billing.npi,
              "facility_name": provider_name(billing)}
    values |= _yes_no("assignment", claim.accept_assignment)
    phone = "".join(c for c in billing.phone if c.isdigit())
    if len(phone) == 10:
        values |= {"billing_area": phone[:3], "billing_phone": phone[3:]}
    if billing.address is not None:
        values |= {"billing_street": _street(billing.address, FIELD["billing_street"].width),
                   "billing_city": city_line(billing.address),
                   "facility_street": _street(billing.address, FIELD["facility_street"].width),
                   "facility_city": city_line(billing.address)}
        values["facility_npi"] = billing.npi if not billing.is_person else ""
    if form.is_last:
        values["total"] = amount(claim.total_charge, 9)
        if claim.other_payer is not None:
            values["paid"] = amount(claim.other_payer.paid, 9)
    else:
        values["total"] = "CONTINUED"
    if form.count > 1:
        values["additional_info"] = f"PAGE {form.number} OF {form.count}"
    return values


def form_values(form: Form) -> dict[str, str]:
    """Every field's text on ``form`` (names from ``cms1500_layout.FIELDS``), blanks left out."""
    values = _top(form.claim) | _middle(form.claim)
    for i, line in enumerate(form.lines, start=1):
        values |= _service(form.claim, i, line)
    values |= _bottom(form)
    return {name: text for name, value in values.items() if (text := _keep(name, value))}


def _keep(name: str, value: str) -> str:
    """Amounts keep their spaces (the decimal line); everything else is cleaned."""
    if name.endswith(("charge", "total", "paid")):
        return value if value.strip() else ""
    return clean(value)


__all__ = ["Form", "clean", "form_values", "forms"]
