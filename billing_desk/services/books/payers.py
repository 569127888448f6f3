"""Payers kept by the office: who they are and how their claims go out (address, electronic payer
id, paper or electronic, timely-filing limit, member-id format). Deactivated, never deleted;
every change audited with what it was before and after."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from decimal import Decimal

from peewee import fn

from ...choices import CLAIM_MODES, DEFAULT_PAYER_PROGRAM, PAYER_PROGRAMS
from ...errors import Problem, ValidationError
from ...models import CatalogueItem, FeeSchedule, Payer, Plan, User
from ..office import audit, stale
from ..office.transactions import in_transaction
from ..office.validation import normalize_phone

#: What is kept on a payer, in the order the screen and the import show it.
FIELDS = ("name", "program", "payer_id", "address", "phone", "fax", "portal", "timely_filing_days",
          "follow_up_days", "claim_mode", "member_id_pattern", "notes")
LABELS = {"name": "payer name", "program": "program", "payer_id": "electronic payer id",
          "address": "claims address", "phone": "phone", "fax": "fax", "portal": "portal address",
          "timely_filing_days": "timely filing (days)",
          "follow_up_days": "follow-up after (days without an answer)", "claim_mode": "claims by",
          "member_id_pattern": "member id pattern", "notes": "notes"}
MODE_WORDS = {"e": "electronic", "electronic": "electronic", "edi": "electronic", "837": "electronic",
              "p": "paper", "paper": "paper", "cms-1500": "paper", "cms1500": "paper"}
_PAYER_ID = re.compile(r"[A-Za-z0-9]{2,15}")
_PORTAL = re.compile(r"(https?://)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+(:\d+)?([/?#]\S*)?", re.IGNORECASE)
#: Other words for a program (besides its own word, its label and its filing code when no other
#: program shares that code), spaced and in small letters as ``_plain`` makes them.
PROGRAM_WORDS = {"group": "commercial", "group health": "commercial", "group health plan": "commercial",
                 "commercial insurance": "commercial", "blue cross": "bcbs",
                 "blue cross blue shield": "bcbs", "champus": "tricare", "part b": "medicare",
                 "medicare b": "medicare", "medicare part b": "medicare", "part a": "medicare_a",
                 "medicare part a": "medicare_a", "workers compensation": "workers_comp",
                 "no fault": "auto", "automobile": "auto", "hmo medicare risk": "medicare_advantage"}
MAX_FILING_DAYS = 3650
MAX_FOLLOW_UP_DAYS = 365
DEFAULT_FOLLOW_UP_DAYS = 30


@dataclass
class PayerForm:
    """A payer as typed: every value is text until it is checked."""

    name: str = ""
    payer_id: str = ""
    address: str = ""
    phone: str = ""
    fax: str = ""
    portal: str = ""
    timely_filing_days: str = ""
    follow_up_days: str = ""  # blank: 30
    claim_mode: str = "electronic"
    member_id_pattern: str = ""
    notes: str = ""
    program: str = ""  # blank: commercial


def clean_payer(form: PayerForm, payer_id: int | None = None) -> tuple[dict, list[Problem]]:
    """The values to save and every problem, each naming its field."""
    text = {f.name: str(getattr(form, f.name) or "").strip() for f in fields(PayerForm)}
    values: dict = dict(text)
    problems: list[Problem] = []
    if not text["name"]:
        problems.append(Problem("name", "the payer needs a name"))
    else:
        clash = Payer.get_or_none(fn.LOWER(Payer.name) == text["name"].lower())
        if clash is not None and clash.id != payer_id:
            problems.append(Problem("name", f"there is already a payer named '{clash.name}'"))
    values["claim_mode"] = MODE_WORDS.get(text["claim_mode"].lower() or "electronic")
    if values["claim_mode"] not in CLAIM_MODES:
        problems.append(Problem("claim_mode", "claims go by paper or electronic (p or e)"))
    if text["payer_id"] and not _PAYER_ID.fullmatch(text["payer_id"]):
        problems.append(Problem("payer_id", "an electronic payer id is 2 to 15 letters and digits "
                                "(as the clearinghouse lists it, like 60054)"))
    elif not text["payer_id"] and values["claim_mode"] == "electronic":
        problems.append(Problem("payer_id", "electronic claims need the payer id"))
    values["payer_id"] = text["payer_id"].upper()
    if values["claim_mode"] == "paper" and not text["address"]:
        problems.append(Problem("address", "paper claims need the claims mailing address"))
    for name in ("phone", "fax"):
        values[name], problem = normalize_phone(text[name], name)
        if problem:
            problems.append(problem)
    if text["portal"] and not _PORTAL.fullmatch(text["portal"]):
        problems.append(Problem("portal", f"'{text['portal']}' is not a web address "
                                "(like https://provider.example.com)"))
    values["program"], problem = parse_program(text["program"])
    if problem:
        problems.append(problem)
    values["timely_filing_days"] = _days(text["timely_filing_days"], problems)
    values["follow_up_days"] = _follow_up_days(text["follow_up_days"], problems)
    if text["member_id_pattern"]:
        try:
            re.compile(text["member_id_pattern"])
        except re.error as exc:
            problems.append(Problem("member_id_pattern", f"not a valid pattern ({exc})"))
    return values, problems


def _plain(text: str) -> str:
    """Small letters and single spaces, without apostrophes, brackets, dashes or underscores."""
    return " ".join(re.sub(r"[-_/,()]", " ", text.lower().replace("'", "")).split())


def program_choices() -> list[tuple[str, str]]:
    """(word kept, what the clerk reads) for every program, in the order the screen lists them."""
    return [(key, program.label) for key, program in PAYER_PROGRAMS.items()]


def parse_program(text: str) -> tuple[str, Problem | None]:
    """A program as typed (its word, its label, another word for it, or a filing code no other
    program shares) as its word; blank is commercial."""
    plain = _plain(text or "")
    if not plain:
        return DEFAULT_PAYER_PROGRAM, None
    known = {_plain(key): key for key in PAYER_PROGRAMS}
    known |= {_plain(program.label): key for key, program in PAYER_PROGRAMS.items()}
    known |= PROGRAM_WORDS
    if plain in known:
        return known[plain], None
    by_code = [key for key, program in PAYER_PROGRAMS.items() if program.filing_code.lower() == plain]
    if len(by_code) == 1:
        return by_code[0], None
    words = ", ".join(PAYER_PROGRAMS)
    if by_code:
        names = "; ".join(PAYER_PROGRAMS[key].label for key in by_code)
        return DEFAULT_PAYER_PROGRAM, Problem("program", f"'{text.strip()}' is the filing code of "
                                              f"several programs ({names}): choose one of {words}")
    return DEFAULT_PAYER_PROGRAM, Problem("program", f"'{text.strip()}' is not a program: choose one "
                                          f"of {words}")


def _days(text: str, problems: list[Problem]) -> int | None:
    if not text:
        return None
    if not text.isdigit() or not 1 <= int(text) <= MAX_FILING_DAYS:
        problems.append(Problem("timely_filing_days",
                                f"a number of days from 1 to {MAX_FILING_DAYS} (blank: not known)"))
        return None
    return int(text)


def _follow_up_days(text: str, problems: list[Problem]) -> int:
    """Days a claim waits for the payer's answer before it is chased (blank: 30)."""
    if not text:
        return DEFAULT_FOLLOW_UP_DAYS
    if not text.isdigit() or not 1 <= int(text) <= MAX_FOLLOW_UP_DAYS:
        problems.append(Problem("follow_up_days", f"a number of days from 1 to {MAX_FOLLOW_UP_DAYS} "
                                f"(blank: {DEFAULT_FOLLOW_UP_DAYS})"))
        return DEFAULT_FOLLOW_UP_DAYS
    return int(text)


