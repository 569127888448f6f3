"""Finding an account by whatever a clerk types: name, number, phone, email, birth date,
member id. Every list that searches accounts (accounts, invoices, payments, orders, cases)
uses this one condition, so each key is served by an index."""

from __future__ import annotations

from ...models import Account, Coverage
from ..office.validation import normalize_phone, parse_date as _pd


def search_condition(text: str):
    """A WHERE clause that an index can serve for each kind of key a clerk types."""
    text = text.strip()
    lowered = text.lower()
    digits = "".join(ch for ch in text if ch.isdigit())
    cond = (Account.sort_name >= lowered) & (Account.sort_name < lowered + "\uffff")
    if "," in text:
        last, _, first = lowered.partition(",")
        key = f"{last.strip()} {first.strip()}".strip()
        cond = cond | ((Account.sort_name >= key) & (Account.sort_name < key + "\uffff"))
    if digits and digits == text:
        cond = cond | (Account.number == text)
    if "@" in text:
        cond = cond | ((Account.email >= lowered) & (Account.email < lowered + "\uffff"))
    if len(digits) >= 7 and not any(c.isalpha() for c in text):
        phone, problem = normalize_phone(text)
        if not problem:
            cond = cond | (Account.phone == phone)
    if "/" in text or (len(text) == 10 and text[4:5] == "-"):
        dob, problem = _pd(text, "search")
        if dob and not problem:
            cond = cond | (Account.date_of_birth == dob)
    if len(text) >= 4 and " " not in text and "@" not in text and "/" not in text:
        members = Coverage.select(Coverage.account).where(Coverage.member_id.in_(
            sorted({text, text.upper()})))
        cond = cond | Account.id.in_(members)
    return cond
