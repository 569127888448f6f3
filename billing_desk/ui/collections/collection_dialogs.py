"""The collector's small forms: log a contact (with a promise), set up a payment plan, the stage
batch. Each is keyboard first: Tab moves like the paper form, Ctrl+S saves, Esc cancels (asking
first when something was typed). They open non-modally (``open()``), so tests drive them."""

from __future__ import annotations

import datetime as dt
from typing import cast

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from ...choices import CONTACT_KINDS
from ...errors import BillingError
from ...money import format_money
from ...services.collections import collection_actions as actions, dunning, worklist as col
from ..field_errors import FieldErrors, check_date_on_leave, with_error
from ..prompts import Prompter
from ..work import BackgroundJob, run_in_background


class _Form(QDialog):
    """Ctrl+S saves, Esc asks before throwing typed work away; errors shown in the dialog."""

    saved = Signal(object)

    def __init__(self, title: str, parent=None, prompter: Prompter | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.prompter = prompter or Prompter(self)
        self.form = QFormLayout()
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020")
        self.error.setWordWrap(True)
        self.errors = FieldErrors(self.error)  # each message under its box, in the label's words
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save)
        self.typed = False

    def edit(self, label: str, name: str, placeholder: str = "") -> QLineEdit:
        box = QLineEdit(placeholderText=placeholder, objectName=name)
        box.textEdited.connect(lambda _t: setattr(self, "typed", True))
        box.returnPressed.connect(self.focusNextChild)
        self.row(label, name, box)
        if placeholder.startswith("MM/DD/YYYY"):  # a date that does not exist: said on leaving
            check_date_on_leave(box, name, self.errors)
        return box

    def row(self, label: str, name: str, box) -> None:
        """``label`` (with its Alt letter) and ``box``, its red line right under it."""
        self.form.addRow(label, with_error(box, self.errors.under(name, box, label.replace("&", ""))))

    def keyPressEvent(self, event) -> None:
        if event.matches(QKeySequence.StandardKey.Save):  # when the window shortcut did not see it
            self.save()
            return
        super().keyPressEvent(event)

    def reject(self) -> None:
        if self.typed and not self.prompter.confirm(self.windowTitle(), "Discard what you typed?",
                                                    default_no=True):
            return
        super().reject()

    def save(self) -> None:
        try:
            result = self.store()
        except BillingError as exc:
            self.errors.say(exc)
            return
        self.saved.emit(result)
        self.accept()

    def store(self):  # pragma: no cover - each form says how it saves
        raise NotImplementedError


class ContactDialog(_Form):
    """A call, letter, email or visit with its outcome; a promise (amount, date) if one was made."""

    def __init__(self, account_id: int, user, today: dt.date, parent=None, prompter=None):
        super().__init__("Log contact", parent, prompter)
        self.account_id, self.user, self.today = account_id, user, today
        self.kind = QComboBox(objectName="kind")
        self.kind.addItems(CONTACT_KINDS)
        self.row("&Kind", "kind", self.kind)
        self.outcome = QComboBox(objectName="outcome", editable=True)
        self.outcome.addItems(actions.OUTCOMES)
        self.outcome.setCurrentText("")
        cast(QLineEdit, self.outcome.lineEdit()).textEdited.connect(lambda _t: setattr(self, "typed", True))
        self.row("&Outcome", "outcome", self.outcome)
        self.note = self.edit("&Note", "note")
        self.follow_up = self.edit("&Follow up on", "follow_up", "MM/DD/YYYY (blank: in "
                                   f"{col.follow_up_days()} days)")
        self.promise_amount = self.edit("Promise &amount", "promise_amount", "0.00")
        self.promise_date = self.edit("Promise &date", "promise_date", "MM/DD/YYYY")
        self.setMinimumWidth(420)

    def store(self):
        return actions.log_contact(self.account_id, self.kind.currentText(), self.outcome.currentText(),
                                   self.user, note=self.note.text(), follow_up=self.follow_up.text(),
                                   promise_amount=self.promise_amount.text() or None,
                                   promise_date=self.promise_date.text(), today=self.today)


