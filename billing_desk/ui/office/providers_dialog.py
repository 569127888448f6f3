"""Tools > Providers… (Ctrl+Shift+O): the rendering and referring providers invoices name, searched
as you type; add and edit (a person's name or an organization, NPI, taxonomy, role), deactivate
(asked first, never deleted) or reactivate, and the usual rendering provider a new invoice starts
with. Keys only: Ctrl+N a new provider, Ctrl+S save, Ctrl+F the search box, Alt+letters."""

from __future__ import annotations

from dataclasses import fields

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
)

from ...choices import PROVIDER_ROLES
from ...errors import BillingError, ValidationError
from ...services.claims import identity
from ...services.office.permissions import can
from ..buttons import add_buttons
from ..form_fields import FormFields, beside_list
from ..list_tab import ListPanel
from ..prompts import Prompter
from ..table_model import Column

LABELS = {"last_name": "&Last name", "first_name": "&First name",
          "organization": "&Organization", "npi": "&NPI", "taxonomy": "&Taxonomy code", "role": "&Role"}
HINTS = {"last_name": "a person: last name", "first_name": "and first name",
         "organization": "or a group or clinic, instead of a person", "npi": "10 digits",
         "taxonomy": "like 207Q00000X (required for a rendering provider)"}
FIELDS = [f.name for f in fields(identity.ProviderInput)]
PROVIDERS_SHORTCUT = "Ctrl+Shift+O"


def _columns() -> list[Column]:
    usual = identity.usual_rendering_provider()
    usual_id = usual.id if usual is not None else None
    return [Column("Provider", lambda p: p.display_name, width=200),
            Column("NPI", lambda p: p.npi, width=95),
            Column("Taxonomy", lambda p: p.taxonomy, width=95),
            Column("Role", lambda p: p.role + (" (usual)" if p.id == usual_id else ""), width=120),
            Column("Active", lambda p: "yes" if p.active else "no", width=50)]


