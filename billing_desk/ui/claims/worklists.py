"""The Claims tab's two worklists, each in its own window: denials (by payer, reason code and
age, searched as typed; correct and resubmit, write off, move to the patient, appeal with a
printed letter, log a call) and the insurance follow-up list (claims with no answer after the
payer's days, oldest first, with the last call; log a call). Keys only; every action asks in
words through the Prompter and is a named service that writes the claim's event and the audit.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Callable

from PySide6.QtCore import QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
)

from ...errors import BillingError
from ...money import format_money
from ...services.accounts import denial_lists
from ...services.books import denial_actions, payers
from ...services.claims import claim_status, claims, denials, follow_up
from ..collections.collection_print import send_pdf
from ..office.signoff import Ask, run_with_signoff
from ..prompts import Prompter
from ..refusals import KeptAnswers
from ..table_model import Column, PagedTableModel, table_view
from .calls import CallDialog

DENIAL_COLUMNS = [
    Column("Claim", lambda r: r.control_number, width=75),
    Column("Payer", lambda r: r.payer, width=140),
    Column("Code", lambda r: r.codes, width=70),
    Column("Reason", lambda r: r.reason, width=230),
    Column("Denied", lambda r: r.denied_on, width=85),
    Column("Days", lambda r: r.age_days, width=45),
    Column("Patient", lambda r: r.patient, width=150),
    Column("Account", lambda r: r.account, width=70),
    Column("Billed", lambda r: r.total, width=85),
    Column("Insurance owes", lambda r: r.insurance_owes, width=100),
    Column("Appealed", lambda r: r.appealed_on, width=85),
    Column("Follow up", lambda r: r.follow_up_on, width=85),
]

FOLLOW_UP_COLUMNS = [
    Column("Claim", lambda r: r.control_number, width=75),
    Column("Status", lambda r: r.status, width=110),
    Column("Payer", lambda r: r.payer, width=140),
    Column("Payer phone", lambda r: r.payer_phone, width=110),
    Column("Patient", lambda r: r.patient, width=150),
    Column("Submitted", lambda r: r.submitted_on, width=85),
    Column("Days", lambda r: r.days_waiting, width=45),
    Column("Follow up", lambda r: r.due_on, width=85),
    Column("Last call", lambda r: r.last_call_on, width=85),
    Column("What was said", lambda r: r.last_call, width=240),
    Column("Billed", lambda r: r.total, width=85),
]


class Worklist(QDialog):
    """What the Claims tab's lists share: a table of rows, a message line, buttons with Alt keys."""

    worklist_actions: tuple[tuple[str, str], ...] = ()
    noun = "claim"  # what one row is, in the count and the messages

    def __init__(self, session, columns, load: Callable[[], list], *, prompter: Prompter | None = None,
                 parent=None):
        super().__init__(parent)
        self.session = session
        self._load = load  # the list's rows as its filters say now
        self.prompts = prompter or Prompter(self)
        self.kept = KeptAnswers()  # an answer whose action was refused, offered again on its claim
        self.rows: list = []
        self.model = PagedTableModel(columns, parent=self)
        self.table = table_view(self.model)
        self.count = QLabel()
        self.message = QLabel(wordWrap=True, objectName="worklist_message")
        self.filters = QHBoxLayout()
        self.resize(1250, 620)

    def _finish_layout(self) -> None:
        self.filters.addWidget(self.count)
        buttons = QGridLayout()
        for i, (text, name) in enumerate(self.worklist_actions):
            button = QPushButton(text, objectName=name)
            button.clicked.connect(lambda _c=False, n=name: getattr(self, n)())
            buttons.addWidget(button, 0, i)
        layout = QVBoxLayout(self)
        layout.addLayout(self.filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)

    def _combo_row(self, label: str, box) -> None:
        caption = QLabel(label)
        caption.setBuddy(box)
        self.filters.addWidget(caption)
        self.filters.addWidget(box)

    def show_rows(self, rows: list, keep: int | None = None) -> None:
        """``rows`` in the list, the row of claim ``keep`` current (else the first)."""
        self.rows = rows
        self.model.set_source(lambda offset, limit: rows[offset:offset + limit], lambda: len(rows))
        self.count.setText(f"{len(rows):,} {self.noun}s" if len(rows) != 1 else f"1 {self.noun}")
        if rows:
            where = (i for i, r in enumerate(rows) if keep is not None
                     and getattr(r, "claim_id", None) == keep)
            self.table.selectRow(next(where, 0))

    def current(self):
        index = self.table.currentIndex()
        row = self.model.row_object(index.row()) if index.isValid() else None
        if row is None:
            self.message.setText(f"Choose a {self.noun} first (arrow keys).")
        return row

    def _do(self, work, done: str, asked: tuple[str, int, str] | None = None) -> None:
        """Do ``work``; ``asked``: (the question, the claim, the answer typed into it)."""
        try:
            result = work()
        except BillingError as exc:
            self._refused(exc, asked)
            return
        if asked:
            self.kept.went_in(asked[0], [asked[1]])
        self.message.setText(done.format(result=format_money(result) if isinstance(result, Decimal)
                                         else result))
        self.refresh()

    def _refused(self, exc: BillingError, asked: tuple[str, int, str] | None) -> None:
        """The list as the office has it now, on the same claim; the answer typed kept."""
        index = self.table.currentIndex()
        row = self.model.row_object(index.row()) if index.isValid() else None
        self.refresh(keep=getattr(row, "claim_id", None))
        self.message.setText(self.kept.refused(asked[0], [asked[1]], asked[2], exc) if asked else str(exc))

    def refresh(self, keep: int | None = None) -> None:
        self.show_rows(self._load(), keep)

    def log_call(self) -> None:
        row = self.current()
        if row is None:
            return
        dialog = CallDialog(self.session, {"claim_id": row.claim_id},
                            about=f"claim {row.control_number} ({row.payer})", parent=self)
        if self.prompts.run(dialog):
            self.message.setText(f"Call on claim {row.control_number} recorded.")
            self.refresh()


