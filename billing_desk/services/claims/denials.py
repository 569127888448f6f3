"""The denial worklist: denied claims by payer, reason code and age, searched and filtered; and the
appeal of a denial, recorded on the claim (event, audit, follow-up date) with its letter.

Where a denial's reason codes come from is ONE function, ``denial_reasons_for(claim_ids)`` (and
``denial_reasons(claim)`` over it): today it reads the group and CARC code the clerk or the EOB
wrote in the claim's "denied" event ("CO16 claim lacks information", "PR-1", "CO 50"); once the
remittance posting keeps each line's CARC adjustments, it reads those instead, and nothing else
here changes. The worklist itself searches accounts, so it is ``services/accounts/denial_lists.py``; the
write-off and the move to the patient are money: ``services/books/denial_actions.py``.
"""

from __future__ import annotations

import datetime as dt
import re
import string
from dataclasses import dataclass

from peewee import fn

from ...errors import RuleError, ValidationError
from ...models import Claim, ClaimEvent, InsurancePayment, RemitCode, RemitLine, User, now
from ...money import format_money
from ..office import audit
from ..office.settings import APPEAL_TEMPLATE, get_setting, office_details, parse_setting
from ..office.transactions import in_transaction, today as office_today
from .claims import claim_lines, record_event

GROUPS = {"CO": "contractual obligation", "PR": "patient responsibility", "OA": "other adjustment",
          "PI": "payer initiated", "CR": "correction or reversal"}
# Public CARC values the office meets most, for a code the office's table (remit_code) lacks.
CARC = {"1": "deductible amount", "2": "coinsurance amount", "3": "co-payment amount",
        "4": "procedure code inconsistent with the modifier", "11": "diagnosis inconsistent with "
        "the procedure", "16": "claim lacks information needed for adjudication",
        "18": "exact duplicate claim or service", "22": "care may be covered by another payer",
        "27": "expenses incurred after coverage ended", "29": "time limit for filing has expired",
        "31": "patient cannot be identified as our insured", "45": "charge exceeds fee schedule",
        "50": "not deemed a medical necessity", "96": "non-covered charge",
        "97": "included in another service already adjudicated",
        "109": "not covered by this payer; send to the correct payer",
        "197": "precertification or authorization absent", "204": "not covered under the "
        "patient's current benefit plan"}
APPEALED = "appealed: "  # an appeal's event note starts so (the claim stays denied)
_CODE = re.compile(r"\b(CO|PR|OA|PI|CR)[\s-]*([A-Z]?[0-9]{1,3})\b", re.I)
DENIED = ("denied", "partly_paid")  # a partly paid claim's unpaid lines are denials too


@dataclass(frozen=True)
class DenialReason:
    group: str  # CO, PR, OA, PI ("" when the note names no code)
    code: str  # the CARC ("" when the note names none)
    description: str

    def __str__(self) -> str:
        return f"{self.group}{self.code} {self.description}".strip() if self.code else self.description


def reasons_in(note: str, words: dict[str, str] | None = None) -> list[DenialReason]:
    """The group and reason codes written in a note, described in the office's words (the CARC
    table; ``words`` when the caller read it already); the note itself when it names none."""
    found = [(g.upper(), c.upper()) for g, c in _CODE.findall(note or "")]
    if not found:
        return [DenialReason("", "", (note or "").strip() or "no reason recorded")]
    rest = _CODE.sub("", note).strip(" :;,-")
    words = carc_words() if words is None else words
    return [DenialReason(g, c, words.get(c) or CARC.get(c, rest or "see the EOB"))
            for g, c in dict.fromkeys(found)]


def carc_words() -> dict[str, str]:
    """Each CARC code's short description as the office words it (remit_codes edits them)."""
    return dict(RemitCode.select(RemitCode.code, RemitCode.description)
                .where(RemitCode.kind == "CARC").tuples())


def denial_event():
    """The events that denied a claim (its appeals are events of the same status: not these)."""
    return ClaimEvent.status.in_(DENIED) & ~ClaimEvent.note.startswith(APPEALED)


