"""`billing-desk claims print`: the ready paper claims on the CMS-1500.

- ``--format pdf --out FILE``: the drawn forms after a cover list, a copy for the records. It is
  read on a read-only connection, then a short write records it in the audit trail (a file the
  trail could not record is removed). A copy submits nothing: the claims stay ready.
- ``--printer NAME``: the data alone on the pre-printed forms at that printer's alignment offset,
  then "Did the forms come out right? [y/N]" (``--confirm`` answers yes for scripts); only a yes
  marks the claims submitted on paper. A writing open, held to the end.
- ``--printer NAME --offset-x IN --offset-y IN``: keep that printer's offset (and with
  ``--alignment-test`` print the test at it); ``--alignment-test`` alone prints the test page.
"""

from __future__ import annotations

import sys

from ..errors import BillingError, DatabaseError, ValidationError
from ..money import format_money
from ..services.office.session import open_database
from .common import acting_user, add_user_options

EXIT_OK, EXIT_FAILED = 0, 1
QUESTION = "Did the forms come out right? [y/N] "


def register(actions) -> None:
    printing = actions.add_parser("print", help="the ready paper claims on CMS-1500 forms: a PDF copy "
                                  "(--format pdf --out FILE) or on a printer (--printer NAME)")
    printing.add_argument("--db", dest="claims_db", metavar="PATH", help="the database file")
    printing.add_argument("--payer", metavar="NAME", default="", help="only this payer's claims")
    printing.add_argument("--format", dest="fmt", metavar="pdf", help="a PDF copy: the drawn forms "
                          "after a cover list (the claims stay ready)")
    printing.add_argument("--out", metavar="FILE", help="the PDF to write")
    printing.add_argument("--printer", metavar="NAME", help="print the data on the pre-printed forms "
                          "loaded in this printer, then ask whether they came out right")
    printing.add_argument("--confirm", action="store_true", help="with --printer: the forms came out "
                          "right, mark the claims submitted without asking (for scripts)")
    printing.add_argument("--alignment-test", action="store_true",
                          help="with --printer: print the alignment test page on a blank form")
    printing.add_argument("--offset-x", metavar="IN", help="with --printer: keep this horizontal "
                          "offset for the printer (inches to the right; negative: left; at most 1)")
    printing.add_argument("--offset-y", metavar="IN", help="with --printer: keep this vertical "
                          "offset for the printer (inches down; negative: up; at most 1)")
    add_user_options(printing)


def ask_yes_no(question: str) -> bool | None:
    """The clerk's answer at the terminal; None where there is no terminal to ask."""
    if not sys.stdin.isatty():
        return None
    return input(question).strip().lower() in ("y", "yes")


def run(args, database: str) -> int:
    setting_offset = args.offset_x is not None or args.offset_y is not None
    if (setting_offset or args.alignment_test or args.confirm) and not args.printer:
        raise ValidationError("name the printer: --printer NAME", "printer")
    if args.printer and (args.fmt or args.out):
        raise ValidationError("give --format pdf --out FILE for a copy, or --printer NAME to print "
                              "on the forms, not both", "printer")
    if setting_offset or args.alignment_test:
        return _alignment(args, database, setting_offset)
    if args.printer:
        return _print_on_forms(args, database)
    return _save_copies(args, database)


def _alignment(args, database: str, setting_offset: bool) -> int:
    from ..reports.claim_forms import check_printer, print_alignment_test
    from ..services.claims import alignment

    name = check_printer(args.printer)
    opened = open_database(database, create=False)
    try:
        user = acting_user(args)
        offset = alignment.printer_offset(name)
        if setting_offset:
            offset = alignment.set_printer_offset(
                name, args.offset_x if args.offset_x is not None else offset[0],
                args.offset_y if args.offset_y is not None else offset[1], user)
            print(f"CMS-1500 alignment for {name} kept: {offset[0]:+.2f} in right, "
                  f"{offset[1]:+.2f} in down")
        if args.alignment_test:
            print_alignment_test(name, offset)
            alignment.record_test_print(name, user)
            print(f"alignment test sent to {name} at {offset[0]:+.2f} in right, {offset[1]:+.2f} in "
                  "down: hold it against a form and move the print until the marks sit in their boxes")
    finally:
        opened.close()
    return EXIT_OK


def _print_on_forms(args, database: str) -> int:
    from ..reports.claim_forms import check_printer, print_on_forms
    from ..services.claims import alignment, submission

    name = check_printer(args.printer)
    opened = open_database(database, create=False)
    try:
        user = acting_user(args)
        batch = submission.paper_batch(payer=args.payer or None)
        offset = alignment.printer_offset(name)
        pages = print_on_forms(batch, name, offset)
        submission.record_printout(batch, user, action="print", where=f"printer {name}", pages=pages)
        print(f"{batch.claim_count} claims ({', '.join(batch.control_numbers)}), "
              f"{format_money(batch.total)}: {pages} forms sent to {name} at {offset[0]:+.2f} in right, "
              f"{offset[1]:+.2f} in down")
        answer = True if args.confirm else ask_yes_no(QUESTION)
        if not answer:
            why = ("there is no terminal to ask whether they came out right (give --confirm)"
                   if answer is None else "you said they did not come out right")
            print(f"billing-desk: not marked submitted: {why}; the claims stay ready to print again",
                  file=sys.stderr)
            return EXIT_FAILED
        done = submission.confirm_printed(batch.claim_ids, user, printer=name)
    finally:
        opened.close()
    print(f"marked submitted on paper: batch {done.batch_number}, {done.claim_count} claims, "
          f"{format_money(done.total)}; mail the forms to the payer")
    return EXIT_OK


def _save_copies(args, database: str) -> int:
    from ..reports.claim_forms import save_copies
    from ..services.claims import submission
    from ..services.office.transactions import DATABASE_ERRORS

    if args.fmt != "pdf":
        raise ValidationError(f"--format is pdf, not {args.fmt!r}" if args.fmt else "give --format pdf "
                              "--out FILE for a copy, or --printer NAME to print on the forms", "format")
    if not args.out:
        raise ValidationError("give the file to write: --out FILE", "out")
    opened = open_database(database, readonly=True)
    try:
        user = acting_user(args, write=False, needed_for="printing claims needs your user (the audit "
                           "trail records who printed them)")
        batch = submission.paper_batch(payer=args.payer or None)
        pages = save_copies(batch, args.out)
    finally:
        opened.close()
    from pathlib import Path

    try:
        opened = open_database(database, lock=False, create=False)
        try:
            submission.record_printout(batch, user, action="export", where=args.out, pages=pages)
        finally:
            opened.close()
    except (DatabaseError, *DATABASE_ERRORS) as exc:
        Path(args.out).unlink(missing_ok=True)
        raise BillingError(f"{args.out} was not kept: the audit trail could not record it ({exc}); "
                           "try again") from None
    except BaseException:  # Ctrl+C before the trail held it: no file goes out unrecorded
        Path(args.out).unlink(missing_ok=True)
        raise
    print(f"{batch.claim_count} claims ({', '.join(batch.control_numbers)}), {format_money(batch.total)}: "
          f"{pages} pages (cover list and forms) written to {args.out}. A copy: the claims are not "
          "marked submitted")
    return EXIT_OK
