"""Invoices: save a draft, post it (numbered without gaps, then immutable), void it with a reason."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from ...errors import Problem, RuleError, ValidationError
from ...models import (
    Account,
    Invoice,
    InvoiceDiagnosis,
    InvoiceLine,
    LedgerEntry,
    Plan,
    PlanRule,
    Provider,
    User,
)
from ...models.base import prepared
from ...money import ZERO, parse_money
from ..claims.claims import make_claims
from ..office import audit, stale, steady
from ..office.permissions import approved_note, require
from ..office.sequences import next_number
from ..office.transactions import in_transaction, today
from ..office.validation import check_texts, parse_date, parse_int
from .codes import check_diagnosis, find_item
from .estimate import active_coverage
from .invoice_preview import InvoicePreview, PricedLine, line_amount, preview_invoice
from .ledger import post_entry

MAX_DIAGNOSES = 12


@dataclass
class LineInput:
    code: str
    quantity: str | int = "1"
    unit_price: str | Decimal | None = None  # None: the catalogue price
    modifiers: str = ""
    pointers: str = ""  # "1,2" into the invoice's diagnoses
    service_date: str | dt.date | None = None


@dataclass
class InvoiceDraft:
    account_id: int | None
    service_date: str | dt.date
    lines: list[LineInput] = field(default_factory=list)
    diagnoses: list[str] = field(default_factory=list)
    provider: str = ""
    place_of_service: str = ""
    notes: str = ""
    batch_id: int | None = None
    rendering_provider_id: int | None = None  # claims: who performed the services
    referring_provider_id: int | None = None
    prior_authorization: str = ""


def validate_draft(draft: InvoiceDraft) -> tuple[dict, list[dict], list[str], list[Problem]]:
    """Check the whole invoice; every problem names its field (``lines[2].quantity``...)."""
    problems: list[Problem] = check_texts(vars(draft), ("provider", "place_of_service", "notes",
                                                        "prior_authorization"), multiline=("notes",))
    try:
        account = Account.get_by_id(draft.account_id) if draft.account_id else None
    except Account.DoesNotExist:
        account = None
    if account is None:
        problems.append(Problem("account", "choose the account to bill"))
    service_date, problem = parse_date(draft.service_date, "service_date", required=True,
                                       not_future=True, today=today())
    if problem:
        problems.append(problem)
    diagnoses = []
    codes = [c for c in draft.diagnoses if (c or "").strip()]
    if len(codes) > MAX_DIAGNOSES:
        problems.append(Problem("diagnoses", f"at most {MAX_DIAGNOSES} diagnoses on one invoice"))
    for i, code in enumerate(codes[:MAX_DIAGNOSES], start=1):
        norm, problem = check_diagnosis(code, f"diagnoses[{i}]")
        diagnoses.append(norm)
        if problem:
            problems.append(problem)
    lines = []
    if not draft.lines:
        problems.append(Problem("lines", "an invoice needs at least one line"))
    for i, line in enumerate(draft.lines, start=1):
        clean, line_problems = _validate_line(line, i, len(diagnoses), service_date)
        lines.append(clean)
        problems += line_problems
    header = {"account": account, "service_date": service_date, "provider": _provider_name(draft),
              "place_of_service": draft.place_of_service.strip(), "notes": draft.notes.strip(),
              "batch": draft.batch_id, "rendering_provider": draft.rendering_provider_id,
              "referring_provider": draft.referring_provider_id,
              "prior_authorization": (draft.prior_authorization or "").strip()}
    return header, lines, diagnoses, problems


def _provider_name(draft: InvoiceDraft) -> str:
    """The invoice's provider as printed and reported: its rendering provider's name, or without
    one the text typed on it (an invoice from before rendering providers were picked, an order's)."""
    provider_id = draft.rendering_provider_id
    rendering = (steady.kept("provider", provider_id,
                             lambda: Provider.get_or_none(Provider.id == provider_id))
                 if provider_id else None)
    return rendering.display_name if rendering is not None else (draft.provider or "").strip()


def _validate_line(line: LineInput, i: int, n_diagnoses: int, service_date):
    where = f"lines[{i}]"
    problems = []
    item = find_item(line.code)
    if item is None:
        problems.append(Problem(f"{where}.code", f"'{line.code}' is not in the catalogue"))
    elif not item.active:
        problems.append(Problem(f"{where}.code", f"{item.code} is no longer in use"))
    quantity, problem = parse_int(line.quantity, f"{where}.quantity", minimum=1, maximum=9999)
    if problem:
        problems.append(problem)
    price = None
    try:
        if line.unit_price in (None, "") and item is not None:
            price = item.unit_price
        elif line.unit_price not in (None, ""):
            price = parse_money(line.unit_price, f"{where}.unit_price")
    except ValidationError as exc:
        problems += exc.problems
    pointers = []
    for token in (line.pointers or "").replace(" ", "").split(","):
        if not token:
            continue
        index = ord(token.upper()) - 64 if token.isalpha() and len(token) == 1 else (
            int(token) if token.isdigit() else 0)
        if not 1 <= index <= max(n_diagnoses, 0):
            problems.append(Problem(f"{where}.pointers", f"'{token}' points at no diagnosis on this invoice"))
        else:
            pointers.append(str(index))
    if len(pointers) > 4:
        problems.append(Problem(f"{where}.pointers", "at most 4 diagnosis pointers a line"))
    modifiers = [m.strip().upper() for m in (line.modifiers or "").split(",") if m.strip()]
    if any(len(m) != 2 or not m.isalnum() for m in modifiers) or len(modifiers) > 4:
        problems.append(Problem(f"{where}.modifiers", "modifiers are up to four 2-character codes"))
    line_date, problem = (parse_date(line.service_date, f"{where}.service_date", not_future=True,
                                     today=today()) if line.service_date
                          else (service_date, None))
    if problem:
        problems.append(problem)
    amount = line_amount(quantity, price) if price is not None and quantity else ZERO
    return ({"item": item, "code": item.code if item else line.code, "description":
             item.description if item else "", "quantity": quantity, "unit_price": price,
             "amount": amount, "unit_cost": item.unit_cost if item else ZERO,
             "modifiers": ",".join(modifiers), "diagnosis_pointers": ",".join(pointers),
             "service_date": line_date}, problems)


def draft_version(invoice_id: int | None) -> str:
    """What a screen showing the draft (header, lines, diagnoses) hands back when it saves."""
    if invoice_id is None:
        return ""
    return stale.version_of(
        Invoice.get_or_none(Invoice.id == invoice_id),
        *InvoiceLine.select().where(InvoiceLine.invoice == invoice_id).order_by(InvoiceLine.id),
        *InvoiceDiagnosis.select().where(InvoiceDiagnosis.invoice == invoice_id)
        .order_by(InvoiceDiagnosis.id))


def save_draft(draft: InvoiceDraft, by: User, invoice_id: int | None = None, *,
               loaded_as: str = "") -> Invoice:
    """Save (or replace) a draft invoice. Drafts touch no balance. ``loaded_as``
    (``draft_version``): a save over a change made since (or a posting) is refused."""
    header, lines, diagnoses, problems = validate_draft(draft)
    if problems:
        raise ValidationError(problems)
    with in_transaction():
        if invoice_id:
            invoice = Invoice.get_by_id(invoice_id)
            if loaded_as:
                stale.refuse_if_changed(loaded_as, draft_version(invoice_id),
                                        f"The draft invoice for account {invoice.account.number}",
                                        table="invoice", record_id=invoice_id)
            _refuse_unless_draft(invoice)
            before = _invoice_snapshot(invoice)
            for key, value in header.items():
                setattr(invoice, key, value)
            InvoiceLine.delete().where(InvoiceLine.invoice == invoice).execute()
            InvoiceDiagnosis.delete().where(InvoiceDiagnosis.invoice == invoice).execute()
        else:
            before = None
            invoice = Invoice(created_by=by, **header)
        invoice.payer = _primary_payer(header["account"], header["service_date"])
        invoice.total = _fill_estimates(header["account"].id, header["service_date"], lines).total
        invoice.save()
        for position, code in enumerate(diagnoses, start=1):
            InvoiceDiagnosis.create(invoice=invoice, position=position, code=code)
        for position, values in enumerate(lines, start=1):
            InvoiceLine.create(invoice=invoice, position=position, **values)
        audit.record(by, "update" if before else "create", invoice,
                     summary=f"draft invoice for {invoice.account.number}", before=before,
                     after=_invoice_snapshot(invoice))
    return invoice


def _fill_estimates(account_id: int, on: dt.date, lines: list[dict]) -> InvoicePreview:
    """Each line's amount and estimate from the preview the form showed: one computation."""
    preview = preview_invoice(account_id, on, [PricedLine(l["code"], l["quantity"], l["unit_price"],
                                                          l["description"]) for l in lines])
    for values, amount, line in zip(lines, preview.amounts, preview.lines):
        values["amount"] = amount
        values["estimated_insurance"] = line.insurance_pays
        values["estimated_patient"] = line.patient_pays
    return preview


def _invoice_snapshot(invoice: Invoice) -> dict:
    data = audit.snapshot(invoice, "account", "status", "service_date", "provider", "total", "notes")
    data["lines"] = [f"{l.code} x{l.quantity} @ {l.unit_price}" for l in prepared(
        "an invoice's lines in order", lambda: InvoiceLine.select().where(
            InvoiceLine.invoice == invoice.id).order_by(InvoiceLine.position),
        [(InvoiceLine.invoice, invoice.id)])]
    return data


def _refuse_unless_draft(invoice: Invoice) -> None:
    if invoice.status != "draft":
        raise RuleError(f"Invoice {invoice.number} is {invoice.status}: a posted invoice is never "
                        "edited. Void it or issue a credit memo.")


def _primary_payer(account: Account, on: dt.date):
    coverage = active_coverage(account.id, on, "primary")
    return coverage.plan.payer_id if coverage else None


def covers(plan: Plan, item_id: int) -> str:
    rules = prepared("a plan's rule for an item", lambda: (
        PlanRule.select().where(PlanRule.plan == plan, PlanRule.item == item_id).limit(1)),
        [(PlanRule.plan, plan), (PlanRule.item, item_id), (None, 1)])
    if rules:
        return rules[0].rule
    return "covered" if plan.covers_unlisted else "not_covered"


def post_invoice(invoice_id: int, by: User, *, entry_date: dt.date | None = None) -> Invoice:
    """Post a draft: it gets the next number, its charges enter the ledger, and it is frozen."""
    entry_date = entry_date or today()
    with in_transaction():
        invoice = Invoice.get_by_id(invoice_id)
        _refuse_unless_draft(invoice)
        account = invoice.account
        if account.status != "active":
            raise RuleError(f"Account {account.number} is {account.status}: only active accounts "
                            "can be invoiced.")
        lines = prepared("an invoice's lines in order", lambda: InvoiceLine.select().where(
            InvoiceLine.invoice == invoice.id).order_by(InvoiceLine.position),
            [(InvoiceLine.invoice, invoice.id)])
        if not lines:
            raise RuleError("An invoice needs at least one line before it is posted.")
        coverage = active_coverage(account.id, invoice.service_date, "primary")
        invoice.number = next_number("invoice")
        invoice.status = "posted"
        invoice.posted_on = entry_date
        invoice.posted_by = by
        invoice.due_date = entry_date + dt.timedelta(days=account.payment_terms_days)
        invoice.payer = coverage.plan.payer_id if coverage else None
        invoice.save()
        for line in lines:
            party = "patient"
            if coverage and covers(coverage.plan, line.item_id) != "not_covered":
                party = "insurance"
            post_entry(account_id=account.id, amount=line.amount, kind="charge", party=party,
                       by=by, line=line, payer_id=invoice.payer_id if party == "insurance" else None,
                       posting_date=line.service_date, entry_date=entry_date,
                       memo=f"{line.code} x{line.quantity}") if line.amount else None
        audit.record(by, "post", invoice, summary=f"posted invoice {invoice.number}",
                     after=_invoice_snapshot(invoice))
        make_claims(invoice, by, on=entry_date)
        from .payments import apply_credit

        apply_credit(account.id, by, entry_date=entry_date)
    return invoice


def void_invoice(invoice_id: int, reason: str, by: User, *, entry_date: dt.date | None = None,
                 approved_by: User | None = None) -> Invoice:
    """Void a posted invoice with a reason: each charge gets a reversing entry; both stay visible.

    A clerk may void with ``approved_by``: a supervisor who just signed off (``auth.signoff``).
    """
    if not (reason or "").strip():
        raise ValidationError("a reason is required to void an invoice", "reason")
    require(by, "void_invoice", approved_by)
    entry_date = entry_date or today()
    with in_transaction():
        invoice = Invoice.get_by_id(invoice_id)
        if invoice.status != "posted":
            raise RuleError(f"Only a posted invoice can be voided; this one is {invoice.status}.")
        others = (LedgerEntry.select().where(LedgerEntry.invoice == invoice,
                                             LedgerEntry.kind.not_in(("charge",))).count())
        if others:
            raise RuleError(f"Invoice {invoice.number} has payments or adjustments applied. "
                            "Reverse those first, or issue a credit memo instead.")
        for entry in LedgerEntry.select().where(LedgerEntry.invoice == invoice,
                                                LedgerEntry.kind == "charge"):
            post_entry(account_id=entry.account_id, amount=-entry.amount, kind="void",
                       party=entry.party, by=by, line=entry.line, payer_id=entry.payer_id,
                       reverses=entry, posting_date=entry_date, entry_date=entry_date,
                       memo=f"void: {reason.strip()}")
        before = audit.snapshot(invoice, "status")
        invoice.status, invoice.void_reason = "void", reason.strip()
        invoice.voided_by, invoice.voided_on = by, entry_date
        invoice.save()
        audit.record(by, "void", invoice, summary=f"voided invoice {invoice.number}: {reason}"
                     + approved_note(by, "void_invoice", approved_by),
                     before=before, after=audit.snapshot(invoice, "status", "void_reason"))
    return invoice


def delete_draft(invoice_id: int, by: User) -> None:
    """Throw away a draft (it never touched the books); posted invoices are never deleted."""
    with in_transaction():
        invoice = Invoice.get_by_id(invoice_id)
        _refuse_unless_draft(invoice)
        audit.record(by, "discard", invoice, summary="discarded a draft invoice",
                     before=_invoice_snapshot(invoice))
        InvoiceLine.delete().where(InvoiceLine.invoice == invoice).execute()
        InvoiceDiagnosis.delete().where(InvoiceDiagnosis.invoice == invoice).execute()
        invoice.delete_instance()


def quick_invoice(account_id: int, service_date: dt.date, codes: list[tuple[str, int]], by: User,
                  *, diagnoses: list[str] | None = None, entry_date: dt.date | None = None) -> Invoice:
    """Draft and post in one step (the demo, scripts and tests)."""
    draft = InvoiceDraft(account_id=account_id, service_date=service_date,
                         lines=[LineInput(code=c, quantity=q) for c, q in codes],
                         diagnoses=diagnoses or [])
    invoice = save_draft(draft, by)
    return post_invoice(invoice.id, by, entry_date=entry_date)


def get_invoice(invoice_id: int) -> Invoice:
    return Invoice.get_by_id(invoice_id)


def invoice_lines(invoice: Invoice) -> list[InvoiceLine]:
    """The invoice's lines in the order they were keyed."""
    return list(invoice.lines.order_by(InvoiceLine.position))


def line_parties(line: InvoiceLine) -> dict[str, Decimal]:
    return {"patient": line.patient_balance, "insurance": line.insurance_balance}


def draft_of(invoice: Invoice) -> InvoiceDraft:
    """A saved invoice as the form shows it (for reopening a draft, or viewing a posted one)."""
    diagnoses = [d.code for d in invoice.diagnoses.order_by(InvoiceDiagnosis.position)]
    lines = [LineInput(code=l.code, quantity=l.quantity, unit_price=l.unit_price,
                       modifiers=l.modifiers, pointers=l.diagnosis_pointers,
                       service_date=l.service_date)
             for l in invoice.lines.order_by(InvoiceLine.position)]
    return InvoiceDraft(account_id=invoice.account_id, service_date=invoice.service_date,
                        lines=lines, diagnoses=diagnoses, provider=invoice.provider,
                        place_of_service=invoice.place_of_service, notes=invoice.notes,
                        batch_id=invoice.batch_id, rendering_provider_id=invoice.rendering_provider_id,
                        referring_provider_id=invoice.referring_provider_id,
                        prior_authorization=invoice.prior_authorization)


def account_choices(text: str, limit: int = 20) -> list[Account]:
    """Active accounts matching what was typed (number or name): the account completer."""
    from .account_search import search_condition

    query = Account.select().where(Account.status == "active")
    if (text or "").strip():
        query = query.where(search_condition(text.strip()))
    return list(query.order_by(Account.sort_name).limit(limit))


def find_active_account(text: str) -> Account | None:
    """The account a completer entry ('A1001 Lee, Ann') or a bare number names, if active."""
    number = (text or "").strip().split(" ")[0]
    return Account.get_or_none(Account.number == number, Account.status == "active")


# --- batch control ---------------------------------------------------------------------------
@dataclass
class BatchStatus:
    batch_id: int
    expected_count: int | None
    expected_total: Decimal | None
    count: int
    total: Decimal

    @property
    def balanced(self) -> bool:
        return self.count == self.expected_count and self.total == self.expected_total

    def describe(self) -> str:
        from ...money import format_money

        want = (f" of {self.expected_count} tickets, {format_money(self.total)} of "
                f"{format_money(self.expected_total)}") if self.expected_count is not None else \
            f" tickets, {format_money(self.total)}"
        verdict = " — balanced" if self.balanced else ""
        return f"Batch {self.batch_id}: {self.count}{want}{verdict}"


def open_batch(expected_count, expected_total, by: User, note: str = ""):
    """Start a stack of tickets: the count and total keyed from the stack are the control."""
    from ...models import Batch

    count, problem = parse_int(expected_count, "expected_count", minimum=1, maximum=10000)
    problems = [problem] if problem else []
    try:
        total = parse_money(expected_total, "expected_total")
    except ValidationError as exc:
        problems += exc.problems
        total = None
    if problems:
        raise ValidationError(problems)
    with in_transaction():
        batch = Batch.create(kind="invoices", expected_count=count, expected_total=total,
                             note=note.strip(), created_by=by)
        audit.record(by, "create", batch, summary=f"invoice batch: {count} tickets, {total}")
    return batch


def batch_status(batch_id: int) -> BatchStatus:
    """What has been keyed into the batch (drafts and posted, not voided) against its control."""
    from ...models import Batch

    batch = Batch.get_by_id(batch_id)
    invoices = list(Invoice.select(Invoice.total).where(Invoice.batch == batch_id,
                                                        Invoice.status != "void"))
    return BatchStatus(batch.id, batch.expected_count, batch.expected_total, len(invoices),
                       sum((i.total for i in invoices), ZERO))


def close_batch(batch_id: int, by: User) -> BatchStatus:
    """Close a batch once it reconciles; an unbalanced batch says by how much it is off."""
    from ...models import Batch, now
    from ...money import format_money

    status = batch_status(batch_id)
    if not status.balanced:
        raise RuleError(f"Batch {batch_id} does not balance: {status.count} tickets keyed of "
                        f"{status.expected_count}, {format_money(status.total)} of "
                        f"{format_money(status.expected_total)}. Find the difference first.")
    with in_transaction():
        Batch.update(closed_at=now()).where(Batch.id == batch_id).execute()
        audit.record(by, "close", Batch.get_by_id(batch_id), summary=status.describe())
    return status
