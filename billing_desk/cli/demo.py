"""`billing-desk demo PATH [--accounts N] [--seed S]`: build the demo office into a new file."""

from __future__ import annotations

from pathlib import Path

from ..errors import BillingError
from ..services.office.session import is_server_url, open_database


def register(commands) -> None:
    parser = commands.add_parser("demo", help="build the demo office into a new database file")
    parser.add_argument("path", metavar="PATH", help="the new database file, or an empty database on a "
                        "server (postgresql://USER@HOST:PORT/DBNAME)")
    parser.add_argument("--accounts", type=int, default=200, metavar="N",
                        help="how many accounts (default 200)")
    parser.add_argument("--seed", type=int, default=7, metavar="S", help="random seed (default 7)")
    parser.set_defaults(run=run)


def run(args) -> int:
    path = args.path if is_server_url(args.path) else Path(args.path)
    if isinstance(path, Path) and path.exists() and path.stat().st_size:
        raise BillingError(f"{path} already exists; the demo is built into a new file.")
    if not 1 <= args.accounts <= 100_000:
        raise BillingError("--accounts must be between 1 and 100000")
    from ..services.demo import build_demo  # the window's start does not read the demo builder

    opened = open_database(path)
    if not opened.created:
        opened.close()
        raise BillingError(f"{path} already holds an office; the demo is built into an empty database.")
    try:
        summary = build_demo(accounts=args.accounts, seed=args.seed,
                             progress=lambda text: print(text, flush=True))
    finally:
        opened.close()
    print(f"demo office built in {path}: {summary}")
    return 0
