"""Cases on an account: a query from collections or a billing issue, its notes and resolution."""

from __future__ import annotations

from ...errors import RuleError, ValidationError
from ...models import Account, Case, CaseNote, User, now
from ..office import audit, stale
from ..office.transactions import in_transaction


def open_case(account_id: int, subject: str, by: User, *, kind: str = "query",
              held_by: User | None = None, note: str = "", from_collections: bool = False) -> Case:
    if not (subject or "").strip():
        raise ValidationError("say what the case is about", "subject")
    if kind not in ("query", "issue"):
        raise ValidationError("a case is a query or an issue", "kind")
    with in_transaction():
        case = Case.create(account=account_id, kind=kind, subject=subject.strip(), opened_by=by,
                           held_by=held_by or by, from_collections=from_collections)
        if note.strip():
            CaseNote.create(case=case, by=by, text=note.strip())
        audit.record(by, "create", case, summary=f"opened {kind}: {subject}")
    return case


def add_note(case_id: int, text: str, by: User, *, status: str | None = None,
             loaded_as: str = "") -> CaseNote:
    """A note only adds; with ``status`` (open, waiting) it also sets the case's status, so
    ``loaded_as`` (``case_version`` of the row shown) refuses it over a change made since."""
    if not (text or "").strip():
        raise ValidationError("the note is empty", "note")
    with in_transaction():
        case = _case(case_id, loaded_as if status in ("open", "waiting") else "")
        if case.status == "resolved":
            raise RuleError("This case is resolved; reopen it to add notes.")
        note = CaseNote.create(case=case, by=by, text=text.strip())
        if status in ("open", "waiting"):
            case.status = status
            case.save()
        audit.record(by, "note", case, summary=f"case note: {text[:60]}")
    return note


SHOWN = ("status", "resolution", "held_by")


def case_version(case: Case) -> str:
    """What a list showing the case (its row) hands back when it resolves or reassigns it."""
    return stale.version_of(case, fields=SHOWN)


def _case(case_id: int, loaded_as: str) -> Case:
    return stale.check_current(Case, case_id, loaded_as, lambda c: f"Case '{c.subject}'", SHOWN)


def resolve_case(case_id: int, resolution: str, by: User, *, loaded_as: str = "") -> Case:
    """``loaded_as`` (``case_version`` of the row shown): refused when the case changed since
    (another clerk resolved it, or took it), nothing saved."""
    if not (resolution or "").strip():
        raise ValidationError("say how it was resolved", "resolution")
    with in_transaction():
        case = _case(case_id, loaded_as)
        before = audit.snapshot(case, "status", "resolution")
        case.status, case.resolution, case.resolved_at = "resolved", resolution.strip(), now()
        case.save()
        audit.record(by, "resolve", case, summary=f"resolved: {resolution}", before=before,
                     after=audit.snapshot(case, "status", "resolution"))
    return case


def reassign_case(case_id: int, to: User, by: User, *, loaded_as: str = "") -> Case:
    with in_transaction():
        case = _case(case_id, loaded_as)
        before = audit.snapshot(case, "held_by")
        case.held_by = to
        case.save()
        audit.record(by, "reassign", case, summary=f"case given to {to.username}", before=before,
                     after=audit.snapshot(case, "held_by"))
    return case


def reopen_case(case_id: int, reason: str, by: User, *, loaded_as: str = "") -> Case:
    """A resolved case comes back (the answer did not hold); the reason is kept as a note.
    ``loaded_as`` (``case_version``): refused when the case changed since (another clerk
    reopened it and resolved it again with another resolution), nothing saved."""
    if not (reason or "").strip():
        raise ValidationError("say why the case is reopened", "reason")
    with in_transaction():
        case = _case(case_id, loaded_as)
        if case.status != "resolved":
            raise RuleError("This case is not resolved.")
        before = audit.snapshot(case, "status", "resolution")
        case.status, case.resolved_at = "open", None
        case.save()
        CaseNote.create(case=case, by=by, text=f"Reopened: {reason.strip()}")
        audit.record(by, "reopen", case, summary=f"reopened: {reason}", before=before,
                     after=audit.snapshot(case, "status", "resolution"))
    return case


def account_cases(account_id: int) -> list[Case]:
    """One account's cases, open ones first, newest first."""
    order = Case.status == "resolved"
    return list(Case.select().where(Case.account == account_id).order_by(order, Case.id.desc()))


def open_cases(text: str = "", status: str | None = None, held_by: User | None = None):
    """Every case not yet resolved, across accounts, oldest first (a query, paged by the list).

    ``text`` searches the accounts as the account search does; ``status`` is open or waiting.
    """
    from ..books.account_search import search_condition

    query = (Case.select(Case, Account).join(Account)
             .where(Case.status.in_((status,) if status else ("open", "waiting"))))
    if held_by is not None:
        query = query.where(Case.held_by == held_by)
    if (text or "").strip():
        query = query.where(search_condition(text))
    return query.order_by(Case.created_at, Case.id)


def case_notes(case_id: int) -> list[CaseNote]:
    return list(CaseNote.select().where(CaseNote.case == case_id).order_by(CaseNote.id))


def set_status(case_id: int, status: str, by: User) -> Case:
    """Open or waiting (on the customer, the insurer...); resolving needs ``resolve_case``."""
    if status not in ("open", "waiting"):
        raise ValidationError("a case is open or waiting; resolve it with a resolution", "status")
    with in_transaction():
        case = Case.get_by_id(case_id)
        if case.status == "resolved":
            raise RuleError("This case is resolved; reopen it first.")
        before = audit.snapshot(case, "status")
        case.status = status
        case.save()
        audit.record(by, "status", case, summary=f"case is {status}", before=before,
                     after=audit.snapshot(case, "status"))
    return case
