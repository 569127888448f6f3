"""The Reports window driven by keys: choose a report, preview it (in a worker thread), save a
PDF and a workbook that agree with the preview; closing a day from the menu; cancel."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from PySide6.QtCore import QDate, Qt
from test_reports_numbers import MAR15, office  # noqa: F401 (the hand-built office fixture)

from billing_desk.models import AuditEntry
from billing_desk.services.office.session import Session


class Answers:
    """A prompter that answers from a script instead of modal boxes."""

    def __init__(self, path=None, day=None, confirm=True):
        self.path, self.day, self.yes, self.told = path, day, confirm, []

    def choose_save_file(self, title, suggested, filter_text):
        return str(self.path) if self.path else None

    def choose_printer(self, current):
        return None

    def ask_date(self, title, label, default):
        return self.day

    def confirm(self, title, text, *, default_no=False):
        return self.yes

    def inform(self, title, text):
        self.told.append(text)

    def warn(self, title, text):
        self.told.append(text)


@pytest.fixture
def dialog(qtbot, office, db, admin, tmp_path):
    from billing_desk.ui.reports.reports_window import ReportDialog

    answers = Answers(path=tmp_path / "aging.pdf")
    widget = ReportDialog(Session(db, admin), prompter=answers, name="aging")
    qtbot.addWidget(widget)
    widget.show()
    widget.answers = answers
    return widget


def wait_idle(qtbot, dialog):
    qtbot.waitUntil(lambda: dialog.job is None, timeout=20000)


def test_preview_then_save_pdf_and_excel(dialog, qtbot, tmp_path):
    from pytestqt.modeltest import ModelTester

    assert dialog.which.currentData() == "aging" and not dialog.pdf_button.isEnabled()
    dialog.as_of.setDate(QDate(2026, 3, 15))
    dialog.view.setCurrentIndex(dialog.view.findData("detail"))
    qtbot.keyClick(dialog.account, Qt.Key.Key_Return)  # Enter previews
    wait_idle(qtbot, dialog)
    model = dialog.model
    ModelTester(None).check(model)
    texts = [[model.index(r, c).data() for c in range(model.columnCount())]
             for r in range(model.rowCount())]
    balance = [c.key for c in dialog.report.columns].index("balance")
    assert texts[-1][balance] == "$130.00" and texts[-1][0] == "Total"
    align = model.index(1, balance).data(Qt.ItemDataRole.TextAlignmentRole)
    assert align & Qt.AlignmentFlag.AlignRight
    assert "03/15/2026" in dialog.parameters.text()
    qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, dialog)
    text = "".join(p.extract_text() for p in PdfReader(tmp_path / "aging.pdf").pages)
    assert "$130.00" in text and "saved to" in dialog.status.text()
    dialog.answers.path = tmp_path / "aging.xlsx"
    qtbot.keyClick(dialog, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, dialog)
    cells = [c for row in load_workbook(tmp_path / "aging.xlsx").active.iter_rows(values_only=True)
             for c in row if c is not None]
    assert any(isinstance(c, (int, float)) and D(str(c)).quantize(D("0.01")) == D("130.00")
               for c in cells)
    exports = AuditEntry.select().where(AuditEntry.action == "export").count()
    assert exports == 2


def test_changing_a_parameter_asks_for_a_new_preview_and_bad_input_is_named(dialog, qtbot):
    qtbot.keyClick(dialog.account, Qt.Key.Key_Return)
    wait_idle(qtbot, dialog)
    assert dialog.pdf_button.isEnabled()
    qtbot.keyClicks(dialog.account, "NOPE")
    assert not dialog.pdf_button.isEnabled() and "preview again" in dialog.status.text()
    qtbot.keyClick(dialog.account, Qt.Key.Key_Return)
    wait_idle(qtbot, dialog)
    assert "no account NOPE" in dialog.status.text() and dialog.report is None


def test_each_report_shows_only_its_parameters(dialog):
    dialog.choose("day-sheet")
    assert dialog.start.isVisibleTo(dialog) and not dialog.as_of.isVisibleTo(dialog)
    dialog.choose("statements")
    assert dialog.minimum.isVisibleTo(dialog) and dialog.as_of.isVisibleTo(dialog)
    dialog.choose("account-ledger")
    assert "required" in dialog.account.placeholderText()


def test_a_long_save_can_be_cancelled(dialog, qtbot, tmp_path):
    qtbot.keyClick(dialog.account, Qt.Key.Key_Return)
    wait_idle(qtbot, dialog)
    import time

    def slow(progress):
        for i in range(200):
            progress(i, 200)  # raises Cancelled once Cancel is asked
            time.sleep(0.01)
        return "finished"

    results = []
    dialog._start(slow, results.append)
    assert dialog.cancel_button.isVisible() and not dialog.pdf_button.isEnabled()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # Esc cancels the work, not the window
    wait_idle(qtbot, dialog)
    assert results == [] and dialog.status.text() == "Cancelled." and dialog.isVisible()


def test_the_reports_menu_and_closing_a_day(qtbot, office, db, supervisor):
    from billing_desk.services.books.reports_close import closed_through
    from billing_desk.ui.reports import reports_window

    class Window:
        session = Session(db, supervisor)

        def __init__(self):
            self.actions = []

        def add_action(self, menu, text, slot, shortcut=None, toolbar=False, tip=""):
            self.actions.append((menu, text, shortcut))

        def menu(self, name):
            return type("M", (), {"addSeparator": lambda self: None})()

    window = Window()
    from billing_desk.ui.reports.report_menu import install_report_actions

    install_report_actions(window, each_report_now=True)
    texts = [t for _m, t, _s in window.actions]
    assert "&Reports…" in texts and "Day sheet…" in texts and "&Close the day…" in texts
    answers = Answers(day=dt.date(2026, 3, 1))
    assert reports_window.close_day(window, answers) == dt.date(2026, 3, 1)
    assert closed_through() == dt.date(2026, 3, 1) and "closed through 03/01/2026" in answers.told[0]
    assert reports_window.close_day(window, answers) is None
    assert "already closed" in answers.told[1]


def test_the_as_of_box_shows_only_for_reports_that_honour_it(dialog):
    dialog.choose("collection-list")
    assert not dialog.as_of.isVisibleTo(dialog) and dialog.account.isVisibleTo(dialog)
    for name in ("accounts", "account-ledger", "aging"):
        dialog.choose(name)
        assert dialog.as_of.isVisibleTo(dialog)


def test_each_period_report_starts_at_its_own_default_period(dialog):
    """Promises due look ahead 30 days, the calls log back 30, the day sheet is today; the
    same periods the command line takes without --from/--to."""
    today = dt.date.today()
    for name, (start, end) in (("promises-due", (today, today + dt.timedelta(days=30))),
                               ("calls-log", (today - dt.timedelta(days=30), today)),
                               ("day-sheet", (today, today)),
                               ("billing", (today.replace(day=1), today))):
        dialog.choose(name)
        assert (dialog.start.date().toPython(), dialog.end.date().toPython()) == (start, end)
        assert dialog.params().as_of is None
