"""The 837P file (ASC X12 005010X222A1): one payer's claims as a clearinghouse reads them.

``write_837p(interchange)`` returns the whole interchange (ISA/GS/ST envelopes, the submitter and
receiver, a billing provider loop per billing provider, and per claim its subscriber, patient,
claim, providers, the other payer of a secondary claim, and its service lines); the office uploads
the file to its clearinghouse by hand: nothing here uses the network or the database.
``write_837p_file`` writes it beside the target first and gives it the target's name only while
that name is free (another workstation's file is never replaced).

A claim the file cannot carry (a ``*`` in a name, a billing ZIP code without its +4, a pointer to
a diagnosis the claim lacks...) is refused with a ``BillingError`` naming the claim and the field;
the claim scrubber should have caught it first.
"""

from __future__ import annotations

import os
import tempfile
from decimal import Decimal
from pathlib import Path

from ..claim_form import (
    RELATIONSHIPS_837,
    SEXES,
    Address,
    Adjustment,
    ClaimForm,
    Interchange,
    OtherPayer,
    Person,
    Provider,
    ServiceLine,
    Submitter,
)
from ..errors import BillingError
from .x12 import transactions
from .x12_segments import COMPONENT, REPETITION, Segments, amount, date8, quantity, time4

VERSION = "005010X222A1"
MAX_CONTROL = 999_999_999
MAX_LINES = 50  # service lines on one 837P claim
MAX_POINTERS = 4  # diagnosis pointers on one service line (SV107)
RANKS = {"primary": "P", "secondary": "S", "tertiary": "T"}
ADJUSTMENT_GROUPS = ("CO", "CR", "OA", "PI", "PR")
# SBR05 on a claim to Medicare as the second payer: 12 working aged, 13 ESRD, 14 no-fault,
# 15 workers' compensation, 16 PHS or other federal agency, 41 black lung, 42 VA, 43 disabled,
# 47 other liability.
MEDICARE_SECOND_REASONS = ("12", "13", "14", "15", "16", "41", "42", "43", "47")


def write_837p(interchange: Interchange) -> str:
    """The interchange as X12 text, one segment a line."""
    if not interchange.claims:
        raise BillingError("an 837P file needs at least one claim")
    out = Segments()
    _envelope_open(out, interchange)
    start = len(out.rows)
    st02 = _control(interchange.transaction_number, "transaction number").zfill(4)
    out.add("ST", "837", st02, VERSION)
    out.add("BHT", "0019", "00", st02, date8(interchange.created), time4(interchange.created), "CH")
    _parties(out, interchange.submitter)
    hl = 0
    for billing, claims in _by_billing_provider(interchange.claims):
        hl += 1
        provider_hl = hl
        out.where = f"claim {claims[0].control_number}"
        _billing_provider(out, billing, provider_hl)
        for claim in claims:
            out.where = f"claim {claim.control_number}"
            hl = _claim(out, claim, provider_hl, hl)
    out.where = "the file"
    out.add("SE", str(out.count_since(start) + 1), st02)
    out.add("GE", "1", _control(interchange.group_number, "group number"))
    out.add("IEA", "1", _control(interchange.interchange_number, "interchange number").zfill(9))
    return out.join()


def write_837p_staged(interchange: Interchange, path: str | Path) -> Path:
    """Write the interchange beside ``path``, under a name of its own ending in .partial, on
    disk before this returns. The caller gives it ``path`` (``take_name`` first, then
    ``os.replace``) once its claims are marked submitted, so no file under an .837 name ever
    holds claims still ready (uploaded, they would go twice), and two workstations writing for
    the same name never write into one file."""
    text = write_837p(interchange)
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    try:
        handle, name = tempfile.mkstemp(prefix=f"{path.name}.", suffix=".partial", dir=folder)
    except OSError as exc:
        raise BillingError(f"could not write {path}: {exc.strerror or exc}") from None
    staged = Path(name)
    try:
        with os.fdopen(handle, "w", encoding="ascii", newline="") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
    except OSError as exc:
        staged.unlink(missing_ok=True)
        raise BillingError(f"could not write {path}: {exc.strerror or exc}") from None
    return staged


