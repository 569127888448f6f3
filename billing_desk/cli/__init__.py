"""The command line: `billing-desk [--db PATH | --demo]` opens the window; subcommands script it.

Each subcommand lives in its own module with ``register(subparsers)``; errors go to stderr with
a non-zero exit and never a traceback (an unforeseen one is written to the log file).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from .. import APP_NAME, __version__
from ..errors import BillingError
from ..logs import log_unexpected, setup_logging
from ..services.office.session import server_password_from
from ..services.office.transactions import DATABASE_ERRORS, database_failure, explain_database_error

COMMAND_MODULES = ("demo", "check", "importing", "backup", "reports", "claims", "moving")

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class ArgumentParser(argparse.ArgumentParser):
    def error(self, message):  # argparse's own exit code 2, with our wording
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"billing-desk: error: {message}\n")


def build_parser() -> ArgumentParser:
    parser = ArgumentParser(prog="billing-desk", description=f"{APP_NAME}: the billing "
                            "coordinator's desk. Without a command it opens the window.")
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    parser.add_argument("--db", metavar="PATH", help="open (or create) this database file, or the "
                        "office on a server: postgresql://USER@HOST:PORT/DBNAME")
    parser.add_argument("--server-password-file", metavar="FILE",
                        help="the server's password (first line of FILE); without it the "
                        "PGPASSFILE is read, or the password is asked for")
    parser.add_argument("--demo", action="store_true",
                        help="open the demo database (built on first use)")
    parser.add_argument("--self-test", action="store_true",
                        help="check the program without a screen and exit (with --db: also "
                        "check that database, read-only)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=ArgumentParser)
    for name in COMMAND_MODULES:
        importlib.import_module(f"{__name__}.{name}").register(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    setup_logging()
    server_password_from(file=args.server_password_file)
    try:
        return _run(args)
    except BillingError as exc:
        print(f"billing-desk: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except DATABASE_ERRORS as exc:  # SQLite found the file damaged, read-only, busy or full mid-command
        path = _database_path(args)
        plain = explain_database_error(exc, Path(path) if path else None)
        if plain is None:  # not the file's fault: the traceback goes to the log as well
            log_unexpected(exc, "the command line")
            plain = database_failure(exc, path)
        print(f"billing-desk: {plain}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("billing-desk: interrupted", file=sys.stderr)
        return 130
    except OSError as exc:
        print(f"billing-desk: {file_problem(exc)}", file=sys.stderr)
        return EXIT_FAILED
    except Exception as exc:
        return _unexpected(exc)


def file_problem(exc: OSError) -> str:
    """A file or folder the command could not use, said in the clerk's words: which one, and what
    to do about it (a read-only or full disk named by its folder)."""
    import errno

    name = str(exc.filename or "")
    if not name:
        return str(exc.strerror or exc)
    path = Path(name)
    bare = f"{exc.strerror or exc}: {name}"
    if exc.errno == errno.EROFS:
        return (f"{path.parent} is read-only here (a write-protected disk or a read-only share): "
                f"nothing there was changed. Choose a folder you can write to ({bare}).")
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return f"The disk holding {path.parent} is full: make room on it and try again ({bare})."
    if isinstance(exc, IsADirectoryError):
        return f"{name} is a folder, not a file: give the file's name in it (e.g. {path / 'report.pdf'})"
    if isinstance(exc, (FileNotFoundError, NotADirectoryError)):
        folder = next((p for p in path.parents if p.exists()), None)
        missing = next((p for p in reversed(path.parents) if not p.exists()), None)
        if folder is not None and not folder.is_dir():
            return f"{folder} is a file, not a folder: {name} cannot be in it"
        if missing is not None:
            return f"the folder {missing} is not there (for {name}): create it, or choose another"
        return f"{name} is not there"
    if isinstance(exc, PermissionError):
        return (f"{name} may not be used here: this user account may not change it. Choose a "
                f"folder you can write to, or ask whoever looks after the PC ({bare}).")
    if isinstance(exc, FileExistsError):
        return f"{name} is already there"
    return f"{name}: {exc.strerror or exc}"


def _unexpected(exc: Exception) -> int:
    """Anything nobody foresaw: one line for the person, the traceback in the log."""
    path = log_unexpected(exc, "the command line")
    print(f"billing-desk: something went wrong ({type(exc).__name__}: {exc}). The details are in "
          f"{path}; tell whoever looks after the program.", file=sys.stderr)
    return EXIT_FAILED


def _run(args) -> int:
    if args.self_test:
        from ..ui.selftest import run_self_test

        return run_self_test(database=args.db)
    if args.command:
        return args.run(args)
    from ..ui.app import run_window

    return run_window(db=args.db, demo=args.demo)


def _database_path(args) -> str | None:
    for name in ("path", "backup_db", "db"):
        value = getattr(args, name, None)
        if isinstance(value, str) and value:
            return value
    return None


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
