"""An X12 835 (005010X221A1, the electronic remittance advice) read into ``Remittance`` values.

``read_835(path_or_text)`` gives one ``Remittance`` per ST ... SE transaction (each is one check
or EFT): BPR (amount, CHK/ACH/NON, date), TRN (trace number), N1*PR (payer; its id from REF*2U,
else N104, else TRN03), N1*PE (payee NPI), and each CLP with its NM1*QC/IL, claim-level CAS,
MOA/MIA remarks and DTM*232, each SVC with DTM*472 (else DTM*150, else the claim's DTM*232),
CAS, AMT*B6, LQ*HE and REF*6R, and the PLB provider adjustments. Nothing is matched or posted
here: a claim number that matches nothing is read like any other, and a file that does not
balance is read too (``Remittance.balance_problem()`` says so); the posting service refuses it.

Why our own tokenizer (exchange/x12.py) and pyx12 only in the tests: pyx12 (x12file.X12Reader,
x12n_document) is a validator. It walks the 835 map and reports through an error-handler tree
and a 999, but hands back raw segments, so every element would still be interpreted here; its
verdict is all-or-nothing against the whole implementation guide (a missing payer address or
PER*BL fails it) and would refuse a payer's real deposit for a detail posting never reads; and it
would be a run-time dependency with XML maps to ship in the frozen build. Splitting X12 is the
small part (ISA punctuation, segments, envelopes: about 200 lines), and writing it ourselves lets
a damaged or hostile file be bounded before it is split and refused with a ``BillingError`` that
names the segment number and what is wrong. pyx12 proves, in tests/test_x12_835.py, that every
good test file and the test writer's output are valid 005010X221A1, so the reader is tested on
real 835s.

``file_fingerprint(remittance or path)`` is the key the posting service keeps so that the same
file is never posted twice: ISA13 (the sender's interchange control number) : the payer id :
TRN02 (the check or EFT trace number). ISA13 alone repeats across payers and TRN02 alone is only
unique within one payer; together they name one remittance as one file carried it.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from decimal import Decimal

from ..money import CENT
from ..remittance import (
    CLAIM_STATUSES,
    ZERO,
    ClaimPayment,
    ProviderAdjustment,
    Remittance,
    RemittanceAdjustment,
    RemittanceLine,
)
from .x12 import Segment, Transaction, X12Error, transactions

__all__ = ["X12Error", "file_fingerprint", "read_835"]

VERSION = "005010X221"  # GS08; the A1 addenda and its errata keep the prefix
METHODS = {"CHK": "check", "ACH": "eft", "BOP": "eft", "FWT": "eft", "NON": "none"}
GROUPS = ("CO", "PR", "OA", "PI", "CR")  # CR left 5010's list; still read, as remittance.py has it
_AMOUNT = re.compile(r"-?(\d{1,13}(\.\d*)?|\.\d+)")


def read_835(path_or_text: str | bytes | os.PathLike[str]) -> list[Remittance]:
    """Every remittance (one per ST ... SE) in an 835 file, or the file's text."""
    return [_read_transaction(tx) for tx in transactions(path_or_text)]


def file_fingerprint(source: Remittance | str | bytes | os.PathLike[str]) -> str:
    """``ISA13:payer id:TRN02`` of a remittance; of a file, those of its remittances joined by
    ' + ' in file order. The same file read twice gives the same fingerprint."""
    if isinstance(source, Remittance):
        return f"{source.interchange}:{source.payer_id}:{source.reference}"
    return " + ".join(file_fingerprint(r) for r in read_835(source))


# -- numbers and dates -----------------------------------------------------------------------

