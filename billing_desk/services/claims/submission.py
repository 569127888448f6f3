"""Claims going out: an 837P file per payer, or a batch of CMS-1500 forms on paper.

- ``ready_claims(mode, payer=None)``: the ready claims that go that way (the payer's claim mode).
- ``export_837(claim_ids, path, by, payer=None)``: one interchange per payer, its control numbers
  from the sequences (never repeated, even when the export then fails), the file written whole,
  then the claims submitted in one batch per file. All or nothing: a claim the scrubber refuses,
  a file that cannot be written or a failed marking leaves no file and nothing marked.
- ``paper_batch(claim_ids=None, payer=None)``: the ClaimForms to print (the caller renders them:
  printing is not a service's business); ``record_printout`` audits a print or a copy;
  ``confirm_printed(claim_ids, by, printer=)`` submits them once the clerk says they came out right.
"""

from __future__ import annotations

import datetime as dt
import glob
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from peewee import fn

from ...choices import CLAIM_MODES
from ...claim_form import ClaimForm
from ...errors import BillingError, Problem, RuleError, ValidationError
from ...exchange.x12 import X12Error
from ...exchange.x12_837 import claim_numbers_in, take_name, write_837p_staged
from ...models import Account, Claim, ClaimBatch, Invoice, Payer, User
from ...money import ZERO, format_money
from ..office import audit
from ..office.transactions import in_transaction
from . import claim_status, forms
from .claim_status import NAMES
from .scrubber import scrub


class NothingToSend(BillingError):
    """No ready claims go the way asked (of the payer asked)."""


@dataclass(frozen=True)
class ReadyClaim:
    claim_id: int
    control_number: str
    payer: str
    patient: str
    invoice: int
    service_date: dt.date
    total: Decimal


@dataclass(frozen=True)
class Exported:
    """One 837P file written and its claims submitted."""

    path: Path
    payer: str
    batch_number: int
    control_numbers: tuple[str, ...]
    total: Decimal
    interchange_number: int
    group_number: int
    transaction_number: int

    @property
    def claim_count(self) -> int:
        return len(self.control_numbers)


@dataclass(frozen=True)
class PaperBatch:
    """Claims to print on the CMS-1500, in the order printed."""

    claim_ids: tuple[int, ...]
    control_numbers: tuple[str, ...]
    forms: tuple[ClaimForm, ...]
    total: Decimal

    @property
    def claim_count(self) -> int:
        return len(self.claim_ids)


@dataclass(frozen=True)
class Submitted:
    batch_number: int
    mode: str
    control_numbers: tuple[str, ...]
    total: Decimal
    printer: str = ""

    @property
    def claim_count(self) -> int:
        return len(self.control_numbers)


def payer_named(name: str) -> Payer:
    """A payer by its name as typed (any case); ValidationError names the payers there are."""
    payer = Payer.get_or_none(fn.LOWER(Payer.name) == (name or "").strip().lower())
    if payer is None:
        names = ", ".join(p.name for p in Payer.select(Payer.name).order_by(Payer.name))
        raise ValidationError(f"no payer named '{(name or '').strip()}' (the payers are "
                              f"{names or 'none yet'})", "payer")
    return payer


def _mode(mode: str) -> str:
    if mode not in CLAIM_MODES:
        raise ValidationError("claims go on paper or electronic", "mode")
    return mode


def _ready_query(mode: str, payer: str | None):
    query = (Claim.select(Claim, Invoice, Account, Payer).join(Invoice).join(Account)
             .switch(Claim).join(Payer)
             .where(Claim.status == "ready", Payer.claim_mode == _mode(mode)))
    if payer and payer.strip():
        query = query.where(Claim.payer == payer_named(payer).id)
    return query.order_by(Payer.name, Claim.id)


def ready_claims(mode: str, payer: str | None = None) -> list[ReadyClaim]:
    """The ready claims of payers taking ``mode`` claims (of one payer, by name), payer by payer."""
    return [ReadyClaim(c.id, c.control_number, c.payer.name, c.invoice.account.display_name,
                       c.invoice.number, c.invoice.service_date, c.total_charge)
            for c in _ready_query(mode, payer)]


