"""What the account page and the approval queue show: read-only views over one account."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from ...models import (
    Account,
    AuditEntry,
    Coverage,
    Invoice,
    InvoiceLine,
    Letter,
    Order,
    Payment,
    Plan,
)
from ...money import ZERO, format_money
from ...names import written
from ..books.aging import BUCKETS, aging_by_account
from ..books.ledger import AccountEntry, account_ledger
from ..office.settings import office_details


@dataclass
class AccountHeader:
    account: Account
    patient: Decimal
    insurance: Decimal
    credit: Decimal
    buckets: dict[str, Decimal]
    last_payment: Payment | None
    last_statement: dt.date | None

    @property
    def total(self) -> Decimal:
        return self.patient + self.insurance - self.credit


def header(account_id: int, today: dt.date | None = None) -> AccountHeader:
    account = Account.get_by_id(account_id)
    rows = aging_by_account(today or dt.date.today(), account_id, apply_credits=False)
    row = rows.get(account_id)
    buckets = dict(zip(BUCKETS, row.buckets)) if row else {b: ZERO for b in BUCKETS}
    last_payment = (Payment.select().where(Payment.account == account_id, Payment.status == "posted")
                    .order_by(Payment.received_on.desc(), Payment.id.desc()).first())
    statement = (Letter.select(Letter.sent_on).where(Letter.account == account_id,
                                                     Letter.kind == "statement")
                 .order_by(Letter.sent_on.desc()).first())
    return AccountHeader(account, account.patient_balance, account.insurance_balance,
                         account.unapplied_credit, buckets, last_payment,
                         statement.sent_on if statement else None)


@dataclass(slots=True)
class LedgerRow:
    entry: AccountEntry
    balance: Decimal

    @property
    def target(self) -> tuple[str, int] | None:
        """What the row drills down to: ('invoice' | 'payment' | 'adjustment', id)."""
        entry = self.entry
        for kind, value in (("adjustment", entry.adjustment_id), ("payment", entry.payment_id),
                            ("invoice", entry.invoice_id)):
            if value:
                return kind, value
        return None

    @property
    def description(self) -> str:
        entry = self.entry
        text = entry.kind.replace("_", " ")
        if entry.invoice_id:
            text += f", inv. {entry.invoice_number or 'draft'}"
        if entry.memo:
            text += f": {entry.memo}"
        return text


def ledger_rows(account_id: int, through: dt.date | None = None) -> list[LedgerRow]:
    """Every entry (keyed up to ``through``), oldest first, with the running balance (one query,
    invoices joined, plain rows: books.ledger.account_ledger)."""
    return [LedgerRow(entry, balance) for entry, balance in account_ledger(account_id, through)]


def drill_down(target: tuple[str, int]) -> list[tuple[str, str]]:
    """Label/value pairs describing the invoice, payment or adjustment a ledger row came from."""
    from ...models import Adjustment

    kind, record_id = target
    if kind == "invoice":
        inv = Invoice.get_by_id(record_id)
        pairs = [("Invoice", str(inv.number or f"draft {inv.id}")), ("Status", inv.status),
                 ("Service date", _d(inv.service_date)), ("Due", _d(inv.due_date)),
                 ("Total", format_money(inv.total)), ("Patient owes", format_money(inv.patient_balance)),
                 ("Insurance owes", format_money(inv.insurance_balance))]
        pairs += [(f"Line {ln.position}",
                   f"{ln.code} {ln.description} x{ln.quantity} = {format_money(ln.amount)}")
                  for ln in inv.lines.order_by(InvoiceLine.position)]
        return pairs
    if kind == "payment":
        pay = Payment.get_by_id(record_id)
        return [("Payment", str(pay.id)), ("From", pay.source), ("Method", pay.method),
                ("Reference", pay.reference), ("Amount", format_money(pay.amount)),
                ("Received", _d(pay.received_on)), ("Status", pay.status), ("Note", pay.note)]
    adj = Adjustment.get_by_id(record_id)
    return [("Adjustment", str(adj.id)), ("Kind", adj.kind.replace("_", " ")),
            ("Reason", adj.reason), ("Party", adj.party), ("Amount", format_money(adj.amount)),
            ("Date", _d(adj.adjusted_on))]


def _d(value) -> str:
    return value.strftime("%m/%d/%Y") if value else ""


def coverages(account_id: int) -> list[Coverage]:
    return list(Coverage.select(Coverage, Plan).join(Plan).where(Coverage.account == account_id)
                .order_by(Coverage.active.desc(), Coverage.rank, Coverage.id))


def invoices(account_id: int) -> list[Invoice]:
    return list(Invoice.select().where(Invoice.account == account_id)
                .order_by(Invoice.service_date.desc(), Invoice.id.desc()))


def orders(account_id: int) -> list[Order]:
    return list(Order.select().where(Order.account == account_id).order_by(Order.order_date.desc()))


def history(account_id: int) -> list[AuditEntry]:
    """Every change to the account and what hangs off it, newest first, from the audit trail."""
    return list(AuditEntry.select().where(AuditEntry.account_id == account_id)
                .order_by(AuditEntry.id.desc()))


def describe_change(entry: AuditEntry) -> str:
    """'city: Springfield → Salem; phone: … → …' from an audit entry's before and after."""
    before, after = entry.before or {}, entry.after or {}
    if entry.action != "update" or not isinstance(after, dict):
        return entry.summary
    parts = [f"{k.replace('_', ' ')}: {before.get(k) or '(blank)'} → {after[k] or '(blank)'}"
             for k in sorted(after)]
    return "; ".join(parts) or entry.summary


