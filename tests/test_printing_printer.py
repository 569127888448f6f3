"""Printing through Qt: pages rendered by QtPdf onto a QPrinter, and a real CUPS print job.

The real job goes to the CUPS queue ``PDF`` (cups-pdf, set up by ``.ci/install_cups.sh``),
which writes each job as a PDF under the job owner's ``~/PDF`` (``Out`` in
/etc/cups/cups-pdf.conf). Without the queue the test skips; with ``CI`` set it fails.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import re
import time
import uuid
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from billing_desk.printing.pdf import render_pdf
from billing_desk.printing.report import Column, Group, Report

QUEUE = "PDF"
CUPS_PDF_CONF = Path("/etc/cups/cups-pdf.conf")
JOB_TIMEOUT = 90.0


def sample_pdf(path: Path, rows: int, columns: int = 3) -> int:
    cols = [Column("n", "Row"), Column("amount", "Amount", "money")]
    cols += [Column(f"x{i}", f"Extra {i}") for i in range(columns - 2)]
    data = [{"n": f"row {i}", "amount": Decimal(i) / 100} for i in range(rows)]
    report = Report("t", "Print Test", [("As of", date(2026, 11, 30))], cols,
                    [Group("", data)]).compute_totals()
    return render_pdf(report, path)


def cups_pdf_dirs() -> list[Path]:
    """Where cups-pdf may write our jobs: its configured ``Out`` and the usual places."""
    dirs = []
    if CUPS_PDF_CONF.is_file():
        for line in CUPS_PDF_CONF.read_text(errors="replace").splitlines():
            match = re.match(r"\s*Out\s+(\S+)", line)
            if match:
                dirs.append(Path(match[1].replace("${HOME}", str(Path.home()))))
    dirs += [Path.home() / "PDF", Path("/root/PDF"), Path("/var/spool/cups-pdf/ANONYMOUS")]
    return list(dict.fromkeys(dirs))


def wait_for_job(job_name: str, pages: int) -> Path:
    """The printed job's PDF once cups-pdf has finished writing it with ``pages`` pages."""
    deadline = time.monotonic() + JOB_TIMEOUT
    while time.monotonic() < deadline:
        for folder in cups_pdf_dirs():
            for found in folder.glob(f"{job_name}*.pdf") if folder.is_dir() else []:
                try:
                    if len(PdfReader(found).pages) == pages:
                        return found
                except Exception:  # still being written
                    pass
        time.sleep(0.5)
    raise AssertionError(f"no {pages}-page job {job_name!r} in {cups_pdf_dirs()} "
                         f"after {JOB_TIMEOUT:.0f} s")


@pytest.fixture
def queue(qapp) -> str:
    from billing_desk.printing.printer import available_printers

    if QUEUE not in available_printers():
        reason = (f"no CUPS print queue named {QUEUE!r} (run .ci/install_cups.sh as root); "
                  f"printers: {available_printers()}")
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return QUEUE


def test_pages_are_drawn_scaled_and_oriented(qapp, tmp_path):
    """The drawing path, onto a QPrinter writing a PDF file (no print system needed)."""
    from PySide6.QtPrintSupport import QPrinter

    from billing_desk.printing.printer import _open_document, _print_pages

    source = tmp_path / "wide.pdf"
    pages = sample_pdf(source, rows=60, columns=9)  # landscape
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "out.pdf"))
    seen: list[tuple[int, int]] = []
    document = _open_document(source)
    try:
        done = _print_pages(document, printer, lambda d, t: seen.append((d, t)), None, 72)
    finally:
        document.close()
    assert done == pages == 2 and seen == [(1, 2), (2, 2)]
    out = PdfReader(tmp_path / "out.pdf")
    assert len(out.pages) == 2
    box = out.pages[0].mediabox
    assert box.width > box.height


def test_missing_file_and_unknown_printer_are_clear_errors(qapp, tmp_path):
    from billing_desk.printing.printer import PrintError, print_pdf

    with pytest.raises(PrintError, match="no file"):
        print_pdf(tmp_path / "nothing.pdf", "PDF")
    (tmp_path / "junk.pdf").write_bytes(b"not a pdf")
    with pytest.raises(PrintError, match="not a PDF"):
        print_pdf(tmp_path / "junk.pdf", "PDF")
    sample_pdf(tmp_path / "ok.pdf", rows=3)
    with pytest.raises(PrintError, match="no printer named"):
        print_pdf(tmp_path / "ok.pdf", "No Such Printer 42")


@pytest.mark.printer
def test_real_print_job_through_cups(queue, tmp_path):
    from billing_desk.printing.printer import print_pdf

    source = tmp_path / "report.pdf"
    pages = sample_pdf(source, rows=150)
    assert pages >= 3
    job = f"bdtest{uuid.uuid4().hex[:10]}"
    progress: list[int] = []
    printed = print_pdf(source, queue, doc_name=job, max_dpi=100,
                        progress=lambda done, total: progress.append(done))
    assert printed == pages and progress[-1] == pages
    found = wait_for_job(job, pages)
    assert len(PdfReader(found).pages) == pages
    found.unlink()


@pytest.mark.printer
def test_cancel_before_the_first_page_prints_nothing(queue, tmp_path):
    from billing_desk.printing.printer import print_pdf

    source = tmp_path / "report.pdf"
    sample_pdf(source, rows=10)
    assert print_pdf(source, queue, cancelled=lambda: True) == 0


def _no_display_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parent.parent)
    return env


def test_without_a_display_qt_is_offscreen_or_a_clear_error(tmp_path):
    """Item 12: no abort (exit 134) where there is no display."""
    import subprocess
    import sys

    code = ("import os; from billing_desk.printing.printer import ensure_gui_application; "
            "ensure_gui_application(); print(os.environ['QT_QPA_PLATFORM'])")
    done = subprocess.run([sys.executable, "-c", code], env=_no_display_env(), cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.strip() == "offscreen", done.stderr
    env = _no_display_env() | {"QT_QPA_PLATFORM": "xcb"}
    done = subprocess.run([sys.executable, "-c", code], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "there is no display" in done.stderr


@pytest.mark.printer
def test_the_command_line_prints_the_pdf_itself_without_a_display(queue, tmp_path):
    """Item 12: ``billing-desk print`` with no display exits 0, and CUPS gets the PDF itself
    (its text is still text in the printed job, not page images)."""
    import subprocess
    import sys

    from billing_desk.models.db import open_database
    from billing_desk.services.office.users import ensure_administrator

    opened = open_database(tmp_path / "office.sqlite")
    ensure_administrator()
    opened.close()
    started = time.time()
    done = subprocess.run([sys.executable, "-m", "billing_desk", "print", "accounts", "--db",
                           str(tmp_path / "office.sqlite"), "--printer", queue],
                          env=_no_display_env(), cwd=tmp_path, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    assert "1 pages sent to PDF" in done.stdout
    deadline = time.monotonic() + JOB_TIMEOUT
    found = None
    while found is None and time.monotonic() < deadline:
        for folder in cups_pdf_dirs():
            for path in folder.glob("accounts-*.pdf") if folder.is_dir() else []:
                if path.stat().st_mtime >= started - 1:
                    found = path
        time.sleep(0.5)
    assert found is not None, "the job never came out of the queue"
    text = PdfReader(found).pages[0].extract_text()
    assert "Accounts" in text and "Page 1 of 1" in text
    found.unlink()
