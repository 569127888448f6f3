"""An 835 file (005010X221A1) imported: read by exchange/x12_835.py, previewed, then posted whole.

``preview_era(path)`` says, without writing, what each remittance in the file will post, which
claim numbers match none of ours, and why the file would be refused. ``import_era(path, by)``
posts every remittance of the file through ``remittances.post_remittance`` in ONE transaction:
nothing is posted unless every remittance balances (BPR total = claim payments - PLB), its payer
is known, and neither the file nor a payer's trace number (TRN02) is already on the books. The
payer is found by era_payer.py (a payer id several payers share: by the claims, else the clerk's
``payer``); a claim sent twice in one remittance is held, not posted twice (claim_repeats.py).
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

    @property
    def unmatched(self) -> list[ClaimRow]:
        return [c for c in self.claims if not c.matched]


@dataclass
class EraPreview:
    remittances: list[RemittancePreview]

    @property
    def problems(self) -> list[str]:
        return [f"{r.payer} {r.reference}: {p}" for r in self.remittances for p in r.problems]

    @property
    def warnings(self) -> list[str]:
        return [f"{r.payer} {r.reference}: {w}" for r in self.remittances for w in r.warnings]

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
            out += [f"  warning: {w}" for w in r.warnings]
            out += [f"  refused: {p}" for p in r.problems]
        return out


def _preview_one(remittance: Remittance, chosen: str = "") -> RemittancePreview:
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
    if payer is not None:
        try:
            money.refuse_duplicate(payer.id, remittance.reference, fingerprint_of(remittance))
        except RuleError as exc:
            row.problems.append(str(exc))
    repeats = claim_repeats.repeated(remittance)
    row.warnings += claim_repeats.split(remittance) + list(repeats.values())
    for index, payment in enumerate(remittance.claims):
        claim = find_claim(payment.claim_number)
        matched = ""
        if index in repeats:
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


def _owed_back_words(claim) -> str:
    paid = sum((part.amount for part in owed_back.paid_parts(claim)), ZERO)
    return (f", and the {format_money(paid)} it paid taken off the invoice and held as owed back to "
            f"{claim.payer.name}" if paid else "")


def preview_era(path: str | os.PathLike[str], *, payer: str = "") -> EraPreview:
    """What importing the file would do; raises BillingError when it cannot be read at all.
    ``payer``: the payer the clerk chose, for a remittance whose payer id several payers share."""
    return EraPreview([_preview_one(r, payer) for r in read_835(_file(path))])


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
    problems = EraPreview([_preview_one(r, payer) for r in remittances]).problems
    if not remittances:
        problems.append("the file holds no remittance")
    if problems:
        raise RuleError("Nothing was posted: " + "; ".join(problems))
    with in_transaction():
        return [post_remittance(r, by, entry_date=entry_date, payer_id=_payer_id(r, payer))
                for r in remittances]


def _payer_id(remittance: Remittance, chosen: str) -> int | None:
    found = era_payer.payer_of(remittance, chosen)
    return found.id if found is not None else None
