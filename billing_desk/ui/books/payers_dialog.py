"""The Payers screen: the office's insurance companies (search as you type), one payer's form
(its program, where and how its claims go), its plans and fee schedule, Deactivate / Reactivate (never delete)
and export to Excel in the layout ``billing-desk import payers`` reads. Keys only: Ctrl+N a new
payer, Ctrl+S save, Alt+letters for every field."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
)

from ...choices import CLAIM_MODES, DEFAULT_PAYER_PROGRAM, PAYER_PROGRAMS
from ...errors import BillingError
from ...services.books import era_payer, payer_import, payers
from ..form_fields import FormFields, beside_list
from ..list_tab import ListPanel
from ..prompts import Prompter
from ..table_model import Column
from .payer_plans import PayerPlansPanel

COLUMNS = [Column("Payer", lambda p: p.name, width=180),
           Column("Program", lambda p: PAYER_PROGRAMS[p.program].short, width=90),
           Column("Payer id", lambda p: p.payer_id, width=70),
           Column("Claims by", lambda p: p.claim_mode, width=70),
           Column("Phone", lambda p: p.phone, width=110),
           Column("Active", lambda p: p.active, width=50)]
FORM_LABELS = {"name": "&Name", "program": "Program (&Q)", "payer_id": "Payer &id (electronic)",
               "address": "Claims &address", "phone": "P&hone", "fax": "&Fax", "portal": "P&ortal address",
               "timely_filing_days": "&Timely filing (days)",
               "follow_up_days": "Follow-up after (days; blank 30) (&J)", "claim_mode": "&Claims by",
               "member_id_pattern": "&Member id pattern", "notes": "Not&es"}


class PayersDialog(QDialog):
    saved = Signal(str)  # the name of a payer just saved

    def __init__(self, session, *, prompter=None, parent=None, new_name: str | None = None):
        super().__init__(parent)
        self.session = session
        self.prompter = prompter or Prompter(self)
        self.payer_id: int | None = None
        self.loaded_as = ""  # the version of the payer shown (services.office.stale)
        self.setWindowTitle("Payers and plans")
        self.resize(1250, 760)
        self.list = ListPanel(COLUMNS, payers.payers_query, ("active", "inactive"),
                              "Search payer name or payer id")
        self.plans = PayerPlansPanel(session, parent=self)
        self.message = QLabel(wordWrap=True, objectName="payer_message")
        self.form_fields = FormFields(self.message, "payer")
        self.buttons: dict[str, QPushButton] = {}
        self._layout()
        self.plans.said.connect(self.message.setText)
        self.list.activated.connect(lambda payer: self.show_payer(payer.id))
        self.list.chosen.connect(lambda _payer: self._show_current())
        QShortcut(QKeySequence.StandardKey.Save, self, self.save)
        QShortcut(QKeySequence.StandardKey.New, self, self.new_payer)
        QShortcut(QKeySequence("Ctrl+K"), self, self.log_call)
        self.list.refresh()
        if new_name is not None:
            self.new_payer(new_name)
        else:
            self._show_current()

    def _layout(self) -> None:
        form = QFormLayout()
        for name in payers.FIELDS:
            if name == "claim_mode":
                self.form_fields.choice(form, name, FORM_LABELS[name], CLAIM_MODES)
            elif name == "program":
                self.program = QComboBox()
                for key, label in payers.program_choices():
                    self.program.addItem(label, key)
                self.form_fields.add(form, name, FORM_LABELS[name], self.program,
                                     "Medicare, Medicaid, commercial...: the claims' filing code (837P) "
                                     "and box 1 of the CMS-1500")
            else:
                self.form_fields.text(form, name, FORM_LABELS[name])
        self.fields, self.errors = self.form_fields.boxes, self.form_fields.said
        row = QHBoxLayout()
        for key, text, slot in (("new", "New payer (Ctrl+N)", lambda: self.new_payer()),
                                ("save", "&Save (Ctrl+S)", self.save),
                                ("active", "&Deactivate…", self.toggle_active),
                                ("export", "E&xport to Excel…", self.export),
                                ("call", "Log a call (Ctrl+K)…", self.log_call),
                                ("close", "Close", self.reject)):
            button = QPushButton(text, autoDefault=False, objectName=f"payer_{key}")
            button.clicked.connect(lambda _c=False, slot=slot: slot())
            row.addWidget(button)
            self.buttons[key] = button
        top = beside_list(self.list, form, self.message, weights=(3, 3), more=[(self.plans, 4)])
        layout = QVBoxLayout(self)
        layout.addLayout(top, 1)
        layout.addLayout(row)
        self.form_fields.in_tab_order(after=self.plans.fields.values())

    # --- one payer ------------------------------------------------------------------------------
    def _show_current(self) -> None:
        payer = self.list.current()
        if payer is not None:
            self.show_payer(payer.id)
        else:
            self.new_payer()

    def show_payer(self, payer_id: int) -> None:
        self.payer_id = payer_id
        self.loaded_as = payers.payer_version(payer_id)  # a save over a newer one is refused
        self._fill(payers.payer_form(payer_id))
        payer = payers.get_payer(payer_id)
        self.buttons["active"].setText("&Deactivate…" if payer.active else "Reactivate… (&D)")
        self.buttons["active"].setEnabled(True)
        self.plans.set_payer(payer_id, payer.name)

    def _fill(self, form: payers.PayerForm) -> None:
        self.form_fields.fill({name: getattr(form, name) for name in payers.FIELDS}
                              | {"claim_mode": form.claim_mode or "electronic",
                                 "program": form.program or DEFAULT_PAYER_PROGRAM})

    def log_call(self) -> None:
        """A call with the chosen payer itself (not about one claim or coverage)."""
        from ..claims.calls import CallDialog

        if self.payer_id is None:
            self.message.setText("Save the payer first, or choose one from the list.")
            return
        name = payers.get_payer(self.payer_id).name
        if self.prompter.run(CallDialog(self.session, {"payer_id": self.payer_id}, about=name, parent=self)):
            self.message.setText(f"Call with {name} recorded.")

    def new_payer(self, name: str = "") -> None:
        self.payer_id, self.loaded_as = None, ""
        self._fill(payers.PayerForm(name=name))
        self.buttons["active"].setText("&Deactivate…")
        self.buttons["active"].setEnabled(False)
        self.plans.set_payer(None)
        self.message.setText("A new payer: fill in its claims details, then Save (Ctrl+S)")
        focus = self.fields["payer_id"] if name else self.fields["name"]
        focus.setFocus()

    def form(self) -> payers.PayerForm:
        return payers.PayerForm(**self.form_fields.values())

    def save(self) -> bool:
        try:
            payer = payers.save_payer(self.payer_id, self.form(), self.session.user,
                                      loaded_as=self.loaded_as)
        except BillingError as exc:  # bad boxes, or changed at another workstation: typing kept
            self.form_fields.refused(exc)
            self.list.reread()  # the list as the office has it now
            return False
        self.list.refresh()
        self.list.select_id(payer.id)
        self.show_payer(payer.id)
        shared = era_payer.shared_warning(payer.name, payer.payer_id)
        self.message.setText(f"Saved {payer.name}" + (f". Please note: {shared}" if shared else ""))
        self.saved.emit(payer.name)
        return True

    def toggle_active(self) -> None:
        if self.payer_id is None:
            return
        payer = payers.get_payer(self.payer_id)
        verb = "Deactivate" if payer.active else "Reactivate"
        question = (f"{verb} {payer.name}? " + ("It leaves the lists for new registrations; its "
                    "plans, coverages and history stay." if payer.active else
                    "It comes back in the lists."))
        if not self.prompter.confirm(f"{verb} payer", question):
            return
        try:
            payers.set_active(payer.id, not payer.active, self.session.user, loaded_as=self.loaded_as)
        except BillingError as exc:
            self.message.setText(str(exc))
            self.list.reread()  # the list as the office has it now, the boxes as typed
            return
        self.list.refresh()
        self.list.select_id(payer.id)
        self.show_payer(payer.id)
        self.message.setText(f"{verb}d {payer.name}")

    def export(self) -> None:
        path = self.prompter.choose_save_file("Export payers and plans", "payers.xlsx", "Excel (*.xlsx)")
        if not path:
            return
        try:
            rows = payer_import.export_payers(path)
        except BillingError as exc:
            self.message.setText(str(exc))
            return
        self.message.setText(f"Exported {rows} row(s) to {path}")


PAYERS_SHORTCUT = "Ctrl+Shift+Y"


def install_payers_action(window) -> None:
    """Tools > Payers and plans… (Ctrl+Shift+Y): opened from the Invoice Entry tab."""
    def open_payers():
        return window.open_tab("InvoicesTab").payers()  # built first if it was not yet shown

    window.add_action("&Tools", "Pa&yers and plans…", open_payers, PAYERS_SHORTCUT,
                      tip="The insurance companies, their claims details, plans and fee schedules")
