"""A form's fields declared once: each box with the label the clerk reads (its Alt letter too),
the name and description a screen reader says, and the red line right under it where a refusal
of that field is said (ui/field_errors.py). The Payers, plan, Providers, Billing identity,
Catalogue, Settings, Users and Refund forms are built of it.

    fields = FormFields(message, "payer")
    fields.text(form, "name", "&Name", "as the card says it")
    fields.choice(form, "claim_mode", "&Claims by", CLAIM_MODES)
    ...
    fields.fill(values); fields.values(); fields.show(exc.problems)
"""

from __future__ import annotations

import re
from typing import Callable, Iterable, Mapping

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from ..errors import BillingError, Problem, ValidationError
from .field_errors import FieldErrors, check_date_on_leave

NOTE_STYLE = "color: #555"


def caption(label: str) -> str:
    """What a label says without its Alt letter: "Follow-up after (days) (&J)" is "Follow-up
    after (days)", "Payer &id" is "Payer id"."""
    text = re.sub(r"\s*\(&\w\)$", "", label)
    return re.sub(r"&(?!&)", "", text).replace("&&", "&").strip()


class FormFields:
    """The boxes of one form by field name (``boxes``), and the red line under each (``said``)."""

    def __init__(self, message: QLabel, prefix: str, *, captions: dict[str, str] | None = None,
                 namer: Callable[[str], str | None] | None = None):
        self.message = message
        self.prefix = prefix
        self.errors = FieldErrors(message, captions, namer)
        self.boxes: dict[str, QWidget] = {}
        self.said: dict[str, QLabel] = {}

    # --- building -------------------------------------------------------------------------------
    def add(self, form: QFormLayout, key: str, label: str, box: QWidget, hint: str = "", *,
            note: str = "", shown: QWidget | None = None) -> QWidget:
        """``box`` as the form's row ``label``, its red line under it (and a grey ``note`` above
        that); ``shown`` is what the row holds when it is more than the box (a box and its
        Choose… button)."""
        if not box.objectName():
            box.setObjectName(f"{self.prefix}_{key}")
        name = caption(label)
        box.setAccessibleName(name)
        if hint:
            if isinstance(box, QLineEdit):
                box.setPlaceholderText(hint)
            else:
                box.setToolTip(hint)
            box.setAccessibleDescription(hint)
        elif note:
            box.setAccessibleDescription(note)
        red = self.errors.under(key, box, name)
        red.setObjectName(f"{self.prefix}_{key}_problem")
        cell = QWidget()
        column = QVBoxLayout(cell)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(1)
        column.addWidget(shown or box)
        if note:
            column.addWidget(QLabel(note, wordWrap=True, styleSheet=NOTE_STYLE))
        column.addWidget(red)
        cell.setFocusProxy(box)
        form.addRow(label, cell)
        buddy = form.labelForField(cell)
        if isinstance(buddy, QLabel):
            buddy.setBuddy(box)
        self.boxes[key] = box
        self.said[key] = red
        return box

    def text(self, form: QFormLayout, key: str, label: str, hint: str = "", *,
             enter_moves_on: bool = False, date: bool = False, not_future: bool = False,
             secret: bool = False) -> QLineEdit:
        """A text box; ``date``: one that refuses a date that does not exist when it is left."""
        box = QLineEdit()
        if secret:
            box.setEchoMode(QLineEdit.EchoMode.Password)
        self.add(form, key, label, box, hint)
        if enter_moves_on:
            box.returnPressed.connect(lambda: box.window().focusNextChild())
        if date:
            check_date_on_leave(box, key, self.errors, not_future=not_future)
        return box

    def choice(self, form: QFormLayout, key: str, label: str, items: Iterable[str],
               hint: str = "") -> QComboBox:
        box = QComboBox()
        box.addItems(list(items))
        self.add(form, key, label, box, hint)
        return box

    def in_tab_order(self, *before: QWidget, after: Iterable[QWidget] = ()) -> None:
        """Tab goes through ``before``, then every box in the order declared, then ``after``."""
        chain = [*before, *self.boxes.values(), *after]
        for first, second in zip(chain, chain[1:]):
            QWidget.setTabOrder(first, second)

    # --- values ---------------------------------------------------------------------------------
    def values(self) -> dict[str, str]:
        """What each box holds as typed (a choice's text, a tick as "yes"/"no")."""
        return {key: _value(box) for key, box in self.boxes.items()}

    def fill(self, values: Mapping[str, object]) -> None:
        """Each box from ``values`` (text), its red line cleared."""
        for key, value in values.items():
            if key in self.boxes:
                _set(self.boxes[key], value)
        self.errors.clear()

    def set_editable(self, editable: bool) -> None:
        for box in self.boxes.values():
            if isinstance(box, QLineEdit):
                box.setReadOnly(not editable)
            else:
                box.setEnabled(editable)

    # --- refusals -------------------------------------------------------------------------------
    def show(self, problems: Iterable[Problem], *, focus: bool = True) -> QWidget | None:
        """Each problem under its box; the cursor in the first box of the form with one."""
        order = list(self.boxes)
        return self.errors.show(sorted(problems, key=lambda p: order.index(p.field) if p.field in order
                                       else len(order)), focus=focus)

    def clear(self) -> None:
        self.errors.clear()

    def refused(self, exc: BillingError) -> None:
        """A refusal said at its boxes, the cursor in the first; the message line counts them
        ("Not saved: 2 boxes to fix (marked in red)") and says what belongs to no box."""
        if not isinstance(exc, ValidationError):
            self.errors.say(exc)
            return
        self.show(exc.problems)
        at_boxes = {p.field for p in exc.problems if p.field in self.boxes}
        rest = self.message.text()
        count = len(at_boxes)
        head = (f"Not saved: {count} box{'es' if count != 1 else ''} to fix (marked in red)"
                if count else "Not saved")
        self.message.setText(f"{head}: {rest}" if rest else head)


