"""The invoice form, in the order of the superbill: account, date of service, rendering provider,
place of service, diagnoses, then the lines; the estimate and totals follow every change.

The rendering provider is picked from the office's list (its name is the invoice's provider on
the printed invoice and in the reports); an invoice saved with a provider typed as text before
keeps that text, shown under the pick box until a rendering provider is chosen."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
)

from ...errors import BillingError, Problem
from ...money import format_money
from ...services.books import invoices
from ...services.books.codes import check_diagnosis, describe_diagnosis
from ...services.books.invoice_preview import PricedLine, preview_invoice
from ..field_errors import FieldErrors, check_date_on_leave, with_error
from ..keys import enter_moves_to, saving, widget_key
from ..prompts import Prompter
from ..refusals import KeptAnswers
from . import invoice_actions
from .invoice_claim_fields import ClaimFields
from .invoice_entry import LineEntry, attach_completer, move_focus
from .invoice_models import RowsModel

LINE_HEADERS = ["#", "Code", "Description", "Qty", "Price", "Amount", "Mod", "Dx"]
EST_HEADERS = ["Code", "Charge", "Allowed", "Insurance", "Copay", "Deductible", "Coinsurance",
               "Not covered", "Patient"]
LETTERS = "ABCDEFGHIJKL"
CAPTIONS = {"account": "Account", "service_date": "Date of service", "provider": "Rendering provider",
            "place_of_service": "Place of service", "diagnoses": "Diagnoses", "notes": "Notes",
            "lines": "Lines", "lines[]": "Line", "unit_price": "price", "pointers": "Dx letters",
            "modifiers": "Mod", "code": "code", "quantity": "Qty"}


def _diagnosis_name(field: str) -> str | None:
    """``diagnoses[2]`` is the clerk's Diagnosis B."""
    if field.startswith("diagnoses[") and field.endswith("]"):
        number = field[len("diagnoses["):-1]
        if number.isdigit() and 1 <= int(number) <= len(LETTERS):
            return f"Diagnosis {LETTERS[int(number) - 1]}"
    return None


def account_choices(text: str) -> list[str]:
    return [f"{a.number} {a.display_name}" for a in invoices.account_choices(text)]


