"""What the invoice printouts say, as plain data: the invoice with its breakdown, "Explain this
bill" in plain words, the blank superbill, the deposit list. printing.invoice_docs draws them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ...models import Invoice, InvoiceDiagnosis, InvoiceLine, LedgerEntry
from ...money import ZERO, format_money
from ..office.settings import office_details
from .codes import common_items, describe_diagnosis
from .deposits import deposit
from .estimate import ChargeLine, LineEstimate, estimate_for

LETTERS = "ABCDEFGHIJKL"


def explain_line(est: LineEstimate) -> str:
    """One line of the bill in plain words, for the patient."""
    words = [f"{est.code} {est.description}: the charge is {format_money(est.charge)}."]
    if est.rule == "":
        words.append("There is no insurance on file for this date, so it is yours to pay.")
    elif est.rule == "not_covered":
        words.append("Your plan does not cover it, so the whole charge is yours.")
    else:
        if est.contractual:
            words.append(f"Your plan allows {format_money(est.allowed)}; the other "
                         f"{format_money(est.contractual)} is taken off by our agreement with it.")
        shares = [(est.copay, "your copay"), (est.deductible, "toward your deductible"),
                  (est.coinsurance, "your coinsurance share")]
        said = [f"{format_money(v)} {what}" for v, what in shares if v]
        if said:
            words.append("You pay " + ", ".join(said) + ".")
        words.append(f"Your insurance should pay {format_money(est.primary_pays)}.")
    if est.secondary_pays:
        words.append(f"Your second insurance should pay {format_money(est.secondary_pays)} of "
                     "your part.")
    words.append(f"Your estimated part: {format_money(est.patient_pays)}.")
    return " ".join(words + est.notes)


def invoice_paper(invoice_id: int) -> dict:
    """The invoice as printed: header, diagnoses, lines with estimate and what happened since."""
    invoice = Invoice.get_by_id(invoice_id)
    account = invoice.account
    lines = list(invoice.lines.order_by(InvoiceLine.position))
    est = estimate_for(account.id, invoice.service_date,
                       [ChargeLine(l.code, l.quantity, l.amount, l.description) for l in lines])
    moved = _moved_by_line([l.id for l in lines])
    rows = []
    for line, line_est in zip(lines, est.lines):
        paid, adjusted = moved.get(line.id, (ZERO, ZERO))
        rows.append({"code": line.code, "description": line.description, "quantity": line.quantity,
                     "unit_price": line.unit_price, "amount": line.amount,
                     "modifiers": line.modifiers, "pointers": _letters(line.diagnosis_pointers),
                     "service_date": line.service_date, "paid": paid, "adjusted": adjusted,
                     "balance": line.balance, "estimate": line_est,
                     "explain": explain_line(line_est)})
    address = [account.street, account.street2,
               " ".join(p for p in (account.city + ("," if account.city else ""), account.state,
                                    account.zip_code) if p)]
    return {
        "office": office_details(), "number": invoice.number, "status": invoice.status,
        "account": account.number, "name": account.display_name,
        "address": [a for a in address if a.strip()], "service_date": invoice.service_date,
        "posted_on": invoice.posted_on, "due_date": invoice.due_date,
        "provider": invoice.provider, "place_of_service": invoice.place_of_service,
        "primary": est.primary, "secondary": est.secondary, "notes": invoice.notes,
        "diagnoses": [(LETTERS[d.position - 1], d.code, describe_diagnosis(d.code)) for d in
                      invoice.diagnoses.order_by(InvoiceDiagnosis.position)],
        "lines": rows,
        "totals": {"charges": invoice.total, "insurance_estimate": est.total("insurance_pays"),
                   "patient_estimate": est.total("patient_pays"),
                   "paid": sum((r["paid"] for r in rows), ZERO),
                   "adjusted": sum((r["adjusted"] for r in rows), ZERO),
                   "patient_balance": invoice.patient_balance,
                   "insurance_balance": invoice.insurance_balance,
                   "balance": invoice.balance, "credit": account.unapplied_credit},
    }


def _letters(pointers: str) -> str:
    return ",".join(LETTERS[int(p) - 1] for p in pointers.split(",") if p.isdigit())


def _moved_by_line(line_ids: list[int]) -> dict[int, tuple[Decimal, Decimal]]:
    """Payments and adjustments on each line so far (positive numbers)."""
    moved: dict[int, list[Decimal]] = {}
    for entry in LedgerEntry.select().where(LedgerEntry.line.in_(line_ids)):
        slot = moved.setdefault(entry.line_id, [ZERO, ZERO])
        if entry.kind in ("payment", "payment_void", "credit_applied"):
            slot[0] -= entry.amount
        elif entry.kind == "adjustment":
            slot[1] -= entry.amount
    return {k: (v[0], v[1]) for k, v in moved.items()}


def superbill_paper() -> dict:
    """The blank encounter form: the office's common codes by category, boxes to tick."""
    groups: dict[str, list[tuple[str, str, Decimal]]] = {}
    for item in common_items():
        groups.setdefault(item.category or "Other", []).append(
            (item.code, item.description, item.unit_price))
    return {"office": office_details(), "groups": groups}


def deposit_paper(day: dt.date) -> dict:
    """The day's payments by method, with a total for each method and for the day, and the
    payments returned (voided) that day as lines of their own (services/books/deposits.py, the
    day sheet's deposit slip too)."""
    found = deposit(day)

    def line(r) -> tuple:
        return (r.reference, r.account, r.name, r.source, r.amount)

    return {"office": office_details(), "day": day,
            "groups": {method: [line(r) for r in rows] for method, rows in found.by_method().items()},
            "totals": found.totals(), "total": found.total,
            "returned": [(*line(r), r.method) for r in found.returned],
            "returned_total": found.returned_total}
