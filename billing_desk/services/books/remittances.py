"""Posting a remittance: one service for the paper EOB the clerk keys and the 835 file read.

``post_remittance(remittance, by)`` records the check or EFT once (BPR/TRN), matches each claim
payment to our claim by its control number (CLP01), posts every line as ``remit_lines`` says,
records provider-level adjustments (PLB) as their own entries, keeps claim numbers it cannot
match on the unmatched worklist with their money held unapplied on the payer, marks the claims,
makes the secondary's claim, and moves the coverage's deductible and out-of-pocket met. All in
one transaction; nothing posts unless the whole remittance balances and the check is whole.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import Decimal

from ...errors import RuleError, ValidationError
from ...models import Claim, ClaimLine, InsurancePayment, InvoiceLine, Payment, RemitLine, User
from ...models.base import prepared
from ...money import ZERO, format_money
from ...remittance import ClaimPayment, Remittance, RemittanceAdjustment, RemittanceLine
from ..claims import after_payment, claim_status
from ..claims.payer_order import covering
from ..office import audit
from ..office.transactions import in_transaction, today
from . import claim_repeats, era_payer, insurance_money as money, owed_back
from .remit_lines import LineOutcome, LinePosting, post_line


@dataclass
class Posted:
    """What a posting did, in the clerk's words."""

    check_id: int
    claims: list[str] = field(default_factory=list)  # control numbers posted
    unmatched: list[str] = field(default_factory=list)  # claim numbers on the worklist
    held: Decimal = ZERO  # held unapplied on the payer by this posting
    secondary_claims: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what else was done (a secondary claim voided)


def fingerprint_of(remittance: Remittance) -> str | None:
    if remittance.source != "835" or not remittance.interchange:
        return None
    return f"{remittance.interchange}:{remittance.payer_id}:{remittance.reference}"


def find_claim(number: str) -> Claim | None:
    number = (number or "").strip()
    rows = prepared("a claim by its number", lambda: Claim.select().where(
        Claim.control_number == number).limit(1), [(Claim.control_number, number), (None, 1)])
    return rows[0] if rows else None


def post_remittance(remittance: Remittance, by: User, *, payer_id: int | None = None,
                    into: int | None = None, entry_date: dt.date | None = None,
                    once: bool = True, repeats: claim_repeats.Repeats | None = None) -> Posted:
    """Post a whole remittance. ``into``: the id of a check already received (a paper EOB keyed
    claim by claim); its claims are paid out of what the check holds unapplied. ``repeats``: its
    claims that repeat others of its 835 file (claim_repeats.in_file); None: of itself alone."""
    problem = remittance.balance_problem()
    if problem and into is None:
        raise RuleError(f"Nothing was posted: {problem}.")
    entry_date = entry_date or today()
    with in_transaction():
        if into is not None:
            check = InsurancePayment.get_by_id(into)
            paying = sum((c.paid for c in remittance.claims), ZERO)
            left = money.unapplied(check.id)
            if paying > left:
                raise RuleError(f"These claims pay {format_money(paying)}; only {format_money(left)} "
                                f"of {check.payer.name} {check.reference} is left to apply.")
            money.move(check, "applied", -paying, by, reason="applied to claims", entry_date=entry_date)
        else:
            payer = (money.Payer.get_by_id(payer_id) if payer_id else era_payer.payer_of(remittance))
            if payer is None:
                raise RuleError(f"No payer here is {remittance.payer_name or '?'} (id "
                                f"{remittance.payer_id or '?'}): add it, or give it that payer id.")
            check = money.new_check(payer.id, remittance.method, remittance.reference,
                                    remittance.amount, remittance.paid_on, by,
                                    source=remittance.source, payer_ref=remittance.payer_id,
                                    fingerprint=fingerprint_of(remittance), entry_date=entry_date,
                                    once=once)
        done = Posted(check.id)
        repeats = repeats if repeats is not None else claim_repeats.in_file([remittance])[0]
        done.notes += repeats.splits
        for index, payment in enumerate(remittance.claims):
            claim = find_claim(payment.claim_number)
            if index in repeats.held:
                _unmatched(check, payment, by, entry_date, done, why=repeats.held[index])
                done.notes.append(repeats.held[index])
            elif claim is None:
                _unmatched(check, payment, by, entry_date, done)
            else:
                _post_claim(check, claim, payment, by, entry_date, done)
        for plb in remittance.provider_adjustments:
            money.move(check, "provider", -plb.amount, by, code=plb.reason, reference=plb.reference,
                       reason=f"provider adjustment {plb.reason} {plb.reference}".strip(),
                       entry_date=entry_date)
        sums = money.check_sums(check.id)
        if sums.accounted != sums.amount:
            raise RuleError(f"Nothing was posted: {check.reference} is {format_money(sums.amount)} "
                            f"but {format_money(sums.accounted)} is accounted for.")
        audit.record(by, "post_remittance", check,
                     summary=f"{check.payer.name} {check.reference}: {len(done.claims)} claims posted"
                     + (f", {len(done.unmatched)} not matched" if done.unmatched else "")
                     + (f", {format_money(done.held)} held unapplied" if done.held else ""))
    return done