# --- approval --------------------------------------------------------------------------------
@dataclass
class CheckItem:
    label: str
    ok: bool
    detail: str = ""


@dataclass
class Checklist:
    account: Account
    items: list[CheckItem] = field(default_factory=list)

    @property
    def all_ok(self) -> bool:
        return all(item.ok for item in self.items)


def pending_accounts():
    return Account.select().where(Account.status == "pending").order_by(Account.id)


def approval_checklist(account_id: int, today: dt.date | None = None) -> Checklist:
    """What a supervisor checks before approving: address, insurance, duplicates."""
    from .registry import form_from_account, possible_duplicates

    account = Account.get_by_id(account_id)
    today = today or dt.date.today()
    missing = [name for name, value in (("street", account.street), ("city", account.city),
                                        ("state", account.state), ("ZIP", account.zip_code)) if not value]
    items = [CheckItem("Address complete", not missing,
                       f"missing {', '.join(missing)}" if missing else _address(account))]
    items.append(_insurance_check(account, today))
    dups = possible_duplicates(form_from_account(account), exclude_id=account.id)
    reviewed = {n.strip() for n in account.duplicates_reviewed.split(",") if n.strip()}
    unseen = [a for a in dups if a.number not in reviewed]
    detail = ("none found" if not dups else
              "; ".join(f"{a.number} {a.display_name}" + (" (reviewed by the clerk)"
                                                         if a.number in reviewed else "")
                        for a in dups))
    items.append(CheckItem("Duplicates reviewed", not unseen, detail))
    items.append(CheckItem("Contact on file", bool(account.phone or account.email),
                           account.phone or account.email or "no phone or email"))
    return Checklist(account, items)


def _insurance_check(account: Account, today: dt.date) -> CheckItem:
    if account.kind == "customer":
        return CheckItem("Insurance present, dates valid", True, "customer account: no insurance")
    rows = [c for c in coverages(account.id) if c.active]
    if not rows:
        return CheckItem("Insurance present, dates valid", False, "no insurance on file (self-pay?)")
    bad = [c for c in rows if (c.start_date and c.start_date > today) or (c.end_date and c.end_date < today)]
    detail = "; ".join(f"{c.rank}: {c.plan.payer.name} {c.member_id}"
                       + (f" {_d(c.start_date)}–{_d(c.end_date)}" if c.start_date or c.end_date else "")
                       for c in rows)
    return CheckItem("Insurance present, dates valid", not bad,
                     detail + (" (not in force today)" if bad else ""))