def take_name(path: Path) -> None:
    """Hold ``path`` with an empty file while the name is free; a file another workstation wrote
    there since the export looked is never replaced: BillingError, naming it."""
    try:
        with open(path, "xb"):
            pass
    except FileExistsError:
        raise BillingError(f"{path} already exists: another workstation may have written it just "
                           "now; nothing was marked sent. Choose another name.") from None
    except OSError as exc:
        raise BillingError(f"could not write {path}: {exc.strerror or exc}") from None


def write_837p_file(interchange: Interchange, path: str | Path) -> Path:
    """Write the interchange to ``path`` while that name is free; a failure never leaves half a
    file under it, nor replaces a file already there."""
    path = Path(path)
    staged = write_837p_staged(interchange, path)
    try:
        take_name(path)
        try:
            os.replace(staged, path)
        except OSError as exc:
            path.unlink(missing_ok=True)
            raise BillingError(f"could not write {path}: {exc.strerror or exc}") from None
    finally:
        staged.unlink(missing_ok=True)
    return path


def claim_numbers_in(path: Path) -> list[str]:
    """The claim numbers (CLM01) of an 837 file written here; X12Error when it is cut short."""
    return [seg.el(1) for tx in transactions(path) for seg in tx.segments if seg.id == "CLM"]


# --- envelope, submitter and receiver ---------------------------------------------------------

def _envelope_open(out: Segments, interchange: Interchange) -> None:
    submitter = interchange.submitter
    sender = out.text(submitter.sender_id, "submitter id", limit=15, required=True)
    receiver = out.text(submitter.receiver_id, "receiver id", limit=15, required=True)
    created = interchange.created
    isa13 = _control(interchange.interchange_number, "interchange number").zfill(9)
    out.add("ISA", "00", " " * 10, "00", " " * 10, "ZZ", sender.ljust(15), "ZZ", receiver.ljust(15),
            created.strftime("%y%m%d"), time4(created), REPETITION, "00501", isa13, "0",
            "P" if submitter.production else "T", COMPONENT)
    out.add("GS", "HC", sender, receiver, date8(created), time4(created),
            _control(interchange.group_number, "group number"), "X", VERSION)


def _control(number: int, field: str) -> str:
    if not isinstance(number, int) or not 1 <= number <= MAX_CONTROL:
        raise BillingError(f"the file's {field} must be a whole number from 1 to {MAX_CONTROL} "
                           f"(it is {number!r})")
    return str(number)


def _parties(out: Segments, submitter: Submitter) -> None:
    out.where = "the submitter (Settings)"
    out.add("NM1", "41", "2", out.text(submitter.name, "submitter name", required=True),
            "", "", "", "", "46", out.text(submitter.sender_id, "submitter id", limit=80))
    out.add("PER", "IC", out.text(submitter.contact_name, "contact name", required=True),
            "TE", out.digits(submitter.contact_phone, "contact phone", sizes=(10,)))
    out.add("NM1", "40", "2", out.text(submitter.receiver_name, "receiver name", required=True),
            "", "", "", "", "46", out.text(submitter.receiver_id, "receiver id", limit=80))


def _by_billing_provider(claims: tuple[ClaimForm, ...]) -> list[tuple[Provider, list[ClaimForm]]]:
    groups: dict[Provider, list[ClaimForm]] = {}
    for claim in claims:
        groups.setdefault(claim.billing, []).append(claim)
    return list(groups.items())


# --- 2000A/2010AA billing provider -----------------------------------------------------------

