"""The main window: assembles the tabs, menus, toolbar and status bar. The work is elsewhere."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from html import escape
from typing import Callable, Iterator, Protocol, cast

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QTabWidget, QToolBar, QWidget

from .. import APP_NAME, __version__
from ..money import format_money
from ..paths import settings_file
from ..services.accounts import lists
from ..services.office.session import watch_changes
from ..services.office.transactions import on_commit
from . import accessibility
from .first_paint import after_first_paint
from .keys import show_focus, tab_key
from .prompts import Prompter
from .session_holder import SessionHolder
from .work import BackgroundJob, emit, run_in_background


class Page(Protocol):
    """What the window asks of every tab."""

    def refresh(self) -> None: ...

    def focus_search(self) -> None: ...


def _accounts() -> type:
    from .accounts.tab import AccountsTab

    return AccountsTab


def _invoices() -> type:
    from .books.tab import InvoicesTab

    return InvoicesTab


def _claims() -> type:
    from .claims.tab import ClaimsTab

    return ClaimsTab


def _orders() -> type:
    from .orders.tab import OrdersTab

    return OrdersTab


def _collections() -> type:
    from .collections.tab import CollectionsTab

    return CollectionsTab


#: The tabs, in order: (title, the class's name, where the class comes from). A tab is built (and
#: its module imported) when it is first shown, or first asked for (``pages``, ``open_tab``):
#: the window paints with the one tab it shows. Each title is its class's ``title``.
TABS: tuple[tuple[str, str, Callable[[], type]], ...] = (
    ("&Accounts", "AccountsTab", _accounts), ("&Invoice Entry", "InvoicesTab", _invoices),
    ("C&laims", "ClaimsTab", _claims), ("&Order Forms", "OrdersTab", _orders),
    ("&Collections", "CollectionsTab", _collections))
FOLDERS = re.compile(r"(?:\b[A-Za-z]:)?[\\/](?:[^\\/\n]*[\\/])+")  # the folders of a path in a message
OTHERS_MS = 2000  # how often the window looks for other workstations' saves (no query: a socket)


def run_checks():
    """Every check (services.checks, imported when the clerk asks: not at start)."""
    from ..services.checks import run_checks as checks

    return checks()


class Unbuilt(QWidget):
    """Where a tab stands until it is first shown: nothing in it, nothing read."""

    def __init__(self, name: str, make: Callable[[], type]):
        super().__init__()
        self.setObjectName(f"unbuilt-{name}")
        self.make = make


class Pages(Sequence):
    """The window's tabs as a list; a tab asked for by its place is built then (``pages[0]``),
    and going through them all builds them all."""

    def __init__(self, window: "MainWindow"):
        self.window = window

    def __len__(self) -> int:
        return self.window.tabs.count()

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(len(self))[index]]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        return self.window.built(index)

    def __iter__(self) -> Iterator[QWidget]:
        return iter([self[i] for i in range(len(self))])


class MainWindow(QMainWindow):
    #: A write was committed (on any thread): the counts and today's totals are refreshed.
    committed = Signal()

    def __init__(self, session, *, open_database=None, reopen=None, prompter=None, holder=None,
                 parent=None):
        super().__init__(parent)
        accessibility.install()  # (application() did, unless a test builds the window alone)
        self.session = session
        # The only one that changes the session (its user, its file); we listen like every screen.
        self.session_holder = holder or SessionHolder(session)
        self.session_holder.setParent(self)
        self.session_holder.changed.connect(self._session_changed)
        self.prompter = prompter or Prompter(self)  # every tab asks through this one
        self._open_database = open_database
        self._reopen = reopen  # run_window's way to open a (restored) file and sign in again
        self.setWindowTitle(f"{APP_NAME} — {session.opened.name}")
        show_focus(self)  # a framed drop-down when it has the focus, on every tab and dialog
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.put_tabs(None)
        self.setCentralWidget(self.tabs)
        self.menus = {}
        self.toolbar = QToolBar("Main")
        self.toolbar.setObjectName("main-toolbar")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.addToolBar(self.toolbar)
        self._build_menus()
        self._build_status_bar()
        self._install_features()
        self.tabs.currentChanged.connect(self._tab_changed)
        self._restore_layout()
        self.page().refresh()  # builds the tab that shows (the others wait until shown)
        self._show_file_and_user()
        after_first_paint(self, self.update_status)  # today's totals read once the window shows
        after_first_paint(self, self._first_focus)  # the keys start in the tab's search box
        self._watch_background_check()
        self._watch_commits()
        self._watch_other_workstations()

    # --- assembly -------------------------------------------------------------------------
    def _install_features(self) -> None:
        """Each feature adds its own menus and keys; the window only calls them."""
        from .books.payers_dialog import install_payers_action
        from .claims.remit_codes_dialog import install_codes_action
        from .office.backup_dialogs import install_backup_actions
        from .office.billing_identity_dialog import install_identity_action
        from .office.lock import install as install_signin
        from .office.providers_dialog import install_providers_action
        from .office.settings_dialog import install_settings_action
        from .reports.report_menu import install_report_actions

        install_signin(self)  # Ctrl+L lock, idle lock, Users and Audit trail (ui/lock.py)
        install_report_actions(self)  # the Reports menu: Ctrl+Shift+R, each report, close the day
        # Back up now (Ctrl+B), Restore, Maintenance
        install_backup_actions(self, self.session, self.prompter)
        install_settings_action(self)  # Tools > Settings…
        install_payers_action(self)  # Tools > Payers and plans… (Ctrl+Shift+Y)
        install_identity_action(self)  # Tools > Billing identity… (Ctrl+Shift+B)
        install_providers_action(self)  # Tools > Providers… (Ctrl+Shift+O)
        install_codes_action(self)  # Tools > Remittance reason codes… (Ctrl+Shift+K)

    def reopen(self, path) -> None:
        """Open ``path`` again after a restore: through run_window (which signs in again), or,
        without one (tests), as the same user in place."""
        if self._reopen is not None:
            self._reopen(path)
            return
        from ..services.office.session import open_session
        from ..services.office.users import reload_user

        user = self.session.user
        self.session.close()  # a restore has closed it already; closing twice is harmless
        fresh = open_session(path, choose_user=False)
        # The tabs hold this session: keep it, change its file (the holder says so to everyone).
        self.session_holder.reopened(fresh.opened, reload_user(user.id) if user else None)

    def menu(self, name: str):
        if name not in self.menus:
            self.menus[name] = self.menuBar().addMenu(name)
        return self.menus[name]

    def add_action(self, menu: str, text: str, slot, shortcut=None, toolbar: bool = False,
                   tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        self.menu(menu).addAction(action)
        if toolbar:
            self.toolbar.addAction(action)
        return action

    def show_tool(self, dialog):
        """A window a Tools menu item opens: shown in front, kept alive while it is open."""
        self.tools = [d for d in getattr(self, "tools", []) if d.isVisible()] + [dialog]
        dialog.show()
        dialog.activateWindow()
        return dialog

    def _build_menus(self) -> None:
        for name in ("&File", "&Edit", "&Reports", "&Tools", "&Help"):
            self.menu(name)
        if self._open_database:
            self.add_action("&File", "&Open database…", self._open_database, QKeySequence.StandardKey.Open,
                            tip="Open another Billing Desk database file, or an office on a server")
        self.menu("&File").addSeparator()
        self.add_action("&File", "E&xit", self.close, QKeySequence.StandardKey.Quit)
        self.add_action("&Edit", "&Find", self.focus_search, QKeySequence.StandardKey.Find)
        self.add_action("&Tools", "&Check database", self.check_database, toolbar=True,
                        tip="Integrity, ledger and audit trail checks")
        self.add_action("&Help", "&About Billing Desk", self.about)

    def _build_status_bar(self) -> None:
        self.db_label = QLabel()
        self.user_label = QLabel()
        self.totals_label = QLabel()
        for label in (self.db_label, self.user_label, self.totals_label):
            self.statusBar().addPermanentWidget(label)

    # --- the tabs, each built when first shown -----------------------------------------------
    @property
    def pages(self) -> Pages:
        return Pages(self)

    def built(self, index: int) -> QWidget:
        """The tab at ``index``, built now if it was not (in its place; the one showing stays)."""
        widget = self.tabs.widget(index)
        if not isinstance(widget, Unbuilt):
            return cast(QWidget, widget)
        page = widget.make()(self.session, self, prompter=self.prompter)
        blocked = self.tabs.blockSignals(True)  # the same tab shows: no tab-changed refresh
        try:
            showing = self.tabs.currentIndex()
            self.tabs.insertTab(index, page, self.tabs.tabText(index))
            if showing == index:
                self.tabs.setCurrentIndex(index)
            self.tabs.removeTab(index + 1)
        finally:
            self.tabs.blockSignals(blocked)
        widget.deleteLater()
        accessibility.name_all(page)  # as the window's first show names the tabs built by then
        return page

    def built_pages(self) -> list[QWidget]:
        """The tabs built so far (one not built has nothing to read again)."""
        return [cast(QWidget, w) for w in (self.tabs.widget(i) for i in range(self.tabs.count()))
                if not isinstance(w, Unbuilt)]

    def open_tab(self, name: str) -> QWidget:
        """Show the tab of class ``name`` (built first if need be): a key that acts on a tab."""
        index = next(i for i, (_title, cls, _make) in enumerate(TABS) if cls == name)
        page = self.built(index)
        self.tabs.setCurrentIndex(index)
        return page

    def take_tabs(self) -> list[QWidget]:
        """Every tab as it stands (built or not), taken out of the window (a change of user)."""
        widgets = [cast(QWidget, self.tabs.widget(i)) for i in range(self.tabs.count())]
        blocked = self.tabs.blockSignals(True)
        while self.tabs.count():
            self.tabs.removeTab(0)
        self.tabs.blockSignals(blocked)
        return widgets

    def put_tabs(self, widgets: list[QWidget] | None) -> None:
        """Tabs taken before, or (None) new ones, each to be built when first shown."""
        made = widgets or [Unbuilt(cls, make) for _title, cls, make in TABS]
        for widget, (title, _cls, _make) in zip(made, TABS):
            self.tabs.addTab(widget, title)

    # --- behaviour ------------------------------------------------------------------------
    def page(self) -> Page:
        """The tab showing now (built now if it was not)."""
        return cast(Page, self.built(self.tabs.currentIndex()))

    def refresh(self) -> None:
        self.page().refresh()
        self.update_status()

    def _show_file_and_user(self) -> None:
        # The name only, so the status bar leaves room for its messages; the whole path on hover.
        self.db_label.setText(f"Database: {self.session.opened.name}")
        self.db_label.setToolTip(self.session.opened.address)
        self.user_label.setText(f"User: {self.session.user.full_name} ({self.session.user.role})")

    def update_status(self) -> None:
        if self.session.user is None or self.session.opened.db.is_closed():
            return  # signed out (or the file closed) before the deferred read
        totals = lists.day_totals(dt.date.today())
        self._show_file_and_user()
        self.totals_label.setText(f"Today: charges {format_money(totals['charges'])} · payments "
                                  f"{format_money(totals['payments'])} · adjustments "
                                  f"{format_money(totals['adjustments'])}")

    def _watch_background_check(self) -> None:
        """A large file is checked after the window opens; say so if it is not whole."""
        future = getattr(self.session.opened, "background_check", None)
        if future is None:
            return
        self.statusBar().showMessage("Checking the database in the background…")

        def wait(progress) -> str:  # the check runs on its own read-only connection (models.db)
            while True:
                progress(None)  # closing the window cancels the wait, not the check
                try:
                    return future.result(timeout=0.2)
                except TimeoutError:
                    continue

        def checked(result: str) -> None:
            if result == "ok":
                self.statusBar().showMessage("Database check: ok", 5000)
            else:
                self.prompter.warn("Database check", f"The database failed its integrity check: "
                                   f"{result}\nStop work and restore the latest backup.")

        self.check_job = run_in_background(self, wait, title="Checking the database", quiet=True,
                                           cancellable=True, on_done=checked, on_error=checked)

    def say(self, text: str, timeout_ms: int = 15000) -> None:
        """A message in the status bar; where the bar is too narrow for it, its tooltip and the
        status of the window (screen readers) hold the whole text."""
        self.statusBar().showMessage(self._fitted(text), timeout_ms)
        self.statusBar().setToolTip(text)
        self.statusBar().setAccessibleDescription(text)

    def _fitted(self, text: str) -> str:
        """``text`` as it fits left of the file, user and totals: a path as its file's name, then
        whole words and "…" (never a word cut in the middle)."""
        bar = self.statusBar()
        shown = [w for w in (self.db_label, self.user_label, self.totals_label) if w.isVisible()]
        room = min((w.x() for w in shown), default=bar.width()) - 12
        metrics = bar.fontMetrics()
        if metrics.horizontalAdvance(text) < room:
            return text
        words = FOLDERS.sub("", text).split(" ")  # a backup's path: its file's name
        while len(words) > 1 and metrics.horizontalAdvance(" ".join(words)) >= room:
            words = words[:-1]
            if metrics.horizontalAdvance(" ".join(words) + " …") < room:
                return " ".join(words) + " …"
        return " ".join(words)

    def _watch_commits(self) -> None:
        """After any saved change (a posted invoice, an approval, a payment) the status bar's
        totals and each tab's counts are read again, once, a moment later."""
        self._counts_timer = QTimer(self, singleShot=True, interval=150)
        self._counts_timer.timeout.connect(self.update_counts)
        self.committed.connect(self._counts_timer.start)  # queued when the write was a worker's
        window = self

        def committed() -> None:
            try:
                emit(window.committed)
            except RuntimeError:  # the window is gone; its stop() runs at close
                pass

        self._stop_watching = on_commit(committed)
        self.destroyed.connect(lambda *_: self._stop_watching())

    def update_counts(self) -> None:
        if self.session.user is None or self.session.opened.db.is_closed():
            return
        self.update_status()
        for page in self.built_pages():
            counts = getattr(page, "update_counts", None)
            if counts is not None:
                counts()

    def _session_changed(self, _session) -> None:
        if self.session.user is None or self.session.opened.db.is_closed():
            return
        if self.tabs.count():
            self.page().refresh()
        self.update_status()

    def _tab_changed(self, _index: int) -> None:
        page = self.page()
        # A tab whose list is costly reads it off the window's thread (its refresh_when_shown).
        getattr(page, "refresh_when_shown", page.refresh)()

    def focus_search(self) -> None:
        self.page().focus_search()

    def _first_focus(self) -> None:
        """The keys start in the showing tab's search box (not on the tab bar), unless the clerk
        has put them in the tab already."""
        focus = QApplication.focusWidget()
        page = self.tabs.currentWidget()
        if focus is None or focus is self or not page.isAncestorOf(focus):
            self.focus_search()

    def keyPressEvent(self, event) -> None:
        """A key nothing took, pressed outside the showing tab (on the tab bar, the toolbar): the
        tab's own key (Ctrl+N on Accounts) works there as it does inside the tab. (Qt fires a
        tab's keys only while the focus is inside it, keys.widget_key; a hidden tab's never.)"""
        focus = QApplication.focusWidget()
        page = self.tabs.currentWidget()
        if (focus is None or not page.isAncestorOf(focus)) and tab_key(page, event):
            event.accept()
            return
        super().keyPressEvent(event)

    def check_database(self) -> BackgroundJob:
        def checked(result) -> None:
            text = "\n".join(result.lines())
            if result.clean:
                self.prompter.inform("Check database", f"Everything checks out.\n\n{text}")
            else:
                self.prompter.warn("Check database", f"Problems were found:\n\n{text}")

        self.check_job = run_in_background(
            self, lambda progress: run_checks(), title="Checking the database…", on_done=checked,
            on_error=lambda message: self.prompter.warn("Check database", message))
        return self.check_job

    def about(self) -> None:
        self.prompter.inform(f"About {APP_NAME}", f"<b>{APP_NAME}</b> {__version__}<br>The billing "
                             f"coordinator's desk.<br>Database: {escape(self.session.opened.address)}")

    # --- layout memory --------------------------------------------------------------------
    def _settings(self) -> QSettings:
        return QSettings(str(settings_file()), QSettings.Format.IniFormat)

    def _restore_layout(self) -> None:
        settings = self._settings()
        geometry = settings.value("main/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1200, 760)
        state = settings.value("main/state")
        if state is not None:
            self.restoreState(state)
        self.tabs.setCurrentIndex(int(str(settings.value("main/tab", 0))))

    def _watch_other_workstations(self) -> None:
        """On a server: what another PC saves shows here within seconds (the server tells this
        window, LISTEN/NOTIFY; the lists are read again only then, never polled)."""
        self._watcher = watch_changes(self.session.opened)
        if self._watcher is not None:
            self._others_timer = QTimer(self, interval=OTHERS_MS)
            self._others_timer.timeout.connect(self.others_saved)
            self._others_timer.start()

    def others_saved(self) -> None:
        if self._watcher is not None and self._watcher.changed():
            self.refresh()
            self._counts_timer.start()

    def closeEvent(self, event) -> None:
        if self._watcher is not None:
            self._others_timer.stop()
            self._watcher.close()
            self._watcher = None
        self._stop_watching()
        settings = self._settings()
        settings.setValue("main/geometry", self.saveGeometry())
        settings.setValue("main/state", self.saveState())
        settings.setValue("main/tab", self.tabs.currentIndex())
        settings.sync()
        super().closeEvent(event)
