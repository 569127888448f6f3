"""A person's name said one way everywhere, middle name and suffix included. A base module like
money.py: no peewee, no Qt.

``listed`` is the name lists, reports and statements show, surname first ("Lee, Ann Marie Jr");
``written`` is the name as it is written on an envelope ("Ann Marie Lee Jr"). The claim forms
have their own boxes for the parts (837P NM103-NM107, CMS-1500 boxes 2 and 4) and write them
there themselves.
"""

from __future__ import annotations

# The account columns a report query selects to say the name with ``listed(*row)``.
SQL_COLUMNS = "a.last_name, a.first_name, a.middle_name, a.suffix, a.organization, a.kind"


def _join(*parts: str | None) -> str:
    # p.isspace() is "nothing left once stripped" (strip and isspace share one idea of white
    # space): each part is stripped once; a report says 35,000 names at a time.
    return " ".join([p.strip() for p in parts if p and not p.isspace()])


def listed(last: str | None, first: str | None, middle: str | None = "", suffix: str | None = "",
           organization: str | None = "", kind: str | None = "patient") -> str:
    """Surname first: "Lee, Ann Marie Jr"; a customer with an organisation by its own name
    ("Harbor Supply (Lee, Ann)")."""
    given = " ".join([p.strip() for p in (first, middle, suffix) if p and not p.isspace()])
    last = last.strip() if last else ""
    person = f"{last}, {given}" if last and given else last or given
    if kind == "customer" and organization:
        organization = organization.strip()
        if organization:
            return f"{organization} ({person})" if person else organization
    return person or (organization or "").strip()


def written(first: str | None, middle: str | None, last: str | None, suffix: str | None = "") -> str:
    """As on an envelope: "Ann Marie Lee Jr"."""
    return _join(first, middle, last, suffix)