def _billing_provider(out: Segments, billing: Provider, hl: int) -> None:
    out.add("HL", str(hl), "", "20", "1")
    if billing.taxonomy:
        out.add("PRV", "BI", "PXC", _taxonomy(out, billing.taxonomy, "billing provider taxonomy"))
    _provider_name(out, "85", billing, "billing provider")
    if billing.address is None:
        out.refuse("billing provider address", "is missing; the 837P needs it")
    _address(out, billing.address, "billing provider", zip_sizes=(9,))
    if not billing.tax_id:
        out.refuse("billing provider tax id", "is missing; the 837P needs the EIN or SSN")
    kind = {"EIN": "EI", "SSN": "SY"}.get(billing.tax_id_kind)
    if kind is None:
        out.refuse("billing provider tax id kind", f"must be EIN or SSN (it is {billing.tax_id_kind!r})")
    out.add("REF", kind, out.digits(billing.tax_id, "billing provider tax id", sizes=(9,)))


def _provider_name(out: Segments, code: str, provider: Provider, role: str, *,
                   person_only: bool = False) -> None:
    npi = out.digits(provider.npi, f"{role} NPI", sizes=(10,))
    if provider.is_person or person_only:
        last = provider.last_name or provider.organization
        out.add("NM1", code, "1", out.text(last, f"{role} last name", required=True),
                out.text(provider.first_name, f"{role} first name", limit=35), "", "", "", "XX", npi)
    else:
        out.add("NM1", code, "2", out.text(provider.organization, f"{role} name", required=True),
                "", "", "", "", "XX", npi)


def _taxonomy(out: Segments, code: str, field: str) -> str:
    text = out.text(code, field, limit=50)
    if len(text) != 10:
        out.refuse(field, f"must be 10 characters (it is {code!r})")
    return text


def _address(out: Segments, address: Address, role: str, *, zip_sizes: tuple[int, ...] = (5, 9)) -> None:
    out.add("N3", out.text(address.street, f"{role} street", limit=55, required=True),
            out.text(address.street2, f"{role} street line 2", limit=55))
    state = out.text(address.state, f"{role} state", limit=2, required=True)
    if len(state) != 2:
        out.refuse(f"{role} state", f"must be two letters (it is {address.state!r})")
    out.add("N4", out.text(address.city, f"{role} city", limit=30, required=True), state,
            out.digits(address.zip_code, f"{role} ZIP code", sizes=zip_sizes))


# --- 2000B/2000C subscriber, payer and patient -----------------------------------------------

def _claim(out: Segments, claim: ClaimForm, provider_hl: int, hl: int) -> int:
    """The claim's subscriber (and patient) loops, then the claim itself; returns the last HL."""
    relationship = RELATIONSHIPS_837.get(claim.subscriber.relationship)
    if relationship is None:
        out.refuse("patient's relationship to the subscriber",
                   f"must be one of {', '.join(RELATIONSHIPS_837)} (it is {claim.subscriber.relationship!r})")
    is_self = relationship == "18"
    hl += 1
    out.add("HL", str(hl), str(provider_hl), "22", "1" if not is_self else "0")
    rank = RANKS.get(claim.rank)
    if rank is None:
        out.refuse("rank", f"must be primary or secondary (it is {claim.rank!r})")
    group = out.text(claim.subscriber.group_number, "group number", limit=50)
    plan = "" if group else out.text(claim.subscriber.plan_name, "plan name", limit=60)
    out.add("SBR", rank, "18" if is_self else "", group, plan, _medicare_second(out, claim), "", "", "",
            _filing_code(out, claim.payer.filing_code, "payer"))
    _person(out, "IL", claim.subscriber.person, "subscriber", demographics=is_self,
            member_id=claim.subscriber.member_id)
    out.add("NM1", "PR", "2", out.text(claim.payer.name, "payer name", required=True),
            "", "", "", "", "PI", _payer_id(out, claim.payer.payer_id, "payer"))
    if not is_self:
        hl += 1
        out.add("HL", str(hl), str(hl - 1), "23", "0")
        out.add("PAT", relationship)
        _person(out, "QC", claim.patient, "patient", demographics=True)
    _claim_information(out, claim)
    return hl