def beside_list(panel: QWidget, form: QFormLayout, message: QLabel, *, weights: tuple[int, int] = (3, 2),
                more: Iterable[tuple[QWidget, int]] = (), stretch: bool = True) -> QHBoxLayout:
    """A maintenance screen's shape: the searchable list on the left, the chosen one's form beside
    it with its message line under it (``stretch``: the space left goes below them), then ``more``
    (widget, weight) columns."""
    editor = QWidget()
    side = QVBoxLayout(editor)
    side.addLayout(form)
    side.addWidget(message)
    if stretch:
        side.addStretch(1)
    top = QHBoxLayout()
    top.addWidget(panel, weights[0])
    top.addWidget(editor, weights[1])
    for widget, weight in more:
        top.addWidget(widget, weight)
    return top


def _value(box: QWidget) -> str:
    if isinstance(box, QComboBox):  # a choice whose items carry keys gives the key
        data = box.currentData()
        return data if isinstance(data, str) else box.currentText()
    if isinstance(box, QCheckBox):
        return "yes" if box.isChecked() else "no"
    if isinstance(box, QPlainTextEdit):
        return box.toPlainText()
    if isinstance(box, QLineEdit):
        return box.text()
    raise TypeError(f"no value for {type(box).__name__}")


def _set(box: QWidget, value: object) -> None:
    if isinstance(box, QComboBox):
        found = box.findData(value)
        if found >= 0:
            box.setCurrentIndex(found)
        else:
            box.setCurrentText(str(value or ""))
    elif isinstance(box, QCheckBox):
        box.setChecked(bool(value) and value != "no")
    elif isinstance(box, QPlainTextEdit):
        box.setPlainText(str(value or ""))
    elif isinstance(box, QLineEdit):
        box.setText("" if value is None else str(value))
