"""The invoice's boxes for its claim: who rendered the services, who referred the patient, and the
plan's prior authorization number. The rendering provider's pick box sits in the invoice's header
where the superbill names the provider (Alt+P; a new invoice starts with the office's usual one,
so Enter passes it); the others after the lines and the notes (Tab from the notes, or Alt+F /
Alt+U), so a clerk typing a superbill passes none of them."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QLineEdit

from ...services.claims import identity

NONE = "(none)"


def _label(provider) -> str:
    text = f"{provider.display_name} — NPI {provider.npi}"
    return text if provider.active else f"{text} (inactive)"


class ClaimFields(QGroupBox):
    """Rendering and referring provider pick boxes (active providers; blank allowed) and the prior
    authorization number; the form places the rendering one in its header."""

    def __init__(self, parent=None):
        super().__init__("For the claim", parent)
        self.rendering = QComboBox(objectName="rendering_provider")
        self.referring = QComboBox(objectName="referring_provider")
        self.prior_authorization = QLineEdit(objectName="prior_authorization",
                                             placeholderText="from the plan's approval letter")
        for combo in (self.rendering, self.referring):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(28)
        form = QFormLayout(self)
        form.setContentsMargins(6, 2, 6, 2)
        form.setVerticalSpacing(3)
        form.addRow("Re&ferring provider", self.referring)
        form.addRow("Prior a&uth number", self.prior_authorization)
        self.widgets = (self.referring, self.prior_authorization)  # the rendering one: in the header
        self.names: dict[int, str] = {}

    def _choices(self, combo: QComboBox, role: str, chosen: int | None) -> None:
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(NONE, None)
        providers = identity.search_providers("", role, limit=500)
        if chosen and all(p.id != chosen for p in providers):
            providers.append(identity.get_provider(chosen))  # a draft naming one since deactivated
        for provider in providers:
            combo.addItem(_label(provider), provider.id)
            self.names[provider.id] = provider.display_name
        combo.setCurrentIndex(max(combo.findData(chosen), 0) if chosen else 0)
        combo.blockSignals(False)

    def show_values(self, rendering_id: int | None, referring_id: int | None, prior_auth: str) -> None:
        self._choices(self.rendering, "rendering", rendering_id)
        self._choices(self.referring, "referring", referring_id)
        self.prior_authorization.setText(prior_auth or "")

    def start_new(self) -> None:
        """A new invoice: the office's usual rendering provider, nobody referring, no number."""
        usual = identity.usual_rendering_provider()
        self.show_values(usual.id if usual is not None else None, None, "")

    def rendering_id(self) -> int | None:
        return self.rendering.currentData()

    def rendering_name(self) -> str:
        """The chosen rendering provider's name as the invoice prints it ("" for none)."""
        chosen = self.rendering_id()
        return self.names.get(chosen, "") if chosen else ""

    def referring_id(self) -> int | None:
        return self.referring.currentData()

    def prior_auth(self) -> str:
        return self.prior_authorization.text()

    def set_editable(self, editable: bool) -> None:
        self.rendering.setEnabled(editable)
        self.referring.setEnabled(editable)
        self.prior_authorization.setReadOnly(not editable)

    def connect_touched(self, touched) -> None:
        self.rendering.currentIndexChanged.connect(touched)
        self.referring.currentIndexChanged.connect(touched)
        self.prior_authorization.textEdited.connect(touched)