def _person(out: Segments, code: str, person: Person, role: str, *, demographics: bool,
            member_id: str = "") -> None:
    names = [out.text(person.last_name, f"{role} last name", required=True),
             out.text(person.first_name, f"{role} first name", limit=35),
             out.text(person.middle_name, f"{role} middle name", limit=25), "",
             out.text(person.suffix, f"{role} suffix", limit=10)]
    if member_id:
        out.add("NM1", code, "1", *names, "MI", out.text(member_id, f"{role} member id", limit=80))
    else:
        out.add("NM1", code, "1", *names)
    _address(out, person.address, role)
    if demographics:
        if person.date_of_birth is None:
            out.refuse(f"{role} date of birth", "is missing; the 837P needs it")
        if person.sex not in SEXES:
            out.refuse(f"{role} sex", f"must be M, F or U (it is {person.sex!r})")
        out.add("DMG", "D8", date8(person.date_of_birth), person.sex)


def _payer_id(out: Segments, payer_id: str, role: str) -> str:
    text = out.text(payer_id, f"{role} id", limit=80)
    if len(text) < 2:
        out.refuse(f"{role} id", "is missing; an electronic claim needs the payer's id "
                   "(a paper-only payer's claims go on the CMS-1500)")
    return text


def _medicare_second(out: Segments, claim: ClaimForm) -> str:
    """SBR05: on a claim to Medicare as the second payer, why Medicare pays second; else blank."""
    code = claim.insurance_type_code
    field = "why Medicare pays second"
    if claim.to_medicare and claim.rank != "primary":
        if not code:
            out.refuse(field, "is missing; a claim to Medicare as the second payer needs it")
        if code not in MEDICARE_SECOND_REASONS:
            out.refuse(field, f"must be one of {', '.join(MEDICARE_SECOND_REASONS)} (it is {code!r})")
        return code
    if code:
        out.refuse(field, "only on a claim to Medicare as the second payer")
    return ""


def _filing_code(out: Segments, code: str, role: str) -> str:
    text = out.text(code, f"{role} claim filing code", limit=2, required=True)
    if len(text) != 2:
        out.refuse(f"{role} claim filing code", f"must be two characters (it is {code!r})")
    return text


# --- 2300 claim and its providers ------------------------------------------------------------

def _claim_information(out: Segments, claim: ClaimForm) -> None:
    if not claim.lines:
        out.refuse("service lines", "the claim has none")
    if len(claim.lines) > MAX_LINES:
        out.refuse("service lines", f"the 837P allows {MAX_LINES} a claim (this one has {len(claim.lines)})")
    if claim.frequency not in ("1", "7", "8"):
        out.refuse("frequency", f"must be 1, 7 or 8 (it is {claim.frequency!r})")
    place = _place(out, claim.place_of_service, "place of service")
    out.add("CLM", out.text(claim.control_number, "control number", limit=38, required=True),
            amount(claim.total_charge), "", "", COMPONENT.join((place, "B", claim.frequency)),
            "Y", "A" if claim.accept_assignment else "C",
            "Y" if claim.signature_on_file else "N", "Y" if claim.signature_on_file else "I")
    if claim.prior_authorization:  # the REF segments in the guide's order: G1, F8, EA
        out.add("REF", "G1", out.text(claim.prior_authorization, "prior authorization", limit=50))
    if claim.frequency in ("7", "8"):
        out.add("REF", "F8", out.text(claim.original_reference, "payer's claim number (original reference)",
                                      limit=50, required=True))
    if claim.patient_account:
        out.add("REF", "EA", out.text(claim.patient_account, "patient account", limit=50))
    _diagnoses(out, claim.diagnoses)
    if claim.referring:
        _provider_name(out, "DN", claim.referring, "referring provider", person_only=True)
    if claim.rendering:
        _rendering(out, claim.rendering, "rendering provider")
    if claim.other_payer:
        _check_balance(out, claim, claim.other_payer)
        _other_payer(out, claim.other_payer, by_line=any(line.other for line in claim.lines))
    for index, line in enumerate(claim.lines, start=1):
        _service_line(out, claim, line, index)