class PlanDialog(_Form):
    def __init__(self, account_id: int, owed, user, today: dt.date, parent=None, prompter=None):
        super().__init__("Payment plan", parent, prompter)
        self.account_id, self.user, self.today = account_id, user, today
        self.total = self.edit("&Total", "total")
        self.total.setText(str(owed))
        self.installments = self.edit("&Installments", "installments")
        self.installments.setText("3")
        self.first_due = self.edit("&First due", "first_due", "MM/DD/YYYY")
        self.first_due.setText((today + dt.timedelta(days=14)).strftime("%m/%d/%Y"))
        self.every = self.edit("&Every (days)", "every_days")
        self.every.setText("30")

    def store(self):
        from ...printing import letters  # reportlab: read when the first letter is drawn

        return actions.create_plan(self.account_id, self.total.text(), self.installments.text(),
                                   self.first_due.text(), self.user, every_days=self.every.text(),
                                   today=self.today, render=letters.render)


class BatchDialog(QDialog):
    """The proposed stages, each ticked; Ctrl+Enter confirms the ticked ones and prints."""

    confirmed = Signal(object)

    def __init__(self, user, today: dt.date, parent=None, printer=None):
        super().__init__(parent)
        self.setWindowTitle("Stage batch: confirm and print letters")
        self.user, self.today, self.printer = user, today, printer
        self.job: BackgroundJob | None = None
        self.rows = dunning.proposals(today=today)
        self.table = QTableWidget(len(self.rows), 6, objectName="proposals")
        self.table.setHorizontalHeaderLabels(["Send", "Account", "Name", "Past due", "Days", "Next stage"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        for r, row in enumerate(self.rows):
            tick = QTableWidgetItem()
            tick.setCheckState(Qt.CheckState.Checked)
            self.table.setItem(r, 0, tick)
            for c, text in enumerate([row.number, row.name, format_money(row.past_due), str(row.days),
                                      row.proposed], start=1):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self.summary = QLabel(f"{len(self.rows)} account(s) are due for their next stage. Space "
                              "ticks or unticks; Ctrl+Enter sends the ticked ones.")
        self.summary.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        send = buttons.addButton("&Send and print", QDialogButtonBox.ButtonRole.AcceptRole)
        send.clicked.connect(self.confirm)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        QShortcut(QKeySequence("Ctrl+Return"), self, activated=self.confirm)
        self.table.installEventFilter(self)
        self.resize(720, 420)

    def keyPressEvent(self, event) -> None:
        ctrl = event.modifiers() & Qt.KeyboardModifier.ControlModifier
        if ctrl and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.confirm()
            return
        super().keyPressEvent(event)

    def eventFilter(self, watched, event) -> bool:
        if watched is self.table and event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Space:
            self.toggle()
            return True
        return super().eventFilter(watched, event)

    def toggle(self) -> None:
        item = self.table.item(self.table.currentRow(), 0)
        if item is not None:
            checked = item.checkState() == Qt.CheckState.Checked
            item.setCheckState(Qt.CheckState.Unchecked if checked else Qt.CheckState.Checked)

    def ticked(self) -> list[int]:
        return [row.account_id for r, row in enumerate(self.rows)
                if cast(QTableWidgetItem, self.table.item(r, 0)).checkState() == Qt.CheckState.Checked]

    def confirm(self) -> BackgroundJob | None:
        """Send the ticked letters off the window's thread; Cancel before the end sends none."""
        if self.job is not None:
            return None
        ticked, user, today = self.ticked(), self.user, self.today

        def send(progress):
            from ...printing import letters

            return dunning.confirm_stages(ticked, user, today=today, render=letters.render,
                                          progress=progress.steps)

        self.job = job = run_in_background(
            self, send, title="Sending the collection letters…", cancellable=True, on_done=self._sent,
            on_error=self.summary.setText,
            on_cancel=lambda: self.summary.setText("Cancelled: no letter was sent."))
        job.ended.connect(lambda: setattr(self, "job", None))
        return job

    def reject(self) -> None:  # the progress window takes Esc while sending; never close mid-batch
        if self.job is None:
            super().reject()

    def _sent(self, result) -> None:
        if result.pdf and self.printer:
            self.printer(result.pdf, f"collection letters {self.today:%Y-%m-%d}")
        self.confirmed.emit(result)
        self.accept()
