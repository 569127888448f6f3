"""`billing-desk report NAME --db PATH ... --format pdf|xlsx --out FILE`, `billing-desk print NAME
--db PATH ... [--printer QUEUE]` and `billing-desk report --list`: the reports for scheduled tasks.

The report is read on a read-only connection, so it runs while the window has the file open.
Then a short write (no program lock, SQLite's own locking) records the audit entry, and for
statements the copy kept on each account; statements therefore need ``--user``.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from ..errors import BillingError, DatabaseError, ValidationError
from ..money import parse_money
from ..services.office.session import open_database
from ..services.office.validation import parse_date
from .common import acting_user, add_user_options, reading_user

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _common(parser) -> None:
    parser.add_argument("--db", dest="report_db", metavar="PATH", help="the database file")
    parser.add_argument("--as-of", metavar="DATE", help="as of this day (MM/DD/YYYY or YYYY-MM-DD)")
    parser.add_argument("--from", dest="start", metavar="DATE", help="the first day of the period")
    parser.add_argument("--to", dest="end", metavar="DATE", help="the last day of the period")
    parser.add_argument("--account", metavar="NUMBER", default="", help="one account")
    parser.add_argument("--view", metavar="VIEW", default="",
                        help="the report's layout, e.g. aging: summary, detail, payer, payer-detail")
    parser.add_argument("--minimum", metavar="AMOUNT",
                        help="statements: skip balances of this or less")
    parser.add_argument("--smtp-password-file", metavar="FILE",
                        help="statements: the SMTP server's password (first line), when Settings "
                             "name a server with a user")
    add_user_options(parser)


def register(commands) -> None:
    report = commands.add_parser("report", help="a report to a PDF or Excel file (--list names them)")
    report.add_argument("name", metavar="NAME", nargs="?", help="the report (see --list)")
    report.add_argument("--list", action="store_true", help="name every report and its views")
    _common(report)
    report.add_argument("--format", dest="fmt", metavar="pdf|xlsx", help="the file's format")
    report.add_argument("--out", metavar="FILE", help="the file to write")
    report.set_defaults(run=run_report)
    printing = commands.add_parser("print", help="print a report on a printer")
    printing.add_argument("name", metavar="NAME", help="the report (billing-desk report --list)")
    _common(printing)
    printing.add_argument("--printer", metavar="QUEUE", help="the printer (default: the system's)")
    printing.set_defaults(run=run_print)


def list_reports() -> str:
    from ..reports import REPORTS

    lines = []
    for spec in REPORTS.values():
        takes = sorted(spec.takes)
        views = ", ".join(dict(spec.views)) if spec.views else "-"
        lines.append(f"{spec.name:<16} {spec.title}: {spec.help}\n{'':<16} takes: "
                     f"{', '.join(takes) or '-'}; views: {views}")
    return "\n".join(lines)


def _date(text: str | None, field: str):
    value, problem = parse_date(text, field)
    if problem:
        raise ValidationError(problem.message, field)
    return value


def _params(args):
    from ..reports import Params

    if args.as_of and (args.start or args.end):
        raise ValidationError("give --as-of or a period (--from, --to), not both", "as-of")
    minimum = parse_money(args.minimum, "minimum") if args.minimum else None
    return Params(as_of=_date(args.as_of, "as-of"), start=_date(args.start, "from"),
                  end=_date(args.end, "to"), account=args.account or "", view=args.view or "",
                  minimum=Decimal(minimum) if minimum is not None else None)


def _database(args) -> str:
    path = args.report_db or getattr(args, "db", None)
    if not path:
        raise ValidationError("name the database: --db PATH", "db")
    return path


def _build(args, spec, params):
    """Read the report on a read-only connection; returns (user, report, office letterhead)."""
    from ..reports import office_info, run

    opened = open_database(_database(args), readonly=True)
    try:
        user = (acting_user(args, write=False, needed_for=f"the {spec.name} report needs your user")
                if spec.needs_user else reading_user(args))
        params.user = user
        return user, run(spec.name, params), office_info()
    finally:
        opened.close()


def _record(args, user, action: str, spec, report, out) -> None:
    """Audit the export or print. When that cannot be written (another program holds the write
    lock past the busy timeout) an exported file is removed: no file goes out unaudited."""
    from ..reports.output import record
    from ..services.office.transactions import DATABASE_ERRORS

    try:
        opened = open_database(_database(args), lock=False, create=False)
        try:
            mail = record(user, action, spec, report, out, smtp_password=_smtp_password(args),
                          on_recorded=out.place if action == "export" else None)
        finally:
            opened.close()
    except (DatabaseError, *DATABASE_ERRORS) as exc:  # busy past the wait, read-only, full
        if action == "print":
            raise BillingError(f"the report was printed, but the audit trail could not record it "
                               f"({exc}); try again later") from None
        out.discard()
        raise BillingError(f"{out.path} was not kept: the database is busy or cannot be written, so "
                           f"the audit trail could not record the export ({exc}). An export is kept "
                           "only once the trail records it; try again") from None
    if mail is not None and mail.summary():
        print(f"Statements by e-mail: {mail.summary()} The log: {mail.log}")


def _smtp_password(args) -> str:
    path = getattr(args, "smtp_password_file", None)
    if not path:
        return ""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise BillingError(f"cannot read the SMTP password file {path}: {exc.strerror}") from exc
    return text.splitlines()[0] if text else ""


def _refuse_the_other_suffix(out: str, fmt: str) -> None:
    """A PDF named .xlsx (or a workbook named .pdf) would open in the wrong program, or not at all."""
    suffix = Path(out).suffix.lower()
    if suffix in ({".xlsx", ".xlsm", ".xls"} if fmt == "pdf" else {".pdf"}):
        raise ValidationError(f"{Path(out).name} ends in {suffix}, but --format is {fmt}: name the "
                              f"file .{fmt}, or give --format {'xlsx' if fmt == 'pdf' else 'pdf'}",
                              "out")


def run_report(args) -> int:
    if args.list:
        print(list_reports())
        return EXIT_OK
    if not args.name:
        raise ValidationError("name a report (billing-desk report --list names them)", "name")
    from ..reports import get
    from ..reports.output import FORMATS, save

    spec = get(args.name)
    if args.fmt not in FORMATS:
        raise ValidationError(f"--format is pdf or xlsx, not {args.fmt!r}" if args.fmt else
                              "give --format pdf or --format xlsx", "format")
    if not args.out:
        raise ValidationError("give the file to write: --out FILE", "out")
    _refuse_the_other_suffix(args.out, args.fmt)
    params = _params(args)
    user, report, office = _build(args, spec, params)
    out = save(spec, report, args.fmt, args.out, office, place=False)
    if args.fmt == "xlsx":
        out.copies = []  # a list of statements in a workbook sends nothing
    try:  # the file takes its name as the trail takes the export (and any copies), not before
        _record(args, user, "export", spec, report, out)
    finally:  # Ctrl+C or a failure first: an unrecorded file never takes its name
        out.discard()
    size = f"{out.pages} pages" if args.fmt == "pdf" else f"{out.rows} rows"
    print(f"{spec.title}: {report.row_count()} rows, {size} written to {args.out}")
    return EXIT_OK


def run_print(args) -> int:
    from ..printing.printer import available_printers
    from ..reports import get
    from ..reports.output import print_report

    spec = get(args.name)
    params = _params(args)
    if args.printer and args.printer not in available_printers():
        raise BillingError(f"there is no printer {args.printer!r}; printers here: "
                           + (", ".join(available_printers()) or "none"))
    user, report, office = _build(args, spec, params)
    out = print_report(spec, report, office, args.printer)
    _record(args, user, "print", spec, report, out)
    print(f"{spec.title}: {out.pages} pages sent to {args.printer or 'the default printer'}")
    return EXIT_OK