def denial_reasons_for(claim_ids: list[int], through: dt.date | None = None,
                       ) -> dict[int, list[DenialReason]]:
    """Each claim's denial reasons, from its latest denied (or partly paid) event: one query.
    THE place to point at the posted remittance adjustments' CARC codes. ``through``: as they
    stood at the end of that day (events and remittances entered by then)."""
    denials = ClaimEvent.select(ClaimEvent.claim, fn.MAX(ClaimEvent.id).alias("last")).where(
        ClaimEvent.claim.in_(claim_ids), denial_event())
    if through is not None:
        denials = denials.where(ClaimEvent.at < through + dt.timedelta(days=1))
    latest = denials.group_by(ClaimEvent.claim)
    notes = {e.claim_id: e.note for e in ClaimEvent.select(ClaimEvent.claim, ClaimEvent.note)
             .where(ClaimEvent.id.in_([row.last for row in latest]))}
    words = carc_words()
    posted = _posted_reasons(claim_ids, words, through)
    return {claim_id: posted.get(claim_id) or reasons_in(notes.get(claim_id, ""), words)
            for claim_id in claim_ids}


ROUTINE = {("CO", "45"), ("PR", "1"), ("PR", "2"), ("PR", "3")}  # allowances and shares, no denial


def _posted_reasons(claim_ids: list[int], words: dict[str, str], through: dt.date | None = None,
                    ) -> dict[int, list[DenialReason]]:
    """The group and CARC codes the remittances posted on each claim's lines (beside the routine
    contractual allowance and the patient's shares), described by the office's code table."""
    found: dict[int, dict[tuple[str, str], None]] = {}
    lines = RemitLine.select(RemitLine.claim, RemitLine.adjustments).where(RemitLine.claim.in_(claim_ids))
    if through is not None:
        lines = lines.join(InsurancePayment).where(InsurancePayment.entered_on <= through)
    for line in lines:
        for part in (line.adjustments or "").splitlines():
            bits = part.split()
            if len(bits) >= 2 and (bits[0].upper(), bits[1].upper()) not in ROUTINE:
                found.setdefault(line.claim_id, {})[(bits[0].upper(), bits[1].upper())] = None
    return {claim_id: [DenialReason(g, c, words.get(c) or CARC.get(c, "see the EOB")) for g, c in codes]
            for claim_id, codes in found.items()}


def denial_reasons(claim: Claim) -> list[DenialReason]:
    """A claim's denial reasons as (group, code, description)."""
    return denial_reasons_for([claim.id])[claim.id]


def patient_owes(claim: Claim) -> bool:
    """The denial says the patient owes (a PR group code)."""
    return any(r.group == "PR" for r in denial_reasons(claim))


# --- the appeal -----------------------------------------------------------------------------------

SAMPLE_CLAIM = {  # the preview's facts while the office has no denied claim to show
    "claim": "200123", "payer": "Sample Health Plan", "payer_claim_number": "PCN-55501",
    "patient": "Sample, Pat", "account": "10001", "date_of_birth": "04/12/1980",
    "member_id": "XYZ123456", "invoice": "1001", "service_dates": "03/02/2026",
    "codes": "99213, 36415", "billed": "$135.00",
    "denial_reason": "CO50 not deemed a medical necessity",
}
PREVIEW_ARGUMENT = "(Your argument, as typed when you appeal, is printed here.)"


def appeal_values(claim: Claim, argument: str) -> dict:
    """The claim's facts the appeal template may name, as text."""
    lines = claim_lines(claim)
    dates = sorted({cl.line.service_date or claim.invoice.service_date for cl in lines} - {None})
    account, office = claim.invoice.account, office_details()
    return {"claim": claim.control_number, "payer": claim.payer.name,
            "payer_claim_number": claim.payer_claim_number or "not given",
            "patient": account.display_name, "account": account.number,
            "date_of_birth": f"{account.date_of_birth:%m/%d/%Y}" if account.date_of_birth else "",
            "member_id": claim.coverage.member_id, "invoice": str(claim.invoice.number),
            "service_dates": ", ".join(f"{d:%m/%d/%Y}" for d in dates) or "not given",
            "codes": ", ".join(cl.line.code for cl in lines), "billed": format_money(claim.total_charge),
            "denial_reason": "; ".join(str(r) for r in denial_reasons(claim)),
            "argument": argument.strip(), "office_name": office["name"],
            "office_phone": office["phone"] or "the number above"}


