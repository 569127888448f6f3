"""The registration form as data, and every check on it (the window, imports and the CLI share them)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, fields

from peewee import fn

from ...choices import CONTACT_PREFS, DELIVERY, MEDICARE_FILING_CODES, PAYER_PROGRAMS, RELATIONSHIPS, SEXES
from ...errors import Problem, ValidationError
from ...field_names import words
from ...id_patterns import describe
from ...models import Payer, Plan
from ...models.migration_claims import split_name
from ...money import parse_money
from ..office.validation import (
    check_state,
    check_texts,
    check_zip,
    normalize_email,
    normalize_phone,
    parse_date,
    parse_int,
)

RANKS = ("primary", "secondary")
COVERAGE_PARTS = ("payer", "plan", "member_id", "group_number", "subscriber_name", "relationship",
                  "start_date", "end_date")
GUARANTOR_RELATIONSHIPS = ("self", "parent", "spouse", "guardian", "employer", "other")


def default_terms() -> str:
    """A new account's payment terms: the office's setting (30 days when no office is open)."""
    from ..office.settings import get_setting

    try:
        return str(get_setting("default_payment_terms_days"))
    except Exception:
        return "30"


@dataclass
class AccountForm:
    """What the clerk typed, as text, field for field with the paper form."""

    kind: str = "patient"
    # What the screen was showing (registry.version_of): a save over a newer one is refused.
    loaded_as: str = ""
    first_name: str = ""
    last_name: str = ""
    organization: str = ""
    date_of_birth: str = ""
    street: str = ""
    street2: str = ""
    city: str = ""
    state: str = ""
    zip_code: str = ""
    phone: str = ""
    phone_alt: str = ""
    email: str = ""
    # The responsible party ("self": the patient pays their own bills).
    guarantor_relationship: str = "self"
    guarantor_first_name: str = ""
    guarantor_last_name: str = ""
    guarantor_phone: str = ""
    guarantor_street: str = ""
    guarantor_city: str = ""
    guarantor_state: str = ""
    guarantor_zip_code: str = ""
    # Insurance (patients only).
    primary_payer: str = ""
    primary_plan: str = ""
    primary_member_id: str = ""
    primary_group_number: str = ""
    primary_subscriber_name: str = ""
    primary_relationship: str = "self"
    primary_start_date: str = ""
    primary_end_date: str = ""
    primary_esrd_started_on: str = ""  # a Medicare coverage's ESRD coordination period began
    secondary_payer: str = ""
    secondary_plan: str = ""
    secondary_member_id: str = ""
    secondary_group_number: str = ""
    secondary_subscriber_name: str = ""
    secondary_relationship: str = "self"
    secondary_start_date: str = ""
    secondary_end_date: str = ""
    secondary_esrd_started_on: str = ""
    # Billing profile.
    statement_delivery: str = "print"
    payment_terms_days: str = field(default_factory=lambda: default_terms())
    billing_cycle_day: str = "1"
    credit_limit: str = ""
    preferred_contact: str = "phone"
    notes: str = ""
    # Names in full, and the guarantor's own details (statements go to the guarantor).
    middle_name: str = ""
    suffix: str = ""
    guarantor_middle_name: str = ""
    guarantor_suffix: str = ""
    guarantor_street2: str = ""
    guarantor_date_of_birth: str = ""
    guarantor_email: str = ""
    guarantor_id: int | None = None
    # Claims (issue 16): the patient's sex, and each insurance's subscriber when not the patient.
    sex: str = "U"
    primary_subscriber_first_name: str = ""
    primary_subscriber_last_name: str = ""
    primary_subscriber_date_of_birth: str = ""
    primary_subscriber_sex: str = "U"
    primary_subscriber_street: str = ""
    primary_subscriber_city: str = ""
    primary_subscriber_state: str = ""
    primary_subscriber_zip_code: str = ""
    secondary_subscriber_first_name: str = ""
    secondary_subscriber_last_name: str = ""
    secondary_subscriber_date_of_birth: str = ""
    secondary_subscriber_sex: str = "U"
    secondary_subscriber_street: str = ""
    secondary_subscriber_city: str = ""
    secondary_subscriber_state: str = ""
    secondary_subscriber_zip_code: str = ""

    def as_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}


FORM_FIELDS = tuple(f.name for f in fields(AccountForm) if f.name != "guarantor_id")
MULTILINE_FIELDS = ("notes",)

# Each field in the clerk's words (billing_desk/field_names.py): "Guarantor's ZIP", "Apt / suite".
LABELS = {name: words(name) for name in FORM_FIELDS}


def _text(form: AccountForm, name: str) -> str:
    return str(getattr(form, name) or "").strip()


def validate_account(form: AccountForm, today: dt.date | None = None) -> tuple[dict, list[Problem]]:
    """Check every field; return the clean values and every problem, each naming its field.

    ``values`` holds the account's columns plus ``coverages`` (a list of dicts) and
    ``guarantor_input`` (a dict, or None when the patient is responsible).
    """
    controls = check_texts(form.as_dict(), FORM_FIELDS, multiline=MULTILINE_FIELDS)
    values, problems = _validate_person(form, today)
    problems = controls + problems
    guarantor, more = _validate_guarantor(form, values)
    values["guarantor_input"] = guarantor
    problems += more
    coverages, more = _validate_coverages(form, values, today)
    values["coverages"] = coverages
    problems += more
    problems += _validate_claim_details(form, values, today)
    return values, problems


def _validate_person(form: AccountForm, today: dt.date | None) -> tuple[dict, list[Problem]]:
    problems: list[Problem] = []
    values: dict = {}

    def keep(name, value, problem):
        values[name] = value
        if problem:
            problems.append(problem)

    for name in ("first_name", "last_name", "middle_name", "suffix", "organization", "street",
                 "street2", "city", "notes"):
        values[name] = _text(form, name)
    if form.kind not in ("patient", "customer"):
        problems.append(Problem("kind", "must be patient or customer"))
    values["kind"] = form.kind
    if form.kind == "customer" and not values["organization"] and not values["last_name"]:
        problems.append(Problem("organization", "a customer needs a company or a person's name"))
    elif form.kind == "patient" or not values["organization"]:
        if not values["last_name"]:
            problems.append(Problem("last_name", "the last name is required"))
        if not values["first_name"]:
            problems.append(Problem("first_name", "the first name is required"))
    dob, problem = parse_date(form.date_of_birth, "date_of_birth", required=form.kind == "patient",
                              not_future=True, today=today)
    keep("date_of_birth", dob, problem)
    values["state"] = _text(form, "state").upper()
    values["zip_code"] = _text(form, "zip_code")
    problems += [p for p in (check_state(values["state"]), check_zip(values["zip_code"])) if p]
    keep("phone", *normalize_phone(form.phone, "phone"))
    keep("phone_alt", *normalize_phone(form.phone_alt, "phone_alt"))
    email, problem = normalize_email(form.email, "email")
    keep("email", email.lower() if not problem else email, problem)  # searched lower-cased
    _validate_profile(form, values, problems)
    values["guarantor"] = form.guarantor_id
    return values, problems


def _validate_profile(form: AccountForm, values: dict, problems: list[Problem]) -> None:
    if form.statement_delivery not in DELIVERY:
        problems.append(Problem("statement_delivery", "statements go by print or email"))
    if form.statement_delivery == "email" and not values["email"]:
        problems.append(Problem("email", "statements by email need an email address"))
    if form.preferred_contact not in CONTACT_PREFS:
        problems.append(Problem("preferred_contact", f"choose one of {', '.join(CONTACT_PREFS)}"))
    values["statement_delivery"] = form.statement_delivery
    values["preferred_contact"] = form.preferred_contact
    for name, low, high in (("payment_terms_days", 0, 365), ("billing_cycle_day", 1, 28)):
        value, problem = parse_int(form.__dict__[name], name, minimum=low, maximum=high)
        values[name] = value
        if problem:
            problems.append(problem)
    values["credit_limit"] = None
    if _text(form, "credit_limit"):
        try:
            values["credit_limit"] = parse_money(form.credit_limit, "credit_limit")
        except ValidationError as exc:
            problems.extend(exc.problems)
        else:
            if values["credit_limit"] < 0:
                problems.append(Problem("credit_limit", "may not be negative"))


def _validate_guarantor(form: AccountForm, person: dict) -> tuple[dict | None, list[Problem]]:
    relationship = _text(form, "guarantor_relationship").lower() or "self"
    names = (_text(form, "guarantor_first_name"), _text(form, "guarantor_last_name"))
    problems: list[Problem] = []
    if relationship not in GUARANTOR_RELATIONSHIPS:
        problems.append(Problem("guarantor_relationship",
                                f"choose one of {', '.join(GUARANTOR_RELATIONSHIPS)}"))
    if relationship == "self" and not any(names):
        return None, problems
    if relationship == "self":
        problems.append(Problem("guarantor_relationship",
                                "say how the guarantor is related (the patient is 'self')"))
    if not names[0]:
        problems.append(Problem("guarantor_first_name", "the guarantor's first name is required"))
    if not names[1]:
        problems.append(Problem("guarantor_last_name", "the guarantor's last name is required"))
    phone, problem = normalize_phone(form.guarantor_phone, "guarantor_phone")
    problems += [problem] if problem else []
    state = _text(form, "guarantor_state").upper()
    zip_code = _text(form, "guarantor_zip_code")
    problems += [p for p in (check_state(state, "guarantor_state"),
                             check_zip(zip_code, "guarantor_zip_code")) if p]
    born, problem = parse_date(form.guarantor_date_of_birth, "guarantor_date_of_birth", not_future=True)
    problems += [problem] if problem else []
    email, problem = normalize_email(form.guarantor_email, "guarantor_email")
    problems += [problem] if problem else []
    street = _text(form, "guarantor_street")
    # Blank street: the patient's whole address, apartment line included (statements go here).
    address = (street, _text(form, "guarantor_street2"), _text(form, "guarantor_city"), state,
               zip_code) if street else (person["street"], person["street2"], person["city"],
                                         person["state"], person["zip_code"])
    return {"first_name": names[0], "last_name": names[1], "relationship": relationship,
            "middle_name": _text(form, "guarantor_middle_name"), "suffix": _text(form, "guarantor_suffix"),
            "phone": phone or person.get("phone", ""), "street": address[0], "street2": address[1],
            "city": address[2], "state": address[3], "zip_code": address[4],
            "date_of_birth": born, "email": email.lower() if not problem else email}, problems


def _validate_coverages(form: AccountForm, person: dict, today) -> tuple[list[dict], list[Problem]]:
    coverages: list[dict] = []
    problems: list[Problem] = []
    for rank in RANKS:
        typed = any(_text(form, f"{rank}_{part}") for part in COVERAGE_PARTS[:5])
        if not typed:
            continue
        if form.kind == "customer":
            problems.append(Problem(f"{rank}_payer", "a customer account has no insurance; "
                                    "make it a patient account or clear the insurance"))
            continue
        if rank == "secondary" and not coverages and not any(p.field.startswith("primary")
                                                              for p in problems):
            problems.append(Problem("secondary_payer", "fill in the primary insurance first"))
            continue
        coverage, more = _validate_coverage(form, rank, person, today)
        problems += more
        if coverage:
            coverages.append(coverage)
    return coverages, problems


def _validate_coverage(form: AccountForm, rank: str, person: dict,
                       today) -> tuple[dict | None, list[Problem]]:
    def text(part):
        return _text(form, f"{rank}_{part}")

    problems: list[Problem] = []
    payer = find_payer(text("payer"))
    plan = None
    if not text("payer"):
        problems.append(Problem(f"{rank}_payer", "the insurance company is required"))
    elif payer is None:
        problems.append(Problem(f"{rank}_payer", f"no payer named '{text('payer')}' (pick one from "
                                "the list, or F4 adds it)"))
    else:
        plan, problem = _find_plan(payer, text("plan"), f"{rank}_plan")
        problems += [problem] if problem else []
    member = text("member_id")
    if not member:
        problems.append(Problem(f"{rank}_member_id", "the member id is required"))
    elif payer is not None and payer.member_id_pattern and not re.fullmatch(payer.member_id_pattern, member):
        problems.append(Problem(f"{rank}_member_id",
                                f"'{member}' is not a {payer.name} member id ({describe_pattern(payer)})"))
    relationship = text("relationship").lower() or "self"
    if relationship not in RELATIONSHIPS:
        problems.append(Problem(f"{rank}_relationship", f"choose one of {', '.join(RELATIONSHIPS)}"))
    start, problem = parse_date(text("start_date"), f"{rank}_start_date")
    problems += [problem] if problem else []
    end, problem = parse_date(text("end_date"), f"{rank}_end_date")
    problems += [problem] if problem else []
    if start and end and end < start:
        problems.append(Problem(f"{rank}_end_date", "ends before it starts"))
    esrd, problem = _esrd_start(text("esrd_started_on"), rank, payer)
    problems += [problem] if problem else []
    if problems:
        return None, problems
    subscriber = text("subscriber_name") or " ".join(
        p for p in (person.get("first_name"), person.get("last_name")) if p)
    return {"rank": rank, "plan": plan, "member_id": member, "group_number": text("group_number"),
            "subscriber_name": subscriber, "relationship": relationship, "start_date": start,
            "end_date": end, "esrd_started_on": esrd}, []


def _esrd_start(typed: str, rank: str, payer: Payer | None) -> tuple[dt.date | None, Problem | None]:
    """The day a Medicare coverage's ESRD 30-month coordination period began (blank: none)."""
    name = f"{rank}_esrd_started_on"
    began, problem = parse_date(typed, name)
    if problem or began is None:
        return None, problem
    if payer is not None and PAYER_PROGRAMS[payer.program].filing_code not in MEDICARE_FILING_CODES:
        return None, Problem(name, f"only a Medicare coverage has an ESRD coordination period; "
                             f"{payer.name} is not Medicare: leave it blank")
    return began, None


