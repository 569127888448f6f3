"""`billing-desk claims list --db PATH [--status S] [--payer NAME]`: the office's claims.

Read on a read-only connection (like ``report``), so it runs while the window has the file open.
(`claims export` for 837P files and `claims print` for CMS-1500 forms join here.)
"""

from __future__ import annotations

from ..errors import ValidationError
from ..money import format_money
from ..services.accounts import claim_lists
from ..services.office.session import open_database
from .common import add_user_options, reading_user

EXIT_OK = 0


def register(commands) -> None:
    claims = commands.add_parser("claims", help="insurance claims: list them")
    actions = claims.add_subparsers(dest="claims_command", metavar="ACTION")
    listing = actions.add_parser("list", help="print the claims (newest first)")
    listing.add_argument("--db", dest="claims_db", metavar="PATH", help="the database file")
    listing.add_argument("--status", metavar="S", help="only claims of this status (ready, held, "
                         "submitted, accepted, paid, partly paid, denied, resubmitted, voided, closed)")
    listing.add_argument("--payer", metavar="NAME", default="", help="only this payer's claims")
    add_user_options(listing)
    claims.set_defaults(run=run)


ACTIONS = {"list": lambda args: run_list(args)}


def run(args) -> int:
    action = ACTIONS.get(getattr(args, "claims_command", None) or "")
    if action is None:
        raise ValidationError("say what to do with the claims: billing-desk claims list --db PATH",
                              "action")
    return action(args)


def _database(args) -> str:
    path = args.claims_db or getattr(args, "db", None)
    if not path:
        raise ValidationError("name the database: --db PATH", "db")
    return path


HEADER = f"{'claim':<8} {'status':<12} {'rank':<9} {'payer':<22} {'account':<8} {'patient':<24} " \
         f"{'invoice':>7} {'made':<10} {'age':>4} {'total':>11}"


def run_list(args) -> int:
    status = claim_lists.status_named(args.status) if args.status else None
    opened = open_database(_database(args), readonly=True)
    try:
        reading_user(args)
        query = claim_lists.claims_query(status=status, payer=args.payer or "")
        rows = claim_lists.rows(query, limit=None)
    finally:
        opened.close()
    print(HEADER)
    for row in rows:
        kind = row.rank if row.frequency == "1" else "replace" if row.frequency == "7" else "void"
        print(f"{row.control_number:<8} {row.status:<12} {kind:<9} {row.payer[:22]:<22} {row.account:<8} "
              f"{row.patient[:24]:<24} {row.invoice or '':>7} {row.made:%m/%d/%Y} {row.age_days:>4} "
              f"{format_money(row.total):>11}" + (f"  held: {row.hold_reason}" if row.hold_reason else ""))
    print(f"{len(rows)} claims, {format_money(sum(r.total for r in rows))}" if rows else "no claims")
    return EXIT_OK