def _unmatched(check: InsurancePayment, payment: ClaimPayment, by: User, entry_date: dt.date,
               done: Posted, *, why: str = "") -> None:
    from ...models import UnmatchedClaim

    item = UnmatchedClaim.create(insurance_payment=check, claim_number=payment.claim_number,
                                 patient_name=payment.patient_name, member_id=payment.member_id,
                                 charge=payment.charge, paid=payment.paid, detail=to_json(payment))
    money.move(check, "held", payment.paid, by, entry_date=entry_date,
               reason=why or f"claim {payment.claim_number} ({payment.patient_name or 'no name'}) "
                             "matches none of ours")
    audit.record(by, "unmatched", item, summary=f"{check.payer.name} {check.reference}: claim "
                 f"{payment.claim_number} {format_money(payment.paid)} "
                 + ("is a second copy, held" if why else "matches no claim"))
    done.unmatched.append(payment.claim_number)
    done.held += payment.paid


def _post_claim(check: InsurancePayment, claim: Claim, payment: ClaimPayment, by: User,
                entry_date: dt.date, done: Posted) -> None:
    if claim.payer_id != check.payer_id:
        raise RuleError(f"Claim {claim.control_number} was sent to {claim.payer.name}, not "
                        f"{check.payer.name}.")
    invoice = claim.invoice
    if payment.is_reversal and owed_back.owed_on(claim):
        done.notes.append(owed_back.recoup(check, claim, -payment.paid, by, entry_date))
        done.claims.append(claim.control_number)
        return
    if payment.is_reversal:
        _reverse_status(claim, by, check.reference)
    part = Payment.create(account=invoice.account_id, source="insurance", payer=claim.payer_id,
                          method=money.PAYMENT_METHOD.get(check.method, "other"), reference=check.reference,
                          amount=ZERO, received_on=check.received_on, entered_on=entry_date,
                          note=f"claim {claim.control_number}", insurance_payment=check, created_by=by)
    secondary = None
    if claim.rank == "primary":
        coverage = covering(invoice.account_id, invoice.service_date, "secondary")
        if coverage is not None and coverage.plan.payer_id != claim.payer_id:
            secondary = coverage.plan.payer_id
    lines = _match_lines(claim, payment)
    applied, excess = ZERO, ZERO
    adjudications: list[after_payment.LineAdjudication] = []
    shares: dict[str, Decimal] = {}
    for remit, line in lines:
        if line is None:
            excess += remit.paid
            continue
        posting = LinePosting(claim, line, remit, by, entry_date, check.received_on, part, secondary,
                              denied=payment.is_denial, remarks=remit.remarks + payment.remarks)
        outcome = post_line(posting)
        _keep(check, part, claim, line, remit, payment.status, outcome)
        applied += outcome.applied
        excess += outcome.excess
        for kind, value in outcome.patient_share.items():
            shares[kind] = shares.get(kind, ZERO) + value
        adjudications.append(after_payment.LineAdjudication(line.id, outcome.applied,
                                                            tuple(outcome.adjustments)))
    part.amount = applied
    part.save()
    if excess:
        money.move(check, "held", excess, by, entry_date=entry_date,
                   reason=f"claim {claim.control_number} paid {format_money(excess)} more than its "
                          "lines owed")
        done.held += excess
    _meters(claim, shares, by)
    if payment.payer_claim_number and not claim.payer_claim_number:
        claim.payer_claim_number = payment.payer_claim_number
        claim.save(only=[Claim.payer_claim_number])
    if payment.is_reversal:
        paid_secondaries = after_payment.secondaries_of(claim)
        done.notes += after_payment.after_reversal(claim, by, check.reference)
        done.notes += owed_back.take_back(paid_secondaries, claim, by, entry_date)
    elif adjudications:
        made = after_payment.after_primary_payment(claim.payer_id, adjudications, check.received_on,
                                                   by, reference=check.reference)
        done.secondary_claims += [c.control_number for c in made]
    audit.record(by, "post_claim_payment", claim, account_id=invoice.account_id,
                 summary=f"claim {claim.control_number} ({payment.status}): paid "
                 f"{format_money(applied)} from {check.payer.name} {check.reference}")
    done.claims.append(claim.control_number)