class InvoiceForm(QDialog):
    """A new or saved invoice. Drafts are edited; posted and void invoices are shown read-only."""

    changed_books = Signal()

    def __init__(self, session, invoice_id: int | None = None, *, batch_id: int | None = None,
                 prompter=None, parent=None):
        super().__init__(parent)
        self.session = session
        self.prompter = prompter or Prompter(self)
        self.invoice_id = invoice_id
        self.loaded_as = ""  # the version of the draft shown (services.office.stale)
        self.kept = KeptAnswers()  # a reason whose void was refused, offered again
        self.batch_id = batch_id
        self.status = "draft"
        self.lines: list[PricedLine] = []
        self.account_id: int | None = None
        self.dirty = False
        self.setWindowTitle("Invoice")
        self.resize(1040, 760)
        self._build()
        self._connect()
        if invoice_id:
            self.load(invoice_id)
        else:
            self.claim.start_new()
            self._set_editable(True)
        self._refresh()
        self.dirty = False

    # --- layout -------------------------------------------------------------------------------
    def _build(self) -> None:
        self.account = QLineEdit(objectName="account", placeholderText="Account number or name")
        self.account_info = QLabel()
        self.service_date = QLineEdit(dt.date.today().strftime("%m/%d/%Y"), objectName="service_date")
        self.claim = ClaimFields()
        self.typed_provider = ""  # the provider typed as text on an older invoice
        self.provider_typed = QLabel(objectName="provider_typed")
        self.provider_typed.hide()
        self.place = QLineEdit(objectName="place_of_service", placeholderText="11 = office")
        self.diagnoses = QLineEdit(objectName="diagnoses", placeholderText="E11.9, I10 (Ctrl+L looks up)")
        self.diagnoses.setAccessibleName("Diagnoses")
        self.dx_info = QLabel(wordWrap=True)
        self.message = QLabel(objectName="message", wordWrap=True)
        self.message.setStyleSheet("color: #b00020")
        self.errors = FieldErrors(self.message, CAPTIONS, namer=_diagnosis_name)
        self.number_label = QLabel("new — numbered when posted", objectName="invoice-number")
        self.number_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        header = QFormLayout()
        header.addRow("Invoice", self.number_label)
        for caption, key, edit in (("&Account", "account", self.account),
                                   ("&Date of service", "service_date", self.service_date),
                                   ("Rendering &provider", "provider", self.claim.rendering),
                                   ("P&lace of service", "place_of_service", self.place)):
            below = (self.provider_typed,) if key == "provider" else ()  # right under the pick box
            header.addRow(QLabel(caption, buddy=edit), with_error(edit, self.errors.under(key, edit), *below))
            if key == "account":
                header.addRow("", self.account_info)
        check_date_on_leave(self.service_date, "service_date", self.errors, not_future=True)
        dx_box = QGroupBox("Diagnoses (up to 12; lines point at them by letter)")
        box = QVBoxLayout(dx_box)
        box.addWidget(self.diagnoses)
        box.addWidget(self.errors.under("diagnoses", self.diagnoses))
        self.errors.route("diagnoses[", self.errors.boxes["diagnoses"][1], lambda _f: self.diagnoses)
        box.addWidget(self.dx_info, 1)
        self.dx_info.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.top = QHBoxLayout()
        self.top.addLayout(header, 1)
        self.top.addWidget(dx_box, 1)
        self._build_body()

    def _build_body(self) -> None:
        self.entry = LineEntry()
        self.lines_model = RowsModel(LINE_HEADERS, parent=self)
        self.lines_view = _table(self.lines_model, [30, 70, 260, 40, 80, 80, 60, 60])
        self.estimate_model = RowsModel(EST_HEADERS, parent=self)
        self.estimate_view = _table(self.estimate_model, [70] + [90] * 8)
        self.estimate_view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.estimate_notes = QLabel(wordWrap=True)
        self.totals = QLabel(objectName="totals")
        self.notes = QPlainTextEdit(objectName="notes", maximumHeight=80)
        self.notes.setTabChangesFocus(True)
        self.lines_error = QLabel(objectName="lines_error", wordWrap=True)
        self.lines_error.hide()
        self.errors.route("lines", self.lines_error, self._line_box)
        self.buttons = {name: QPushButton(text, autoDefault=False) for name, text in (
            ("save", "&Save draft (Ctrl+S)"), ("post", "P&ost (Ctrl+Enter)"),
            ("print", "Print… (Ctrl+P)"), ("pdf", "Save P&DF…"), ("explain", "&Explain this bill"),
            ("met", "Deductible &met…"), ("void", "&Void…"), ("credit", "C&redit memo…"),
            ("close", "Close"))}
        lines_box = QGroupBox("Lines")
        box = QVBoxLayout(lines_box)
        box.addWidget(self.entry)
        box.addWidget(self.lines_error)
        box.addWidget(self.lines_view, 2)
        est_box = QGroupBox("Estimate")
        box = QVBoxLayout(est_box)
        box.addWidget(self.estimate_view, 1)
        box.addWidget(self.estimate_notes)
        row = QHBoxLayout()
        for button in self.buttons.values():
            row.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(self.top)
        self.lines_view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
        self.lines_view.setMinimumHeight(90)  # the space left, by stretch, not by hints
        _fit_rows(self.estimate_view, 1)
        layout.addWidget(lines_box, 2)
        layout.addWidget(est_box)  # as tall as its lines (_fit_rows); the lines' box takes the rest
        layout.addWidget(self.totals)
        notes_box = QVBoxLayout()
        notes_box.addWidget(QLabel("&Notes", buddy=self.notes))
        notes_box.addWidget(self.notes)
        after_lines = QHBoxLayout()
        after_lines.addLayout(notes_box, 1)
        after_lines.addWidget(self.claim, 1)
        layout.addLayout(after_lines)
        layout.addWidget(self.message)
        layout.addLayout(row)
        order = [self.account, self.service_date, self.claim.rendering, self.place, self.diagnoses,
                 self.entry.code, self.entry.quantity, self.entry.price, self.entry.modifiers,
                 self.entry.pointers, self.lines_view, self.notes, *self.claim.widgets]
        for first, second in zip(order, order[1:]):
            self.setTabOrder(first, second)

    def _connect(self) -> None:
        attach_completer(self.account, account_choices, self._account_chosen)
        self.account.returnPressed.connect(self._account_entered)
        self.service_date.returnPressed.connect(self.claim.rendering.setFocus)
        enter_moves_to(self.claim.rendering, self.place)
        self.place.returnPressed.connect(self.diagnoses.setFocus)
        self.diagnoses.returnPressed.connect(self._diagnoses_entered)
        for edit in (self.account, self.service_date, self.place, self.diagnoses):
            edit.textEdited.connect(self._touched)
        self.claim.rendering.currentIndexChanged.connect(self._show_typed_provider)
        self.service_date.editingFinished.connect(self._refresh)
        self.diagnoses.editingFinished.connect(self._refresh)
        self.notes.textChanged.connect(self._touched)
        self.claim.connect_touched(self._touched)
        self.entry.added.connect(self._line_added)
        self.entry.finished.connect(self.notes.setFocus)
        self.entry.problem.connect(self._line_problem)
        widget_key(self.lines_view, QKeySequence.StandardKey.Delete, self._delete_line,
                   Qt.ShortcutContext.WidgetShortcut)  # on the lines only, never in another box
        QShortcut(QKeySequence("Ctrl+L"), self, lambda: invoice_actions.look_up_diagnosis(self))
        QShortcut(QKeySequence.StandardKey.Save, self, saving(self.save))
        QShortcut(QKeySequence("Ctrl+Return"), self, self.post)
        QShortcut(QKeySequence.StandardKey.Print, self, lambda: invoice_actions.print_invoice(self))
        actions = {"save": self.save, "post": self.post, "close": self.reject,
                   "print": lambda: invoice_actions.print_invoice(self),
                   "pdf": lambda: invoice_actions.save_pdf(self, "invoice"),
                   "explain": lambda: invoice_actions.explain(self),
                   "void": lambda: invoice_actions.void(self),
                   "met": lambda: invoice_actions.amounts_met(self),
                   "credit": lambda: invoice_actions.credit_memo(self)}
        for name, slot in actions.items():
            self.buttons[name].clicked.connect(lambda _c=False, slot=slot: slot())

    # --- entry --------------------------------------------------------------------------------
    def _touched(self, *_args) -> None:
        self.dirty = True

    def _keep_typed(self, text: str) -> None:
        """The invoice's provider as saved: kept as typed text unless it is only the name of the
        rendering provider chosen (then choosing none leaves no stale name behind)."""
        self.typed_provider = "" if (text or "").strip() == self.claim.rendering_name() else text
        self._show_typed_provider()

    def _show_typed_provider(self, *_args) -> None:
        """An older invoice's provider typed as text, under the pick box, until the rendering
        provider chosen is the one it names."""
        text = (self.typed_provider or "").strip()
        self.provider_typed.setText(f"Typed on this invoice: {text}")
        self.provider_typed.setVisible(bool(text) and text != self.claim.rendering_name())

    def _account_chosen(self, text: str) -> None:
        self.account.setText(text)
        self._account_entered()

    def _line_problem(self, text: str) -> None:
        """The line being typed: its words right under it (empty text clears them)."""
        self.lines_error.setText(text)
        self.lines_error.setVisible(bool(text))

    def _line_box(self, field: str):
        """``lines[2].quantity``: the second line of the table, chosen; the box that takes keys."""
        try:
            row = int(field.split("[", 1)[1].split("]", 1)[0]) - 1
        except (IndexError, ValueError):
            return self.entry.code
        if 0 <= row < len(self.lines):
            self.lines_view.selectRow(row)
            return self.lines_view
        return self.entry.code

    def _diagnoses_entered(self) -> None:
        self._refresh()
        self.entry.code.setFocus()

    def _account_entered(self) -> None:
        """Enter (or a completion chosen): resolve the account and move on. Safe to repeat."""
        account = invoices.find_active_account(self.account.text())
        if account is None:
            self.errors.show([Problem("account", "choose an active account (type its number or name)")])
            return
        self._set_account(account)
        move_focus(self.service_date)
        self.service_date.selectAll()

    def _set_account(self, account) -> None:
        self.account_id = account.id
        self.account.setText(f"{account.number} {account.display_name}")
        self.account_info.setText(f"Owes {format_money(account.patient_balance)} · insurance "
                                  f"{format_money(account.insurance_balance)} · credit "
                                  f"{format_money(account.unapplied_credit)}")
        self.errors.clear()
        self._refresh()

    def _line_added(self, line: PricedLine) -> None:
        self.lines.append(line)
        self.dirty = True
        self._refresh()

    def _delete_line(self) -> None:
        row = self.lines_view.currentIndex().row()
        if self.status == "draft" and 0 <= row < len(self.lines):
            del self.lines[row]
            self.dirty = True
            self._refresh()

    def draft(self) -> invoices.InvoiceDraft:
        if self.account_id is None and self.account.text().strip():
            found = invoices.find_active_account(self.account.text())
            self.account_id = found.id if found else None
        return invoices.InvoiceDraft(
            account_id=self.account_id, service_date=self.service_date.text(),
            lines=[invoices.LineInput(l.code, l.quantity, l.unit_price, l.modifiers, l.pointers)
                   for l in self.lines],
            diagnoses=[c.strip() for c in self.diagnoses.text().replace(";", ",").split(",")],
            provider=self.typed_provider, place_of_service=self.place.text(),
            notes=self.notes.toPlainText(), batch_id=self.batch_id,
            rendering_provider_id=self.claim.rendering_id(), referring_provider_id=self.claim.referring_id(),
            prior_authorization=self.claim.prior_auth())

    # --- the live part ------------------------------------------------------------------------
    def _refresh(self) -> None:
        """The lines, their amounts and the estimate, all from the service's preview."""
        preview = preview_invoice(self.account_id, self.service_date.text(), self.lines)
        rows = zip(self.lines, preview.amounts)
        self.lines_model.set_rows([[i, l.code, l.description, l.quantity, l.unit_price, amount,
                                    l.modifiers, l.pointers] for i, (l, amount) in enumerate(rows, start=1)])
        self._show_diagnoses()
        self._show_estimate(preview)

    def _show_diagnoses(self) -> None:
        shown = []
        codes = [c.strip() for c in self.diagnoses.text().replace(";", ",").split(",") if c.strip()]
        for letter, code in zip(LETTERS, codes):
            norm, problem = check_diagnosis(code)
            pick = "; Ctrl+L lists them to pick from" if problem and "category" in problem.message else ""
            shown.append(f"{letter}. {problem.message}{pick}" if problem else
                         f"{letter}. {norm} {describe_diagnosis(norm)}")
        if len(codes) > len(LETTERS):
            shown.append("at most 12 diagnoses")
        self.dx_info.setText("\n".join(shown))

    def _show_estimate(self, preview) -> None:
        est = preview.estimate
        self.estimate_model.set_rows([[e.code, e.charge, e.allowed, e.insurance_pays, e.copay,
                                       e.deductible, e.coinsurance, e.not_covered, e.patient_pays]
                                      for e in est.lines])
        _fit_rows(self.estimate_view, len(est.lines))  # every line shows, not two of three
        notes = [n for e in est.lines for n in e.notes]
        self.estimate_notes.setText(f"{est.standing()}. " + " ".join(notes))
        self.totals.setText(f"Charges {format_money(preview.total)} · insurance should pay "
                            f"{format_money(preview.insurance_pays)} · patient pays "
                            f"{format_money(preview.patient_pays)} · {len(self.lines)} lines")

    # --- saving -------------------------------------------------------------------------------
    def save(self) -> bool:
        if self.status != "draft":
            self.message.setText("A posted invoice is never edited: void it or issue a credit memo.")
            return False
        try:
            invoice = invoices.save_draft(self.draft(), self.session.user, invoice_id=self.invoice_id,
                                          loaded_as=self.loaded_as)
        except BillingError as exc:  # bad boxes, or changed at another workstation: typing kept
            self._show_problems(exc)
            return False
        self.invoice_id, self.loaded_as = invoice.id, invoices.draft_version(invoice.id)
        self._keep_typed(invoice.provider)
        self.dirty = False
        self.errors.clear()
        self.setWindowTitle(f"Invoice — draft #{invoice.id} saved")
        self.number_label.setText(f"draft #{invoice.id} — numbered when posted")
        self.changed_books.emit()
        return True

    def post(self) -> bool:
        if self.status != "draft" or not self.save():
            return False
        if not self.prompter.confirm("Post invoice", "Post this invoice? It gets its number and "
                                     "can no longer be changed."):
            return False
        assert self.invoice_id is not None  # save() above gave the draft its id
        try:
            invoice = invoices.post_invoice(self.invoice_id, self.session.user)
        except BillingError as exc:
            self._show_problems(exc)
            return False
        self.load(invoice.id)
        self.changed_books.emit()
        return True

    def _show_problems(self, exc: BillingError) -> None:
        """Each problem under its box, in the words on the screen; the cursor to the first."""
        self.errors.say(exc)

    def load(self, invoice_id: int) -> None:
        self.loaded_as = invoices.draft_version(invoice_id)  # read first: a newer save is refused
        invoice = invoices.get_invoice(invoice_id)
        draft = invoices.draft_of(invoice)
        self.invoice_id, self.status, self.batch_id = invoice.id, invoice.status, invoice.batch_id
        self._set_account(invoice.account)
        self.service_date.setText(invoice.service_date.strftime("%m/%d/%Y"))
        self.place.setText(draft.place_of_service)
        self.diagnoses.setText(", ".join(draft.diagnoses))
        self.notes.setPlainText(draft.notes)
        self.claim.show_values(draft.rendering_provider_id, draft.referring_provider_id,
                               draft.prior_authorization)
        self._keep_typed(draft.provider)
        self.lines = [PricedLine(l.code, l.quantity, l.unit_price, l.description, l.modifiers,
                                 ",".join(LETTERS[int(p) - 1] for p in l.diagnosis_pointers.split(",") if p))
                      for l in invoices.invoice_lines(invoice)]
        title = f"Invoice {invoice.number}" if invoice.number else f"Draft invoice #{invoice.id}"
        self.setWindowTitle(f"{title} ({invoice.status})")
        self.number_label.setText(f"<b>{invoice.number}</b> ({invoice.status})" if invoice.number
                                  else f"draft #{invoice.id} — numbered when posted")
        self._set_editable(invoice.status == "draft")
        self.dirty = False
        self._refresh()

    def _set_editable(self, editable: bool) -> None:
        for widget in (self.account, self.service_date, self.place, self.diagnoses):
            widget.setReadOnly(not editable)
        self.notes.setReadOnly(not editable)
        self.claim.set_editable(editable)
        self.entry.setVisible(editable)
        self.buttons["save"].setVisible(editable)
        self.buttons["post"].setVisible(editable)
        for name in ("void", "credit"):
            self.buttons[name].setVisible(self.status == "posted")

    def reject(self) -> None:
        """Esc / Close: ask before throwing away typed work."""
        if (self.dirty or self.entry.dirty()) and self.status == "draft":
            if not self.prompter.confirm("Discard changes", "Discard what was typed on this invoice?",
                                         default_no=True):
                return
        super().reject()


def _table(model, widths: list[int]) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setAlternatingRowColors(True)
    view.verticalHeader().setVisible(False)
    view.horizontalHeader().setStretchLastSection(True)
    for i, width in enumerate(widths):
        view.setColumnWidth(i, width)
    return view


def _fit_rows(view: QTableView, rows: int, most: int = 6) -> None:
    """The height of ``view``: its header and ``rows`` lines (at most ``most``, then it scrolls),
    so the space taken from the other boxes is what the lines need."""
    shown = max(1, min(rows, most))
    scroll = view.horizontalScrollBar()
    height = (view.horizontalHeader().sizeHint().height() + shown * view.verticalHeader().defaultSectionSize()
              + 2 * view.frameWidth() + (scroll.sizeHint().height() if scroll.isVisible() else 0))
    view.setFixedHeight(max(70, height))
