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
from ..services.office.audit_keys import database_path
from ..services.office.auth import SignInFailed, sign_in
from ..services.office.session import open_database
from ..services.office.settings import get_setting
from ..services.office.transactions import DATABASE_ERRORS
from ..services.office.users import User


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
    password = _password(args)
    try:
        user = sign_in(name, password, write=write)
    except SignInFailed as exc:
        counted = None if write else _count_read_only_failure(name, password)
        raise (counted or exc) from None
    if user.must_change_password:
        raise PermissionDenied(f"{user.username} must first choose a new password: sign in once "
                               "in the window.")
    return user


def _count_read_only_failure(name: str, password: str) -> BillingError | None:
    """A read-only command holds a read-only connection: count and audit its failed sign-in on a
    short writing one (no lock: the window may hold the file), like the report's export entry.
    Returns the refusal as counted (it may now say the user is locked)."""
    path = database_path()
    if path is None:
        return None
    try:
        opened = open_database(path, lock=False, create=False)
    except BillingError:
        return None  # the file cannot be written (read-only): the refusal still stands
    try:
        sign_in(name, password, write=True)  # counts, audits, locks after too many; raises again
    except BillingError as counted:
        return counted
    except DATABASE_ERRORS:
        return None
    finally:
        opened.close()
    return None


def reading_user(args) -> User | None:
    """For read-only commands: the user if the office wants one (or one was named), else None."""
    if getattr(args, "user", None) or get_setting("cli_readonly_needs_user"):
        return acting_user(args, write=False)
    return None
