"""Completers and the line-entry row of the invoice form (code, quantity, price, modifiers, Dx)."""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtWidgets import QCompleter, QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from ..errors import ValidationError
from ..money import format_money, parse_money
from ..services import codes
from ..services.validation import parse_int


def attach_completer(edit: QLineEdit, source: Callable[[str], list[str]],
                     chosen: Callable[[str], None]) -> QCompleter:
    """A completer whose choices the services give for what was typed (never the whole table)."""
    model = QStringListModel(edit)
    completer = QCompleter(model, edit)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    edit.setCompleter(completer)
    edit.textEdited.connect(lambda text: model.setStringList(source(text)))
    completer.activated.connect(chosen)
    return completer


def code_choices(text: str) -> list[str]:
    return [f"{i.code} — {i.description}" for i in codes.search_items(text)]


class LineEntry(QWidget):
    """One row the clerk types a line into; Enter moves along it and adds the line at the end."""

    added = Signal(dict)  # {code, description, quantity, unit_price, modifiers, pointers}
    finished = Signal()  # Enter on an empty code: the lines are done
    problem = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.code = QLineEdit(placeholderText="Code or words", objectName="line_code")
        self.quantity = QLineEdit("1", objectName="line_quantity", maximumWidth=50)
        self.price = QLineEdit(objectName="line_price", placeholderText="Price", maximumWidth=90)
        self.modifiers = QLineEdit(objectName="line_modifiers", placeholderText="25,59",
                                   maximumWidth=80)
        self.pointers = QLineEdit(objectName="line_pointers", placeholderText="A,B", maximumWidth=70)
        self.description = QLabel()
        self.add_button = QPushButton("&Add line", autoDefault=False)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for label, widget, stretch in (("Code", self.code, 2), ("Qty", self.quantity, 0),
                                       ("Price", self.price, 0), ("Mod", self.modifiers, 0),
                                       ("Dx", self.pointers, 0)):
            layout.addWidget(QLabel(label))
            layout.addWidget(widget, stretch)
        layout.addWidget(self.add_button)
        layout.addWidget(self.description, 2)
        attach_completer(self.code, code_choices, self._chosen)
        self.code.returnPressed.connect(self._code_entered)
        for this, after in ((self.quantity, self.price), (self.price, self.modifiers),
                            (self.modifiers, self.pointers)):
            this.returnPressed.connect(lambda after=after: (after.setFocus(), after.selectAll()))
        self.pointers.returnPressed.connect(self.add)
        self.add_button.clicked.connect(self.add)
        self._item = None

    def _chosen(self, text: str) -> None:
        self.code.setText(text.split(" ")[0])
        if self.code.hasFocus():
            self._code_entered()

    def _code_entered(self) -> None:
        if not self.code.hasFocus():
            return
        text = self.code.text().strip().split(" ")[0]
        if not text:
            self.finished.emit()
            return
        item = codes.find_item(text)
        if item is None or not item.active:
            self.problem.emit(f"Code: '{text}' is not an active code in the catalogue "
                              "(type words to search)")
            return
        self._item = item
        self.code.setText(item.code)
        self.price.setText(format_money(item.unit_price, currency=False))
        self.description.setText(item.description)
        self.problem.emit("")
        self.quantity.setFocus()
        self.quantity.selectAll()

    def add(self) -> None:
        item = codes.find_item(self.code.text())
        quantity, problem = parse_int(self.quantity.text(), "Quantity", minimum=1, maximum=9999)
        try:
            if item is None:
                raise ValidationError(f"'{self.code.text()}' is not in the catalogue", "Code")
            if problem:
                raise ValidationError([problem])
            price = parse_money(self.price.text(), "Price")
        except ValidationError as exc:
            self.problem.emit(str(exc))
            return
        self.added.emit({"code": item.code, "description": item.description, "quantity": quantity,
                         "unit_price": price, "modifiers": self.modifiers.text().strip(),
                         "pointers": self.pointers.text().strip().upper()})
        self.clear()
        self.code.setFocus()

    def clear(self) -> None:
        for edit in (self.code, self.price, self.modifiers, self.pointers):
            edit.clear()
        self.quantity.setText("1")
        self.description.clear()
        self.problem.emit("")

    def dirty(self) -> bool:
        return bool(self.code.text().strip())
