"""Who may do what, checked in the services (the window only mirrors it).

A clerk's action that needs a supervisor goes ahead when a supervisor signs it off: the window
asks for the supervisor's own password (``auth.signoff``), which returns the approving user
marked for that action for ``SIGNOFF_MINUTES``; the service passes it on as ``approved_by``::

    require(by, "void_invoice", approved_by=approved_by)
    ... audit.record(by, "void", invoice, summary=..., after={"approved_by": approver(...).username})
"""

from __future__ import annotations

import datetime as dt
from typing import Callable

from ...errors import PermissionDenied
from ...models import User, now

RANK = {"clerk": 1, "supervisor": 2, "administrator": 3}
REFUSAL_LISTENERS: list[Callable[[User | None, str, str], None]] = []
SIGNOFF_MINUTES = 10

# Action -> the lowest role allowed to do it.
NEEDS = {
    "approve_account": "supervisor",
    "void_invoice": "supervisor",
    "void_payment": "supervisor",
    "write_off": "supervisor",
    "large_credit": "supervisor",
    "agency_handoff": "supervisor",
    "restore": "supervisor",
    "override_credit_limit": "supervisor",
    "manage_users": "administrator",
    "change_settings": "supervisor",
    "close_day": "supervisor",
    "view_audit": "supervisor",
}

ACTION_NAMES = {
    "approve_account": "approve accounts",
    "void_invoice": "void invoices",
    "void_payment": "void payments",
    "write_off": "write off balances",
    "large_credit": "post credits or refunds over the office's threshold",
    "agency_handoff": "hand accounts to a collection agency",
    "restore": "restore a backup",
    "override_credit_limit": "approve an order over the credit limit",
    "manage_users": "manage users",
    "change_settings": "change settings",
    "close_day": "close a day",
    "view_audit": "view the audit trail",
}


def can(user: User | None, action: str) -> bool:
    if user is None or not user.active:
        return False
    return RANK.get(user.role, 0) >= RANK[NEEDS[action]]


def mark_signed_off(user: User, action: str, at: dt.datetime) -> None:
    """Called by ``auth.signoff`` only, after the supervisor's password was checked."""
    marks = user.__dict__.setdefault("_signed_off", {})
    marks[action] = at


def signed_off(user: User | None, action: str) -> bool:
    at = getattr(user, "_signed_off", {}).get(action) if user is not None else None
    return at is not None and now() - at <= dt.timedelta(minutes=SIGNOFF_MINUTES)


def require(user: User | None, action: str, approved_by: User | None = None) -> None:
    """Refuse unless ``user`` may, or ``approved_by`` signed it off (auth.signoff) just now."""
    if can(user, action):
        return
    if approved_by is not None and can(approved_by, action) and signed_off(approved_by, action):
        return
    who = user.username if user else "nobody"
    message = f"{who} may not {ACTION_NAMES[action]}: a {NEEDS[action]} must do it or sign it off."
    for listener in REFUSAL_LISTENERS:  # the audit trail records it (audit.py registers)
        listener(user, action, message)
    raise PermissionDenied(message)


def approver(user: User, action: str, approved_by: User | None = None) -> User:
    """Who allowed it: the user themself, or the supervisor who signed it off."""
    return user if can(user, action) or approved_by is None else approved_by


def approved_note(user: User, action: str, approved_by: User | None = None) -> str:
    """For the audit summary: " (approved by sam)" when a supervisor signed off, else ""."""
    who = approver(user, action, approved_by)
    return "" if who == user else f" (approved by {who.username})"
