"""What the invoice form does besides typing: look up a diagnosis, print, void, credit memo."""

from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
)

from ...errors import BillingError
from ...services.books import invoice_papers, invoices
from ...services.books.codes import check_diagnosis, search_diagnoses
from ...services.books.estimate import active_coverage
from ..office.signoff import run_with_signoff
from ..refusals import with_typed
from .credits import CreditMemoDialog


class DiagnosisLookup(QDialog):
    """Find a billable ICD-10-CM code by code or by words; Enter takes the highlighted one."""

    def __init__(self, parent=None, start: str = ""):
        super().__init__(parent)
        self.setWindowTitle("Look up a diagnosis (ICD-10-CM)")
        self.resize(620, 420)
        self.search = QLineEdit(objectName="dx_search",
                                placeholderText="A code (E11) or words (type 2 diabetes)")
        self.results = QListWidget()
        self.chosen: str | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.results)
        layout.addWidget(QLabel("Only billable codes are listed. Enter takes the highlighted code."))
        self.search.textChanged.connect(self._find)
        self.search.returnPressed.connect(self._take)
        self.results.itemActivated.connect(lambda _item: self._take())
        if start:  # a category typed on the invoice: the billable codes below it
            self.search.setText(start)
            self.search.selectAll()

    def _find(self, text: str) -> None:
        self.results.clear()
        for code, description in search_diagnoses(text, limit=500):
            item = QListWidgetItem(f"{code}  {description}")
            item.setData(Qt.ItemDataRole.UserRole, code)
            self.results.addItem(item)
        if self.results.count():
            self.results.setCurrentRow(0)

    def _take(self) -> None:
        item = self.results.currentItem()
        if item is not None:
            self.chosen = item.data(Qt.ItemDataRole.UserRole)
            self.accept()

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up):
            step = 1 if event.key() == Qt.Key.Key_Down else -1
            row = max(0, min(self.results.count() - 1, self.results.currentRow() + step))
            self.results.setCurrentRow(row)
            return
        super().keyPressEvent(event)


def look_up_diagnosis(form) -> None:
    if form.status != "draft":
        return
    codes = [c.strip() for c in form.diagnoses.text().replace(";", ",").split(",") if c.strip()]
    categories = [i for i, code in enumerate(codes)
                  if (problem := check_diagnosis(code)[1]) and "category" in problem.message]
    dialog = DiagnosisLookup(form, start=codes[categories[0]] if categories else "")
    if form.prompter.run(dialog) and dialog.chosen:
        if categories:  # the chosen code takes the category's place (and its letter)
            codes[categories[0]] = dialog.chosen
        else:
            codes.append(dialog.chosen)
        form.diagnoses.setText(", ".join(codes))
        form.dirty = True
        form._refresh()


def amounts_met(form) -> None:
    """Update how much of the primary plan's deductible and OOP maximum is met so far."""
    from ...services.books import plans
    from ...services.office.validation import parse_date

    on, _problem = parse_date(form.service_date.text(), "service_date")
    coverage = active_coverage(form.account_id, on) if form.account_id and on else None
    if coverage is None:
        form.message.setText("No insurance on file for this account on the date of service.")
        return
    plan, shown = coverage.plan, plans.met_version(coverage)  # what the questions show
    deductible = form.prompter.ask_text(
        "Amounts met", f"{plan}: deductible {plan.deductible}. Met so far "
        f"(now {coverage.deductible_met}):")
    if deductible is None:
        return
    oop = form.prompter.ask_text("Amounts met", f"Out-of-pocket met so far (now "
                                 f"{coverage.out_of_pocket_met}):")
    if oop is None:
        return
    try:
        plans.set_met(coverage.id, deductible, oop, form.session.user, loaded_as=shown)
    except BillingError as exc:  # the amounts typed, quoted: the questions have closed
        form.message.setText(with_typed(exc, f"deductible met {deductible}, out-of-pocket met {oop}"))
        return
    form.message.setText("")
    form._refresh()


def _paper_path(form, kind: str) -> Path | None:
    if not form.invoice_id and not form.save():
        return None
    paper = invoice_papers.invoice_paper(form.invoice_id)
    folder = Path(tempfile.mkdtemp(prefix="billing-desk-"))
    from ...printing import invoice_docs  # reportlab: read when the first paper is drawn

    draw = invoice_docs.invoice_pdf if kind == "invoice" else invoice_docs.explain_pdf
    return draw(paper, folder / f"{kind}-{paper['number'] or 'draft'}.pdf")


def explain(form) -> None:
    """"Explain this bill": print it for the patient, or save it as a PDF."""
    made = _paper_path(form, "explain")
    if made is not None:
        deliver(form, form.prompter, made, report=form.message.setText)


def save_pdf(form, kind: str) -> Path | None:
    """Write the invoice (or "Explain this bill") as a PDF where the clerk chooses."""
    made = _paper_path(form, kind)
    if made is None:
        return None
    return deliver(form, form.prompter, made, ask_print=False, report=form.message.setText)


def print_invoice(form) -> None:
    """Print the invoice with its breakdown and remittance stub on a printer the clerk picks."""
    made = _paper_path(form, "invoice")
    if made is not None:
        print_file(form.prompter, made, form.message.setText)


def deliver(parent, prompter, made: Path, *, ask_print: bool = True, report=None) -> Path | None:
    """Print a finished PDF, or (the clerk's choice) save it where they say."""
    report = report or (lambda text: None)
    if ask_print and prompter.confirm("Print", f"Print {made.stem} now? (No: save it as a PDF)"):
        print_file(prompter, made, report)
        return made
    target = prompter.choose_save_file("Save PDF", made.name, "PDF files (*.pdf)")
    if not target:
        return None
    Path(target).write_bytes(made.read_bytes())
    report(f"Saved {target}")
    return Path(target)


def print_file(prompter, made: Path, report) -> None:
    """Send a PDF to the printer the clerk picks (printing.printer draws it page by page)."""
    from ...printing import printer

    name = prompter.choose_printer()
    if name is None:
        return
    try:
        pages = printer.print_pdf(made, name or None, doc_name=made.stem)
        report(f"Printed {pages} page(s) of {made.stem}")
    except BillingError as exc:
        report(str(exc))


def void(form) -> None:
    """Void a posted invoice (a supervisor, or a clerk with a supervisor's sign-off), with a reason."""
    asked = [form.invoice_id]
    reason = form.kept.ask(form.prompter, "Void invoice", "Why is this invoice void? (required)", asked)
    if reason is None:
        return
    try:
        run_with_signoff(form, "void_invoice", lambda approved_by: invoices.void_invoice(
            form.invoice_id, reason, form.session.user, approved_by=approved_by))
    except BillingError as exc:  # the reason typed kept for the next try
        form.message.setText(form.kept.refused("Void invoice", asked, reason, exc))
        return
    form.kept.went_in("Void invoice", asked)
    form.load(form.invoice_id)
    form.changed_books.emit()


def credit_memo(form) -> None:
    dialog = CreditMemoDialog(form.session, form.invoice_id, form)
    if dialog.exec():
        form.load(form.invoice_id)
        form.changed_books.emit()
