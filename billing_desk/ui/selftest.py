"""`billing-desk --self-test`: check a build without a person at it.

With no screen (Qt's offscreen platform unless QT_QPA_PLATFORM says otherwise), in a temporary
folder that is removed afterwards, it does a small day's work from end to end and checks each
step: a new database; an account opened and approved; a catalogue item; an ICD-10-CM code looked
up in the shipped code set; an invoice posted and a payment applied to it; the ledger check; a
report rendered as PDF (then opened with QtPdf, as the printer does) and as Excel (read back);
the main window built and drawn; a backup made and verified; a change made after it, then the
backup restored and that change gone. Each step prints one line; the exit code is 0 only when
every step passed. The user's own data folder is never touched.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable

from .. import APP_NAME, __version__

EXIT_OK, EXIT_FAILED = 0, 1
SERVICE_DAY = dt.date(2026, 1, 5)
CODES = (("99213", "Established patient visit, level 3", "120.00"), ("36415", "Blood draw", "15.00"))
DIAGNOSIS = "E11.9"
CHARGES, PAID, LATE_PAYMENT = Decimal("135.00"), Decimal("50.00"), Decimal("25.00")
BACKUP_PASSWORD = "self-test password"


@dataclass
class Context:
    """What the steps share: the folder, the open office, the records made so far."""

    folder: Path
    database: Path | None = None
    opened: Any = None  # models.db.OpenedDatabase
    user: Any = None
    account: Any = None
    invoice: Any = None
    backup: Path | None = None
    app: Any = None  # the QApplication, made when a step first needs Qt
    report: Any = None  # printing.report.Report
    files: dict[str, Path] = field(default_factory=dict)
    given: Path | None = None  # --db: the office's own database, checked read-only at the end


def run_self_test(out=None, database: str | Path | None = None) -> int:
    """Run every step, printing one line each to ``out`` (stdout); 0 when all passed.

    With ``database`` (``--db``) a last step opens that database read-only and runs the checks
    on it (integrity, ledger, audit trail); nothing in it is changed."""
    out = out or sys.stdout
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    where = "frozen build" if getattr(sys, "frozen", False) else "from source"
    started = time.perf_counter()
    print(f"{APP_NAME} {__version__} self-test ({where}, Python {sys.version.split()[0]}, "
          f"Qt platform {os.environ['QT_QPA_PLATFORM']})", file=out, flush=True)
    with tempfile.TemporaryDirectory(prefix="billing-desk-selftest-",
                                     ignore_cleanup_errors=True) as folder:
        context = Context(Path(folder), given=Path(database) if database else None)
        steps = STEPS + ((("your database", step_given_database),) if database else ())
        with _home(context.folder / "home"):
            try:
                passed = _run_steps(context, out, steps)
            finally:
                _close(context)
    seconds = time.perf_counter() - started
    if passed == len(steps):
        print(f"self-test passed: {passed} checks in {seconds:.1f} s", file=out, flush=True)
        return EXIT_OK
    print(f"self-test FAILED after {passed} of {len(steps)} checks", file=out, flush=True)
    return EXIT_FAILED


def _run_steps(context: Context, out, steps=None) -> int:
    """Run the steps in order; stop at the first failure (the later ones build on it)."""
    steps = STEPS if steps is None else steps
    for passed, (name, step) in enumerate(steps):
        started = time.perf_counter()
        try:
            detail = step(context)
        except Exception as exc:
            print(f"  FAIL {name}: {type(exc).__name__}: {exc}", file=out, flush=True)
            return passed
        ms = (time.perf_counter() - started) * 1000
        print(f"  ok   {name}: {detail} [{ms:.0f} ms]", file=out, flush=True)
    return len(steps)


@contextmanager
def _home(folder: Path):
    """Point the program's data folder (window.ini, backups) at the temporary one."""
    before = os.environ.get("BILLING_DESK_HOME")
    os.environ["BILLING_DESK_HOME"] = str(folder)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("BILLING_DESK_HOME", None)
        else:
            os.environ["BILLING_DESK_HOME"] = before


def _close(context: Context) -> None:
    if context.opened is not None:
        context.opened.close()
        context.opened = None


def _expect(condition: bool, message: str) -> None:
    if not condition:
        raise AssertionError(message)


# --- the steps ------------------------------------------------------------------------------

def step_database(context: Context) -> str:
    from ..services.office.session import SCHEMA_VERSION, open_session

    context.database = context.folder / "office.sqlite"
    session = open_session(context.database)
    context.opened, context.user = session.opened, session.user
    _expect(context.opened.created, "the database was not created fresh")
    return f"created {context.database.name} (schema {SCHEMA_VERSION}), acting as {context.user.username}"


def step_account(context: Context) -> str:
    from ..services.accounts import registry

    form = registry.AccountForm(first_name="Ada", last_name="Selftest", date_of_birth="03/04/1975",
                                phone="212-555-0142", street="1 Main St", city="New York",
                                state="NY", zip_code="10001")
    account = registry.create_account(form, context.user)
    _expect(account.status == "pending", f"a new account is {account.status}, not pending")
    context.account = registry.approve_account(account.id, context.user)
    _expect(context.account.status == "active", "the approved account is not active")
    return f"account {context.account.number} opened (pending) and approved (active)"