SUBSCRIBER_PARTS = ("first_name", "last_name", "date_of_birth", "sex", "street", "city", "state",
                    "zip_code")


def _validate_claim_details(form: AccountForm, values: dict, today) -> list[Problem]:
    """The patient's sex, and each coverage's subscriber when the patient is not the subscriber
    (a child on a parent's plan): what a claim says in boxes 3, 4, 7 and 11a. The subscriber's
    name may be typed whole in the subscriber box instead of the first and last name boxes."""
    problems: list[Problem] = []
    values["sex"] = _text(form, "sex").upper() or "U"
    if values["sex"] not in SEXES:
        problems.append(Problem("sex", "type M, F or U (unknown)"))
    for coverage in values["coverages"]:
        rank = coverage["rank"]

        def text(part, rank=rank):
            return _text(form, f"{rank}_subscriber_{part}")

        details = {f"subscriber_{part}": text(part) for part in SUBSCRIBER_PARTS}
        details["subscriber_sex"] = text("sex").upper() or "U"
        details["subscriber_state"] = text("state").upper()
        if coverage["relationship"] == "self":
            coverage.update({key: ("U" if key == "subscriber_sex" else None if key.endswith("birth") else "")
                             for key in details})
            continue
        if not details["subscriber_last_name"] and _text(form, f"{rank}_subscriber_name"):
            first, last = split_name(_text(form, f"{rank}_subscriber_name"))
            details["subscriber_first_name"] = details["subscriber_first_name"] or first
            details["subscriber_last_name"] = last
        for part, what in (("last_name", "last name"), ("first_name", "first name")):
            if not details[f"subscriber_{part}"]:
                problems.append(Problem(f"{rank}_subscriber_{part}", f"the subscriber's {what} is "
                                        "required (the patient is not the subscriber)"))
        born, problem = parse_date(text("date_of_birth"), f"{rank}_subscriber_date_of_birth",
                                   not_future=True, today=today)
        details["subscriber_date_of_birth"] = born
        if details["subscriber_sex"] not in SEXES:
            problems.append(Problem(f"{rank}_subscriber_sex", "type M, F or U (unknown)"))
        problems += [p for p in (problem,
                                 check_state(details["subscriber_state"], f"{rank}_subscriber_state"),
                                 check_zip(details["subscriber_zip_code"], f"{rank}_subscriber_zip_code"))
                     if p]
        coverage.update(details)
        if not coverage["subscriber_name"] or coverage["subscriber_name"] == " ".join(
                p for p in (values.get("first_name"), values.get("last_name")) if p):
            coverage["subscriber_name"] = f"{details['subscriber_first_name']} " \
                                          f"{details['subscriber_last_name']}".strip()
    return problems


