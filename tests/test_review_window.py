"""The Billing review window (issue 20) driven by keys: choose a period, build the review in the
background, read a figure's definition in its tooltip, drill down to its rows, read the
recommendations and the charts, keep the notes, save the PDF."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from PySide6.QtCore import QDate, Qt
from test_reports_numbers import office  # noqa: F401 (the hand-built office fixture)
from test_reports_window import Answers

from billing_desk.services.office.session import Session
from billing_desk.services.review import notes_for
from billing_desk.ui.reports.review_parts import periods
from billing_desk.ui.reports.review_window import ReviewWindow


@pytest.fixture
def window(qtbot, office, db, admin, tmp_path):
    widget = ReviewWindow(Session(db, admin), prompter=Answers(path=tmp_path / "review.pdf"))
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitUntil(lambda: widget.job is None and widget.review is not None, timeout=20000)
    return widget


def built(qtbot, window, start, end, as_of):
    window.kind.setCurrentIndex(window.kind.findData("range"))
    window.start.setDate(QDate(start))
    window.end.setDate(QDate(end))
    window.as_of.setDate(QDate(as_of))
    window.figure_view.setFocus()
    qtbot.keyClick(window.figure_view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.job is None and window.review is not None, timeout=20000)


def test_periods_offered():
    today = dt.date(2026, 12, 4)
    assert periods("month", today)[0] == ("November 2026", dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert periods("quarter", today)[0] == ("Q3 2026", dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    assert periods("quarter", dt.date(2026, 2, 1))[0][0] == "Q4 2025"
    assert periods("year", today)[0] == ("2026 to date", dt.date(2026, 1, 1), today)


def test_build_read_drill_and_save(window, qtbot, tmp_path):
    built(qtbot, window, dt.date(2026, 5, 1), dt.date(2026, 5, 31), dt.date(2026, 5, 31))
    model = window.figures
    titles = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert titles[0] == "Accounts receivable" and "Denial rate" in titles
    row = titles.index("A/R over 90 days")
    assert model.index(row, 1).data() == "75.0 %"
    assert "past its due date" in model.index(row, 1).data(Qt.ItemDataRole.ToolTipRole)
    window.figure_view.selectRow(row)
    assert window.rows_model.rowCount() == 1 and window.rows_model.index(0, 2).data() == "$120.00"
    assert window.charts["aging"].labels[-1] == "May"
    assert "over 90 days" in window.charts["aging"].accessibleDescription()
    assert window.advice.count() >= 1
    window.tabs.setCurrentIndex(2)
    window.notes.setPlainText("Work Ann's claim with Blue.")
    qtbot.keyClick(
        window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    assert notes_for(dt.date(2026, 5, 1), dt.date(2026, 5, 31)) == "Work Ann's claim with Blue."
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.job is None and "saved to" in window.status.text(), timeout=20000)
    assert (tmp_path / "review.pdf").stat().st_size > 5000


def held(monkeypatch) -> threading.Event:
    """The review's building waits on the thread for the event: the window is seen at work."""
    from billing_desk.ui.reports import review_window

    gate, real = threading.Event(), review_window.build_review
    monkeypatch.setattr(review_window, "build_review", lambda *a, **k: (gate.wait(20), real(*a, **k))[1])
    return gate


def test_it_builds_the_last_whole_month_as_it_opens_without_blocking(qtbot, office, db, admin, tmp_path,
                                                                     monkeypatch):
    gate = held(monkeypatch)
    widget = ReviewWindow(Session(db, admin), prompter=Answers(path=tmp_path / "review.pdf"))
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitUntil(lambda: widget.job is not None, timeout=5000)  # started in the background
    assert widget.progress.isVisible() and widget.status.text().startswith("Building the billing review")
    widget.tabs.setCurrentIndex(1)  # the window answers while it works
    qtbot.keyClick(widget.notes, Qt.Key.Key_A)
    assert widget.tabs.currentIndex() == 1 and widget.build_button.isEnabled() and widget.job is not None
    gate.set()
    qtbot.waitUntil(lambda: widget.job is None and widget.review is not None, timeout=20000)
    last = dt.date.today().replace(day=1) - dt.timedelta(days=1)
    assert (widget.review.start, widget.review.end) == (last.replace(day=1), last)
    assert not widget.progress.isVisible() and "recommendation" in widget.status.text()


def test_enter_during_a_build_builds_the_period_chosen_instead(qtbot, office, db, admin, tmp_path,
                                                                monkeypatch):
    gate = held(monkeypatch)
    widget = ReviewWindow(Session(db, admin), prompter=Answers(path=tmp_path / "review.pdf"))
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitUntil(lambda: widget.job is not None, timeout=5000)
    widget.kind.setCurrentIndex(widget.kind.findData("range"))
    widget.start.setDate(QDate(2026, 5, 1))
    widget.end.setDate(QDate(2026, 5, 31))
    widget.as_of.setDate(QDate(2026, 5, 31))
    widget.figure_view.setFocus()
    qtbot.keyClick(widget.figure_view, Qt.Key.Key_Return)
    assert widget.job is not None and "05/01/2026 to 05/31/2026" in widget.status.text()
    gate.set()
    qtbot.waitUntil(lambda: widget.job is None and widget.review is not None
                    and widget.review.start == dt.date(2026, 5, 1), timeout=20000)
    assert widget.review.end == dt.date(2026, 5, 31) and "05/01/2026 to 05/31/2026" in widget.status.text()


@pytest.mark.qt_log_ignore("This plugin does not support raise")
def test_the_reports_menu_opens_it_with_a_shortcut(qtbot, office, db, admin):
    from billing_desk.ui.main_window import MainWindow

    window = MainWindow(Session(db, admin))
    qtbot.addWidget(window)
    (action,) = [a for a in window.menu("&Reports").actions() if a.text() == "Billing re&view…"]
    assert action.shortcut().toString() == "Ctrl+Shift+W"
    action.trigger()
    assert isinstance(window._review_window, ReviewWindow) and window._review_window.isVisible()
    window._review_window.close()
