"""What the subcommands share: who is acting, and how a database is opened for a command."""

from __future__ import annotations

from ..models import User
from ..services.users import ensure_administrator


def add_user_options(parser) -> None:
    """``--user NAME`` and ``--password-file FILE`` for commands that change data."""
    parser.add_argument("--user", metavar="NAME", help="the user acting (asks for the password)")
    parser.add_argument("--password-file", metavar="FILE", dest="user_password_file",
                        help="read the user's password from this file instead of asking")


def acting_user(args) -> User:
    """The user a command acts as. Until sign-in exists this is the administrator."""
    return ensure_administrator()