def find_payer(name: str) -> Payer | None:
    name = (name or "").strip()
    if not name:
        return None
    return Payer.get_or_none(fn.LOWER(Payer.name) == name.lower())


def _find_plan(payer: Payer, name: str, field: str) -> tuple[Plan | None, Problem | None]:
    plans = list(payer.plans.where(Plan.active == True))  # noqa: E712 - peewee expression
    if not name:
        if len(plans) == 1:
            return plans[0], None
        return None, Problem(field, f"choose the {payer.name} plan "
                                    f"({', '.join(p.name for p in plans) or 'it has none'})")
    for plan in plans:
        if plan.name.lower() == name.lower():
            return plan, None
    return None, Problem(field, f"{payer.name} has no plan named '{name}'")


def describe_pattern(payer: Payer) -> str:
    """The payer's member id pattern in words, with an example (``id_patterns.describe``)."""
    return describe(payer.member_id_pattern)


def payer_names() -> list[str]:
    return [p.name for p in Payer.select(Payer.name).where(Payer.active == True).order_by(Payer.name)]  # noqa: E712


def plan_names(payer_name: str) -> list[str]:
    payer = find_payer(payer_name)
    if payer is None:
        return []
    return [p.name for p in payer.plans.where(Plan.active == True).order_by(Plan.name)]  # noqa: E712


def sort_name(values: dict) -> str:
    """The key the account list sorts and searches by: an organisation by its own name (as the
    list shows it), a person by surname then first name."""
    person = (values.get("last_name"), values.get("first_name"))
    if values.get("kind") == "customer" and values.get("organization"):
        return " ".join(p for p in (values["organization"], *person) if p).lower()
    return " ".join(p for p in (*person, values.get("organization")) if p).lower()
