"""Collections tab: the worklist (today's follow-ups first), the account's file beside it, and the
collector's actions on keys; a second page lists insurance balances unpaid past N days."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...errors import BillingError
from ...services.books.aging import BUCKETS
from ...services.collections import collection_actions as actions, worklist as col
from ...services.office.permissions import can
from ...services.office.settings import get_setting
from ...services.office.transactions import today as ledger_today
from ..column_chooser import ColumnChooser
from ..kept_worker import KeptWorker
from ..keys import widget_key
from ..list_refresh import ListRefresher
from ..prompts import Prompter
from ..refusals import KeptAnswers
from ..table_model import Column, PagedTableModel
from ..work import BackgroundJob, run_in_background
from .collection_dialogs import BatchDialog, ContactDialog, PlanDialog
from .collection_insurance import InsurancePage
from .collection_pane import END_OF_ROAD, AccountPane, end_of_road_actions
from .collection_print import send_pdf
from .collection_stages import StageLadderDialog

COLUMNS = [  # the ones a clerk works by fit a 1200-pixel window; HIDDEN ones are on demand
    Column("Account", lambda r: r.number, "number", 62),
    Column("Name", lambda r: r.name, "name", 132),
    Column("Balance", lambda r: r.balance, "balance", 80),
    Column("Past due", lambda r: r.past_due, "past_due", 78),
    Column("Days", lambda r: r.days, "days", 40),
    Column("Oldest", lambda r: r.bucket, "bucket", 60),
    Column("Stage", lambda r: r.stage, "stage", 88),
    Column("Last contact", lambda r: r.last_contact_on, "last_contact", 90),
    Column("Promise due", lambda r: r.promise_due, "promise_due", 90),
    Column("Follow up", lambda r: r.next_follow_up, "next_follow_up", 80),
    Column("Held by", lambda r: r.held_by, "held_by", 62),
    Column("Flag", lambda r: r.flag, "flag", 90),
    Column("Skipped because", lambda r: r.skip, "skip", 118),
    Column("Next stage", lambda r: r.proposed, "proposed", 88),
]
HIDDEN = ("Balance", "Oldest", "Last contact", "Promise due")  # Columns menu / header right click

KEYS = [  # (button text, shortcut, method)
    ("Log contact", "Ctrl+K", "log_contact"), ("Stage &batch", "Ctrl+G", "stage_batch"),
    ("Payment &plan", "Ctrl+Shift+P", "payment_plan"), ("Hol&d…", "Ctrl+H", "hold"),
    ("Take it", "Ctrl+T", "take"), ("Open case", "Ctrl+E", "open_case"),
    ("Late fees", "Ctrl+Shift+F", "late_fees"), ("Sta&ges…", "Ctrl+Shift+S", "edit_stages"),
    ("Report&s…", "Ctrl+Shift+L", "reports"), ("Re&view today", "Ctrl+Shift+D", "review_today"),
]
_REVIEWED: dict[str, object] = {}  # database path -> the day its review last ran in this program


class CollectionsTab(QWidget):
    title = "&Collections"

    def __init__(self, session, parent=None, *, prompter: Prompter | None = None):
        super().__init__(parent)
        self.session = session
        self.clock = ledger_today  # tests simulate days by replacing it
        self.prompter = prompter or Prompter(self)
        self.kept = KeptAnswers()  # a reason whose change was refused, offered again on its account
        self.printer = self._print
        self.dialog = None
        self.review_job: BackgroundJob | None = None
        self.spec = col.WorkFilter(user_id=session.user.id)
        self.pages = QTabWidget()
        self.pages.addTab(self._worklist_page(), "Wor&klist")  # Alt+W is Write off
        self.insurance = InsurancePage(lambda: self.clock())
        self.pages.addTab(self.insurance, "Insurance &unpaid")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.pages)
        for _text, key, method in KEYS:
            widget_key(self, key, getattr(self, method))  # also from the tab bar (keys.tab_key)

    # --- building ---------------------------------------------------------------------------
    def _worklist_page(self) -> QWidget:
        page = QWidget()
        self.search = QLineEdit(placeholderText="Search name, account number, phone", clearButtonEnabled=True,
                                objectName="search")
        self.show_filter = QComboBox(objectName="show")
        for key, name in col.FILTER_NAMES.items():
            self.show_filter.addItem(name, key)
        self.stage = QComboBox(objectName="stage")
        self.bucket = QComboBox(objectName="bucket")
        self.bucket.addItem("Any age", "")
        for bucket in BUCKETS[1:]:
            self.bucket.addItem(f"{bucket} days", bucket)
        self.count_label = QLabel()
        self.count_label.setMinimumWidth(230)
        self.stage.setMinimumContentsLength(14)
        top = QHBoxLayout()
        for combo in (self.show_filter, self.stage, self.bucket):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        for widget, stretch in ((self.search, 1), (self.show_filter, 0), (self.stage, 0), (self.bucket, 0),
                                (self.count_label, 0)):
            top.addWidget(widget, stretch)
        self.model = PagedTableModel(COLUMNS, page_size=100, parent=self)  # more as it scrolls
        self.table = QTableView(objectName="worklist")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # follow-ups first until a click
        header.sectionClicked.connect(self._sort_by)
        for i, column in enumerate(COLUMNS):
            if column.width is not None:
                self.table.setColumnWidth(i, column.width)
        self.columns = ColumnChooser(self.table, "collections", HIDDEN)
        top.addWidget(self.columns.button())
        self.pane = AccountPane()
        scroll = QScrollArea(widgetResizable=True)
        scroll.setMinimumWidth(260)
        scroll.setWidget(self.pane)
        split = QSplitter()
        split.addWidget(self.table)
        split.addWidget(scroll)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        split.setSizes([1000, 280])
        buttons = QGridLayout()
        methods = KEYS + end_of_road_actions()
        for i, (text, key, method) in enumerate(methods):
            button = QPushButton(f"{text}  ({key})" if key else text, objectName=method)
            button.setToolTip(f"{text.replace('&', '')} ({key})" if key else text.replace("&", ""))
            button.clicked.connect(getattr(self, method))
            if method in ("hand_off", "write_off"):  # mirrors the services' rule; a clerk asks sign-off
                permission = "agency_handoff" if method == "hand_off" else "write_off"
                button.setEnabled(can(self.session.user, permission)
                                  or bool(get_setting("supervisor_signoff")))
            buttons.addWidget(button, i // 6, i % 6)
        layout = QVBoxLayout(page)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        layout.addLayout(buttons)
        # Each key searches at once, off the window's thread, on a worker that keeps its
        # connection and so the worklist's snapshot there (worklist.py, ui/kept_worker.py): the
        # window keeps answering keys while the list is read; the newest search wins.
        worker = KeptWorker()
        self.reader = ListRefresher(self, self._read, self._show, title="Reading the worklist",
                                    worker=worker)
        self.destroyed.connect(lambda *_: worker.let_go(wait=False))  # its connection closes
        self.search.textChanged.connect(lambda _t: self.refresh_soon())
        self.search.returnPressed.connect(lambda: self.table.setFocus())
        for combo in (self.show_filter, self.stage, self.bucket):
            combo.currentIndexChanged.connect(lambda _i: self.refresh_soon())
        self.table.selectionModel().currentRowChanged.connect(lambda _c, _p: self._show_current())
        return page

    def _fill_stages(self) -> None:
        current = self.stage.currentData()
        self.stage.blockSignals(True)
        self.stage.clear()
        self.stage.addItem("Any stage", None)
        self.stage.addItem("No stage yet", 0)
        for stage in col.stages():
            self.stage.addItem(stage.name, stage.id)
        index = self.stage.findData(current)
        self.stage.setCurrentIndex(max(index, 0))
        self.stage.blockSignals(False)

    # --- behaviour --------------------------------------------------------------------------
    def showEvent(self, event) -> None:
        super().showEvent(event)
        if _REVIEWED.get(str(self.session.path)) != self.clock():
            self.review_today()

    def review_today(self) -> BackgroundJob | None:
        """The day's review (promises kept or broken, plan installments): a write over every open
        promise and plan, so it runs off the window's thread, on the first show of the day and
        on this key, never while searching."""
        if self.review_job is not None:
            return None
        today, user, key = self.clock(), self.session.user, str(self.session.path)
        asked = _REVIEWED.get(key) == today  # shown again the same day: the clerk pressed the key
        _REVIEWED[key] = today
        if asked:
            self.pane.say("Reviewing today's promises and payment plans…")

        def reviewed(counts: dict) -> None:
            self.refresh_soon()
            if asked or any(counts.values()):
                said = ", ".join(f"{n} {what}" for what, n in counts.items())
                self.pane.say(f"Today's review: {said}.")

        def failed(message: str) -> None:
            _REVIEWED.pop(key, None)
            self.pane.say(f"Today's review did not run: {message}")

        self.review_job = job = run_in_background(
            self, lambda progress: actions.review(today=today, by=user), title="Reviewing today…",
            quiet=True, on_done=reviewed, on_error=failed)
        job.ended.connect(lambda: setattr(self, "review_job", None))
        return job

    def refresh(self) -> None:
        """Show the list as it stands, read now (reads only): after an action, and in tests; a
        read that typing started is dropped."""
        self.reader.cancel()
        query = self._query()
        self._show(query, self._read(query))

    def refresh_soon(self) -> None:
        """The list read off the window's thread (a key, a filter, a sort; a switch to the tab);
        ``reader.settle()`` waits for it."""
        if not self.count_label.text():  # the first read of the tab: its list is empty until then
            self.count_label.setText("Reading the worklist…")
        self.reader.start(self._query())

    refresh_when_shown = refresh_soon  # the main window's tab switch

    def _query(self) -> tuple[col.WorkFilter, object]:
        self._fill_stages()
        self.spec.text, self.spec.show = self.search.text(), self.show_filter.currentData()
        self.spec.stage_id, self.spec.bucket = self.stage.currentData(), self.bucket.currentData()
        return col.WorkFilter(**vars(self.spec)), self.clock()

    def _read(self, query) -> tuple[list, int, int]:
        """The first page, its count and the follow-ups due (on either thread: nothing here
        touches the window; each reads its own connection's snapshot)."""
        spec, today = query
        return (col.worklist(spec, today=today, limit=self.model.page_size),
                col.worklist_count(spec, today=today),
                col.worklist_count(col.WorkFilter(show="follow_ups"), today=today))

    def _show(self, query, read: tuple[list, int, int]) -> None:
        spec, today = query
        first, total, follow_ups = read
        keep = self.current()

        def fetch(offset: int, limit: int) -> list:  # scrolling on: the window's own snapshot
            if offset == 0 and limit == self.model.page_size:
                return first
            return col.worklist(spec, today=today, offset=offset, limit=limit)

        self.model.set_source(fetch, lambda: total)
        self.count_label.setText(f"{total:,} account{'s' if total != 1 else ''} · "
                                 f"{follow_ups:,} follow-ups due")
        self._select(keep.account_id if keep else None)
        self.insurance.refresh()

    def _select(self, account_id) -> None:
        for row in range(self.model.rowCount()):
            if account_id is None or self.model.row_object(row).account_id == account_id:
                self.table.selectRow(row)
                break
        self._show_current()

    def _sort_by(self, section: int) -> None:
        key = COLUMNS[section].sort_key
        self.spec.descending = not self.spec.descending if self.spec.sort == key else False
        self.spec.sort = key
        order = Qt.SortOrder.DescendingOrder if self.spec.descending else Qt.SortOrder.AscendingOrder
        self.table.horizontalHeader().setSortIndicator(section, order)
        self.refresh_soon()

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def current(self):
        index = self.table.currentIndex()
        return self.model.row_object(index.row()) if index.isValid() else None

    def _show_current(self) -> None:
        row = self.current()
        self.pane.show_account(actions.account_file(row.account_id) if row else None, row, self.clock())

    def _need_row(self):
        row = self.current()
        if row is None:
            self.pane.say("Choose an account in the list first.")
        return row

    def run(self, work, done_text: str = "", asked: tuple[str, int, str] | None = None) -> bool:
        """Do one service call; show its error (the service refused) or what was done.
        ``asked``: (the question, the account, the answer typed into it), kept when refused."""
        try:
            work()
        except BillingError as exc:  # the list as the office has it now
            self.refresh()
            self.pane.say(self.kept.refused(asked[0], [asked[1]], asked[2], exc) if asked else str(exc))
            return False
        if asked:
            self.kept.went_in(asked[0], [asked[1]])
        self.refresh()
        if done_text:
            self.pane.say(done_text)
        return True

    def ask(self, title: str, label: str, text: str = "") -> str | None:
        return self.prompter.ask_text(title, label, text)

    def confirm(self, text: str, *, default_no: bool = False) -> bool:
        return self.prompter.confirm("Collections", text, default_no=default_no)

    def _print(self, pdf: bytes, name: str) -> None:
        send_pdf(self.prompter, pdf, name)

    # --- actions (each on a key) --------------------------------------------------------------
    def log_contact(self) -> None:
        row = self._need_row()
        if row:
            self._open(ContactDialog(row.account_id, self.session.user, self.clock(), self, self.prompter))

    def payment_plan(self) -> None:
        row = self._need_row()
        if row:
            dialog = PlanDialog(row.account_id, row.balance - row.credit, self.session.user, self.clock(),
                                self, self.prompter)
            dialog.saved.connect(lambda plan: self.printer(plan.agreement, "payment plan agreement")
                                 if plan.agreement else None)
            self._open(dialog)

    def stage_batch(self) -> None:
        dialog = BatchDialog(self.session.user, self.clock(), self, printer=self.printer)
        dialog.confirmed.connect(lambda result: self.pane.say(
            f"{len(result.sent)} letter(s) sent, {len(result.handed_off)} handed off"
            + (f", {len(result.needs_supervisor)} left for a supervisor (agency)"
               if result.needs_supervisor else "")))
        self._open(dialog)

    def edit_stages(self) -> None:
        self._open(StageLadderDialog(self.session.user, self, self.prompter))

    def _open(self, dialog) -> None:
        self.dialog = dialog
        if hasattr(dialog, "saved"):
            dialog.saved.connect(lambda *_: self.refresh())
        if hasattr(dialog, "confirmed"):
            dialog.confirmed.connect(lambda *_: self.refresh())
        dialog.open()
        dialog.activateWindow()

    def hold(self) -> None:
        row = self._need_row()
        if not row:
            return
        kinds = {"d": "dispute", "h": "hold", "i": "insurance", "": ""}
        answer = self.ask("Hold dunning",
                          "d = dispute, h = hold, i = waiting for insurance, blank = lift the hold:",
                          row.hold[:1])
        if answer is None or answer.strip().lower() not in kinds:
            return
        hold = kinds[answer.strip().lower()]
        reason = self.kept.ask(self.prompter, "Hold dunning", "Why?", [row.account_id],
                               row.hold_reason) if hold else ""
        if reason is not None:
            shown = actions.hold_version(row.hold, row.hold_reason)  # as the row showed it
            self.run(lambda: actions.set_hold(row.account_id, hold, reason, self.session.user,
                                              loaded_as=shown), f"Dunning {actions.HOLDS[hold]}.",
                     ("Hold dunning", row.account_id, reason))

    def take(self) -> None:
        row = self._need_row()
        if row:
            shown = actions.holder_version(row.held_by)  # as the row showed it
            self.run(lambda: actions.assign([row.account_id], self.session.user, self.session.user,
                                            loaded_as=shown), f"You hold account {row.number} now.")

    def open_case(self) -> None:
        from ...services.accounts import cases

        row = self._need_row()
        subject = self.ask("Open a case", "What is the query or issue?") if row else None
        if subject:
            self.run(lambda: cases.open_case(row.account_id, subject, self.session.user,
                                             from_collections=True),
                     "Case opened on the account.")

    def late_fees(self) -> None:
        from ...services.collections import collection_fees

        due = collection_fees.late_fees_due(today=self.clock())
        if not due:
            enabled = collection_fees.late_fee_terms()[0]
            self.pane.say("No late fees are due today." if enabled else
                          "Late fees are turned off in the settings.")
            return
        total = sum(fee for _a, fee in due)
        if self.confirm(f"Charge late fees to {len(due)} account(s), {total} in all?"):
            self.run(lambda: collection_fees.post_late_fees(self.session.user, today=self.clock()),
                     f"Late fees charged to {len(due)} account(s).")

    def reports(self) -> BackgroundJob:
        """Build the collections reports in the background, ask which, lay it out, print it."""
        from .collection_reports import all_reports

        today = self.clock()
        return run_in_background(self, lambda progress: all_reports(today),
                                 title="Building the collections reports…",
                                 on_done=self._print_a_report, on_error=self.pane.say)

    def _print_a_report(self, built: dict) -> None:
        from .collection_reports import pdf_bytes

        names = list(built)
        menu = "\n".join(f"{i}. {name} ({built[name].row_count()} rows)"
                         for i, name in enumerate(names, 1))
        answer = self.ask("Collections reports", f"{menu}\n\nWhich report (number)?", "1")
        if answer and answer.strip().isdigit() and 1 <= int(answer) <= len(names):
            report = built[names[int(answer) - 1]]
            run_in_background(self, lambda progress: pdf_bytes(report),
                              title=f"Laying out the {report.name}…", on_error=self.pane.say,
                              on_done=lambda pdf: self.printer(pdf, report.name))

    # --- the end of the road (collection_pane does the asking) ---------------------------------
    def hand_off(self) -> None:
        END_OF_ROAD["hand_off"](self)

    def write_off(self) -> None:
        END_OF_ROAD["write_off"](self)

    def recovery(self) -> None:
        END_OF_ROAD["recovery"](self)

    def agency_export(self) -> None:
        END_OF_ROAD["agency_export"](self)
