"""Supervisor sign-off at the point of use: try as the clerk, and on a refusal ask a supervisor.

Every screen that starts a protected action (void, write-off, refund or credit over the
threshold, account approval, agency hand-off) calls the service through ``run_with_signoff``::

    run_with_signoff(self, "void_invoice",
                     lambda approved_by: invoices.void_invoice(iid, reason, user, approved_by=approved_by))

A supervisor's own action goes straight through. A clerk's is refused by the service
(``PermissionDenied``); where the office has ``supervisor_signoff`` on, the sign-off dialog asks a
supervisor for their own password and the work runs again with ``approved_by=`` that supervisor.
Cancelled (or sign-off turned off), the service's refusal is raised for the screen to show.
"""

from __future__ import annotations

from typing import Callable, TypeAlias, TypeVar

from ...errors import PermissionDenied
from ...services.office import auth
from . import signin

T = TypeVar("T")
Approver: TypeAlias = "auth.User"  # the supervisor who signed off (a user the sign-in service returned)
Ask = Callable[[object, str], "Approver | None"]


def ask_signoff(parent, action: str) -> Approver | None:
    """The default prompt (the dialog in ui.signin); tests replace this or pass ``ask=``."""
    return signin.ask_signoff(parent, action)


def run_with_signoff(parent, action: str, work: Callable[[Approver | None], T], *,
                     ask: Ask | None = None) -> T:
    """``work(approved_by)``'s result; a refusal is retried once with the supervisor who signs off.

    Raises the service's ``PermissionDenied`` when nobody signs off; other errors pass through.
    """
    try:
        return work(None)
    except PermissionDenied:
        approver = (ask or ask_signoff)(parent, action)
        if approver is None:
            raise
    return work(approver)