def validate_payer(form: PayerForm, payer_id: int | None = None) -> list[Problem]:
    return clean_payer(form, payer_id)[1]


def save_payer(payer_id: int | None, form: PayerForm, by: User, *, loaded_as: str = "") -> Payer:
    """Add a payer (``payer_id`` None) or change one; ValidationError names every bad field.
    ``loaded_as`` (``payer_version`` when the screen showed it): a save over a change made
    since is refused (StaleRecordError), nothing saved."""
    values, problems = clean_payer(form, payer_id)
    if problems:
        raise ValidationError(problems)
    with in_transaction():
        payer = (stale.check_current(Payer, payer_id, loaded_as, lambda p: f"Payer {p.name}")
                 if payer_id else Payer())
        before = audit.snapshot(payer, *FIELDS) if payer_id else None
        for name in FIELDS:
            setattr(payer, name, values[name])
        payer.save()
        audit.record(by, "update" if payer_id else "create", payer, summary=f"payer {payer.name}",
                     before=before, after=audit.snapshot(payer, *FIELDS))
    return payer


def set_active(payer_id: int, active: bool, by: User, *, loaded_as: str = "") -> Payer:
    """Deactivate a payer (it leaves the lists; its plans, coverages and history stay) or bring
    it back. A payer is never deleted."""
    with in_transaction():
        payer = Payer.get_by_id(payer_id)
        stale.refuse_if_changed(loaded_as, stale.version_of(payer), f"Payer {payer.name}",
                                table="payer", record_id=payer_id)
        before = audit.snapshot(payer, "active")
        payer.active = active
        payer.save()
        audit.record(by, "reactivate" if active else "deactivate", payer,
                     summary=f"payer {payer.name}", before=before, after=audit.snapshot(payer, "active"))
    return payer


