"""Claims against their invoices, part of the ledger check: the money on a claim is the invoice
lines it carries, to the cent; a line is on at most one open claim of a payer; the payer billed
is the coverage's."""

from __future__ import annotations

from peewee import fn

from ...choices import CLAIM_CLOSED_STATUSES
from ...models import Claim, ClaimLine, Coverage, InvoiceLine, Plan
from ...money import ZERO, format_money, from_cents


def check_claims() -> list[str]:
    return _money() + _billed_twice() + _payers()


def _money() -> list[str]:
    problems = []
    sums = dict(ClaimLine.select(ClaimLine.claim, fn.SUM(ClaimLine.charge))
                .group_by(ClaimLine.claim).tuples())
    for claim in Claim.select(Claim.id, Claim.control_number, Claim.total_charge):
        carried = from_cents(sums.get(claim.id)) if sums.get(claim.id) is not None else ZERO
        if carried != claim.total_charge:
            problems.append(f"claim {claim.control_number}: total {format_money(claim.total_charge)} is "
                            f"not the {format_money(carried)} its lines carry")
    rows = (ClaimLine.select(ClaimLine.charge, InvoiceLine.amount, InvoiceLine.invoice, InvoiceLine.position,
                             Claim.control_number, Claim.invoice)
            .join(InvoiceLine).switch(ClaimLine).join(Claim))
    for row in rows:
        line, claim = row.line, row.claim
        if line.invoice_id != claim.invoice_id:
            problems.append(f"claim {claim.control_number} carries a line of another invoice")
        elif row.charge != line.amount:
            problems.append(f"claim {claim.control_number} line {line.position}: "
                            f"{format_money(row.charge)} on the claim, {format_money(line.amount)} on "
                            "the invoice")
    return problems


def _billed_twice() -> list[str]:
    rows = (ClaimLine.select(ClaimLine.line, Claim.payer, fn.COUNT(Claim.id).alias("n"),
                             fn.GROUP_CONCAT(Claim.control_number).alias("numbers"))
            .join(Claim).where(Claim.status.not_in(CLAIM_CLOSED_STATUSES), Claim.frequency != "8")
            .group_by(ClaimLine.line, Claim.payer).having(fn.COUNT(Claim.id) > 1).tuples())
    return [f"invoice line #{line} is on {n} open claims of one payer ({numbers}): billed twice"
            for line, _payer, n, numbers in rows]


def _payers() -> list[str]:
    rows = (Claim.select(Claim.control_number, Plan.payer, Claim.payer).join(Coverage).join(Plan)
            .where(Plan.payer != Claim.payer).tuples())
    return [f"claim {number}: its payer is not its coverage's payer" for number, _p, _c in rows]
