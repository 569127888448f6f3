"""Checks shared by forms, imports and the command line: each returns a Problem or None."""

from __future__ import annotations

import datetime as dt
import re

from ...errors import Problem, ValidationError

US_STATES = frozenset("""AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS
MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR VI GU AS MP""".split())
_ZIP = re.compile(r"^[0-9]{5}(-?[0-9]{4})?$")
# C0 controls, DEL and C1 controls; a field of several lines may hold tab, CR and LF. Also the
# hidden characters that turn the text around them (bidirectional embeddings, overrides and
# isolates): shown in a list or on paper, "Abc<U+202E>evil" reads "Abclive".
_TURNING = "\u202a-\u202e\u2066-\u2069"
_CONTROL = re.compile(f"[\x00-\x1f\x7f-\x9f{_TURNING}]")
_CONTROL_MULTILINE = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_TURNING}]")


def check_text(value, field: str, *, multiline: bool = False) -> Problem | None:
    """Refuse control characters (a bell, an escape, C1 codes) in a text field.

    The one check behind every form and import; only a field of several lines (notes) may
    hold tabs and line breaks.
    """
    if not isinstance(value, str):
        return None
    found = (_CONTROL_MULTILINE if multiline else _CONTROL).search(value)
    if found is None:
        return None
    what = ("a hidden character that turns the text around it" if found.group() >= "\u2000"
            else "a control character")
    return Problem(field, f"holds {what} (U+{ord(found.group()):04X}) at position "
                          f"{found.start() + 1}; retype it without")


def check_texts(values: dict, fields, multiline=()) -> list[Problem]:
    """check_text over several fields of a dict; returns every problem."""
    problems = [check_text(values.get(name), name, multiline=name in multiline) for name in fields]
    return [p for p in problems if p]


def parse_date(text: str | dt.date | None, field: str, *, required: bool = False,
               not_future: bool = False,
               today: dt.date | None = None) -> tuple[dt.date | None, Problem | None]:
    """Accept MM/DD/YYYY or YYYY-MM-DD; refuse dates that do not exist."""
    if isinstance(text, dt.datetime):
        text = text.date()
    value: dt.date | None
    if isinstance(text, dt.date):
        value = text
    else:
        raw = (text or "").strip()
        if not raw:
            return None, Problem(field, "a date is required") if required else None
        value = None
        for pattern in ("%m/%d/%Y", "%Y-%m-%d", "%m-%d-%Y"):
            try:
                value = dt.datetime.strptime(raw, pattern).date()
                break
            except ValueError:
                continue
        if value is None:
            return None, Problem(field, f"'{raw}' is not a date that exists (type MM/DD/YYYY)")
    if value.year < 1900:
        return None, Problem(field, "the year must be 1900 or later")
    if not_future and value > (today or dt.date.today()):
        return None, Problem(field, "may not be in the future")
    return value, None


def effective_date(typed: str | dt.date | None, entered: dt.date,
                   field: str = "adjusted_on") -> dt.date:
    """The day an adjustment, return, write-off or refund takes effect: typed (MM/DD/YYYY) or a
    date, never after the day it is entered (today); blank: that day."""
    if typed is None or (isinstance(typed, str) and not typed.strip()):
        return entered
    day, problem = parse_date(typed, field, required=True, not_future=True, today=entered)
    if problem:
        raise ValidationError([problem])
    assert day is not None
    return day


def not_before(day: dt.date, earliest: dt.date | None, what: str, field: str = "adjusted_on") -> None:
    """A day may not come before what it belongs to (the service, the payment)."""
    if earliest is not None and day < earliest:
        raise ValidationError(f"{day:%m/%d/%Y} is before {what} ({earliest:%m/%d/%Y})", field)


def check_zip(value: str, field: str = "zip_code") -> Problem | None:
    if value and not _ZIP.match(value.strip()):
        return Problem(field, "a ZIP code has 5 or 9 digits (12345 or 12345-6789)")
    return None


def check_state(value: str, field: str = "state") -> Problem | None:
    if value and value.strip().upper() not in US_STATES:
        return Problem(field, f"'{value}' is not a US state code (two letters, like NY)")
    return None


# The office's telephone region: a number typed without a country code is read as one of its own.
OFFICE_REGION = "US"


def normalize_phone(value: str, field: str = "phone") -> tuple[str, Problem | None]:
    """A phone number the office's region could dial, in the form (217) 555-0123, or a problem.

    is_valid_number, not is_possible_number: a 7-digit local number ("555-0100") has no area
    code, and an area code that does not exist ("(555) 123-4567") is refused too."""
    raw = (value or "").strip()
    if not raw:
        return "", None
    import phonenumbers

    try:
        number = phonenumbers.parse(raw, OFFICE_REGION)
    except phonenumbers.NumberParseException:
        return raw, Problem(field, f"'{raw}' is not a phone number")
    if not phonenumbers.is_possible_number(number):
        return raw, Problem(field, f"'{raw}' is not a phone number (10 digits for the US)")
    if not phonenumbers.is_valid_number(number):
        return raw, Problem(field, f"'{raw}' is not a phone number here: type the area code and "
                                   "all 10 digits, like (217) 555-0123")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL), None


def normalize_email(value: str, field: str = "email") -> tuple[str, Problem | None]:
    raw = (value or "").strip()
    if not raw:
        return "", None
    from email_validator import EmailNotValidError, validate_email

    try:
        return validate_email(raw, check_deliverability=False).normalized, None
    except EmailNotValidError as exc:
        return raw, Problem(field, str(exc))


def parse_int(text, field: str, *, minimum: int | None = None, maximum: int | None = None,
              required: bool = True) -> tuple[int | None, Problem | None]:
    if isinstance(text, bool):
        return None, Problem(field, "must be a whole number")
    if isinstance(text, int):
        value = text
    else:
        raw = str(text or "").strip()
        if not raw:
            return None, Problem(field, "a number is required") if required else None
        if not re.fullmatch(r"-?[0-9]+", raw):
            return None, Problem(field, f"'{raw}' is not a whole number")
        value = int(raw)
    if minimum is not None and value < minimum:
        return None, Problem(field, f"must be at least {minimum}")
    if maximum is not None and value > maximum:
        return None, Problem(field, f"must be at most {maximum}")
    return value, None
