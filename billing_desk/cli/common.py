"""What the subcommands share: who is acting, and how a database is opened for a command.

A command that changes data names its user (``--user NAME``) and takes the password from a
prompt, or from ``--password-file FILE`` (first line) for scheduled tasks. Read-only commands
(``check``, ``report``, ``backup``, ``verify``) ask for a user only where the office turned
on the ``cli_readonly_needs_user`` setting; call ``reading_user(args)`` from them.
"""

from __future__ import annotations

import getpass
import sys
from pathlib import Path

from ..errors import BillingError, PermissionDenied
from ..models import User
from ..services.office.auth import sign_in
from ..services.office.settings import get_setting


def add_user_options(parser) -> None:
    """``--user NAME`` and ``--password-file FILE`` for commands that change data."""
    parser.add_argument("--user", metavar="NAME", help="the user acting (asks for the password)")
    parser.add_argument("--password-file", metavar="FILE", dest="user_password_file",
                        help="read the user's password from this file instead of asking")


def _password(args) -> str:
    path = getattr(args, "user_password_file", None)
    if path:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise BillingError(f"cannot read the password file {path}: {exc.strerror}") from exc
        return text.splitlines()[0] if text else ""
    if not sys.stdin.isatty():
        raise BillingError("no password: run the command at a terminal, or give --password-file")
    return getpass.getpass(f"Password for {args.user}: ")


def acting_user(args, *, write: bool = True, needed_for: str | None = None) -> User:
    """The signed-in user a command acts as (the database must be open); failures are audited.

    ``needed_for`` says why a command that changes nothing needs a user (the default reason is
    that the command changes data)."""
    name = getattr(args, "user", None)
    if not name:
        why = needed_for or ("this command changes data" if write else "this command needs a user")
        raise PermissionDenied(f"{why}: name your user with --user NAME "
                               "(the password is asked for, or read from --password-file)")
    user = sign_in(name, _password(args), write=write)
    if user.must_change_password:
        raise PermissionDenied(f"{user.username} must first choose a new password: sign in once "
                               "in the window.")
    return user


def reading_user(args) -> User | None:
    """For read-only commands: the user if the office wants one (or one was named), else None."""
    if getattr(args, "user", None) or get_setting("cli_readonly_needs_user"):
        return acting_user(args, write=False)
    return None
