"""The Reports menu: the report window (Ctrl+Shift+R), the billing review (Ctrl+Shift+W), each
report by name, closing a day. The windows (and every report's module) are imported when first
asked for, not at start; each report's item is added when the menu first opens (none has a key
of its own: Alt+R opens the menu, and the items are there)."""

from __future__ import annotations


def _reports(window, name: str | None = None) -> None:
    from .reports_window import open_reports

    open_reports(window, name)


def _review(window) -> None:
    from .review_window import open_review

    open_review(window)


def _close_day(window) -> None:
    from .reports_window import close_day

    close_day(window)


def add_each_report(window, before=None) -> None:
    """One item per report (the Billing review has its own above), before ``before``."""
    from ...reports import REPORTS

    for spec in REPORTS.values():
        if spec.name != "billing-review":
            action = window.add_action("&Reports", f"{spec.title}…",
                                       lambda name=spec.name: _reports(window, name), tip=spec.help)
            if before is not None:  # add_action appends: move it above the separator
                menu = window.menu("&Reports")
                menu.removeAction(action)
                menu.insertAction(before, action)


def install_report_actions(window, *, each_report_now: bool = False) -> None:
    """The menu's items; ``each_report_now``: each report's too, at once (not on first open)."""
    window.add_action("&Reports", "&Reports…", lambda: _reports(window), "Ctrl+Shift+R",
                      toolbar=True, tip="Preview, save and print the office's reports")
    window.add_action("&Reports", "Billing re&view…", lambda: _review(window), "Ctrl+Shift+W",
                      tip="The billing figures of a period, their trends, charts and recommendations")
    if each_report_now:
        add_each_report(window)
    separator = window.menu("&Reports").addSeparator()
    window.add_action("&Reports", "&Close the day…", lambda: _close_day(window),
                      tip="Lock the books through a day (supervisors)")
    if not each_report_now:
        menu = window.menu("&Reports")

        def first_open() -> None:
            menu.aboutToShow.disconnect(first_open)
            add_each_report(window, before=separator)

        menu.aboutToShow.connect(first_open)
