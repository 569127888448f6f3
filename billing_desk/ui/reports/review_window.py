"""The Billing review window (Reports > Billing review…, Ctrl+Shift+W): a period's billing figures
beside the same period a year before, with their definitions in tooltips; the rows behind the
figure or recommendation chosen; recommendations with their evidence; the charts; the office's
notes. The review is built in the background worker with progress: the window never blocks. It
opens building the review of the last whole month; Enter builds the period chosen (a review still
being built for another period gives way to it).

Keys: Enter builds the review, Ctrl+S saves the PDF, Ctrl+E the workbook, Ctrl+P prints,
Ctrl+Shift+N saves the notes, Esc cancels running work (or closes).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, cast

from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ...errors import BillingError
from ...money import from_cents
from ...reports import REPORTS, office_info
from ...reports.output import print_report, record, save
from ...reports.review import as_report
from ...services.review import Review, build_review, format_value, notes_version_of, save_notes
from ..prompts import Prompter
from ..table_model import Column, PagedTableModel, table_view
from ..work import BackgroundJob, JobDialog, run_in_background
from . import print_settings
from .review_charts import Chart
from .review_parts import KINDS, FigureModel, cell, date_edit, html, periods


class ReviewWindow(JobDialog):
    def __init__(self, session, parent=None, *, prompter=None):
        super().__init__(parent)
        self.session, self.prompter = session, prompter or Prompter(self)
        self.setWindowTitle("Billing review")
        self.resize(1280, 820)
        self.review: Review | None = None
        self.job: BackgroundJob | None = None
        self._opened = False  # the first showing builds the review of the period offered
        self._again = False  # Enter while a review is built: build the period chosen after it
        self._building: BackgroundJob | None = None  # the job building a review, if one is
        self._build()
        self._kind_changed()

    # --- assembly ------------------------------------------------------------------------
    def _build(self) -> None:
        self.kind = QComboBox(objectName="period_kind")
        for value, label in KINDS:
            self.kind.addItem(label, value)
        self.period = QComboBox(objectName="period")
        self.start, self.end, self.as_of = date_edit("from"), date_edit("to"), date_edit("as_of")
        self.build_button = QPushButton("&Review (Enter)", objectName="build", default=True)
        top = QHBoxLayout()
        for label, widget in (
            ("&Period", self.kind),
            ("", self.period),
            ("&From", self.start),
            ("&To", self.end),
            ("&As of", self.as_of),
        ):
            if label:
                caption = QLabel(label)
                caption.setBuddy(widget)
                top.addWidget(caption)
            top.addWidget(widget)
        top.addWidget(self.build_button)
        top.addStretch(1)
        self.figures = FigureModel(self)
        self.figure_view = table_view(self.figures, stretch=0)
        self.figure_view.setObjectName("figures")
        self.rows_title = QLabel(
            "Choose a figure or a recommendation to see the rows behind it.",
            objectName="rows_title",
            wordWrap=True,
        )
        self.rows_model = PagedTableModel([], parent=self)
        self.rows_view = table_view(self.rows_model)
        self.rows_view.setObjectName("rows")
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.figure_view, 3)
        column.addWidget(self.rows_title)
        column.addWidget(self.rows_view, 2)
        self.tabs = QTabWidget(objectName="review_tabs")
        self.tabs.addTab(self._recommendations_tab(), "Re&commendations")
        self.tabs.addTab(self._charts_tab(), "C&harts")
        self.tabs.addTab(self._notes_tab(), "&Notes")
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(self.tabs)
        split.setSizes([560, 720])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        layout.addLayout(self._bottom())
        self._connect()

    def _recommendations_tab(self) -> QWidget:
        page = QWidget()
        box = QVBoxLayout(page)
        self.advice = QListWidget(objectName="recommendations", wordWrap=True)
        self.evidence = QTextBrowser(objectName="evidence")
        box.addWidget(self.advice, 2)
        box.addWidget(self.evidence, 3)
        return page

    def _charts_tab(self) -> QWidget:
        page = QWidget()
        grid = QGridLayout(page)
        self.charts = {
            "aging": Chart("A/R past due, share of all A/R at month-ends", "line", " %"),
            "collections": Chart("Charges and payments by month", "columns"),
            "denials": Chart("Denials by reason code (claims)", "bars"),
            "days_to_pay": Chart("Days from claim to payment, by payer", "bars"),
        }
        for index, chart in enumerate(self.charts.values()):
            grid.addWidget(chart, index // 2, index % 2)
        return page

    def _notes_tab(self) -> QWidget:
        page = QWidget()
        box = QVBoxLayout(page)
        box.addWidget(QLabel("The office's notes for this period's review (printed with it):"))
        self.notes = QPlainTextEdit(objectName="notes")
        self.notes_button = QPushButton("Save notes (Ctrl+Shift+N)", objectName="save_notes")
        box.addWidget(self.notes, 1)
        box.addWidget(self.notes_button, 0, Qt.AlignmentFlag.AlignRight)
        return page

    def _bottom(self) -> QHBoxLayout:
        self.status = QLabel("Choose the period and press Enter.", objectName="status", wordWrap=True)
        self.progress = QProgressBar(objectName="progress", visible=False)
        self.cancel_button = QPushButton("Cancel (Esc)", objectName="cancel", visible=False)
        self.pdf_button = QPushButton("Save P&DF… (Ctrl+S)", objectName="save_pdf")
        self.xlsx_button = QPushButton("Save &Excel… (Ctrl+E)", objectName="save_xlsx")
        self.print_button = QPushButton("Pr&int… (Ctrl+P)", objectName="print")
        self.close_button = QPushButton("Close", objectName="close")
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        for button in (
            self.progress,
            self.cancel_button,
            self.pdf_button,
            self.xlsx_button,
            self.print_button,
            self.close_button,
        ):
            bottom.addWidget(button)
            if isinstance(button, QPushButton):
                button.setAutoDefault(False)
        return bottom

    def _connect(self) -> None:
        self.kind.currentIndexChanged.connect(lambda _i: self._kind_changed())
        self.period.currentIndexChanged.connect(lambda _i: self._period_chosen())
        self.build_button.clicked.connect(self.build)
        self.figure_view.selectionModel().currentRowChanged.connect(
            lambda now, _old: self._figure_chosen(now.row())
        )
        self.advice.currentRowChanged.connect(self._recommendation_chosen)
        self.notes_button.clicked.connect(self.keep_notes)
        self.pdf_button.clicked.connect(lambda: self.save_file("pdf"))
        self.xlsx_button.clicked.connect(lambda: self.save_file("xlsx"))
        self.print_button.clicked.connect(self.print_review)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button.clicked.connect(self.reject)
        for keys, slot in (
            (QKeySequence.StandardKey.Save, lambda: self.save_file("pdf")),
            ("Ctrl+E", lambda: self.save_file("xlsx")),
            (QKeySequence.StandardKey.Print, self.print_review),
            ("Ctrl+Shift+N", self.keep_notes),
        ):
            QShortcut(QKeySequence(keys), self, slot)
        self._enable()

    # --- the period ----------------------------------------------------------------------
    def _kind_changed(self) -> None:
        kind = self.kind.currentData()
        self.period.blockSignals(True)
        self.period.clear()
        for label, start, end in periods(kind, dt.date.today()):
            self.period.addItem(label, (start, end))
        self.period.blockSignals(False)
        self.period.setVisible(kind != "range")
        for edit in (self.start, self.end):
            edit.setEnabled(kind == "range")
        self._period_chosen()

    def _period_chosen(self) -> None:
        chosen = self.period.currentData()
        if chosen:
            self.start.setDate(QDate(chosen[0]))
            self.end.setDate(QDate(chosen[1]))

    def chosen(self) -> tuple[dt.date, dt.date, dt.date]:
        return (
            cast(dt.date, self.start.date().toPython()),
            cast(dt.date, self.end.date().toPython()),
            cast(dt.date, self.as_of.date().toPython()),
        )

    # --- the work ------------------------------------------------------------------------
    def build(self) -> None:
        start, end, as_of = self.chosen()
        if self.job is not None:  # a save or print goes on; a review of another period gives way
            if self.job is self._building and not self._again:
                self._again = True
                self.job.cancel()
                self.status.setText(f"Building the billing review of {start:%m/%d/%Y} to {end:%m/%d/%Y}…")
            return
        self.status.setText(f"Building the billing review of {start:%m/%d/%Y} to {end:%m/%d/%Y}…")
        work = lambda progress: build_review(start, end, as_of, progress=progress)
        self._start(work, self.show_review, True)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._opened:  # build as it opens, once the window is painted
            self._opened = True
            QTimer.singleShot(0, self.build)

    def show_review(self, review: Review) -> None:
        self.review = review
        rows: list[dict[str, Any]] = []
        from ...services.review import SECTIONS

        for name, keys in SECTIONS:
            rows.append({"key": "", "title": name, "value": "", "before": "", "tip": ""})
            for key in keys:
                figure, before = review.figures[key], review.year_before[key]
                parts = "; ".join(
                    f"{label} {format_value(value, figure.unit, 'none')}" for label, value in figure.parts[:6]
                )
                rows.append(
                    {
                        "key": key,
                        "title": figure.title,
                        "value": figure.text(),
                        "before": before.text(),
                        "tip": figure.definition + (f"\n\n{parts}" if parts else ""),
                    }
                )
        self.figures.set_rows(rows)
        self.advice.clear()
        for number, rec in enumerate(review.recommendations, start=1):
            self.advice.addItem(f"{number}. {rec.title}")
        if not review.recommendations:
            self.advice.addItem(
                "No recommendation: every figure with enough data is within the office's targets."
            )
        self._show_evidence(0 if review.recommendations else -1)
        self.notes.setPlainText(review.notes)
        self._fill_charts(review)
        count = len(review.recommendations)
        self.status.setText(
            f"Billing review of {review.start:%m/%d/%Y} to {review.end:%m/%d/%Y}, as of "
            f"{review.as_of:%m/%d/%Y}: {count} recommendation{'s' if count != 1 else ''}. "
            "Hover a figure for its definition; choose one to see its rows."
        )
        self._enable()
        self.figure_view.setFocus()

    def _fill_charts(self, review: Review) -> None:
        aging = [
            (f"{p.on:%b}", float((p.share("over_90") or 0) * 100), float((p.share("over_120") or 0) * 100))
            for p in review.trend
        ]
        self.charts["aging"].set_data(
            [a[0] for a in aging],
            [("over 90 days", [a[1] for a in aging]), ("over 120 days", [a[2] for a in aging])],
            "no A/R",
        )
        months = review.months
        self.charts["collections"].set_data(
            [f"{m['month']:%b}" for m in months],
            [
                ("charges", [float(from_cents(m["charges"])) for m in months]),
                ("payments", [float(from_cents(m["payments"])) for m in months]),
            ],
            "nothing keyed",
        )
        for name, empty in (
            ("denials", "no denials in the period"),
            ("days_to_pay", "no claims paid in the period"),
        ):
            pairs = review.chart(name)
            self.charts[name].set_data([p[0] for p in pairs], [(name, [float(p[1]) for p in pairs])], empty)

    def _figure_chosen(self, row: int) -> None:
        if self.review is None or not (0 <= row < len(self.figures.rows)):
            return
        key = self.figures.rows[row]["key"]
        if key:
            figure = self.review.figures[key]
            self._show_rows(f"{figure.title}: {figure.text()}. {figure.definition}", figure.drill)

    def _recommendation_chosen(self, row: int) -> None:
        self._show_evidence(row)

    def _show_evidence(self, row: int) -> None:
        if self.review is None or not (0 <= row < len(self.review.recommendations)):
            self.evidence.setHtml(
                "<p>" + "<br>".join(html(t) for t in (self.review.not_judged if self.review else [])) + "</p>"
            )
            return
        rec = self.review.recommendations[row]
        evidence = "".join(f"<li>{html(line)}</li>" for line in rec.evidence)
        unjudged = "".join(f"<li>{html(line)}</li>" for line in self.review.not_judged)
        self.evidence.setHtml(
            f"<p><b>{html(rec.title)}</b></p><ul>{evidence}</ul>"
            f"<p><b>Next step:</b> {html(rec.step[:1].upper() + rec.step[1:])}.</p>"
            + (f"<p><i>Not judged (too few data):</i></p><ul>{unjudged}</ul>" if unjudged else "")
        )
        self._show_rows(f"The rows behind recommendation {row + 1}", rec.rows)

    def _show_rows(self, title: str, drill) -> None:
        self.rows_title.setText(title)
        if drill is None:
            self.rows_model.columns = []
            self.rows_model.set_source(lambda offset, limit: [], lambda: 0)
            return
        columns = [Column(caption, _reader(key, kind)) for key, caption, kind in drill.columns]
        self.rows_model.columns = columns
        rows = drill.rows
        self.rows_model.set_source(lambda offset, limit: rows[offset : offset + limit], lambda: len(rows))
        self.rows_view.resizeColumnsToContents()

    def keep_notes(self) -> None:
        if self.review is None:
            self.status.setText("Build the review first: the notes belong to its period.")
            return
        try:
            save_notes(self.review.start, self.review.end, self.notes.toPlainText(), self.session.user,
                       loaded_as=notes_version_of(self.review.notes))  # the notes it showed
        except BillingError as exc:
            self.status.setText(str(exc))
            return
        self.review.notes = self.notes.toPlainText().strip()
        self.status.setText(
            f"The notes of {self.review.start:%m/%d/%Y} to {self.review.end:%m/%d/%Y} are saved; "
            "they print with the review."
        )

    def save_file(self, fmt: str) -> None:
        if self.review is None or self.job is not None:
            return
        self.review.notes = self.notes.toPlainText().strip()
        spec, report = REPORTS["billing-review"], as_report(self.review)
        suggested = str(Path.home() / f"billing-review-{self.review.start:%Y-%m-%d}.{fmt}")
        kind = "PDF (*.pdf)" if fmt == "pdf" else "Excel workbook (*.xlsx)"
        path = self.prompter.choose_save_file("Save the billing review", suggested, kind)
        if not path:
            return
        office = office_info()
        self.status.setText(f"Saving {Path(path).name}…")
        self._start(
            lambda progress: save(spec, report, fmt, path, office, progress),
            lambda out: self._done("export", spec, report, out),
        )

    def print_review(self) -> None:
        if self.review is None or self.job is not None:
            return
        self.review.notes = self.notes.toPlainText().strip()
        spec, report = REPORTS["billing-review"], as_report(self.review)
        printer = self.prompter.choose_printer(print_settings.remembered_printer())
        if printer is None:
            return
        print_settings.remember_printer(printer)
        office, layout = office_info(), print_settings.load_page_layout()
        self.status.setText(f"Printing on {printer or 'the default printer'}…")
        self._start(
            lambda progress: print_report(
                spec,
                report,
                office,
                printer or None,
                progress,
                cancelled=lambda: progress.cancelled,
                page_layout=layout,
            ),
            lambda out: self._done("print", spec, report, out),
        )

    def _done(self, action: str, spec, report, out) -> None:
        try:
            record(self.session.user, action, spec, report, out)
        except BillingError as exc:
            self.prompter.warn(
                "Billing review",
                f"The review was {'printed' if action == 'print' else 'saved'}, "
                f"but it could not be recorded: {exc}",
            )
        size = f"{out.pages} pages" if out.fmt == "pdf" else f"{out.rows:,} rows"
        where = "printed" if action == "print" else f"saved to {out.path}"
        self.status.setText(f"The billing review was {where} ({size}).")

    def _start(self, work, on_success, building: bool = False) -> None:
        self.job = job = run_in_background(
            self,
            work,
            title=self.status.text(),
            cancellable=True,
            bar=self.progress,
            label=self.status,
            on_done=on_success,
            on_error=self.status.setText,
            on_cancel=lambda: None if self._again else self.status.setText("Cancelled."),
        )
        job.ended.connect(lambda: self._finished(job))
        self._building = job if building else None
        self._enable()

    def _finished(self, job) -> None:
        if self.job is job:
            self.job = None
        self._enable()
        if self._again and self.job is None:
            self._again = False
            self.build()

    def _enable(self) -> None:
        busy, ready = self.job is not None, self.review is not None and self.job is None
        for button in (self.pdf_button, self.xlsx_button, self.print_button, self.notes_button):
            button.setEnabled(ready)
        self.build_button.setEnabled(not busy or self.job is self._building)
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not self.notes.hasFocus():
            self.build()
            return
        super().keyPressEvent(event)


def _reader(key: str, kind: str):
    return lambda row: cell(row.get(key), kind)


def open_review(window, *, prompter=None) -> ReviewWindow:
    dialog = getattr(window, "_review_window", None)
    if dialog is None:
        dialog = window._review_window = ReviewWindow(window.session, window, prompter=prompter)
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    return dialog
