"""The order form's lines: code (with a completer), quantity, unit price, reason, as a grid of boxes.

A blank row always waits at the end; typing a code in it opens the next. Blank rows are ignored.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from PySide6.QtCore import QStringListModel, Qt, QTimer, Signal
from PySide6.QtWidgets import QCompleter, QGridLayout, QLabel, QLineEdit, QWidget

from ...errors import ValidationError
from ...money import format_money, parse_money, round_money
from ...services.orders.order_forms import OrderLineInput
from ..keys import choose_and_move_on

SEP = " — "
HEADERS = ("#", "Item code", "Description", "Qty", "Unit price", "Why the price differs", "Amount")


@dataclass
class _Row:
    number: QLabel
    code: QLineEdit
    description: QLabel
    quantity: QLineEdit
    price: QLineEdit
    reason: QLineEdit
    amount: QLabel

    def edits(self) -> list[QLineEdit]:
        return [self.code, self.quantity, self.price, self.reason]

    def blank(self) -> bool:
        return not any(e.text().strip() for e in self.edits())


def code_of(text: str) -> str:
    return text.split(SEP, 1)[0].strip().upper()


class LinesGrid(QWidget):
    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.catalogue: dict[str, tuple[str, Decimal]] = {}
        self.rows: list[_Row] = []
        self.entered: list[_Row] = []  # the rows handed to the services, in order
        self.completion = QStringListModel(self)
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(6)
        for col, title in enumerate(HEADERS):
            self.grid.addWidget(QLabel(f"<b>{title}</b>"), 0, col)
        self.grid.setColumnStretch(2, 3)
        self.grid.setColumnStretch(5, 2)
        self.grid.setRowStretch(1000, 1)  # rows stay at the top
        self.add_row()

    def set_catalogue(self, choices: list[tuple[str, str, Decimal]]) -> None:
        self.catalogue = {code: (description, price) for code, description, price in choices}
        self.completion.setStringList([f"{code}{SEP}{desc}" for code, desc, _p in choices])

    def add_row(self) -> _Row:
        n = len(self.rows) + 1
        row = _Row(QLabel(str(n)), QLineEdit(), QLabel(), QLineEdit(), QLineEdit(), QLineEdit(),
                   QLabel())
        for name, edit in zip(("code", "quantity", "unit_price", "price_reason"), row.edits()):
            edit.setObjectName(f"lines[{n}].{name}")
        row.code.setMaximumWidth(110)
        row.quantity.setMaximumWidth(70)
        row.price.setMaximumWidth(100)
        row.quantity.setAlignment(Qt.AlignmentFlag.AlignRight)
        row.price.setAlignment(Qt.AlignmentFlag.AlignRight)
        row.amount.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        row.amount.setMinimumWidth(90)
        completer = QCompleter(self.completion, row.code)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        row.code.setCompleter(completer)
        choose_and_move_on(completer)  # Enter on the list takes the highlighted item and moves on
        completer.activated.connect(lambda text, r=row: QTimer.singleShot(0, lambda: self._pick(r, text)))
        row.code.editingFinished.connect(lambda r=row: self._code_done(r))
        for edit in row.edits():
            edit.textEdited.connect(lambda _t, r=row: self._edited(r))
            edit.returnPressed.connect(lambda e=edit, r=row: self._enter(r, e))
        for col, widget in enumerate((row.number, row.code, row.description, row.quantity,
                                      row.price, row.reason, row.amount)):
            self.grid.addWidget(widget, n, col)
            widget.show()  # now, not on the next event loop turn: a fast Tab must land here
        if self.rows:  # the new row's boxes come right after the row above, before the notes
            chain = [self.rows[-1].reason] + row.edits()
            for before, after in zip(chain, chain[1:]):
                QWidget.setTabOrder(before, after)
        self.rows.append(row)
        return row

    def _enter(self, row: _Row, edit: QLineEdit) -> None:
        """Enter moves on along the row (code, quantity, price, reason) and down to the next."""
        boxes = row.edits()
        if edit is not boxes[-1]:
            after = boxes[boxes.index(edit) + 1]
        elif row is not self.rows[-1]:
            after = self.rows[self.rows.index(row) + 1].code
        else:
            return
        after.setFocus(Qt.FocusReason.TabFocusReason)
        after.selectAll()

    def _pick(self, row: _Row, text: str) -> None:
        row.code.setText(code_of(text))
        self._code_done(row)

    def _code_done(self, row: _Row) -> None:
        if SEP in row.code.text():
            row.code.setText(code_of(row.code.text()))
        self._update(row)

    def _edited(self, row: _Row) -> None:
        if row is self.rows[-1] and not row.blank():
            self.add_row()
        self._update(row)
        self.changed.emit()

    def _update(self, row: _Row) -> None:
        code = code_of(row.code.text())
        description, price = self.catalogue.get(code, ("", None))
        row.description.setText(description or ("not in the catalogue" if code else ""))
        row.price.setPlaceholderText(format_money(price, currency=False) if price is not None else "")
        row.amount.setText(self._amount(row, price))

    def _amount(self, row: _Row, catalogue_price) -> str:
        try:
            quantity = int(row.quantity.text().strip())
            typed = row.price.text().strip()
            price = parse_money(typed, "price") if typed else catalogue_price
        except (ValueError, ValidationError):
            return ""
        return format_money(round_money(price * quantity)) if price is not None and quantity > 0 else ""

    def lines(self) -> list[OrderLineInput]:
        self.entered = [r for r in self.rows if not r.blank()]
        return [OrderLineInput(code=code_of(r.code.text()), quantity=r.quantity.text(),
                               unit_price=r.price.text().strip() or None, price_reason=r.reason.text())
                for r in self.entered]

    def set_lines(self, lines: list[OrderLineInput]) -> None:
        self.clear()
        for i, line in enumerate(lines):
            row = self.rows[i] if i < len(self.rows) else self.add_row()
            row.code.setText(line.code)
            row.quantity.setText(str(line.quantity))
            row.price.setText("" if line.price_reason == "" and line.unit_price == self.catalogue.get(
                line.code, ("", None))[1] else str(line.unit_price))
            row.reason.setText(line.price_reason)
            self._update(row)
        self.add_row()

    def clear(self) -> None:
        for row in self.rows[1:]:
            for widget in (row.number, row.code, row.description, row.quantity, row.price,
                           row.reason, row.amount):
                self.grid.removeWidget(widget)
                widget.deleteLater()
        self.rows = self.rows[:1]
        for edit in self.rows[0].edits():
            edit.clear()
        self._update(self.rows[0])

    def widget_for(self, field: str) -> QLineEdit | None:
        """The box a problem like ``lines[2].quantity`` belongs to (numbered among entered rows)."""
        try:
            index = int(field.split("[", 1)[1].split("]", 1)[0]) - 1
            name = field.split(".", 1)[1]
            row = self.entered[index]
        except (IndexError, ValueError):
            return None
        return {"code": row.code, "quantity": row.quantity, "unit_price": row.price,
                "price_reason": row.reason}.get(name)
