"""An 835 file (005010X221A1) imported: read by exchange/x12_835.py, previewed, then posted whole.

``preview_era(path)`` says, without writing, what each remittance in the file will post, which
claim numbers match none of ours, and why the file would be refused. ``import_era(path, by)``
posts every remittance of the file through ``remittances.post_remittance`` in ONE transaction:
nothing is posted unless every remittance balances (BPR total = claim payments - PLB), its payer
is known, no check is in it twice, and it is not all on the books already. A check already on the
books (the same file's, or the payer's trace number TRN02 keyed or imported before) for the same
amount is left out and said, so a later file that repeats it does not hold back the new checks
beside it; for another amount the file is refused. The payer is found by era_payer.py (a payer id
several payers share: by the claims, else the clerk's ``payer``); a claim sent twice in the file,
on one check or two, or paid again the same after a payment posted before, is held, not posted
twice (claim_repeats.py).
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from ...errors import BillingError, RuleError
from ...exchange.x12_835 import read_835
from ...models import User
from ...money import ZERO, format_money
from ...remittance import CLAIM_STATUSES, Remittance
from ..claims.after_payment import secondaries_of
from ..office.transactions import in_transaction
from . import claim_repeats, era_payer, insurance_money as money, owed_back
from .remittances import Posted, find_claim, fingerprint_of, post_remittance


@dataclass
class ClaimRow:
    claim_number: str
    patient: str
    status: str  # in words
    charge: Decimal
    paid: Decimal
    matched: str  # "invoice 1002 (Lee, Ann)" or "" when it matches nothing


@dataclass
class RemittancePreview:
    payer: str
    reference: str
    method: str
    amount: Decimal
    paid_on: dt.date
    claims: list[ClaimRow] = field(default_factory=list)
    provider_adjustments: Decimal = ZERO
    problems: list[str] = field(default_factory=list)  # why it cannot be posted
    warnings: list[str] = field(default_factory=list)  # posted, but the clerk should know
    choices: list[str] = field(default_factory=list)  # payers sharing its payer id, to choose from
    # The same check is on the books already (same amount): why it may not be posted again, and
    # what is said when the rest of the file is posted without it.
    already: str = ""
    skipped: str = ""

    @property
    def unmatched(self) -> list[ClaimRow]:
        return [c for c in self.claims if not c.matched]


@dataclass
class EraPreview:
    """A file's remittances previewed. A check already on the books is left out of the posting,
    said as a warning; when every check of the file is, the file is refused (it was posted)."""

    remittances: list[RemittancePreview]

    @property
    def all_posted(self) -> bool:
        return bool(self.remittances) and all(r.already for r in self.remittances)

    def problems_of(self, r: RemittancePreview) -> list[str]:
        return r.problems + ([r.already] if self.all_posted else [])

    def warnings_of(self, r: RemittancePreview) -> list[str]:
        return r.warnings + ([r.skipped] if r.skipped and not self.all_posted else [])

    @property
    def problems(self) -> list[str]:
        return [f"{r.payer} {r.reference}: {p}" for r in self.remittances for p in self.problems_of(r)]

    @property
    def warnings(self) -> list[str]:
        return [f"{r.payer} {r.reference}: {w}" for r in self.remittances for w in self.warnings_of(r)]

    def lines(self) -> list[str]:
        """The preview in words, one line each (the command line prints these)."""
        out = []
        for r in self.remittances:
            out.append(f"{r.payer} {r.method} {r.reference} {format_money(r.amount)} paid "
                       f"{r.paid_on:%m/%d/%Y}: {len(r.claims)} claim(s)"
                       + (f", provider adjustments {format_money(r.provider_adjustments)}"
                          if r.provider_adjustments else ""))
            for c in r.claims:
                where = c.matched or "NOT MATCHED: to the unmatched worklist, its money held unapplied"
                out.append(f"  claim {c.claim_number} {c.patient} {c.status} charge "
                           f"{format_money(c.charge)} paid {format_money(c.paid)}: {where}")
            out += [f"  warning: {w}" for w in self.warnings_of(r)]
            out += [f"  refused: {p}" for p in self.problems_of(r)]
        return out


def _preview_one(remittance: Remittance, chosen: str = "",
                 repeats: claim_repeats.Repeats | None = None) -> RemittancePreview:
    row = RemittancePreview(remittance.payer_name, remittance.reference, remittance.method,
                            remittance.amount, remittance.paid_on,
                            provider_adjustments=sum((p.amount for p in remittance.provider_adjustments),
                                                     ZERO), choices=era_payer.choices(remittance))
    problem = remittance.balance_problem()
    if problem:
        row.problems.append(problem)
    try:
        payer = era_payer.payer_of(remittance, chosen)
    except RuleError as exc:
        payer = None
        row.problems.append(str(exc))
    else:
        if payer is None:
            row.problems.append(f"no payer here is {remittance.payer_name} (payer id "
                                f"{remittance.payer_id or '?'}): add it, or give it that payer id")
        elif row.choices:
            row.warnings.append(f"to be posted to {payer.name}, as chosen (payer id {remittance.payer_id} "
                                f"is shared by {', '.join(row.choices)})")
    if payer is not None and _already(row, payer, remittance):
        return row
    repeats = repeats if repeats is not None else claim_repeats.in_file([remittance])[0]
    row.warnings += repeats.splits + list(repeats.held.values())
    for index, payment in enumerate(remittance.claims):
        claim = find_claim(payment.claim_number)
        matched = ""
        if index in repeats.held:
            matched = "SECOND COPY of this claim: not posted, held unapplied on the unmatched worklist"
        elif claim is not None:
            invoice = claim.invoice
            matched = f"invoice {invoice.number} ({invoice.account.display_name})"
            if payment.is_reversal:
                matched += "".join(f"; its secondary claim {c.control_number} to {c.payer.name} will "
                                   "be voided" + _owed_back_words(c) for c in secondaries_of(claim))
                owed = sum((held for _check, held in owed_back.owed_on(claim)), ZERO)
                if owed:
                    matched += f"; it takes back the {format_money(owed)} held as owed back to it"
            if payer is not None and claim.payer_id != payer.id:
                row.problems.append(f"claim {payment.claim_number} was sent to {claim.payer.name}")
        row.claims.append(ClaimRow(payment.claim_number, payment.patient_name,
                                   CLAIM_STATUSES.get(payment.status, payment.status),
                                   payment.charge, payment.paid, matched))
    return row


def _already(row: RemittancePreview, payer, remittance: Remittance) -> bool:
    """The check is on the books already: for the same amount it is not posted again (True, its
    claims marked so); for another amount the file is refused."""
    found = money.on_the_books(payer.id, remittance.reference, fingerprint_of(remittance))
    if found is None:
        return False
    check, refusal = found
    if check.amount != remittance.amount:
        row.problems.append(f"{check.payer.name}'s payment {check.reference} is already on the books for "
                            f"{format_money(check.amount)} (received {check.received_on:%m/%d/%Y}), and "
                            f"this file says {format_money(remittance.amount)}: a check is posted once; "
                            "ask the payer which is right")
        return False
    row.already = refusal
    row.skipped = (f"{check.payer.name}'s payment {check.reference} ({format_money(check.amount)}, "
                   f"received {check.received_on:%m/%d/%Y}) is already on the books: this copy is not "
                   "posted again")
    row.claims = [ClaimRow(p.claim_number, p.patient_name, CLAIM_STATUSES.get(p.status, p.status),
                           p.charge, p.paid, f"ALREADY POSTED with {check.reference}: not posted again")
                  for p in remittance.claims]
    return True


def _preview(remittances: list[Remittance], chosen: str) -> tuple[EraPreview, list[claim_repeats.Repeats]]:
    """The file previewed, and its claims that repeat others of it (what posting it is told)."""
    repeats = claim_repeats.in_file(remittances)
    rows = [_preview_one(r, chosen, found) for r, found in zip(remittances, repeats)]
    seen: set[tuple[str, str]] = set()
    for remittance, row in zip(remittances, rows):
        key = (remittance.payer_id or remittance.payer_name, remittance.reference)
        if key in seen:
            row.problems.append(f"{'EFT' if remittance.method == 'eft' else 'check'} {remittance.reference} "
                                "is in this file twice: a check is posted once; ask the payer or "
                                "clearinghouse for a corrected file")
        seen.add(key)
    return EraPreview(rows), repeats


def _owed_back_words(claim) -> str:
    paid = sum((part.amount for part in owed_back.paid_parts(claim)), ZERO)
    return (f", and the {format_money(paid)} it paid taken off the invoice and held as owed back to "
            f"{claim.payer.name}" if paid else "")


def preview_era(path: str | os.PathLike[str], *, payer: str = "") -> EraPreview:
    """What importing the file would do; raises BillingError when it cannot be read at all.
    ``payer``: the payer the clerk chose, for a remittance whose payer id several payers share."""
    return _preview(read_835(_file(path)), payer)[0]


def _file(path: str | os.PathLike[str]) -> Path:
    """The 835 file named (the reader takes text too: a name that is not a file must not be read
    as the file's text)."""
    file = Path(path)
    if not file.is_file():
        raise BillingError(f"{file} is not there (no such file): nothing was imported")
    return file


def import_era(path: str | os.PathLike[str], by: User, *, entry_date: dt.date | None = None,
               payer: str = "") -> list[Posted]:
    """Post the whole file, or nothing (RuleError naming every reason). ``payer``: as for
    ``preview_era``."""
    remittances = read_835(_file(path))
    preview, repeats = _preview(remittances, payer)
    problems = preview.problems
    if not remittances:
        problems.append("the file holds no remittance")
    if problems:
        raise RuleError("Nothing was posted: " + "; ".join(problems))
    with in_transaction():
        return [post_remittance(r, by, entry_date=entry_date, payer_id=_payer_id(r, payer), repeats=found)
                for r, found, row in zip(remittances, repeats, preview.remittances) if not row.already]


def _payer_id(remittance: Remittance, chosen: str) -> int | None:
    found = era_payer.payer_of(remittance, chosen)
    return found.id if found is not None else None