def _reverse_status(claim: Claim, by: User, reference: str) -> None:
    if not RemitLine.select().where(RemitLine.claim == claim.id, RemitLine.claim_status != "22").exists():
        raise RuleError(f"Claim {claim.control_number} has no payment posted to reverse.")
    if claim.status in ("paid", "partly_paid", "denied"):
        claim_status.move(claim, "accepted", by, f"payment reversed by the payer ({reference})")


def _match_lines(claim: Claim, payment: ClaimPayment) -> list[tuple[RemittanceLine, InvoiceLine | None]]:
    """Each remittance line to an invoice line: by the line id the 837 sent (REF*6R), else the
    first unmatched line of the same code (the claim's own lines first, then the invoice's)."""
    on_claim = [cl.line for cl in prepared("a claim's lines", lambda: (
        ClaimLine.select(ClaimLine, InvoiceLine).join(InvoiceLine)
        .where(ClaimLine.claim == claim.id).order_by(InvoiceLine.position)), [(ClaimLine.claim, claim.id)])]
    others = [l for l in prepared("an invoice's lines in order", lambda: InvoiceLine.select().where(
                  InvoiceLine.invoice == claim.invoice_id).order_by(InvoiceLine.position),
                  [(InvoiceLine.invoice, claim.invoice_id)])
              if l.id not in {c.id for c in on_claim}]
    candidates = on_claim + others
    used: set[int] = set()
    out: list[tuple[RemittanceLine, InvoiceLine | None]] = []
    remits = list(payment.lines)
    if not remits and payment.adjustments:  # a claim-level answer only: put it on the first line
        remits = [RemittanceLine(code=candidates[0].code if candidates else "", charge=payment.charge,
                                 paid=payment.paid)]
    if payment.adjustments and remits:
        first = remits[0]
        remits[0] = dataclasses.replace(first, adjustments=first.adjustments + payment.adjustments)
    for remit in remits:
        found = None
        for line in candidates:
            if line.id in used:
                continue
            if remit.line_reference and remit.line_reference == str(line.id):
                found = line
                break
        if found is None:
            found = next((l for l in candidates if l.id not in used and l.code == remit.code), None)
        if found is not None:
            used.add(found.id)
        out.append((remit, found))
    return out