class ProvidersDialog(QDialog):
    def __init__(self, session, *, prompter: Prompter | None = None, parent=None):
        super().__init__(parent)
        self.session = session
        self.prompter = prompter or Prompter(self)
        self.provider_id: int | None = None
        self.loaded_as = ""  # the version of the provider shown (services.office.stale)
        self.usual_as = identity.usual_provider_version()  # the "(usual)" the list shows
        self.setWindowTitle("Providers")
        self.list = ListPanel(_columns(), identity.providers_query,
                              ("active", "inactive") + PROVIDER_ROLES, "Search name, organization or NPI")
        self.list.status.setItemText(0, "All providers")
        self.message = QLabel(wordWrap=True, objectName="provider_message")
        self.form_fields = FormFields(self.message, "provider")
        self._layout()
        self.list.activated.connect(lambda provider: self.show_provider(provider.id, focus=True))
        self.list.chosen.connect(lambda _provider: self._show_current())
        QShortcut(QKeySequence.StandardKey.Save, self, self.save)
        QShortcut(QKeySequence.StandardKey.New, self, self.new_provider)
        QShortcut(QKeySequence.StandardKey.Find, self, self.list.search.setFocus)
        self.list.refresh()
        self._show_current()
        self.list.search.setFocus()

    def _layout(self) -> None:
        form = QFormLayout()
        for name in FIELDS:
            if name == "role":
                self.form_fields.choice(form, name, LABELS[name], PROVIDER_ROLES)
            else:
                self.form_fields.text(form, name, LABELS[name], HINTS[name], enter_moves_on=True)
        self.fields, self.errors = self.form_fields.boxes, self.form_fields.said
        row = QHBoxLayout()
        self.buttons = add_buttons(row, (
            ("new", "New provider (Ctrl+N)", self.new_provider),
            ("save", "&Save (Ctrl+S)", self.save),
            ("active", "&Deactivate…", self.toggle_active),
            ("usual", "Make the &usual rendering provider", self.make_usual),
            ("close", "Close (Esc)", self.reject)))
        top = beside_list(self.list, form, self.message)
        layout = QVBoxLayout(self)
        layout.addLayout(top, 1)
        layout.addLayout(row)
        self.form_fields.in_tab_order(self.list.search, self.list.table)
        self.resize(1000, 520)

    # --- one provider ---------------------------------------------------------------------------
    def _show_current(self) -> None:
        provider = self.list.current()
        if provider is not None:
            self.show_provider(provider.id)
        else:
            self.new_provider(focus=False)

    def show_provider(self, provider_id: int, *, focus: bool = False) -> None:
        self.provider_id = provider_id
        self.loaded_as = identity.provider_version(provider_id)  # a save over a newer one is refused
        self._fill(identity.provider_form(provider_id))
        provider = identity.get_provider(provider_id)
        self.buttons["active"].setText("&Deactivate…" if provider.active else "Reactivate… (&D)")
        self.buttons["active"].setEnabled(True)
        self.buttons["usual"].setEnabled(provider.active and provider.role == "rendering"
                                         and can(self.session.user, "change_settings"))
        self.message.setText("" if provider.active else f"{provider.display_name} is inactive: "
                             "not offered on new invoices (Reactivate brings them back).")
        if focus:
            self.fields[FIELDS[0]].setFocus()

    def _fill(self, values: identity.ProviderInput) -> None:
        self.form_fields.fill({name: getattr(values, name) for name in FIELDS})

    def new_provider(self, *, focus: bool = True) -> None:
        self.provider_id, self.loaded_as = None, ""
        self._fill(identity.ProviderInput())
        self.buttons["active"].setText("&Deactivate…")
        self.buttons["active"].setEnabled(False)
        self.buttons["usual"].setEnabled(False)
        self.message.setText("A new provider: a person's last and first name, or an organization; "
                             "the NPI, the taxonomy code and the role. Then Save (Ctrl+S).")
        if focus:
            self.fields[FIELDS[0]].setFocus()

    def form(self) -> identity.ProviderInput:
        return identity.ProviderInput(**self.form_fields.values())

    def save(self) -> bool:
        try:
            if self.provider_id is None:
                provider = identity.add_provider(self.form(), self.session.user)
            else:
                provider = identity.update_provider(self.provider_id, self.form(), self.session.user,
                                                    loaded_as=self.loaded_as)
        except BillingError as exc:
            self.form_fields.refused(exc)
            self._reread()
            return False
        self._reload(provider.id)
        self.message.setText(f"Saved {provider.display_name}")
        return True

    def _reload(self, provider_id: int) -> None:
        self.usual_as = identity.usual_provider_version()
        self.list.model.columns = _columns()
        self.list.refresh()
        self.list.select_id(provider_id)
        self.show_provider(provider_id)

    def _reread(self) -> None:
        """After a refusal: the list as the office has it now (the "(usual)" marker too), the
        boxes as the clerk typed them."""
        self.usual_as = identity.usual_provider_version()  # read first, as the list shows it
        self.list.model.columns = _columns()
        self.list.reread()

    def toggle_active(self) -> None:
        if self.provider_id is None:
            return
        provider = identity.get_provider(self.provider_id)
        name = provider.display_name
        try:
            if provider.active:
                if not self.prompter.confirm("Deactivate provider", f"Deactivate {name}? New invoices "
                                             "no longer offer them; the invoices and claims that name "
                                             "them keep them (nothing is deleted).", default_no=True):
                    return
                reason = self.prompter.ask_text("Deactivate provider", f"Why is {name} leaving the list?")
                if reason is None:
                    return
                identity.deactivate_provider(provider.id, reason, self.session.user)
                done = f"Deactivated {name}"
            else:
                if not self.prompter.confirm("Reactivate provider", f"Reactivate {name}? New invoices "
                                             "offer them again.", default_no=True):
                    return
                identity.reactivate_provider(provider.id, self.session.user)
                done = f"Reactivated {name}"
        except ValidationError as exc:
            self.message.setText("; ".join(p.message for p in exc.problems))
            return
        except BillingError as exc:
            self.message.setText(str(exc))
            self._reread()
            return
        self._reload(provider.id)
        self.message.setText(done)

    def make_usual(self) -> None:
        if self.provider_id is None:
            return
        try:
            identity.set_usual_rendering_provider(self.provider_id, self.session.user,
                                                  loaded_as=self.usual_as)
        except BillingError as exc:
            self.message.setText(str(exc))
            self._reread()
            return
        self._reload(self.provider_id)
        name = identity.get_provider(self.provider_id).display_name
        self.message.setText(f"New invoices start with {name} as the rendering provider")


def install_providers_action(window) -> None:
    """Tools > Providers… (Ctrl+Shift+O)."""
    def open_providers() -> ProvidersDialog:
        return window.show_tool(ProvidersDialog(window.session, prompter=window.prompter, parent=window))

    window.add_action("&Tools", "Pro&viders…", open_providers, PROVIDERS_SHORTCUT,
                      tip="The rendering and referring providers (name, NPI, taxonomy) invoices name")