def _clip(text: str, length: int) -> str:
    return text if len(text) <= length else text[:length - 1] + "…"


def _address(account: Account) -> str:
    street = ", ".join(part for part in (account.street, account.street2) if part)
    return f"{street}, {account.city} {account.state} {account.zip_code}"


# --- printouts (plain data; printing/account_forms.py draws it) ------------------------------


def registration_data(account_id: int) -> dict:
    """The registration form, pre-filled, as sections of (label, value) for the customer to check."""
    from .registry import form_from_account

    account = Account.get_by_id(account_id)
    form = form_from_account(account)
    person = [("Last name", form.last_name), ("First name", form.first_name),
              ("Middle name", form.middle_name), ("Suffix", form.suffix)]
    if account.kind == "customer":
        person.insert(0, ("Company", form.organization))
    else:
        person.append(("Date of birth", form.date_of_birth))
    sections = [
        ("Patient" if account.kind == "patient" else "Customer", person),
        ("Address", [("Street", form.street), ("Apt / suite", form.street2), ("City", form.city),
                     ("State", form.state), ("ZIP", form.zip_code)]),
        ("Contact", [("Phone", form.phone), ("Other phone", form.phone_alt), ("Email", form.email),
                     ("Preferred contact", form.preferred_contact)]),
        ("Responsible party (guarantor)", [
            ("Relationship", form.guarantor_relationship),
            ("Name", written(form.guarantor_first_name, form.guarantor_middle_name,
                             form.guarantor_last_name, form.guarantor_suffix) or "the patient"),
            ("Phone", form.guarantor_phone),
            ("Address", " ".join(x for x in (form.guarantor_street, form.guarantor_city,
                                             form.guarantor_state, form.guarantor_zip_code) if x))]),
    ]
    if account.kind == "patient":
        for rank in ("primary", "secondary"):
            sections.append((f"{rank.capitalize()} insurance", [
                (label, getattr(form, f"{rank}_{part}")) for label, part in (
                    ("Insurance company", "payer"), ("Plan", "plan"), ("Member id", "member_id"),
                    ("Group number", "group_number"), ("Subscriber", "subscriber_name"),
                    ("Relationship to subscriber", "relationship"), ("From", "start_date"),
                    ("To", "end_date"), ("Medicare ESRD period from", "esrd_started_on"))]))
    sections.append(("Billing", [("Statements by", form.statement_delivery),
                                 ("Payment terms (days)", form.payment_terms_days),
                                 ("Billing cycle day", form.billing_cycle_day),
                                 ("Credit limit", form.credit_limit)]))
    return {"office": office_details(), "account": account.number, "name": account.display_name,
            "status": account.status, "sections": sections}


def ledger_data(account_id: int, today: dt.date | None = None, *,
                through: dt.date | None = None) -> dict:
    """The account ledger for printing: header figures and one dict per entry with its balance.

    With ``through`` only the entries keyed up to that day, and the balances they add up to
    (the ledger as it stood that day); the header figures always come from the rows shown.
    """
    account = Account.get_by_id(account_id)
    entries = ledger_rows(account_id, through)
    rows = [{"entry_date": r.entry.entry_date, "service_date": r.entry.posting_date,
             "description": _clip(r.description, 58), "party": r.entry.party,
             "charge": r.entry.amount if r.entry.amount > 0 else None,
             "credit": -r.entry.amount if r.entry.amount < 0 else None,
             "balance": r.balance} for r in entries]
    owed = {"patient": ZERO, "insurance": ZERO}
    credit = ZERO
    for r in entries:
        if r.entry.line_id is None:
            credit -= r.entry.amount
        else:
            owed[r.entry.party] += r.entry.amount
    return {"office": office_details(), "account": account.number, "name": account.display_name,
            "address": _address(account) if account.street else "",
            "as_of": through or today or dt.date.today(), "patient": owed["patient"],
            "insurance": owed["insurance"], "credit": credit, "rows": rows}
