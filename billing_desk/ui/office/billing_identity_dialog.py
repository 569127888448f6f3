"""Tools > Billing identity… (Ctrl+Shift+B): the office as its claims name it, the billing provider
(CMS-1500 boxes 25 and 33, the 837P's 2010AA) and the 837P's submitter and receiver. Keys only:
Enter moves on, Ctrl+S saves, Esc closes (asking first when something was typed); a problem is
shown under its box. A supervisor or the administrator saves it; everyone else may look.

``ensure_billing_identity(parent, session, prompter)`` is the walk-through a new office gets before
its first claim: it opens the dialog while the identity is incomplete and says whether it is
complete now."""

from __future__ import annotations

from dataclasses import asdict

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...choices import TAX_ID_KINDS
from ...errors import BillingError
from ...services.claims.identity import (
    BillingIdentity,
    billing_identity,
    identity_problems,
    identity_version,
    save_billing_identity,
)
from ...services.office.permissions import can
from ..form_fields import FormFields
from ..prompts import Prompter

ERROR_STYLE = "color: #b00020;"
PROVIDER_FIELDS = (
    ("name", "Billing provider &name", "the practice or doctor as the payer knows it"),
    ("npi", "N&PI", "10 digits, from the NPI letter"),
    ("tax_id", "&Tax id", "EIN 12-3456789 or SSN 123-45-6789"),
    ("tax_id_kind", "Tax id &kind", ""),
    ("taxonomy", "Ta&xonomy code", "10 characters, like 207Q00000X"),
    ("street", "&Street", "where the office is (no PO box)"),
    ("street2", "Street &2", "suite, floor (optional)"),
    ("city", "&City", ""),
    ("state", "St&ate", "2 letters, like IL"),
    ("zip_code", "&ZIP+4", "all 9 digits, like 62701-1234"),
    ("phone", "P&hone", "(217) 555-0140"),
)
SENDER_FIELDS = (
    ("submitter_name", "S&ubmitter name", "the office as the clearinghouse knows it"),
    ("submitter_id", "Submitter &id", "the id the clearinghouse gave the office"),
    ("contact_name", "C&ontact name", "who the clearinghouse calls about a file"),
    ("contact_phone", "Contact phon&e", ""),
    ("receiver_name", "&Receiver name", "the clearinghouse"),
    ("receiver_id", "Recei&ver id", "the clearinghouse's id for its files"),
    ("production", "Fi&les are", "test files until the clearinghouse says to send real ones"),
)
FIELDS = [name for name, _label, _hint in PROVIDER_FIELDS + SENDER_FIELDS]
FILE_KINDS = ("Test (the clearinghouse only checks them)", "Production (real claims)")
IDENTITY_SHORTCUT = "Ctrl+Shift+B"