def _chosen(claim_ids: Iterable[int] | None, mode: str, payer: str | None) -> list[Claim]:
    """The claims asked for (by id, or every ready one of the mode and payer), each ready and of
    a payer taking that mode; NothingToSend when there are none."""
    if claim_ids is None:
        claims = list(_ready_query(mode, payer))
    else:
        claims = []
        for claim_id in dict.fromkeys(claim_ids):
            claim = Claim.get_or_none(Claim.id == claim_id)
            if claim is None:
                raise RuleError(f"there is no claim {claim_id}")
            claims.append(claim)
        if payer and payer.strip():
            wanted = payer_named(payer).id
            claims = [c for c in claims if c.payer_id == wanted]
    if not claims:
        whose = f" for {payer_named(payer).name}" if payer and payer.strip() else ""
        raise NothingToSend(f"no ready {mode} claims{whose}: nothing to "
                            f"{'export' if mode == 'electronic' else 'print'}")
    for claim in claims:
        if claim.status != "ready":
            raise RuleError(f"Claim {claim.control_number} is {NAMES[claim.status]}; only ready "
                            "claims go out.")
        if claim.payer.claim_mode != mode:
            raise RuleError(f"claim {claim.control_number}: {claim.payer.name} takes "
                            f"{claim.payer.claim_mode} claims (change the payer's claim mode to "
                            f"send it {mode})")
    return claims


def _scrubbed(claims: list[Claim], mode: str, on: dt.date | None) -> None:
    """Every claim passes the scrubber for ``mode``, or ValidationError names the claim and field."""
    problems = [Problem(f"claim {c.control_number} {p.field}", p.message)
                for c in claims for p in scrub(c, mode=mode, today=on)]
    if problems:
        raise ValidationError(problems)


def _by_payer(claims: list[Claim]) -> list[tuple[Payer, list[Claim]]]:
    groups: dict[int, tuple[Payer, list[Claim]]] = {}
    for claim in claims:
        groups.setdefault(claim.payer_id, (claim.payer, []))[1].append(claim)
    return sorted(groups.values(), key=lambda g: g[0].name.lower())


def _file_label(payer: Payer) -> str:
    text = payer.payer_id.strip() or payer.name
    return "".join(ch if ch.isalnum() else "-" for ch in text).strip("-") or str(payer.id)


def export_targets(path: str | Path, payers: list[Payer]) -> list[Path]:
    """Where each payer's file goes: ``path`` itself for one payer; for several, one file each
    beside it, named with the payer's id (claims.837 -> claims-BPH01.837, claims-06102.837)."""
    path = Path(path)
    if len(payers) == 1:
        return [path]
    return [path.with_name(f"{path.stem}-{_file_label(p)}{path.suffix or '.837'}") for p in payers]


def export_837(claim_ids: Iterable[int] | None, path: str | Path, by: User, *, payer: str | None = None,
               on: dt.date | None = None) -> list[Exported]:
    """Write the claims (None: every ready electronic claim, of ``payer`` when named) as 837P
    files, one interchange per payer, and submit them: one batch per file. All or nothing.

    Each file is written beside its name and takes it only once its claims are marked submitted,
    so a crash part-way never leaves an .837 whose claims are still ready (sent again later, they
    would reach the payer twice); what such a run left is settled first (``_settle_cut_off``).
    The names are held (``take_name``) inside the transaction that marks the claims: a file
    another workstation wrote under one of them meanwhile is kept, and nothing is marked."""
    _settle_cut_off(Path(path))
    claims = _chosen(claim_ids, "electronic", payer)
    _scrubbed(claims, "electronic", on)
    groups = _by_payer(claims)
    targets = export_targets(path, [p for p, _c in groups])
    for target in targets:
        if target.exists():
            raise ValidationError(f"{target} already exists: a file written earlier may not have "
                                  "been uploaded yet; choose another name", "out")
    written: list[Path] = []
    held: list[Path] = []
    envelopes = []
    try:
        for (_payer, group), target in zip(groups, targets):
            envelope = forms.interchange([c.id for c in group], by)
            written.append(write_837p_staged(envelope, target))
            envelopes.append(envelope)
        with in_transaction():
            done = [_mark_sent(payer_row, group, target, envelope, by, on)
                    for (payer_row, group), target, envelope in zip(groups, targets, envelopes)]
            for target in targets:
                take_name(target)
                held.append(target)
    except BaseException:
        for left in written + held:  # the names held are this export's own empty files
            left.unlink(missing_ok=True)
        raise
    for staged, target in zip(written, targets):
        os.replace(staged, target)
    return done


#: A file an export left beside its name is another workstation's export still running while it
#: is younger than this; older, it was cut off (a kill, a power cut).
CUT_OFF_AFTER = 10 * 60  # seconds