def amount(seg: Segment, index: int, what: str, *, required: bool = True) -> Decimal:
    """Element ``index`` as an amount to the cent (empty: ZERO when not required)."""
    text = seg.el(index)
    name = f"{what} ({seg.id}{index:02d})"
    if not text:
        if required:
            seg.fail(f"the {name} is missing")
        return ZERO
    if not _AMOUNT.fullmatch(text):
        if re.fullmatch(r"-?\d{14,}(\.\d*)?", text):
            seg.fail(f"the {name} {text[:20]}... is too large (at most 13 digits before the point)")
        seg.fail(f"the {name} {text[:20]!r} is not a number")
    value = Decimal(text)
    if value != value.quantize(CENT):
        seg.fail(f"the {name} {text!r} has more than two decimals")
    return value.quantize(CENT)


def date(seg: Segment, index: int, what: str) -> dt.date:
    text = seg.el(index)
    try:
        if len(text) != 8 or not text.isdigit():
            raise ValueError
        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        seg.fail(f"the {what} ({seg.id}{index:02d}) {text[:20]!r} is not a date (CCYYMMDD)")


def units(seg: Segment, index: int) -> int:
    """SVC05, the units paid: 1 when not sent; a whole number."""
    if not seg.el(index):
        return 1
    value = amount(seg, index, "units")
    if value != value.to_integral_value():
        seg.fail(f"the units (SVC{index:02d}) {seg.el(index)!r} are not a whole number")
    return int(value)


def adjustments(seg: Segment) -> list[RemittanceAdjustment]:
    """Every group/reason/amount of a CAS segment (up to six reasons in one group)."""
    group = seg.el(1)
    if group not in GROUPS:
        seg.fail(f"{group[:10]!r} is not an adjustment group ({', '.join(GROUPS)})")
    out = []
    for k in range(6):
        reason, money = seg.el(2 + 3 * k), seg.el(3 + 3 * k)
        if not reason and not money:
            continue
        if not reason:
            seg.fail(f"the amount in CAS{3 + 3 * k:02d} has no reason code")
        out.append(RemittanceAdjustment(group, reason, amount(seg, 3 + 3 * k, "adjustment amount")))
    if not out:
        seg.fail("the adjustment has no reason code and amount")
    return out


# -- one transaction ----------------------------------------------------------------------------

@dataclass
class _Line:
    code: str
    modifiers: tuple[str, ...]
    charge: Decimal
    paid: Decimal
    units: int
    service_date: dt.date | None = None
    period_start: dt.date | None = None
    allowed: Decimal | None = None
    adjustments: list[RemittanceAdjustment] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)
    line_reference: str = ""

    def value(self, claim_date: dt.date | None) -> RemittanceLine:
        return RemittanceLine(
            code=self.code, charge=self.charge, paid=self.paid, units=self.units,
            modifiers=self.modifiers,
            service_date=self.service_date or self.period_start or claim_date,
            allowed=self.allowed, adjustments=tuple(self.adjustments), remarks=tuple(self.remarks),
            line_reference=self.line_reference)


@dataclass
class _Claim:
    seg: Segment
    patient_name: str = ""
    qc_member_id: str = ""
    il_member_id: str = ""
    claim_date: dt.date | None = None
    lines: list[_Line] = field(default_factory=list)
    adjustments: list[RemittanceAdjustment] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)

    def value(self) -> ClaimPayment:
        seg = self.seg
        status = seg.el(2)
        if status not in CLAIM_STATUSES:
            seg.fail(f"{status[:10]!r} is not a claim status an 835 sends (CLP02)")
        if not seg.el(1):
            seg.fail("the claim has no claim number (CLP01)")
        return ClaimPayment(
            claim_number=seg.el(1), status=status,
            charge=amount(seg, 3, "charge"), paid=amount(seg, 4, "payment"),
            patient_responsibility=amount(seg, 5, "patient responsibility", required=False),
            payer_claim_number=seg.el(7), patient_name=self.patient_name,
            member_id=self.il_member_id or self.qc_member_id,
            lines=tuple(line.value(self.claim_date) for line in self.lines),
            adjustments=tuple(self.adjustments), remarks=tuple(self.remarks))


