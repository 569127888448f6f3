"""A paper EOB as the clerk keys it, made into the same ``Remittance`` an 835 file gives, so both
post through ``remittances.post_remittance``. Every line of the claim's invoice can be keyed,
whatever the estimate said; a line the clerk leaves alone is not on the EOB."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from ...choices import CLAIM_CLOSED_STATUSES
from ...errors import RuleError, ValidationError
from ...models import Claim, Invoice, InvoiceLine, Payer
from ...models.base import prepared
from ...money import ZERO
from ...remittance import ClaimPayment, Remittance, RemittanceAdjustment, RemittanceLine

_GROUP_REASON = re.compile(r"^\s*(CO|PR|OA|PI)[\s-]*([A-Z]?[0-9]{1,3})\b", re.I)
_REMARK = re.compile(r"\b(N\d{1,3}|MA\d{2,3}|M\d{1,3})\b")


@dataclass
class EobLine:
    """One line of a paper EOB, as keyed."""

    line_id: int
    allowed: Decimal
    paid: Decimal
    patient_responsibility: Decimal | None = None  # None: allowed - paid
    contractual: Decimal | None = None  # None: charge - allowed
    denial_reason: str = ""  # may name the group and CARC ("CO-96 not covered") and a RARC


def eob_claim(invoice_number: str, payer_id: int | None = None) -> tuple[Invoice, list[InvoiceLine], Claim]:
    """A posted invoice, every one of its lines, and the claim the EOB answers: the payer's
    latest claim on it that was not voided; with no payer, the invoice's open claim to any payer
    (a secondary's, once the primary has answered), else its latest."""
    number = (invoice_number or "").strip()
    invoice = Invoice.get_or_none(Invoice.number == int(number)) if number.isdigit() else None
    if invoice is None or invoice.status != "posted":
        raise ValidationError(f"'{number}' is not a posted invoice number", "invoice")
    claim = claim_of(invoice, payer_id)
    lines = list(invoice.lines.order_by(InvoiceLine.position))
    return invoice, lines, claim


def claim_of(invoice: Invoice, payer_id: int | None) -> Claim:
    binds = [(Claim.invoice, invoice.id), (Claim.status, "voided")]
    if payer_id:
        binds.append((Claim.payer, payer_id))
    query = prepared(f"an invoice's claims ({len(binds)})", lambda: Claim.select().where(
        Claim.invoice == invoice.id, Claim.status != "voided", *(
            [Claim.payer == payer_id] if payer_id else [])), binds)
    open_first = sorted(query, key=lambda c: (c.status in CLAIM_CLOSED_STATUSES, -c.id))
    if not open_first:
        payer = Payer.get_by_id(payer_id).name if payer_id else "any payer"
        raise RuleError(f"Invoice {invoice.number} has no claim to {payer}: an EOB answers a claim.")
    return open_first[0]


def _line_value(line: InvoiceLine, keyed: EobLine) -> RemittanceLine:
    for name in ("allowed", "paid"):
        if getattr(keyed, name) < 0:
            raise ValidationError(f"line {line.position}: {name} may not be negative", name)
    if keyed.paid > keyed.allowed:
        raise ValidationError(f"line {line.position}: paid is more than allowed", "paid")
    named = _GROUP_REASON.match(keyed.denial_reason or "")
    group, carc = (named[1].upper(), named[2].upper()) if named else ("", "")
    contractual = keyed.contractual if keyed.contractual is not None else max(
        line.amount - keyed.allowed, ZERO)
    patient = (keyed.patient_responsibility if keyed.patient_responsibility is not None
               else keyed.allowed - keyed.paid)
    adjustments = []
    if contractual:
        adjustments.append(RemittanceAdjustment(group if group and group != "PR" else "CO",
                                                carc if group and group != "PR" else "45", contractual))
    if patient:
        adjustments.append(RemittanceAdjustment("PR", carc if group == "PR" else "2", patient))
    return RemittanceLine(code=line.code, charge=line.amount, paid=keyed.paid, units=line.quantity,
                          service_date=line.service_date, allowed=keyed.allowed,
                          adjustments=tuple(adjustments),
                          remarks=tuple(_REMARK.findall(keyed.denial_reason or "")),
                          line_reference=str(line.id))


def eob_remittance(claim: Claim, keyed: list[EobLine], *, reference: str, paid_on: dt.date,
                   method: str = "check") -> Remittance:
    """One claim of a paper EOB as a remittance whose amount is what the claim's lines pay."""
    lines = {l.id: l for l in prepared("an invoice's lines", lambda: InvoiceLine.select().where(
        InvoiceLine.invoice == claim.invoice_id), [(InvoiceLine.invoice, claim.invoice_id)])}
    values = []
    for item in keyed:
        if item.line_id not in lines:
            raise ValidationError(f"line #{item.line_id} is not on invoice {claim.invoice.number}", "line")
        values.append(_line_value(lines[item.line_id], item))
    paid = sum((v.paid for v in values), ZERO)
    denied = paid == 0 and any(k.denial_reason for k in keyed)
    payment = ClaimPayment(
        claim_number=claim.control_number, status="4" if denied else "1",
        charge=sum((v.charge for v in values), ZERO), paid=paid,
        patient_responsibility=sum((a.amount for v in values for a in v.adjustments if a.group == "PR"),
                                   ZERO),
        lines=tuple(values))
    return Remittance(payer_name=claim.payer.name, payer_id=claim.payer.payer_id, method=method,
                      reference=reference, amount=paid, paid_on=paid_on, claims=(payment,),
                      source="paper")