def step_catalogue(context: Context) -> str:
    from ..services.books.catalogue import save_item

    for code, description, price in CODES:
        save_item({"code": code, "kind": "procedure", "description": description, "unit_price": price},
                  context.user)
    return f"{len(CODES)} catalogue items: " + ", ".join(code for code, _, _ in CODES)


def step_diagnosis(context: Context) -> str:
    from ..services.books import icd_index
    from ..services.books.codes import check_diagnosis, describe_diagnosis

    code, problem = check_diagnosis(DIAGNOSIS)
    _expect(problem is None, f"{DIAGNOSIS} refused: {problem}")
    if getattr(sys, "frozen", False):  # the installed program reads the index it brings
        _expect(icd_index.SOURCE[0] == "shipped", f"the ICD-10-CM index was {icd_index.SOURCE[0]}")
    _, problem = check_diagnosis("E11")  # a category, not a billable code
    _expect(problem is not None, "the non-billable category E11 was accepted")
    return f"ICD-10-CM code set loaded ({icd_index.SOURCE[0]} index): {code} {describe_diagnosis(code)}"


def step_invoice(context: Context) -> str:
    from ..services.books.invoices import quick_invoice

    invoice = quick_invoice(context.account.id, SERVICE_DAY, [(code, 1) for code, _, _ in CODES],
                            context.user, diagnoses=[DIAGNOSIS], entry_date=SERVICE_DAY)
    context.invoice = invoice
    _expect(invoice.status == "posted", f"invoice status is {invoice.status}")
    _expect(invoice.total == CHARGES, f"invoice total {invoice.total}, expected {CHARGES}")
    return f"invoice {invoice.number} posted for {invoice.total}"


def step_payment(context: Context) -> str:
    from ..services.accounts.registry import get_account, owed
    from ..services.books.payments import record_payment

    payment = record_payment(context.account.id, str(PAID), context.user, method="check",
                             reference="1001", entry_date=SERVICE_DAY)
    balance = owed(get_account(context.account.id))
    _expect(balance == CHARGES - PAID, f"the account owes {balance}, expected {CHARGES - PAID}")
    return f"payment of {payment.amount} applied; the account owes {balance}"


def step_checks(context: Context) -> str:
    from ..services.checks import run_checks

    result = run_checks()
    _expect(result.clean, "; ".join(result.lines()))
    return "integrity, ledger and audit trail clean"


def step_pdf(context: Context) -> str:
    from reportlab.lib import rl_accel

    _expect(rl_accel.fp_str.__module__ == "_rl_accel", "reportlab's C accelerator (rl_accel) is missing")
    context.report = _ledger_report(context)
    path = context.folder / "ledger.pdf"
    pages = _render_pdf(context.report, path)
    data = path.read_bytes()
    _expect(data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:], "the file is not a whole PDF")
    context.files["pdf"] = path
    return f"{path.name}: {pages} page(s), {len(data):,} bytes (reportlab accelerated)"


def step_qt_pdf(context: Context) -> str:
    from PySide6.QtCore import QSize
    from PySide6.QtPdf import QPdfDocument

    context.app = _application()
    document = QPdfDocument()
    error = document.load(str(context.files["pdf"]))
    _expect(error == QPdfDocument.Error.None_, f"QtPdf could not open the PDF: {error}")
    image = document.render(0, QSize(425, 550))
    _expect(not image.isNull(), "QtPdf drew nothing")
    inked = sum(1 for x in range(0, image.width(), 3) for y in range(0, image.height(), 3)
                if image.pixelColor(x, y).alpha() > 128 and image.pixelColor(x, y).lightness() < 128)
    pages = document.pageCount()
    document.close()
    _expect(inked > 0, "the page QtPdf drew is blank")
    return f"QtPdf opened {pages} page(s) and drew page 1 ({inked} inked sample points)"


def step_excel(context: Context) -> str:
    from openpyxl import load_workbook

    path = context.folder / "ledger.xlsx"
    _render_xlsx(context.report, path)
    workbook = load_workbook(path, read_only=True)
    try:
        values = [cell for row in workbook.worksheets[0].iter_rows(values_only=True) for cell in row]
    finally:
        workbook.close()
    numbers = {Decimal(str(v)).quantize(Decimal("0.01")) for v in values
               if isinstance(v, (int, float)) and not isinstance(v, bool)}
    _expect(CHARGES - PAID in numbers, f"the balance {CHARGES - PAID} is not in the workbook")
    _expect(any(str(context.invoice.number) == str(v) for v in values if v is not None),
            f"invoice {context.invoice.number} is not in the workbook")
    return f"{path.name}: {len(values)} cells read back, balance {CHARGES - PAID} found"