class _Reader:
    """Walks one transaction's segments; ``self.where`` is the loop the last segment opened."""

    def __init__(self, tx: Transaction):
        self.tx = tx
        self.bpr: Segment | None = None
        self.trn: Segment | None = None
        self.payer: Segment | None = None
        self.payer_ref = ""
        self.payee_npi = ""
        self.where = "header"
        self.claims: list[_Claim] = []
        self.plb: list[ProviderAdjustment] = []

    @property
    def claim(self) -> _Claim | None:
        return self.claims[-1] if self.claims and self.where in ("claim", "line") else None

    @property
    def line(self) -> _Line | None:
        claim = self.claim
        return claim.lines[-1] if claim and self.where == "line" else None

    def read(self) -> Remittance:
        for seg in self.tx.segments:
            if self.bpr is None and seg.id != "BPR":
                seg.fail(f"transaction {self.tx.control} must begin with a BPR (the payment: "
                         f"amount, method and date)")
            handler = getattr(self, f"_{seg.id.lower()}", None)
            if handler is not None:
                handler(seg)
        return self.remittance()

    def remittance(self) -> Remittance:
        st = self.tx.st
        if self.bpr is None:
            st.fail(f"transaction {self.tx.control} has no BPR (the payment)")
        if self.trn is None:
            st.fail(f"transaction {self.tx.control} has no TRN (the check or EFT trace number)")
        if self.payer is None:
            st.fail(f"transaction {self.tx.control} has no N1*PR (the payer)")
        bpr = self.bpr
        method = METHODS.get(bpr.el(4))
        if method is None:
            bpr.fail(f"{bpr.el(4)[:10]!r} is not a payment method (BPR04 CHK, ACH, BOP, FWT or NON)")
        total = amount(bpr, 2, "payment amount")
        if bpr.el(3) not in ("C", "D"):
            bpr.fail(f"{bpr.el(3)[:10]!r} is neither a credit (C) nor a debit (D) (BPR03)")
        payer_id = self.payer_ref or self.payer.el(4) or self.trn.el(3)
        return Remittance(
            payer_name=self.payer.el(2), payer_id=payer_id, method=method,
            reference=self.trn.el(2), amount=-total if bpr.el(3) == "D" else total,
            paid_on=date(bpr, 16, "payment date"),
            claims=tuple(claim.value() for claim in self.claims),
            provider_adjustments=tuple(self.plb), payee_npi=self.payee_npi, source="835",
            interchange=self.tx.interchange)

    # header
    def _bpr(self, seg: Segment) -> None:
        if self.bpr is not None:
            seg.fail("a second BPR in one transaction")
        self.bpr = seg

    def _trn(self, seg: Segment) -> None:
        if self.where != "header":
            return  # only the header's TRN names the payment
        if not seg.el(2):
            seg.fail("the check or EFT trace number (TRN02) is missing")
        self.trn = seg

    def _n1(self, seg: Segment) -> None:
        if self.where not in ("header", "payer", "payee"):
            return
        if seg.el(1) == "PR":
            if not seg.el(2):
                seg.fail("the payer has no name (N102)")
            self.payer, self.where = seg, "payer"
        elif seg.el(1) == "PE":
            self.where = "payee"
            if seg.el(3) == "XX":
                self.payee_npi = seg.el(4)

    def _ref(self, seg: Segment) -> None:
        if self.where == "payer" and seg.el(1) == "2U":
            self.payer_ref = seg.el(2)
        elif self.line is not None and seg.el(1) == "6R":
            self.line.line_reference = seg.el(2)

    # claims
    def _lx(self, seg: Segment) -> None:
        self.where = "detail"

    def _clp(self, seg: Segment) -> None:
        self.claims.append(_Claim(seg))
        self.where = "claim"

    def _cas(self, seg: Segment) -> None:
        if self.line is not None:
            self.line.adjustments.extend(adjustments(seg))
        elif self.claim is not None:
            self.claim.adjustments.extend(adjustments(seg))
        else:
            seg.fail("an adjustment (CAS) outside a claim")

    def _nm1(self, seg: Segment) -> None:
        claim = self.claim
        if claim is None or self.where != "claim":
            return
        if seg.el(1) == "QC":
            last, first, middle = seg.el(3), seg.el(4), seg.el(5)
            given = " ".join(part for part in (first, middle) if part)
            claim.patient_name = f"{last}, {given}" if given else last
            if seg.el(8) == "MI":
                claim.qc_member_id = seg.el(9)
        elif seg.el(1) == "IL":
            claim.il_member_id = seg.el(9)

    def _moa(self, seg: Segment) -> None:
        self._remarks(seg, range(3, 8))

    def _mia(self, seg: Segment) -> None:
        self._remarks(seg, (5, 20, 21, 22, 23))

    def _remarks(self, seg: Segment, indexes: range | tuple[int, ...]) -> None:
        claim = self.claim
        if claim is None or self.where != "claim":
            seg.fail("claim remarks (MOA or MIA) outside a claim")
        claim.remarks.extend(seg.el(i) for i in indexes if seg.el(i))

    def _dtm(self, seg: Segment) -> None:
        line, claim = self.line, self.claim
        if line is not None and seg.el(1) == "472":
            line.service_date = date(seg, 2, "service date")
        elif line is not None and seg.el(1) == "150":
            line.period_start = date(seg, 2, "service period start")
        elif claim is not None and line is None and seg.el(1) == "232":
            claim.claim_date = date(seg, 2, "claim statement date")

    # lines
    def _svc(self, seg: Segment) -> None:
        claim = self.claim
        if claim is None:
            seg.fail("a service line (SVC) outside a claim")
        procedure = seg.components(1)
        if len(procedure) < 2 or not procedure[1]:
            seg.fail(f"the procedure (SVC01) {seg.el(1)[:30]!r} has no code after its qualifier")
        claim.lines.append(_Line(
            code=procedure[1], modifiers=tuple(m for m in procedure[2:6] if m),
            charge=amount(seg, 2, "charge"), paid=amount(seg, 3, "payment"),
            units=units(seg, 5)))
        self.where = "line"

    def _amt(self, seg: Segment) -> None:
        if self.line is not None and seg.el(1) == "B6":
            self.line.allowed = amount(seg, 2, "allowed amount")

    def _lq(self, seg: Segment) -> None:
        if self.line is not None and seg.el(1) == "HE" and seg.el(2):
            self.line.remarks.append(seg.el(2))

    # summary
    def _plb(self, seg: Segment) -> None:
        self.where = "summary"
        found = 0
        for k in range(6):
            reason_ref, money = seg.components(3 + 2 * k), seg.el(4 + 2 * k)
            if not reason_ref[0] and not money:
                continue
            if not reason_ref[0]:
                seg.fail(f"the amount in PLB{4 + 2 * k:02d} has no reason code")
            reference = reason_ref[1] if len(reason_ref) > 1 else ""
            self.plb.append(ProviderAdjustment(reason_ref[0], reference,
                                               amount(seg, 4 + 2 * k, "provider adjustment")))
            found += 1
        if not found:
            seg.fail("the provider adjustment has no reason and amount")


def _read_transaction(tx: Transaction) -> Remittance:
    _check_kind(tx)
    return _Reader(tx).read()


def _check_kind(tx: Transaction) -> None:
    if tx.isa.el(12) != "00501":
        tx.isa.fail(f"the interchange is version {tx.isa.el(12)[:10]!r}; this reader reads 00501 "
                    f"(005010X221A1) 835 files")
    if tx.gs.el(1) != "HP" or tx.st.el(1) != "835":
        tx.st.fail(f"this is a {tx.st.el(1)[:10]!r} transaction (group {tx.gs.el(1)[:10]!r}), not an "
                   f"835 remittance advice")
    if not tx.gs.el(8).startswith(VERSION):
        tx.gs.fail(f"the group is version {tx.gs.el(8)[:20]!r}; this reader reads 005010X221A1 835s")
