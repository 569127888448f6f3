"""The call with a payer, typed as it happens: on a claim, a coverage or the payer itself (who
called whom, the representative, the reference number, what was asked and answered, when to
follow up); and the coverage verification before a visit, the same form with "what the plan
covers". Keys only: Tab walks the boxes in the order of the call, Ctrl+S saves, Esc cancels.
The work is ``services.claims.payer_calls``."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
)

from ...choices import CALL_DIRECTIONS, CALL_TOPICS
from ...errors import BillingError
from ...services.claims import payer_calls
from ..form_fields import FormFields

ERROR_STYLE = "color: #b00020;"


class CallDialog(QDialog):
    """``on``: {"claim_id": n} | {"coverage_id": n} | {"payer_id": n}; ``verify`` for a coverage
    verification. After Ctrl+S, ``saved`` holds the call recorded. A date that does not exist is
    refused as soon as its box is left; every refusal is said under its box."""

    def __init__(self, session, on: dict, *, about: str = "", verify: bool = False, parent=None):
        super().__init__(parent)
        self.session, self.on, self.verify = session, on, verify
        self.saved: object = None  # the call recorded
        self.setWindowTitle(("Coverage verified" if verify else "Call with the payer")
                            + (f": {about}" if about else ""))
        self.message = QLabel(objectName="call_on_problem", wordWrap=True, styleSheet=ERROR_STYLE)
        self.form_fields = FormFields(self.message, "call")
        self._layout()
        QShortcut(QKeySequence.StandardKey.Save, self, self.save)
        self.called_on.setFocus()

    def _choice(self, form: QFormLayout, key: str, label: str, names: dict[str, str]) -> QComboBox:
        box = QComboBox()
        for value, name in names.items():
            box.addItem(name, value)
        self.form_fields.add(form, key, label, box)
        return box

    def _notes(self, form: QFormLayout, key: str, label: str) -> QPlainTextEdit:
        box = QPlainTextEdit(tabChangesFocus=True)
        box.setFixedHeight(60)
        self.form_fields.add(form, key, label, box)
        return box

    def _layout(self) -> None:
        form, fields = QFormLayout(), self.form_fields
        self.called_on = fields.text(form, "called_on", "Verified &on" if self.verify else "&Date",
                                     "MM/DD/YYYY (blank: today)", date=True, not_future=True)
        if not self.verify:
            self.direction = self._choice(form, "direction", "&Who called",
                                          {k: payer_calls.DIRECTION_NAMES[k] for k in CALL_DIRECTIONS})
        self.representative = fields.text(form, "representative", "Payer's &representative")
        self.reference = fields.text(form, "reference", "Re&ference number")
        if not self.verify:
            self.topic = self._choice(form, "topic", "&Asked about",
                                      {k: payer_calls.TOPIC_NAMES[k] for k in CALL_TOPICS})
            self.code = fields.text(form, "code", "Co&de asked about")
            self.question = self._notes(form, "question", "&Question")
        self.answer = self._notes(form, "answer", "What the plan &covers" if self.verify else "A&nswer")
        self.follow_up_on = fields.text(form, "follow_up_on", "&Follow up on", "MM/DD/YYYY", date=True)
        self.errors = fields.said
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def save(self) -> None:
        self.form_fields.clear()
        user = self.session.user
        try:
            if self.verify:
                self.saved = payer_calls.verify_coverage(
                    self.on["coverage_id"], user, representative=self.representative.text(),
                    reference=self.reference.text(), covers=self.answer.toPlainText(),
                    verified_on=self.called_on.text() or None,
                    follow_up_on=self.follow_up_on.text() or None)
            else:
                call = payer_calls.CallInput(
                    called_on=self.called_on.text() or None, direction=self.direction.currentData(),
                    representative=self.representative.text(), reference=self.reference.text(),
                    topic=self.topic.currentData(), code=self.code.text(),
                    question=self.question.toPlainText(), answer=self.answer.toPlainText(),
                    follow_up_on=self.follow_up_on.text() or None)
                self.saved = payer_calls.log_call(call, user, **self.on)
        except BillingError as exc:
            self.form_fields.refused(exc)
            return
        self.accept()
