"""The CARC and RARC codes a payer explains its remittance with: public code values, their short
descriptions seeded from resources/codes and editable by the office."""

from __future__ import annotations

from ...errors import ValidationError
from ...models import RemitCode, User
from ..office import audit
from ..office.transactions import in_transaction


def codes(kind: str | None = None) -> list[RemitCode]:
    query = RemitCode.select().order_by(RemitCode.kind, RemitCode.code)
    if kind:
        query = query.where(RemitCode.kind == kind)
    return list(query)


def describe(kind: str, code: str) -> str:
    found = RemitCode.get_or_none(RemitCode.kind == kind, RemitCode.code == code)
    return found.description if found else ""


def set_description(kind: str, code: str, description: str, by: User) -> RemitCode:
    """Change (or add) a code's short description."""
    if kind not in ("CARC", "RARC"):
        raise ValidationError("the kind is CARC or RARC", "kind")
    code, description = (code or "").strip().upper(), (description or "").strip()
    if not code:
        raise ValidationError("type the code", "code")
    if not description:
        raise ValidationError("type a description", "description")
    with in_transaction():
        found = RemitCode.get_or_none(RemitCode.kind == kind, RemitCode.code == code)
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