def _settle_cut_off(path: Path) -> None:
    """Files an export cut off (killed, a power cut) left beside this one's names: one whose
    claims are still ready (cut off before they were marked) is dropped once it is older than
    ``CUT_OFF_AFTER`` (with the empty file that held its name), since this export sends them;
    one whose claims its run marked submitted is refused, naming it, to be renamed and
    uploaded: its claims are never written a second time."""
    suffix = path.suffix or ".837"
    folder = path.parent if str(path.parent) else Path(".")
    found = {*folder.glob(f"{glob.escape(path.name)}*.partial"),
             *folder.glob(f"{glob.escape(path.stem)}-*{suffix}*.partial")}
    for left in sorted(f for f in found if f.is_file()):
        base = left.name.removesuffix(".partial")
        final = left.with_name(base[:base.rindex(suffix) + len(suffix)] if suffix in base else base)
        try:
            numbers = claim_numbers_in(left)
        except X12Error:
            numbers = []  # cut off while it was written: its claims were never marked
        marked = [c.control_number for c in Claim.select(Claim.control_number).join(ClaimBatch)
                  .where(Claim.control_number.in_(numbers), ClaimBatch.file_name == final.name)]
        if not marked:
            if time.time() - left.stat().st_mtime > CUT_OFF_AFTER:
                left.unlink(missing_ok=True)
                if final.is_file() and final.stat().st_size == 0:
                    final.unlink(missing_ok=True)
            continue
        shown = ", ".join(marked[:6]) + (f" and {len(marked) - 6} more" if len(marked) > 6 else "")
        empty = " (in place of the empty file there)" if final.is_file() and not final.stat().st_size else ""
        raise ValidationError(f"{left} was written by an export cut off (a crash or power cut) "
                              f"after its claims were marked submitted ({shown}): rename it to "
                              f"{final.name}{empty} and upload it; nothing was exported now", "out")


def _mark_sent(payer: Payer, claims: list[Claim], target: Path, envelope, by: User,
               on: dt.date | None) -> Exported:
    batch = claim_status.submit([c.id for c in claims], "electronic", by, file_name=target.name, on=on)
    numbers = tuple(c.control_number for c in claims)
    total = sum((c.total_charge for c in claims), ZERO)
    audit.record(by, "export", batch, summary=f"837P file {target} for {payer.name}: {len(claims)} "
                 f"claims ({', '.join(numbers)}), {format_money(total)}, interchange "
                 f"{envelope.interchange_number}",
                 after={"path": str(target), "interchange": envelope.interchange_number,
                        "group": envelope.group_number, "transaction": envelope.transaction_number})
    return Exported(target, payer.name, batch.number, numbers, total, envelope.interchange_number,
                    envelope.group_number, envelope.transaction_number)


def paper_batch(claim_ids: Iterable[int] | None = None, *, payer: str | None = None,
                on: dt.date | None = None) -> PaperBatch:
    """The claims to print on paper (None: every ready paper claim, of ``payer`` when named),
    scrubbed for paper; ValidationError names the claim and the field of any problem."""
    claims = _chosen(claim_ids, "paper", payer)
    _scrubbed(claims, "paper", on)
    return PaperBatch(tuple(c.id for c in claims), tuple(c.control_number for c in claims),
                      tuple(forms.claim_form(c.id) for c in claims),
                      sum((c.total_charge for c in claims), ZERO))


def record_printout(batch: PaperBatch, by: User | None, *, action: str, where: str, pages: int) -> None:
    """The audit entry for forms printed (``action`` "print") or a copy saved ("export")."""
    what = "printed on" if action == "print" else "saved to"
    with in_transaction():
        audit.record(by, action, table="claim", summary=f"CMS-1500 forms of {batch.claim_count} claims "
                     f"({', '.join(batch.control_numbers)}) {what} {where}, {pages} pages",
                     after={"claims": list(batch.control_numbers), "where": where, "pages": pages})


def confirm_printed(claim_ids: Iterable[int], by: User, *, printer: str = "",
                    on: dt.date | None = None) -> Submitted:
    """The clerk says the forms came out right: the claims are submitted on paper, one batch."""
    ids = list(dict.fromkeys(claim_ids))
    batch = claim_status.submit(ids, "paper", by, printer=printer.strip(), on=on)
    claims = list(Claim.select(Claim.control_number).where(Claim.batch == batch.id).order_by(Claim.id))
    return Submitted(batch.number, "paper", tuple(c.control_number for c in claims), batch.total,
                     batch.printer)
