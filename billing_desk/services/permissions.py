"""Who may do what, checked in the services (the window only mirrors it)."""

from __future__ import annotations

from ..errors import PermissionDenied
from ..models import User

RANK = {"clerk": 1, "supervisor": 2, "administrator": 3}

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
}


def can(user: User | None, action: str) -> bool:
    if user is None or not user.active:
        return False
    return RANK.get(user.role, 0) >= RANK[NEEDS[action]]


def require(user: User | None, action: str) -> None:
    if not can(user, action):
        who = user.username if user else "nobody"
        raise PermissionDenied(f"{who} may not {ACTION_NAMES[action]}: a {NEEDS[action]} "
                               "must do it or sign it off.")