def _keep(check, part, claim, line, remit: RemittanceLine, status: str, outcome: LineOutcome) -> None:
    shares = outcome.patient_share
    RemitLine.create(insurance_payment=check, payment=part, claim=claim, line=line, claim_status=status,
                     code=remit.code, charge=remit.charge, allowed=remit.allowed, paid=remit.paid,
                     deductible=shares.get("deductible", ZERO),
                     coinsurance=shares.get("coinsurance", ZERO), copay=shares.get("copay", ZERO),
                     adjustments=after_payment.adjustments_text(outcome.adjustments),
                     remarks=",".join(remit.remarks))


def _meters(claim: Claim, shares: dict[str, Decimal], by: User) -> None:
    """The payer applied part of the allowed to the deductible and the patient's share: the
    coverage's deductible met and out-of-pocket met move by as much."""
    deductible = shares.get("deductible", ZERO)
    out_of_pocket = sum((shares.get(k, ZERO) for k in ("deductible", "coinsurance", "copay")), ZERO)
    if not deductible and not out_of_pocket:
        return
    coverage = claim.coverage
    before = audit.snapshot(coverage, "deductible_met", "out_of_pocket_met")
    coverage.deductible_met += deductible
    coverage.out_of_pocket_met += out_of_pocket
    coverage.save(only=["deductible_met", "out_of_pocket_met"])
    audit.record(by, "update", coverage, account_id=coverage.account_id, before=before,
                 after=audit.snapshot(coverage, "deductible_met", "out_of_pocket_met"),
                 summary=f"deductible met {format_money(coverage.deductible_met)}, out of pocket met "
                         f"{format_money(coverage.out_of_pocket_met)} (claim {claim.control_number})")


# -- the unmatched worklist ---------------------------------------------------------------------

def to_json(payment: ClaimPayment) -> str:
    return json.dumps(dataclasses.asdict(payment), default=str)


def from_json(text: str) -> ClaimPayment:
    data = json.loads(text)

    def adjustments(items):
        return tuple(RemittanceAdjustment(a["group"], a["reason"], Decimal(a["amount"])) for a in items)

    lines = tuple(RemittanceLine(
        code=l["code"], charge=Decimal(l["charge"]), paid=Decimal(l["paid"]), units=l["units"],
        modifiers=tuple(l["modifiers"]),
        service_date=dt.date.fromisoformat(l["service_date"]) if l["service_date"] else None,
        allowed=Decimal(l["allowed"]) if l["allowed"] is not None else None,
        adjustments=adjustments(l["adjustments"]), remarks=tuple(l["remarks"]),
        line_reference=l["line_reference"]) for l in data["lines"])
    return ClaimPayment(
        claim_number=data["claim_number"], status=data["status"], charge=Decimal(data["charge"]),
        paid=Decimal(data["paid"]), patient_responsibility=Decimal(data["patient_responsibility"]),
        payer_claim_number=data["payer_claim_number"], patient_name=data["patient_name"],
        member_id=data["member_id"], lines=lines, adjustments=adjustments(data["adjustments"]),
        remarks=tuple(data["remarks"]))


def unmatched_list(*, open_only: bool = True):
    from ...models import UnmatchedClaim

    query = UnmatchedClaim.select().order_by(UnmatchedClaim.id)
    if open_only:
        query = query.where(UnmatchedClaim.matched_claim.is_null())
    return list(query)