def _place(out: Segments, code: str, field: str) -> str:
    text = out.text(code, field, limit=2, required=True)
    if len(text) != 2 or not text.isdigit():
        out.refuse(field, f"must be a two-digit place of service code (it is {code!r})")
    return text


def _diagnoses(out: Segments, diagnoses: tuple[str, ...]) -> None:
    if not diagnoses:
        out.refuse("diagnoses", "the claim has none; the 837P needs at least one")
    if len(diagnoses) > 12:
        out.refuse("diagnoses", f"the 837P allows 12 a claim (this one has {len(diagnoses)})")
    codes = []
    for number, code in enumerate(diagnoses, start=1):
        text = out.text(code.replace(".", ""), f"diagnosis {number}", limit=30, required=True)
        codes.append(COMPONENT.join(("ABK" if number == 1 else "ABF", text)))
    out.add("HI", *codes)


def _rendering(out: Segments, provider: Provider, role: str) -> None:
    _provider_name(out, "82", provider, role)
    if provider.taxonomy:
        out.add("PRV", "PE", "PXC", _taxonomy(out, provider.taxonomy, f"{role} taxonomy"))


# --- 2320/2330 the other payer of a secondary claim ------------------------------------------

def _check_balance(out: Segments, claim: ClaimForm, other: OtherPayer) -> None:
    """The guide's balancing: each adjudicated line's charge = the other payer's paid + its
    adjustments, and the claim's charge = the other payer's paid + every adjustment."""
    adjusted = sum((a.amount for a in other.adjustments), Decimal("0"))
    for line in claim.lines:
        if line.other is None:
            continue
        line_adjusted = sum((a.amount for a in line.other.adjustments), Decimal("0"))
        if line.other.paid + line_adjusted != line.charge:
            out.refuse(f"line {line.number} other payer's adjudication",
                       f"paid {line.other.paid} plus adjustments {line_adjusted} is not the line's "
                       f"charge {line.charge}")
        adjusted += line_adjusted
    if other.paid + adjusted != claim.total_charge:
        out.refuse("other payer's paid amount",
                   f"paid {other.paid} plus adjustments {adjusted} is not the claim's charge "
                   f"{claim.total_charge}")


def _other_payer(out: Segments, other: OtherPayer, *, by_line: bool) -> None:
    relationship = RELATIONSHIPS_837.get(other.subscriber.relationship)
    if relationship is None:
        out.refuse("other payer's subscriber relationship",
                   f"must be one of {', '.join(RELATIONSHIPS_837)} (it is {other.subscriber.relationship!r})")
    rank = RANKS.get(other.rank)
    if rank is None:
        out.refuse("other payer's rank", f"must be primary or secondary (it is {other.rank!r})")
    group = out.text(other.subscriber.group_number, "other payer's group number", limit=50)
    plan = "" if group else out.text(other.subscriber.plan_name, "other payer's plan name", limit=60)
    out.add("SBR", rank, relationship, group, plan, "", "", "", "",
            _filing_code(out, other.payer.filing_code, "other payer"))
    _adjustments(out, other.adjustments, "other payer's claim adjustment")
    out.add("AMT", "D", amount(other.paid))
    out.add("OI", "", "", "Y", "", "", "Y")
    subscriber = other.subscriber.person
    out.add("NM1", "IL", "1", out.text(subscriber.last_name, "other subscriber last name", required=True),
            out.text(subscriber.first_name, "other subscriber first name", limit=35),
            out.text(subscriber.middle_name, "other subscriber middle name", limit=25), "",
            out.text(subscriber.suffix, "other subscriber suffix", limit=10),
            "MI", out.text(other.subscriber.member_id, "other subscriber member id", limit=80, required=True))
    out.add("NM1", "PR", "2", out.text(other.payer.name, "other payer name", required=True),
            "", "", "", "", "PI", _payer_id(out, other.payer.payer_id, "other payer"))
    if not by_line:  # the adjudication date goes here when no line carries its own (2430 DTP*573)
        out.add("DTP", "573", "D8", date8(other.paid_on))


