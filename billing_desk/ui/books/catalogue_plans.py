"""Plans and coverage rules: each plan's copay, deductible, coinsurance and out-of-pocket maximum,
and for every code whether the plan covers it, does not, or needs prior authorization."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from ...errors import BillingError
from ...money import format_money
from ...services.books import payments, plans
from ..form_fields import FormFields
from ..refusals import with_typed
from .invoice_models import RowsModel

PLAN_TERMS = ("name", "copay", "deductible", "coinsurance", "out_of_pocket_max")


def _money_text(value) -> str:
    return "" if value is None else format_money(value, currency=False)


def plan_values(plan) -> dict[str, str]:
    """A plan's terms as its form shows them (blank: none); a new plan's all blank."""
    if plan is None:
        return dict.fromkeys(PLAN_TERMS, "")
    return {"name": plan.name, "copay": _money_text(plan.copay), "deductible": _money_text(plan.deductible),
            "coinsurance": _money_text(plan.coinsurance),
            "out_of_pocket_max": _money_text(plan.out_of_pocket_max)}


RULE_TEXT = {"covered": "covered", "not_covered": "not covered", "prior_auth": "prior auth"}
RULE_CODES = {text: rule for rule, text in RULE_TEXT.items()}


class PlansDialog(QDialog):
    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.setWindowTitle("Plans and coverage rules")
        self.resize(900, 600)
        self.plan_choice = QComboBox(objectName="plan_choice")
        self.covers_unlisted = QCheckBox("Covers codes not listed below")
        self.rules = RowsModel(["Code", "Description", "Rule (c / n / p)"], editable=(2,),
                               on_edit=self._edit_rule, parent=self)
        self.table = QTableView()
        self.table.setModel(self.rules)
        self.table.setColumnWidth(1, 320)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.AnyKeyPressed
                                   | QAbstractItemView.EditTrigger.DoubleClicked)
        self.message = QLabel(wordWrap=True, objectName="plan_message")
        self.form_fields = FormFields(self.message, "plan")
        form = QFormLayout()
        form.addRow("&Plan", self.plan_choice)
        self.payer = self.form_fields.choice(form, "payer", "Insurance &company",
                                             [payer.name for payer in payments.active_payers()])
        for name, label in (("name", "&Name"), ("copay", "C&opay"), ("deductible", "&Deductible"),
                            ("coinsurance", "Co&insurance % (patient)"),
                            ("out_of_pocket_max", "Out-of-pocket &max (blank: none)")):
            self.form_fields.text(form, name, label)
        self.fields = {key: box for key, box in self.form_fields.boxes.items() if key != "payer"}
        form.addRow("", self.covers_unlisted)
        buttons = QHBoxLayout()
        for text, slot in (("Ne&w plan", self.new_plan), ("&Save (Ctrl+S)", self.save),
                           ("Close", self.reject)):
            button = QPushButton(text, autoDefault=False)
            button.clicked.connect(lambda _c=False, slot=slot: slot())
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel("Type c (covered), n (not covered) or p (prior authorization) "
                                "on a code's rule:"))
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save)
        self.plan_choice.currentIndexChanged.connect(lambda _i: self.show_plan())
        self._load_choices()

    def _load_choices(self, select_id: int | None = None, *, show: bool = True) -> None:
        """The plans as the office has them now; ``show``: the chosen plan's boxes filled (not
        after a refusal: the boxes keep what the clerk typed)."""
        self.plan_choice.blockSignals(True)
        self.plan_choice.clear()
        for plan in plans.all_plans():
            self.plan_choice.addItem(str(plan), plan.id)
        if select_id is not None:
            self.plan_choice.setCurrentIndex(self.plan_choice.findData(select_id))
        self.plan_choice.blockSignals(False)
        if show:
            self.show_plan()

    def show_plan(self) -> None:
        plan_id = self.plan_choice.currentData()
        plan = plans.get_plan(plan_id)
        self.plan_id = plan.id if plan else None
        self.loaded_as = plans.plan_version(plan)  # a save over a newer one is refused
        self.form_fields.fill(plan_values(plan) | {"payer": plan.payer.name if plan else ""})
        self.covers_unlisted.setChecked(plan.covers_unlisted if plan else True)
        self.rules.set_rows([[c, d, RULE_TEXT[r]] for c, d, r in plans.plan_rules(plan.id)]
                            if plan else [])

    def new_plan(self) -> None:
        self.plan_id, self.loaded_as = None, ""
        self.form_fields.fill(plan_values(None))
        self.rules.set_rows([])
        self.fields["name"].setFocus()

    def save(self) -> bool:
        data: dict[str, object] = dict(self.form_fields.values())
        data.update(covers_unlisted=self.covers_unlisted.isChecked())
        try:
            plan = plans.save_plan(self.plan_id, data, self.session.user, loaded_as=self.loaded_as)
        except BillingError as exc:  # bad boxes, or changed at another workstation: typing kept
            self.form_fields.refused(exc)
            self._load_choices(self.plan_choice.currentData(), show=False)  # the names as they are now
            return False
        self.message.setText(f"Saved {plan}")
        self._load_choices(plan.id)
        return True

    def _edit_rule(self, row: int, _column: int, text: str) -> str | None:
        if self.plan_id is None:
            return "save the plan first"
        code = self.rules.rows[row][0]
        try:
            shown = plans.rule_version_of(RULE_CODES[self.rules.rows[row][2]])
            rule = plans.set_rule(self.plan_id, code, text, self.session.user, loaded_as=shown)
        except BillingError as exc:  # the table shows the rules as they are now; the message, the typing
            self.message.setText(with_typed(exc, text))
            plan_id = self.plan_id
            QTimer.singleShot(0, lambda: self._reread_rules(plan_id))  # once the cell is closed
            return str(exc)
        self.rules.rows[row][2] = RULE_TEXT[rule]
        self.message.setText(f"{code}: {RULE_TEXT[rule]}")
        return None

    def _reread_rules(self, plan_id: int) -> None:
        if self.plan_id == plan_id:
            self.rules.update_rows([[c, d, RULE_TEXT[r]] for c, d, r in plans.plan_rules(plan_id)])