def deactivate_payer(payer_id: int, by: User) -> Payer:
    return set_active(payer_id, False, by)


def reactivate_payer(payer_id: int, by: User) -> Payer:
    return set_active(payer_id, True, by)


def search_payers(text: str = "", include_inactive: bool = True) -> list[Payer]:
    """Payers whose name or payer id holds ``text``, active ones first, by name."""
    return list(payers_query(text, None if include_inactive else "active"))


def payer_version(payer_id: int | None) -> str:
    """What a screen showing the payer hands back when it saves (see services.office.stale)."""
    return stale.version(Payer, payer_id)


def get_payer(payer_id: int) -> Payer:
    return Payer.get_by_id(payer_id)


def payer_form(payer_id: int) -> PayerForm:
    """A saved payer as the form shows it."""
    payer = Payer.get_by_id(payer_id)
    values = {name: getattr(payer, name) for name in FIELDS}
    values["timely_filing_days"] = "" if payer.timely_filing_days is None else str(payer.timely_filing_days)
    values["follow_up_days"] = str(payer.follow_up_days)
    return PayerForm(**values)


def payer_plans(payer_id: int) -> list[Plan]:
    return list(Plan.select().where(Plan.payer == payer_id).order_by(Plan.name))


def payers_query(text: str = "", status: str | None = None):
    """The Payers screen's list (searched in SQL, paged by the list): name or payer id."""
    query = Payer.select()
    words = (text or "").strip().lower()
    if words:
        query = query.where(fn.LOWER(Payer.name).contains(words) | fn.LOWER(Payer.payer_id).contains(words))
    if status in ("active", "inactive"):
        query = query.where(Payer.active == (status == "active"))
    return query.order_by(Payer.active.desc(), Payer.name)


def payer_fees(payer_id: int) -> list[tuple[str, str, Decimal | None]]:
    """(code, description, allowed or None) for every active catalogue code under one payer."""
    fees = {f.item_id: f.allowed for f in FeeSchedule.select().where(FeeSchedule.payer == payer_id)}
    return [(i.code, i.description, fees.get(i.id)) for i in
            CatalogueItem.select().where(CatalogueItem.active == True)  # noqa: E712
            .order_by(CatalogueItem.code)]
