"""`billing-desk claims list|export|print`: the office's claims, 837P files and CMS-1500 forms.

``list`` reads on a read-only connection (like ``report``), so it runs while the window has the
file open. ``export`` writes the ready electronic claims into an 837P file and marks them
submitted (a writing open, like ``import``). ``print`` is in ``claims_print``.
"""

from __future__ import annotations

from ..errors import ValidationError
from ..money import ZERO, format_money
from ..services.accounts import claim_lists
from ..services.office.session import open_database
from . import claims_print
from .common import acting_user, add_user_options, reading_user

EXIT_OK = 0


def register(commands) -> None:
    claims = commands.add_parser("claims", help="insurance claims: list, export (837P), print (CMS-1500)")
    actions = claims.add_subparsers(dest="claims_command", metavar="ACTION")
    listing = actions.add_parser("list", help="print the claims (newest first)")
    listing.add_argument("--db", dest="claims_db", metavar="PATH", help="the database file")
    listing.add_argument("--status", metavar="S", help="only claims of this status (ready, held, "
                         "submitted, accepted, paid, partly paid, denied, resubmitted, voided, closed)")
    listing.add_argument("--payer", metavar="NAME", default="", help="only this payer's claims")
    add_user_options(listing)
    export = actions.add_parser("export", help="write the ready electronic claims to an 837P file "
                                "and mark them submitted")
    export.add_argument("--db", dest="claims_db", metavar="PATH", help="the database file")
    export.add_argument("--out", metavar="FILE.837", help="the file to write (with several payers: "
                        "one file each, FILE-PAYERID.837)")
    export.add_argument("--payer", metavar="NAME", default="", help="only this payer's claims")
    add_user_options(export)
    claims_print.register(actions)
    claims.set_defaults(run=run)


ACTIONS = {"list": lambda args: run_list(args), "export": lambda args: run_export(args),
           "print": lambda args: claims_print.run(args, _database(args))}


def run(args) -> int:
    action = ACTIONS.get(getattr(args, "claims_command", None) or "")
    if action is None:
        raise ValidationError("say what to do with the claims: billing-desk claims list --db PATH "
                              "(or export, print)", "action")
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
        if (args.payer or "").strip():
            from ..services.claims import submission

            submission.payer_named(args.payer)  # a payer not on file is said, not listed as none
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


def _paper_ready(payer: str | None) -> str:
    """What the clerk may have meant: the paper claims that are ready (of the payer), if any."""
    from ..services.claims import submission

    count = len(submission.ready_claims("paper", payer))
    if not count:
        return ""
    many = f"{count} paper claims are" if count > 1 else "1 paper claim is"
    return f"; {many} ready: print on paper with `billing-desk claims print`"


def run_export(args) -> int:
    """The ready electronic claims (of --payer) into --out; exit 1 with a line when none are ready."""
    from ..services.claims import submission

    if not args.out:
        raise ValidationError("give the file to write: --out FILE.837", "out")
    opened = open_database(_database(args), create=False)
    try:
        user = acting_user(args)
        try:
            done = submission.export_837(None, args.out, user, payer=args.payer or None)
        except submission.NothingToSend as exc:
            raise submission.NothingToSend(f"{exc}{_paper_ready(args.payer or None)}") from None
    finally:
        opened.close()
    for part in done:
        print(f"{part.path}: {part.claim_count} claims to {part.payer}, {format_money(part.total)}; "
              f"batch {part.batch_number}; interchange {part.interchange_number:09d}, group "
              f"{part.group_number}, transaction {part.transaction_number:04d}; claims "
              f"{', '.join(part.control_numbers)}")
    if len(done) > 1:
        print(f"{len(done)} files, {sum(p.claim_count for p in done)} claims, "
              f"{format_money(sum((p.total for p in done), ZERO))}")
    print("marked submitted (electronic); upload the file" + ("s" if len(done) > 1 else "") +
          " to the clearinghouse")
    return EXIT_OK