def match_unmatched(item_id: int, claim_number: str, by: User, *,
                    entry_date: dt.date | None = None) -> Posted:
    """Post a claim payment from the unmatched worklist against the claim the clerk found: its
    money comes out of what was held unapplied for it."""
    from ...models import UnmatchedClaim, now

    entry_date = entry_date or today()
    with in_transaction():
        item = UnmatchedClaim.get_by_id(item_id)
        if item.matched_claim_id is not None:
            raise RuleError(f"Claim {item.claim_number} was already matched.")
        claim = find_claim(claim_number)
        if claim is None:
            raise ValidationError(f"'{claim_number}' is not one of our claim numbers", "claim")
        check = item.insurance_payment
        payment = from_json(item.detail)
        money.move(check, "applied", -payment.paid, by, entry_date=entry_date,
                   reason=f"claim {item.claim_number} matched to claim {claim.control_number}")
        done = Posted(check.id)
        _post_claim(check, claim, payment, by, entry_date, done)
        item.matched_claim, item.resolved_by, item.resolved_at = claim, by, now()
        item.save()
        audit.record(by, "match", item, account_id=claim.invoice.account_id,
                     summary=f"{check.payer.name} {check.reference}: claim {item.claim_number} "
                             f"matched to claim {claim.control_number}")
        if money.unapplied(check.id) < 0:
            raise RuleError("More would be applied than the check holds; nothing was posted.")
    return done


@dataclass(frozen=True)
class UnmatchedRow:
    """A claim payment of a posted check that matched none of our claims, as the worklist shows it."""

    item_id: int
    claim_number: str  # as the payer sent it
    patient: str
    member_id: str
    payer: str
    reference: str  # the check or EFT
    received_on: dt.date
    charge: Decimal
    paid: Decimal  # held unapplied on the payer until matched
    days: int


def unmatched_rows(*, payer: str = "", day: dt.date | None = None) -> list[UnmatchedRow]:
    """The unmatched worklist: claim payments waiting to be matched, oldest first; ``payer``: by
    name, one payer's."""
    from ...models import InsurancePayment, Payer, UnmatchedClaim

    query = (UnmatchedClaim.select(UnmatchedClaim, InsurancePayment, Payer)
             .join(InsurancePayment).join(Payer)
             .where(UnmatchedClaim.matched_claim.is_null()).order_by(UnmatchedClaim.id))
    if payer:
        query = query.where(Payer.name == payer)
    day = day or today()
    return [UnmatchedRow(i.id, i.claim_number, i.patient_name, i.member_id,
                         i.insurance_payment.payer.name, i.insurance_payment.reference,
                         i.insurance_payment.received_on, i.charge, i.paid,
                         max((day - i.insurance_payment.received_on).days, 0)) for i in query]


@dataclass(frozen=True)
class Candidate:
    claim_number: str
    patient: str
    invoice: int | None
    service_date: dt.date
    total: Decimal
    status: str
    why: str  # what it has in common with the unmatched payment

    def __str__(self) -> str:
        return (f"{self.claim_number}: {self.patient}, invoice {self.invoice}, "
                f"{self.service_date:%m/%d/%Y}, {format_money(self.total)} ({self.status}; {self.why})")


def likely_claims(item_id: int, limit: int = 8) -> list[Candidate]:
    """Our claims to the same payer an unmatched payment may be for: the same member id first,
    then the patient's last name, then the same charge; open claims before finished ones."""
    from ...models import Account, Coverage, Invoice, UnmatchedClaim

    item = UnmatchedClaim.get_by_id(item_id)
    last = (item.patient_name or "").split(",")[0].strip().lower()
    query = (Claim.select(Claim, Invoice, Account, Coverage).join(Invoice).join(Account)
             .switch(Claim).join(Coverage)
             .where(Claim.payer == item.insurance_payment.payer_id, Claim.frequency != "8"))
    found = []
    for claim in query:
        account = claim.invoice.account
        why = [w for w, hit in (
            ("same member id", item.member_id and claim.coverage.member_id == item.member_id),
            ("same last name", last and (account.last_name or "").strip().lower() == last),
            ("same charge", claim.total_charge == item.charge)) if hit]
        if why:
            found.append((len(why) * -1, claim.status in ("resubmitted", "voided", "closed"),
                          -claim.id, Candidate(claim.control_number, account.display_name,
                                               claim.invoice.number, claim.invoice.service_date,
                                               claim.total_charge, claim_status.NAMES[claim.status],
                                               ", ".join(why))))
    return [c for *_key, c in sorted(found, key=lambda f: f[:3])][:limit]