class BillingIdentityDialog(QDialog):
    def __init__(self, session, *, prompter: Prompter | None = None, parent=None):
        super().__init__(parent)
        self.session = session
        self.prompter = prompter or Prompter(self)
        self.editable = can(session.user, "change_settings")
        self.dirty = False
        self.setWindowTitle("Billing identity")
        self.note = QLabel(wordWrap=True, objectName="identity_note")
        self.message = QLabel(wordWrap=True, objectName="identity_message", styleSheet=ERROR_STYLE)
        self.form_fields = FormFields(self.message, "identity")
        self.fields, self.errors = self.form_fields.boxes, self.form_fields.said
        self.save_button = QPushButton("Save (Ctrl+S)", autoDefault=False, objectName="identity_save")
        self.close_button = QPushButton("Close (Esc)", autoDefault=False, objectName="identity_close")
        self._layout()
        self.save_button.clicked.connect(lambda _c=False: self.save())
        self.close_button.clicked.connect(lambda _c=False: self.reject())
        QShortcut(QKeySequence.StandardKey.Save, self, self.save)
        self.loaded_as = identity_version()  # a save over a newer one is refused
        self._fill(billing_identity())

    def _group(self, title: str, specs) -> QGroupBox:
        box = QGroupBox(title)
        form = QFormLayout(box)
        for name, label, hint in specs:
            if name in ("tax_id_kind", "production"):
                choice = self.form_fields.choice(form, name, label, TAX_ID_KINDS if name == "tax_id_kind"
                                                 else FILE_KINDS, hint)
                choice.currentIndexChanged.connect(self._touched)
            else:
                text = self.form_fields.text(form, name, label, hint, enter_moves_on=True)
                text.textEdited.connect(self._touched)
        return box

    def _layout(self) -> None:
        columns = QHBoxLayout()
        columns.addWidget(self._group("Billing provider (claim form boxes 25 and 33)", PROVIDER_FIELDS), 1)
        sender = QWidget()
        side = QVBoxLayout(sender)
        side.setContentsMargins(0, 0, 0, 0)
        side.addWidget(self._group("Electronic claims (837P files)", SENDER_FIELDS))
        side.addWidget(QLabel("The submitter and receiver are needed only for 837P files; paper "
                              "claims go out without them.", wordWrap=True, styleSheet="color: #555"))
        side.addStretch(1)
        columns.addWidget(sender, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addLayout(columns, 1)
        layout.addLayout(buttons)
        self.save_button.setEnabled(self.editable)
        self.form_fields.set_editable(self.editable)
        self.form_fields.in_tab_order()
        self.resize(940, 560)

    # --- values ---------------------------------------------------------------------------------
    def _touched(self, *_args) -> None:
        self.dirty = True

    def _fill(self, identity: BillingIdentity) -> None:
        self.form_fields.fill(asdict(identity) | {"tax_id_kind": identity.tax_id_kind or TAX_ID_KINDS[0],
                                                  "production": FILE_KINDS[1 if identity.production else 0]})
        problems = identity_problems(identity)
        started = any(str(v).strip() for k, v in asdict(identity).items()
                      if k not in ("tax_id_kind", "production"))
        self.form_fields.show(problems if started else [], focus=False)
        self._say(problems)
        self.dirty = False
        self.fields["name"].setFocus()

    def _say(self, problems) -> None:
        if not self.editable:
            text = "Only a supervisor or the administrator may change the billing identity; you can look."
        elif problems:
            text = ("Claims cannot go out until the billing provider is complete: fill in every box "
                    "on the left (the NPI, tax id and taxonomy are on the office's NPI letter), "
                    "then Save (Ctrl+S).")
        else:
            text = ("The billing identity on file is complete: claims may go out. Enter moves to the "
                    "next box, Ctrl+S saves, Esc closes.")
        self.note.setText(text)

    def identity(self) -> BillingIdentity:
        values: dict = dict(self.form_fields.values())
        values["production"] = values["production"] == FILE_KINDS[1]
        return BillingIdentity(**values)

    def save(self) -> bool:
        if not self.editable:
            return False
        try:
            saved = save_billing_identity(self.identity(), self.session.user, loaded_as=self.loaded_as)
        except BillingError as exc:
            self.form_fields.refused(exc)
            return False
        self._fill(saved)
        self.message.setText("")
        self.accept()
        return True

    def reject(self) -> None:
        """Esc / Close: ask before throwing typed boxes away (Enter answers No)."""
        if self.dirty and not self.prompter.confirm(
                "Billing identity", "Close without saving what was typed?", default_no=True):
            return
        super().reject()


def ensure_billing_identity(parent, session, prompter: Prompter) -> bool:
    """Before a claim goes out: True when the billing identity is complete; otherwise open the
    Billing identity dialog (a supervisor fills it in; anyone else is told who must) and say
    whether it is complete now."""
    if not identity_problems(billing_identity()):
        return True
    if not can(session.user, "change_settings"):
        prompter.warn("Billing identity", "The office's billing identity (its NPI, tax id, taxonomy "
                      "and address) is not complete, so no claim can go out yet. A supervisor or "
                      "the administrator fills it in under Tools > Billing identity….")
        return False
    prompter.run(BillingIdentityDialog(session, prompter=prompter, parent=parent))
    return not identity_problems(billing_identity())


def install_identity_action(window) -> None:
    """Tools > Billing identity… (Ctrl+Shift+B)."""
    def open_identity() -> BillingIdentityDialog:
        dialog = BillingIdentityDialog(window.session, prompter=window.prompter, parent=window)
        dialog.finished.connect(lambda _r: window.refresh())
        return window.show_tool(dialog)

    window.add_action("&Tools", "&Billing identity…", open_identity, IDENTITY_SHORTCUT,
                      tip="The office's NPI, tax id, taxonomy and address on claims; the 837P sender")
