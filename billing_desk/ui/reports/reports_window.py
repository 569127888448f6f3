"""The Reports window: choose a report and its parameters, preview it, save it or print it.

Keyboard first: the report list has the focus, Tab walks the parameters, Enter previews,
Ctrl+S saves a PDF, Ctrl+E an Excel workbook, Ctrl+Shift+V shows the print preview (the paginated
PDF), Ctrl+P prints with the remembered page setup, Esc cancels running work (or closes).
Building, saving and printing run in a worker thread with a progress bar and a Cancel button, so
the window never freezes. What is saved or printed is the report on screen.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import cast

from PySide6.QtCore import QDate, QSettings, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...errors import BillingError
from ...paths import settings_file
from ...reports import ACCOUNT, AS_OF, PERIOD, REPORTS, Params, get, office_info, run
from ...reports.output import print_report, record, save
from ...services.books import reports_close
from ...services.office.settings import get_setting
from ..prompts import Prompter
from ..work import BackgroundJob, JobDialog, run_in_background
from . import print_settings
from .print_preview import PrintPreviewDialog
from .report_model import ReportTableModel

MAX_SPANS = 2000


def _settings() -> QSettings:
    return QSettings(str(settings_file()), QSettings.Format.IniFormat)


def _date_edit(name: str) -> QDateEdit:
    return QDateEdit(QDate.currentDate(), objectName=name, calendarPopup=True,
                     displayFormat="MM/dd/yyyy")


class ReportDialog(JobDialog):
    def __init__(self, session, parent=None, *, prompter=None, name: str | None = None):
        super().__init__(parent)
        self.session = session
        self.prompter = prompter or Prompter(self)
        self.setWindowTitle("Reports")
        self.resize(1100, 700)
        self.job: BackgroundJob | None = None
        self.report = None
        self.report_name = ""
        self.model = ReportTableModel(self)
        self._build()
        remembered = name or _settings().value("reports/last", "aging")
        self.choose(remembered if remembered in REPORTS else "aging")

    # --- assembly -----------------------------------------------------------------------
    def _build(self) -> None:
        self.which = QComboBox(objectName="report")
        for spec in REPORTS.values():
            self.which.addItem(spec.title, spec.name)
        self.view = QComboBox(objectName="view")
        self.as_of, self.start, self.end = _date_edit("as_of"), _date_edit("from"), _date_edit("to")
        self.start.setDate(QDate.currentDate().addDays(1 - QDate.currentDate().day()))
        self.account = QLineEdit(objectName="account", placeholderText="blank: every account")
        self.minimum = QLineEdit(objectName="minimum", placeholderText="statement minimum, e.g. 5.00")
        self.preview_button = QPushButton("&Preview (Enter)", objectName="preview", default=True)
        form = self.form = QFormLayout()
        self.rows = {}
        for label, widget in (("&Report", self.which), ("&View", self.view), ("&As of", self.as_of),
                              ("&From", self.start), ("&To", self.end), ("A&ccount", self.account),
                              ("&Minimum", self.minimum)):
            form.addRow(label, widget)
            self.rows[widget.objectName()] = widget
        self.help = QLabel(wordWrap=True, objectName="help")
        self.parameters = QLabel(objectName="parameters", wordWrap=True,
                                 textInteractionFlags=Qt.TextInteractionFlag.TextSelectableByMouse)
        self.table = QTableView(objectName="preview_table")
        self.table.setModel(self.model)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setDefaultSectionSize(20)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(form)
        column.addWidget(self.help)
        column.addWidget(self.preview_button)
        column.addStretch(1)
        left.setFixedWidth(330)
        right = QVBoxLayout()
        right.addWidget(self.parameters)
        right.addWidget(self.table, 1)
        top = QHBoxLayout()
        top.addWidget(left)
        top.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top, 1)
        layout.addLayout(self._bottom())
        self._connect()

    def _bottom(self) -> QHBoxLayout:
        self.progress = QProgressBar(objectName="progress", visible=False)
        self.cancel_button = QPushButton("Cancel (Esc)", objectName="cancel", visible=False)
        self.status = QLabel(objectName="status")
        self.pdf_button = QPushButton("Save P&DF… (Ctrl+S)", objectName="save_pdf")
        self.xlsx_button = QPushButton("Save &Excel… (Ctrl+E)", objectName="save_xlsx")
        self.print_button = QPushButton("Pr&int… (Ctrl+P)", objectName="print")
        self.preview_pdf_button = QPushButton("Print previe&w… (Ctrl+Shift+V)",
                                              objectName="print_preview")
        self.setup_button = QPushButton("Pa&ge setup…", objectName="page_setup")
        self.close_button = QPushButton("Close", objectName="close")
        bottom = QHBoxLayout()
        widget: QWidget
        for widget in (self.status,):
            bottom.addWidget(widget, 1)
        for widget in (self.progress, self.cancel_button, self.pdf_button, self.xlsx_button,
                       self.setup_button, self.preview_pdf_button, self.print_button,
                       self.close_button):
            bottom.addWidget(widget)
        for button in (self.pdf_button, self.xlsx_button, self.print_button, self.close_button,
                       self.cancel_button, self.preview_pdf_button, self.setup_button):
            button.setAutoDefault(False)
        return bottom

    def _connect(self) -> None:
        self.which.currentIndexChanged.connect(lambda _i: self._report_changed())
        for signal in (self.view.currentIndexChanged, self.as_of.dateChanged, self.start.dateChanged,
                       self.end.dateChanged, self.account.textChanged, self.minimum.textChanged):
            signal.connect(lambda *_: self._stale())
        self.preview_button.clicked.connect(self.preview)
        self.pdf_button.clicked.connect(lambda: self.save_file("pdf"))
        self.xlsx_button.clicked.connect(lambda: self.save_file("xlsx"))
        self.print_button.clicked.connect(self.print_report)
        self.preview_pdf_button.clicked.connect(self.print_preview)
        self.setup_button.clicked.connect(self.page_setup)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button.clicked.connect(self.reject)
        for keys, slot in ((QKeySequence.StandardKey.Save, lambda: self.save_file("pdf")),
                           ("Ctrl+E", lambda: self.save_file("xlsx")),
                           (QKeySequence.StandardKey.Print, self.print_report),
                           ("Ctrl+Shift+V", self.print_preview)):
            QShortcut(QKeySequence(keys), self, slot)
        self._enable()

    # --- parameters ---------------------------------------------------------------------
    def choose(self, name: str) -> None:
        index = self.which.findData(name)
        if index >= 0:
            self.which.setCurrentIndex(index)
        self._report_changed()
        self.which.setFocus()

    def _report_changed(self) -> None:
        spec = get(self.which.currentData())
        if PERIOD in spec.takes:  # the report's own default period (the day sheet: today)
            start, end = spec.default_period(cast(dt.date, QDate.currentDate().toPython()))
            self.start.setDate(QDate(start))
            self.end.setDate(QDate(end))
        self.view.blockSignals(True)
        self.view.clear()
        for value, label in spec.views:
            self.view.addItem(label, value)
        self.view.blockSignals(False)
        shown = {"view": bool(spec.views), "as_of": AS_OF in spec.takes,
                 "from": PERIOD in spec.takes, "to": PERIOD in spec.takes,
                 "account": ACCOUNT in spec.takes, "minimum": spec.name == "statements"}
        for key, widget in self.rows.items():
            if key != "report":
                self.form.setRowVisible(widget, shown[key])
        self.account.setPlaceholderText("account number (required)" if spec.account_required
                                        else "blank: every account")
        self.help.setText(spec.help[:1].upper() + spec.help[1:] + ".")
        self.model.set_report(None)
        self.parameters.setText("")
        self.report = None
        self.status.setText("Press Enter to preview.")
        self._enable()

    def params(self) -> Params:
        spec = get(self.which.currentData())
        minimum = None
        if spec.name == "statements" and self.minimum.text().strip():
            from ...money import parse_money

            minimum = Decimal(parse_money(self.minimum.text(), "minimum"))
        takes = spec.takes
        return Params(as_of=cast(dt.date, self.as_of.date().toPython()) if AS_OF in takes else None,
                      start=cast(dt.date, self.start.date().toPython()) if PERIOD in takes else None,
                      end=cast(dt.date, self.end.date().toPython()) if PERIOD in takes else None,
                      account=self.account.text().strip() if ACCOUNT in takes else "",
                      view=self.view.currentData() or "", minimum=minimum,
                      user=self.session.user)

    def _stale(self) -> None:
        """Parameters changed: what is on screen no longer matches them until previewed again."""
        if self.report is not None:
            self.status.setText("The parameters changed: press Enter to preview again.")
        self.report = None
        self._enable()

    def _enable(self) -> None:
        busy = self.job is not None
        ready = self.report is not None and not busy
        for button in (self.pdf_button, self.xlsx_button, self.print_button,
                       self.preview_pdf_button):
            button.setEnabled(ready)
        self.preview_button.setEnabled(not busy)
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)

    # --- the work -----------------------------------------------------------------------
    def preview(self) -> None:
        if self.job is not None:
            return
        try:
            params, name = self.params(), self.which.currentData()
        except BillingError as exc:
            self.status.setText(str(exc))
            return
        _settings().setValue("reports/last", name)
        self.status.setText(f"Building {get(name).title}…")
        self._start(lambda progress: run(name, params), self._previewed)

    def _previewed(self, report) -> None:
        self.report, self.report_name = report, self.which.currentData()
        self.model.set_report(report)
        self._span_group_titles()
        self.table.resizeColumnsToContents()
        shown = " · ".join(f"<b>{label}:</b> {value}" for label, value in report.formatted_parameters())
        self.parameters.setText(f"<b>{report.title}</b><br>{shown}")
        self.status.setText(f"{report.row_count():,} rows. Ctrl+S saves a PDF, Ctrl+E a workbook, "
                            "Ctrl+Shift+V shows the print preview, Ctrl+P prints.")
        self._enable()
        self.table.setFocus()

    def _span_group_titles(self) -> None:
        """Group titles across the row (spans are costly: only for the first few thousand)."""
        self.table.clearSpans()
        columns = self.model.columnCount()
        spans = 0
        for row in range(self.model.rowCount()):
            if self.model.row_kind(row) == "group" and columns > 1:
                self.table.setSpan(row, 0, 1, columns)
                spans += 1
                if spans >= MAX_SPANS:
                    break

    def save_file(self, fmt: str) -> None:
        if self.report is None or self.job is not None:
            return
        spec, report = get(self.report_name), self.report
        folder = _settings().value("reports/folder", str(Path.home()))
        suggested = str(Path(folder) / f"{spec.name}-{dt.date.today():%Y-%m-%d}.{fmt}")
        kind = "PDF (*.pdf)" if fmt == "pdf" else "Excel workbook (*.xlsx)"
        path = self.prompter.choose_save_file(f"Save the {spec.title.lower()}", suggested, kind)
        if not path:
            return
        _settings().setValue("reports/folder", str(Path(path).parent))
        office = office_info()
        self.status.setText(f"Saving {Path(path).name}…")
        self._start(lambda progress: save(spec, report, fmt, path, office, progress),
                    lambda out: self._done("export", spec, report, out))

    def print_report(self) -> None:
        if self.report is None or self.job is not None:
            return
        spec, report = get(self.report_name), self.report
        printer = self.prompter.choose_printer(print_settings.remembered_printer())
        if printer is None:
            return
        print_settings.remember_printer(printer)
        office, layout = office_info(), print_settings.load_page_layout()
        self.status.setText(f"Printing on {printer or 'the default printer'}…")
        self._start(lambda progress: print_report(spec, report, office, printer or None, progress,
                                                  cancelled=lambda: progress.cancelled,
                                                  page_layout=layout),
                    lambda out: self._done("print", spec, report, out))

    def page_setup(self) -> None:
        """Paper, orientation and margins for every print from here (remembered)."""
        if print_settings.page_setup(self) is not None:
            self.status.setText(print_settings.describe(print_settings.load_page_layout()) + ".")

    def print_preview(self) -> None:
        """The report's PDF, paginated as it will print, in a preview that can print it."""
        if self.report is None or self.job is not None:
            return
        spec, report = get(self.report_name), self.report
        target = Path(tempfile.mkdtemp(prefix="billing-desk-preview-")) / (
            f"{spec.name}-{dt.date.today():%Y-%m-%d}.pdf")
        office = office_info()
        self.status.setText(f"Laying out the {spec.title.lower()} for the preview…")
        self._start(lambda progress: save(spec, report, "pdf", target, office, progress),
                    lambda out: self._open_preview(spec, report, out))

    def _open_preview(self, spec, report, out) -> None:
        self.preview_dialog = dialog = PrintPreviewDialog(
            out.path, self, prompter=self.prompter, title=spec.title, delete_file=True)
        dialog.printed.connect(lambda pages: self._printed_from_preview(spec, report, out, pages))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.status.setText(f"{spec.title}: {out.pages} pages in the preview.")
        dialog.show()

    def _printed_from_preview(self, spec, report, out, pages: int) -> None:
        out.pages = pages
        if pages == 0:
            out.copies = []
        self._done("print", spec, report, out)

    def _done(self, action: str, spec, report, out) -> None:
        if out.fmt == "xlsx":
            out.copies = []
        mail = None
        try:
            mail = record(self.session.user, action, spec, report, out,
                          smtp_password=self._smtp_password() if out.copies else "")
        except BillingError as exc:
            self.prompter.warn("Reports", f"The report was {'printed' if action == 'print' else 'saved'}"
                                          f", but it could not be recorded: {exc}")
        if mail is not None and mail.summary():
            say = self.prompter.warn if mail.unreached or mail.server_problem else self.prompter.inform
            say("Statements by e-mail", f"{mail.summary()}\n\nThe log: {mail.log}")
        size = f"{out.pages} pages" if out.fmt == "pdf" else f"{out.rows:,} rows"
        where = "printed" if action == "print" else f"saved to {out.path}"
        kept = f"; {len(out.copies)} statement copies kept on the accounts" if out.copies else ""
        self.status.setText(f"{spec.title} {where} ({size}){kept}.")

    def _smtp_password(self) -> str:
        """The SMTP server's password, asked for at each run (never stored), when Settings name
        a server with a user."""
        if not (get_setting("statement_smtp_server") and get_setting("statement_smtp_user")):
            return ""
        return self.prompter.ask_password(
            "Statements by e-mail", f"Password of {get_setting('statement_smtp_user')} on "
                                    f"{get_setting('statement_smtp_server')}:") or ""

    def _start(self, work, on_success) -> None:
        """Run ``work(progress)`` in the background; the dialog's bar shows how far, Esc cancels."""
        self.job = job = run_in_background(
            self, work, title=self.status.text(), cancellable=True, bar=self.progress,
            on_done=on_success, on_error=self.status.setText,
            on_cancel=lambda: self.status.setText("Cancelled."))
        job.ended.connect(lambda: self._finished(job))
        self._enable()

    def _finished(self, job) -> None:
        if self.job is job:
            self.job = None
        self._enable()


# --- the main window's Reports menu --------------------------------------------------------

def open_reports(window, name: str | None = None, *, prompter=None) -> ReportDialog:
    dialog = getattr(window, "_report_dialog", None)
    if dialog is None:
        dialog = window._report_dialog = ReportDialog(window.session, window, prompter=prompter)
    if name:
        dialog.choose(name)
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    return dialog


def close_day(window, prompter=None) -> dt.date | None:
    """Ask for the day, confirm, close it (supervisors); says what happened either way."""
    prompter = prompter or Prompter(window)
    day = prompter.ask_date("Close the day", "Close the books through this day. Entries keyed "
                            "later for a closed day go on the next open day, so its day sheet "
                            "never changes. Print the day sheet first.", dt.date.today())
    if day is None:
        return None
    if not prompter.confirm("Close the day", f"Close the books through {day:%m/%d/%Y}? "
                            "Closed days are not reopened."):
        return None
    try:
        reports_close.close_day(day, window.session.user)
    except BillingError as exc:
        prompter.warn("Close the day", str(exc))
        return None
    prompter.inform("Close the day", f"The books are closed through {day:%m/%d/%Y}; new entries "
                    f"go on {reports_close.next_open_day():%m/%d/%Y} or later.")
    return day
