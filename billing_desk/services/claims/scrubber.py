"""The claim scrubber: what must be right before a claim may leave, each problem named at the
field a clerk fixes (``office.npi``, ``patient.sex``, ``lines[2].pointers``...)."""

from __future__ import annotations

import datetime as dt
import re

from ...errors import Problem
from ...field_names import words
from ...id_patterns import describe
from ...latin import foreign_letters
from ...models import (
    Claim,
    ClaimLine,
    Coverage,
    InvoiceDiagnosis,
    InvoiceLine,
    Modifier,
    Payer,
    PlanRule,
)
from ...models.base import prepared
from ..office import steady
from ..office.transactions import today as office_today
from .identity import billing_identity, check_npi, identity_problems
from .payer_order import medicare_order_problem

# Modifiers every office may use whether or not its catalogue lists them (CPT and HCPCS Level II).
STANDARD_MODIFIERS = frozenset("""25 26 50 51 52 57 59 76 77 79 91 95 GA GT GY GZ KX LT RT TC
XE XP XS XU QW FY JW JZ""".split())
_MODIFIER = re.compile(r"^[0-9A-Z]{2}$")
_IDENTITY_NEEDED = ("name", "npi", "tax_id", "tax_id_kind", "taxonomy", "street", "city", "state",
                    "zip_code")


def in_words(problem: Problem) -> str:
    """A scrubber problem as the clerk reads it: "Line 1, date of service: past ..." instead of
    "lines[1].service_date: past ..." (the words of billing_desk/field_names.py); just the
    message where it names its field already ("the patient's sex is required")."""
    label = words(problem.field)
    if label.lower() in problem.message.lower():
        return problem.message
    return f"{label}: {problem.message}"


def known_modifiers() -> frozenset[str]:
    """The catalogue's modifiers and the standard ones (kept in a steady build)."""
    return steady.kept("modifiers", None, lambda: STANDARD_MODIFIERS | {
        m.code.upper() for m in Modifier.select(Modifier.code)})


def scrub(claim: Claim, *, mode: str | None = None, today: dt.date | None = None) -> list[Problem]:
    """Every problem that keeps the claim from going out (``mode``: paper or electronic; by
    default the payer's). [] when it may leave."""
    today = today or office_today()
    payer: Payer = claim.payer
    mode = mode or payer.claim_mode
    problems = _office(mode)
    problems += _patient(claim)
    problems += _subscriber(claim.coverage, payer)
    order = medicare_order_problem(claim)
    problems += [order] if order else []
    if mode == "electronic" and not payer.payer_id.strip():
        problems.append(Problem("payer.payer_id", f"{payer.name} has no payer id for electronic claims"))
    if mode == "paper" and not payer.address.strip():
        problems.append(Problem("payer.address", f"{payer.name} has no claims mailing address"))
    problems += _providers(claim)
    problems += _lines(claim, payer, today)
    if claim.frequency in ("7", "8"):
        original = claim.replaces
        if original is None or not original.payer_claim_number.strip():
            problems.append(Problem("payer_claim_number", "a replacement or void must quote the "
                                    "payer's claim number of the original claim: type it there"))
    return problems


def _office(mode: str) -> list[Problem]:
    """What the office's billing identity lacks for ``mode`` (kept in a steady build: a write of
    the identity, a setting, forgets it)."""
    return list(steady.kept("identity problems", mode, lambda: _office_problems(mode)))


def _office_problems(mode: str) -> list[Problem]:
    identity = billing_identity()
    problems = [Problem(f"office.{p.field}", p.message)
                for p in identity_problems(identity, nine_digit_zip=mode == "electronic")
                if p.field in _IDENTITY_NEEDED]
    if mode == "electronic":
        for name, what in (("submitter_id", "the 837P submitter id"),
                           ("receiver_id", "the clearinghouse's receiver id")):
            if not getattr(identity, name).strip():
                problems.append(Problem(f"office.{name}", f"{what} is required for electronic claims"))
    return problems


def _patient(claim: Claim) -> list[Problem]:
    account = claim.invoice.account
    problems = []
    for field, value, what in (("last_name", account.last_name, "last name"),
                               ("first_name", account.first_name, "first name"),
                               ("street", account.street, "street address"),
                               ("city", account.city, "city"), ("state", account.state, "state"),
                               ("zip_code", account.zip_code, "ZIP code")):
        if not (value or "").strip():
            problems.append(Problem(f"patient.{field}", f"the patient's {what} is required"))
        elif field != "state":
            problems += _latin(f"patient.{field}", f"the patient's {what}", value)
    if account.date_of_birth is None:
        problems.append(Problem("patient.date_of_birth", "the patient's date of birth is required"))
    if account.sex not in ("M", "F"):
        problems.append(Problem("patient.sex", "the patient's sex is required (M or F)"))
    return problems


