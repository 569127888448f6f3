"""`billing-desk check PATH`: integrity, ledger and audit checks; exit 0 clean, 1 not."""

from __future__ import annotations

from ..services.checks import run_checks
from ..services.office.session import open_database


def register(commands) -> None:
    parser = commands.add_parser("check", help="check a database: integrity, ledger, audit trail")
    parser.add_argument("path", metavar="PATH", help="the database file")
    parser.set_defaults(run=run)


def run(args) -> int:
    opened = open_database(args.path, readonly=True)
    try:
        result = run_checks()
    finally:
        opened.close()
    for line in result.lines():
        print(line)
    print("clean" if result.clean else "PROBLEMS FOUND")
    return 0 if result.clean else 1
