"""Words at the field: each problem the services name (``service_date``, ``lines[2].quantity``) is
said with the label the clerk sees, in red right under that box, and the box gets a red frame.

A screen makes one ``FieldErrors``, registers its boxes with ``under`` (or ``route`` for a group
such as the lines), and calls ``show(problems)``; what has no box goes to the screen's message line,
still in the clerk's words. ``check_date_on_leave`` refuses a date that does not exist as soon as
the cursor leaves the box, not only at save.
"""

from __future__ import annotations

import re
from typing import Callable, Iterable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QVBoxLayout, QWidget

from .. import field_names
from ..errors import BillingError, Problem, ValidationError
from ..services.office.validation import parse_date

ERROR_STYLE = "color: #b00020; font-size: 8pt"
FRAME = "border: 1px solid #b00020"
_INDEXED = re.compile(r"(\w+)\[(\d+)\](?:\.(\w+))?")


def words(field: str, captions: dict[str, str] | None = None) -> str:
    """The clerk's name for a field: the screen's ``captions`` first (its own labels), then the
    words every screen shares (billing_desk/field_names.py): ``lines[2].unit_price`` as
    "Line 2, price", ``promise_amount`` as "Promise amount"."""
    captions = captions or {}
    if field in captions:
        return captions[field]
    found = _INDEXED.fullmatch(field)
    if found and (f"{found.group(1)}[]" in captions or found.group(3) in captions):
        base, number, part = found.groups()
        head = captions.get(f"{base}[]") or field_names.ROWS.get(base) or field_names.words(base)
        tail = (captions.get(part) or field_names.lowered(field_names.words(part))) if part else ""
        return f"{head} {number}" + (f", {tail}" if tail else "")
    return field_names.words(field)


def said(problem: Problem, captions: dict[str, str] | None = None) -> str:
    where = f"row {problem.row}, " if problem.row is not None else ""
    if not problem.field:
        return where + problem.message
    return f"{where}{words(problem.field, captions)}: {problem.message}"


def error_text(exc: BillingError, captions: dict[str, str] | None = None) -> str:
    """An error as the clerk reads it: a ValidationError's fields in the screen's own words."""
    if isinstance(exc, ValidationError):
        return "; ".join(said(p, captions) for p in exc.problems)
    return str(exc)


def with_error(widget: QWidget, label: QLabel, *below: QWidget) -> QWidget:
    """The box with its red line right under it (and any ``below`` it), as one cell of a form
    layout."""
    cell = QWidget()
    column = QVBoxLayout(cell)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(1)
    for part in (widget, label, *below):
        column.addWidget(part)
    return cell


class FieldErrors:
    def __init__(self, fallback: QLabel, captions: dict[str, str] | None = None,
                 namer: Callable[[str], str | None] | None = None):
        self.fallback = fallback
        self.captions = dict(captions or {})
        self.namer = namer  # a screen's own names (the invoice's "Diagnosis B"), None: the usual
        self.boxes: dict[str, tuple[QWidget, QLabel]] = {}
        self.groups: list[tuple[str, QLabel, Callable[[str], QWidget | None]]] = []
        self._framed: list[QWidget] = []  # the boxes framed red now

    def under(self, key: str, widget: QWidget, caption: str | None = None) -> QLabel:
        """A hidden red label for ``widget``; the caller lays it out right under the box."""
        label = QLabel(objectName=f"{key}_error", wordWrap=True)
        label.setStyleSheet(ERROR_STYLE)
        label.hide()
        if caption:
            self.captions.setdefault(key, caption)
        self.boxes[key] = (widget, label)
        return label

    def route(self, prefix: str, label: QLabel, box_for: Callable[[str], QWidget | None]) -> None:
        """Problems whose field starts with ``prefix`` (``lines[``) are said in ``label``, and
        ``box_for(field)`` gives the box to frame and put the cursor in."""
        label.setStyleSheet(ERROR_STYLE)
        self.groups.append((prefix, label, box_for))

    def name(self, field: str) -> str:
        return (self.namer(field) if self.namer else None) or words(field, self.captions)

    def text(self, problem: Problem) -> str:
        where = f"row {problem.row}, " if problem.row is not None else ""
        return f"{where}{self.name(problem.field)}: {problem.message}" if problem.field else \
            where + problem.message

    def clear(self) -> None:
        self.show([])

    def show(self, problems: Iterable[Problem], *, focus: bool = True) -> QWidget | None:
        """Each problem under its box (or in the group's line, or the message line); the cursor
        goes to the first box with a problem, which is returned."""
        at: dict[QLabel, list[str]] = {}
        framed: list[QWidget] = []
        rest: list[str] = []
        for problem in problems:
            label, box = self._place(problem.field)
            if label is None:
                rest.append(self.text(problem))
                continue
            at.setdefault(label, []).append(self.text(problem) if label not in self._own_labels()
                                            or box is None else problem.message)
            if box is not None:
                framed.append(box)
        for widget in {*self._framed, *(w for w, _l in self.boxes.values())}:
            widget.setStyleSheet(FRAME if widget in framed else "")
        self._framed = framed
        labels = [label for _w, label in self.boxes.values()] + [g[1] for g in self.groups]
        for label in dict.fromkeys(labels):  # a group may share a box's label: said once
            _say(label, at.get(label, []))
        self.fallback.setText("; ".join(rest))
        first = framed[0] if framed else None
        if focus and first is not None and first.isVisibleTo(first.window()):
            first.setFocus(Qt.FocusReason.OtherFocusReason)
        return first

    def say(self, exc: BillingError) -> QWidget | None:
        """A refusal from a service, at its fields."""
        if isinstance(exc, ValidationError):
            return self.show(exc.problems)
        self.show([])
        self.fallback.setText(str(exc))
        return None

    def _own_labels(self) -> set[QLabel]:
        return {label for _w, label in self.boxes.values()}

    def _place(self, field: str) -> tuple[QLabel | None, QWidget | None]:
        if field in self.boxes:
            widget, label = self.boxes[field]
            return label, widget
        for prefix, label, box_for in self.groups:
            if field.startswith(prefix):
                return label, box_for(field)
        return None, None


def _say(label: QLabel, messages: list[str]) -> None:
    label.setText("; ".join(messages))
    label.setVisible(bool(messages))


def check_date_on_leave(edit: QLineEdit, key: str, errors: FieldErrors, *,
                        not_future: bool = False, today: Callable | None = None) -> None:
    """Leaving ``edit`` with a date that does not exist (or, with ``not_future``, one still to
    come) says so under it at once; a good date clears the words."""
    def check() -> None:
        widget, label = errors.boxes[key]
        _value, problem = parse_date(edit.text(), key, not_future=not_future,
                                     today=today() if today else None)
        widget.setStyleSheet(FRAME if problem else "")
        _say(label, [problem.message] if problem else [])

    edit.editingFinished.connect(check)
