"""The clerk's word for every field a refusal names: the services name fields as the code does
(``promise_amount``, ``lines[2].quantity``, ``guarantor_zip_code``, ``patient.date_of_birth``);
what the clerk reads is "Promise amount", "Line 2, quantity", "Guarantor's ZIP", "Patient's date
of birth". ``errors.Problem`` says itself with these words, so no internal name reaches a
message, a message line or the command line; a screen may still say its own label instead
(``ui/field_errors.FieldErrors``). A base module like money.py: no peewee, no Qt.

``label(field)`` is None for a name nobody gave words to (tests/test_field_names.py walks every
field name the services refuse and fails on one); ``words(field)`` always answers.
"""

from __future__ import annotations

import re

LABELS: dict[str, str] = {
    # people, accounts and their insurance
    "first_name": "First name", "last_name": "Last name", "middle_name": "Middle name",
    "suffix": "Suffix", "organization": "Organization", "kind": "Kind", "sex": "Sex",
    "date_of_birth": "Date of birth", "street": "Street", "street2": "Apt / suite", "city": "City",
    "state": "State", "zip_code": "ZIP", "phone": "Phone", "phone_alt": "Other phone", "email": "Email",
    "relationship": "Relationship", "statement_delivery": "Statements by",
    "payment_terms_days": "Payment terms (days)", "billing_cycle_day": "Billing cycle day",
    "credit_limit": "Credit limit", "preferred_contact": "Preferred contact", "notes": "Notes",
    "payer": "Insurance company", "plan": "Plan", "member_id": "Member id",
    "group_number": "Group number", "subscriber_name": "Subscriber", "start_date": "Start date",
    "end_date": "End date", "esrd_started_on": "Medicare ESRD period from",
    "account": "Account", "status": "Status", "subject": "Subject",
    "note": "Note", "resolution": "Resolution", "date": "Date", "expected_count": "Tickets in the stack",
    "expected_total": "Total of the stack",
    # invoices, catalogue, payments and adjustments
    "service_date": "Date of service", "diagnoses": "Diagnoses", "diagnosis": "Diagnosis",
    "prior_authorization": "Prior authorization", "lines": "Lines", "line": "Line", "code": "Code",
    "quantity": "Quantity", "unit_price": "Price", "unit_cost": "Cost", "modifiers": "Modifiers",
    "pointers": "Diagnosis pointers", "price_reason": "Why the price differs", "description": "Description",
    "category": "Category", "allowed": "Allowed", "invoice": "Invoice", "amount": "Amount",
    "credit": "Credit", "method": "Method", "reference": "Reference", "received_on": "Received on",
    "allocation": "Apply", "reason": "Reason", "paid": "Paid", "adjusted_on": "Date",
    "patient_responsibility": "Patient responsibility", "threshold": "Credit approval threshold",
    "Check total": "Check total", "order_date": "Order date", "requested_date": "Requested date",
    "delivered_on": "Date delivered",
    # payers, plans and claims
    "name": "Name", "payer_id": "Payer id", "address": "Claims address", "fax": "Fax",
    "portal": "Portal address", "timely_filing_days": "Timely filing (days)",
    "follow_up_days": "Follow-up after (days)", "claim_mode": "Claims by",
    "member_id_pattern": "Member id pattern", "payer_active": "Payer active", "plan_name": "Plan name",
    "program": "Program", "coverage.rank": "Coverage (primary or secondary)",
    "copay": "Copay", "deductible": "Deductible", "coinsurance": "Coinsurance % (patient)",
    "out_of_pocket_max": "Out-of-pocket max", "deductible_met": "Deductible met",
    "out_of_pocket_met": "Out-of-pocket met", "rule": "Rule", "claim": "Claim", "claims": "Claims",
    "mode": "Send by", "payer_claim_number": "Payer's claim number", "npi": "NPI",
    "tax_id": "Tax id", "tax_id_kind": "Tax id kind", "taxonomy": "Taxonomy code", "role": "Role",
    "submitter_name": "Submitter name", "submitter_id": "Submitter id", "contact_name": "Contact name",
    "contact_phone": "Contact phone", "receiver_name": "Receiver name", "receiver_id": "Receiver id",
    "production": "Files are", "printer": "Printer", "offset_x": "Offset right",
    "offset_y": "Offset down", "direction": "Who called", "topic": "Topic",
    "question": "Question", "answer": "Answer", "called_on": "Called on", "on": "About",
    "follow_up_on": "Follow-up date", "argument": "Why the payer should pay",
    "rendering_provider": "Rendering provider", "referring_provider": "Referring provider",
    # collections
    "outcome": "Outcome", "follow_up": "Follow up on", "promise_amount": "Promise amount",
    "promise_date": "Promise date", "hold": "Hold", "hold_reason": "Why held", "total": "Total",
    "installments": "Installments", "first_due": "First due", "every_days": "Every (days)",
    "agency": "Agency", "show": "Show", "bucket": "Aging bucket", "sort": "Sort by",
    "days_past_due": "Days past due", "action": "Action", "letter_template": "Letter",
    # users and sign-in
    "user name": "User name", "password": "Password", "current password": "Current password",
    "new password": "New password", "temporary password": "Temporary password",
    # reports, files and the command line
    "from": "From", "to": "To", "as-of": "As of", "report": "Report", "view": "View",
    "format": "Format", "out": "Output file", "db": "Database", "minimum": "Minimum", "file": "File",
    "keep": "Keep",
}

