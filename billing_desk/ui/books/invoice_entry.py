"""Completers and the line-entry row of the invoice form (code, quantity, price, modifiers, Dx)."""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QEvent, QObject, QStringListModel, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QCompleter, QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from ...errors import ValidationError
from ...money import format_money, parse_money
from ...services.books import codes
from ...services.books.invoice_preview import PricedLine
from ...services.office.validation import parse_int
from ..keys import choose_and_move_on


def attach_completer(edit: QLineEdit, source: Callable[[str], list[str]],
                     chosen: Callable[[str], None]) -> QCompleter:
    """A completer whose choices the services give for what was typed (never the whole table)."""
    model = QStringListModel(edit)
    completer = QCompleter(model, edit)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    edit.setCompleter(completer)
    choose_and_move_on(completer)  # Enter on the list: the highlighted entry, and on
    edit.textEdited.connect(lambda text: model.setStringList(source(text)))
    def picked(text: str) -> None:
        _back_to(edit)
        chosen(text)

    completer.activated.connect(picked)
    edit.returnPressed.connect(lambda: _back_to(edit))  # Enter decides; no popup left behind
    return completer


class _FocusKeeper(QObject):
    """Gives the focus to ``pending`` when its window is next activated: closing a completer's
    popup re-activates the window, and activation would put the focus back on the line edit."""

    def __init__(self, window):
        super().__init__(window)
        self.pending = None
        self.popup_closed = False
        window.installEventFilter(self)

    @staticmethod
    def of(window) -> "_FocusKeeper":
        return window.findChild(_FocusKeeper) or _FocusKeeper(window)

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.WindowActivate and self.pending is not None:
            target, self.pending = self.pending, None
            QTimer.singleShot(0, target.setFocus)
        return False


def move_focus(widget) -> None:
    """Focus ``widget`` now, and again if its window is re-activated after a popup closed."""
    widget.setFocus()
    keeper = _FocusKeeper.of(widget.window())
    keeper.pending = widget if keeper.popup_closed else None
    keeper.popup_closed = False


def _back_to(edit: QLineEdit) -> None:
    """Close the popup and give the keyboard back to the form's window."""
    popup = edit.completer().popup()
    assert popup is not None  # a QCompleter always has its popup
    if popup.isVisible() or QApplication.activeWindow() is popup:
        popup.hide()
        _FocusKeeper.of(edit.window()).popup_closed = True


def code_choices(text: str) -> list[str]:
    return [f"{i.code} — {i.description}" for i in codes.search_items(text)]


class LineEntry(QWidget):
    """One row the clerk types a line into; Enter moves along it and adds the line at the end."""

    added = Signal(object)  # a PricedLine
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
        self.code.installEventFilter(self)  # Tab out of a whole code: _code_left
        for this, after in ((self.quantity, self.price), (self.price, self.modifiers),
                            (self.modifiers, self.pointers)):
            this.returnPressed.connect(lambda after=after: (after.setFocus(), after.selectAll()))
        self.pointers.returnPressed.connect(self.add)
        self.add_button.clicked.connect(self.add)
        self._item = None

    def _chosen(self, text: str) -> None:
        self.code.setText(text.split(" ")[0])
        self._code_entered()

    def _code_entered(self) -> None:
        """Enter (or a completion chosen): fill the price and move on. Safe to repeat."""
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
        move_focus(self.quantity)
        self.quantity.selectAll()

    def eventFilter(self, watched, event) -> bool:
        # Not editingFinished: leaving the box with the completer's list open does not send it.
        if (watched is self.code and event.type() == QEvent.Type.FocusOut
                and event.reason() != Qt.FocusReason.PopupFocusReason):
            self._code_left()
        return False

    def _code_left(self) -> None:
        """Tab out of a whole code: its price and description, as Enter gives (focus stays put)."""
        item = codes.find_item(self.code.text().strip())
        if item is None or not item.active or self.price.text().strip():
            return
        self._item = item
        self.code.setText(item.code)
        self.price.setText(format_money(item.unit_price, currency=False))
        self.description.setText(item.description)

    def add(self) -> None:
        item = codes.find_item(self.code.text())
        quantity, problem = parse_int(self.quantity.text(), "Quantity", minimum=1, maximum=9999)
        try:
            if item is None:
                raise ValidationError(f"'{self.code.text()}' is not in the catalogue", "Code")
            if problem:
                raise ValidationError([problem])
            assert quantity is not None  # parse_int gives a number or a problem
            price = parse_money(self.price.text(), "Price")
        except ValidationError as exc:
            self.problem.emit(str(exc))
            return
        self.added.emit(PricedLine(item.code, quantity, price, item.description,
                                   self.modifiers.text().strip(), self.pointers.text().strip().upper()))
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
