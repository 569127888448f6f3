"""Print preview: the very PDF that will be printed, page by page, before it goes to paper.

QtPdf's ``QPdfView`` shows the pages one under the other (multi-page mode); where the QtPdf
widgets module is missing, the pages are rendered to images in a scroll area instead. Keys:
PgUp/PgDn a page back/on, Home/End the first/last page, Ctrl++/Ctrl+- zoom, Ctrl+P prints
(on the remembered printer with the remembered page setup), Esc cancels a running print job or
closes. Printing runs in a worker thread with a progress bar, so the window never freezes.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPointF, QSize, Qt, Signal
from PySide6.QtGui import QImage, QKeySequence, QPixmap, QShortcut
from PySide6.QtPdf import QPdfDocument
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ..prompts import Prompter
from ..work import BackgroundJob, run_in_background
from . import print_settings

try:
    from PySide6.QtPdfWidgets import QPdfView
except ImportError:  # pragma: no cover - PySide6 without the QtPdf widgets
    QPdfView = None  # type: ignore[assignment,misc]  # the fallback below shows page images

ZOOM_STEP = 1.25
MIN_ZOOM, MAX_ZOOM = 0.1, 8.0


class _PdfPages:
    """The QtPdf view: multi-page, fit to width at first."""

    def __init__(self, document: QPdfDocument):
        self.widget = QPdfView()
        self.widget.setObjectName("pages")
        self.widget.setDocument(document)
        self.widget.setPageMode(QPdfView.PageMode.MultiPage)
        self.widget.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.document = document
        self.navigator = self.widget.pageNavigator()

    def current(self) -> int:
        return self.navigator.currentPage()

    def go_to(self, page: int) -> None:
        self.navigator.jump(page, QPointF(0, 0), self.navigator.currentZoom())

    def fit(self, whole_page: bool) -> None:
        self.widget.setZoomMode(QPdfView.ZoomMode.FitInView if whole_page
                                else QPdfView.ZoomMode.FitToWidth)

    def zoom(self) -> float:
        return self.widget.zoomFactor()

    def set_zoom(self, factor: float) -> None:
        self.widget.setZoomMode(QPdfView.ZoomMode.Custom)
        self.widget.setZoomFactor(factor)


class _ImagePages:
    """The fallback: every page rendered to an image, one under the other in a scroll area."""

    def __init__(self, document: QPdfDocument):
        self.document = document
        self.widget = QScrollArea(objectName="pages", widgetResizable=True)
        holder = QWidget()
        self.column = QVBoxLayout(holder)
        self.labels = [QLabel(alignment=Qt.AlignmentFlag.AlignHCenter)
                       for _ in range(document.pageCount())]
        for label in self.labels:
            self.column.addWidget(label)
        self.widget.setWidget(holder)
        self._zoom, self._page = 1.0, 0
        self._render()
        self.widget.verticalScrollBar().valueChanged.connect(self._scrolled)

    def _scrolled(self, value: int) -> None:
        """The page under the middle of the view is the current one."""
        middle = value + self.widget.viewport().height() // 2
        tops = [label.y() for label in self.labels]
        self._page = max([i for i, top in enumerate(tops) if top <= middle], default=0)

    def _render(self) -> None:
        for page, label in enumerate(self.labels):
            points = self.document.pagePointSize(page)
            size = QSize(int(points.width() * self._zoom * 96 / 72),
                         int(points.height() * self._zoom * 96 / 72))
            image: QImage = self.document.render(page, size)
            label.setPixmap(QPixmap.fromImage(image))

    def current(self) -> int:
        return self._page

    def go_to(self, page: int) -> None:
        self.widget.ensureWidgetVisible(self.labels[page], 0, 0)
        self._page = page

    def fit(self, whole_page: bool) -> None:
        points = self.document.pagePointSize(0)
        width = self.widget.viewport().width() / (points.width() * 96 / 72)
        height = self.widget.viewport().height() / (points.height() * 96 / 72)
        self.set_zoom(min(width, height) if whole_page else width)

    def zoom(self) -> float:
        return self._zoom

    def set_zoom(self, factor: float) -> None:
        self._zoom = factor
        self._render()


class PrintPreviewDialog(QDialog):
    """Shows ``pdf_path``; Print… sends it to the printer. ``printed(pages)`` after a job."""

    printed = Signal(int)

    def __init__(self, pdf_path: str | Path, parent: QWidget | None = None, *,
                 printer_name: str | None = None, prompter=None, ask_page_setup=None,
                 title: str | None = None, delete_file: bool = False):
        super().__init__(parent)
        self.pdf_path = Path(pdf_path)
        self.printer_name = printer_name
        self.prompter = prompter or Prompter(self)
        self.ask_page_setup = ask_page_setup or print_settings.ask_page_setup
        self.delete_file = delete_file
        self.job: BackgroundJob | None = None
        self.fit_mode: str | None = "Fit width"
        self.setWindowTitle(f"Print preview — {title or self.pdf_path.stem}")
        self.resize(900, 1000)
        self.document = QPdfDocument(self)
        self.document.load(str(self.pdf_path))
        self.pages = _PdfPages(self.document) if QPdfView is not None else _ImagePages(self.document)
        self._build()
        self._show_page()

    # --- assembly -----------------------------------------------------------------------
    def _build(self) -> None:
        self.page_label = QLabel(objectName="page")
        self.zoom_label = QLabel(objectName="zoom")
        row = QHBoxLayout()
        buttons = (("fit_width", "Fit &width", lambda: self.fit(False)),
                   ("fit_page", "Fit &page", lambda: self.fit(True)),
                   ("zoom_out", "Zoom − (Ctrl+-)", lambda: self.zoom_by(1 / ZOOM_STEP)),
                   ("zoom_in", "Zoom + (Ctrl++)", lambda: self.zoom_by(ZOOM_STEP)))
        self.buttons = {}
        for name, text, slot in buttons:
            button = self.buttons[name] = QPushButton(text, objectName=name, autoDefault=False)
            button.clicked.connect(slot)
            row.addWidget(button)
        row.addWidget(self.zoom_label)
        row.addStretch(1)
        row.addWidget(self.page_label)
        self.setup_label = QLabel(objectName="page_setup_text")
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.pages.widget, 1)
        layout.addLayout(self._bottom())
        self._keys()
        if isinstance(self.pages, _PdfPages):
            self.pages.navigator.currentPageChanged.connect(lambda _page: self._show_page())
            self.pages.widget.zoomFactorChanged.connect(lambda _zoom: self._show_page())
        self._show_setup()

    def _bottom(self) -> QHBoxLayout:
        self.status = QLabel(objectName="status")
        self.progress = QProgressBar(objectName="progress", visible=False)
        self.setup_button = QPushButton("Pa&ge setup…", objectName="page_setup", autoDefault=False)
        self.print_button = QPushButton("Pr&int… (Ctrl+P)", objectName="print", autoDefault=False)
        self.close_button = QPushButton("Close (Esc)", objectName="close", autoDefault=False)
        self.setup_button.clicked.connect(self.page_setup)
        self.print_button.clicked.connect(self.print_document)
        self.close_button.clicked.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.setup_label)
        bottom.addWidget(self.status, 1)
        for widget in (self.progress, self.setup_button, self.print_button, self.close_button):
            bottom.addWidget(widget)
        return bottom

    def _keys(self) -> None:
        last = lambda: self.document.pageCount() - 1
        for keys, slot in (("PgUp", lambda: self.go_to(self.pages.current() - 1)),
                           ("PgDown", lambda: self.go_to(self.pages.current() + 1)),
                           ("Home", lambda: self.go_to(0)), ("End", lambda: self.go_to(last())),
                           ("Ctrl++", lambda: self.zoom_by(ZOOM_STEP)),
                           ("Ctrl+=", lambda: self.zoom_by(ZOOM_STEP)),
                           ("Ctrl+-", lambda: self.zoom_by(1 / ZOOM_STEP)),
                           (QKeySequence.StandardKey.Print, self.print_document)):
            QShortcut(QKeySequence(keys), self, slot)

    # --- pages and zoom -----------------------------------------------------------------
    @property
    def page_count(self) -> int:
        return self.document.pageCount()

    def current_page(self) -> int:
        """The page on screen, counted from 0."""
        return self.pages.current()

    def go_to(self, page: int) -> None:
        if self.page_count:
            self.pages.go_to(max(0, min(page, self.page_count - 1)))
            self._show_page()

    def fit(self, whole_page: bool) -> None:
        self.pages.fit(whole_page)
        self.fit_mode = "Fit page" if whole_page else "Fit width"
        self._show_page()

    def zoom_by(self, factor: float) -> None:
        self.pages.set_zoom(max(MIN_ZOOM, min(MAX_ZOOM, self.pages.zoom() * factor)))
        self.fit_mode = None
        self._show_page()

    def _show_page(self) -> None:
        if self.page_count < 1:
            self.page_label.setText("No pages")
            self.status.setText(f"{self.pdf_path.name} could not be opened.")
            self.print_button.setEnabled(False)
            return
        self.page_label.setText(f"Page {self.current_page() + 1} of {self.page_count}")
        self.zoom_label.setText(self.fit_mode or f"{self.pages.zoom():.0%}")

    def _show_setup(self) -> None:
        self.setup_label.setText(print_settings.describe(print_settings.load_page_layout()))

    # --- page setup and printing --------------------------------------------------------
    def page_setup(self) -> None:
        layout = self.ask_page_setup(self, print_settings.load_page_layout())
        if layout is not None:
            print_settings.save_page_layout(layout)
            self._show_setup()

    def print_document(self) -> None:
        if self.job is not None or self.page_count < 1:
            return
        remembered = self.printer_name or print_settings.remembered_printer()
        printer = self.prompter.choose_printer(remembered)
        if printer is None:
            return
        print_settings.remember_printer(printer)
        layout = print_settings.load_page_layout()
        path, name = self.pdf_path, self.pdf_path.stem

        def work(progress):
            from ...printing.printer import print_pdf

            return print_pdf(path, printer or None, progress=progress, doc_name=name,
                             cancelled=lambda: progress.cancelled, page_layout=layout)

        self.status.setText(f"Printing on {printer or 'the default printer'}…")
        self.progress.setVisible(True)
        self.print_button.setEnabled(False)
        self.job = job = run_in_background(
            self, work, title=self.status.text(), cancellable=True, bar=self.progress,
            on_done=self._printed, on_error=self.status.setText,
            on_cancel=lambda: self.status.setText("Printing cancelled."))
        job.ended.connect(lambda: self._finished(job))

    def _printed(self, pages: int) -> None:
        self.status.setText(f"Printed {pages} of {self.page_count} pages." if pages
                            else "Printing cancelled.")
        self.printed.emit(pages)

    def _finished(self, job) -> None:
        if self.job is job:
            self.job = None
        self.progress.setVisible(False)
        self.print_button.setEnabled(True)

    # --- closing ------------------------------------------------------------------------
    def reject(self) -> None:  # Esc: cancel a running job first
        if self.job is not None:
            self.job.cancel()
            self.status.setText("Cancelling…")
            return
        super().reject()

    def done(self, result: int) -> None:
        if self.job is not None:
            self.job.cancel()
            self.job.wait()
        super().done(result)
        self.document.close()
        if self.delete_file:
            self.pdf_path.unlink(missing_ok=True)
            try:
                self.pdf_path.parent.rmdir()  # the temporary folder it was made in, if empty
            except OSError:
                pass
