"""The printer choice and the page setup, remembered for every screen that prints.

Kept in the window settings file (``paths.settings_file()``, INI format) under ``printing/``:
the paper size (a ``QPageSize.PageSizeId`` name such as ``Letter``), the orientation and the
four margins in millimetres. Nothing stored means "the printer's own paper, each page in its
own orientation" (``load_page_layout()`` returns None). The printer name stays under
``reports/printer`` where the Reports window has always kept it.
"""

from __future__ import annotations

from PySide6.QtCore import QMarginsF, QSettings
from PySide6.QtGui import QPageLayout, QPageSize

from ...paths import settings_file

PRINTER_KEY = "reports/printer"
GROUP = "printing"
MARGINS = ("left", "top", "right", "bottom")


def _settings() -> QSettings:
    return QSettings(str(settings_file()), QSettings.Format.IniFormat)


def remembered_printer() -> str | None:
    """The printer last chosen (None: the system's default)."""
    return str(_settings().value(PRINTER_KEY, "") or "") or None


def remember_printer(name: str | None) -> None:
    _settings().setValue(PRINTER_KEY, name or "")


def load_page_layout() -> QPageLayout | None:
    """The remembered page setup, or None when none was chosen (or what is stored is unreadable)."""
    settings = _settings()
    settings.beginGroup(GROUP)
    try:
        size_name = str(settings.value("page_size", "") or "")
        size_id = getattr(QPageSize.PageSizeId, size_name, None) if size_name else None
        if size_id is None:
            return None
        landscape = settings.value("orientation", "portrait") == "landscape"
        try:
            margins = [float(str(settings.value(f"margin_{side}_mm", 0))) for side in MARGINS]
        except (TypeError, ValueError):
            margins = [0.0] * 4
    finally:
        settings.endGroup()
    orientation = (QPageLayout.Orientation.Landscape if landscape
                   else QPageLayout.Orientation.Portrait)
    return QPageLayout(QPageSize(size_id), orientation, QMarginsF(*margins),
                       QPageLayout.Unit.Millimeter)


def save_page_layout(layout: QPageLayout) -> None:
    """Remember ``layout``: paper size id, orientation, margins in millimetres."""
    margins = layout.margins(QPageLayout.Unit.Millimeter)
    settings = _settings()
    settings.beginGroup(GROUP)
    settings.setValue("page_size", layout.pageSize().id().name)
    settings.setValue("orientation", "landscape"
                      if layout.orientation() == QPageLayout.Orientation.Landscape else "portrait")
    for side, value in zip(MARGINS, (margins.left(), margins.top(), margins.right(),
                                     margins.bottom())):
        settings.setValue(f"margin_{side}_mm", round(value, 2))
    settings.endGroup()
    settings.sync()


def describe(layout: QPageLayout | None) -> str:
    """A line for the screen: "Letter, landscape, margins 10 mm" or the printer's own paper."""
    if layout is None:
        return "Page setup: the printer's paper, each page in its own orientation"
    turn = "landscape" if layout.orientation() == QPageLayout.Orientation.Landscape else "portrait"
    margins = layout.margins(QPageLayout.Unit.Millimeter)
    sides = {round(v, 1) for v in (margins.left(), margins.top(), margins.right(), margins.bottom())}
    shown = f"{sides.pop():g} mm" if len(sides) == 1 else (
        f"{margins.left():g}/{margins.top():g}/{margins.right():g}/{margins.bottom():g} mm")
    return f"Page setup: {layout.pageSize().name()}, {turn}, margins {shown}"


def ask_page_setup(parent, current: QPageLayout | None = None) -> QPageLayout | None:
    """Qt's page setup dialog on the remembered printer; the chosen layout, None if cancelled."""
    from PySide6.QtPrintSupport import QPageSetupDialog, QPrinter
    from PySide6.QtWidgets import QDialog

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    name = remembered_printer()
    if name:
        printer.setPrinterName(name)
    if current is not None:
        printer.setPageLayout(current)
    if QPageSetupDialog(printer, parent).exec() != QDialog.DialogCode.Accepted:
        return None
    return printer.pageLayout()


def page_setup(parent) -> QPageLayout | None:
    """Ask for the page setup starting from the remembered one, remember and return the answer."""
    layout = ask_page_setup(parent, load_page_layout())
    if layout is not None:
        save_page_layout(layout)
    return layout
