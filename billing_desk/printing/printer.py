"""Print a PDF file: handed whole to the print system where it takes PDF, else drawn by Qt.

This is the one module outside ``billing_desk.ui`` that imports Qt. Where the computer prints
through CUPS (Linux, macOS) the PDF itself goes to the queue with ``lp`` (CUPS takes PDF and
rasterises it for the printer as it needs): no images, no Qt application, no display needed,
and the job starts at once. Elsewhere (Windows), or where ``lp`` is missing, each page is
rendered by QtPdf at the printer's resolution (capped by ``max_dpi``) in horizontal bands and
drawn onto a QPrinter, one page at a time, so memory stays at one band whatever the page count.
Pages are scaled to fit the printable area keeping their aspect ratio, and each page is printed
in its own orientation (a landscape report prints landscape).

Works from the window (a QApplication exists) or from the command line (a QGuiApplication is
made on first use; on Linux without a display it uses Qt's offscreen platform).
"""

from __future__ import annotations

import atexit
import gc
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Callable, cast

from PySide6.QtCore import QPoint, QRect, QSize, QSizeF
from PySide6.QtGui import QGuiApplication, QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument, QPdfDocumentRenderOptions
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

from billing_desk.errors import BillingError
from billing_desk.refcounts import reserve_references

#: Band height in device pixels: one band of a letter page at 600 dpi is about 10 MB.
BAND_PIXELS = 512
#: The highest resolution pages are rendered at (the printer's own when lower).
DEFAULT_MAX_DPI = 600
#: How long ``lp`` and ``lpstat`` may take to answer, seconds.
CUPS_TIMEOUT = 60

ProgressFn = Callable[[int, int], None]
CancelledFn = Callable[[], bool]

_app: QGuiApplication | None = None


class PrintError(BillingError):
    """The file could not be printed (no such printer, unreadable PDF, printer refused)."""


def ensure_gui_application() -> QGuiApplication:
    """The running Qt application, or a QGuiApplication made for printing from the command line.

    On Linux without a display (no DISPLAY nor WAYLAND_DISPLAY) Qt's offscreen platform is
    used, as Qt would otherwise abort the program; a display platform asked for by name where
    there is no display is refused in words."""
    global _app
    app = QGuiApplication.instance()
    if app is None:
        _choose_platform()
        reserve_references()  # before the first Qt call (see refcounts.py)
        _app = app = QGuiApplication(["billing-desk"])
        atexit.register(_release_application)
    return cast(QGuiApplication, app)


def _choose_platform() -> None:
    if not sys.platform.startswith("linux") or os.environ.get("DISPLAY") \
            or os.environ.get("WAYLAND_DISPLAY"):
        return
    wanted = os.environ.get("QT_QPA_PLATFORM", "")
    if not wanted:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    elif wanted.split(":")[0] in ("xcb", "wayland", "eglfs"):
        raise PrintError(f"there is no display for Qt's {wanted!r} platform (DISPLAY is not set): "
                         "unset QT_QPA_PLATFORM to print without one")


def cups_lp() -> str | None:
    """The CUPS ``lp`` command when this computer prints through CUPS (not on Windows)."""
    if sys.platform == "win32":
        return None
    return shutil.which("lp")


