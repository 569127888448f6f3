"""The CARC and RARC codes a payer explains its remittance with: public code values, their short
descriptions seeded from resources/codes and editable by the office."""

from __future__ import annotations

from peewee import fn

from ...errors import ValidationError
from ...models import RemitCode, User
from ..office import audit, stale
from ..office.transactions import in_transaction


def codes(kind: str | None = None, text: str = "") -> list[RemitCode]:
    """The codes, CARC before RARC, in code order (numbers as numbers); ``text``: a code, or words
    of the description."""
    query = RemitCode.select()
    if kind:
        query = query.where(RemitCode.kind == kind)
    text = (text or "").strip()
    if text:
        query = query.where((fn.UPPER(RemitCode.code) == text.upper())
                            | RemitCode.description.contains(text))
    return sorted(query, key=_order)


def _order(code: RemitCode) -> tuple:
    """CARC 1, 2, ... 253, then A1, ...; RARC M1, ..., MA01, ..., N1, ... (numbers as numbers)."""
    digits = "".join(ch for ch in code.code if ch.isdigit())
    return (code.kind, code.code.rstrip("0123456789"), int(digits or 0), code.code)


def describe(kind: str, code: str) -> str:
    found = RemitCode.get_or_none(RemitCode.kind == kind, RemitCode.code == code)
    return found.description if found else ""


def code_version(kind: str | RemitCode, code: str = "") -> str:
    """What a screen showing the code's description hands back when it saves (office.stale):
    of the row a list shows, or by kind and code."""
    if isinstance(kind, RemitCode):
        return stale.version_of(kind)
    return stale.version_of(RemitCode.get_or_none(RemitCode.kind == kind,
                                                  RemitCode.code == (code or "").strip().upper()))


def set_description(kind: str, code: str, description: str, by: User, *, loaded_as: str = "") -> RemitCode:
    """Change (or add) a code's short description. ``loaded_as`` (``code_version``): a save
    over a description changed since is refused."""
    if kind not in ("CARC", "RARC"):
        raise ValidationError("the kind is CARC or RARC", "kind")
    code, description = (code or "").strip().upper(), (description or "").strip()
    if not code:
        raise ValidationError("type the code", "code")
    if not description:
        raise ValidationError("type a description", "description")
    with in_transaction():
        found = RemitCode.get_or_none(RemitCode.kind == kind, RemitCode.code == code)
        if loaded_as:
            stale.refuse_if_changed(loaded_as, stale.version_of(found), f"{kind} code {code}",
                                    table="remit_code", record_id=found.id if found else None)
        before = audit.snapshot(found, "description") if found else None
        if found is None:
            found = RemitCode.create(kind=kind, code=code, description=description)
        else:
            found.description = description
            found.save()
        audit.record(by, "update" if before else "create", found, before=before,
                     after=audit.snapshot(found, "description"),
                     summary=f"{kind} {code}: {description}")
    return found