def _subscriber(coverage: Coverage, payer: Payer) -> list[Problem]:
    problems = []
    member = (coverage.member_id or "").strip()
    if not member:
        problems.append(Problem("subscriber.member_id", "the member id is required"))
    elif payer.member_id_pattern and not re.fullmatch(payer.member_id_pattern, member):
        problems.append(Problem("subscriber.member_id", f"'{member}' is not a {payer.name} member id "
                                f"({describe(payer.member_id_pattern)})"))
    if coverage.relationship != "self":
        for field, what in (("last_name", "last name"), ("first_name", "first name")):
            if not getattr(coverage, f"subscriber_{field}").strip():
                problems.append(Problem(f"subscriber.{field}", f"the subscriber's {what} is required "
                                        "(the patient is not the subscriber)"))
            problems += _latin(f"subscriber.{field}", f"the subscriber's {what}",
                               getattr(coverage, f"subscriber_{field}"))
        if coverage.subscriber_date_of_birth is None:
            problems.append(Problem("subscriber.date_of_birth", "the subscriber's date of birth is required"))
        if coverage.subscriber_sex not in ("M", "F"):
            problems.append(Problem("subscriber.sex", "the subscriber's sex is required (M or F)"))
    return problems


def _latin(field: str, what: str, value: str) -> list[Problem]:
    """A claim (the CMS-1500 and the 837P) carries A-Z only: letters of another script would
    print as a blank box or stop the file, so the clerk types them as the insurance card does."""
    letters = foreign_letters(value or "")
    if not letters:
        return []
    return [Problem(field, f"{what} '{value}' has letters a claim cannot carry ({letters}): type it "
                           "in Latin letters, as the insurance card spells it")]


def _providers(claim: Claim) -> list[Problem]:
    invoice = claim.invoice
    problems = []
    for name in ("rendering_provider", "referring_provider"):
        provider = getattr(invoice, name)
        if provider is not None:
            problem = check_npi(provider.npi, f"{name}.npi")
            problems += [problem] if problem else []
    return problems


def _lines(claim: Claim, payer: Payer, today: dt.date) -> list[Problem]:
    invoice = claim.invoice
    diagnoses = {position for (position,) in prepared("an invoice's diagnosis numbers", lambda: (
        InvoiceDiagnosis.select(InvoiceDiagnosis.position).where(InvoiceDiagnosis.invoice == invoice.id)
        .tuples()), [(InvoiceDiagnosis.invoice, invoice.id)])}
    problems = []
    if not diagnoses:
        problems.append(Problem("invoice.diagnoses", "a claim needs at least one diagnosis"))
    modifiers = known_modifiers()
    plan_id = claim.coverage.plan_id
    rules = dict(prepared("a plan's rules", lambda: (
        PlanRule.select(PlanRule.item, PlanRule.rule).where(PlanRule.plan == plan_id).tuples()),
        [(PlanRule.plan, plan_id)]))
    lines = prepared("a claim's lines", lambda: (
        ClaimLine.select(ClaimLine, InvoiceLine).join(InvoiceLine)
        .where(ClaimLine.claim == claim.id).order_by(InvoiceLine.position)), [(ClaimLine.claim, claim.id)])
    if not lines:
        problems.append(Problem("lines", "a claim needs at least one line"))
    for claim_line in lines:
        line = claim_line.line
        where = f"lines[{line.position}]"
        pointers = [p for p in (line.diagnosis_pointers or "").split(",") if p.strip()]
        if not pointers:
            problems.append(Problem(f"{where}.pointers", f"{line.code}: point at the diagnosis it treats"))
        for pointer in pointers:
            if not pointer.isdigit() or int(pointer) not in diagnoses:
                problems.append(Problem(f"{where}.pointers", f"{line.code}: pointer {pointer} points "
                                        "at no diagnosis on the invoice"))
        for modifier in [m.strip().upper() for m in (line.modifiers or "").split(",") if m.strip()]:
            if not _MODIFIER.match(modifier):
                problems.append(Problem(f"{where}.modifiers", f"'{modifier}' is not a modifier "
                                        "(two letters or digits)"))
            elif modifier not in modifiers:
                problems.append(Problem(f"{where}.modifiers", f"modifier {modifier} is not in the "
                                        "catalogue's modifiers"))
        if line.service_date > today:
            problems.append(Problem(f"{where}.service_date", f"{line.code}: the date of service "
                                    f"{line.service_date:%m/%d/%Y} is in the future"))
        last = line.service_date + dt.timedelta(days=payer.timely_filing_days or 0)
        if payer.timely_filing_days and last < today:
            problems.append(Problem(f"{where}.service_date", f"{line.code}: past {payer.name}'s "
                                    f"timely-filing limit of {payer.timely_filing_days} days "
                                    f"(the last day was {last:%m/%d/%Y})"))
        if rules.get(line.item_id) == "prior_auth" and not invoice.prior_authorization.strip():
            problems.append(Problem("invoice.prior_authorization", f"{line.code} needs the plan's "
                                    "prior authorization number"))
    return problems