class DenialsWindow(Worklist):
    worklist_actions = (("Correct and &resubmit…", "resubmit"), ("&Write off…", "write_off"),
               ("&Move to the patient…", "to_patient"), ("A&ppeal…", "appeal"),
               ("Log a &call…", "log_call"))

    def __init__(self, session, *, prompter: Prompter | None = None, ask: Ask | None = None,
                 parent=None):
        super().__init__(session, DENIAL_COLUMNS, self._denials, prompter=prompter, parent=parent)
        self.setWindowTitle("Denied claims")
        self.ask = ask  # the supervisor sign-off prompt (None: the sign-off dialog)
        self.search = QLineEdit(objectName="denials_search", clearButtonEnabled=True,
                                placeholderText="Search claim number, payer's claim number, invoice, "
                                                "patient, account, phone")
        self.payer = QComboBox(objectName="denials_payer")
        self.code = QLineEdit(objectName="denials_code", placeholderText="16, CO16 or PR")
        self.min_age = QLineEdit(objectName="denials_min_age", placeholderText="days")
        self.filters.addWidget(self.search, 1)
        self._combo_row("Pa&yer", self.payer)
        self._combo_row("Reason c&ode", self.code)
        self._combo_row("&Older than", self.min_age)
        self._finish_layout()
        self._debounce = QTimer(self, singleShot=True, interval=150)
        self._debounce.timeout.connect(self.refresh)
        for box in (self.search, self.code, self.min_age):
            box.textChanged.connect(lambda _t: self._debounce.start())
        self.payer.currentIndexChanged.connect(lambda _i: self.refresh())
        QShortcut(QKeySequence.StandardKey.Find, self, lambda: self.search.setFocus())
        self._fill_payers()
        self.refresh()
        self.search.setFocus()

    def _fill_payers(self) -> None:
        self.payer.blockSignals(True)
        self.payer.clear()
        self.payer.addItem("All payers", "")
        for name in denial_lists.payer_names():
            self.payer.addItem(name, name)
        self.payer.blockSignals(False)

    def _denials(self) -> list:
        age = self.min_age.text().strip()
        which = denial_lists.DenialFilter(text=self.search.text(), payer=self.payer.currentData() or "",
                                          code=self.code.text(), min_age=int(age) if age.isdigit() else None)
        return denial_lists.worklist(which)

    def resubmit(self) -> None:
        row = self.current()
        if row is None:
            return
        what = self.kept.ask(self.prompts, "Correct and resubmit", f"Claim {row.control_number} was "
                             f"denied: {row.reason}.\nWhat was corrected? A replacement claim "
                             "(frequency 7) takes its place.", [row.claim_id])
        if what and what.strip():
            user = self.session.user
            shown = row.version  # the claim as the worklist showed it
            self._do(lambda: claim_status.resubmit(row.claim_id, what, user, loaded_as=shown),
                     f"Claim {row.control_number} replaced by claim {{result.control_number}} "
                     "({result.status}).", ("Correct and resubmit", row.claim_id, what))

    def write_off(self) -> None:
        row = self.current()
        if row is None:
            return
        owed = format_money(row.insurance_owes)
        if not self.prompts.confirm("Write off", f"Write off the {owed} insurance still owes on claim "
                                    f"{row.control_number} and close it?", default_no=True):
            return
        reason = self.kept.ask(self.prompts, "Write off", "Why is it written off?", [row.claim_id])
        if not (reason and reason.strip()):
            return
        user = self.session.user
        self._do(lambda: run_with_signoff(self, "write_off", lambda approved_by: (
            denial_actions.write_off_denial(row.claim_id, reason, user, approved_by=approved_by)),
            ask=self.ask), f"Claim {row.control_number}: wrote off {{result}} and closed it.",
            ("Write off", row.claim_id, reason))

    def to_patient(self) -> None:
        """A PR denial moves on: to the patient's secondary insurer when there is one (the clerk
        chooses, the secondary first), else to the patient; asked first, No the default."""
        row = self.current()
        if row is None:
            return
        owed = format_money(row.insurance_owes)
        secondary = denial_actions.secondary_for(row.claim_id)
        to, target = "patient", row.patient
        if secondary is not None:
            options = [f"{secondary.name}: the secondary insurance (a secondary claim is made)",
                       f"{row.patient}: the patient"]
            picked = self.prompts.ask_choice(
                "Move to the patient", f"The denial says {row.codes}. {row.patient} has secondary "
                f"insurance with {secondary.name}. Who is billed the {owed} insurance still owes on "
                f"claim {row.control_number}?", options)
            if picked is None:
                return
            if picked == options[0]:
                to, target = "secondary", secondary.name
        if not self.prompts.confirm(
                "Move to the patient", f"The denial says {row.codes}. Move what insurance still owes "
                f"on claim {row.control_number} ({owed}) to {target} and close the claim?",
                default_no=True):
            return
        user = self.session.user
        self._do(lambda: denial_actions.move_denial_to_patient(row.claim_id, user, to=to),
                 f"Claim {row.control_number}: {{result}}.")

    def appeal(self) -> None:
        row = self.current()
        if row is None:
            return
        argument = self.kept.ask(self.prompts, "Appeal", f"Claim {row.control_number} was denied: "
                                 f"{row.reason}.\nWhy should the payer pay? (printed in the letter)",
                                 [row.claim_id])
        if not (argument and argument.strip()):
            return
        try:
            from ...printing import letters  # reportlab: read when the first letter is drawn

            letter = denials.appeal(row.claim_id, argument, self.session.user)
            pdf = letters.render([letter])
        except BillingError as exc:
            self._refused(exc, ("Appeal", row.claim_id, argument))
            return
        self.kept.went_in("Appeal", [row.claim_id])
        follow = claims.get_claim(row.claim_id).follow_up_on
        said = [f"Claim {row.control_number} appealed; follow up on {follow:%m/%d/%Y}."]
        path = self.prompts.choose_save_file("Save the appeal letter",
                                             f"appeal-{row.control_number}.pdf", "PDF (*.pdf)")
        if path:
            with open(path, "wb") as out:
                out.write(pdf)
            said.append(f"Letter saved to {path}.")
        if self.prompts.confirm("Appeal", "Print the appeal letter now?"):
            send_pdf(self.prompts, pdf, f"appeal {row.control_number}")
            said.append("Letter sent to the printer.")
        self.message.setText(" ".join(said))
        self.refresh()


class FollowUpWindow(Worklist):
    worklist_actions = (("Log a &call…", "log_call"),)

    def __init__(self, session, *, prompter: Prompter | None = None, parent=None):
        super().__init__(session, FOLLOW_UP_COLUMNS, self._waiting, prompter=prompter, parent=parent)
        self.setWindowTitle("Insurance follow-up")
        self.payer = QComboBox(objectName="follow_up_payer")
        self.payer.addItem("All payers", "")
        for payer in payers.search_payers("", include_inactive=True):
            self.payer.addItem(payer.name, payer.name)
        self.show_which = QComboBox(objectName="follow_up_show")
        self.show_which.addItem("Due for follow-up", "due")
        self.show_which.addItem("Every claim waiting", "all")
        self._combo_row("Pa&yer", self.payer)
        self._combo_row("&Show", self.show_which)
        self.filters.addStretch(1)
        self._finish_layout()
        self.payer.currentIndexChanged.connect(lambda _i: self.refresh())
        self.show_which.currentIndexChanged.connect(lambda _i: self.refresh())
        self.refresh()
        self.table.setFocus()

    def _waiting(self) -> list:
        return follow_up.follow_up_list(payer=self.payer.currentData() or "",
                                        show=self.show_which.currentData())
