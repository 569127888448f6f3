"""Claims tab: every insurance claim by status, payer, age and amount, searched as you type; the
selected claim's lines, its history and what holds it; the clerk's actions on the chosen claims
(hold, release, resubmit, void, close, mark accepted), each asked in words first; and sending
them (sending.py: the 837P file, the CMS-1500 on paper, a PDF copy, the alignment test).

The list is ``services.accounts.claim_lists``; every action is a named service in
``services.claims.claim_status`` that writes the claim's event and an audit entry.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...choices import CLAIM_STATUSES
from ...errors import BillingError, ValidationError
from ...money import format_money
from ...services.accounts import claim_lists
from ...services.books import payers
from ...services.claims import claim_status, claims, scrubber
from ..keys import widget_key
from ..list_refresh import ListRefresher
from ..prompts import Prompter
from ..refusals import KeptAnswers
from ..table_model import Column, PagedTableModel, table_view
from . import sending

KINDS = {"1": "original", "7": "replacement", "8": "void"}

COLUMNS = [
    Column("Claim", lambda r: r.control_number, width=80),
    Column("Status", lambda r: r.status, width=90),
    Column("Payer", lambda r: r.payer, width=150),
    Column("Patient", lambda r: r.patient, width=170),
    Column("Account", lambda r: r.account, width=70),
    Column("Invoice", lambda r: r.invoice, width=65),
    Column("Made", lambda r: r.made, width=85),
    Column("Age", lambda r: r.age_days, width=45),
    Column("Amount", lambda r: r.total, width=90),
    Column("Rank", lambda r: r.rank, width=75),
    Column("Kind", lambda r: KINDS.get(r.frequency, r.frequency), width=85),
    Column("Held because", lambda r: r.hold_reason, width=220),
]

LINE_COLUMNS = [
    Column("Code", lambda l: l.line.code, width=70),
    Column("Description", lambda l: l.line.description, width=200),
    Column("Service date", lambda l: l.line.service_date, width=90),
    Column("Units", lambda l: l.units, width=45),
    Column("Charge", lambda l: l.charge, width=85),
    Column("Other payer paid", lambda l: l.other_paid, width=110),
    Column("Its adjustments", lambda l: l.other_adjustments.replace("\n", "; "), width=160),
]

HISTORY_COLUMNS = [
    Column("When", lambda e: e.at, width=125),
    Column("Status", lambda e: claim_status.NAMES.get(e.status, e.status), width=90),
    Column("By", lambda e: e.by.full_name, width=130),
    Column("Note", lambda e: e.note, width=300),
]

ACTIONS = (  # text, method, shortcut
    ("Hol&d…", "hold", "Ctrl+H"),
    ("Relea&se", "release", "Ctrl+R"),
    ("Resu&bmit (replace)…", "resubmit", ""),
    ("&Void…", "void", ""),
    ("Mark acce&pted…", "mark_accepted", ""),
    ("Close clai&m…", "close_claims", ""),
)
SENDING = (  # text, function in sending.py, shortcut
    ("Send electro&nic (837P)…", "send_electronic", "Ctrl+Shift+E"),
    ("Print on paper forms…", "print_paper", "Ctrl+P"),
    ("Save forms as PDF…", "save_copies", "Ctrl+Shift+P"),
    ("Ali&gnment test…", "alignment_test", ""),
)
FOLLOW_UP = (  # text, method, shortcut
    ("Log a payer call…", "log_call", "Ctrl+K"),
    ("Denied claims…", "open_denials", "Ctrl+Shift+D"),
    ("Follow-up list…", "open_follow_up", "Ctrl+Shift+F"),
)
MONEY = (  # text, method, shortcut: insurers' money off the claims
    ("Unmatched payments…", "open_unmatched", "Ctrl+Shift+U"),
    ("Unapplied insurance money…", "open_unapplied", "Ctrl+Shift+M"),
    ("Reason codes… (Ctrl+Shift+K)", "open_codes", ""),  # the key is the window's (Tools menu)
)


def _table(model) -> QTableView:
    view = table_view(model)
    view.setWordWrap(False)  # one line a claim; the detail below says the rest
    return view


def shown(row) -> str:
    """The version of a claim as the list row showed it: an action on a claim changed since (at
    another workstation) is refused (services.office.stale)."""
    return row.version


class ClaimsTab(QWidget):
    title = "C&laims"

    def __init__(self, session, parent=None, *, prompter: Prompter | None = None):
        super().__init__(parent)
        self.session = session
        self.prompts = prompter or Prompter(self)
        self.kept = KeptAnswers()  # a reason whose action was refused, offered again on its claims
        self.search = QLineEdit(placeholderText="Search claim number, payer's claim number, invoice "
                                                "number, patient name, account, phone",
                                clearButtonEnabled=True, objectName="claims_search")
        self.status = QComboBox(objectName="claims_status")
        self.status.addItem("Open claims", "open")
        self.status.addItem("All claims", None)
        for status in CLAIM_STATUSES:
            self.status.addItem(claim_status.NAMES[status].capitalize(), status)
        self.payer = QComboBox(objectName="claims_payer")
        self.count = QLabel()
        self.model = PagedTableModel(COLUMNS, page_size=100, parent=self)  # more as it scrolls
        self.table = _table(self.model)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.detail = QLabel(wordWrap=True, objectName="claim_detail")
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.lines_model = PagedTableModel(LINE_COLUMNS, parent=self)
        self.history_model = PagedTableModel(HISTORY_COLUMNS, parent=self)
        self.lines = _table(self.lines_model)
        self.history = _table(self.history_model)
        self.message = QLabel(wordWrap=True, objectName="claims_message")
        self._layout()
        # Each key searches at once, off the window's thread (a one-letter search counts thousands
        # of claims): the window keeps answering keys while the list is read (ui/list_refresh).
        self.reader = ListRefresher(self, self._read, self._show, title="Searching the claims")
        self.search.textChanged.connect(lambda _t: self.refresh_soon())
        self.search.returnPressed.connect(self.table.setFocus)
        self.status.currentIndexChanged.connect(lambda _i: self.refresh())
        self.payer.currentIndexChanged.connect(lambda _i: self.refresh())
        self.table.selectionModel().currentRowChanged.connect(lambda *_a: self.show_detail())
        for _text, name, shortcut in ACTIONS + SENDING + FOLLOW_UP + MONEY:
            if shortcut:
                widget_key(self, shortcut, self._action(name))  # also from the tab bar (keys.tab_key)

    def _action(self, name: str):
        """A button's work: the tab's own method, or a way of sending claims (sending.py)."""
        if hasattr(self, name):
            return getattr(self, name)
        return lambda: getattr(sending, name)(self)

    def _layout(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        for label, box in (("Stat&us", self.status), ("Pa&yer", self.payer)):
            caption = QLabel(label)
            caption.setBuddy(box)
            top.addWidget(caption)
            top.addWidget(box)
        top.addWidget(self.count)
        below = QSplitter(Qt.Orientation.Horizontal)
        below.addWidget(self._titled("Lines on the claim", self.lines))
        below.addWidget(self._titled("History", self.history))
        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        detail_layout.addWidget(self.detail)
        detail_layout.addWidget(below, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(detail)
        split.setSizes([330, 250])
        buttons = QGridLayout()
        for row, actions in enumerate((ACTIONS, SENDING, FOLLOW_UP, MONEY)):
            for i, (text, name, shortcut) in enumerate(actions):
                button = QPushButton(f"{text} ({shortcut})" if shortcut else text, objectName=name)
                button.clicked.connect(lambda _c=False, n=name: self._action(n)())
                buttons.addWidget(button, row, i)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)

    @staticmethod
    def _titled(title: str, view: QTableView) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel(f"<b>{title}</b>"))
        layout.addWidget(view, 1)
        return box

    # --- the list -------------------------------------------------------------------------------
    def refresh(self) -> None:
        """The list read now (a button's work, a tab switch, a test): a read typing started is
        dropped."""
        self.reader.cancel()
        query = self._query()
        self._show(query, self._read(query))

    def refresh_soon(self) -> None:
        """The list read off the window's thread (each key typed); ``reader.settle()`` waits."""
        self.reader.start(self._query())

    def _query(self):
        self._fill_payers()
        status = self.status.currentData()
        return claim_lists.claims_query(self.search.text(), status, payer=self.payer.currentData() or "")

    def _read(self, query) -> tuple[list, int]:
        """The first page and the count (on either thread: nothing here touches the window)."""
        return claim_lists.rows(query, limit=self.model.page_size), claim_lists.count(query)

    def _show(self, query, read: tuple[list, int]) -> None:
        first, counted = read

        def fetch(offset: int, limit: int) -> list:
            if offset == 0 and limit == self.model.page_size:
                return first
            return claim_lists.rows(query, offset=offset, limit=limit)

        self.model.set_source(fetch, lambda: counted)
        total = self.model.total
        self.count.setText(f"{total:,} claims" if total != 1 else "1 claim")
        if total:
            self.table.selectRow(0)
        self.show_detail()

    def _fill_payers(self) -> None:
        names = [p.name for p in payers.search_payers("", include_inactive=True)]
        if [self.payer.itemData(i) for i in range(1, self.payer.count())] == names:
            return
        current = self.payer.currentData()
        self.payer.blockSignals(True)
        self.payer.clear()
        self.payer.addItem("All payers", None)
        for name in names:
            self.payer.addItem(name, name)
        self.payer.setCurrentIndex(max(self.payer.findData(current), 0))
        self.payer.blockSignals(False)

    def show_invoice(self, number: int) -> None:
        """Every claim of one invoice (open or finished), the newest chosen: its history below."""
        self.status.setCurrentIndex(self.status.findData(None))
        self.payer.setCurrentIndex(0)
        self.search.setText(str(number))
        self.refresh()
        self.table.setFocus()

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def chosen(self) -> list[claim_lists.ClaimRow]:
        """The claims the clerk selected (the current one when none is)."""
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        if not rows and self.table.currentIndex().isValid():
            rows = [self.table.currentIndex().row()]
        return [r for r in (self.model.row_object(row) for row in rows) if r is not None]

    def show_detail(self) -> None:
        picked = self.chosen()
        if len(picked) != 1:
            self.detail.setText(f"{len(picked)} claims chosen." if picked else "No claim chosen.")
            self.lines_model.set_source(lambda o, n: [], lambda: 0)
            self.history_model.set_source(lambda o, n: [], lambda: 0)
            return
        row = picked[0]
        claim = claims.get_claim(row.claim_id)
        lines = claims.claim_lines(claim)
        events = claims.history(row.claim_id)
        self.lines_model.set_source(lambda o, n: lines[o:o + n], lambda: len(lines))
        self.history_model.set_source(lambda o, n: events[o:o + n], lambda: len(events))
        facts = [f"<b>Claim {row.control_number}</b> · {row.status} · {row.rank} to {row.payer} · "
                 f"{KINDS.get(row.frequency, row.frequency)} · {format_money(row.total)}",
                 f"Invoice {row.invoice or '(draft)'} for {row.patient} (account {row.account}), "
                 f"made {row.made:%m/%d/%Y}, {row.age_days} days ago"]
        if claim.payer_claim_number:
            facts.append(f"The payer's claim number: {claim.payer_claim_number}")
        if claim.replaces is not None:
            facts.append(f"Replaces claim {claim.replaces.control_number}")
        if row.status in ("ready", "held"):
            problems = scrubber.scrub(claim)
            facts.append("Ready to send: the scrubber finds nothing to fix." if not problems else
                         "To fix before it may go: " + "; ".join(scrubber.in_words(p) for p in problems))
        self.detail.setText("<br>".join(facts))

    # --- actions --------------------------------------------------------------------------------
    def _each(self, verb: str, work, asked: tuple[str, str] | None = None) -> None:
        """Run ``work(row)`` for every chosen claim; say what happened, refusals by claim.
        ``asked``: (the question, the answer typed), kept for the claims that refused it."""
        picked = self.chosen()
        if not picked:
            self.message.setText("Choose a claim first (arrow keys, Shift or Ctrl for several).")
            return
        done, refused, kept = [], [], []
        for row in picked:
            try:
                work(row)
                done.append(row.control_number)
                continue
            except ValidationError as exc:  # the scrubber's findings, in the clerk's words
                refused.append(f"Claim {row.control_number} stays as it was: "
                               + "; ".join(scrubber.in_words(p) for p in exc.problems) + ".")
            except BillingError as exc:
                refused.append(str(exc))
            kept.append(row.claim_id)
        said = [f"{verb}: {', '.join(done)}."] if done else []
        if asked:
            self.kept.went_in(asked[0], [row.claim_id for row in picked])
            said_kept = self.kept.keep(asked[0], kept, asked[1]) if kept else ""
            refused += [said_kept] if said_kept else []
        self.message.setText(" ".join(said + refused))
        self.refresh()

    def _reason(self, title: str, question: str) -> str | None:
        claims_chosen = [row.claim_id for row in self.chosen()]
        text = self.kept.ask(self.prompts, title, question, claims_chosen)
        return text.strip() if text and text.strip() else None

    def hold(self) -> None:
        reason = self._reason("Hold claims", "Why are the chosen claims held? (e.g. waiting for "
                                             "the prior authorization number)")
        if reason:
            user = self.session.user
            self._each("Held", lambda row: claim_status.hold(row.claim_id, reason, user,
                                                                   loaded_as=shown(row)),
                       ("Hold claims", reason))

    def release(self) -> None:
        user = self.session.user
        self._each("Released (scrubbed again)", lambda row: claim_status.release(
            row.claim_id, user, loaded_as=shown(row)))

    def resubmit(self) -> None:
        reason = self._reason("Resubmit claims", "What was corrected? A replacement claim (frequency "
                                                 "7) takes each chosen claim's place.")
        if reason:
            user = self.session.user
            self._each("Replaced", lambda row: claim_status.resubmit(row.claim_id, reason, user,
                                                                           loaded_as=shown(row)),
                       ("Resubmit claims", reason))

    def void(self) -> None:
        picked = self.chosen()
        if not picked or not self.prompts.confirm(
                "Void claims", f"Void {len(picked)} claim(s)? One that went out gets a void claim "
                "(frequency 8) to send the payer.", default_no=True):
            return
        reason = self._reason("Void claims", "Why are they voided?")
        if reason:
            user = self.session.user
            self._each("Voided", lambda row: claim_status.void(row.claim_id, reason, user,
                                                                    loaded_as=shown(row)),
                       ("Void claims", reason))

    def mark_accepted(self) -> None:
        number = self.kept.ask(self.prompts, "Mark accepted", "The payer's claim number, if it gave "
                               "one (blank: none yet):", [row.claim_id for row in self.chosen()])
        if number is not None:
            user = self.session.user
            self._each("Marked accepted", lambda row: claim_status.mark_accepted(
                row.claim_id, user, payer_claim_number=number, loaded_as=shown(row)),
                ("Mark accepted", number))

    def close_claims(self) -> None:
        note = self._reason("Close claims", "Why is nothing more expected of the chosen claims?")
        if note:
            user = self.session.user
            self._each("Closed", lambda row: claim_status.close(row.claim_id, user, note,
                                                                     loaded_as=shown(row)),
                       ("Close claims", note))

    # --- follow-up (issue 17): calls on the chosen claim, the denial and follow-up worklists ------
    def log_call(self) -> None:
        from .calls import CallDialog

        picked = self.chosen()
        if len(picked) != 1:
            self.message.setText("Choose one claim to log a call on.")
            return
        row = picked[0]
        dialog = CallDialog(self.session, {"claim_id": row.claim_id},
                            about=f"claim {row.control_number} ({row.payer})", parent=self)
        if self.prompts.run(dialog):
            self.message.setText(f"Call on claim {row.control_number} recorded.")

    def open_denials(self):
        from .worklists import DenialsWindow

        window = DenialsWindow(self.session, prompter=self.prompts, parent=self)
        window.finished.connect(lambda _r: self.refresh())
        window.show()
        return window

    def open_follow_up(self):
        from .worklists import FollowUpWindow

        window = FollowUpWindow(self.session, prompter=self.prompts, parent=self)
        window.show()
        return window

    # --- insurers' money off the claims: unmatched payments, unapplied money, the reason codes --
    def open_unmatched(self):
        from .money_lists import UnmatchedWindow

        window = UnmatchedWindow(self.session, prompter=self.prompts, parent=self)
        window.finished.connect(lambda _r: self.refresh())
        window.show()
        return window

    def open_unapplied(self):
        from .money_lists import UnappliedWindow

        window = UnappliedWindow(self.session, prompter=self.prompts, parent=self)
        window.finished.connect(lambda _r: self.refresh())
        window.show()
        return window

    def open_codes(self):
        from .remit_codes_dialog import open_codes

        return open_codes(self, self.session, self.prompts)
