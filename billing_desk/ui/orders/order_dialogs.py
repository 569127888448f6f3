"""The order workspace's questions and dialogs: prompts a test can replace, the delivery dialog."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
)

from ...errors import BillingError
from ..field_errors import FieldErrors, check_date_on_leave, with_error


class DeliveryDialog(QDialog):
    """Record what was delivered or performed: a quantity per open line, the date, who did it."""

    def __init__(self, order, lines, default_by: str, submit, parent=None):
        super().__init__(parent)
        self.submit = submit  # called with values(); a BillingError keeps the dialog open
        self.setWindowTitle(f"Record delivery — order {order.number}")
        self.quantities: dict[int, QLineEdit] = {}
        self.by_position: dict[int, QLineEdit] = {}
        grid = QGridLayout()
        for col, title in enumerate(("Line", "Item", "Description", "Open", "Delivered now")):
            grid.addWidget(QLabel(f"<b>{title}</b>"), 0, col)
        row = 1
        for line in lines:
            if line.open_quantity <= 0:
                continue
            # Zero, never the open quantity: one Enter must not mark the whole order delivered.
            edit = QLineEdit("0")
            edit.setObjectName(f"qty-{line.position}")
            edit.setToolTip(f"{line.open_quantity} still open on this line")
            edit.setAlignment(Qt.AlignmentFlag.AlignRight)
            edit.setMaximumWidth(90)
            for col, text in enumerate((str(line.position), line.item.code, line.item.description,
                                        str(line.open_quantity))):
                grid.addWidget(QLabel(text), row, col)
            grid.addWidget(edit, row, 4)
            self.quantities[line.id] = edit
            self.by_position[line.position] = edit
            row += 1
        self.day = QLineEdit(dt.date.today().strftime("%m/%d/%Y"))
        self.day.setObjectName("delivered_on")
        self.performed_by = QLineEdit(default_by)
        self.performed_by.setObjectName("performed_by")
        self.note = QLineEdit()
        self.note.setObjectName("note")
        self.problems = QLabel()
        self.problems.setStyleSheet("color: #b00020")
        self.problems.setWordWrap(True)
        self.errors = FieldErrors(self.problems, {"delivered_on": "Date delivered",
                                                  "lines[]": "Line", "quantity": "delivered now"})
        self.lines_error = QLabel(objectName="lines_error", wordWrap=True)
        self.lines_error.hide()
        self.errors.route("lines[", self.lines_error, self._quantity_box)
        self.errors.route("quantity", self.lines_error, lambda _f: next(iter(self.quantities.values()), None))
        form = QFormLayout()
        form.addRow("&Date delivered or performed",
                    with_error(self.day, self.errors.under("delivered_on", self.day)))
        check_date_on_leave(self.day, "delivered_on", self.errors, not_future=True)
        form.addRow("&By whom", self.performed_by)
        form.addRow("&Note (carrier, tracking, who signed)", self.note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Type what was delivered now on each line (Enter moves down; Enter on "
                                "the note records it); the rest stays open as a back-order."))
        layout.addLayout(grid)
        layout.addWidget(self.lines_error)
        layout.addLayout(form)
        layout.addWidget(self.problems)
        layout.addWidget(buttons)
        # Enter moves down the quantities and the fields below them; Enter on the note records it.
        chain = [*self.quantities.values(), self.day, self.performed_by, self.note]
        for this, after in zip(chain, chain[1:]):
            this.returnPressed.connect(lambda after=after: (after.setFocus(), after.selectAll()))
        self.note.returnPressed.connect(self.accept)
        first = next(iter(self.quantities.values()), None)
        if first is not None:
            first.setFocus()
            first.selectAll()

    def keyPressEvent(self, event) -> None:
        """Enter belongs to the fields (each moves on); only Enter on the note records."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            return
        super().keyPressEvent(event)

    def accept(self) -> None:
        try:
            self.submit(self.values())
        except BillingError as exc:
            self.errors.say(exc)
            return
        super().accept()

    def _quantity_box(self, field: str) -> QLineEdit | None:
        """``lines[2].quantity``: the Delivered now box of line 2."""
        try:
            return self.by_position.get(int(field.split("[", 1)[1].split("]", 1)[0]))
        except (IndexError, ValueError):
            return None

    def values(self) -> dict:
        return {"quantities": {line_id: edit.text() for line_id, edit in self.quantities.items()},
                "on": self.day.text(), "performed_by": self.performed_by.text(),
                "note": self.note.text()}