def _adjustments(out: Segments, adjustments: tuple[Adjustment, ...], field: str) -> None:
    """CAS segments: one a group (CO, PR...), up to six reason/amount pairs each."""
    groups: dict[str, list[Adjustment]] = {}
    for adjustment in adjustments:
        if adjustment.group not in ADJUSTMENT_GROUPS:
            out.refuse(f"{field} group", f"must be one of {', '.join(ADJUSTMENT_GROUPS)} "
                       f"(it is {adjustment.group!r})")
        groups.setdefault(adjustment.group, []).append(adjustment)
    for group, items in groups.items():
        for start in range(0, len(items), 6):
            elements: list[str] = []
            for item in items[start:start + 6]:
                elements += [out.text(item.reason, f"{field} reason", limit=5, required=True),
                             amount(item.amount), ""]
            out.add("CAS", group, *elements)


# --- 2400 service lines and 2430 the other payer's adjudication ------------------------------

def _service_line(out: Segments, claim: ClaimForm, line: ServiceLine, index: int) -> None:
    field = f"line {line.number}"
    out.add("LX", str(index))
    place = ""
    if line.place_of_service and line.place_of_service != claim.place_of_service:
        place = _place(out, line.place_of_service, f"{field} place of service")
    out.add("SV1", _procedure(out, line.code, line.modifiers, field), amount(line.charge), "UN",
            _units(out, line.units, field), place, "", _pointers(out, line, len(claim.diagnoses), field))
    out.add("DTP", "472", "D8", date8(line.service_date))
    if line.line_id is not None:
        out.add("REF", "6R", out.text(str(line.line_id), f"{field} line id", limit=50))
    if line.rendering:
        _rendering(out, line.rendering, f"{field} rendering provider")
    if line.other:
        if claim.other_payer is None:
            out.refuse(f"{field} other payer's adjudication", "the claim names no other payer")
        other = line.other
        paid_code = other.code or line.code
        out.add("SVD", _payer_id(out, claim.other_payer.payer.payer_id, "other payer"), amount(other.paid),
                _procedure(out, paid_code, line.modifiers, f"{field} adjudicated"), "",
                _units(out, line.units, field))
        _adjustments(out, other.adjustments, f"{field} adjustment")
        out.add("DTP", "573", "D8", date8(other.paid_on))


def _procedure(out: Segments, code: str, modifiers: tuple[str, ...], field: str) -> str:
    if len(modifiers) > 4:
        out.refuse(f"{field} modifiers", f"the 837P allows 4 (this line has {len(modifiers)})")
    parts = ["HC", out.text(code, f"{field} procedure code", limit=48, required=True)]
    for number, modifier in enumerate(modifiers, start=1):
        text = out.text(modifier, f"{field} modifier {number}", limit=2, required=True)
        if len(text) != 2:
            out.refuse(f"{field} modifier {number}", f"must be two characters (it is {modifier!r})")
        parts.append(text)
    return COMPONENT.join(parts)


def _units(out: Segments, units: int, field: str) -> str:
    if units <= 0:
        out.refuse(f"{field} units", f"must be more than zero (it is {units})")
    return quantity(units)


def _pointers(out: Segments, line: ServiceLine, diagnoses: int, field: str) -> str:
    pointers = line.diagnosis_pointers
    if not pointers:
        out.refuse(f"{field} diagnosis pointer", "is missing; each line points to at least one diagnosis")
    if len(pointers) > MAX_POINTERS:
        out.refuse(f"{field} diagnosis pointers",
                   f"the 837P allows {MAX_POINTERS} (this line has {len(pointers)})")
    for pointer in pointers:
        if not 1 <= pointer <= diagnoses:
            out.refuse(f"{field} diagnosis pointer",
                       f"{pointer} points past the claim's {diagnoses} diagnoses")
    return COMPONENT.join(str(p) for p in pointers)


__all__ = ["VERSION", "claim_numbers_in", "take_name", "write_837p", "write_837p_file",
           "write_837p_staged"]
