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
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
)

from ...choices import CALL_DIRECTIONS, CALL_TOPICS
from ...errors import BillingError, ValidationError
from ...services.claims import payer_calls

ERROR_STYLE = "color: #b00020;"


class CallDialog(QDialog):
    """``on``: {"claim_id": n} | {"coverage_id": n} | {"payer_id": n}; ``verify`` for a coverage
    verification. After Ctrl+S, ``saved`` holds the call recorded."""

    def __init__(self, session, on: dict, *, about: str = "", verify: bool = False, parent=None):
        super().__init__(parent)
        self.session, self.on, self.verify = session, on, verify
        self.saved: object = None  # the call recorded
        self.setWindowTitle(("Coverage verified" if verify else "Call with the payer")
                            + (f": {about}" if about else ""))
        self.called_on = QLineEdit(objectName="call_called_on", placeholderText="MM/DD/YYYY (blank: today)")
        self.direction = QComboBox(objectName="call_direction")
        for key in CALL_DIRECTIONS:
            self.direction.addItem(payer_calls.DIRECTION_NAMES[key], key)
        self.representative = QLineEdit(objectName="call_representative")
        self.reference = QLineEdit(objectName="call_reference")
        self.topic = QComboBox(objectName="call_topic")
        for key in CALL_TOPICS:
            self.topic.addItem(payer_calls.TOPIC_NAMES[key], key)
        self.code = QLineEdit(objectName="call_code")
        self.question = QPlainTextEdit(objectName="call_question", tabChangesFocus=True)
        self.answer = QPlainTextEdit(objectName="call_answer", tabChangesFocus=True)
        self.follow_up_on = QLineEdit(objectName="call_follow_up_on", placeholderText="MM/DD/YYYY")
        for box in (self.question, self.answer):
            box.setFixedHeight(60)
        self.errors = {name: QLabel(objectName=f"call_{name}_problem", wordWrap=True,
                                    styleSheet=ERROR_STYLE) for name in
                       ("called_on", "direction", "topic", "question", "answer", "follow_up_on",
                        "representative", "reference", "code", "on")}
        self._layout()
        QShortcut(QKeySequence.StandardKey.Save, self, self.save)
        self.called_on.setFocus()

    def _rows(self):
        if self.verify:
            return (("Verified &on", self.called_on, "called_on"),
                    ("Payer's &representative", self.representative, "representative"),
                    ("Re&ference number", self.reference, "reference"),
                    ("What the plan &covers", self.answer, "answer"),
                    ("&Follow up on", self.follow_up_on, "follow_up_on"))
        return (("&Date", self.called_on, "called_on"), ("&Who called", self.direction, "direction"),
                ("Payer's &representative", self.representative, "representative"),
                ("Re&ference number", self.reference, "reference"),
                ("&Asked about", self.topic, "topic"), ("Co&de asked about", self.code, "code"),
                ("&Question", self.question, "question"), ("A&nswer", self.answer, "answer"),
                ("&Follow up on", self.follow_up_on, "follow_up_on"))

    def _layout(self) -> None:
        form = QFormLayout()
        for label, widget, name in self._rows():
            form.addRow(label, widget)
            form.addRow("", self.errors[name])
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.errors["on"])
        layout.addWidget(buttons)

    def save(self) -> None:
        for label in self.errors.values():
            label.clear()
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
        except ValidationError as exc:
            for problem in exc.problems:
                self.errors.get(problem.field, self.errors["on"]).setText(problem.message)
            return
        except BillingError as exc:
            self.errors["on"].setText(str(exc))
            return
        self.accept()
