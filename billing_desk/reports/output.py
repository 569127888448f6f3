"""A built report out to a file or the printer, and the record of it (audit, statement copies).

Shared by the CLI and the window so both write, print and record the same way::

    out = save(spec, report, "pdf", path, office_info())
    record(user, "export", spec, report, out)
"""

from __future__ import annotations

import datetime as dt
import errno
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, TypeVar

from ..errors import BillingError, ValidationError
from ..models import User
from ..printing.report import Report
from ..services.books import reports_statements, statement_mail
from ..services.books.statement_mail import MailRun
from ..services.office import audit
from ..services.office.transactions import in_transaction

FORMATS = ("pdf", "xlsx")
ProgressFn = Callable[[int, int], None]
T = TypeVar("T")


@dataclass
class Output:
    path: Path
    fmt: str
    pages: int = 0  # PDF pages (or pages printed)
    rows: int = 0  # Excel rows
    copies: list[tuple[int, bytes]] = field(default_factory=list)  # statements sent
    recorded: bool = False  # the audit trail holds its entry (``record``)

    def place(self) -> None:
        """Move the file written beside ``path`` (``save(place=False)``) onto it."""
        staged(self.path).replace(self.path)

    def discard(self) -> None:
        """Drop the file written beside ``path``; a file that was at ``path`` stays as it was."""
        staged(self.path).unlink(missing_ok=True)


def save(spec, report: Report, fmt: str, path: str | Path, office, progress: ProgressFn | None = None,
         *, place: bool = True) -> Output:
    """Write ``report`` as ``fmt`` (pdf or xlsx) to ``path``: written beside it, then moved into
    place, so a failure, Cancel or Ctrl+C part-way never leaves half a file nor spoils the one
    that was there. ``place=False`` leaves it beside ``path`` until ``out.place()`` (the command
    line moves it only once the audit trail holds the export, so no file goes out unrecorded)."""
    if fmt not in FORMATS:
        raise ValidationError(f"the format is pdf or xlsx, not {fmt!r}", "format")
    out = Output(Path(path), fmt)
    written_beside(out.path, lambda target: _render(spec, report, out, target, office, progress))
    if place:
        try:
            out.place()
        finally:
            out.discard()
    return out


def staged(path: Path) -> Path:
    """Where a file bound for ``path`` is written first."""
    return path.with_name(path.name + ".partial")


def written_beside(path: Path, write: Callable[[Path], T]) -> T:
    """``write(staged(path))``: a failure, Cancel or Ctrl+C part-way leaves no half file there.
    A folder given for the file, or a folder that is not there, is said of ``path`` before any
    work; a staged file an earlier run left (killed) is replaced."""
    path = Path(path)
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, "Is a directory", str(path))
    if not path.parent.is_dir():
        raise FileNotFoundError(errno.ENOENT, "No such file or directory", str(path))
    partial = staged(path)
    partial.unlink(missing_ok=True)
    try:
        return write(partial)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def written_in_place(path: Path, write: Callable[[Path], T]) -> T:
    """``write`` beside ``path``, then moved onto it: neither half a file nor a spoiled earlier
    one is ever left."""
    path = Path(path)
    result = written_beside(path, write)
    try:
        staged(path).replace(path)
    finally:
        staged(path).unlink(missing_ok=True)
    return result


def _render(spec, report: Report, out: Output, target: Path, office, progress) -> None:
    if out.fmt == "xlsx" and getattr(spec, "workbook", None) is not None:
        out.rows = spec.workbook(report, target, progress)
    elif out.fmt == "xlsx":
        from ..printing.excel import render_xlsx

        out.rows = render_xlsx(report, target, progress=progress)
    elif spec.document is not None:
        out.pages = spec.document(report, target, office, progress,
                                  lambda data, pdf: out.copies.append((data["account_id"], pdf)))
    else:
        from ..printing.pdf import render_pdf

        out.pages = render_pdf(report, target, office, progress=progress)


def print_report(spec, report: Report, office, printer: str | None = None,
                 progress: ProgressFn | None = None, cancelled: Callable[[], bool] | None = None,
                 page_layout=None) -> Output:
    """Render the PDF to a temporary file and print it through ``printing.printer``.

    ``page_layout`` (a QPageLayout from the window's page setup, None: the printer's paper)
    is handed to ``print_pdf`` untouched."""
    from ..printing.printer import print_pdf

    folder = Path(tempfile.mkdtemp(prefix="billing-desk-print-"))
    target = folder / f"{spec.name}-{dt.date.today():%Y%m%d}.pdf"
    out = save(spec, report, "pdf", target, office)
    try:
        out.pages = print_pdf(target, printer, progress=progress, cancelled=cancelled,
                              doc_name=target.stem, page_layout=page_layout)
    finally:
        target.unlink(missing_ok=True)
        folder.rmdir()
    if out.pages == 0:
        out.copies = []  # cancelled before anything printed: nothing was sent
    return out


def describe(report: Report) -> str:
    return "; ".join(f"{label} {value}" for label, value in report.formatted_parameters()
                     if label in ("As of", "Day", "From", "To", "Account", "Statement date"))


def record(user: User | None, action: str, spec, report: Report, out: Output, *,
           smtp_password: str = "", on_recorded: Callable[[], None] | None = None) -> MailRun | None:
    """The audit entry for a print or export, and the statements kept (one transaction); then
    ``on_recorded()`` (the command line moves the file into place there); then the statements
    of accounts that asked for e-mail are e-mailed (see the run's summary)."""
    if out.copies and user is None:
        raise BillingError("statements keep a copy on each account: name the user sending them")
    size = f"{out.pages} pages" if out.fmt == "pdf" else f"{out.rows} rows"
    where = "printed" if action == "print" else f"saved to {out.path}"
    with in_transaction():
        audit.record(user, action, table="report",
                     summary=f"{spec.title} ({describe(report)}) {where}, {size}",
                     after={"report": spec.name, "format": out.fmt, "path": str(out.path),
                            "pages": out.pages, "rows": out.rows})
        if out.copies and user is not None:  # (a user is required with copies, above)
            sent_on = next((v for k, v in report.parameters if k == "Statement date"),
                           dt.date.today())
            reports_statements.record_statements(out.copies, sent_on, user)
    out.recorded = True
    if on_recorded is not None:
        on_recorded()
    if not out.copies or user is None:
        return None
    try:
        return statement_mail.email_statements(out.copies, sent_on, user, smtp_password=smtp_password)
    except OSError as exc:  # the outbox folder cannot be written
        raise BillingError(f"the statements were kept on the accounts, but their e-mails could not "
                           f"be written to {statement_mail.outbox_folder()}: {exc.strerror or exc}. "
                           "Choose another folder in Settings (statement_email_folder) and run "
                           "the e-mail accounts again") from exc
