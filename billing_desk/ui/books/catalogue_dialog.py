"""Catalogue maintenance: the office's codes and each payer's allowed amount for them, with
export to Excel and import from Excel or CSV (every bad row listed before anything is saved)."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from ...choices import ITEM_KINDS
from ...errors import BillingError, ValidationError
from ...field_names import words
from ...money import format_money
from ...services.books import catalogue
from ..form_fields import FormFields, beside_list
from ..list_tab import ListPanel
from ..prompts import Prompter
from ..refusals import with_typed
from ..table_model import Column
from ..work import BackgroundJob, run_in_background
from .invoice_models import RowsModel

COLUMNS = [Column("Code", lambda i: i.code, width=80),
           Column("Description", lambda i: i.description, width=240),
           Column("Category", lambda i: i.category, width=100),
           Column("Price", lambda i: i.unit_price, width=80),
           Column("Superbill", lambda i: i.common, width=70),
           Column("Active", lambda i: i.active, width=50)]


class CatalogueDialog(QDialog):
    actions: dict[str, QPushButton]  # type: ignore[assignment]  # shadows QWidget.actions(), unused here

    def __init__(self, session, *, prompter=None, parent=None):
        super().__init__(parent)
        self.session = session
        self.prompter = prompter or Prompter(self)
        self.loaded_as = ""  # the version of the item shown (services.office.stale)
        self.setWindowTitle("Catalogue and fee schedules")
        self.resize(1100, 620)
        self.list = ListPanel(COLUMNS, catalogue.items_query, ("active", "inactive"),
                              "Search code, words or category")
        self.flags = {name: QCheckBox(text) for name, text in (
            ("taxable", "Taxable"), ("active", "Active"), ("common", "On the superbill"))}
        self.fees_model = RowsModel(["Payer", "Allowed"], editable=(1,), on_edit=self._edit_fee,
                                    parent=self)
        self.fees = QTableView()
        self.fees.setModel(self.fees_model)
        self.fees.setColumnWidth(0, 170)
        self.fees.setEditTriggers(QAbstractItemView.EditTrigger.AnyKeyPressed
                                  | QAbstractItemView.EditTrigger.DoubleClicked)
        self.message = QLabel(wordWrap=True, objectName="catalogue_message")
        self.form_fields = FormFields(self.message, "item")
        self.errors = self.form_fields.errors  # each message under its box, in the label's words
        self.problems = RowsModel(["Row", "Column", "Why"], parent=self)
        self.problems_view = QTableView()
        self.problems_view.setModel(self.problems)
        self.problems_view.setColumnWidth(1, 160)
        self.problems_view.setVisible(False)
        self._layout()
        self.list.activated.connect(self.show_item)
        self.list.table.clicked.connect(lambda index: self.show_item(self.list.current()))
        QShortcut(QKeySequence.StandardKey.Save, self, self.save)
        QShortcut(QKeySequence.StandardKey.New, self, self.new_item)
        self.list.refresh()
        self.show_item(self.list.current())

    def _layout(self) -> None:
        form, fields = QFormLayout(), self.form_fields
        fields.text(form, "code", "&Code")
        self.kind = fields.choice(form, "kind", "&Kind", ITEM_KINDS)
        for key, label in (("description", "&Description"), ("category", "C&ategory"),
                           ("unit_price", "&Price"), ("unit_cost", "C&ost")):
            fields.text(form, key, label)
        self.fields = {key: box for key, box in fields.boxes.items() if key != "kind"}
        for flag in self.flags.values():
            form.addRow("", flag)
        form.addRow("Allowed by payer", self.fees)
        buttons = QHBoxLayout()
        self.actions = {}
        for name, text, slot in (("new", "&New (Ctrl+N)", self.new_item),
                                 ("save", "&Save (Ctrl+S)", self.save),
                                 ("export", "E&xport to Excel…", self.export),
                                 ("import", "&Import from Excel/CSV…", self.import_file),
                                 ("close", "Close", self.reject)):
            button = QPushButton(text, autoDefault=False)
            button.clicked.connect(lambda _c=False, slot=slot: slot())
            buttons.addWidget(button)
            self.actions[name] = button
        top = beside_list(self.list, form, self.message, stretch=False)
        layout = QVBoxLayout(self)
        layout.addLayout(top, 1)
        layout.addWidget(self.problems_view)
        layout.addLayout(buttons)

    # --- one item -------------------------------------------------------------------------------
    def show_item(self, item) -> None:
        self.current = item
        self.loaded_as = catalogue.item_version(item) if item is not None else ""
        values = {"code": "", "description": "", "category": "", "unit_price": "", "unit_cost": ""}
        if item is not None:
            values = {"code": item.code, "kind": item.kind, "description": item.description,
                      "category": item.category,
                      "unit_price": format_money(item.unit_price, currency=False),
                      "unit_cost": format_money(item.unit_cost, currency=False)}
        self.form_fields.fill(values)
        for name, box in self.flags.items():
            box.setChecked(bool(getattr(item, name)) if item is not None else name == "active")
        fees = catalogue.fees_for(item.id) if item is not None else []
        self.fees_model.set_rows([list(fee) for fee in fees])

    def new_item(self) -> None:
        self.show_item(None)
        self.fields["code"].setFocus()

    def save(self) -> bool:
        data = self.form_fields.values()
        data.update({name: "yes" if box.isChecked() else "no" for name, box in self.flags.items()})
        try:
            item = catalogue.save_item(data, self.session.user, loaded_as=self.loaded_as)
        except ValidationError as exc:
            self.form_fields.show(exc.problems)
            return False
        except BillingError as exc:  # changed at another workstation: the typing stays
            self.form_fields.refused(exc)
            self.list.reread()  # the list as the office has it now
            return False
        self.errors.clear()
        self.message.setText(f"Saved {item.code}")
        self.list.refresh()
        self.list.select_id(item.id)
        self.show_item(item)
        self.loaded_as = catalogue.item_version(item.code)  # as stored (the saved object may differ)
        return True

    def _edit_fee(self, row: int, _column: int, text: str) -> str | None:
        if self.current is None:
            return "save the item first"
        payer = self.fees_model.rows[row][0]
        try:
            catalogue.save_fee(payer, self.current.code, text, self.session.user,
                               loaded_as=catalogue.fee_version_of(self.fees_model.rows[row][1]))
        except BillingError as exc:  # the cell shows the fee as it is now; the message, the typing
            self.message.setText(with_typed(exc, text))
            item_id = self.current.id
            QTimer.singleShot(0, lambda: self._reread_fees(item_id))  # once the cell is closed
            return str(exc)
        self.fees_model.rows[row][1] = catalogue.fees_for(self.current.id)[row][1]
        self.message.setText(f"Saved the {payer} fee for {self.current.code}")
        return None

    def _reread_fees(self, item_id: int) -> None:
        if self.current is not None and self.current.id == item_id:
            self.fees_model.update_rows([list(fee) for fee in catalogue.fees_for(item_id)])

    # --- files ----------------------------------------------------------------------------------
    def export(self) -> BackgroundJob | None:
        path = self.prompter.choose_save_file("Export catalogue", "catalogue.xlsx", "Excel (*.xlsx)")
        if not path:
            return None
        return run_in_background(self, lambda progress: catalogue.export_xlsx(path),
                                 title="Exporting the catalogue…", on_error=self.message.setText,
                                 on_done=lambda rows: self.message.setText(f"Exported {rows} rows to {path}"))

    def import_file(self) -> BackgroundJob | None:
        """Check the file in the background, ask about bad rows, then import in the background."""
        path = self.prompter.choose_open_file("Import catalogue", "Excel or CSV (*.xlsx *.csv)")
        if not path:
            return None
        self.message.setText("Checking the file…")
        return run_in_background(self, lambda progress: catalogue.check_file(path),
                                 title="Checking the catalogue file…", on_error=self.message.setText,
                                 on_done=lambda checked: self._checked(path, *checked))

    def _checked(self, path: str, items, fees, problems) -> None:
        skip = False
        if problems:
            self._show_problems(problems)
            rows = len({p.row for p in problems})
            skip = self.prompter.confirm(
                "Bad rows", f"{rows} row(s) have problems (listed below). Nothing is imported "
                f"until they are fixed. Skip them and import the {len(items) + len(fees)} good rows?")
            if not skip:
                self.message.setText("Nothing imported: fix the rows listed and import again.")
                return
        else:
            self.problems_view.setVisible(False)
        user = self.session.user
        self.message.setText("Importing…")
        run_in_background(self, lambda progress: catalogue.import_file(path, user, skip_bad=skip),
                          title="Importing the catalogue…", on_error=self.message.setText,
                          on_done=self._imported)

    def _imported(self, result) -> None:
        self.message.setText(f"Imported: {result.summary()}")
        self.list.refresh()

    def _show_problems(self, problems) -> None:
        self.problems.set_rows([[p.row or "", words(p.field), p.message] for p in problems])
        self.problems_view.setVisible(True)