# A part before a dot, or a prefix, says whose field it is: "patient.sex", "guarantor_phone".
OWNERS = {"patient": "Patient's", "subscriber": "Subscriber's", "payer": "Payer's",
          "office": "Billing provider's", "invoice": "", "rendering_provider": "Rendering provider's",
          "referring_provider": "Referring provider's"}
PREFIXES = {"guarantor": "Guarantor's", "subscriber": "Subscriber's", "primary": "Primary",
            "secondary": "Secondary", "plan": "Plan"}
ROWS = {"lines": "Line", "diagnoses": "Diagnosis", "stages": "Stage", "claims": "Claim"}
_INDEXED = re.compile(r"(\w+)\[(\d+)\](?:\.(\w+))?")
_OWNED = re.compile(r"(\w+)\.(\w+)")
_CLAIM = re.compile(r"claim (\S+) (.+)")
_SHEET = re.compile(r"([A-Z][\w ]*): (\w+)")  # an import file's sheet and column: "Catalogue: code"

_registered: dict[str, str] = {}


def register(labels: dict[str, str]) -> None:
    """Words for fields declared elsewhere with their own titles (the office settings)."""
    _registered.update(labels)


def lowered(text: str) -> str:
    """The label inside a longer one: "ZIP" and "NPI" keep their capitals."""
    first = text.split(" ", 1)[0]
    return text if len(first) > 1 and first.isupper() else text[:1].lower() + text[1:]


def _joined(head: str, tail: str | None) -> str | None:
    if tail is None:
        return None
    return f"{head} {lowered(tail)}" if head else tail


def label(field: str) -> str | None:
    """The clerk's words for ``field``, or None when nobody gave it any."""
    found = LABELS.get(field) or _registered.get(field)
    if found:
        return found
    if match := _INDEXED.fullmatch(field):
        base, number, part = match.groups()
        head = ROWS.get(base)
        if head is None:
            return None
        tail = label(part) if part else ""
        return None if tail is None else f"{head} {number}" + (f", {lowered(tail)}" if tail else "")
    if match := _OWNED.fullmatch(field):
        owner, part = match.groups()
        return _joined(OWNERS[owner], label(part)) if owner in OWNERS else None
    if match := _CLAIM.fullmatch(field):
        inner = label(match.group(2))
        return None if inner is None else f"Claim {match.group(1)}, {lowered(inner)}"
    if match := _SHEET.fullmatch(field):
        return f"{match.group(1)} sheet, column {match.group(2).replace('_', ' ')}"
    if field.endswith(" (again)") and (base := label(field.removesuffix(" (again)"))):
        return f"{base} (again)"
    head, _sep, rest = field.partition("_")
    if rest and head in PREFIXES:
        return _joined(PREFIXES[head], label(rest))
    return None


def words(field: str) -> str:
    """``label(field)``, or the name itself made readable: never the bare internal name."""
    found = label(field)
    if found:
        return found
    text = re.sub(r"[_.]+", " ", field).strip()
    return text[:1].upper() + text[1:]
