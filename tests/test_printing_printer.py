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
    assert printed == pages and progress == list(range(1, pages + 1))
    found = wait_for_job(job, pages)
    assert len(PdfReader(found).pages) == pages
    found.unlink()


@pytest.mark.printer
def test_cancel_before_the_first_page_prints_nothing(queue, tmp_path):
    from billing_desk.printing.printer import print_pdf

    source = tmp_path / "report.pdf"
    sample_pdf(source, rows=10)
    assert print_pdf(source, queue, cancelled=lambda: True) == 0
