"""`billing-desk import KIND FILE --db PATH [--map MAPFILE] [--skip-bad]`: rows from a spreadsheet.

`billing-desk import era FILE --db PATH [--payer NAME]`: an X12 835 remittance, previewed then
posted whole (``--payer``: when several payers share the file's payer id and its claims do not
tell which).

Each kind (accounts, catalogue, era, payers; others add theirs to ``KINDS``) is a handler
``fn(args, table, mapping or None, acting user) -> exit code``. Bad rows are printed one a line;
without ``--skip-bad`` nothing is imported.
"""

from __future__ import annotations

import argparse
import sys
from decimal import Decimal

from ..exchange import importing
from ..money import format_money
from ..services.office.session import open_database
from .common import acting_user, add_user_options


def _checked_rows(args, table: importing.Table, mapping: dict[str, str] | None, targets, check):
    """Match the columns (by name unless a mapping was given) and check every row, printing each
    bad one. Returns the preview to import, or None when nothing may be imported."""
    if mapping is None:
        mapping = importing.guess_mapping(table.headers, targets)
    mapping = importing.named_mapping(mapping, targets)
    problems = importing.check_mapping(mapping, table.headers, targets)
    if problems:
        for problem in problems:
            print(f"mapping: {problem}", file=sys.stderr)
        return None
    result = check(table, mapping)
    for line in result.lines():
        print(line)
    if result.bad and not args.skip_bad:
        print(f"{len(result.bad_rows)} bad row(s) of {len(table.rows)}: nothing imported "
              "(fix them, or give --skip-bad to import only the good rows)", file=sys.stderr)
        return None
    return result


def _skipped(result) -> str:
    return f", {len(result.bad_rows)} bad row(s) skipped" if result.bad else ""


def import_accounts(args, table: importing.Table, mapping: dict[str, str] | None, by) -> int:
    from ..services.accounts import account_import

    result = _checked_rows(args, table, mapping, account_import.TARGETS, account_import.preview_accounts)
    if result is None:
        return 1
    created = account_import.import_accounts(result, by, skip_bad=True)
    print(f"imported {len(created)} account(s), pending approval{_skipped(result)}")
    return 0


def import_payers(args, table: importing.Table, mapping: dict[str, str] | None, by) -> int:
    """Payers and plans: one row a plan, the payer's columns repeated on each of its plans."""
    from ..services.books import payer_import

    result = _checked_rows(args, table, mapping, payer_import.TARGETS, payer_import.preview_payers)
    if result is None:
        return 1
    for warning in payer_import.shared_ids(result):
        print(f"warning: {warning}")
    payer_count, plan_count = payer_import.import_payers(result, by, skip_bad=True)
    print(f"imported {payer_count} payer(s) and {plan_count} plan(s){_skipped(result)}")
    return 0


def import_catalogue(args, table: importing.Table, mapping: dict[str, str] | None, by) -> int:
    """The catalogue and fee schedules: a workbook's two sheets (or one CSV), columns by name."""
    from ..errors import ValidationError
    from ..services.books import catalogue

    try:
        result = catalogue.import_file(args.file, by, skip_bad=args.skip_bad)
    except ValidationError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"{len(exc.problems)} problem(s): nothing imported (fix them, or give --skip-bad "
              "to import only the good rows)", file=sys.stderr)
        return 1
    for problem in result.skipped:
        print(f"skipped: {problem}")
    print(f"imported: {result.summary()}")
    return 0


def import_era(args, table, mapping, by) -> int:
    """An 835 remittance file: previewed, then posted whole or not at all."""
    from ..errors import BillingError
    from ..services.books import era_import

    try:
        preview = era_import.preview_era(args.file, payer=args.payer or "")
        for line in preview.lines():
            print(line)
        posted = era_import.import_era(args.file, by, payer=args.payer or "")
    except BillingError as exc:
        print(f"billing-desk: {exc}", file=sys.stderr)
        return 1
    claims = sum(len(p.claims) for p in posted)
    unmatched = sum(len(p.unmatched) for p in posted)
    held = sum((p.held for p in posted), Decimal("0.00"))
    print(f"posted {len(posted)} payment(s), {claims} claim(s)"
          + (f"; {unmatched} claim(s) not matched, on the unmatched worklist" if unmatched else "")
          + (f"; {format_money(held)} held unapplied on the payer" if held else ""))
    for note in (note for p in posted for note in p.notes):
        print(note)
    for r in preview.remittances:
        if r.skipped:
            print(f"not posted again: {r.skipped}")
    return 0


#: kind -> handler(args, table, mapping or None (match the columns by name), acting user) -> exit code.
KINDS = {"accounts": import_accounts, "catalogue": import_catalogue, "era": import_era,
         "payers": import_payers}
SPREADSHEETS = ("accounts", "catalogue", "payers")  # an era is an X12 835 file, not rows


def register(commands) -> None:
    parser = commands.add_parser("import", help="import rows from an Excel (.xlsx) or CSV file, or an "
                                 "835 remittance (era)")
    parser.add_argument("kind", choices=sorted(KINDS), metavar="KIND",
                        help=f"what the file holds: {', '.join(sorted(KINDS))}")
    parser.add_argument("file", metavar="FILE", help="the .xlsx or .csv file (an .835 file for era)")
    parser.add_argument("--map", metavar="MAPFILE", dest="map_file",
                        help='JSON {"field": "Column header"}; without it columns are matched by name')
    parser.add_argument("--skip-bad", action="store_true",
                        help="import the good rows and leave out the bad ones")
    parser.add_argument("--payer", metavar="NAME",
                        help="era: the payer the 835 is from, when several payers share its payer id "
                             "and its claims do not tell which")
    parser.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS,
                        help="the database to import into")
    add_user_options(parser)
    parser.set_defaults(run=run)


def run(args) -> int:
    if not args.db:
        print("billing-desk: import needs --db PATH (the database to import into)", file=sys.stderr)
        return 2
    table = importing.read_rows(args.file) if args.kind in SPREADSHEETS else None
    mapping = importing.load_mapping(args.map_file) if args.map_file else None
    opened = open_database(args.db, create=False)
    try:
        return KINDS[args.kind](args, table, mapping, acting_user(args))
    finally:
        opened.close()
