"""Order entry, laid out like the paper order form: client, dates, PO, addresses, lines, notes.

Enter moves on, Ctrl+S saves, Esc goes back (asking before it drops typed work). The client's
credit limit, balance and past-due amount stay in view; over the limit, a supervisor signs off.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QEvent, QStringListModel, Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QCompleter,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ...errors import BillingError, ValidationError
from ...money import format_money
from ...services.office.permissions import can
from ...services.orders import order_forms
from ...services.orders.order_forms import OrderForm
from ..field_errors import FieldErrors, check_date_on_leave, with_error
from ..keys import choose_and_move_on, escape_shortcut, saving, widget_key
from .order_lines import LinesGrid

BAD = "border: 1px solid #b00020; background: #fff0f0;"


CAPTIONS = {"account": "Client account", "order_date": "Order date", "po_number": "PO number",
            "requested_date": "Requested by", "ship_to": "Ship to", "contact": "Contact",
            "notes": "Notes", "lines": "Lines", "lines[]": "Line", "code": "item code",
            "quantity": "Qty", "unit_price": "unit price", "price_reason": "why the price differs"}

class OrderEditor(QWidget):
    saved = Signal(object)  # the Order just saved
    closed = Signal()  # the clerk went back to the list

    def __init__(self, session, prompts, parent=None):
        super().__init__(parent)
        self.session = session
        self.prompts = prompts
        self.order_id: int | None = None
        self.loaded_as = ""  # the version of the order shown (services.office.stale)
        self.account_id: int | None = None
        self.dirty = False
        self._build()
        widget_key(self, QKeySequence.StandardKey.Save, saving(self.save))
        escape_shortcut(self, self.cancel)  # with a list open, Esc only closes the list

    # --- building -------------------------------------------------------------------------
    def _edit(self, name: str, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit(placeholderText=placeholder)
        edit.setObjectName(name)
        edit.returnPressed.connect(self.focusNextChild)
        edit.textEdited.connect(self._touched)
        return edit

    def _text(self, name: str) -> QPlainTextEdit:
        box = QPlainTextEdit()
        box.setObjectName(name)
        box.setTabChangesFocus(True)
        box.setMaximumHeight(58)
        box.textChanged.connect(lambda: self._touched() if box.hasFocus() else None)
        return box

    def _build(self) -> None:
        self.heading = QLabel()
        self.heading.setStyleSheet("font-size: 15px; font-weight: bold")
        self.client = self._edit("account", "Account number or name (active accounts only)")
        self.accounts_model = QStringListModel(self)
        completer = QCompleter(self.accounts_model, self.client)
        completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.client.setCompleter(completer)
        choose_and_move_on(completer)
        completer.activated.connect(lambda text: self._choose_client(text))
        self.client.textEdited.connect(self._search_clients)
        self.client.editingFinished.connect(lambda: self._choose_client(self.client.text()))
        self.client.installEventFilter(self)  # Tab past the completer's popup also chooses
        self.client_label = QLabel()
        self.order_date = self._edit("order_date", "MM/DD/YYYY")
        self.po_number = self._edit("po_number", "the client's own order / PO number")
        self.requested = self._edit("requested_date", "MM/DD/YYYY")
        self.ship_to = self._text("ship_to")
        self.contact = self._edit("contact", "name and phone of the person to call")
        self.lines = LinesGrid()
        self.lines.changed.connect(self._touched)
        self.lines.changed.connect(self._update_credit)
        self.notes = self._text("notes")
        self.credit = QLabel()
        self.credit.setObjectName("credit")
        self.credit.setFrameShape(QFrame.Shape.StyledPanel)
        self.credit.setTextFormat(Qt.TextFormat.RichText)
        self.credit.setMinimumWidth(250)
        self.credit.setWordWrap(True)
        self.credit.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.problems = QLabel()
        self.problems.setObjectName("problems")
        self.problems.setStyleSheet("color: #b00020")
        self.problems.setWordWrap(True)
        self.errors = FieldErrors(self.problems, CAPTIONS)  # each problem in the words on the form
        self.errors.route("lines", self.problems, self.lines.widget_for)
        self.message = QLabel()
        self.message.setObjectName("message")
        self._layout()

    def _layout(self) -> None:
        head = QFormLayout()
        head.addRow("&Client account", with_error(self.client, self.errors.under("account", self.client)))
        head.addRow("", self.client_label)
        dates = QHBoxLayout()
        for label, widget in (("Order &date", self.order_date), ("&PO number", self.po_number),
                              ("&Requested by", self.requested)):
            caption = QLabel(label)
            caption.setBuddy(widget)
            dates.addWidget(caption, 0, Qt.AlignmentFlag.AlignTop)
            dates.addWidget(with_error(widget, self.errors.under(widget.objectName(), widget)))
        for date in (self.order_date, self.requested):  # a date that does not exist: said on leaving
            check_date_on_leave(date, date.objectName(), self.errors)
        head.addRow(dates)
        head.addRow("S&hip to / service address", self.ship_to)
        head.addRow("C&ontact", self.contact)
        top = QHBoxLayout()
        top.addLayout(head, 3)
        top.addWidget(self.credit, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.lines)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.save_button = save = QPushButton("&Save (Ctrl+S)")
        save.clicked.connect(self.save)
        back = QPushButton("Back to the list (Esc)")
        back.clicked.connect(self.cancel)
        for button in (save, back):
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(save)
        buttons.addWidget(back)
        notes = QGridLayout()
        notes_label = QLabel("&Notes")
        notes.addWidget(notes_label, 0, 0)
        notes_label.setBuddy(self.notes)
        notes.addWidget(self.notes, 0, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(top)
        layout.addWidget(QLabel("<b>Lines</b> — code (type part of a code or name), quantity, "
                                "and a price only to override the catalogue's"))
        layout.addWidget(scroll, 1)
        layout.addLayout(notes)
        layout.addLayout(buttons)
        # The lines' problems right under the last line, where the clerk is looking.
        self.lines.grid.addWidget(self.problems, 999, 0, 1, self.lines.grid.columnCount())

    # --- the client -----------------------------------------------------------------------
    def eventFilter(self, watched, event) -> bool:
        if watched is self.client and event.type() == QEvent.Type.FocusOut and self.account_id is None:
            self._choose_client(self.client.text())
        return super().eventFilter(watched, event)

    def _search_clients(self, text: str) -> None:
        self.account_id = None
        self.accounts_model.setStringList([str(a) for a in order_forms.active_accounts(text)])

    def _choose_client(self, text: str) -> None:
        number = (text or "").strip().split(" ", 1)[0]
        account = order_forms.account_by_number(number) if number else None
        if account is None and text.strip():
            found = order_forms.active_accounts(text)
            account = found[0] if len(found) == 1 else None
        if account is not None and account.status == "active":
            self.account_id = account.id
            if self.client.text() != str(account):
                self.client.setText(str(account))
            self.client_label.setText(f"{account.street} {account.city} {account.state} "
                                      f"{account.zip_code} · {account.phone}".strip())
        else:
            self.account_id = None
            self.client_label.setText("choose an active account" if text.strip() else "")
        self._update_credit()

    def _update_credit(self) -> None:
        check = order_forms.preview_credit(self.account_id, self.lines.lines(), self.order_id)
        if check is None:
            self.credit.setText("<b>Credit</b><br>Choose the client to see the credit limit, "
                                "balance and past-due amount.")
            return
        limit = format_money(check.limit) if check.limit is not None else "none set"
        rows = [("Credit limit", limit), ("Balance", format_money(check.balance)),
                ("Past due", format_money(check.past_due)),
                ("Open orders", format_money(check.open_orders)),
                ("This order", format_money(check.this_order))]
        if check.limit is not None:
            rows.append(("Still available", format_money(check.limit - check.exposure)))
        text = "<b>Credit</b><table>" + "".join(
            f"<tr><td>{k}&nbsp;&nbsp;</td><td align=right>{v}</td></tr>" for k, v in rows) + "</table>"
        if check.needs_supervisor:
            text += ("<p style='color:#b00020'><b>Needs a supervisor:</b> "
                     + "; ".join(check.reasons()) + "</p>")
        self.credit.setText(text)

    # --- the form -------------------------------------------------------------------------
    def _touched(self, *_args) -> None:
        self.dirty = True

    def form(self) -> OrderForm:
        if self.account_id is None and self.client.text().strip():
            self._choose_client(self.client.text())  # left the box without Enter
        return OrderForm(account_id=self.account_id, order_date=self.order_date.text(),
                         requested_date=self.requested.text(), po_number=self.po_number.text(),
                         ship_to=self.ship_to.toPlainText(), contact=self.contact.text(),
                         notes=self.notes.toPlainText(), lines=self.lines.lines())

    def start_new(self) -> None:
        self.order_id, self.loaded_as = None, ""
        self.account_id = None
        self.lines.set_catalogue(order_forms.catalogue_choices())
        for edit in (self.client, self.po_number, self.requested, self.contact):
            edit.clear()
        self.order_date.setText(dt.date.today().strftime("%m/%d/%Y"))
        self.ship_to.clear()
        self.notes.clear()
        self.lines.clear()
        self.client_label.clear()
        self.heading.setText("New order")
        self._set_editable(True)
        self._reset_marks()
        self.message.clear()
        self._update_credit()
        self.dirty = False
        self.client.setFocus()

    def load(self, order_id: int) -> None:
        loaded_as = order_forms.order_version(order_id)  # read first: a save over a newer one is refused
        order = order_forms.get_order(order_id)
        form = order_forms.form_from_order(order)
        self.start_new()
        self.order_id, self.loaded_as = order.id, loaded_as
        self._choose_client(order.account.number)
        self.order_date.setText(order.order_date.strftime("%m/%d/%Y"))
        self.requested.setText(order.requested_date.strftime("%m/%d/%Y") if order.requested_date else "")
        self.po_number.setText(order.po_number)
        self.ship_to.setPlainText(order.ship_to)
        self.contact.setText(order.contact)
        self.notes.setPlainText(order.notes)
        self.lines.set_lines(form.lines)
        self.heading.setText(f"Order {order.number} — {order.status.replace('_', ' ')}")
        self._set_editable(order.status in ("received", "approved"))
        if order.status not in ("received", "approved"):
            self.message.setText("Delivered on or closed: it is no longer edited. Record deliveries, "
                                 "cancel what is open or invoice from the list (Esc).")
        self._update_credit()
        self.dirty = False

    def _set_editable(self, editable: bool) -> None:
        for box in self.findChildren(QLineEdit) + self.findChildren(QPlainTextEdit):
            box.setReadOnly(not editable)
        self.save_button.setVisible(editable)

    def _reset_marks(self) -> None:
        self.errors.clear()
        for edit in self.findChildren(QLineEdit) + self.findChildren(QPlainTextEdit):
            edit.setStyleSheet("")

    def _mark(self, exc: ValidationError) -> None:
        """The head's problems under their boxes; the lines' listed under the form, in the
        words on the form ("Line 2, Qty"), each box marked red; the cursor to the first."""
        self._reset_marks()
        first = self.errors.show(exc.problems, focus=False)
        for problem in exc.problems:
            widget = (self.lines.widget_for(problem.field) if problem.field.startswith("lines[")
                      else self.findChild(QWidget, problem.field))
            if widget is not None:
                widget.setStyleSheet(BAD)
                widget.setToolTip(self.errors.text(problem))
                first = first or widget
        lines = [self.errors.text(p) for p in exc.problems if p.field.startswith("lines")]
        self.problems.setText("\n".join(f"• {text}" for text in lines))
        self.problems.setVisible(bool(lines))
        if first is not None:
            first.setFocus()

    def save(self):
        """Save the form; returns the order, or None when something was refused."""
        if not self.save_button.isVisibleTo(self):
            return None  # a delivered order is shown, not edited
        form = self.form()
        user = self.session.user
        approve = False
        check = order_forms.preview_credit(self.account_id, form.lines, self.order_id)
        if check is not None and check.needs_supervisor:
            reasons = "; ".join(check.reasons())
            if can(user, "override_credit_limit"):
                approve = self.prompts.confirm("Credit limit", f"This order needs a supervisor: "
                                               f"{reasons}.\n\nApprove it as supervisor now?")
        try:
            order = order_forms.save_order(form, user, self.order_id, approve_over_limit=approve,
                                           loaded_as=self.loaded_as)
        except ValidationError as exc:
            self._mark(exc)
            return None
        except BillingError as exc:
            self.prompts.warn("Order not saved", str(exc))
            return None
        self._reset_marks()
        self.order_id, self.loaded_as = order.id, order_forms.order_version(order.id)
        self.dirty = False
        status = order.status.replace("_", " ")
        self.heading.setText(f"Order {order.number} — {status}")
        waits = " It waits for a supervisor's approval." if order.status == "received" else ""
        self.message.setText(f"Order {order.number} saved, {status}.{waits} Ctrl+N starts the next.")
        self.saved.emit(order)
        return order

    def discard_ok(self) -> bool:
        return not self.dirty or self.prompts.confirm("Discard the order?",
                                                      "The typed order is not saved. Discard it?",
                                                      default_no=True)

    def cancel(self) -> None:
        if self.discard_ok():
            self.dirty = False
            self.closed.emit()
