"""The plans of one payer on the Payers screen: their terms, a copay per code category where a
plan differs (an office visit: $25, no deductible), and the payer's fee schedule (allowed per
code). Covered / not covered / prior authorization per code opens the Plans dialog."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...errors import BillingError, ValidationError
from ...services.books import catalogue, payers, plans
from ..form_fields import FormFields
from ..refusals import with_typed
from .catalogue_plans import PlansDialog, plan_values
from .invoice_models import RowsModel

ERROR_STYLE = "color: #b00020"
PLAN_FIELDS = (("name", "P&lan name"), ("copay", "Copa&y"), ("deductible", "Deducti&ble"),
               ("coinsurance", "Coins&urance % (patient)"),
               ("out_of_pocket_max", "Out-of-poc&ket max (blank: none)"))
YES = {"y": True, "yes": True, "n": False, "no": False, "": False}


def _table(model: RowsModel, name: str, stretch: int | None = None) -> QTableView:
    """A small editable table whose headers read whole; ``stretch`` takes the spare width
    (default: the last column)."""
    view = QTableView(objectName=name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)  # headers read whole
    if stretch is None:
        header.setStretchLastSection(True)
    else:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    view.setWordWrap(False)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
    view.setEditTriggers(QAbstractItemView.EditTrigger.AnyKeyPressed
                         | QAbstractItemView.EditTrigger.DoubleClicked)
    return view


class PayerPlansPanel(QWidget):
    said = Signal(str)  # a line for the screen's message

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.payer_id: int | None = None
        self.payer_name = ""
        self.plan_id: int | None = None
        self.loaded_as = ""  # the version of the plan shown (services.office.stale)
        self.plans_model = RowsModel(["Plan", "Copay", "Deductible", "Coinsurance %", "OOP max",
                                      "Active"], parent=self)
        self.plans_view = _table(self.plans_model, "payer_plans")
        self.plans_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.message = QLabel(wordWrap=True, objectName="plan_message", styleSheet=ERROR_STYLE)
        self.form_fields = FormFields(self.message, "plan")
        self.copays = RowsModel(["Category", "Copay (blank: the plan's)", "Deductible applies (y/n)"],
                                editable=(1, 2), on_edit=self._edit_copay, parent=self)
        self.copays_view = _table(self.copays, "plan_copays")
        self.fees = RowsModel(["Code", "Description", "Allowed (blank: the charge)"], editable=(2,),
                              on_edit=self._edit_fee, parent=self)
        self.fees_view = _table(self.fees, "payer_fees", stretch=1)
        self.buttons: dict[str, QPushButton] = {}
        self._rereading = False
        self._layout()
        self.plans_view.selectionModel().currentRowChanged.connect(
            lambda cur, _prev: None if self._rereading else self._pick(cur.row()))

    def _layout(self) -> None:
        plans_label = QLabel("&Plans")
        plans_label.setBuddy(self.plans_view)
        form = QFormLayout()
        for name, label in PLAN_FIELDS:
            self.form_fields.text(form, name, label)
        self.fields = self.form_fields.boxes
        row = QHBoxLayout()
        for key, text, slot in (("new", "Ne&w plan", self.new_plan), ("save", "Sa&ve plan", self.save_plan),
                                ("rules", "&Rules per code…", self.open_rules)):
            button = QPushButton(text, autoDefault=False, objectName=f"plan_{key}")
            button.clicked.connect(lambda _c=False, slot=slot: slot())
            row.addWidget(button)
            self.buttons[key] = button
        row.addStretch(1)
        copays_label = QLabel("Copays by cate&gory (for the plan picked above)")
        copays_label.setBuddy(self.copays_view)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (plans_label, self.plans_view):
            layout.addWidget(widget)
        layout.addLayout(form)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addWidget(copays_label)
        layout.addWidget(self.copays_view)
        layout.addWidget(QLabel("Fee schedule (the payer's allowed amount per code)"))
        layout.addWidget(self.fees_view, 1)

    # --- the payer and its plans ----------------------------------------------------------------
    def set_payer(self, payer_id: int | None, name: str = "") -> None:
        self.payer_id, self.payer_name = payer_id, name
        for button in self.buttons.values():
            button.setEnabled(payer_id is not None)
        self.fees.set_rows([list(f) for f in payers.payer_fees(payer_id)] if payer_id else [])
        self._load_plans()

    def _read_plans(self) -> list[int]:
        """The payer's plans as the office has them now, in the list; their ids."""
        self.plan_rows = payers.payer_plans(self.payer_id) if self.payer_id else []
        self.plans_model.set_rows([[p.name, p.copay, p.deductible, p.coinsurance, p.out_of_pocket_max,
                                    p.active] for p in self.plan_rows])
        return [p.id for p in self.plan_rows]

    def _load_plans(self, select_id: int | None = None) -> None:
        ids = self._read_plans()
        if select_id in ids:
            self.plans_view.selectRow(ids.index(select_id))
            self._pick(ids.index(select_id))
        else:
            self.new_plan(focus=False)

    def _reread_plans(self) -> None:
        """After a refusal: the plans and the picked plan's copays as the office has them now,
        the same plan picked; the boxes keep what the clerk typed."""
        self._rereading = True
        try:
            ids = self._read_plans()
            if self.plan_id in ids:
                self.plans_view.selectRow(ids.index(self.plan_id))
        finally:
            self._rereading = False
        self._load_copays()

    def _pick(self, row: int) -> None:
        if not 0 <= row < len(self.plan_rows):
            return
        plan = self.plan_rows[row]
        self.plan_id, self.loaded_as = plan.id, plans.plan_version(plan)
        self.form_fields.fill(plan_values(plan))
        self._load_copays()

    def _copay_rows(self) -> list[list]:
        """Every catalogue category with this plan's copay for it (blank: the plan's own)."""
        if not self.plan_id:
            return []
        mine = {c: (copay, applies) for c, copay, applies in plans.category_copays(self.plan_id)}
        return [[c, mine[c][0] if c in mine else None, ("yes" if mine[c][1] else "no") if c in mine else ""]
                for c in plans.catalogue_categories()]

    def _load_copays(self) -> None:
        self.copays.set_rows(self._copay_rows())

    def new_plan(self, focus: bool = True) -> None:
        self.plan_id, self.loaded_as = None, ""
        self.form_fields.fill(plan_values(None))
        self.copays.set_rows([])
        if focus:
            self.fields["name"].setFocus()

    def save_plan(self) -> bool:
        if self.payer_id is None:
            self.said.emit("Save the payer first, then its plans")
            return False
        data = self.form_fields.values() | {"payer": self.payer_name}
        try:
            plan = plans.save_plan(self.plan_id, data, self.session.user, loaded_as=self.loaded_as)
        except ValidationError as exc:
            self.form_fields.refused(exc)
            self.said.emit("The plan was not saved: its boxes marked in red say why")
            return False
        except BillingError as exc:  # changed at another workstation: the typing stays
            self.said.emit(str(exc))
            self._reread_plans()
            return False
        self._load_plans(plan.id)
        self.said.emit(f"Saved plan {plan.name}")
        return True

    def open_rules(self):
        """The Plans dialog on this plan: covered / not covered / prior authorization per code."""
        if self.plan_id is None:
            self.said.emit("Pick or save a plan first")
            return None
        dialog = PlansDialog(self.session, parent=self)
        dialog.plan_choice.setCurrentIndex(dialog.plan_choice.findData(self.plan_id))
        dialog.show()
        return dialog

    # --- edits in the tables --------------------------------------------------------------------
    def _edit_copay(self, row: int, column: int, text: str) -> str | None:
        if self.plan_id is None:
            return "Pick or save a plan first"
        category, copay, applies = self.copays.rows[row]
        if column == 1:
            copay_text, deductible_applies = text, applies == "yes"
        else:
            word = text.strip().lower()
            problem = "y or n" if word not in YES else "type the copay first" if copay is None else ""
            if problem:
                self.said.emit(f"{category}: {problem}")
                return problem
            copay_text, deductible_applies = str(copay), YES[word]
        try:
            shown = plans.copay_version_of(copay, {"yes": True, "no": False}.get(applies))
            plans.set_category_copay(self.plan_id, category, copay_text, deductible_applies,
                                     self.session.user, loaded_as=shown)
        except BillingError as exc:  # the table shows the copays as they are now; the message, the typing
            self.said.emit(with_typed(exc, text))
            plan_id = self.plan_id
            QTimer.singleShot(0, lambda: self._reread_copays(plan_id))  # once the cell is closed
            return str(exc)
        self.copays.rows = self._copay_rows()  # in place: the view is committing this cell
        self.said.emit(f"{category}: copay saved")
        return None

    def _edit_fee(self, row: int, _column: int, text: str) -> str | None:
        if self.payer_id is None:
            return "Pick or save a payer first"
        code = self.fees.rows[row][0]
        try:
            catalogue.save_fee(self.payer_name, code, text, self.session.user,
                               loaded_as=catalogue.fee_version_of(self.fees.rows[row][2]))
        except BillingError as exc:  # the table shows the fees as they are now; the message, the typing
            self.said.emit(with_typed(exc, text))
            payer_id = self.payer_id
            QTimer.singleShot(0, lambda: self._reread_fees(payer_id))  # once the cell is closed
            return str(exc)
        self.fees.rows[row][2] = dict((c, a) for c, _d, a in payers.payer_fees(self.payer_id)).get(code)
        self.said.emit(f"{code}: allowed amount saved")
        return None

    def _reread_copays(self, plan_id: int | None) -> None:
        if plan_id is not None and self.plan_id == plan_id:
            self.copays.update_rows(self._copay_rows())

    def _reread_fees(self, payer_id: int | None) -> None:
        if payer_id is not None and self.payer_id == payer_id:
            self.fees.update_rows([list(f) for f in payers.payer_fees(payer_id)])