def step_window(context: Context) -> str:
    from ..services.office.session import Session
    from .kept_worker import let_go_all
    from .main_window import MainWindow
    from .work import finish_all

    context.app = _application()
    window = MainWindow(Session(context.opened, context.user))
    try:
        window.show()
        list(window.pages)  # every tab built (the window builds each when first shown)
        context.app.processEvents()  # lets the window paint before it is grabbed
        picture = window.grab()
        _expect(not picture.isNull() and picture.width() > 0, "the window drew nothing")
        tabs = [window.tabs.tabText(i).replace("&", "") for i in range(window.tabs.count())]
    finally:
        window.close()
        finish_all()  # work the window started in the background (the day's review) ends first
        let_go_all()  # a kept reader's connection (ui/kept_worker.py)
        window.deleteLater()
        context.app.processEvents()  # lets the closed window go; no work runs here
    return f"main window built and drawn ({picture.width()}x{picture.height()}): {', '.join(tabs)}"


def step_backup(context: Context) -> str:
    from ..services.office import backup

    assert context.database is not None  # made by the first step
    result = backup.make_backup(context.database, context.folder / "backups",
                                user=context.user.username, reason="selftest",
                                password=BACKUP_PASSWORD, create_folder=True, keep_newest=None)
    context.backup = result.path
    manifest = backup.verify_backup(result.path, BACKUP_PASSWORD)
    try:
        backup.verify_backup(result.path, "not the password")
    except backup.BackupError:
        pass
    else:
        raise AssertionError("the backup opened with a wrong password")
    return (f"{result.path.name}: encrypted, made and verified "
            f"({manifest['data_bytes']:,} bytes of data), a wrong password refused")


def step_restore(context: Context) -> str:
    from ..services.accounts import lists
    from ..services.accounts.registry import get_account, owed
    from ..services.books.payments import record_payment

    record_payment(context.account.id, str(LATE_PAYMENT), context.user, method="cash",
                   entry_date=SERVICE_DAY)
    _expect(lists.count(lists.payments_query()) == 2, "the change after the backup was not saved")
    _restore_backup(context)
    payments = lists.count(lists.payments_query())
    balance = owed(get_account(context.account.id))
    _expect(payments == 1, f"{payments} payments after the restore, expected 1")
    _expect(balance == CHARGES - PAID, f"the account owes {balance} after the restore")
    step_checks(context)
    return f"restored; the later payment is gone, the account owes {balance}, checks clean"


STEPS: tuple[tuple[str, Callable[[Context], str]], ...] = (
    ("database", step_database),
    ("account", step_account),
    ("catalogue", step_catalogue),
    ("diagnosis codes", step_diagnosis),
    ("invoice", step_invoice),
    ("payment", step_payment),
    ("ledger check", step_checks),
    ("PDF report", step_pdf),
    ("QtPdf", step_qt_pdf),
    ("Excel report", step_excel),
    ("main window", step_window),
    ("backup", step_backup),
    ("restore", step_restore),
)


def step_given_database(context: Context) -> str:
    """The office's own database (--db), opened read-only: integrity, ledger and audit trail."""
    from ..services.checks import run_checks
    from ..services.office.session import open_database

    _close(context)
    assert context.given is not None
    context.opened = open_database(context.given, readonly=True)
    result = run_checks()
    _expect(result.clean, "; ".join(result.lines()))
    return f"{context.given.name} read-only: integrity, ledger and audit trail checks clean"


# --- helpers --------------------------------------------------------------------------------

def _application():
    from .app import application

    return application()


def _ledger_report(context: Context):
    from ..printing.report import Column, Group, Report
    from ..services.books.ledger import running_ledger

    rows = [{"date": entry.entry_date, "invoice": context.invoice.number if entry.invoice_id else "",
             "kind": entry.kind, "amount": entry.amount, "balance": balance}
            for entry, balance in running_ledger(context.account.id)]
    columns = [Column("date", "Date", "date"), Column("invoice", "Invoice"),
               Column("kind", "Entry"), Column("amount", "Amount", "money"),
               Column("balance", "Balance", "money", total=False)]
    return Report(name="selftest-ledger", title="Account ledger (self-test)",
                  parameters=[("Account", context.account.number), ("As of", SERVICE_DAY)],
                  columns=columns, groups=[Group(context.account.number, rows=rows)]).compute_totals()


def _render_pdf(report, path: Path) -> int:
    from ..printing.pdf import render_pdf

    return render_pdf(report, path)


def _render_xlsx(report, path: Path) -> int:
    from ..printing.excel import render_xlsx

    return render_xlsx(report, path)


def _restore_backup(context: Context) -> None:
    """Close the office, restore the backup over it (verified first), open it again."""
    from ..services.office import restore
    from ..services.office.session import open_session

    _close(context)
    assert context.backup is not None and context.database is not None  # made by the steps before
    restore.restore_backup(context.backup, context.database, context.user,
                          password=BACKUP_PASSWORD, keep_newest=None)
    session = open_session(context.database)
    context.opened, context.user = session.opened, session.user
