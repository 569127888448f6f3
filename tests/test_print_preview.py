"""Print preview and the remembered page setup: the preview shows the paginated PDF and moves by
keys; page setup survives in the settings file; print_pdf honours a page layout (checked on a
PDF written through Qt's PDF engine); the Reports window opens the preview of its report."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QMarginsF, Qt
from PySide6.QtGui import QPageLayout, QPageSize
from reportlab.lib.pagesizes import letter
from reportlab.pdfgen import canvas
from test_reports_numbers import MAR15, office  # noqa: F401 (the hand-built office fixture)


def three_pages(path: Path) -> Path:
    pdf = canvas.Canvas(str(path), pagesize=letter)
    for page in range(3):
        pdf.setFont("Helvetica", 40)
        pdf.drawString(72, 600, f"Page {page + 1}")
        pdf.showPage()
    pdf.save()
    return path


def landscape_a4() -> QPageLayout:
    return QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Landscape,
                       QMarginsF(12, 10, 12, 10), QPageLayout.Unit.Millimeter)


class Printer:
    """A prompter whose print dialog answers with a fixed printer (or None: cancelled)."""

    def __init__(self, name=None):
        self.name, self.asked = name, []

    def choose_printer(self, current=None):
        self.asked.append(current)
        return self.name


@pytest.fixture
def preview(qtbot, tmp_path):
    from billing_desk.ui.reports.print_preview import PrintPreviewDialog

    dialog = PrintPreviewDialog(three_pages(tmp_path / "three.pdf"), prompter=Printer())
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def test_preview_opens_on_the_first_of_three_pages(preview):
    assert preview.page_count == 3
    assert preview.page_label.text() == "Page 1 of 3"
    assert preview.pages.widget.objectName() == "pages"


def test_keys_move_through_the_pages(qtbot, preview):
    view = preview.buttons["fit_width"]  # the window's keys, wherever the cursor is
    qtbot.keyClick(view, Qt.Key.Key_PageDown)
    assert preview.page_label.text() == "Page 2 of 3"
    qtbot.keyClick(view, Qt.Key.Key_End)
    assert preview.page_label.text() == "Page 3 of 3"
    qtbot.keyClick(view, Qt.Key.Key_PageDown)  # past the end stays on the last page
    assert preview.current_page() == 2
    qtbot.keyClick(view, Qt.Key.Key_PageUp)
    assert preview.page_label.text() == "Page 2 of 3"
    qtbot.keyClick(view, Qt.Key.Key_Home)
    assert preview.page_label.text() == "Page 1 of 3"


def test_zoom_buttons_and_keys(qtbot, preview):
    assert preview.zoom_label.text() == "Fit width"
    before = preview.pages.zoom()
    qtbot.keyClick(preview.pages.widget, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert preview.pages.zoom() == pytest.approx(before * 1.25)
    assert preview.zoom_label.text().endswith("%")
    qtbot.mouseClick(preview.buttons["zoom_out"], Qt.MouseButton.LeftButton)
    assert preview.pages.zoom() == pytest.approx(before)
    qtbot.mouseClick(preview.buttons["fit_page"], Qt.MouseButton.LeftButton)
    assert preview.zoom_label.text() == "Fit page"


def test_esc_closes_and_a_cancelled_print_dialog_prints_nothing(qtbot, preview):
    preview.print_document()
    assert preview.prompter.asked == [None] and preview.job is None
    qtbot.keyClick(preview, Qt.Key.Key_Escape)
    assert not preview.isVisible()


def test_page_setup_round_trips_through_the_settings_file(qtbot, preview):
    from billing_desk.paths import settings_file
    from billing_desk.ui.reports import print_settings

    assert print_settings.load_page_layout() is None
    preview.ask_page_setup = lambda parent, current: landscape_a4()
    qtbot.mouseClick(preview.setup_button, Qt.MouseButton.LeftButton)
    assert "[printing]" in settings_file().read_text()
    loaded = print_settings.load_page_layout()
    assert loaded.pageSize().id() == QPageSize.PageSizeId.A4
    assert loaded.orientation() == QPageLayout.Orientation.Landscape
    margins = loaded.margins(QPageLayout.Unit.Millimeter)
    assert (margins.left(), margins.top(), margins.right(), margins.bottom()) == (12, 10, 12, 10)
    assert preview.setup_label.text() == "Page setup: A4, landscape, margins 12/10/12/10 mm"


def test_print_pdf_sets_the_page_layout_on_the_printer(qapp, tmp_path):
    from billing_desk.printing.printer import print_pdf

    source = three_pages(tmp_path / "in.pdf")
    plain = print_pdf(source, output_file=tmp_path / "plain.pdf")
    turned = print_pdf(source, output_file=tmp_path / "turned.pdf", page_layout=landscape_a4())
    assert plain == turned == 3
    page = PdfReader(tmp_path / "plain.pdf").pages[0]
    assert float(page.mediabox.width) < float(page.mediabox.height)  # portrait, as the pages
    for page in PdfReader(tmp_path / "turned.pdf").pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert width == pytest.approx(842, abs=2) and height == pytest.approx(595, abs=2)


def test_print_from_the_preview_uses_the_remembered_setup(qtbot, preview, tmp_path, monkeypatch,
                                                          db):
    from billing_desk.printing import printer
    from billing_desk.ui.reports import print_settings

    print_settings.save_page_layout(landscape_a4())
    calls = []

    def fake_print(path, name, **kwargs):
        calls.append((name, kwargs["page_layout"]))
        return 3

    monkeypatch.setattr(printer, "print_pdf", fake_print)
    preview.prompter.name = "Front desk"
    with qtbot.waitSignal(preview.printed, timeout=10000) as printed:
        qtbot.keyClick(preview, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: preview.job is None, timeout=10000)
    assert printed.args == [3]
    assert calls[0][0] == "Front desk"
    assert calls[0][1].orientation() == QPageLayout.Orientation.Landscape
    assert print_settings.remembered_printer() == "Front desk"
    assert preview.status.text() == "Printed 3 of 3 pages."


@pytest.fixture
def reports(qtbot, office, db, admin, tmp_path):
    from billing_desk.services.office.session import Session
    from billing_desk.ui.reports.reports_window import ReportDialog

    dialog = ReportDialog(Session(db, admin), prompter=Printer("Front desk"), name="aging")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClick(dialog.account, Qt.Key.Key_Return)  # Enter builds the on-screen report
    qtbot.waitUntil(lambda: dialog.job is None and dialog.report is not None, timeout=20000)
    return dialog


def fake_printer(monkeypatch, calls):
    from billing_desk.printing import printer

    def fake_print(path, name, **kwargs):
        calls.append((name, kwargs.get("page_layout"), len(PdfReader(path).pages)))
        return calls[-1][2]

    monkeypatch.setattr(printer, "print_pdf", fake_print)


def test_reports_window_previews_its_pdf_and_records_the_print(qtbot, reports, monkeypatch):
    from billing_desk.models import AuditEntry
    from billing_desk.ui.reports import print_settings

    assert reports.preview_pdf_button.isEnabled()
    qtbot.keyClick(reports, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: getattr(reports, "preview_dialog", None) is not None, timeout=20000)
    preview = reports.preview_dialog
    pdf = preview.pdf_path
    assert pdf.is_file() and preview.page_label.text() == f"Page 1 of {preview.page_count}"
    print_settings.save_page_layout(landscape_a4())
    calls = []
    fake_printer(monkeypatch, calls)
    with qtbot.waitSignal(preview.printed, timeout=10000):
        qtbot.keyClick(preview, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: preview.job is None, timeout=10000)
    assert calls[0][0] == "Front desk"
    assert calls[0][1].orientation() == QPageLayout.Orientation.Landscape
    assert AuditEntry.select().where(AuditEntry.action == "print").count() == 1
    assert "printed" in reports.status.text()
    qtbot.keyClick(preview, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not pdf.exists(), timeout=5000)  # the temporary PDF is gone


def test_reports_print_uses_the_remembered_page_setup(qtbot, reports, monkeypatch):
    from billing_desk.ui.reports import print_settings

    print_settings.save_page_layout(landscape_a4())
    calls = []
    fake_printer(monkeypatch, calls)
    qtbot.keyClick(reports, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: reports.job is None and bool(calls), timeout=20000)
    assert calls[0][1].pageSize().id() == QPageSize.PageSizeId.A4
    assert "printed" in reports.status.text()


def test_without_the_qtpdf_widgets_the_pages_are_images(qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QLabel

    from billing_desk.ui.reports import print_preview

    monkeypatch.setattr(print_preview, "QPdfView", None)
    dialog = print_preview.PrintPreviewDialog(three_pages(tmp_path / "three.pdf"))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)  # the page keys are the window's shortcuts
    labels = dialog.pages.widget.widget().findChildren(QLabel)
    assert len(labels) == 3 and all(not label.pixmap().isNull() for label in labels)
    assert dialog.page_label.text() == "Page 1 of 3"
    qtbot.keyClick(dialog, Qt.Key.Key_End)
    assert dialog.page_label.text() == "Page 3 of 3"
    width = labels[0].pixmap().width()
    dialog.zoom_by(1.25)
    assert labels[0].pixmap().width() == pytest.approx(width * 1.25, abs=2)


@pytest.mark.printer
def test_the_real_page_setup_dialog_answers_with_a_layout(qtbot, native_printer):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from billing_desk.ui.reports import print_settings

    def accept():
        for widget in QApplication.topLevelWidgets():
            if widget.isVisible() and widget.inherits("QPageSetupDialog"):
                widget.accept()

    timer = QTimer(interval=100, timeout=accept)  # keeps trying until the dialog is up
    timer.start()
    layout = print_settings.ask_page_setup(None, landscape_a4())
    timer.stop()
    assert layout is not None and layout.orientation() == QPageLayout.Orientation.Landscape
