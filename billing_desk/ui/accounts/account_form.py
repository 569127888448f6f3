"""The registration form on screen: laid out and tabbed like the paper, checked at each field."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, QStringListModel, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ...choices import CONTACT_PREFS, DELIVERY, RELATIONSHIPS, SEXES
from ...errors import BillingError, ValidationError
from ...services.accounts import registry
from ...services.accounts.account_checks import GUARANTOR_RELATIONSHIPS, AccountForm
from ...services.office.validation import US_STATES, parse_date
from ..books.payers_dialog import PayersDialog
from ..field_errors import words
from ..keys import choose_and_move_on, saving, show_focus, unless_popup
from ..prompts import Prompter

CHOICES = {"kind": ("patient", "customer"), "guarantor_relationship": GUARANTOR_RELATIONSHIPS,
           "primary_relationship": RELATIONSHIPS, "secondary_relationship": RELATIONSHIPS,
           "statement_delivery": DELIVERY, "preferred_contact": CONTACT_PREFS}


def _insurance(rank: str) -> tuple[str, int, list[tuple[str, str]]]:
    return (f"{rank.capitalize()} insurance", 4, [
        (f"{rank}_payer", "Insurance company"), (f"{rank}_plan", "Plan"),
        (f"{rank}_member_id", "Member id"), (f"{rank}_group_number", "Group number"),
        (f"{rank}_subscriber_name", "Subscriber (if not the patient)"),
        (f"{rank}_relationship", "Patient is the subscriber's"), (f"{rank}_start_date", "Effective from"),
        (f"{rank}_end_date", "Until"), (f"{rank}_esrd_started_on", "Medicare ESRD period from")])


# The paper form, top to bottom: (section title, columns, [(field, label), ...]).
SECTIONS = [
    ("Patient / customer", 5, [("kind", "Patient or customer"), ("organization", "Company"),
                               ("last_name", "Last name"), ("first_name", "First name"),
                               ("date_of_birth", "Date of birth")]),
    ("Address", 4, [("street", "Street"), ("street2", "Apt / suite"), ("city", "City"),
                    ("state", "State"), ("zip_code", "ZIP")]),
    ("Phones and email", 4, [("phone", "Phone"), ("phone_alt", "Other phone"), ("email", "Email"),
                             ("preferred_contact", "Preferred contact")]),
    ("Responsible party (guarantor)", 4, [
        ("guarantor_relationship", "Relationship to the patient"),
        ("guarantor_last_name", "Last name"), ("guarantor_first_name", "First name"),
        ("guarantor_phone", "Phone"), ("guarantor_street", "Street (blank: same as patient)"),
        ("guarantor_city", "City"), ("guarantor_state", "State"), ("guarantor_zip_code", "ZIP")]),
    _insurance("primary"),
    _insurance("secondary"),
    ("Billing profile", 4, [("statement_delivery", "Statements by"),
                            ("payment_terms_days", "Payment terms (days)"),
                            ("billing_cycle_day", "Billing cycle day"),
                            ("credit_limit", "Credit limit"), ("notes", "Notes")]),
]
# Names in full and the guarantor's own details, each placed after the field the paper has it
# after: (after this field, [(field, label), ...]); the sections that grow get more columns.
FULL_DETAILS = [
    ("first_name", [("middle_name", "Middle name"), ("suffix", "Suffix (Jr, III)")]),
    ("guarantor_first_name", [("guarantor_middle_name", "Middle name"), ("guarantor_suffix", "Suffix"),
                              ("guarantor_date_of_birth", "Date of birth")]),
    ("guarantor_phone", [("guarantor_email", "Email")]),
    ("guarantor_street", [("guarantor_street2", "Apt / suite")]),
]
WIDER = {"Patient / customer": 7, "Responsible party (guarantor)": 5}


def _with_full_details(sections):
    placed = []
    for title, columns, items in sections:
        grown = []
        for name, label in items:
            grown.append((name, label))
            for after, extra in FULL_DETAILS:
                if after == name:
                    grown.extend(extra)
        placed.append((title, WIDER.get(title, columns), grown))
    return placed


SECTIONS = _with_full_details(SECTIONS)
GUARANTOR_BOXES = tuple(name for title, _c, items in SECTIONS if title.startswith("Responsible")
                        for name, _l in items if name != "guarantor_relationship")
PLACEHOLDERS = {"phone": "(217) 555-0123", "state": "NY", "zip_code": "12345", "credit_limit": "0.00",
                **dict.fromkeys(("date_of_birth", "guarantor_date_of_birth", "primary_start_date",
                                 "secondary_start_date", "primary_esrd_started_on",
                                 "secondary_esrd_started_on"), "MM/DD/YYYY")}
INSURANCE_SECTIONS: tuple[str, ...] = ("Primary insurance", "Secondary insurance")


# Claims (issue 16): the patient's sex beside the date of birth, and after each insurance its
# subscriber when the patient is not the subscriber (a child on a parent's plan).
def _subscriber(rank: str) -> tuple[str, int, list[tuple[str, str]]]:
    return (f"{rank.capitalize()} subscriber (when not the patient)", 4, [
        (f"{rank}_subscriber_last_name", "Subscriber's last name"),
        (f"{rank}_subscriber_first_name", "First name"),
        (f"{rank}_subscriber_date_of_birth", "Date of birth"), (f"{rank}_subscriber_sex", "Sex"),
        (f"{rank}_subscriber_street", "Street (blank: the patient's)"), (f"{rank}_subscriber_city", "City"),
        (f"{rank}_subscriber_state", "State"), (f"{rank}_subscriber_zip_code", "ZIP")])


SECTIONS[0][2].append(("sex", "Sex"))
for _rank in ("secondary", "primary"):
    SECTIONS[(_at := SECTIONS.index(_insurance(_rank)) + 1):_at] = [_subscriber(_rank)]  # after it
    PLACEHOLDERS[f"{_rank}_subscriber_date_of_birth"] = "MM/DD/YYYY"
CHOICES.update({"sex": SEXES, "primary_subscriber_sex": SEXES, "secondary_subscriber_sex": SEXES})
INSURANCE_SECTIONS += tuple(_subscriber(r)[0] for r in ("primary", "secondary"))


class _EnterMovesOn(QObject):
    """Enter in a combo box moves to the next field, as it does in a line edit."""

    def __init__(self, form: "AccountFormWidget"):
        super().__init__(form)
        self.form = form

    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.KeyPress and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) \
                and not event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.form.next_field(obj)
            return True
        return False


class AccountFormWidget(QWidget):
    """New account (pending until approved) or a change to an existing one."""

    scroll: QScrollArea  # type: ignore[assignment]  # shadows QWidget.scroll(), which nothing here calls

    saved = Signal(object)  # the Account
    cancelled = Signal()
    open_existing = Signal(object)  # an Account the clerk chose to open instead (a duplicate)

    def __init__(self, session, parent=None, *, prompter: Prompter | None = None):
        super().__init__(parent)
        self.session = session
        self.prompter = prompter or Prompter(self)
        self.account_id: int | None = None
        self.batch_id: int | None = None
        self._loaded, self._loaded_as = AccountForm(), ""
        self._duplicates: list = []
        self._reviewed: list[str] = []
        self.fields: dict[str, Any] = {}  # a QLineEdit or, for CHOICES, a QComboBox
        self.errors: dict[str, QLabel] = {}
        self.captions: dict[str, QLabel] = {}
        self.cells: dict[str, tuple[QGridLayout, int]] = {}
        self.groups: dict[str, QGroupBox] = {}
        self.add_payer_buttons: dict[str, QPushButton] = {}
        self.payer_dialog: PayersDialog | None = None
        self._enter = _EnterMovesOn(self)
        show_focus(self)
        self._build()
        self._shortcuts()
        self.load(AccountForm())

    # --- building -------------------------------------------------------------------------
    def _build(self) -> None:
        self.heading = QLabel()
        self.heading.setObjectName("form-heading")
        self.heading.setStyleSheet("font-size: 13pt; font-weight: 600")
        self.message = QLabel(wordWrap=True)
        self.message.setObjectName("form-message")
        self.message.setStyleSheet("color: #b00020")
        self.duplicate_box = QLabel(wordWrap=True)
        self.duplicate_box.setObjectName("duplicates")
        self.duplicate_box.setStyleSheet("background: #fff4d6; border: 1px solid #e0b000; padding: 6px")
        self.duplicate_box.hide()
        body = QWidget()
        column = QVBoxLayout(body)
        order: list[QWidget] = []
        for title, columns, items in SECTIONS:
            column.addWidget(self._section(title, columns, items, order))
        column.addStretch(1)
        self.scroll = scroll = QScrollArea(widgetResizable=True)
        scroll.setWidget(body)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.save_button = QPushButton("Save  (Ctrl+S)")
        self.save_button.clicked.connect(self.save)
        self.cancel_button = QPushButton("Cancel  (Esc)")
        self.cancel_button.clicked.connect(self.cancel)
        for button in (self.save_button, self.cancel_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        buttons = QHBoxLayout()
        buttons.addWidget(self.heading, 1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(self.duplicate_box)
        layout.addWidget(scroll, 1)
        for first, second in zip(order, order[1:]):
            QWidget.setTabOrder(first, second)
        self.fields["kind"].currentIndexChanged.connect(lambda _i: self._kind_changed())
        self.fields["guarantor_relationship"].currentIndexChanged.connect(
            lambda _i: self._guarantor_changed())
        for rank in ("primary", "secondary"):
            self.fields[f"{rank}_payer"].editingFinished.connect(lambda r=rank: self._payer_changed(r))
            self.fields[f"{rank}_relationship"].currentIndexChanged.connect(
                lambda _i, r=rank: self._subscriber_needed(r))

    def _section(self, title: str, columns: int, items, order: list) -> QGroupBox:
        box = QGroupBox(title)
        grid = QGridLayout(box)
        grid.setVerticalSpacing(2)
        for index, (name, label) in enumerate(items):
            widget = self._field(name)
            order.append(widget)
            error = QLabel(objectName=f"{name}_error", wordWrap=True)
            error.setStyleSheet("color: #b00020; font-size: 8pt")
            error.hide()
            caption = QLabel(label)
            caption.setBuddy(widget)
            caption.setStyleSheet("color: #555; font-size: 8pt")
            cell = QVBoxLayout()
            cell.setSpacing(1)
            for part in (caption, widget, error):
                cell.addWidget(part)
            if name.endswith("_payer"):
                cell.addWidget(self._add_payer_button(name.removesuffix("_payer")))
            cell.addStretch(1)
            grid.addLayout(cell, index // columns, index % columns)
            self.errors[name] = error
            self.captions[name] = caption
            self.cells[name] = (grid, index % columns)
        for c in range(columns):
            grid.setColumnStretch(c, 1)
        self.groups[title] = box
        return box

    def _field(self, name: str):
        widget: QComboBox | QLineEdit
        if name in CHOICES:
            widget = QComboBox(objectName=name)
            for choice in CHOICES[name]:
                widget.addItem(choice.replace("_", " "), choice)
            widget.installEventFilter(self._enter)
        else:
            widget = QLineEdit(objectName=name, placeholderText=PLACEHOLDERS.get(name, ""))
            widget.returnPressed.connect(lambda w=widget: self.next_field(w))
            if name.endswith(("date_of_birth", "_date")):  # a date that does not exist: said on leaving
                widget.editingFinished.connect(lambda n=name: self._check_date(n))
            if name.endswith("state"):
                completer = self._completer(sorted(US_STATES))
                completer.setCompletionMode(QCompleter.CompletionMode.InlineCompletion)
                completer.setFilterMode(Qt.MatchFlag.MatchStartsWith)
                widget.setCompleter(completer)
                widget.setMaxLength(2)
            elif name.endswith(("_payer", "_plan")):
                widget.setCompleter(choose_and_move_on(self._completer([])))
        self.fields[name] = widget
        return widget

    def _add_payer_button(self, rank: str) -> QPushButton:
        button = QPushButton("Add payer… (F4)", objectName=f"{rank}_add_payer", autoDefault=False)
        button.clicked.connect(lambda _c=False, r=rank: self.add_payer(r))
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # F4 is its key; Enter and Tab stay on the fields
        button.hide()
        self.add_payer_buttons[rank] = button
        return button

    def _completer(self, words: list[str]) -> QCompleter:
        completer = QCompleter(QStringListModel(words, self), self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        return completer

    def _shortcuts(self) -> None:
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for keys, slot in ((QKeySequence.StandardKey.Save, saving(self.save)),
                           (Qt.Key.Key_Escape, unless_popup(self.cancel)),  # a list open: Esc closes it
                           (Qt.Key.Key_F2, self._open_duplicate), (Qt.Key.Key_F4, self.add_payer)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(context)
            shortcut.activated.connect(slot)

    # --- behaviour ------------------------------------------------------------------------
    def next_field(self, _widget: QWidget) -> None:
        self.focusNextChild()
        self._keep_in_view()

    def _keep_in_view(self) -> None:
        from PySide6.QtWidgets import QApplication

        widget = QApplication.focusWidget()
        if widget is not None and self.scroll.isAncestorOf(widget):
            self.scroll.ensureWidgetVisible(widget, 50, 60)

    def first_field(self) -> QWidget:
        return self.fields["kind"]

    def start_new(self, batch_id: int | None = None) -> None:
        self.account_id, self.batch_id = None, batch_id
        self.load(AccountForm())
        self.first_field().setFocus(Qt.FocusReason.OtherFocusReason)
        self.scroll.verticalScrollBar().setValue(0)  # the new blank form from its top

    def edit(self, account) -> None:
        self.account_id = account.id
        self.load(registry.form_from_account(account))
        self.heading.setText(f"Changing account {account.number} — {account.display_name}")
        self.fields["last_name" if account.kind == "patient" else "organization"].setFocus()

    def load(self, form: AccountForm) -> None:
        for name, widget in self.fields.items():
            value = str(getattr(form, name) or "")
            if isinstance(widget, QComboBox):
                widget.setCurrentIndex(max(widget.findData(value), 0))
            else:
                widget.setText(value)
        self.fields["kind"].setEnabled(self.account_id is None)
        self._loaded_as = form.loaded_as  # what was shown: a save over a newer one is refused
        self._loaded = self.form_data(keep_id=form.guarantor_id)
        self._duplicates, self._reviewed = [], []
        self.duplicate_box.hide()
        self.show_problems([])
        self.heading.setText("New account — it stays pending until a supervisor approves it")
        self._kind_changed()
        self._guarantor_changed()
        for rank in ("primary", "secondary"):
            self._payer_changed(rank)
            self._subscriber_needed(rank)
        payers = registry.payer_names()
        for rank in ("primary", "secondary"):
            self.fields[f"{rank}_payer"].completer().model().setStringList(payers)

    def form_data(self, keep_id=None) -> AccountForm:
        form = AccountForm(loaded_as=self._loaded_as)
        for name, widget in self.fields.items():
            value = widget.currentData() if isinstance(widget, QComboBox) else widget.text()
            setattr(form, name, value)
        form.guarantor_id = keep_id if keep_id is not None else self._loaded.guarantor_id
        if form.guarantor_relationship == "self":  # greyed boxes hold nothing that counts
            for name in GUARANTOR_BOXES:
                setattr(form, name, getattr(AccountForm(), name))
        if form.kind == "customer":
            for title, _c, items in SECTIONS:
                if title in INSURANCE_SECTIONS:
                    for name, _label in items:
                        setattr(form, name, getattr(AccountForm(), name))
        return form

    def is_dirty(self) -> bool:
        return self.form_data() != self._loaded

    def _kind_changed(self) -> None:
        customer = self.fields["kind"].currentData() == "customer"
        for title in INSURANCE_SECTIONS:
            self.groups[title].setVisible(not customer)
        for name in ("organization",):
            self._set_visible(name, customer)
        self._set_visible("date_of_birth", not customer)

    def _subscriber_needed(self, rank: str) -> None:
        """The subscriber's boxes take the keys only when the patient is not the subscriber."""
        self_insured = self.fields[f"{rank}_relationship"].currentData() in (None, "self")
        self.groups[_subscriber(rank)[0]].setEnabled(not self_insured)

    def _guarantor_changed(self) -> None:
        """"self": the patient pays, so the guarantor's boxes are greyed and Enter skips them."""
        someone_else = self.fields["guarantor_relationship"].currentData() != "self"
        for name in GUARANTOR_BOXES:
            self.fields[name].setEnabled(someone_else)

    def _set_visible(self, name: str, visible: bool) -> None:
        self.fields[name].setVisible(visible)
        self.captions[name].setVisible(visible)
        grid, column = self.cells[name]
        grid.setColumnStretch(column, 1 if visible else 0)

    def _payer_changed(self, rank: str) -> None:
        typed = self.fields[f"{rank}_payer"].text().strip()
        plans = registry.plan_names(typed)
        self.fields[f"{rank}_plan"].completer().model().setStringList(plans)
        known = {name.lower() for name in registry.payer_names()}
        self.add_payer_buttons[rank].setVisible(bool(typed) and typed.lower() not in known)

    # --- a payer the office does not have yet ---------------------------------------------------
    def add_payer(self, rank: str | None = None) -> PayersDialog:
        """F4 or Add payer…: the Payers screen on a new payer named as typed; this form stays as it
        is, and the payer saved there is picked here (the clerk may add its plans first)."""
        if rank is None:
            focus = self.focusWidget()
            unknown = [r for r, b in self.add_payer_buttons.items() if not b.isHidden()]
            rank = "secondary" if focus is not None and focus.objectName().startswith("secondary_") \
                else (unknown or ["primary"])[0]
        dialog = PayersDialog(self.session, parent=self, new_name=self.fields[f"{rank}_payer"].text().strip())
        dialog.saved.connect(lambda name, r=rank: self._payer_added(r, name))
        dialog.finished.connect(lambda _result, r=rank: self.fields[f"{r}_plan"].setFocus())
        self.payer_dialog = dialog
        dialog.show()
        dialog.activateWindow()
        return dialog

    def _payer_added(self, rank: str, name: str) -> None:
        names = registry.payer_names()
        for each in ("primary", "secondary"):
            self.fields[f"{each}_payer"].completer().model().setStringList(names)
        self.fields[f"{rank}_payer"].setText(name)
        self._payer_changed(rank)
        self.errors[f"{rank}_payer"].hide()
        self.fields[f"{rank}_payer"].setStyleSheet("")

    def show_problems(self, problems) -> None:
        by_field: dict[str, list[str]] = {}
        for problem in problems:
            by_field.setdefault(problem.field, []).append(problem.message)
        for name, label in self.errors.items():
            messages = by_field.pop(name, [])
            label.setText("; ".join(messages))
            label.setVisible(bool(messages))
            self.fields[name].setStyleSheet("border: 1px solid #b00020" if messages else "")
        other = [f"{words(k, self._labels())}: {'; '.join(v)}" for k, v in by_field.items()]
        count = len(problems)
        self.message.setText("" if not count else
                             f"{count} thing{'s' if count > 1 else ''} to fix before saving"
                             + (f" — {'; '.join(other)}" if other else ""))
        self.message.setVisible(bool(count))
        for problem in problems:
            if problem.field in self.fields and self.fields[problem.field].isVisibleTo(self):
                self.fields[problem.field].setFocus(Qt.FocusReason.OtherFocusReason)
                self.scroll.ensureWidgetVisible(self.fields[problem.field], 50, 60)
                break

    def _labels(self) -> dict[str, str]:
        return {name: caption.text() for name, caption in self.captions.items()}

    def _check_date(self, name: str) -> None:
        """Leaving a date box: a date that does not exist is said under it at once."""
        _day, problem = parse_date(self.fields[name].text(), name,
                                   not_future=name.endswith("date_of_birth"))
        self.errors[name].setText(problem.message if problem else "")
        self.errors[name].setVisible(problem is not None)
        self.fields[name].setStyleSheet("border: 1px solid #b00020" if problem else "")

    def save(self):
        """Check and store; at a problem nothing is stored and the cursor goes to the field."""
        form = self.form_data()
        try:
            if self.account_id is None:
                account = registry.create_account(form, self.session.user, refuse_duplicates=True,
                                                  reviewed=self._reviewed, batch_id=self.batch_id)
            else:
                account = registry.update_account(self.account_id, form, self.session.user)
        except ValidationError as exc:
            self.duplicate_box.hide()
            self.show_problems(exc.problems)
            return None
        except registry.DuplicateFound as exc:
            self._show_duplicates(exc.accounts)
            return None
        except BillingError as exc:
            self.message.setText(str(exc))
            self.message.show()
            return None
        form.loaded_as = self._loaded_as = registry.version_of(account) if self.account_id else ""
        self._loaded = form
        self.saved.emit(account)
        return account

    def _show_duplicates(self, found: list) -> None:
        self.show_problems([])
        self._duplicates = found
        self._reviewed = sorted(set(self._reviewed) | {a.number for a in found})
        lines = [f"<b>{a.number}</b> {a.display_name} · born {_date(a.date_of_birth)} · {a.phone} · "
                 f"{a.status}" for a in found]
        self.duplicate_box.setText("This may already be on file:<br>" + "<br>".join(lines) +
                                   "<br><b>F2</b> opens the first one; <b>Ctrl+S</b> again saves a "
                                   "new account anyway (the approver sees that you checked).")
        self.duplicate_box.show()

    def _open_duplicate(self) -> None:
        if self._duplicates and self.duplicate_box.isVisible():
            self.open_existing.emit(self._duplicates[0])

    def cancel(self) -> None:
        """Esc: leave the form, asking first when something typed would be lost."""
        if self.is_dirty() and not self.prompter.confirm("Discard this form?", "What you typed on this "
                                                         "form has not been saved. Throw it away?",
                                                         default_no=True):
            return
        self.load(AccountForm())
        self.cancelled.emit()


def _date(value) -> str:
    return value.strftime("%m/%d/%Y") if value else "?"