def _cups(*args: str) -> str:
    command = shutil.which(args[0]) or args[0]
    try:
        done = subprocess.run([command, *args[1:]], capture_output=True, text=True,
                              timeout=CUPS_TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise PrintError(f"the print system did not answer ({args[0]}: {exc})") from None
    if done.returncode != 0:
        why = (done.stderr or done.stdout).strip().splitlines()
        raise PrintError(f"the print system refused: {why[-1] if why else args[0]}")
    return done.stdout


def _release_application() -> None:
    """Free Qt objects before the application we made, then shut it down (at exit)."""
    global _app
    gc.collect()
    if _app is not None:
        _app.shutdown()
        _app = None


def available_printers() -> list[str]:
    """Names of the printers (print queues) this computer can print to."""
    if cups_lp() and shutil.which("lpstat"):
        try:
            return [line.strip() for line in _cups("lpstat", "-e").splitlines() if line.strip()]
        except PrintError:
            pass  # no scheduler answering: ask Qt, which says the same in its own way
    ensure_gui_application()
    return list(QPrinterInfo.availablePrinterNames())


def default_printer() -> str | None:
    """The system's default printer, or None when there is none."""
    if cups_lp() and shutil.which("lpstat"):
        try:
            answer = _cups("lpstat", "-d")
        except PrintError:
            answer = ""
        if ":" in answer:
            return answer.split(":", 1)[1].strip() or None
    ensure_gui_application()
    return QPrinterInfo.defaultPrinterName() or None


def _open_document(pdf_path: str | Path) -> QPdfDocument:
    path = Path(pdf_path)
    if not path.is_file():
        raise PrintError(f"there is no file to print at {path}")
    document = QPdfDocument()
    error = document.load(str(path))
    if error != QPdfDocument.Error.None_ or document.pageCount() < 1:
        raise PrintError(f"{path.name} is not a PDF that can be printed ({error.name})")
    return document


def _make_printer(printer_name: str | None, doc_name: str) -> QPrinter:
    name = printer_name or default_printer()
    if not name:
        raise PrintError("no printer is set up on this computer")
    if name not in QPrinterInfo.availablePrinterNames():
        raise PrintError(f"there is no printer named {name!r}")
    printer = QPrinter(QPrinterInfo.printerInfo(name), QPrinter.PrinterMode.HighResolution)
    printer.setDocName(doc_name)
    return printer


def _orientation(size: QSizeF) -> QPageLayout.Orientation:
    if size.width() > size.height():
        return QPageLayout.Orientation.Landscape
    return QPageLayout.Orientation.Portrait


def _target_rect(printer: QPrinter, page_points: QSizeF, dpi: int) -> QRect:
    """Where the page goes: the printable area, page scaled to fit and centred."""
    area = printer.pageLayout().paintRectPixels(printer.resolution())
    scale_to_device = printer.resolution() / dpi
    fit = min(area.width() / page_points.width(), area.height() / page_points.height())
    width = int(page_points.width() * fit / scale_to_device)
    height = int(page_points.height() * fit / scale_to_device)
    left = int((area.width() - width * scale_to_device) / 2 / scale_to_device)
    top = int((area.height() - height * scale_to_device) / 2 / scale_to_device)
    return QRect(left, top, width, height)


def _draw_page(painter: QPainter, document: QPdfDocument, page: int, target: QRect) -> None:
    """Render ``page`` into ``target`` band by band (coordinates in render pixels)."""
    full = QSize(target.width(), target.height())
    for top in range(0, full.height(), BAND_PIXELS):
        band = QRect(0, top, full.width(), min(BAND_PIXELS, full.height() - top))
        options = QPdfDocumentRenderOptions()
        options.setScaledSize(full)
        options.setScaledClipRect(band)
        image = document.render(page, band.size(), options)
        if image.isNull():
            raise PrintError(f"page {page + 1} could not be rendered")
        painter.drawImage(QPoint(target.left(), target.top() + top), image)


def print_pdf(pdf_path: str | Path, printer_name: str | None = None, *,
              progress: ProgressFn | None = None, cancelled: CancelledFn | None = None,
              doc_name: str | None = None, max_dpi: int = DEFAULT_MAX_DPI,
              page_layout: QPageLayout | None = None,
              output_file: str | Path | None = None, actual_size: bool = False) -> int:
    """Print the PDF at ``pdf_path`` on ``printer_name`` (None: the default printer).

    ``progress(pages_done, page_count)`` is called after each page. ``cancelled()`` is asked
    before each page; when it says True the job is aborted and 0 is returned. Where the print
    engine cannot abort a started job (Qt's CUPS engine cannot), the pages already drawn are
    printed and their number is returned. ``doc_name`` names the job in the print queue.
    ``page_layout`` (the clerk's page setup: paper size, orientation, margins) is set on the
    printer and every page is fitted to it; None keeps the printer's paper and prints each page
    in its own orientation. ``output_file`` writes the job to that PDF file through Qt's PDF
    engine instead of a printer (``printer_name`` is then ignored).
    Returns the number of pages printed. Raises ``PrintError`` for a missing printer or file.
    Through CUPS the file itself is the job (``send_pdf``); Qt draws it only elsewhere.
    ``actual_size`` prints each page at 100 % from the paper's corner, never fitted (data for
    pre-printed forms, which must land in their boxes); the paper is the first page's size.
    """
    if output_file is None and cups_lp():
        return send_pdf(pdf_path, printer_name, progress=progress, cancelled=cancelled,
                        doc_name=doc_name, page_layout=page_layout, actual_size=actual_size)
    ensure_gui_application()
    document = _open_document(pdf_path)
    try:
        name = doc_name or Path(pdf_path).stem
        if output_file is not None:
            printer = QPrinter(QPrinter.PrinterMode.HighResolution)
            printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
            printer.setOutputFileName(str(output_file))
            printer.setDocName(name)
        else:
            printer = _make_printer(printer_name, name)
        if page_layout is not None and not printer.setPageLayout(page_layout):
            raise PrintError("the page setup does not fit this printer (paper size or margins)")
        if actual_size:
            printer.setFullPage(True)
            printer.setPageSize(QPageSize(document.pagePointSize(0), QPageSize.Unit.Point))
        return _print_pages(document, printer, progress, cancelled, max_dpi,
                            follow_pages=page_layout is None and not actual_size,
                            actual_size=actual_size)
    finally:
        document.close()


def send_pdf(pdf_path: str | Path, printer_name: str | None = None, *,
             progress: ProgressFn | None = None, cancelled: CancelledFn | None = None,
             doc_name: str | None = None, page_layout: QPageLayout | None = None,
             actual_size: bool = False) -> int:
    """Hand the PDF itself to CUPS with ``lp``; returns its page count (0 when cancelled first).

    ``page_layout`` becomes lp's options (paper, orientation, margins); without it each page
    prints on the printer's paper, fitted, in its own orientation. ``actual_size``: at 100 %,
    never scaled, on paper of the PDF's own size. No Qt application is made."""
    path = Path(pdf_path)
    pages = _page_count(path)
    name = printer_name or default_printer()
    if not name:
        raise PrintError("no printer is set up on this computer")
    if name not in available_printers():
        raise PrintError(f"there is no printer named {name!r}")
    if cancelled is not None and cancelled():
        return 0
    options = _actual_size_options(path) if actual_size else ["-o", "fit-to-page"]
    if page_layout is not None:
        options += _lp_layout(page_layout)
    _cups("lp", "-d", name, "-t", doc_name or path.stem, *options, "--", str(path))
    if progress is not None:
        progress(pages, pages)
    return pages


def _actual_size_options(path: Path) -> list[str]:
    """lp options printing at 100 % on paper of the first page's size (Letter for the CMS-1500)."""
    from pypdf import PdfReader

    box = PdfReader(path).pages[0].mediabox
    width, height = round(float(box.width)), round(float(box.height))  # page points, not money
    media = "Letter" if (width, height) == (612, 792) else f"Custom.{width}x{height}"
    return ["-o", "print-scaling=none", "-o", f"media={media}"]


def _page_count(path: Path) -> int:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    if not path.is_file():
        raise PrintError(f"there is no file to print at {path}")
    try:
        pages = len(PdfReader(path).pages)
    except (PdfReadError, OSError, ValueError) as exc:
        raise PrintError(f"{path.name} is not a PDF that can be printed ({exc})") from None
    if pages < 1:
        raise PrintError(f"{path.name} is not a PDF that can be printed (no pages)")
    return pages


def _lp_layout(layout: QPageLayout) -> list[str]:
    """The clerk's page setup as lp options."""
    options = ["-o", f"media={layout.pageSize().key()}"]
    if layout.orientation() == QPageLayout.Orientation.Landscape:
        options += ["-o", "landscape"]
    margins = layout.margins(QPageLayout.Unit.Point)
    for side, value in (("left", margins.left()), ("right", margins.right()),
                        ("top", margins.top()), ("bottom", margins.bottom())):
        options += ["-o", f"page-{side}={round(value)}"]
    return options


def _print_pages(document: QPdfDocument, printer: QPrinter, progress: ProgressFn | None,
                 cancelled: CancelledFn | None, max_dpi: int, follow_pages: bool = True,
                 actual_size: bool = False) -> int:
    """Draw every page; ``follow_pages`` turns the paper to each page's own orientation."""
    count = document.pageCount()
    if follow_pages:
        printer.setPageOrientation(_orientation(document.pagePointSize(0)))
    dpi = max(72, min(printer.resolution(), max_dpi))
    if cancelled is not None and cancelled():
        return 0
    painter = QPainter()
    if not painter.begin(printer):
        raise PrintError(f"the printer {printer.printerName()!r} could not start the job")
    try:
        for page in range(count):
            if page and cancelled is not None and cancelled():
                return 0 if printer.abort() else page
            size = document.pagePointSize(page)
            if page:
                if follow_pages:
                    printer.setPageOrientation(_orientation(size))
                printer.newPage()
            painter.save()
            painter.scale(printer.resolution() / dpi, printer.resolution() / dpi)
            target = (QRect(0, 0, round(size.width() * dpi / 72), round(size.height() * dpi / 72))
                      if actual_size else _target_rect(printer, size, dpi))
            _draw_page(painter, document, page, target)
            painter.restore()
            if progress is not None:
                progress(page + 1, count)
    finally:
        if painter.isActive():
            painter.end()
    return count


__all__ = ["PrintError", "available_printers", "cups_lp", "default_printer",
           "ensure_gui_application", "print_pdf", "send_pdf"]