def appeal_letter(claim_id: int, argument: str, *, today: dt.date | None = None,
                  template: str | None = None) -> dict:
    """The appeal letter as plain data for ``printing.letters.render``: to the payer's claims
    address, the office's template (setting ``appeal_letter_template``) filled with the claim's
    facts, and its lines with the denial codes."""
    claim = Claim.get_by_id(claim_id)
    values = appeal_values(claim, argument)
    codes = ", ".join(f"{r.group}{r.code}" for r in denial_reasons(claim) if r.code)
    table = [["Date", "Code", "Units", "Billed", "Denied"]]
    for cl in claim_lines(claim):
        table.append([f"{(cl.line.service_date or claim.invoice.service_date):%m/%d/%Y}",
                      cl.line.code, str(cl.units), format_money(cl.charge), codes])
    address = [part.strip() for part in claim.payer.address.replace(",", "\n").splitlines() if part.strip()]
    return _letter(values, template, [claim.payer.name, "Appeals / claims review"] + address,
                   table, today)


def _letter(values: dict, template: str | None, to_lines: list[str], table: list,
            today: dt.date | None) -> dict:
    text = string.Formatter().vformat(template or str(get_setting("appeal_letter_template"))
                                      or APPEAL_TEMPLATE, (), values)
    return {"office": office_details(), "date": today or office_today(), "to_lines": to_lines,
            "account": values["account"], "title": f"Appeal of claim {values['claim']}",
            "paragraphs": ["To whom it may concern,"] + [p.strip() for p in text.split("\n\n") if p.strip()]
            + ["Sincerely,\n" + values["office_name"]],
            "table": table}


def appeal_preview(template: str, *, today: dt.date | None = None) -> dict:
    """The letter a template makes, for the Settings preview: with the newest denied claim's
    facts, or a sample claim's while there is none. ValidationError when the template is bad."""
    template = parse_setting("appeal_letter_template", template)
    claim = (Claim.select().where(Claim.status.in_(DENIED)).order_by(Claim.id.desc()).first())
    if claim is not None:
        return appeal_letter(claim.id, PREVIEW_ARGUMENT, today=today, template=template)
    office = office_details()
    values = dict(SAMPLE_CLAIM, argument=PREVIEW_ARGUMENT, office_name=office["name"],
                  office_phone=office["phone"] or "the number above")
    return _letter(values, template, [SAMPLE_CLAIM["payer"], "Appeals / claims review",
                                      "PO Box 100", "Springfield IL 62701"],
                   [["Date", "Code", "Units", "Billed", "Denied"],
                    ["03/02/2026", "99213", "1", "$110.00", "CO50"],
                    ["03/02/2026", "36415", "1", "$25.00", "CO50"]], today)


def appeal(claim_id: int, argument: str, by: User, *, follow_up_on: dt.date | None = None,
           today: dt.date | None = None) -> dict:
    """Appeal a denied claim: recorded on it (an event, the audit trail, the day appealed and the
    follow-up date, default the payer's follow-up days from today). Returns the letter's data."""
    if not (argument or "").strip():
        raise ValidationError("say why the payer should pay (the argument of the appeal)", "argument")
    day = today or office_today()
    with in_transaction():
        claim = Claim.get_by_id(claim_id)
        if claim.status not in DENIED:
            raise RuleError(f"Claim {claim.control_number} is not denied; only a denial is appealed.")
        follow_up = follow_up_on or day + dt.timedelta(days=claim.payer.follow_up_days or 30)
        if follow_up < day:
            raise ValidationError("the follow-up date has passed", "follow_up_on")
        before = audit.snapshot(claim, "appealed_on", "follow_up_on")
        claim.appealed_on, claim.follow_up_on, claim.updated_at = day, follow_up, now()
        claim.save()
        record_event(claim, claim.status, by, f"{APPEALED}{argument.strip()}; follow up "
                                              f"{follow_up:%m/%d/%Y}")
        audit.record(by, "appeal", claim, account_id=claim.invoice.account_id, before=before,
                     after=audit.snapshot(claim, "appealed_on", "follow_up_on"),
                     summary=f"claim {claim.control_number} appealed to {claim.payer.name}; follow "
                             f"up {follow_up:%m/%d/%Y}")
        return appeal_letter(claim_id, argument, today=day)
